import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities/index.ts';
import { CompetitionRun, enrolCompanies, F, feasibilityOnly, sbirCriteria } from './drive.ts';
import { timeSkippingHarness, type Harness } from './support.ts';

const oneScoredPhase = feasibilityOnly();

describe('no offer, award or notice is lost or duplicated, whatever the timing or the retries', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await timeSkippingHarness();
  });
  afterAll(async () => h?.close());

  it('offers racing the closing of submissions are either received with a receipt and evaluated, or refused', async () => {
    const run = await CompetitionRun.sbir(h, { phases: oneScoredPhase });
    const companies = enrolCompanies(60);
    const { submissionsCloseAt } = (await run.phase(F)).timeline;

    const sending = companies.map((company) => run.offer(company, F, { requestedAmount: 50_000 }));
    const closing = run.advancePast(submissionsCloseAt);
    const answers = await Promise.all(sending);
    await closing;
    const evaluating = await run.waitForPhase(F, 'evaluation');

    const received = answers.filter((a) => a.status === 201);
    const refused = answers.filter((a) => a.status !== 201);
    expect(received.length + refused.length).toBe(companies.length);
    for (const answer of refused) expect(answer.body.type).toBe('urn:phasegate:problem:deadline-passed');
    // Every receipt given is an offer the jury evaluates, and nothing else is.
    const [{ active }] = (await h.sql`
      select count(*)::int as active from offers where competition_id = ${run.id} and status = 'active'`) as [
      { active: number },
    ];
    expect(active).toBe(received.length);
    expect(evaluating.counts.offers).toBe(received.length);
  });

  it('a company sending many versions at once ends with one active offer and no gap in the version numbers', async () => {
    const run = await CompetitionRun.sbir(h, { phases: oneScoredPhase });
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        run.offer('company-01', F, { requestedAmount: 50_000, content: `version ${i}` }),
      ),
    );
    expect(answers.every((a) => a.status === 201)).toBe(true);
    const rows = await h.sql<{ version: number; status: string }[]>`
      select version, status from offers where competition_id = ${run.id} order by version`;
    expect(rows.map((r) => r.version)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(rows.filter((r) => r.status === 'active')).toEqual([{ version: 20, status: 'active' }]);
  });

  it('a retried send with the same idempotency key returns the first receipt and stores one offer', async () => {
    const run = await CompetitionRun.sbir(h, { phases: oneScoredPhase });
    const send = () =>
      h.call(
        'company-02',
        'POST',
        `/competitions/${run.id}/phases/${F}/offers`,
        { content: 'plan', requestedAmount: 40_000 },
        {
          'idempotency-key': 'offer-company-02-attempt',
        },
      );
    const [first, second] = [await send(), await send()];
    expect(first.status).toBe(201);
    // The first answer again, status included (draft-ietf-httpapi-idempotency-key-header).
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    const [{ count }] =
      (await h.sql`select count(*)::int as count from offers where competition_id = ${run.id}`) as [
        { count: number },
      ];
    expect(count).toBe(1);
  });

  it('activities the workflow already ran, run again as a retry would, change nothing', async () => {
    const run = await CompetitionRun.sbir(h, { phases: oneScoredPhase, jurors: { [F]: ['juror-1'] } });
    await run.offers(F, ['company-01', 'company-02']);
    await run.closeSubmissions(F);
    await run.scoreToGate(F, ['juror-1'], sbirCriteria, (company) => (company === 'company-01' ? 9 : 7));
    const { standstillEndsAt } = await run.approveGate(F);
    await run.advancePast(standstillEndsAt);
    await run.waitForCompetition('completed');

    const counts = async () => {
      const [row] = await h.sql`
        select (select count(*)::int from awards where competition_id = ${run.id}) as awards,
               (select count(*)::int from notifications where competition_id = ${run.id}) as notices,
               (select count(*)::int from audit_log where competition_id = ${run.id}) as audit,
               (select count(*)::int from gate_rankings where competition_id = ${run.id}) as rankings`;
      return row;
    };
    const before = await counts();
    const phase = await run.phase(F);
    const acts = createActivities({ sql: h.sql, keys: h.keys });
    const ref = { competitionId: run.id, phaseKey: F };
    const at = phase.timeline.finalAwardAt;
    await acts.openPhase({
      ...ref,
      admission: { kind: 'open' },
      schedule: {
        questionsClose: { unit: 'calendar-days', amount: 1 },
        answersDue: { unit: 'calendar-days', amount: 2 },
        submissionsClose: { unit: 'calendar-days', amount: 3 },
        evaluationClose: { unit: 'calendar-days', amount: 4 },
        intendedAwardDue: { unit: 'calendar-days', amount: 5 },
      },
      calendar: { timeZone: 'Europe/Amsterdam', holidays: 'NL' },
      publishedAt: at,
    });
    await acts.publishAnswers({ ...ref, at });
    await acts.recordOpening({ ...ref, officerId: 'officer-1', at });
    await acts.rankGate({ ...ref, round: 1 });
    await acts.recordIntendedAward({ ...ref, round: 1, officerId: 'officer-1', at });
    await acts.finalAward({ ...ref, executionMonths: 0, at });
    await acts.closePhase({ ...ref, outcome: 'completed', reason: null, at });
    await acts.finishCompetition({
      competitionId: run.id,
      status: 'completed',
      outcome: 'again',
      actor: 'system',
    });

    expect(await counts()).toEqual(before);
    expect(await run.awardStatus(F)).toEqual({ 'company-01': 'final', 'company-02': 'final' });
    const after = await run.phase(F);
    expect(after.timeline).toEqual(phase.timeline);
    expect((await h.call('officer-1', 'GET', `/competitions/${run.id}/audit/verify`)).body.valid).toBe(true);
  });
});
