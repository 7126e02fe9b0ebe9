import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompetitionStatus, Diagnostics, Ranking } from '../../api/schemas.ts';
import { CompetitionRun, expectProblem, F, feasibilityOnly, sbirCriteria } from './drive.ts';
import { timeSkippingHarness, type Harness } from './support.ts';

/**
 * What the API answers is what its OpenAPI document says it answers, and a refusal decided deep in
 * a workflow's activity reaches the caller with its own reason and type. Real Temporal
 * (time-skipping) and real Postgres, over the API.
 */
describe('the API keeps its contract', () => {
  let h: Harness;
  let run: CompetitionRun;
  let offers: Record<string, string>;

  beforeAll(async () => {
    h = await timeSkippingHarness();
    run = await CompetitionRun.sbir(h, {
      phases: feasibilityOnly({ executionMonths: 1, gate: { awardSlots: 1 } }),
      jurors: { [F]: ['juror-1'] },
    });
    offers = await run.offers(F, ['company-01', 'company-02']);
    await run.closeSubmissions(F);
    await run.scoreToGate(F, ['juror-1'], sbirCriteria, (company) => (company === 'company-01' ? 9 : 7));
    await run.advancePast((await run.approveGate(F)).standstillEndsAt);
    await run.waitForPhase(F, 'execution');
  });
  afterAll(async () => h?.close());

  it("a deliverable decision for a company that did not win is refused with the activity's reason", async () => {
    const loser = offers['company-02']!;
    const refused = expectProblem(await run.decideDeliverable(F, loser, true), 404, 'not-found');
    expect(refused.detail).toBe(`offer ${loser} has no final award in this phase`);
    expect(refused.detail).not.toContain('Workflow Update failed');
    // The winner's deliverable is decided as usual: the refusal changed nothing.
    const accepted = await run.decideDeliverable(F, offers['company-01']!, true);
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body).toEqual({ pending: 0 });
  });

  it('the ranking answers as documented: the whole of it to officers, its own line to a company', async () => {
    const path = `/competitions/${run.id}/phases/${F}/ranking`;
    const whole = await h.call('officer-1', 'GET', path);
    expect(whole.status).toBe(200);
    expect(Ranking.safeParse(whole.body).error).toBeUndefined();
    expect(whole.body.offers).toHaveLength(2);
    expect(whole.body.reliability).toBeDefined();

    const own = await h.call('company-01', 'GET', path);
    expect(own.status).toBe(200);
    expect(Ranking.safeParse(own.body).error).toBeUndefined();
    expect(own.body.offers.map((line: { offerId: string }) => line.offerId)).toEqual([offers['company-01']]);
    expect(own.body).not.toHaveProperty('reliability');
  });

  it("a competition's status and a phase's diagnostics answer as documented", async () => {
    const status = await h.call('company-02', 'GET', `/competitions/${run.id}`);
    expect(status.status).toBe(200);
    expect(CompetitionStatus.safeParse(status.body).error).toBeUndefined();

    const diagnostics = await h.call('officer-1', 'GET', `/competitions/${run.id}/phases/${F}/diagnostics`);
    expect(diagnostics.status).toBe(200);
    expect(Diagnostics.safeParse(diagnostics.body).error).toBeUndefined();
  });

  it('a role the route is not for is refused before its body is read', async () => {
    const refused = expectProblem(
      await h.call('company-01', 'POST', `/competitions/${run.id}/phases/${F}/deadlines`, { milestone: 1 }),
      403,
      'forbidden',
    );
    expect(refused.detail).toBe('this needs the role officer; you are company');
  });
});
