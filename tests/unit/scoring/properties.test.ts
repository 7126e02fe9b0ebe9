import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JurorScore, RankInputDraft, Ranking } from '../../../domain/scoring.ts';
import { rank } from '../../../scoring/index.ts';
import { criterion, offer } from './build.ts';

const PRICE_METHODS = [
  { method: 'none' },
  { method: 'relative', weight: 30 },
  { method: 'linear-to-budget', weight: 30, budget: 80_000 },
  { method: 'value-for-money', euroPerQualityPoint: 500 },
  { method: 'fixed-price', maximumPrice: 90_000 },
  { method: 'quality-price-ratio' },
] as const;

/** Integer weights that add up to `total` for one to three criteria. */
const WEIGHT_SPLITS: Record<number, number[]> = { 1: [1], 2: [0.6, 0.4], 3: [0.4, 0.3, 0.3] };

/**
 * Small competitions on short scales, so that ties (and with them tie-breaks and lots) are common.
 * Every juror scores every offer, except the first juror on offers they declared a conflict for.
 */
const arbitraryCompetition = (options: { normalise?: boolean } = {}) =>
  fc
    .record({
      criteria: fc.integer({ min: 1, max: 3 }),
      offers: fc.integer({ min: 1, max: 7 }),
      jurors: fc.integer({ min: 1, max: 4 }),
      scaleMax: fc.constantFrom(3, 10),
      price: fc.constantFrom(...PRICE_METHODS),
      method: fc.constantFrom('mean' as const, 'median' as const),
      normalise: options.normalise === undefined ? fc.boolean() : fc.constant(options.normalise),
      selectionMode: fc.constantFrom('strict-order' as const, 'skip-to-fit' as const),
      tieBreakOrder: fc.subarray([
        { by: 'criterion', criterion: 'c0' },
        { by: 'lower-price' },
        { by: 'quality' },
      ] as const),
    })
    .chain((shape) => {
      const cells = shape.criteria * shape.offers * shape.jurors;
      return fc.record({
        shape: fc.constant(shape),
        scores: fc.array(fc.integer({ min: 0, max: shape.scaleMax }), { minLength: cells, maxLength: cells }),
        prices: fc.array(fc.integer({ min: 10, max: 100 }), {
          minLength: shape.offers,
          maxLength: shape.offers,
        }),
        requests: fc.array(fc.integer({ min: 1, max: 6 }), {
          minLength: shape.offers,
          maxLength: shape.offers,
        }),
        conflicts: fc.array(fc.boolean(), { minLength: shape.offers, maxLength: shape.offers }),
        minimum: fc.option(fc.integer({ min: 0, max: shape.scaleMax }), { nil: undefined }),
        overallMinimum: fc.integer({ min: 0, max: 50 }),
        awardSlots: fc.integer({ min: 0, max: shape.offers + 1 }),
        phaseBudget: fc.integer({ min: 0, max: 30 }),
        maxPerOffer: fc.integer({ min: 1, max: 6 }),
        seed: fc.string({ minLength: 1, maxLength: 6 }),
      });
    })
    .map(({ shape, scores, prices, requests, conflicts, ...gate }): RankInputDraft => {
      const priceWeight = 'weight' in shape.price ? shape.price.weight : 0;
      const criteria = WEIGHT_SPLITS[shape.criteria]!.map((share, c) =>
        criterion(`c${c}`, share * (100 - priceWeight), {
          scale: { min: 0, max: shape.scaleMax, step: 1 },
          ...(c === 0 && gate.minimum !== undefined ? { minimum: gate.minimum } : {}),
        }),
      );
      const offerIds = Array.from({ length: shape.offers }, (_, o) => `offer-${o}`);
      const conflicted = (o: number, j: number) => j === 0 && shape.jurors > 1 && conflicts[o] === true;
      const jurorScores: JurorScore[] = [];
      let next = 0;
      offerIds.forEach((offerId, o) => {
        for (let j = 0; j < shape.jurors; j++) {
          for (let c = 0; c < shape.criteria; c++) {
            const score = scores[next++]!;
            if (!conflicted(o, j)) {
              jurorScores.push({
                offerId,
                jurorId: `juror-${j}`,
                criterion: `c${c}`,
                score,
                reason: `r${score}`,
              });
            }
          }
        }
      });
      return {
        criteria,
        price: shape.price,
        aggregation: { method: shape.method, normaliseJurors: shape.normalise },
        gate: {
          awardSlots: gate.awardSlots,
          phaseBudget: gate.phaseBudget * 10_000,
          maxPerOffer: gate.maxPerOffer * 10_000,
          overallMinimum: gate.overallMinimum,
          selectionMode: shape.selectionMode,
        },
        tieBreak: { order: [...shape.tieBreakOrder], seed: gate.seed },
        offers: offerIds.map((id, o) =>
          offer(id, { price: prices[o]! * 1000, requestedAmount: requests[o]! * 10_000 }),
        ),
        scores: jurorScores,
        exclusions: offerIds
          .filter((_, o) => conflicted(o, 0))
          .map((offerId) => ({ jurorId: 'juror-0', offerId })),
      };
    });

/** A permutation of `items` drawn by fast-check, so failures shrink and replay. */
const shuffled = <T>(items: readonly T[]) => fc.shuffledSubarray([...items], { minLength: items.length });

const rankOf = (ranking: Ranking, offerId: string) => ranking.offers.find((o) => o.offerId === offerId)!.rank;

describe('properties of the ranking', () => {
  it('the ranking does not depend on the order offers and scores are listed in', () => {
    fc.assert(
      fc.property(
        arbitraryCompetition().chain((input) =>
          fc.tuple(
            fc.constant(input),
            shuffled(input.offers),
            shuffled(input.scores),
            shuffled(input.exclusions ?? []),
          ),
        ),
        ([input, offers, scores, exclusions]) => {
          expect(rank({ ...input, offers, scores, exclusions })).toEqual(rank(input));
        },
      ),
      { numRuns: 300 },
    );
  });

  // Without normalisation: a normalised juror's raised score also moves that juror's mean and spread,
  // and with them the normalised scores of every other offer the juror scored.
  it("raising one juror's score never lowers that offer's rank", () => {
    fc.assert(
      fc.property(
        arbitraryCompetition({ normalise: false }).chain((input) =>
          fc.tuple(fc.constant(input), fc.nat({ max: Math.max(0, input.scores.length - 1) })),
        ),
        ([input, which]) => {
          const score = input.scores[which];
          const max = input.criteria[0]!.scale.max;
          fc.pre(score !== undefined && score.score < max);
          const raised = input.scores.map((s, i) => (i === which ? { ...s, score: s.score + 1 } : s));
          const before = rankOf(rank(input), score!.offerId);
          const after = rankOf(rank({ ...input, scores: raised }), score!.offerId);
          expect(after).toBeLessThanOrEqual(before);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('selection never exceeds the award slots, the phase budget or the per-offer maximum', () => {
    fc.assert(
      fc.property(arbitraryCompetition(), (input) => {
        const ranking = rank(input);
        const selected = ranking.offers.filter((o) => o.selection.selected);
        expect(selected.length).toBeLessThanOrEqual(input.gate.awardSlots);
        const spent = selected.reduce((sum, o) => sum + o.requestedAmount, 0);
        expect(spent).toBeLessThanOrEqual(input.gate.phaseBudget);
        expect(ranking.selection.budgetUsed).toBe(spent);
        expect(ranking.selection.budgetLeft).toBe(input.gate.phaseBudget - spent);
        for (const o of selected) expect(o.requestedAmount).toBeLessThanOrEqual(input.gate.maxPerOffer);
        expect(ranking.selection.selectedOfferIds).toEqual(selected.map((o) => o.offerId));
      }),
      { numRuns: 300 },
    );
  });

  it('ineligible offers are never selected and always rank below eligible ones', () => {
    fc.assert(
      fc.property(arbitraryCompetition(), (input) => {
        const ranking = rank(input);
        for (const o of ranking.offers) {
          if (!o.eligible) {
            expect(o.selection.code).toBe('ineligible');
            expect(o.ineligibility.length).toBeGreaterThan(0);
          }
        }
        const firstIneligible = ranking.offers.findIndex((o) => !o.eligible);
        if (firstIneligible >= 0)
          expect(ranking.offers.slice(firstIneligible).every((o) => !o.eligible)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('strict order selects nothing after the first eligible offer that does not fit', () => {
    fc.assert(
      fc.property(arbitraryCompetition(), (input) => {
        fc.pre(input.gate.selectionMode === 'strict-order');
        const codes = rank(input).offers.map((o) => o.selection.code);
        const stop = codes.findIndex((c) => c === 'over-budget' || c === 'over-per-offer-maximum');
        if (stop >= 0) expect(codes.slice(stop + 1).includes('selected')).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('the same input and seed give the same ranking, lots included', () => {
    fc.assert(
      fc.property(arbitraryCompetition(), (input) => {
        expect(rank(structuredClone(input))).toEqual(rank(input));
      }),
      { numRuns: 100 },
    );
  });

  it('ranks run from 1 without gaps and follow the totals within each eligibility part', () => {
    fc.assert(
      fc.property(arbitraryCompetition(), (input) => {
        const ranking = rank(input);
        expect(ranking.offers.map((o) => o.rank)).toEqual(ranking.offers.map((_, i) => i + 1));
        const better = ranking.totalOrder === 'highest-first' ? 1 : -1;
        for (let i = 1; i < ranking.offers.length; i++) {
          const [prev, cur] = [ranking.offers[i - 1]!, ranking.offers[i]!];
          if (prev.eligible === cur.eligible)
            expect(better * (prev.total - cur.total)).toBeGreaterThanOrEqual(-1e-9);
        }
      }),
      { numRuns: 300 },
    );
  });
});
