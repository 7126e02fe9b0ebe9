import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { JurorScore, PriceMethod, RankInputDraft, Ranking } from '../../../domain/scoring.ts';
import { rank, RankInputSchema, ScoringError } from '../../../scoring/index.ts';
import { criterion, offer, offerIn } from './build.ts';

/** An input with every numeric field of a rank input present, on a linear-to-budget price method. */
function everyField(
  price: PriceMethod = { method: 'linear-to-budget', weight: 40, budget: 90_000 },
): RankInputDraft {
  return {
    criteria: [criterion('quality', price.method === 'linear-to-budget' ? 60 : 100, { minimum: 5 })],
    price,
    aggregation: { method: 'mean', spreadThreshold: 3 },
    gate: { awardSlots: 2, phaseBudget: 200_000, maxPerOffer: 100_000, overallMinimum: 50 },
    tieBreak: { order: [], seed: 'limits' },
    offers: [offer('a', { price: 80_000, requestedAmount: 80_000 })],
    scores: [{ offerId: 'a', jurorId: 'j1', criterion: 'quality', score: 7, reason: 'good' }],
    consensus: [{ offerId: 'a', criterion: 'quality', score: 7, reason: 'agreed' }],
  };
}

/** Every numeric field, by JSON path, with the price method that has it. */
const NUMERIC_FIELDS: readonly [path: string, price?: PriceMethod][] = [
  ['criteria[0].weight'],
  ['criteria[0].scale.min'],
  ['criteria[0].scale.max'],
  ['criteria[0].scale.step'],
  ['criteria[0].minimum'],
  ['price.weight'],
  ['price.budget'],
  ['price.weight', { method: 'relative', weight: 40 }],
  ['price.euroPerQualityPoint', { method: 'value-for-money', euroPerQualityPoint: 100 }],
  ['price.maximumPrice', { method: 'fixed-price', maximumPrice: 90_000 }],
  ['aggregation.spreadThreshold'],
  ['gate.awardSlots'],
  ['gate.phaseBudget'],
  ['gate.maxPerOffer'],
  ['gate.overallMinimum'],
  ['offers[0].price'],
  ['offers[0].requestedAmount'],
  ['scores[0].score'],
  ['consensus[0].score'],
];

function withValueAt(input: RankInputDraft, path: string, value: number): RankInputDraft {
  const copy = structuredClone(input) as Record<string, unknown>;
  const keys = path.split(/[.[\]]+/).filter(Boolean);
  let at = copy;
  for (const key of keys.slice(0, -1)) at = at[key] as Record<string, unknown>;
  at[keys.at(-1)!] = value;
  return copy as RankInputDraft;
}

function refusedPaths(input: RankInputDraft): string[] {
  const parsed = RankInputSchema.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((issue) => z.core.toDotPath(issue.path));
}

/** Every number anywhere in the ranking, by JSON path. */
function numbersIn(value: unknown, path = ''): [string, number][] {
  if (typeof value === 'number') return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((item, i) => numbersIn(item, `${path}[${i}]`));
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([key, item]) => numbersIn(item, path ? `${path}.${key}` : key));
  return [];
}

function expectOnlyFiniteNumbers(ranking: Ranking): void {
  const notFinite = numbersIn(ranking).filter(([, n]) => !Number.isFinite(n));
  expect(notFinite).toEqual([]);
}

/**
 * Magnitudes of points and of euros, mostly everyday, sometimes at the edge of overflow. The property
 * does not know where the limits are (the schema decides); 1e6 and 1e10 are where they sit today, so
 * those edges are tried exactly.
 */
const magnitude = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(1, 10, 100, 1e4, 1e6, 1e8, 1e10) },
  { weight: 1, arbitrary: fc.constantFrom(1e12, 1e100, 1e200, 1e307, Number.MAX_VALUE) },
);
/** A share of a magnitude; fast-check draws 0 and 1 often, so values at the magnitude come up often. */
const share = fc.double({ min: 0, max: 1, noNaN: true });

const PRICE_METHOD_NAMES = [
  'none',
  'relative',
  'linear-to-budget',
  'value-for-money',
  'fixed-price',
  'quality-price-ratio',
] as const;

const arbitraryRankInput = fc
  .record({
    points: magnitude,
    euros: magnitude,
    /** The scale's ends as shares of the points magnitude. */
    scaleEnds: fc.constantFrom([0, 1], [-1, 1], [-1, 0], [0.5, 1], [-1, -0.5], [-0.5, 0.5]),
    criteria: fc.integer({ min: 1, max: 3 }),
    offers: fc.integer({ min: 1, max: 4 }),
    jurors: fc.integer({ min: 1, max: 3 }),
    steps: fc.oneof(fc.integer({ min: 1, max: 10 }), fc.constantFrom(100, 10_000)),
    method: fc.constantFrom(...PRICE_METHOD_NAMES),
    priceWeight: fc.constantFrom(1, 30, 99),
    normalise: fc.boolean(),
    median: fc.boolean(),
  })
  .chain((shape) => {
    const cells = shape.criteria * shape.offers * shape.jurors;
    const shares = (length: number) => fc.array(share, { minLength: length, maxLength: length });
    return fc.record({
      shape: fc.constant(shape),
      positions: fc.array(fc.integer({ min: 0, max: shape.steps }), { minLength: cells, maxLength: cells }),
      minimum: fc.option(fc.integer({ min: 0, max: shape.steps }), { nil: undefined }),
      spreadSteps: fc.option(fc.integer({ min: 1, max: shape.steps }), { nil: undefined }),
      prices: shares(shape.offers),
      requests: shares(shape.offers),
      money: shares(3),
      awardSlots: fc.constantFrom(0, 1, 3, 1_000_000),
      overallMinimum: fc.integer({ min: 0, max: 100 }),
    });
  })
  .map(({ shape, positions, minimum, spreadSteps, prices, requests, money, ...gate }) => {
    const euros = (s: number) => s * shape.euros;
    const wholeCents = (s: number) => Math.round(euros(s) * 100) / 100;
    const positiveEuros = (s: number) => 0.01 + s * (shape.euros - 0.01);
    const [min, max] = shape.scaleEnds.map((end) => end * shape.points) as [number, number];
    const step = (max - min) / shape.steps;
    const scale = { min, max, step };
    const onScale = (position: number) => (position === shape.steps ? max : min + position * step);

    const price = ((): PriceMethod => {
      const [budget = 0] = money.map(positiveEuros);
      switch (shape.method) {
        case 'relative':
          return { method: 'relative', weight: shape.priceWeight };
        case 'linear-to-budget':
          return { method: 'linear-to-budget', weight: shape.priceWeight, budget };
        case 'value-for-money':
          return { method: 'value-for-money', euroPerQualityPoint: budget };
        case 'fixed-price':
          return { method: 'fixed-price', maximumPrice: budget };
        default:
          return { method: shape.method };
      }
    })();
    const qualityWeight = 'weight' in price ? 100 - price.weight : 100;
    const criteria = Array.from({ length: shape.criteria }, (_, c) =>
      criterion(`c${c}`, qualityWeight / shape.criteria, {
        scale,
        ...(minimum === undefined ? {} : { minimum: onScale(minimum) }),
      }),
    );
    const offerIds = Array.from({ length: shape.offers }, (_, o) => `offer-${o}`);
    const scores: JurorScore[] = [];
    let next = 0;
    for (const offerId of offerIds) {
      for (let j = 0; j < shape.jurors; j++) {
        for (const { key } of criteria) {
          const score = onScale(positions[next++]!);
          scores.push({ offerId, jurorId: `juror-${j}`, criterion: key, score, reason: 'r' });
        }
      }
    }
    const input: RankInputDraft = {
      criteria,
      price,
      aggregation: {
        method: shape.median ? 'median' : 'mean',
        normaliseJurors: shape.normalise,
        ...(spreadSteps === undefined ? {} : { spreadThreshold: spreadSteps * step }),
      },
      gate: {
        awardSlots: gate.awardSlots,
        phaseBudget: wholeCents(money[1]!),
        maxPerOffer: wholeCents(money[2]!),
        overallMinimum: gate.overallMinimum,
      },
      tieBreak: { order: [{ by: 'quality' }, { by: 'lower-price' }], seed: 'limits' },
      offers: offerIds.map((id, o) =>
        offer(id, { price: positiveEuros(prices[o]!), requestedAmount: wholeCents(requests[o]!) }),
      ),
      scores,
    };
    return input;
  });

describe('limits on the numbers in a rank input', () => {
  it('every number in a rank input that is near ±1e308 or not finite is refused, naming its JSON path', () => {
    for (const [path, price] of NUMERIC_FIELDS) {
      const input = everyField(price);
      expect(refusedPaths(input), `the base input for ${path}`).toEqual([]);
      for (const value of [1e308, -1e308, Number.MAX_VALUE, Infinity, -Infinity, NaN]) {
        expect(refusedPaths(withValueAt(input, path, value)), `${path} = ${value}`).toContain(path);
      }
    }
  });

  it('the limits are ten billion euros, one cent and a million points: values at them rank with finite totals, values just beyond are refused', () => {
    const scale = { min: -1_000_000, max: 1_000_000, step: 100_000 };
    const atLimits: RankInputDraft = {
      criteria: [criterion('quality', 100, { scale, minimum: -1_000_000 })],
      price: { method: 'quality-price-ratio' },
      aggregation: { spreadThreshold: 2_000_000 },
      gate: { awardSlots: 1_000_000, phaseBudget: 10_000_000_000, maxPerOffer: 10_000_000_000 },
      tieBreak: { order: [{ by: 'lower-price' }], seed: 'limits' },
      offers: [
        offer('cheap', { price: 0.01, requestedAmount: 9_999_999_999.99 }),
        offer('dear', { price: 10_000_000_000, requestedAmount: 0.01 }),
      ],
      scores: [
        { offerId: 'cheap', jurorId: 'j1', criterion: 'quality', score: 1_000_000, reason: 'top' },
        { offerId: 'dear', jurorId: 'j1', criterion: 'quality', score: -1_000_000, reason: 'bottom' },
      ],
    };
    const ranking = rank(atLimits);
    expectOnlyFiniteNumbers(ranking);
    expect(offerIn(ranking, 'cheap').total).toBe(100 / 0.01);
    expect(ranking.selection.budgetUsed).toBe(10_000_000_000);
    expect(ranking.selection.budgetLeft).toBe(0);

    const beyond: [string, number][] = [
      ['offers[0].requestedAmount', 10_000_000_000.01],
      ['gate.phaseBudget', 10_000_000_000.01],
      ['offers[0].price', 0.009],
      ['scores[0].score', 1_000_001],
      ['criteria[0].scale.min', -1_000_001],
      ['criteria[0].scale.step', 0.000_000_9],
      ['gate.awardSlots', 1_000_001],
    ];
    for (const [path, value] of beyond) {
      expect(refusedPaths(withValueAt(atLimits, path, value)), `${path} = ${value}`).toEqual([path]);
    }
  });

  it('for any rank input the schema accepts, every total in the ranking is a finite number', () => {
    let ranked = 0;
    fc.assert(
      fc.property(arbitraryRankInput, (input) => {
        if (!RankInputSchema.safeParse(input).success) return;
        let ranking: Ranking;
        try {
          ranking = rank(input);
        } catch (error) {
          // Refusals by the rules (off-step, whole cents, ...) are fine; a crash is not.
          if (error instanceof ScoringError) return;
          throw error;
        }
        ranked++;
        expectOnlyFiniteNumbers(ranking);
      }),
      { numRuns: 400 },
    );
    // The magnitudes below are mostly within the limits, so the property is not vacuous.
    expect(ranked).toBeGreaterThan(40);
  });
});
