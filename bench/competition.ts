import type { JurorScore, RankInputDraft } from '../domain/scoring.ts';

/** A fixed-seed linear congruential generator: the same competition on every run and machine. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * A large gate for the benchmarks. Each offer has a strength; each juror scores around it with their
 * own noise, so the jurors agree moderately and some jurors decide an eligibility on their own.
 */
export function syntheticCompetition(size: {
  offers: number;
  jurors: number;
  criteria: number;
  seed: number;
}): RankInputDraft {
  const random = generator(size.seed);
  const criteria = Array.from({ length: size.criteria }, (_, c) => ({
    key: `criterion-${c}`,
    name: `Criterion ${c}`,
    weight: 15,
    scale: { min: 0, max: 10, step: 1 },
    minimum: 3,
  }));
  const offers = Array.from({ length: size.offers }, (_, o) => ({
    offerId: `offer-${String(o).padStart(5, '0')}`,
    company: `Company ${o} B.V.`,
    price: 20_000 + Math.floor(random() * 30_000),
    requestedAmount: 10_000 + Math.floor(random() * 40) * 1000,
  }));
  const scores: JurorScore[] = [];
  for (const offer of offers) {
    const strength = random() * 6;
    for (let j = 0; j < size.jurors; j++) {
      for (const criterion of criteria) {
        const score = Math.min(10, Math.floor(strength + random() * 5));
        scores.push({
          offerId: offer.offerId,
          jurorId: `juror-${j}`,
          criterion: criterion.key,
          score,
          reason: `juror ${j} on ${offer.offerId}: ${score}`,
        });
      }
    }
  }
  return {
    criteria,
    price: { method: 'relative', weight: 10 },
    aggregation: { method: 'mean', spreadThreshold: 3 },
    gate: {
      awardSlots: 50,
      phaseBudget: 2_000_000,
      maxPerOffer: 45_000,
      overallMinimum: 50,
      selectionMode: 'skip-to-fit',
    },
    tieBreak: {
      order: [{ by: 'criterion', criterion: 'criterion-0' }, { by: 'lower-price' }],
      seed: 'bench',
    },
    offers,
    scores,
  };
}
