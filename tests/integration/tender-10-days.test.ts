import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localTime } from '../../domain/calendar.ts';
import { isWorkingDay } from '../../domain/calendar.ts';
import { CompetitionRun } from './drive.ts';
import { jurors, timeSkippingHarness, type Harness } from './support.ts';

/** The tender's own calendar: the days of the Algemene termijnenwet. */
const calendar = { timeZone: 'Europe/Amsterdam', holidays: 'NL-atw' };
const criteria = ['problem-understanding', 'solution-quality', 'feasibility-and-team', 'pitch-and-interview'];
const jury = jurors.slice(0, 3);

/** company-01 writes the best proposal, company-03 the weakest that still passes every minimum. */
const scoreOf = (company: string, _criterion: string, juror: string) =>
  ({ 'company-01': 9, 'company-02': 8, 'company-03': 6 })[company]! - (juror === 'juror-3' ? 1 : 0);

describe('the tender in ten days, on the same engine as SBIR', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await timeSkippingHarness();
  });
  afterAll(async () => h?.close());

  it('runs from publication to final award with its real working-day calendar, including an extended submission deadline', async () => {
    const run = await CompetitionRun.launch(h, {
      title: 'Smart waste collection pilot',
      buyer: 'Gemeente Utrecht',
      procedure: 'tender-10-days',
      jurors: { tender: jury },
    });
    const published = await run.phase('tender');
    const timeline = published.timeline;
    for (const deadline of ['questionsCloseAt', 'answersDueAt', 'submissionsCloseAt', 'intendedAwardDueAt']) {
      const local = localTime(timeline[deadline], calendar.timeZone);
      expect(local.local.slice(11, 16), deadline).toBe('12:00');
      expect(isWorkingDay(local.local.slice(0, 10), calendar), deadline).toBe(true);
    }
    expect(localTime(timeline.evaluationCloseAt, calendar.timeZone).local.slice(11, 16)).toBe('17:00');

    for (const company of ['company-01', 'company-02']) {
      expect((await run.offer(company, 'tender', { requestedAmount: 24_000, price: 24_000 })).status).toBe(
        201,
      );
    }

    // The officer moves the submission deadline on by a day; every company is told.
    const oldDeadline = timeline.submissionsCloseAt;
    const newDeadline = new Date(Date.parse(oldDeadline) + 24 * 3600 * 1000).toISOString();
    const extended = await h.call('officer-1', 'POST', `/competitions/${run.id}/phases/tender/deadlines`, {
      milestone: 'submissionsClose',
      until: newDeadline,
      reason: 'A clarification in the answers needs more time',
    });
    expect(extended.status, JSON.stringify(extended.body)).toBe(200);
    expect((await run.phase('tender')).timeline.submissionsCloseAt).toBe(newDeadline);
    const notices = await h.call('company-03', 'GET', '/me/notifications');
    expect(notices.body.notifications.map((n: { kind: string }) => n.kind)).toContain('deadline-extended');

    await run.advancePast(oldDeadline);
    expect((await run.phase('tender')).state).toBe('submissions-open');
    expect((await run.offer('company-03', 'tender', { requestedAmount: 20_000, price: 20_000 })).status).toBe(
      201,
    );

    await run.advancePast(newDeadline);
    await run.waitForPhase('tender', 'evaluation');
    await run.openOffers('tender');

    // Every offer gets a pitch slot; the jury scores an offer only after its pitch.
    const programme = await h.call('officer-1', 'GET', `/competitions/${run.id}/phases/tender/pitches`);
    expect(programme.body.slots).toHaveLength(3);
    const own = await h.call('company-02', 'GET', `/competitions/${run.id}/phases/tender/pitches`);
    expect(own.body.slots.map((s: { company: string }) => s.company)).toEqual(['company-02']);
    const invitation = (await h.call('company-02', 'GET', '/me/notifications')).body.notifications.find(
      (n: { kind: string }) => n.kind === 'pitch-invitation',
    );
    expect(invitation.body.minutes).toBe(50);

    const [first] = await run.jurorOffers('juror-1', 'tender');
    expect((await run.declare('juror-1', 'tender', first!.offerId, false)).status).toBe(201);
    const early = await run.score(
      'juror-1',
      'tender',
      first!.offerId,
      Object.fromEntries(criteria.map((c) => [c, 7])),
    );
    expect(early.status).toBe(409);
    expect(early.body.type).toBe('urn:phasegate:problem:pitch-not-held');

    for (const slot of programme.body.slots) {
      const held = await h.call(
        'officer-1',
        'POST',
        `/competitions/${run.id}/phases/tender/offers/${slot.offerId}/pitch/held`,
      );
      expect(held.status).toBe(200);
    }
    await run.juryScores('tender', jury, criteria, scoreOf);
    await run.waitForPhase('tender', 'gate');

    const { standstillEndsAt } = await run.approveGate('tender');
    // Ten calendar days of standstill, at the same local time.
    expect(
      Date.parse(standstillEndsAt) - Date.parse((await run.phase('tender')).timeline.intendedAwardAt),
    ).toBeGreaterThanOrEqual(10 * 24 * 3600 * 1000 - 3600 * 1000);
    const letter = (await h.call('company-03', 'GET', '/me/notifications')).body.notifications.find(
      (n: { kind: string }) => n.kind === 'intended-award',
    );
    expect(letter.body.selected).toBe(false);
    expect(letter.body.yourStanding.criteria).toHaveLength(4);

    await run.advancePast(standstillEndsAt);
    const done = await run.waitForCompetition('completed');
    expect(done.phases[0].state).toBe('completed');
    const awards = await run.awards('tender');
    expect(awards.map((a) => [a.company_id, a.status])).toEqual([['company-01', 'final']]);
  });
});
