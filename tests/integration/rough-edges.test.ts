import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompetitionRun, eventually, expectProblem, F, feasibilityOnly, sbirCriteria } from './drive.ts';
import { DAY, timeSkippingHarness, type Harness } from './support.ts';

/**
 * Rough edges found when a whole competition was run by hand (issue 12), one rule each: what a
 * user is told when the procedure says no. Real Temporal (time-skipping) and a real Postgres.
 */

const criteria = sbirCriteria;
const allSevens = Object.fromEntries(criteria.map((c) => [c, 7]));

describe('what the procedure tells its users when it says no', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await timeSkippingHarness();
  });
  afterAll(async () => h?.close());

  /** A one-phase competition in evaluation, its offers opened by two officers. */
  async function inEvaluation(companies: readonly string[], jury: readonly string[] = ['juror-1']) {
    const run = await CompetitionRun.sbir(h, { phases: feasibilityOnly(), jurors: { [F]: jury } });
    const offerIds = await run.offers(F, companies);
    await run.closeSubmissions(F);
    return { run, offerIds };
  }

  describe('finishing an evaluation', () => {
    it('a juror cannot finish with an offer neither scored nor declared, and is told which', async () => {
      const { run, offerIds } = await inEvaluation(['company-01', 'company-02', 'company-03']);
      const [scored, partly, untouched] = ['company-01', 'company-02', 'company-03'].map(
        (c) => offerIds[c]!,
      ) as [string, string, string];
      expect((await run.declare('juror-1', F, scored, false)).status).toBe(201);
      expect((await run.score('juror-1', F, scored, allSevens)).status).toBe(200);
      expect((await run.declare('juror-1', F, partly, false)).status).toBe(201);
      expect((await run.score('juror-1', F, partly, { innovation: 6 })).status).toBe(200);

      const refused = expectProblem(await run.finish('juror-1', F), 409, 'evaluation-incomplete');
      expect(refused.detail).toContain(partly);
      expect(refused.detail).toContain(untouched);
      expect(refused.detail).not.toContain(scored);
      const errors = (refused as unknown as { errors: { path: string; message: string }[] }).errors;
      const byOffer = Object.fromEntries(errors.map((e) => [e.path, e.message]));
      expect(Object.keys(byOffer).sort()).toEqual([`offers.${partly}`, `offers.${untouched}`].sort());
      expect(byOffer[`offers.${partly}`]).toMatch(/company-02.*no score on feasibility, impact, team/);
      expect(byOffer[`offers.${partly}`]).not.toMatch(/innovation/);
      expect(byOffer[`offers.${untouched}`]).toMatch(/company-03.*declare/);

      // Not locked out: the juror scores what is missing, or declares a conflict, and then finishes.
      expect((await run.score('juror-1', F, partly, allSevens)).status).toBe(200);
      expect((await run.declare('juror-1', F, untouched, true)).status).toBe(201);
      expect((await run.finish('juror-1', F)).status).toBe(200);
      // The only juror has finished: the evaluation ends early.
      await eventually(
        'the evaluation to end',
        async () => (await run.phase(F)).state,
        (state) => state !== 'evaluation',
      );
    });
  });

  describe('too late is one answer', () => {
    it('a late offer is refused as deadline-passed whichever guard fires, with the deadline in the detail', async () => {
      const run = await CompetitionRun.sbir(h, { phases: feasibilityOnly() });
      await run.offers(F, ['company-01']);
      const { submissionsCloseAt } = (await run.phase(F)).timeline;

      // The database clock is past the deadline while the phase still says open…
      await h.sql`
        update phases set submissions_close_at = now() - interval '1 second'
        where competition_id = ${run.id} and key = ${F}`;
      const early = expectProblem(
        await run.offer('company-02', F, { requestedAmount: 50_000 }),
        409,
        'deadline-passed',
      );
      expect(early.detail).toMatch(/submission closed at/);
      await h.sql`
        update phases set submissions_close_at = ${submissionsCloseAt}
        where competition_id = ${run.id} and key = ${F}`;

      // …and a moment later the workflow has moved the phase on: the same answer.
      await run.advancePast(submissionsCloseAt);
      await run.waitForPhase(F, 'evaluation');
      const late = expectProblem(
        await run.offer('company-02', F, { requestedAmount: 50_000 }),
        409,
        'deadline-passed',
      );
      expect(late.detail).toContain(`submission closed at ${submissionsCloseAt}`);
      expectProblem(await run.offer('company-01', F, { requestedAmount: 40_000 }), 409, 'deadline-passed');
    });

    it('a question after the questions deadline is deadline-passed once the phase has moved on', async () => {
      const run = await CompetitionRun.sbir(h, { phases: feasibilityOnly() });
      const { questionsCloseAt } = (await run.phase(F)).timeline;
      await run.advancePast(questionsCloseAt);
      await run.waitForPhase(F, 'submissions-open');

      const late = expectProblem(await run.ask('company-01', F, 'Can we still ask?'), 409, 'deadline-passed');
      expect(late.detail).toContain(`closed at ${questionsCloseAt}`);
    });

    it('a score after the evaluation deadline is deadline-passed once the phase has moved on', async () => {
      const { run, offerIds } = await inEvaluation(['company-01'], ['juror-1', 'juror-2']);
      const offerId = offerIds['company-01']!;
      await run.juryScores(F, ['juror-1'], criteria, () => 7);
      expect((await run.declare('juror-2', F, offerId, false)).status).toBe(201);
      const { evaluationCloseAt } = (await run.phase(F)).timeline;

      await run.advancePast(evaluationCloseAt);
      await run.waitForPhase(F, 'gate');
      const late = expectProblem(await run.score('juror-2', F, offerId, allSevens), 409, 'deadline-passed');
      expect(late.detail).toContain(`scoring closed at ${evaluationCloseAt}`);
    });
  });

  describe('a phase that has ended', () => {
    it('an action on a completed phase says it has ended, and a late objection is deadline-passed', async () => {
      const run = await CompetitionRun.sbir(h, {
        phases: { commercialisation: null, feasibility: { executionMonths: 0 } },
        jurors: { [F]: ['juror-1'] },
      });
      await run.offers(F, ['company-01']);
      await run.closeSubmissions(F);
      await run.scoreToGate(F, ['juror-1'], criteria, () => 8);
      const { standstillEndsAt } = await run.approveGate(F);
      await run.advancePast(standstillEndsAt);
      await run.waitForPhase(F, 'completed');
      await run.waitForPhase('development', 'questions-open');

      const approve = expectProblem(await run.approve(F), 409, 'refused');
      expect(approve.detail).toMatch(/phase feasibility has ended \(completed\)/);
      expect(approve.detail).not.toMatch(/not started/);
      const until = new Date(Date.now() + 400 * DAY).toISOString();
      const extend = expectProblem(await run.extend(F, 'evaluationClose', until), 409, 'refused');
      expect(extend.detail).toMatch(/has ended/);

      const objection = expectProblem(await run.object('company-01', F), 409, 'deadline-passed');
      expect(objection.detail).toContain(`the standstill closed at ${standstillEndsAt}`);
    });
  });

  describe('a wrong phase name', () => {
    it('a phase the competition does not have is a 404 that lists the phases it has', async () => {
      const run = await CompetitionRun.sbir(h);
      const phases = /"feasibility", "development", "commercialisation"/;
      const offer = expectProblem(
        await run.offer('company-01', 'feasability', { requestedAmount: 1 }),
        404,
        'not-found',
      );
      expect(offer.detail).toMatch(phases);
      const approve = expectProblem(await run.approve('feasability'), 404, 'not-found');
      expect(approve.detail).toMatch(phases);
      const questions = await h.call(
        'company-01',
        'GET',
        `/competitions/${run.id}/phases/feasability/questions`,
      );
      expect(expectProblem(questions, 404, 'not-found').detail).toMatch(phases);
      const officersView = await h.call(
        'officer-1',
        'GET',
        `/competitions/${run.id}/phases/feasability/offers`,
      );
      expect(expectProblem(officersView, 404, 'not-found').detail).toMatch(phases);
    });
  });

  describe('sealed offers', () => {
    it('a juror who declared before the opening is told that two officers must open the offers', async () => {
      const run = await CompetitionRun.sbir(h, { phases: feasibilityOnly(), jurors: { [F]: ['juror-1'] } });
      const offerId = (await run.offers(F, ['company-01']))['company-01']!;
      await run.advancePast((await run.phase(F)).timeline.submissionsCloseAt);
      await run.waitForPhase(F, 'evaluation');
      expect((await run.declare('juror-1', F, offerId, false)).status).toBe(201);

      const [sealed] = await run.jurorOffers('juror-1', F);
      expect(sealed).toMatchObject({ content: null, contentStatus: 'sealed-until-opening' });
      expect((sealed as unknown as { note: string }).note).toMatch(/two .*officers/);

      await run.openOffers(F);
      const [opened] = await run.jurorOffers('juror-1', F);
      expect(opened).toMatchObject({
        content: 'Offer of company-01 for feasibility',
        contentStatus: 'visible',
      });
      expect(opened).not.toHaveProperty('note');

      const document = (await (await h.app.request('/openapi.json')).json()) as Record<string, any>;
      const answer =
        document.paths['/competitions/{id}/phases/{phase}/jury/offers'].get.responses['200'].content[
          'application/json'
        ].schema;
      expect(JSON.stringify(answer)).toContain('sealed-until-opening');
    });
  });

  describe('length rules', () => {
    it('a reason shorter than the rule is refused with the minimum length, for scores, objections and questions', async () => {
      const [id, offerId] = [randomUUID(), randomUUID()];
      const phase = `/competitions/${id}/phases/${F}`;
      const score = await h.call('juror-1', 'PUT', `${phase}/offers/${offerId}/scores`, {
        scores: [{ criterion: 'innovation', score: 7, reason: 'ok' }],
      });
      const refused = expectProblem(score, 400, 'validation-failed') as unknown as {
        errors: { path: string; message: string }[];
      };
      expect(refused.errors).toEqual([
        { path: 'scores.0.reason', message: expect.stringMatching(/written reason.*at least 3 characters/) },
      ]);
      const objection = await h.call('company-01', 'POST', `${phase}/objections`, { reason: 'no' });
      expect(expectProblem(objection, 400, 'validation-failed').detail).toMatch(/at least 3 characters/);
      const question = await h.call('company-01', 'POST', `${phase}/questions`, { question: '?' });
      expect(expectProblem(question, 400, 'validation-failed').detail).toMatch(/at least 3 characters/);
    });
  });

  describe('reminders', () => {
    it('a launch whose jury reminder would come before the evaluation opens is refused, naming both fields', async () => {
      const launched = await h.call('officer-1', 'POST', '/competitions', {
        title: 'Quiet road surfaces',
        buyer: 'Gemeente Utrecht',
        procedure: 'sbir',
        overrides: {
          phases: {
            ...feasibilityOnly(),
            feasibility: {
              executionMonths: 0,
              reminderDaysBeforeEvaluationClose: 10,
              schedule: { evaluationClose: { unit: 'calendar-days', amount: 49, at: '12:00' } },
            },
          },
        },
      });
      const refused = expectProblem(launched, 400, 'invalid-template');
      expect(refused.detail).toMatch(/template\.phases\.0\.reminderDaysBeforeEvaluationClose/);
      expect(refused.detail).toMatch(/submissionsClose/);
      expect(refused.detail).toMatch(/evaluationClose/);
    });

    it('a reminder due before the evaluation even opened is skipped with its reason, not sent at once', async () => {
      // Ends in different units: the template cannot know the window; here it is under a day.
      const minutes = (amount: number) => ({ unit: 'minutes', amount });
      const run = await CompetitionRun.sbir(h, {
        phases: feasibilityOnly({
          reminderDaysBeforeEvaluationClose: 3,
          schedule: {
            questionsClose: minutes(10),
            answersDue: minutes(20),
            submissionsClose: minutes(30),
            evaluationClose: { unit: 'calendar-days', amount: 1 },
            intendedAwardDue: { unit: 'calendar-days', amount: 2 },
          },
        }),
        jurors: { [F]: ['juror-1'] },
      });
      await run.offers(F, ['company-01']);
      await run.closeSubmissions(F);
      const diagnostics = await eventually(
        'the reminder decision',
        async () =>
          (await h.call('officer-1', 'GET', `/competitions/${run.id}/phases/${F}/diagnostics`)).body,
        (body) => body.reminderSkipped !== undefined,
      );
      expect(diagnostics.reminderSkipped).toMatch(/shorter than the 3 days/);
      const reminders = await h.sql`
        select 1 from notifications where competition_id = ${run.id} and kind = 'evaluation-reminder'`;
      expect(reminders).toHaveLength(0);
    });
  });
});
