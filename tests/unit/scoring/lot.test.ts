import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drawLot, ScoringError } from '../../../scoring/index.ts';

/** Pearson's chi-square statistic of observed counts against equal expected counts. */
function chiSquare(counts: number[]): number {
  const total = counts.reduce((sum, n) => sum + n, 0);
  const expected = total / counts.length;
  return counts.reduce((sum, n) => sum + (n - expected) ** 2 / expected, 0);
}

describe('the lot', () => {
  it('a recorded lot can be redrawn years later: the algorithm gives a fixed draw for a seed', () => {
    // Pinned: if this changes, lots recorded in past rankings can no longer be redrawn.
    expect(drawLot('sbir-water-2025-phase-1', ['o1', 'o2', 'o3', 'o4', 'o5'])).toEqual([
      'o3',
      'o5',
      'o4',
      'o1',
      'o2',
    ]);
  });

  it('the same seed gives the same lot', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.uniqueArray(fc.string(), { minLength: 1, maxLength: 8 }),
        (seed, ids) => {
          expect(drawLot(seed, ids)).toEqual(drawLot(seed, ids));
        },
      ),
    );
  });

  it('the lot does not depend on the order the tied offers are listed in', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc
          .uniqueArray(fc.string(), { minLength: 1, maxLength: 8 })
          .chain((ids) => fc.tuple(fc.constant(ids), fc.shuffledSubarray(ids, { minLength: ids.length }))),
        (seed, [ids, shuffled]) => {
          expect(drawLot(seed, shuffled)).toEqual(drawLot(seed, ids));
        },
      ),
    );
  });

  it('the lot is an order of exactly the tied offers', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.uniqueArray(fc.string(), { maxLength: 10 }),
        (seed, ids) => {
          expect([...drawLot(seed, ids)].sort()).toEqual([...ids].sort());
        },
      ),
    );
  });

  it('an offer cannot be in one lot twice', () => {
    expect(() => drawLot('seed', ['a', 'b', 'a'])).toThrow(ScoringError);
  });

  it('over many seeds each of four tied offers wins first place about equally often', () => {
    const ids = ['alpha', 'bravo', 'charlie', 'delta'];
    const wins = [0, 0, 0, 0];
    for (let i = 0; i < 3000; i++) wins[ids.indexOf(drawLot(`competition-${i}`, ids)[0]!)]!++;
    // 16.27 is the chi-square critical value for 3 degrees of freedom at p = 0.001.
    expect(chiSquare(wins)).toBeLessThan(16.27);
  });

  it('over many seeds every order of three tied offers is drawn about equally often', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 3000; i++) {
      const order = drawLot(`gate-${i}`, ['x', 'y', 'z']).join('');
      counts.set(order, (counts.get(order) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    // 20.52 is the chi-square critical value for 5 degrees of freedom at p = 0.001.
    expect(chiSquare([...counts.values()])).toBeLessThan(20.52);
  });

  it('the draw depends on the seed', () => {
    const ids = ['a', 'b', 'c', 'd', 'e', 'f'];
    const draws = new Set(Array.from({ length: 20 }, (_, i) => drawLot(`seed-${i}`, ids).join()));
    expect(draws.size).toBeGreaterThan(15);
  });
});
