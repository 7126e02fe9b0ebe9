import type { Criterion, JurorScore, RankInputDraft, Ranking, RankedOffer } from '../../../domain/scoring.ts';
import { ScoringError } from '../../../scoring/index.ts';

/** A criterion on the default SBIR scale 0-10 in whole points. */
export function criterion(key: string, weight: number, extra: Partial<Criterion> = {}): Criterion {
  return { key, name: key, weight, scale: { min: 0, max: 10, step: 1 }, ...extra };
}

/** Scores per offer, per juror, per criterion: { a: { j1: { quality: 7 } } }. */
export type ScoreTable = Record<string, Record<string, Record<string, number>>>;

export function scoresFrom(table: ScoreTable): JurorScore[] {
  const scores: JurorScore[] = [];
  for (const [offerId, byJuror] of Object.entries(table)) {
    for (const [jurorId, byCriterion] of Object.entries(byJuror)) {
      for (const [key, score] of Object.entries(byCriterion)) {
        scores.push({ offerId, jurorId, criterion: key, score, reason: `${jurorId} on ${offerId}/${key}` });
      }
    }
  }
  return scores;
}

export function offer(offerId: string, extra: { price?: number; requestedAmount?: number } = {}) {
  return { offerId, company: `${offerId} B.V.`, requestedAmount: 10_000, ...extra };
}

/** One criterion 'quality' weighing 100, price not scored, room for every offer: override what a rule needs. */
export function competition(parts: Partial<RankInputDraft>): RankInputDraft {
  return {
    criteria: [criterion('quality', 100)],
    price: { method: 'none' },
    gate: { awardSlots: 10, phaseBudget: 1_000_000, maxPerOffer: 100_000 },
    tieBreak: { order: [], seed: 'test-seed' },
    offers: [],
    scores: [],
    ...parts,
  };
}

export function offerIn(ranking: Ranking, offerId: string): RankedOffer {
  const found = ranking.offers.find((o) => o.offerId === offerId);
  if (!found) throw new Error(`offer ${offerId} is not in the ranking`);
  return found;
}

export function orderOf(ranking: Ranking): string[] {
  return ranking.offers.map((o) => o.offerId);
}

/** The ScoringError `run` throws; fails the test when it throws nothing or something else. */
export function scoringErrorOf(run: () => unknown): ScoringError {
  try {
    run();
  } catch (error) {
    if (error instanceof ScoringError) return error;
    throw error;
  }
  throw new Error('expected a ScoringError, but the ranking was returned');
}
