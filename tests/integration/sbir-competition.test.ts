import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcedureTemplateSchema } from '../../domain/template.ts';
import { SBIR_TEMPLATE } from '../../domain/templates/sbir.ts';
import { rank } from '../../scoring/index.ts';
import { CompetitionRun } from './drive.ts';
import { companies, jurors, timeSkippingHarness, type Harness } from './support.ts';

const template = ProcedureTemplateSchema.parse(SBIR_TEMPLATE);
const criteria = template.phases[0]!.criteria.map((c) => c.key);

/** A deterministic jury: lower-numbered companies score higher; jurors differ by a point. */
const scoreOf = (company: string, criterion: string, juror: string) => {
  const c = Number(company.slice(-2)) - 1;
  const k = criteria.indexOf(criterion);
  const j = Number(juror.slice(-1)) - 1;
  return Math.max(0, Math.min(10, 9 - Math.floor(c / 3) + ((c + k + j) % 3) - 1));
};

/** What the scoring module selects from the same offers and scores, with the engine's seed. */
async function expectedWinners(run: CompetitionRun, phaseKey: string, jury: readonly string[]) {
  const phase = template.phases.find((p) => p.key === phaseKey)!;
  const offers = await run.h.sql<{ id: string; company_id: string; requested_amount: number }[]>`
    select id, company_id, requested_amount from offers
    where competition_id = ${run.id} and phase_key = ${phaseKey} and status = 'active'`;
  const ranking = rank({
    criteria: phase.criteria,
    price: phase.price,
    aggregation: phase.aggregation,
    gate: phase.gate,
    tieBreak: { order: phase.tieBreakOrder, seed: `${run.id}/${phaseKey}/round-1` },
    offers: offers.map((o) => ({
      offerId: o.id,
      company: o.company_id,
      requestedAmount: o.requested_amount,
    })),
    scores: offers.flatMap((o) =>
      jury.flatMap((jurorId) =>
        criteria.map((criterion) => ({
          offerId: o.id,
          jurorId,
          criterion,
          score: scoreOf(o.company_id, criterion, jurorId),
          reason: `${criterion} judged ${scoreOf(o.company_id, criterion, jurorId)}`,
        })),
      ),
    ),
  });
  return ranking.offers
    .filter((o) => o.selection.selected)
    .map((o) => o.company)
    .sort();
}

describe('an SBIR competition, three phases, 20 companies, 5 jurors, months of real durations', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await timeSkippingHarness();
  });
  afterAll(async () => h?.close());

  it('runs from launch to the final award of its last phase; each gate selects exactly what the scoring module selects', async () => {
    const run = await CompetitionRun.launch(h, {
      title: 'Circular bridge decks',
      buyer: 'Provincie Utrecht',
      procedure: 'sbir',
      jurors: { feasibility: jurors, development: jurors, commercialisation: jurors },
    });

    // Phase 1 — feasibility: open to all.
    const entrants = companies.slice(0, 20);
    for (const company of entrants) {
      const sent = await run.offer(company, 'feasibility', { requestedAmount: 50_000 });
      expect(sent.status, JSON.stringify(sent.body)).toBe(201);
      expect(sent.body.receipt.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
    const feasibility = await run.phase('feasibility');
    expect(feasibility.counts.offers).toBe(20);
    await run.closeSubmissions('feasibility');
    await run.juryScores('feasibility', jurors, criteria, scoreOf);
    await run.waitForPhase('feasibility', 'gate');

    const phase1Winners = await expectedWinners(run, 'feasibility', jurors);
    expect(phase1Winners).toHaveLength(5);
    const { standstillEndsAt } = await run.approveGate('feasibility');
    await run.waitForPhase('feasibility', 'standstill');
    await run.advancePast(standstillEndsAt);
    await run.waitForPhase('feasibility', 'execution');
    const awards1 = await run.awards('feasibility');
    expect(
      awards1
        .filter((a) => a.status === 'final')
        .map((a) => a.company_id)
        .sort(),
    ).toEqual(phase1Winners);

    // Four feasibility studies are accepted, one is not: that company may not enter phase 2.
    const [rejected, ...accepted] = awards1;
    expect((await run.decideDeliverable('feasibility', rejected!.offer_id, false)).status).toBe(200);
    for (const award of accepted)
      expect((await run.decideDeliverable('feasibility', award.offer_id, true)).status).toBe(200);
    await run.waitForPhase('feasibility', 'completed');
    await run.waitForPhase('development', 'questions-open');

    // Phase 2 — development: only the accepted winners of phase 1.
    const refused = await run.offer(rejected!.company_id, 'development', { requestedAmount: 200_000 });
    expect(refused.status).toBe(403);
    expect(refused.body.type).toBe('urn:phasegate:problem:not-admitted');
    const loser = entrants.find((c) => !phase1Winners.includes(c))!;
    expect((await run.offer(loser, 'development', { requestedAmount: 200_000 })).status).toBe(403);
    for (const award of accepted) {
      expect((await run.offer(award.company_id, 'development', { requestedAmount: 250_000 })).status).toBe(
        201,
      );
    }
    await run.closeSubmissions('development');
    await run.juryScores('development', jurors, criteria, scoreOf);
    await run.waitForPhase('development', 'gate');
    const phase2Winners = await expectedWinners(run, 'development', jurors);
    expect(phase2Winners).toHaveLength(2);
    await run.advancePast((await run.approveGate('development')).standstillEndsAt);
    await run.waitForPhase('development', 'execution');
    const awards2 = await run.awards('development');
    expect(
      awards2
        .filter((a) => a.status === 'final')
        .map((a) => a.company_id)
        .sort(),
    ).toEqual(phase2Winners);
    for (const award of awards2)
      expect((await run.decideDeliverable('development', award.offer_id, true)).status).toBe(200);
    await run.waitForPhase('commercialisation', 'questions-open');

    // Phase 3 — commercialisation: record only, no SBIR money.
    for (const company of phase2Winners) {
      expect((await run.offer(company, 'commercialisation', { requestedAmount: 0 })).status).toBe(201);
    }
    await run.closeSubmissions('commercialisation');
    await run.juryScores('commercialisation', jurors, criteria, scoreOf);
    await run.waitForPhase('commercialisation', 'gate');
    const phase3Winners = await expectedWinners(run, 'commercialisation', jurors);
    await run.advancePast((await run.approveGate('commercialisation')).standstillEndsAt);
    const final = await run.waitForCompetition('completed');
    expect(final.phases.map((p: { state: string }) => p.state)).toEqual([
      'completed',
      'completed',
      'completed',
    ]);
    const awards3 = await run.awards('commercialisation');
    expect(awards3.map((a) => a.company_id).sort()).toEqual(phase3Winners);
    // A closed phase says so to its diagnostics too, with the path it took.
    const diagnostics = await h.call(
      'officer-1',
      'GET',
      `/competitions/${run.id}/phases/feasibility/diagnostics`,
    );
    expect(diagnostics.body.state).toBe('completed');
    expect(diagnostics.body.transitions.map((t: { to: string }) => t.to).slice(-2)).toEqual([
      'execution',
      'completed',
    ]);

    // Three rounds of six-week submission windows and 20-day standstills: half a year of workflow time
    // (deliverables were decided early, so no phase waited for its execution deadline).
    const published = Date.parse(final.phases[0].timeline.publishedAt);
    const lastAward = Date.parse(final.phases[2].timeline.finalAwardAt);
    expect(lastAward - published).toBeGreaterThan(180 * 24 * 3600 * 1000);

    const audit = await h.call('officer-1', 'GET', `/competitions/${run.id}/audit/verify`);
    expect(audit.body.valid).toBe(true);
    // Each phase's evaluation round, closing, put the digest of its jury's work into the chain.
    const record = await h.call('officer-1', 'GET', `/competitions/${run.id}/audit`);
    const juryDigests = record.body.entries.flatMap((e: { data: string }) => {
      const closed = JSON.parse(e.data).juryAtClose;
      return closed ? [`${closed.phase} ${closed.round}`] : [];
    });
    expect(juryDigests).toEqual(['feasibility 1', 'development 1', 'commercialisation 1']);
  });
});
