import { describe, expect, it } from 'vitest';
import { rank } from '../../../scoring/index.ts';
import { competition, criterion, offer, offerIn, orderOf, scoresFrom } from './build.ts';

describe('thresholds', () => {
  const twoCriteria = [criterion('innovation', 50, { minimum: 5 }), criterion('team', 50, { minimum: 5 })];

  it('an offer below the minimum on one criterion is ranked but not selected', () => {
    const ranking = rank(
      competition({
        criteria: twoCriteria,
        offers: [offer('brilliant-but-thin'), offer('solid')],
        scores: scoresFrom({
          'brilliant-but-thin': { j1: { innovation: 10, team: 4 }, j2: { innovation: 10, team: 5 } },
          solid: { j1: { innovation: 6, team: 6 }, j2: { innovation: 6, team: 6 } },
        }),
      }),
    );
    const thin = offerIn(ranking, 'brilliant-but-thin');
    expect(thin.qualityPoints).toBe(72.5);
    expect(thin.eligible).toBe(false);
    expect(thin.ineligibility).toEqual([
      {
        code: 'below-criterion-minimum',
        criterion: 'team',
        message: 'the score 4.5 on team is below the minimum of 5',
      },
    ]);
    expect(thin.criteria[1]!.belowMinimum).toBe(true);
    expect(thin.selection).toMatchObject({ selected: false, code: 'ineligible' });
    expect(ranking.selection.selectedOfferIds).toEqual(['solid']);
  });

  it('an aggregate exactly at the minimum passes', () => {
    const ranking = rank(
      competition({
        criteria: [criterion('quality', 100, { minimum: 0.2, scale: { min: 0, max: 1, step: 0.1 } })],
        offers: [offer('a')],
        // In binary floating point (0 + 0.1 + 0.5) / 3 is 0.19999999999999998, a rounding error below 0.2.
        scores: scoresFrom({ a: { j1: { quality: 0 }, j2: { quality: 0.1 }, j3: { quality: 0.5 } } }),
      }),
    );
    expect(offerIn(ranking, 'a').criteria[0]!.aggregate).toBeLessThan(0.2);
    expect(offerIn(ranking, 'a').eligible).toBe(true);
  });

  it('an offer below the overall minimum is ineligible with the reason stated', () => {
    const ranking = rank(
      competition({
        criteria: twoCriteria,
        gate: { awardSlots: 5, phaseBudget: 100_000, maxPerOffer: 50_000, overallMinimum: 60 },
        offers: [offer('a')],
        scores: scoresFrom({ a: { j1: { innovation: 6, team: 5 } } }),
      }),
    );
    expect(ranking.overallMinimumPoints).toBe(60);
    expect(offerIn(ranking, 'a')).toMatchObject({ qualityPoints: 55, eligible: false });
    expect(offerIn(ranking, 'a').ineligibility).toEqual([
      {
        code: 'below-overall-minimum',
        message: 'the quality points 55 are below the overall minimum of 60 (60% of 100)',
      },
    ]);
  });

  it('the overall minimum is a share of the maximum quality points, not of the total with price', () => {
    const ranking = rank(
      competition({
        criteria: [criterion('quality', 60)],
        price: { method: 'relative', weight: 40 },
        gate: { awardSlots: 5, phaseBudget: 100_000, maxPerOffer: 50_000, overallMinimum: 50 },
        offers: [offer('a', { price: 100 }), offer('b', { price: 100 })],
        scores: scoresFrom({ a: { j1: { quality: 5 } }, b: { j1: { quality: 4 } } }),
      }),
    );
    expect(ranking.maximumQualityPoints).toBe(60);
    expect(ranking.overallMinimumPoints).toBe(30);
    expect(offerIn(ranking, 'a').eligible).toBe(true);
    expect(offerIn(ranking, 'b').eligible).toBe(false);
  });

  it('ineligible offers are ranked after every eligible offer', () => {
    const ranking = rank(
      competition({
        criteria: twoCriteria,
        offers: [offer('high-but-ineligible'), offer('low'), offer('lower')],
        scores: scoresFrom({
          'high-but-ineligible': { j1: { innovation: 10, team: 4 } },
          low: { j1: { innovation: 6, team: 6 } },
          lower: { j1: { innovation: 5, team: 5 } },
        }),
      }),
    );
    expect(orderOf(ranking)).toEqual(['low', 'lower', 'high-but-ineligible']);
    expect(ranking.offers.map((o) => o.rank)).toEqual([1, 2, 3]);
  });

  it('an offer can miss several thresholds and every one is listed', () => {
    const ranking = rank(
      competition({
        criteria: twoCriteria,
        gate: { awardSlots: 5, phaseBudget: 100_000, maxPerOffer: 50_000, overallMinimum: 60 },
        offers: [offer('a')],
        scores: scoresFrom({ a: { j1: { innovation: 4, team: 3 } } }),
      }),
    );
    expect(offerIn(ranking, 'a').ineligibility.map((i) => [i.code, i.criterion])).toEqual([
      ['below-criterion-minimum', 'innovation'],
      ['below-criterion-minimum', 'team'],
      ['below-overall-minimum', undefined],
    ]);
  });
});
