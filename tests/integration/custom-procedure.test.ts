import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customTemplate } from '../unit/templates/custom-template.ts';
import { CompetitionRun } from './drive.ts';
import { jurors, timeSkippingHarness, type Harness } from './support.ts';

const jury = jurors.slice(0, 2);
const rankOf = (company: string) => Number(company.slice(-2));
const scoreOf = (company: string) => Math.max(0, 10 - rankOf(company));

describe('a procedure an officer defines', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await timeSkippingHarness();
  });
  afterAll(async () => h?.close());

  it('a sealed price envelope opens only at the gate, after quality scoring', async () => {
    const template = customTemplate();
    const pilot = { ...template.phases[1]!, admission: { kind: 'open' as const }, sealedPrice: true };
    const posted = await h.call('officer-1', 'POST', '/templates', {
      ...template,
      id: 'sealed-pilot',
      phases: [pilot],
    });
    expect(posted.status, JSON.stringify(posted.body)).toBe(201);
    const run = await CompetitionRun.launch(h, {
      title: 'Sealed price pilot',
      buyer: 'Gemeente Tilburg',
      procedure: 'sealed-pilot',
      jurors: { pilot: jury },
    });
    const prices: Record<string, number> = { 'company-05': 140_000, 'company-06': 95_000 };
    for (const [company, price] of Object.entries(prices)) {
      expect((await run.offer(company, 'pilot', { requestedAmount: price, price })).status).toBe(201);
    }
    const stored = await h.sql<{ price: number | null; sealed: boolean }[]>`
      select price, sealed_price is not null as sealed from offers where competition_id = ${run.id}`;
    expect(stored).toEqual([
      { price: null, sealed: true },
      { price: null, sealed: true },
    ]);

    await run.closeSubmissions('pilot');
    const officersView = await h.call('officer-1', 'GET', `/competitions/${run.id}/phases/pilot/offers`);
    expect(officersView.body.offers.map((o: { price: number | null }) => o.price)).toEqual([null, null]);
    const jurorsView = await run.jurorOffers('juror-1', 'pilot');
    expect(jurorsView.every((o: any) => o.price === null)).toBe(true);

    await run.juryScores('pilot', jury, ['prototype', 'team'], () => 8);
    await run.waitForPhase('pilot', 'gate');
    const ranking = await h.call('officer-1', 'GET', `/competitions/${run.id}/phases/pilot/ranking`);
    expect(ranking.body.offers.map((o: any) => [o.company, o.price])).toEqual([
      ['company-06', 95_000],
      ['company-05', 140_000],
    ]);
    const opened =
      await h.sql`select count(*)::int as n from audit_log where competition_id = ${run.id} and action = 'prices.opened'`;
    expect(opened[0]!.n).toBe(1);
  });

  it('a valid custom two-phase template runs from posting to the final award of its last phase with no new code', async () => {
    const posted = await h.call('officer-1', 'POST', '/templates', customTemplate());
    expect(posted.status, JSON.stringify(posted.body)).toBe(201);

    const run = await CompetitionRun.launch(h, {
      title: 'Quiet streets challenge',
      buyer: 'Gemeente Eindhoven',
      procedure: 'city-challenge',
      jurors: { proposal: jury, pilot: jury },
    });

    const entrants = ['company-01', 'company-02', 'company-03', 'company-04'];
    for (const company of entrants) {
      expect((await run.offer(company, 'proposal', { requestedAmount: 20_000 })).status).toBe(201);
    }
    await run.closeSubmissions('proposal');
    await run.juryScores('proposal', jury, ['approach', 'impact', 'team'], scoreOf);
    await run.waitForPhase('proposal', 'gate');
    await run.advancePast((await run.approveGate('proposal')).standstillEndsAt);
    await run.waitForPhase('proposal', 'execution');
    const proposals = await run.awards('proposal');
    expect(proposals.map((a) => a.company_id)).toEqual(['company-01', 'company-02', 'company-03']);
    for (const award of proposals)
      expect((await run.decideDeliverable('proposal', award.offer_id, true)).status).toBe(200);

    await run.waitForPhase('pilot', 'questions-open');
    expect(
      (await run.offer('company-04', 'pilot', { requestedAmount: 100_000, price: 100_000 })).status,
    ).toBe(403);
    const prices: Record<string, number> = {
      'company-01': 150_000,
      'company-02': 90_000,
      'company-03': 120_000,
    };
    for (const [company, price] of Object.entries(prices)) {
      expect((await run.offer(company, 'pilot', { requestedAmount: price, price })).status).toBe(201);
    }
    await run.closeSubmissions('pilot');
    await run.juryScores('pilot', jury, ['prototype', 'team'], () => 8);
    await run.waitForPhase('pilot', 'gate');

    // Equal quality: relative price decides, the lowest price earns the full 20 price points.
    const ranking = await h.call('officer-1', 'GET', `/competitions/${run.id}/phases/pilot/ranking`);
    expect(ranking.body.offers[0].company).toBe('company-02');
    expect(ranking.body.offers[0].pricePoints).toBeCloseTo(20, 9);

    await run.advancePast((await run.approveGate('pilot')).standstillEndsAt);
    await run.waitForPhase('pilot', 'execution');
    const [pilot] = await run.awards('pilot');
    expect(pilot!.company_id).toBe('company-02');
    expect((await run.decideDeliverable('pilot', pilot!.offer_id, true)).status).toBe(200);
    const done = await run.waitForCompetition('completed');
    expect(done.phases.map((p: { state: string }) => p.state)).toEqual(['completed', 'completed']);
  });
});
