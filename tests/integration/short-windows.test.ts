import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.ts';
import type { ProcedureTemplateInput } from '../../domain/template.ts';
import { CompetitionRun, eventually, expectProblem } from './drive.ts';
import { jurors, timeSkippingHarness, tokenOf, tokens, type Harness } from './support.ts';

const MINUTE = 60_000;
const P = 'pilot';
const jury = jurors.slice(0, 3);
const pilotCompanies = ['company-01', 'company-02', 'company-03'];
const criteria = ['approach', 'impact'];
const scale = { min: 0, max: 10, step: 1 };

/** A fieldlab's procedure below the EU thresholds: the whole round in 40 minutes, 3 minutes of standstill. */
const pilotPhase = (key: string) => ({
  key,
  name: `Fieldlab round ${key}`,
  schedule: {
    questionsClose: { unit: 'minutes', amount: 10 },
    answersDue: { unit: 'minutes', amount: 12 },
    submissionsClose: { unit: 'minutes', amount: 20 },
    evaluationClose: { unit: 'minutes', amount: 30 },
    intendedAwardDue: { unit: 'minutes', amount: 40 },
  },
  reminderDaysBeforeEvaluationClose: 0,
  standstill: { unit: 'minutes', amount: 3 },
  executionMonths: 0,
  criteria: [
    { key: 'approach', name: 'Approach', weight: 60, scale, minimum: 5 },
    { key: 'impact', name: 'Impact', weight: 40, scale },
  ],
  gate: { awardSlots: 2, phaseBudget: 20_000, maxPerOffer: 10_000, overallMinimum: 50 },
  tieBreakOrder: [{ by: 'criterion', criterion: 'approach' }],
});

const days = (amount: number, at = '12:00') => ({ unit: 'calendar-days', amount, at });

/**
 * The same round in calendar days with `standstillDays`, as templates were before minutes existed:
 * the launch and next-phase rules below hold for every plan, not only a pilot's.
 */
const dayPhase = (key: string, schedule: Record<string, object>) => {
  const { standstill: _minutes, ...phase } = pilotPhase(key);
  return { ...phase, schedule, standstillDays: 1 };
};

const pilotTemplate = (id: string, phases: object[]): ProcedureTemplateInput =>
  ({
    id,
    name: 'Fieldlab pilot in minutes',
    procedureType: 'below-threshold',
    calendar: { timeZone: 'Europe/Amsterdam', holidays: 'NL-atw' },
    phases,
  }) as ProcedureTemplateInput;

/** company-01 best, company-03 weakest but above every minimum. */
const scoreOf = (company: string) => ({ 'company-01': 9, 'company-02': 8, 'company-03': 6 })[company]!;

describe('windows as short as a pilot needs', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await timeSkippingHarness();
  });
  afterAll(async () => h?.close());

  const postTemplate = async (template: ProcedureTemplateInput) => {
    const posted = await h.call('officer-1', 'POST', '/templates', template);
    expect(posted.status, JSON.stringify(posted.body)).toBe(201);
  };
  const launch = (procedure: string, jurorsByPhase: Record<string, readonly string[]>) =>
    CompetitionRun.launch(h, {
      title: 'Fieldlab: quiet delivery vans',
      buyer: 'Gemeente Utrecht',
      procedure,
      jurors: jurorsByPhase,
    });

  /** Offers, opening by two officers, scores, gate: returns the standstill's end and the intended award. */
  async function runToStandstill(run: CompetitionRun, phase: string) {
    await run.offers(phase, pilotCompanies, 9_000);
    await run.closeSubmissions(phase);
    await run.scoreToGate(phase, jury, criteria, scoreOf);
    const { standstillEndsAt } = await run.approveGate(phase);
    const { intendedAwardAt } = (await run.phase(phase)).timeline;
    return { standstillEndsAt, intendedAwardAt };
  }

  it('runs a whole phase in minutes, from publication to the final award, with an objection in a standstill of 3 minutes', async () => {
    await postTemplate(pilotTemplate('fieldlab-minutes', [pilotPhase(P)]));
    const run = await launch('fieldlab-minutes', { [P]: jury });

    const { timeline } = await run.phase(P);
    const after = (at: string) => Date.parse(at) - Date.parse(timeline.publishedAt);
    expect(after(timeline.questionsCloseAt)).toBe(10 * MINUTE);
    expect(after(timeline.answersDueAt)).toBe(12 * MINUTE);
    expect(after(timeline.submissionsCloseAt)).toBe(20 * MINUTE);
    expect(after(timeline.evaluationCloseAt)).toBe(30 * MINUTE);
    expect(after(timeline.intendedAwardDueAt)).toBe(40 * MINUTE);

    const { standstillEndsAt, intendedAwardAt } = await runToStandstill(run, P);
    expect(Date.parse(standstillEndsAt) - Date.parse(intendedAwardAt)).toBe(3 * MINUTE);
    expect((await run.phase(P)).state).toBe('standstill');

    // A losing bidder objects within the 3 minutes; the officer rejects the objection with reasons.
    const objection = await run.object('company-03', P);
    expect(objection.status, JSON.stringify(objection.body)).toBe(201);
    const { objectionId } = objection.body;
    const decided = await run.decideObjection(P, objectionId, { upheld: false });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);

    await run.advancePast(standstillEndsAt, 10_000);
    const done = await run.waitForCompetition('completed');
    expect(done.phases[0].state).toBe('completed');
    expect(await run.awardStatus(P)).toEqual({ 'company-01': 'final', 'company-02': 'final' });
    // A reminder of 0 days sends none, even to jurors who finished only at the last moment.
    const kinds = (
      await h.sql<{ kind: string }[]>`
      select kind from notifications where competition_id = ${run.id}`
    ).map((n) => n.kind);
    expect(kinds).not.toContain('evaluation-reminder');
  }, 120_000);

  it('a launch whose submission deadline is already past is refused naming the milestone', async () => {
    const earlyInTheDay = dayPhase(P, {
      questionsClose: days(0, '09:00'),
      answersDue: days(0, '10:00'),
      submissionsClose: days(0, '14:00'),
      evaluationClose: days(2),
      intendedAwardDue: days(3),
    });
    await postTemplate(pilotTemplate('fieldlab-same-day', [earlyInTheDay]));
    // The API's clock reads Wednesday 28 April 2027, 15:00 in Amsterdam: the launch publishes then.
    const app = createApp({
      sql: h.sql,
      temporal: h.env.client,
      taskQueue: h.taskQueue,
      tokens,
      keys: h.keys,
      listInTemporalUi: false,
      clock: () => new Date('2027-04-28T15:00:00+02:00'),
    });
    const before = await h.sql`select count(*)::int as n from competitions`;
    const response = await app.request('/competitions', {
      method: 'POST',
      headers: { authorization: `Bearer ${tokenOf('officer-1')}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        title: 'Same-day fieldlab',
        buyer: 'Gemeente Utrecht',
        procedure: 'fieldlab-same-day',
      }),
    });
    const problem = expectProblem(
      { status: response.status, body: await response.json() },
      400,
      'validation-failed',
    );
    const errors = (problem as unknown as { errors: { path: string; message: string }[] }).errors;
    expect(errors.map((e) => e.path)).toEqual([
      'template.phases.0.schedule.questionsClose',
      'template.phases.0.schedule.answersDue',
      'template.phases.0.schedule.submissionsClose',
    ]);
    expect(errors[2]!.message).toContain(
      'submissionsClose (Wednesday 2027-04-28T14:00:00+02:00) does not come after the publication ' +
        '(Wednesday 2027-04-28T15:00:00+02:00)',
    );
    expect(problem.detail).toContain('submissionsClose');
    // Nothing was stored, and no workflow started.
    expect(await h.sql`select count(*)::int as n from competitions`).toEqual(before);
  });

  it('a next phase whose plan would start in the past waits in needs-attention and tells the officers, instead of dying', async () => {
    // Round 2 closes its questions at 00:00 on its own publication day: whenever round 1 ends, that is past.
    const first = dayPhase('round-1', {
      questionsClose: days(1),
      answersDue: days(2),
      submissionsClose: days(3),
      evaluationClose: days(4),
      intendedAwardDue: days(5),
    });
    const second = {
      ...dayPhase('round-2', {
        questionsClose: days(0, '00:00'),
        answersDue: days(1),
        submissionsClose: days(2),
        evaluationClose: days(3),
        intendedAwardDue: days(4),
      }),
      admission: { kind: 'winners-of', phase: 'round-1' },
    };
    await postTemplate(pilotTemplate('fieldlab-two-rounds', [first, second]));
    const run = await launch('fieldlab-two-rounds', { 'round-1': jury, 'round-2': jury });

    const { standstillEndsAt } = await runToStandstill(run, 'round-1');
    await run.advancePast(standstillEndsAt);
    await run.waitForPhase('round-1', 'completed');
    const stuck = await run.waitForPhase('round-2', 'needs-attention');
    expect(stuck.attention.step).toBe('openPhase');
    expect(stuck.attention.reason).toMatch(
      /phase round-2 is not published: questionsClose \(\w+ \d{4}-\d\d-\d\dT00:00:00\+0[12]:00\) does not come after the publication/,
    );
    expect((await run.status()).status).toBe('running');
    type Notice = { competitionId: string; kind: string; body: { reason: string } };
    const notices = await eventually(
      'the officers are told',
      async (): Promise<Notice[]> =>
        (await h.call('officer-2', 'GET', '/me/notifications')).body.notifications.filter(
          (n: Notice) => n.competitionId === run.id && n.kind === 'phase-needs-attention',
        ),
      (found) => found.length > 0,
    );
    expect(notices[0]!.body.reason).toContain('questionsClose');

    // A resume publishes afresh from that moment; this plan is still past, so it waits again.
    const resumed = await h.call('officer-1', 'POST', `/competitions/${run.id}/phases/round-2/resume`, {
      reason: 'Trying the publication again',
    });
    expect(resumed.status, JSON.stringify(resumed.body)).toBe(200);
    await run.settled('round-2');
    expect((await run.phase('round-2')).state).toBe('needs-attention');

    expect((await run.cancel('The second round is replanned')).status).toBe(200);
    await run.waitForCompetition('cancelled');
  }, 120_000);
});
