import { describe, expect, it } from 'vitest';
import type { RankInputDraft } from '../../../domain/scoring.ts';
import { drawLot, rank, rankParsed, RankInputSchema } from '../../../scoring/index.ts';
import { competition, criterion, offer, offerIn, orderOf, scoresFrom, scoringErrorOf } from './build.ts';

/**
 * Rules that `npm run mutate` (Stryker over scoring/) found no test for: each test here failed against
 * at least one mutant of the scoring code that the other tests let through.
 */

describe('scales', () => {
  it('a score below a scale that starts at 1 is off the scale, however far below', () => {
    const input = competition({
      criteria: [criterion('quality', 100, { scale: { min: 1, max: 5, step: 1 } })],
      offers: [offer('a')],
    });
    for (const score of [0, -1, -3]) {
      const error = scoringErrorOf(() =>
        rank({ ...input, scores: scoresFrom({ a: { j1: { quality: score } } }) }),
      );
      expect(error.code).toBe('off-scale');
    }
  });

  it('on a 0-100 scale in hundredths, scores such as 70.07 are on their steps despite binary rounding', () => {
    // (70.07 - 0) / 0.01 is 7006.999999999999 in binary floating point.
    const ranking = rank(
      competition({
        criteria: [criterion('quality', 100, { scale: { min: 0, max: 100, step: 0.01 } })],
        offers: [offer('a'), offer('b')],
        scores: scoresFrom({ a: { j1: { quality: 70.07 } }, b: { j1: { quality: 99.99 } } }),
      }),
    );
    expect(offerIn(ranking, 'a').qualityPoints).toBeCloseTo(70.07, 9);
  });

  it('a scale of 10,000 steps is accepted and a finer one is refused', () => {
    const on = (scale: { min: number; max: number; step: number }) =>
      competition({
        criteria: [criterion('quality', 100, { scale })],
        offers: [offer('a')],
        scores: scoresFrom({ a: { j1: { quality: 50 } } }),
      });
    expect(offerIn(rank(on({ min: 0, max: 100, step: 0.01 })), 'a').qualityPoints).toBe(50);
    const error = scoringErrorOf(() => rank(on({ min: 0, max: 100, step: 0.001 })));
    expect(error).toMatchObject({
      code: 'invalid-input',
      subject: { criterion: 'quality' },
      message: 'criterion quality: the scale has 100000 steps, more than the 10000 supported',
    });
  });

  it('rankParsed, which skips the schema, still refuses a scale whose top is not above its bottom', () => {
    const parsed = RankInputSchema.parse(
      competition({ offers: [offer('a')], scores: scoresFrom({ a: { j1: { quality: 5 } } }) }),
    );
    for (const scale of [
      { min: 5, max: 5, step: 1 },
      { min: 10, max: 0, step: 1 },
    ]) {
      const input = { ...parsed, criteria: [{ ...parsed.criteria[0]!, scale }] };
      const error = scoringErrorOf(() => rankParsed(input));
      expect(error).toMatchObject({ code: 'invalid-input', subject: { criterion: 'quality' } });
    }
  });
});

describe('a scale centred on zero', () => {
  // Rounding is forgiven up to a billionth of a scale's span, max - min: 2 on a scale from -1 to 1.
  const likert = (extra: Partial<Parameters<typeof criterion>[2]> = {}) =>
    criterion('quality', 100, { scale: { min: -1, max: 1, step: 0.1 }, ...extra });

  it('an aggregate at the minimum up to rounding passes', () => {
    // (0.7 + 0.1) / 2 is 0.39999999999999997 in binary floating point.
    const ranking = rank(
      competition({
        criteria: [likert({ minimum: 0.4 })],
        offers: [offer('a')],
        scores: scoresFrom({ a: { j1: { quality: 0.7 }, j2: { quality: 0.1 } } }),
      }),
    );
    expect(offerIn(ranking, 'a').criteria[0]!.aggregate).toBeLessThan(0.4);
    expect(offerIn(ranking, 'a').eligible).toBe(true);
  });

  it('criterion values equal up to rounding do not break a tie', () => {
    const ranking = rank(
      competition({
        criteria: [likert()],
        tieBreak: { order: [{ by: 'criterion', criterion: 'quality' }], seed: 's' },
        offers: [offer('a'), offer('b')],
        scores: scoresFrom({
          a: { j1: { quality: 0.1 }, j2: { quality: 0.2 } },
          b: { j1: { quality: 0 }, j2: { quality: 0.3 } },
        }),
      }),
    );
    expect(ranking.tieGroups[0]!.steps.map((step) => step.by)).toEqual(['criterion', 'lot']);
  });

  it('jurors exactly the threshold apart do not need consensus', () => {
    const ranking = rank(
      competition({
        criteria: [likert()],
        aggregation: { spreadThreshold: 0.3 },
        offers: [offer('a')],
        scores: scoresFrom({ a: { j1: { quality: 0.2 }, j2: { quality: 0.5 } } }),
      }),
    );
    expect(offerIn(ranking, 'a').criteria[0]!.spread).toBeCloseTo(0.3, 12);
    expect(offerIn(ranking, 'a').flags.needsConsensus).toBe(false);
  });
});

describe('consensus scores', () => {
  const innovationAndTeam = [criterion('innovation', 50), criterion('team', 50)];

  it('each consensus score replaces its own offer and criterion, and is explained there', () => {
    const ranking = rank(
      competition({
        criteria: innovationAndTeam,
        offers: [offer('a'), offer('b')],
        scores: scoresFrom({
          a: { j1: { innovation: 4, team: 6 } },
          b: { j1: { innovation: 5, team: 3 } },
        }),
        consensus: [
          { offerId: 'a', criterion: 'innovation', score: 4, reason: 'as scored' },
          { offerId: 'b', criterion: 'team', score: 9, reason: 'agreed' },
        ],
      }),
    );
    expect(offerIn(ranking, 'b').criteria[1]!.consensus).toEqual({ score: 9, reason: 'agreed' });
    expect(offerIn(ranking, 'b').criteria.map((c) => [c.source, c.aggregate])).toEqual([
      ['mean', 5],
      ['consensus', 9],
    ]);
    expect(offerIn(ranking, 'a').criteria.map((c) => [c.source, c.aggregate])).toEqual([
      ['consensus', 4],
      ['mean', 6],
    ]);
  });

  it('a consensus score at the bottom of the scale counts', () => {
    const ranking = rank(
      competition({
        offers: [offer('a')],
        scores: scoresFrom({ a: { j1: { quality: 6 } } }),
        consensus: [{ offerId: 'a', criterion: 'quality', score: 0, reason: 'no evidence of a pilot' }],
      }),
    );
    expect(offerIn(ranking, 'a').criteria[0]).toMatchObject({ aggregate: 0, source: 'consensus' });
    expect(offerIn(ranking, 'a').qualityPoints).toBe(0);
  });
});

describe('the spread between jurors', () => {
  it('the spread is measured in points of the scale, not in steps', () => {
    const a = offerIn(
      rank(
        competition({
          criteria: [criterion('quality', 100, { scale: { min: 0, max: 5, step: 0.5 } })],
          aggregation: { spreadThreshold: 1.5 },
          offers: [offer('a')],
          scores: scoresFrom({ a: { j1: { quality: 1 }, j2: { quality: 3 } } }),
        }),
      ),
      'a',
    );
    expect(a.criteria[0]).toMatchObject({ spread: 2, needsConsensus: true });
  });

  it('jurors exactly the threshold apart on a scale in tenths do not need consensus, despite rounding', () => {
    // Positions 2 and 5 are 3 steps of 0.1 apart: 0.30000000000000004 in binary floating point.
    const ranking = rank(
      competition({
        criteria: [criterion('plan', 50), criterion('pilot', 50, { scale: { min: 0, max: 1, step: 0.1 } })],
        aggregation: { spreadThreshold: 0.3 },
        offers: [offer('a')],
        scores: scoresFrom({ a: { j1: { plan: 6, pilot: 0.2 }, j2: { plan: 6, pilot: 0.5 } } }),
      }),
    );
    const pilot = offerIn(ranking, 'a').criteria[1]!;
    expect(pilot.spread).toBeCloseTo(0.3, 12);
    expect(pilot.needsConsensus).toBe(false);
    expect(ranking.needsConsensus).toEqual([]);
  });
});

describe('juror normalisation over several criteria', () => {
  it('each criterion is normalised over the jurors who scored it, and a juror counts only where they scored', () => {
    // On plan, 'strict' gives 2, 4, 6 and 'lenient' 6, 7, 8 (see aggregation.test.ts).
    // On team, 'p' gives 3, 5, 7 and 'q' 4, 6, 8: pooled mean 5.5, pooled sd sqrt(8/3), and both jurors'
    // z-scores are -sqrt(3/2), 0, sqrt(3/2), which map to 5.5 -/+ 2.
    const ranking = rank(
      competition({
        criteria: [criterion('plan', 50), criterion('team', 50)],
        aggregation: { normaliseJurors: true },
        offers: [offer('x'), offer('y'), offer('z')],
        scores: scoresFrom({
          x: { strict: { plan: 2 }, lenient: { plan: 6 }, p: { team: 3 }, q: { team: 4 } },
          y: { strict: { plan: 4 }, lenient: { plan: 7 }, p: { team: 5 }, q: { team: 6 } },
          z: { strict: { plan: 6 }, lenient: { plan: 8 }, p: { team: 7 }, q: { team: 8 } },
        }),
      }),
    );
    const [plan, team] = ranking.normalisation!;
    expect(plan!.jurors.map((j) => j.jurorId)).toEqual(['lenient', 'strict']);
    expect(plan!.pooledSd).toBeCloseTo(Math.sqrt(5 / 3), 12);
    expect(team!.jurors.map((j) => [j.jurorId, j.offersScored, j.mean])).toEqual([
      ['p', 3, 5],
      ['q', 3, 6],
    ]);
    expect(team!.pooledMean).toBeCloseTo(5.5, 12);
    expect(team!.pooledSd).toBeCloseTo(Math.sqrt(8 / 3), 12);
    expect(['x', 'y', 'z'].map((id) => offerIn(ranking, id).criteria[1]!.aggregate)).toEqual([
      expect.closeTo(3.5, 12),
      expect.closeTo(5.5, 12),
      expect.closeTo(7.5, 12),
    ]);
    expect(offerIn(ranking, 'x').criteria[0]!.aggregate).toBeCloseTo(5.5 - Math.sqrt(2.5), 12);
  });

  it('on a half-point scale the normalisation works in points: statistics and scores are on the scale', () => {
    // The same jurors as in aggregation.test.ts on a 0-5 scale in halves: 'strict' gives 1, 2, 3 and
    // 'lenient' 3, 3.5, 4. In points the pooled mean is 2.75 and the pooled sd sqrt(5/3) / 2.
    const ranking = rank(
      competition({
        criteria: [criterion('quality', 100, { scale: { min: 0, max: 5, step: 0.5 } })],
        aggregation: { normaliseJurors: true },
        offers: [offer('x'), offer('y'), offer('z')],
        scores: scoresFrom({
          x: { strict: { quality: 1 }, lenient: { quality: 3 } },
          y: { strict: { quality: 2 }, lenient: { quality: 3.5 } },
          z: { strict: { quality: 3 }, lenient: { quality: 4 } },
        }),
      }),
    );
    const [stats] = ranking.normalisation!;
    expect(stats!.pooledMean).toBeCloseTo(2.75, 12);
    expect(stats!.pooledSd).toBeCloseTo(Math.sqrt(5 / 3) / 2, 12);
    expect(stats!.jurors.map((j) => [j.jurorId, j.mean])).toEqual([
      ['lenient', 3.5],
      ['strict', 2],
    ]);
    expect(stats!.jurors[1]!.sd).toBeCloseTo(Math.sqrt(8 / 3) / 2, 12);
    expect(offerIn(ranking, 'x').criteria[0]!.aggregate).toBeCloseTo(2.75 - Math.sqrt(2.5) / 2, 12);
  });

  it('a criterion only the chair scored, by consensus, publishes no jurors, no spread and finite numbers', () => {
    const ranking = rank(
      competition({
        criteria: [criterion('plan', 50), criterion('team', 50)],
        aggregation: { normaliseJurors: true },
        offers: [offer('x'), offer('y')],
        scores: scoresFrom({ x: { j1: { plan: 4 } }, y: { j1: { plan: 8 } } }),
        consensus: [
          { offerId: 'x', criterion: 'team', score: 6, reason: 'agreed' },
          { offerId: 'y', criterion: 'team', score: 7, reason: 'agreed' },
        ],
      }),
    );
    const team = ranking.normalisation![1]!;
    expect(team.criterion).toBe('team');
    expect(team.jurors).toEqual([]);
    expect(team.pooledSd).toBe(0);
    expect(Number.isFinite(team.pooledMean)).toBe(true);
  });
});

describe('linear to budget', () => {
  it('the total is the quality points plus the price points', () => {
    const ranking = rank(
      competition({
        criteria: [criterion('quality', 60)],
        price: { method: 'linear-to-budget', weight: 40, budget: 1000 },
        offers: [offer('mid', { price: 700 }), offer('low', { price: 400 })],
        scores: scoresFrom({ mid: { j1: { quality: 6 } }, low: { j1: { quality: 5 } } }),
      }),
    );
    expect(offerIn(ranking, 'low')).toMatchObject({ qualityPoints: 30, pricePoints: 40, total: 70 });
    expect(offerIn(ranking, 'mid')).toMatchObject({ qualityPoints: 36, pricePoints: 20, total: 56 });
    expect(orderOf(ranking)).toEqual(['low', 'mid']);
  });
});

describe('ties', () => {
  it('offers tied up to rounding go to the next step and to the lot in id order, not in rounding order', () => {
    // b's mean (0.1 + 0.2) / 2 is 0.15000000000000002, a hair above a's (0 + 0.3) / 2.
    const ranking = rank(
      competition({
        criteria: [criterion('quality', 100, { scale: { min: 0, max: 1, step: 0.1 } })],
        tieBreak: { order: [{ by: 'criterion', criterion: 'quality' }], seed: 's' },
        offers: [offer('a'), offer('b')],
        scores: scoresFrom({
          a: { j1: { quality: 0 }, j2: { quality: 0.3 } },
          b: { j1: { quality: 0.1 }, j2: { quality: 0.2 } },
        }),
      }),
    );
    expect(offerIn(ranking, 'b').total).toBeGreaterThan(offerIn(ranking, 'a').total);
    const [byCriterion, lot] = ranking.tieGroups[0]!.steps;
    expect(byCriterion).toMatchObject({ by: 'criterion', offerIds: ['a', 'b'] });
    expect(lot).toMatchObject({ by: 'lot', offerIds: ['a', 'b'] });
  });

  it('under price points equal totals are a tie, also when price weighs more than quality', () => {
    for (const price of [
      { method: 'relative', weight: 60 },
      { method: 'linear-to-budget', weight: 60, budget: 2000 },
    ] as const) {
      const ranking = rank(
        competition({
          criteria: [criterion('quality', 40)],
          price,
          offers: [offer('a', { price: 1000 }), offer('b', { price: 1000 })],
          scores: scoresFrom({ a: { j1: { quality: 7 } }, b: { j1: { quality: 7 } } }),
        }),
      );
      expect(ranking.tieGroups).toHaveLength(1);
      expect(ranking.tieGroups[0]).toMatchObject({ total: 88, offerIds: expect.arrayContaining(['a', 'b']) });
    }
  });

  it('prices equal up to rounding do not break a tie on the lower-price step', () => {
    const ranking = rank(
      competition({
        tieBreak: { order: [{ by: 'lower-price' }], seed: 's' },
        offers: [offer('a', { price: 0.1 + 0.2 }), offer('b', { price: 0.3 })],
        scores: scoresFrom({ a: { j1: { quality: 7 } }, b: { j1: { quality: 7 } } }),
      }),
    );
    expect(ranking.tieGroups[0]!.steps.map((step) => step.by)).toEqual(['lower-price', 'lot']);
    expect(offerIn(ranking, 'a').tieBrokenBy).toEqual({ by: 'lot' });
  });

  it('ineligible offers with equal totals form a tie group marked ineligible', () => {
    const ranking = rank(
      competition({
        criteria: [criterion('innovation', 50), criterion('team', 50, { minimum: 5 })],
        offers: [offer('x'), offer('y'), offer('good')],
        scores: scoresFrom({
          x: { j1: { innovation: 8, team: 4 } },
          y: { j1: { innovation: 8, team: 4 } },
          good: { j1: { innovation: 6, team: 6 } },
        }),
      }),
    );
    expect(orderOf(ranking)[0]).toBe('good');
    expect(ranking.tieGroups).toHaveLength(1);
    expect(ranking.tieGroups[0]).toMatchObject({ eligible: false, total: 60 });
  });
});

describe('what the ranking records per offer', () => {
  it('conflicted jurors are listed in id order, and an offer without conflicts lists none', () => {
    const ranking = rank(
      competition({
        offers: [offer('a'), offer('b')],
        scores: scoresFrom({ a: { j2: { quality: 6 } }, b: { j1: { quality: 7 } } }),
        exclusions: [
          { jurorId: 'j3', offerId: 'a' },
          { jurorId: 'j1', offerId: 'a' },
        ],
      }),
    );
    expect(offerIn(ranking, 'a').excludedJurors).toEqual(['j1', 'j3']);
    expect(offerIn(ranking, 'b').excludedJurors).toEqual([]);
  });

  it('a criterion on which an offer meets the minimum is not marked below it', () => {
    const ranking = rank(
      competition({
        criteria: [criterion('innovation', 50, { minimum: 5 }), criterion('team', 50, { minimum: 5 })],
        offers: [offer('a')],
        scores: scoresFrom({ a: { j1: { innovation: 7, team: 4 } } }),
      }),
    );
    expect(offerIn(ranking, 'a').criteria.map((c) => [c.criterion, c.belowMinimum])).toEqual([
      ['innovation', false],
      ['team', true],
    ]);
  });

  it('before any offer is in, a relative-price ranking is empty and names no lowest price', () => {
    const input: RankInputDraft = competition({
      criteria: [criterion('quality', 60)],
      price: { method: 'relative', weight: 40 },
    });
    const ranking = rank(input);
    expect(ranking.offers).toEqual([]);
    expect(ranking.lowestPrice).toBeUndefined();
  });
});

describe('the lot', () => {
  it('a draw that falls in the uneven top slice of the generator is redrawn, as the recorded algorithm says', () => {
    // Pinned: with this seed one of the 99 draws that shuffle 100 offers falls in the top slice that
    // modulo would favour (found by search). Taking it as it is would give offer-096 second place.
    const ids = Array.from({ length: 100 }, (_, i) => `offer-${String(i + 1).padStart(3, '0')}`);
    expect(drawLot('seed-1371482', ids).slice(0, 5)).toEqual([
      'offer-064',
      'offer-023',
      'offer-026',
      'offer-063',
      'offer-096',
    ]);
  });
});
