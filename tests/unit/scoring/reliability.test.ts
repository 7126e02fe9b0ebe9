import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JurorScore, RankInputDraft } from '../../../domain/scoring.ts';
import { rank, rankWithReliability, ReliabilitySchema } from '../../../scoring/index.ts';
import { competition, criterion, offer, scoresFrom, type ScoreTable } from './build.ts';

const example = JSON.parse(
  readFileSync(new URL('../../fixtures/rank-example.json', import.meta.url), 'utf8'),
);

/**
 * One award slot, one criterion with a minimum of 6 and an overall minimum of 55%. j1 decides the
 * gate on their own: their 10 lifts a to 6.67 and their 2 pulls c down to 5.33, below both minimums.
 * Without j1, a (5, 5) misses both minimums and c (7, 7) passes them and takes the slot.
 */
const decidedByOneJuror = (table: ScoreTable = {}): RankInputDraft =>
  competition({
    criteria: [criterion('quality', 100, { minimum: 6 })],
    gate: { awardSlots: 1, phaseBudget: 1_000_000, maxPerOffer: 100_000, overallMinimum: 55 },
    offers: [offer('a'), offer('b'), offer('c')],
    scores: scoresFrom({
      a: { j1: { quality: 10 }, j2: { quality: 5 }, j3: { quality: 5 } },
      b: { j1: { quality: 6 }, j2: { quality: 6 }, j3: { quality: 6 } },
      c: { j1: { quality: 2 }, j2: { quality: 7 }, j3: { quality: 7 } },
      ...table,
    }),
  });

const jurorIn = (input: RankInputDraft, jurorId: string) =>
  rankWithReliability(input).reliability.leaveOneJurorOut.jurors.find((j) => j.jurorId === jurorId)!;

describe('leave-one-juror-out stability', () => {
  it('names the juror whose scores alone decide the selection, with the offers that swap', () => {
    const { ranking, reliability } = rankWithReliability(decidedByOneJuror());
    expect(ranking.selection.selectedOfferIds).toEqual(['a']);
    expect(reliability.leaveOneJurorOut.stable).toBe(false);
    expect(reliability.leaveOneJurorOut.decisiveJurors).toEqual(['j1']);
    const j1 = reliability.leaveOneJurorOut.jurors.find((j) => j.jurorId === 'j1')!;
    expect(j1.selection).toEqual({ unchanged: false, entering: ['c'], leaving: ['a'] });
    expect(reliability.message).toContain('without j1 the selection or an eligibility would change');
  });

  it('says which offers would pass or miss the overall and the criterion minimum without that juror', () => {
    const j1 = jurorIn(decidedByOneJuror(), 'j1');
    // a: 66.7 quality points with j1, 50 without; c: 53.3 with j1, 70 without. In the gate's rank order.
    expect(j1.overallMinimum).toEqual({ unchanged: false, becomeEligible: ['c'], becomeIneligible: ['a'] });
    expect(j1.criterionMinimums).toEqual([
      { criterion: 'quality', unchanged: false, becomeEligible: ['c'], becomeIneligible: ['a'] },
    ]);
  });

  it('a juror whose absence changes nothing is not decisive', () => {
    const j2 = jurorIn(decidedByOneJuror(), 'j2');
    expect(j2).toMatchObject({
      decisive: false,
      selection: { unchanged: true, entering: [], leaving: [] },
      overallMinimum: { unchanged: true },
      unscorable: [],
    });
  });

  it('an offer only the left-out juror scored cannot be ranked without them and leaves the selection', () => {
    const input: RankInputDraft = {
      ...competition({
        gate: { awardSlots: 1, phaseBudget: 1_000_000, maxPerOffer: 100_000 },
        offers: [offer('a'), offer('b')],
        scores: scoresFrom({
          a: { j1: { quality: 9 } },
          b: { j1: { quality: 4 }, j2: { quality: 6 } },
        }),
      }),
      exclusions: [{ jurorId: 'j2', offerId: 'a' }],
    };
    const j1 = jurorIn(input, 'j1');
    expect(j1.unscorable).toEqual(['a']);
    expect(j1.selection).toEqual({ unchanged: false, entering: ['b'], leaving: ['a'] });
  });

  it('a consensus score stands in for the left-out juror, so the offer is still ranked', () => {
    const input: RankInputDraft = {
      ...decidedByOneJuror(),
      consensus: [{ offerId: 'a', criterion: 'quality', score: 8, reason: 'agreed in the meeting' }],
    };
    const j1 = jurorIn(input, 'j1');
    expect(j1.selection.unchanged).toBe(true);
    expect(j1.unscorable).toEqual([]);
  });
});

describe('the reliability report of a gate', () => {
  it('leaves the ranking exactly as rank() gives it', () => {
    expect(rankWithReliability(example).ranking).toEqual(rank(example));
  });

  it('reports alpha per criterion and overall for the example gate, and matches its schema', () => {
    const { reliability } = rankWithReliability(example);
    expect(() => ReliabilitySchema.parse(reliability)).not.toThrow();
    expect(reliability.criteria.map((c) => c.criterion)).toEqual([
      'innovation',
      'feasibility',
      'impact',
      'team',
      'price-quality',
    ]);
    // Six offers, three jurors, j3 in conflict on o4: 6 x 3 - 1 pairable values on every criterion.
    for (const agreement of [...reliability.criteria, reliability.overall]) {
      expect(agreement).toMatchObject({ pairableOffers: 6, pairableValues: 17 });
      expect(agreement.alpha).toBeGreaterThan(-1);
      expect(agreement.alpha).toBeLessThanOrEqual(1);
    }
    expect(reliability.flagged).toBe(
      reliability.criteria.some((c) => c.flagged) || reliability.overall.flagged,
    );
    expect(reliability.leaveOneJurorOut.jurors.map((j) => j.jurorId)).toEqual(['j1', 'j2', 'j3']);
  });

  it('flags a criterion on which the jurors disagree, and only that one', () => {
    const input = competition({
      criteria: [criterion('agreed', 50), criterion('disputed', 50)],
      offers: ['a', 'b', 'c', 'd'].map((id) => offer(id)),
      scores: scoresFrom({
        a: { j1: { agreed: 2, disputed: 9 }, j2: { agreed: 2, disputed: 1 } },
        b: { j1: { agreed: 4, disputed: 2 }, j2: { agreed: 4, disputed: 8 } },
        c: { j1: { agreed: 6, disputed: 5 }, j2: { agreed: 6, disputed: 5 } },
        d: { j1: { agreed: 8, disputed: 1 }, j2: { agreed: 8, disputed: 9 } },
      }),
    });
    const { reliability } = rankWithReliability(input);
    expect(reliability.criteria.map((c) => [c.criterion, c.alpha === 1, c.flagged])).toEqual([
      ['agreed', true, false],
      ['disputed', false, true],
    ]);
    expect(reliability.flagged).toBe(true);
    expect(reliability.message).toContain('below 0.667 on disputed');
  });

  it('alpha is 1 on every criterion and overall when all jurors agree exactly', () => {
    const table: ScoreTable = {};
    ['a', 'b', 'c'].forEach((id, o) => {
      table[id] = { j1: { quality: 3 + o }, j2: { quality: 3 + o }, j3: { quality: 3 + o } };
    });
    const { reliability } = rankWithReliability(
      competition({ offers: ['a', 'b', 'c'].map((id) => offer(id)), scores: scoresFrom(table) }),
    );
    expect(reliability.criteria[0]!.alpha).toBe(1);
    expect(reliability.overall.alpha).toBe(1);
    expect(reliability.leaveOneJurorOut.stable).toBe(true);
  });
});

/**
 * Small competitions on short scales with mean or median aggregation, optional normalisation, minimums
 * and a tight budget, where jurors often decide a selection or an eligibility on their own.
 */
const arbitraryGate = fc
  .record({
    offers: fc.integer({ min: 1, max: 6 }),
    jurors: fc.integer({ min: 1, max: 4 }),
    method: fc.constantFrom('mean' as const, 'median' as const),
    normalise: fc.boolean(),
    minimum: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
    overallMinimum: fc.integer({ min: 0, max: 60 }),
    awardSlots: fc.integer({ min: 0, max: 4 }),
    selectionMode: fc.constantFrom('strict-order' as const, 'skip-to-fit' as const),
  })
  .chain((shape) =>
    fc.record({
      shape: fc.constant(shape),
      // Per offer, juror and criterion: a score, or null for a juror who did not score that offer.
      scores: fc.array(fc.option(fc.integer({ min: 0, max: 5 }), { nil: null, freq: 5 }), {
        minLength: shape.offers * shape.jurors * 2,
        maxLength: shape.offers * shape.jurors * 2,
      }),
      requests: fc.array(fc.integer({ min: 1, max: 4 }), {
        minLength: shape.offers,
        maxLength: shape.offers,
      }),
    }),
  )
  .map(({ shape, scores, requests }): RankInputDraft => {
    const criteria = [
      criterion('c0', 60, { scale: { min: 0, max: 5, step: 1 }, minimum: shape.minimum }),
      criterion('c1', 40, { scale: { min: 0, max: 5, step: 1 } }),
    ];
    const offerIds = Array.from({ length: shape.offers }, (_, o) => `offer-${o}`);
    const jurorScores: JurorScore[] = [];
    let next = 0;
    for (const offerId of offerIds) {
      for (let j = 0; j < shape.jurors; j++) {
        for (const key of ['c0', 'c1']) {
          const score = scores[next++];
          if (score !== null && score !== undefined) {
            jurorScores.push({ offerId, jurorId: `j${j}`, criterion: key, score, reason: `r${score}` });
          }
        }
      }
    }
    // Every offer and criterion scored by somebody: the first juror fills a gap the others left.
    for (const offerId of offerIds) {
      for (const key of ['c0', 'c1']) {
        if (!jurorScores.some((s) => s.offerId === offerId && s.criterion === key)) {
          jurorScores.push({ offerId, jurorId: 'j0', criterion: key, score: 3, reason: 'r3' });
        }
      }
    }
    return {
      criteria,
      price: { method: 'none' },
      aggregation: { method: shape.method, normaliseJurors: shape.normalise },
      gate: {
        awardSlots: shape.awardSlots,
        phaseBudget: 60_000,
        maxPerOffer: 30_000,
        overallMinimum: shape.overallMinimum,
        selectionMode: shape.selectionMode,
      },
      tieBreak: { order: [{ by: 'criterion', criterion: 'c0' }], seed: 'leave-one-out' },
      offers: offerIds.map((id, o) => offer(id, { requestedAmount: requests[o]! * 10_000 })),
      scores: jurorScores,
    };
  });

/** What the gate would decide without the juror, ranked from scratch by the public rank(). */
function rankedWithout(input: RankInputDraft, jurorId: string) {
  const scores = input.scores.filter((s) => s.jurorId !== jurorId);
  const scored = (offerId: string) =>
    input.criteria.every((c) => scores.some((s) => s.offerId === offerId && s.criterion === c.key));
  const unscorable = input.offers.filter((o) => !scored(o.offerId)).map((o) => o.offerId);
  const offers = input.offers.filter((o) => scored(o.offerId));
  return { unscorable, ranking: rank({ ...input, offers, scores: scores.filter((s) => scored(s.offerId)) }) };
}

describe('properties of leave-one-juror-out', () => {
  it('says what ranking the gate again from scratch without that juror would change', () => {
    fc.assert(
      fc.property(arbitraryGate, (input) => {
        const { ranking, reliability } = rankWithReliability(input);
        const before = new Set(ranking.selection.selectedOfferIds);
        for (const report of reliability.leaveOneJurorOut.jurors) {
          const without = rankedWithout(input, report.jurorId);
          expect(report.unscorable).toEqual(without.unscorable);
          const after = without.ranking.selection.selectedOfferIds;
          expect(report.selection.entering).toEqual(after.filter((id) => !before.has(id)));
          expect(report.selection.leaving).toEqual(
            ranking.selection.selectedOfferIds.filter((id) => !after.includes(id)),
          );
          const missed = (offers: typeof ranking.offers, code: string, criterion?: string) =>
            new Set(
              offers
                .filter((o) => o.ineligibility.some((i) => i.code === code && i.criterion === criterion))
                .map((o) => o.offerId),
            );
          const shift = (code: string, criterion?: string) => {
            const was = missed(ranking.offers, code, criterion);
            const is = missed(without.ranking.offers, code, criterion);
            const ranked = ranking.offers
              .map((o) => o.offerId)
              .filter((id) => !without.unscorable.includes(id));
            return {
              becomeEligible: ranked.filter((id) => was.has(id) && !is.has(id)),
              becomeIneligible: ranked.filter((id) => !was.has(id) && is.has(id)),
            };
          };
          expect(report.overallMinimum).toMatchObject(shift('below-overall-minimum'));
          for (const c of report.criterionMinimums) {
            expect(c).toMatchObject(shift('below-criterion-minimum', c.criterion));
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('does not depend on the order the scores are listed in', () => {
    fc.assert(
      fc.property(
        arbitraryGate.chain((input) =>
          fc.tuple(fc.constant(input), fc.shuffledSubarray(input.scores, { minLength: input.scores.length })),
        ),
        ([input, scores]) => {
          const reordered = rankWithReliability({ ...input, scores }).reliability;
          const original = rankWithReliability(input).reliability;
          expect(reordered.leaveOneJurorOut).toEqual(original.leaveOneJurorOut);
          reordered.criteria.forEach((c, i) => {
            const alpha = original.criteria[i]!.alpha;
            if (alpha === null) expect(c.alpha).toBeNull();
            else expect(c.alpha).toBeCloseTo(alpha, 12);
          });
        },
      ),
    );
  });
});
