import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { rank, RankingSchema } from '../../../scoring/index.ts';
import { offerIn, orderOf } from './build.ts';

const example = JSON.parse(
  readFileSync(new URL('../../fixtures/rank-example.json', import.meta.url), 'utf8'),
);

describe('the example SBIR phase 1 gate', () => {
  const ranking = rank(example);

  it('ranks the six offers by their weighted quality points', () => {
    expect(orderOf(ranking)).toEqual(['o1', 'o2', 'o3', 'o6', 'o4', 'o5']);
    // o1: 30 x 26/30 + 25 x 23/30 + 25 x 25/30 + 10 x 23/30 + 10 x 22/30 = (780 + 575 + 625 + 230 + 220) / 30
    expect(offerIn(ranking, 'o1').total).toBeCloseTo(81, 12);
    expect(offerIn(ranking, 'o6').total).toBeCloseTo(66 + 1 / 3, 12);
    // o4 was scored by two jurors: j3 declared a conflict.
    expect(offerIn(ranking, 'o4')).toMatchObject({ total: 66.25, excludedJurors: ['j3'] });
    expect(offerIn(ranking, 'o4').criteria[0]!.jurorScores.map((s) => s.jurorId)).toEqual(['j1', 'j2']);
  });

  it('breaks the tie between o2 and o3 on innovation, the first published tie-break', () => {
    expect(offerIn(ranking, 'o2').total).toBeCloseTo(offerIn(ranking, 'o3').total, 12);
    expect(ranking.tieGroups).toHaveLength(1);
    expect(ranking.tieGroups[0]!.offerIds).toEqual(['o2', 'o3']);
    expect(offerIn(ranking, 'o3').tieBrokenBy).toEqual({ by: 'criterion', criterion: 'innovation' });
  });

  it('counts the consensus score on o6 innovation instead of the widely spread jurors', () => {
    const innovation = offerIn(ranking, 'o6').criteria[0]!;
    expect(innovation).toMatchObject({ aggregate: 7, source: 'consensus', spread: 4, needsConsensus: false });
    expect(ranking.needsConsensus).toEqual([]);
  });

  it('marks o5 ineligible for its feasibility score below the minimum of 5', () => {
    expect(offerIn(ranking, 'o5')).toMatchObject({ eligible: false, rank: 6 });
    expect(offerIn(ranking, 'o5').ineligibility.map((i) => [i.code, i.criterion])).toEqual([
      ['below-criterion-minimum', 'feasibility'],
    ]);
  });

  it('skips o6, which asks more than EUR 50,000, and selects o4 in its place', () => {
    expect(offerIn(ranking, 'o6').selection.code).toBe('over-per-offer-maximum');
    expect(ranking.selection).toMatchObject({
      selectedOfferIds: ['o1', 'o2', 'o3', 'o4'],
      budgetUsed: 198_000,
      budgetLeft: 52_000,
    });
  });

  it('the ranking matches its published schema', () => {
    expect(() => RankingSchema.parse(ranking)).not.toThrow();
  });
});
