import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompetitionRun, eventually, F, feasibilityOnly, sbirCriteria } from './drive.ts';
import { timeSkippingHarness, type Harness } from './support.ts';

/**
 * The reliability of a gate, end to end: the jury's agreement and leave-one-juror-out stability are
 * computed when the gate ranks, kept in the ranking's record, shown to the officers before they
 * approve, flagged to them as a notice when the jury disagrees, and never shown to companies or jurors.
 */

const jury = ['juror-1', 'juror-2', 'juror-3'];
const companies = ['company-01', 'company-02', 'company-03', 'company-04'];

/**
 * juror-2 and juror-3 agree; juror-1 does not on innovation (alpha about -0.26), and on their own
 * put company-01 ahead of company-02 for the one award slot. No two jurors are more than 3 points
 * apart, so the phase goes to its gate without a consensus meeting.
 */
function scoreOf(company: string, criterion: string, juror: string): number {
  const usual: Record<string, number> = {
    'company-01': 8,
    'company-02': 8,
    'company-03': 7,
    'company-04': 6,
  };
  if (criterion === 'innovation') {
    const innovation = juror === 'juror-1' ? [9, 9, 5, 8] : [6, 7, 8, 6];
    return innovation[companies.indexOf(company)]!;
  }
  if (juror === 'juror-1') return { 'company-01': 9, 'company-02': 7 }[company] ?? usual[company]!;
  return company === 'company-02' && criterion === 'price-quality' ? 9 : usual[company]!;
}

describe('the reliability of a gate', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await timeSkippingHarness();
  });
  afterAll(async () => h?.close());

  it('shows the officer alpha and the decisive juror before approval, flags the disagreement, and tells companies nothing of it', async () => {
    const run = await CompetitionRun.sbir(h, {
      phases: feasibilityOnly({ gate: { awardSlots: 1 } }),
      jurors: { [F]: jury },
    });
    const offerIds = await run.offers(F, companies);
    await run.closeSubmissions(F);
    await run.scoreToGate(F, jury, sbirCriteria, scoreOf);

    // The officer, at the gate and before approving it.
    const ranking = await run.ranking(F);
    expect(ranking.selection.selectedOfferIds).toEqual([offerIds['company-01']]);
    const { reliability } = ranking;
    const innovation = reliability.criteria.find((c: any) => c.criterion === 'innovation');
    expect(innovation).toMatchObject({ reading: 'unreliable', flagged: true, pairableValues: 12 });
    expect(innovation.alpha).toBeLessThan(0.667);
    expect(reliability.flagged).toBe(true);
    expect(reliability.leaveOneJurorOut.decisiveJurors).toEqual(['juror-1']);
    const withoutJuror1 = reliability.leaveOneJurorOut.jurors.find((j: any) => j.jurorId === 'juror-1');
    expect(withoutJuror1.selection).toEqual({
      unchanged: false,
      entering: [offerIds['company-02']],
      leaving: [offerIds['company-01']],
    });

    // Kept in the ranking's record.
    const [stored] = await h.sql<{ alpha: number }[]>`
      select (ranking #>> '{reliability,criteria,0,alpha}')::float8 as alpha from gate_rankings
      where competition_id = ${run.id} and phase_key = ${F} order by revision desc limit 1`;
    expect(stored!.alpha).toBeCloseTo(innovation.alpha, 12);

    // Flagged to the officers (the chair) as a notice; jurors and companies are not told.
    const notices = await eventually(
      'the officers to be told of the disagreement',
      async () => (await h.call('officer-2', 'GET', '/me/notifications')).body.notifications,
      (list: any[]) => list.some((n) => n.kind === 'jury-disagreement' && n.competitionId === run.id),
    );
    const notice = notices.find((n: any) => n.kind === 'jury-disagreement' && n.competitionId === run.id);
    expect(notice.body.criteria.map((c: any) => c.criterion)).toEqual(['innovation']);
    expect(notice.body.decisiveJurors).toEqual(['juror-1']);
    for (const other of ['juror-1', 'company-01']) {
      const theirs = (await h.call(other, 'GET', '/me/notifications')).body.notifications;
      expect(theirs.some((n: any) => n.kind === 'jury-disagreement')).toBe(false);
    }

    // A juror never sees the ranking; a company sees its own line after the intended award, and
    // nothing of the reliability report or of who the jurors are.
    expect((await h.call('juror-2', 'GET', `/competitions/${run.id}/phases/${F}/ranking`)).status).toBe(403);
    await run.approveGate(F);
    for (const company of ['company-01', 'company-02']) {
      const seen = await h.call(company, 'GET', `/competitions/${run.id}/phases/${F}/ranking`);
      expect(seen.status, JSON.stringify(seen.body)).toBe(200);
      expect(seen.body.offers).toHaveLength(1);
      expect(seen.body).not.toHaveProperty('reliability');
      const text = JSON.stringify(seen.body);
      for (const hidden of ['reliability', 'alpha', 'leaveOneJurorOut', 'decisive', 'juror-1', 'juror-2']) {
        expect(text).not.toContain(hidden);
      }
    }
  });
});
