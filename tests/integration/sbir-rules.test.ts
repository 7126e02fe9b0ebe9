import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompetitionRun, eventually, expectProblem, F, feasibilityOnly, sbirCriteria } from './drive.ts';
import { DAY, timeSkippingHarness, type Harness } from './support.ts';

/**
 * The procurement rules of an SBIR phase, one competition per rule, each run with its real
 * durations under the time-skipping test server, over the API, against a real Postgres.
 */

const criteria = sbirCriteria;

/** A jury that gives each company the same score on every criterion (companies not named: 7). */
const uniform = (byCompany: Record<string, number>) => (company: string) => byCompany[company] ?? 7;

const selectedCompanies = (ranking: any) =>
  ranking.offers
    .filter((o: any) => o.selection.selected)
    .map((o: any) => o.company)
    .sort();

describe('SBIR procurement rules', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await timeSkippingHarness();
  });
  afterAll(async () => h?.close());

  /** A one-phase competition whose offers are in and whose jury has not yet started. */
  async function inEvaluation(
    companies: readonly string[],
    jurors: readonly string[] = ['juror-1'],
    feasibility: Record<string, unknown> = {},
  ) {
    const run = await CompetitionRun.sbir(h, {
      phases: feasibilityOnly(feasibility),
      jurors: { [F]: jurors },
    });
    const offerIds = await run.offers(F, companies);
    await run.closeSubmissions(F);
    return { run, offerIds };
  }

  /** A one-phase competition at its gate: the jury scored every offer with `scores`. */
  async function atGate(
    scores: Record<string, number>,
    feasibility: Record<string, unknown> = {},
    jurors: readonly string[] = ['juror-1', 'juror-2'],
  ) {
    const { run, offerIds } = await inEvaluation(Object.keys(scores), jurors, feasibility);
    await run.scoreToGate(F, jurors, criteria, uniform(scores));
    return { run, offerIds };
  }

  describe('submissions', () => {
    it('a late offer is refused once the submission deadline has passed in workflow time', async () => {
      const run = await CompetitionRun.sbir(h, { phases: feasibilityOnly() });
      await run.offers(F, ['company-01']);
      await run.closeSubmissions(F);

      expectProblem(await run.offer('company-02', F, { requestedAmount: 50_000 }), 409, 'deadline-passed');
      // Nor may a company that offered in time replace its offer.
      expectProblem(await run.offer('company-01', F, { requestedAmount: 40_000 }), 409, 'deadline-passed');
      expect((await run.phase(F)).counts.offers).toBe(1);
    });

    it('a late offer is refused by the database clock even while the phase still says open', async () => {
      const run = await CompetitionRun.sbir(h, { phases: feasibilityOnly() });
      await run.offers(F, ['company-01']);
      // A worker that has not yet closed the phase: the state says open, the deadline has passed.
      await h.sql`
        update phases set submissions_close_at = now() - interval '1 second'
        where competition_id = ${run.id} and key = ${F}`;
      expect((await run.phase(F)).state).toBe('questions-open');

      const late = expectProblem(
        await run.offer('company-02', F, { requestedAmount: 50_000 }),
        409,
        'deadline-passed',
      );
      expect(late.detail).toMatch(/submission closed at/);
      expect((await run.phase(F)).counts.offers).toBe(1);
    });
  });

  describe('admission', () => {
    it('phase 2 refuses a company that did not win phase 1', async () => {
      const run = await CompetitionRun.sbir(h, {
        phases: { commercialisation: null, feasibility: { executionMonths: 0, gate: { awardSlots: 2 } } },
        jurors: { feasibility: ['juror-1'], development: ['juror-1'] },
      });
      await run.offers(F, ['company-01', 'company-02', 'company-03']);
      await run.closeSubmissions(F);
      await run.scoreToGate(
        F,
        ['juror-1'],
        criteria,
        uniform({ 'company-01': 9, 'company-02': 8, 'company-03': 7 }),
      );
      await run.approveAndAward(F);
      expect(await run.awardStatus(F)).toEqual({ 'company-01': 'final', 'company-02': 'final' });
      await run.waitForPhase('development', 'questions-open');

      const loser = expectProblem(
        await run.offer('company-03', 'development', { requestedAmount: 200_000 }),
        403,
        'not-admitted',
      );
      expect(loser.detail).toMatch(/feasibility/);
      expectProblem(
        await run.offer('company-04', 'development', { requestedAmount: 200_000 }),
        403,
        'not-admitted',
      );
      expect((await run.offer('company-01', 'development', { requestedAmount: 200_000 })).status).toBe(201);
      expect((await run.offer('company-02', 'development', { requestedAmount: 250_000 })).status).toBe(201);
      expect((await run.phase('development')).counts.offers).toBe(2);
    });
  });

  describe('jury', () => {
    it('a juror with a conflict cannot score that offer, nor read it', async () => {
      const { run, offerIds } = await inEvaluation(['company-01', 'company-02']);
      const conflicted = offerIds['company-01']!;
      const free = offerIds['company-02']!;
      expect((await run.declare('juror-1', F, conflicted, true)).status).toBe(201);
      expect((await run.declare('juror-1', F, free, false)).status).toBe(201);

      expectProblem(
        await run.score('juror-1', F, conflicted, { innovation: 8 }),
        403,
        'conflict-of-interest',
      );
      const seen = Object.fromEntries((await run.jurorOffers('juror-1', F)).map((o) => [o.offerId, o]));
      expect(seen[conflicted]).toMatchObject({ declaration: 'conflict', content: null });
      expect(seen[free]).toMatchObject({
        declaration: 'no-conflict',
        content: 'Offer of company-02 for feasibility',
      });
      expect((await run.score('juror-1', F, free, { innovation: 8 })).status).toBe(200);
      const stored = await h.sql`select offer_id from scores where offer_id = ${conflicted}`;
      expect(stored).toHaveLength(0);
    });

    it('a juror must declare before scoring, and sees no content before declaring', async () => {
      const { run, offerIds } = await inEvaluation(['company-01']);
      const offerId = offerIds['company-01']!;
      const [before] = await run.jurorOffers('juror-1', F);
      expect(before).toMatchObject({ offerId, declaration: 'not-declared', content: null });

      expectProblem(await run.score('juror-1', F, offerId, { innovation: 8 }), 409, 'conflict-not-declared');
      expect((await run.declare('juror-1', F, offerId, false)).status).toBe(201);
      expect((await run.score('juror-1', F, offerId, { innovation: 8 })).status).toBe(200);
    });

    it('offers stay sealed until two different officers open them; no juror reads or scores before', async () => {
      const run = await CompetitionRun.sbir(h, { phases: feasibilityOnly(), jurors: { [F]: ['juror-1'] } });
      expect(
        (await run.offer('company-01', F, { requestedAmount: 50_000, content: 'Our secret method' })).status,
      ).toBe(201);
      const early = await h.call('officer-1', 'POST', `/competitions/${run.id}/phases/${F}/opening`);
      expectProblem(early, 409, 'refused');

      await run.advancePast((await run.phase(F)).timeline.submissionsCloseAt);
      await run.waitForPhase(F, 'evaluation');
      const [offer] = await run.jurorOffers('juror-1', F);
      expect((await run.declare('juror-1', F, offer!.offerId, false)).status).toBe(201);
      expect((await run.jurorOffers('juror-1', F))[0]!.content).toBeNull();
      expectProblem(await run.score('juror-1', F, offer!.offerId, { innovation: 7 }), 409, 'sealed');

      const first = await h.call('officer-1', 'POST', `/competitions/${run.id}/phases/${F}/opening`);
      expect(first.body).toEqual({ opened: false, officers: ['officer-1'] });
      expectProblem(
        await h.call('officer-1', 'POST', `/competitions/${run.id}/phases/${F}/opening`),
        409,
        'refused',
      );
      expect(
        (await h.call('officer-1', 'GET', `/competitions/${run.id}/phases/${F}/offers`)).body.offers[0]
          .content,
      ).toBeNull();

      const second = await h.call('officer-2', 'POST', `/competitions/${run.id}/phases/${F}/opening`);
      expect(second.body).toEqual({ opened: true, officers: ['officer-1', 'officer-2'] });
      expect((await run.jurorOffers('juror-1', F))[0]!.content).toBe('Our secret method');
      expect(
        (await h.call('officer-1', 'GET', `/competitions/${run.id}/phases/${F}/offers`)).body.offers[0]
          .content,
      ).toBe('Our secret method');
    });

    it('a declaration cannot be changed', async () => {
      const { run, offerIds } = await inEvaluation(['company-01']);
      const offerId = offerIds['company-01']!;
      expect((await run.declare('juror-1', F, offerId, false)).status).toBe(201);

      expectProblem(await run.declare('juror-1', F, offerId, true), 409, 'duplicate');
      expectProblem(await run.declare('juror-1', F, offerId, false), 409, 'duplicate');
      const [offer] = await run.jurorOffers('juror-1', F);
      expect(offer!.declaration).toBe('no-conflict');
      const declarations =
        await h.sql`select has_conflict from conflict_declarations where offer_id = ${offerId}`;
      expect(declarations).toEqual([{ has_conflict: false }]);
    });

    it("a juror with a conflict on every offer still lets the others' scores decide", async () => {
      const jury = ['juror-1', 'juror-2', 'juror-5'];
      const { run, offerIds } = await inEvaluation(['company-01', 'company-02', 'company-03'], jury, {
        gate: { awardSlots: 1 },
      });
      for (const offerId of Object.values(offerIds)) {
        expect((await run.declare('juror-5', F, offerId, true)).status).toBe(201);
      }
      expect((await run.finish('juror-5', F)).status).toBe(200);
      await run.scoreToGate(
        F,
        ['juror-1', 'juror-2'],
        criteria,
        uniform({ 'company-01': 6, 'company-02': 9, 'company-03': 8 }),
      );

      const ranking = await run.ranking(F);
      expect(ranking.unscored).toEqual([]);
      expect(ranking.offers).toHaveLength(3);
      for (const offer of ranking.offers) {
        expect(offer.excludedJurors).toEqual(['juror-5']);
        for (const criterion of offer.criteria) {
          expect(criterion.jurorScores.map((s: any) => s.jurorId).sort()).toEqual(['juror-1', 'juror-2']);
        }
      }
      expect(selectedCompanies(ranking)).toEqual(['company-02']);
      expect(ranking.offers.find((o: any) => o.company === 'company-02').total).toBeCloseTo(90);
    });
  });

  describe('consensus', () => {
    it("jurors far apart meet for consensus; the chair's score replaces theirs at the gate", async () => {
      const jury = ['juror-1', 'juror-2'];
      const run = await CompetitionRun.sbir(h, { phases: feasibilityOnly(), jurors: { [F]: jury } });
      for (const company of ['company-01', 'company-02']) {
        expect((await run.offer(company, F, { requestedAmount: 50_000 })).status).toBe(201);
      }
      await run.closeSubmissions(F);
      // On innovation juror-1 gives company-01 a 9 and juror-2 a 3: six points apart, more than the 3 allowed.
      await run.juryScores(F, jury, criteria, (company, criterion, juror) =>
        company === 'company-01' && criterion === 'innovation' ? (juror === 'juror-1' ? 9 : 3) : 7,
      );
      await run.waitForPhase(F, 'consensus');
      const flagged = await run.ranking(F);
      expect(flagged.needsConsensus).toEqual([
        { offerId: expect.any(String), criterion: 'innovation', spread: 6 },
      ]);

      const offerId = flagged.needsConsensus[0].offerId;
      const recorded = await h.call(
        'officer-1',
        'PUT',
        `/competitions/${run.id}/phases/${F}/offers/${offerId}/consensus`,
        {
          criterion: 'innovation',
          score: 8,
          reason: 'The jury agreed the method is new to the sector',
        },
      );
      expect(recorded.status, JSON.stringify(recorded.body)).toBe(200);
      const closed = await h.call(
        'officer-1',
        'POST',
        `/competitions/${run.id}/phases/${F}/consensus/complete`,
        { round: 1 },
      );
      expect(closed.body).toEqual({ signalled: true });
      await run.waitForPhase(F, 'gate');

      const ranking = await run.ranking(F);
      expect(ranking.needsConsensus).toEqual([]);
      const innovation = ranking.offers
        .find((o: any) => o.offerId === offerId)
        .criteria.find((c: any) => c.criterion === 'innovation');
      expect(innovation).toMatchObject({ source: 'consensus', aggregate: 8 });
    });
  });

  describe('objections in the standstill', () => {
    it('an upheld objection re-opens evaluation; the jury scores again and the new award becomes final', async () => {
      const { run } = await atGate(
        { 'company-01': 9, 'company-02': 8, 'company-03': 7 },
        { gate: { awardSlots: 1 } },
      );
      await run.approveGate(F);
      expect(await run.awardStatus(F)).toEqual({ 'company-01': 'intended' });

      const filed = await run.object('company-02', F);
      expect(filed.status, JSON.stringify(filed.body)).toBe(201);
      const decided = await run.decideObjection(F, filed.body.objectionId, {
        upheld: true,
        reopen: 'evaluation',
      });
      expect(decided.status, JSON.stringify(decided.body)).toBe(200);
      // The answer says where the phase goes, not where it was.
      expect(decided.body.state).toBe('evaluation');

      const reopened = await run.waitForPhase(F, 'evaluation');
      expect(reopened.evaluationRound).toBe(2);
      expect(await run.awardStatus(F)).toEqual({ 'company-01': 'revoked' });
      const jury = ['juror-1', 'juror-2'];
      await run.scoreToGate(
        F,
        jury,
        criteria,
        uniform({ 'company-01': 7, 'company-02': 9, 'company-03': 8 }),
      );
      const ranking = await run.ranking(F);
      expect(ranking.round).toBe(2);
      expect(selectedCompanies(ranking)).toEqual(['company-02']);
      const round2 = await h.sql`
        select distinct s.round from scores s join offers o on o.id = s.offer_id where o.competition_id = ${run.id}`;
      expect(round2.map((r) => r.round).sort()).toEqual([1, 2]);

      await run.approveAndAward(F);
      expect(await run.awardStatus(F)).toEqual({ 'company-01': 'revoked', 'company-02': 'final' });
      expect((await run.waitForCompetition('completed')).status).toBe('completed');
      const [objection] = (
        await h.call('company-02', 'GET', `/competitions/${run.id}/phases/${F}/objections`)
      ).body.objections;
      expect(objection).toMatchObject({ decision: 'upheld', reopen: 'evaluation' });
    });

    it('a rejected objection lets the award stand', async () => {
      const { run } = await atGate({ 'company-01': 9, 'company-02': 8 }, { gate: { awardSlots: 1 } });
      const { standstillEndsAt } = await run.approveGate(F);
      const filed = await run.object('company-02', F);
      expect(filed.status).toBe(201);
      const decided = await run.decideObjection(F, filed.body.objectionId, { upheld: false });
      expect(decided.status, JSON.stringify(decided.body)).toBe(200);
      expect(decided.body.state).toBe('standstill');
      expect(await run.awardStatus(F)).toEqual({ 'company-01': 'intended' });

      await run.advancePast(standstillEndsAt);
      await run.waitForPhase(F, 'completed');
      expect(await run.awardStatus(F)).toEqual({ 'company-01': 'final' });
      expect((await run.phase(F)).evaluationRound).toBe(1);
    });

    it('the award does not become final while an objection is undecided, even after the standstill', async () => {
      const { run } = await atGate({ 'company-01': 9, 'company-02': 8 }, { gate: { awardSlots: 1 } });
      const { standstillEndsAt } = await run.approveGate(F);
      const filed = await run.object('company-02', F);
      expect(filed.status).toBe(201);

      await run.advancePast(standstillEndsAt);
      await run.settled(F);
      const waiting = await run.phase(F);
      expect(waiting.state).toBe('standstill');
      expect(waiting.timeline.finalAwardAt).toBeNull();
      expect(await run.awardStatus(F)).toEqual({ 'company-01': 'intended' });

      expect((await run.decideObjection(F, filed.body.objectionId, { upheld: false })).status).toBe(200);
      const done = await run.waitForPhase(F, 'completed');
      expect(Date.parse(done.timeline.finalAwardAt)).toBeGreaterThan(Date.parse(standstillEndsAt));
      expect(await run.awardStatus(F)).toEqual({ 'company-01': 'final' });
    });
  });

  describe('deadlines', () => {
    it('a deadline extension moves the timers', async () => {
      const run = await CompetitionRun.sbir(h, { phases: feasibilityOnly() });
      const old = (await run.phase(F)).timeline.submissionsCloseAt;
      const until = new Date(Date.parse(old) + 7 * DAY).toISOString();

      const extended = await run.extend(F, 'submissionsClose', until);
      expect(extended.status, JSON.stringify(extended.body)).toBe(200);
      expect(extended.body.deadlines.submissionsClose).toBe(until);
      expect((await run.phase(F)).timeline.submissionsCloseAt).toBe(until);

      await run.advancePast(old);
      await run.settled(F);
      expect((await run.phase(F)).state).toBe('submissions-open');
      expect((await run.offer('company-01', F, { requestedAmount: 50_000 })).status).toBe(201);

      await run.advancePast(until);
      const closed = await run.waitForPhase(F, 'evaluation');
      expect(closed.counts.offers).toBe(1);
      const extension = (await run.audit()).find((e) => e.action === 'deadline.extended');
      expect(extension?.data).toMatchObject({
        milestone: 'submissionsClose',
        from: old,
        to: until,
        reason: 'More time to prepare',
      });
    });

    it('a deadline cannot move backwards, nor be extended once passed, nor by a company', async () => {
      const run = await CompetitionRun.sbir(h, { phases: feasibilityOnly() });
      const { timeline } = await run.phase(F);
      const later = (iso: string, days: number) => new Date(Date.parse(iso) + days * DAY).toISOString();

      const backwards = expectProblem(
        await run.extend(F, 'submissionsClose', later(timeline.submissionsCloseAt, -1)),
        409,
        'refused',
      );
      expect(backwards.detail).toMatch(/only move forward/);
      expectProblem(
        await run.extend(F, 'submissionsClose', later(timeline.submissionsCloseAt, 7), 'company-01'),
        403,
        'forbidden',
      );
      expectProblem(
        await run.extend(F, 'submissionsClose', later(timeline.submissionsCloseAt, 7), 'juror-1'),
        403,
        'forbidden',
      );

      await run.advancePast(timeline.questionsCloseAt);
      await run.waitForPhase(F, 'submissions-open');
      const passed = expectProblem(
        await run.extend(F, 'questionsClose', later(timeline.questionsCloseAt, 7)),
        409,
        'refused',
      );
      expect(passed.detail).toMatch(/questionsClose deadline has already passed/);

      expect((await run.phase(F)).timeline).toMatchObject({
        questionsCloseAt: timeline.questionsCloseAt,
        submissionsCloseAt: timeline.submissionsCloseAt,
      });
      expect((await run.audit()).filter((e) => e.action === 'deadline.extended')).toEqual([]);
    });

    it('a deadline cannot be extended past the next one, so the jury keeps its evaluation window', async () => {
      const run = await CompetitionRun.sbir(h, { phases: feasibilityOnly(), jurors: { [F]: ['juror-1'] } });
      const { timeline } = await run.phase(F);
      const pastEvaluation = new Date(Date.parse(timeline.evaluationCloseAt) + 7 * DAY).toISOString();

      const refused = expectProblem(await run.extend(F, 'submissionsClose', pastEvaluation), 409, 'refused');
      expect(refused.detail).toMatch(/submissionsClose must stay before evaluationClose/);
      // Extending the later deadlines first, last one first, makes room for the earlier one.
      const evaluationClose = new Date(Date.parse(pastEvaluation) + 28 * DAY).toISOString();
      const intendedAwardDue = new Date(Date.parse(evaluationClose) + 14 * DAY).toISOString();
      expect((await run.extend(F, 'intendedAwardDue', intendedAwardDue)).status).toBe(200);
      expect((await run.extend(F, 'evaluationClose', evaluationClose)).status).toBe(200);
      expect((await run.extend(F, 'submissionsClose', pastEvaluation)).status).toBe(200);

      await run.offers(F, ['company-01']);
      await run.advancePast(pastEvaluation);
      await run.settled(F);
      const phase = await run.phase(F);
      expect(phase.state).toBe('evaluation');
      expect(phase.timeline).toMatchObject({
        submissionsCloseAt: pastEvaluation,
        evaluationCloseAt: evaluationClose,
      });
    });
  });

  describe('gate outcomes', () => {
    it('with no offers the phase ends without award and the competition ends no-award', async () => {
      const run = await CompetitionRun.sbir(h, {
        phases: { commercialisation: null, feasibility: { executionMonths: 0 } },
      });
      await run.advancePast((await run.phase(F)).timeline.submissionsCloseAt);
      const phase = await run.waitForPhase(F, 'no-award');
      expect(phase.outcome).toBe('no offers were received');

      const final = await run.waitForCompetition('no-award');
      expect(final.outcome).toMatch(/no offers were received/);
      expect(final.phases.map((p: any) => p.state)).toEqual(['no-award', 'pending']);
      expect(await run.awards(F)).toEqual([]);
    });

    it('fewer offers than slots: all eligible offers win', async () => {
      const { run } = await atGate({ 'company-01': 7, 'company-02': 8 });
      const ranking = await run.ranking(F);
      expect(ranking.selection.awardSlots).toBe(5);
      expect(selectedCompanies(ranking)).toEqual(['company-01', 'company-02']);

      await run.approveAndAward(F);
      expect(await run.awardStatus(F)).toEqual({ 'company-01': 'final', 'company-02': 'final' });
    });

    it('when every offer is below a threshold there is no award and the competition ends with that outcome', async () => {
      // company-01 falls below the per-criterion minimum (5), company-02 below the overall minimum (60%).
      const { run } = await inEvaluation(['company-01', 'company-02'], ['juror-1']);
      await run.juryScores(F, ['juror-1'], criteria, uniform({ 'company-01': 4, 'company-02': 5 }));
      const phase = await run.waitForPhase(F, 'no-award');
      expect(phase.outcome).toBe('no offer met the thresholds');
      const final = await run.waitForCompetition('no-award');
      expect(final.outcome).toMatch(/no offer met the thresholds/);

      const ranking = await run.ranking(F);
      const why = Object.fromEntries(
        ranking.offers.map((o: any) => [o.company, o.ineligibility.map((i: any) => i.code)]),
      );
      expect(why['company-01']).toContain('below-criterion-minimum');
      expect(why['company-02']).toEqual(['below-overall-minimum']);
      expect(await run.awards(F)).toEqual([]);
    });

    it('a winner who withdraws during the standstill is replaced by the next eligible offer, and this is recorded', async () => {
      const { run, offerIds } = await atGate(
        { 'company-01': 9, 'company-02': 8, 'company-03': 7, 'company-04': 4 },
        { gate: { awardSlots: 2 } },
      );
      const { standstillEndsAt } = await run.approveGate(F);
      expect(await run.awardStatus(F)).toEqual({ 'company-01': 'intended', 'company-02': 'intended' });

      // A loser may not withdraw in the standstill; a winner may.
      expectProblem(await run.withdraw('company-03', F, offerIds['company-03']!), 409, 'phase-closed');
      const withdrawn = await run.withdraw('company-01', F, offerIds['company-01']!);
      expect(withdrawn.status, JSON.stringify(withdrawn.body)).toBe(200);
      expect(withdrawn.body.heldIntendedAward).toBe(true);

      await eventually(
        'company-03 to move up',
        () => run.awardStatus(F),
        (a) => a['company-03'] === 'intended',
      );
      expect(await run.awardStatus(F)).toEqual({
        'company-01': 'withdrawn',
        'company-02': 'intended',
        'company-03': 'intended',
      });
      const movedUp = (await run.audit()).filter((e) => e.action === 'award.moved-up');
      expect(movedUp).toHaveLength(1);
      expect(movedUp[0]!.data).toMatchObject({
        withdrawn: offerIds['company-01'],
        movedUp: [offerIds['company-03']],
      });

      await run.advancePast(standstillEndsAt);
      await run.waitForPhase(F, 'completed');
      expect(await run.awardStatus(F)).toEqual({
        'company-01': 'withdrawn',
        'company-02': 'final',
        'company-03': 'final',
      });
    });

    it('when the only winner withdraws and no offer can move up, the phase ends without award', async () => {
      const { run, offerIds } = await atGate({ 'company-01': 9, 'company-02': 4 });
      const { standstillEndsAt } = await run.approveGate(F);
      expect(await run.awardStatus(F)).toEqual({ 'company-01': 'intended' });
      expect((await run.withdraw('company-01', F, offerIds['company-01']!)).status).toBe(200);
      await eventually(
        'the withdrawal to be recorded',
        () => run.awardStatus(F),
        (a) => a['company-01'] === 'withdrawn',
      );

      await run.advancePast(standstillEndsAt);
      await run.settled();
      expect(await run.awardStatus(F)).toEqual({ 'company-01': 'withdrawn' });
      const final = await run.status();
      expect(final.phases[0].state).toBe('no-award');
      expect(final.status).toBe('no-award');
    });

    it('budget left over is reported', async () => {
      const run = await CompetitionRun.sbir(h, { phases: feasibilityOnly(), jurors: { [F]: ['juror-1'] } });
      const amounts = { 'company-01': 50_000, 'company-02': 40_000, 'company-03': 30_000 };
      for (const [company, requestedAmount] of Object.entries(amounts)) {
        expect((await run.offer(company, F, { requestedAmount })).status).toBe(201);
      }
      await run.closeSubmissions(F);
      await run.scoreToGate(
        F,
        ['juror-1'],
        criteria,
        uniform({ 'company-01': 9, 'company-02': 8, 'company-03': 7 }),
      );

      const { selection } = await run.ranking(F);
      expect(selection.selectedOfferIds).toHaveLength(3);
      expect(selection.phaseBudget).toBe(250_000);
      expect(selection.budgetUsed).toBe(120_000);
      expect(selection.budgetLeft).toBe(130_000);
    });
  });

  describe('officer actions', () => {
    it('a cancelled competition stops its phase with the reason', async () => {
      const run = await CompetitionRun.sbir(h, { jurors: { [F]: ['juror-1'] } });
      await run.offers(F, ['company-01']);
      const reason = 'The buyer withdrew the challenge';

      const cancelled = await run.cancel(reason);
      expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
      expect(cancelled.body).toEqual({ cancelled: true });
      const final = await run.waitForCompetition('cancelled');
      expect(final.outcome).toBe(reason);
      expect(final.phases.map((p: any) => [p.key, p.state])).toEqual([
        [F, 'cancelled'],
        ['development', 'pending'],
        ['commercialisation', 'pending'],
      ]);
      expect(final.phases[0].outcome).toBe(reason);

      expectProblem(await run.cancel('Cancelled twice'), 409, 'refused');
      expectProblem(await run.offer('company-02', F, { requestedAmount: 50_000 }), 409, 'phase-closed');
      const description = await h.env.client.workflow.getHandle(run.workflowId()).describe();
      expect(description.status.name).toBe('COMPLETED');
    });

    it('deliverables still undecided at their due date are reported to the officers, and the phase waits for the decision', async () => {
      const run = await CompetitionRun.sbir(h, {
        phases: feasibilityOnly({ executionMonths: 1 }),
        jurors: { [F]: ['juror-1'] },
      });
      const offerIds = await run.offers(F, ['company-01']);
      await run.closeSubmissions(F);
      await run.scoreToGate(F, ['juror-1'], criteria, uniform({}));
      await run.advancePast((await run.approveGate(F)).standstillEndsAt);
      const executing = await run.waitForPhase(F, 'execution');
      await run.advancePast(executing.timeline.deliverablesDueAt);
      await eventually(
        'the officers to be told',
        async () => (await h.call('officer-2', 'GET', '/me/notifications')).body.notifications,
        (notices: any[]) =>
          notices.some((n) => n.kind === 'deliverables-overdue' && n.competitionId === run.id),
      );
      expect((await run.phase(F)).state).toBe('execution');
      expect((await run.decideDeliverable(F, offerIds['company-01']!, true)).status).toBe(200);
      await run.waitForCompetition('completed');
    });

    it('an action on a competition that does not exist is a 404 problem', async () => {
      const missing = '00000000-0000-4000-8000-000000000000';
      expectProblem(
        await h.call('officer-1', 'POST', `/competitions/${missing}/phases/${F}/gate/approve`),
        404,
        'not-found',
      );
      expectProblem(await h.call('officer-1', 'GET', `/competitions/${missing}`), 404, 'not-found');
      expectProblem(
        await h.call('company-01', 'POST', `/competitions/${missing}/phases/${F}/offers`, {
          content: 'x',
          requestedAmount: 1,
        }),
        404,
        'not-found',
      );
    });

    it('an officer cannot approve a gate that is not reached', async () => {
      const { run } = await inEvaluation(['company-01']);
      const refused = expectProblem(await run.approve(F), 409, 'refused');
      expect(refused.detail).toMatch(/evaluation, not waiting at its gate/);
      expectProblem(await run.approve(F, 'company-01'), 403, 'forbidden');

      await run.scoreToGate(F, ['juror-1'], criteria, uniform({ 'company-01': 8 }));
      expect((await run.approve(F)).status).toBe(200);
      // Approved once: a second approval is refused, not a second intended award.
      expectProblem(await run.approve(F), 409, 'refused');
      expect((await run.audit()).filter((e) => e.action === 'award.intended')).toHaveLength(1);
    });
  });

  describe('audit log', () => {
    it('a changed audit entry breaks the hash chain, and the verifier says where', async () => {
      const run = await CompetitionRun.sbir(h, { phases: feasibilityOnly() });
      await run.offers(F, ['company-01']);
      expect((await h.call('officer-1', 'GET', `/competitions/${run.id}/audit/verify`)).body.valid).toBe(
        true,
      );
      await expect(
        h.owner`update audit_log set actor = 'someone' where competition_id = ${run.id} and seq = 2`,
      ).rejects.toThrow(/append-only/);
      // Someone with the rights to switch off the guard rewrites history: the chain shows it.
      await h.owner.begin(async (tx) => {
        await tx`alter table audit_log disable trigger audit_log_append_only`;
        await tx`update audit_log set actor = 'someone' where competition_id = ${run.id} and seq = 2`;
        await tx`alter table audit_log enable trigger audit_log_append_only`;
      });
      const verified = await h.call('officer-1', 'GET', `/competitions/${run.id}/audit/verify`);
      expect(verified.body).toMatchObject({ valid: false, brokenAt: 2 });
    });

    it('every audit entry records its data as a JSON object that can be queried', async () => {
      const run = await CompetitionRun.sbir(h, { phases: feasibilityOnly() });
      const [published] = await h.sql`
        select jsonb_typeof(data) as kind, data->>'phase' as phase from audit_log
        where competition_id = ${run.id} and action = 'phase.published'`;
      expect(published).toEqual({ kind: 'object', phase: F });
    });
  });

  describe('questions (nota van inlichtingen)', () => {
    it("answers are published to every company at once, without the asker's name", async () => {
      const run = await CompetitionRun.sbir(h, { phases: feasibilityOnly() });
      const asked = await run.ask('company-01', F, 'May a consortium offer?');
      expect(asked.status, JSON.stringify(asked.body)).toBe(201);
      expect((await run.answer(F, asked.body.questionId, 'Yes, with one lead company.')).status).toBe(200);

      // Answered, but not yet published: other companies see nothing, the officer sees the asker.
      expect(await run.questions('company-02', F)).toEqual([]);
      expect(await run.questions('officer-1', F)).toMatchObject([
        { companyId: 'company-01', publishedAt: null },
      ]);

      await run.advancePast((await run.phase(F)).timeline.answersDueAt);
      const published = await eventually(
        'the answers to be published',
        () => run.questions('company-02', F),
        (q) => q.length > 0,
      );
      expect(published).toHaveLength(1);
      expect(published[0]).toMatchObject({
        question: 'May a consortium offer?',
        answer: 'Yes, with one lead company.',
      });
      expect(Object.keys(published[0]!).sort()).toEqual(['answer', 'publishedAt', 'question']);
      expect(JSON.stringify(published)).not.toContain('company-01');
    });

    it('an answer given after the answers were published is not silently lost', async () => {
      const run = await CompetitionRun.sbir(h, { phases: feasibilityOnly() });
      const asked = await run.ask('company-01', F, 'Is a pilot site provided?');
      expect(asked.status).toBe(201);
      const { timeline } = await run.phase(F);
      await run.advancePast(timeline.answersDueAt);
      await run.settled(F);

      const late = await run.answer(F, asked.body.questionId, 'Yes, in Utrecht.');
      if (late.status !== 200) {
        // Refusing a late answer tells the officer at once; that is also acceptable.
        expect(late.status, JSON.stringify(late.body)).toBe(409);
        return;
      }
      await run.advancePast(timeline.submissionsCloseAt);
      await run.waitForPhase(F, 'no-award');
      expect(await run.questions('company-02', F)).toMatchObject([
        { question: 'Is a pilot site provided?', answer: 'Yes, in Utrecht.' },
      ]);
    });

    it('a question after the questions deadline is refused', async () => {
      const run = await CompetitionRun.sbir(h, { phases: feasibilityOnly() });
      // By the database clock, while the phase still says questions are open…
      const { questionsCloseAt } = (await run.phase(F)).timeline;
      await h.sql`
        update phases set questions_close_at = now() - interval '1 second'
        where competition_id = ${run.id} and key = ${F}`;
      expectProblem(await run.ask('company-01', F, 'Is there still time?'), 409, 'deadline-passed');
      await h.sql`update phases set questions_close_at = ${questionsCloseAt} where competition_id = ${run.id} and key = ${F}`;
      expect((await run.ask('company-01', F, 'Is there still time?')).status).toBe(201);

      // …and once the workflow has closed the question period.
      await run.advancePast(questionsCloseAt);
      await run.waitForPhase(F, 'submissions-open');
      expectProblem(await run.ask('company-02', F, 'Can we still ask?'), 409, 'deadline-passed');
      expect((await run.phase(F)).counts.questions).toBe(1);
    });
  });
});
