import { expect } from 'vitest';
import type { PhaseState } from '../../domain/competition.ts';
import type { Harness } from './support.ts';

/** Steps a competition through its life the way its users would: over the API, as each role. */
export class CompetitionRun {
  constructor(
    readonly h: Harness,
    readonly id: string,
  ) {}

  static async launch(h: Harness, body: Record<string, unknown>): Promise<CompetitionRun> {
    const response = await h.call('officer-1', 'POST', '/competitions', body);
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    const run = new CompetitionRun(h, response.body.id);
    const first = response.body.phases[0].key;
    await run.waitForPhase(first, 'questions-open');
    return run;
  }

  async status() {
    const response = await this.h.call('officer-1', 'GET', `/competitions/${this.id}`);
    expect(response.status).toBe(200);
    return response.body;
  }

  async phase(key: string) {
    return (await this.status()).phases.find((p: { key: string }) => p.key === key);
  }

  /** Polls the Postgres record (in real time; the test server's clock stands still meanwhile). */
  async waitForPhase(key: string, state: PhaseState, timeoutMs = 30_000) {
    const until = Date.now() + timeoutMs;
    let phase: any;
    while (Date.now() < until) {
      phase = await this.phase(key);
      if (phase?.state === state) return phase;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`phase ${key} did not reach ${state}; it is ${phase?.state}`);
  }

  async waitForCompetition(status: string, timeoutMs = 30_000) {
    const until = Date.now() + timeoutMs;
    let current: any;
    while (Date.now() < until) {
      current = await this.status();
      if (current.status === status) return current;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`competition did not become ${status}; it is ${current?.status}`);
  }

  /** Moves the Temporal test server's clock to just past an instant. */
  async advancePast(iso: string, marginMs = 60_000) {
    const now = await this.h.env.currentTimeMs();
    const target = Date.parse(iso) + marginMs;
    if (target > now) await this.h.env.sleep(target - now);
  }

  async offer(company: string, phase: string, offer: { requestedAmount: number; price?: number; content?: string }) {
    return this.h.call(company, 'POST', `/competitions/${this.id}/phases/${phase}/offers`, {
      content: offer.content ?? `Offer of ${company} for ${phase}`,
      ...offer,
    });
  }

  async jurorOffers(juror: string, phase: string) {
    const response = await this.h.call(juror, 'GET', `/competitions/${this.id}/phases/${phase}/jury/offers`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body.offers as { offerId: string; company: string; declaration: string; content: string | null }[];
  }

  async declare(juror: string, phase: string, offerId: string, hasConflict: boolean) {
    return this.h.call(juror, 'POST', `/competitions/${this.id}/phases/${phase}/offers/${offerId}/conflict-declaration`, {
      hasConflict,
      statement: hasConflict ? 'I advise this company' : 'No ties to this company',
    });
  }

  async score(juror: string, phase: string, offerId: string, scores: Record<string, number>) {
    return this.h.call(juror, 'PUT', `/competitions/${this.id}/phases/${phase}/offers/${offerId}/scores`, {
      scores: Object.entries(scores).map(([criterion, score]) => ({ criterion, score, reason: `${criterion} judged ${score}` })),
    });
  }

  /** Every juror declares no conflict and scores every offer with `scoreOf`, then says they are done. */
  async juryScores(
    phase: string,
    jurors: readonly string[],
    criteria: readonly string[],
    scoreOf: (company: string, criterion: string, juror: string) => number,
  ) {
    for (const juror of jurors) {
      for (const offer of await this.jurorOffers(juror, phase)) {
        if (offer.declaration === 'not-declared') expect((await this.declare(juror, phase, offer.offerId, false)).status).toBe(201);
        const scores = Object.fromEntries(criteria.map((c) => [c, scoreOf(offer.company, c, juror)]));
        const response = await this.score(juror, phase, offer.offerId, scores);
        expect(response.status, JSON.stringify(response.body)).toBe(200);
      }
      expect((await this.h.call(juror, 'POST', `/competitions/${this.id}/phases/${phase}/jury/finish`)).status).toBe(200);
    }
  }

  async approveGate(phase: string) {
    const response = await this.h.call('officer-1', 'POST', `/competitions/${this.id}/phases/${phase}/gate/approve`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body as { standstillEndsAt: string };
  }

  async awards(phase: string) {
    return this.h.sql<{ offer_id: string; company_id: string; status: string; deliverable_status: string; rank: number }[]>`
      select offer_id, company_id, status, deliverable_status, rank from awards
      where competition_id = ${this.id} and phase_key = ${phase} order by rank`;
  }

  async decideDeliverable(phase: string, offerId: string, accepted: boolean) {
    return this.h.call('officer-1', 'POST', `/competitions/${this.id}/phases/${phase}/offers/${offerId}/deliverable-decision`, {
      accepted,
      note: accepted ? 'Feasibility study accepted' : 'Deliverable incomplete',
    });
  }
}
