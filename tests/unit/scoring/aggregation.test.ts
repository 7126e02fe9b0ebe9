import { describe, expect, it } from 'vitest';
import { rank } from '../../../scoring/index.ts';
import { competition, criterion, offer, offerIn, scoresFrom } from './build.ts';

describe('aggregation across jurors', () => {
  it("the mean of the jurors' scores is the aggregate by default", () => {
    const ranking = rank(
      competition({
        offers: [offer('a')],
        scores: scoresFrom({ a: { j1: { quality: 6 }, j2: { quality: 7 }, j3: { quality: 9 } } }),
      }),
    );
    const result = offerIn(ranking, 'a').criteria[0]!;
    expect(result.aggregate).toBeCloseTo(22 / 3, 12);
    expect(result.source).toBe('mean');
    expect(offerIn(ranking, 'a').qualityPoints).toBeCloseTo(100 * (22 / 3 / 10), 12);
  });

  it("the median takes the middle juror's score, and the mean of the middle two for an even panel", () => {
    const ranking = rank(
      competition({
        aggregation: { method: 'median' },
        offers: [offer('odd'), offer('even')],
        scores: scoresFrom({
          odd: { j1: { quality: 3 }, j2: { quality: 8 }, j3: { quality: 7 } },
          even: { j1: { quality: 9 }, j2: { quality: 4 }, j3: { quality: 7 }, j4: { quality: 6 } },
        }),
      }),
    );
    expect(offerIn(ranking, 'odd').criteria[0]).toMatchObject({ aggregate: 7, source: 'median' });
    expect(offerIn(ranking, 'even').criteria[0]).toMatchObject({ aggregate: 6.5, source: 'median' });
  });

  it("a consensus score replaces the jurors' scores for that offer and criterion only", () => {
    const ranking = rank(
      competition({
        criteria: [criterion('innovation', 50), criterion('team', 50)],
        offers: [offer('a')],
        scores: scoresFrom({
          a: { j1: { innovation: 4, team: 6 }, j2: { innovation: 9, team: 8 } },
        }),
        consensus: [{ offerId: 'a', criterion: 'innovation', score: 6, reason: 'agreed in the meeting' }],
      }),
    );
    const [innovation, team] = offerIn(ranking, 'a').criteria;
    expect(innovation).toMatchObject({
      aggregate: 6,
      source: 'consensus',
      consensus: { score: 6, reason: 'agreed in the meeting' },
    });
    // The jurors' own scores stay in the explanation, so the award letter can show what was replaced.
    expect(innovation!.jurorScores.map((s) => s.raw)).toEqual([4, 9]);
    expect(team).toMatchObject({ aggregate: 7, source: 'mean' });
    expect(offerIn(ranking, 'a').qualityPoints).toBeCloseTo(50 * 0.6 + 50 * 0.7, 12);
  });

  it('a consensus score stands on its own when no juror scored the offer on that criterion', () => {
    const ranking = rank(
      competition({
        offers: [offer('a')],
        consensus: [{ offerId: 'a', criterion: 'quality', score: 5, reason: 'scored by the chair' }],
      }),
    );
    expect(offerIn(ranking, 'a').criteria[0]).toMatchObject({ aggregate: 5, source: 'consensus' });
    expect(offerIn(ranking, 'a').criteria[0]!.spread).toBeUndefined();
  });

  it('a juror who did not score an offer is fine as long as another juror did', () => {
    const ranking = rank(
      competition({
        offers: [offer('a'), offer('b')],
        scores: scoresFrom({ a: { j1: { quality: 6 }, j2: { quality: 8 } }, b: { j1: { quality: 5 } } }),
      }),
    );
    expect(offerIn(ranking, 'b').criteria[0]).toMatchObject({ aggregate: 5 });
    expect(offerIn(ranking, 'b').criteria[0]!.jurorScores.map((s) => s.jurorId)).toEqual(['j1']);
  });

  it('each juror score is explained with its reason, in juror order', () => {
    const ranking = rank(
      competition({
        offers: [offer('a')],
        scores: [
          { offerId: 'a', jurorId: 'zoe', criterion: 'quality', score: 8, reason: 'strong pilot plan' },
          { offerId: 'a', jurorId: 'ann', criterion: 'quality', score: 6, reason: 'thin market analysis' },
        ],
      }),
    );
    expect(offerIn(ranking, 'a').criteria[0]!.jurorScores).toEqual([
      { jurorId: 'ann', raw: 6, reason: 'thin market analysis' },
      { jurorId: 'zoe', raw: 8, reason: 'strong pilot plan' },
    ]);
  });
});

describe('juror normalisation', () => {
  // Juror 'strict' gives 2, 4, 6 (mean 4, sd sqrt(8/3)); juror 'lenient' gives 6, 7, 8 (mean 7, sd sqrt(2/3)).
  // Pooled mean (12 + 21) / 6 = 5.5; pooled within-juror variance (8 + 2) / 6, so sd sqrt(5/3).
  // Both jurors' z-scores are -sqrt(3/2), 0, +sqrt(3/2), so both map to 5.5 -/+ sqrt(3/2 x 5/3) = 5.5 -/+ sqrt(2.5).
  const strictAndLenient = competition({
    aggregation: { normaliseJurors: true },
    offers: [offer('x'), offer('y'), offer('z')],
    scores: scoresFrom({
      x: { strict: { quality: 2 }, lenient: { quality: 6 } },
      y: { strict: { quality: 4 }, lenient: { quality: 7 } },
      z: { strict: { quality: 6 }, lenient: { quality: 8 } },
    }),
  });

  it('normalisation puts a strict and a lenient juror on one footing', () => {
    const ranking = rank(strictAndLenient);
    const x = offerIn(ranking, 'x').criteria[0]!;
    expect(x.jurorScores.map((s) => s.raw)).toEqual([6, 2]);
    for (const score of x.jurorScores) expect(score.normalised).toBeCloseTo(5.5 - Math.sqrt(2.5), 12);
    expect(x.aggregate).toBeCloseTo(5.5 - Math.sqrt(2.5), 12);
    expect(offerIn(ranking, 'y').criteria[0]!.aggregate).toBeCloseTo(5.5, 12);
    expect(offerIn(ranking, 'z').criteria[0]!.aggregate).toBeCloseTo(5.5 + Math.sqrt(2.5), 12);
  });

  it('the normalisation statistics are published with the ranking', () => {
    const ranking = rank(strictAndLenient);
    expect(ranking.normalisation).toHaveLength(1);
    const [stats] = ranking.normalisation!;
    expect(stats!.pooledMean).toBeCloseTo(5.5, 12);
    expect(stats!.pooledSd).toBeCloseTo(Math.sqrt(5 / 3), 12);
    expect(stats!.jurors.map((j) => [j.jurorId, j.mean, j.keptRaw])).toEqual([
      ['lenient', 7, false],
      ['strict', 4, false],
    ]);
    expect(stats!.jurors[1]!.sd).toBeCloseTo(Math.sqrt(8 / 3), 12);
  });

  it('a juror who gave every offer the same score keeps the raw scores', () => {
    const ranking = rank(
      competition({
        aggregation: { normaliseJurors: true },
        offers: [offer('x'), offer('y')],
        scores: scoresFrom({
          x: { flat: { quality: 5 }, other: { quality: 3 } },
          y: { flat: { quality: 5 }, other: { quality: 9 } },
        }),
      }),
    );
    for (const id of ['x', 'y']) {
      const flat = offerIn(ranking, id).criteria[0]!.jurorScores.find((s) => s.jurorId === 'flat')!;
      expect(flat.normalised).toBe(5);
    }
    expect(ranking.normalisation![0]!.jurors.find((j) => j.jurorId === 'flat')!.keptRaw).toBe(true);
  });

  it('a normalised score is clamped to the scale', () => {
    // 'a' gives 0, 0, 0, 10 (mean 2.5); 'b' gives 10, 10, 10, 0 (mean 7.5); both have variance 18.75,
    // so the pooled mean is 5 and the pooled sd sqrt(18.75). a's 10 has z = sqrt(3) and maps to 12.5.
    const ranking = rank(
      competition({
        aggregation: { normaliseJurors: true },
        offers: [offer('p'), offer('q'), offer('r'), offer('s')],
        scores: scoresFrom({
          p: { a: { quality: 0 }, b: { quality: 10 } },
          q: { a: { quality: 0 }, b: { quality: 10 } },
          r: { a: { quality: 0 }, b: { quality: 10 } },
          s: { a: { quality: 10 }, b: { quality: 0 } },
        }),
      }),
    );
    const s = offerIn(ranking, 's').criteria[0]!.jurorScores;
    expect(s.find((x) => x.jurorId === 'a')!.normalised).toBe(10);
    expect(s.find((x) => x.jurorId === 'b')!.normalised).toBe(0);
    const p = offerIn(ranking, 'p').criteria[0]!.jurorScores;
    expect(p.find((x) => x.jurorId === 'a')!.normalised).toBeCloseTo(2.5, 12);
    expect(p.find((x) => x.jurorId === 'b')!.normalised).toBeCloseTo(7.5, 12);
  });

  it('a consensus score is the chair’s and is not normalised', () => {
    const ranking = rank(
      competition({
        aggregation: { normaliseJurors: true },
        offers: [offer('x'), offer('y')],
        scores: scoresFrom({ x: { j1: { quality: 2 } }, y: { j1: { quality: 8 } } }),
        consensus: [{ offerId: 'x', criterion: 'quality', score: 4, reason: 'agreed' }],
      }),
    );
    expect(offerIn(ranking, 'x').criteria[0]).toMatchObject({ aggregate: 4, source: 'consensus' });
  });
});

describe('the spread flag', () => {
  const spread = (low: number, high: number, withConsensus = false) =>
    offerIn(
      rank(
        competition({
          aggregation: { spreadThreshold: 3 },
          offers: [offer('a')],
          scores: scoresFrom({ a: { j1: { quality: low }, j2: { quality: high } } }),
          consensus: withConsensus
            ? [{ offerId: 'a', criterion: 'quality', score: 5, reason: 'agreed' }]
            : [],
        }),
      ),
      'a',
    );

  it('jurors further apart than the threshold flag the offer as needing consensus', () => {
    const a = spread(3, 7);
    expect(a.criteria[0]).toMatchObject({ spread: 4, needsConsensus: true });
    expect(a.flags.needsConsensus).toBe(true);
  });

  it('jurors exactly the threshold apart do not need consensus', () => {
    expect(spread(4, 7).flags.needsConsensus).toBe(false);
  });

  it('a consensus score settles a wide spread', () => {
    const a = spread(1, 9, true);
    expect(a.criteria[0]).toMatchObject({ spread: 8, needsConsensus: false });
    expect(a.flags.needsConsensus).toBe(false);
  });

  it('the ranking lists every offer and criterion that needs consensus', () => {
    const ranking = rank(
      competition({
        aggregation: { spreadThreshold: 2 },
        offers: [offer('a'), offer('b')],
        scores: scoresFrom({
          a: { j1: { quality: 2 }, j2: { quality: 8 } },
          b: { j1: { quality: 6 }, j2: { quality: 7 } },
        }),
      }),
    );
    expect(ranking.needsConsensus).toEqual([{ offerId: 'a', criterion: 'quality', spread: 6 }]);
  });
});
