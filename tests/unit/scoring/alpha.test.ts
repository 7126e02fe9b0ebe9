import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { agreementOf, intervalAlpha, readingOf } from '../../../scoring/alpha.ts';

const _ = null;

/** A reliability data matrix (one row per juror, one column per offer) turned into units, one per offer. */
const unitsOf = (matrix: readonly (readonly (number | null)[])[]) =>
  matrix[0]!.map((_value, unit) => matrix.map((row) => row[unit]!));

describe("Krippendorff's alpha, interval metric: textbook examples", () => {
  it('matches the published alpha of .849 for four observers, twelve units and missing values', () => {
    // Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Annenberg School for
    // Communication, University of Pennsylvania, https://repository.upenn.edu/asc_papers/43 ,
    // example C ("any number of observers, missing data"), whose interval alpha is .849 (nominal
    // .743). The same matrix is the test data of pln-fing-udelar/fast-krippendorff
    // (tests/test_krippendorff.py), which gets ordinal .815 and ratio .797 from it as the paper does.
    const observers = [
      [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
      [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
      [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
      [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
    ];
    const figures = intervalAlpha(unitsOf(observers));
    expect(figures.alpha).toBeCloseTo(0.849, 3);
    // Unit 12 has one value and does not count: 11 units, 40 pairable values (n.. in the paper).
    expect(figures).toMatchObject({ pairableOffers: 11, pairableValues: 40 });
  });

  it('matches the interval alpha 0.810845 of the three-coder example with many gaps', () => {
    // The computational example of the Wikipedia article "Krippendorff's alpha" (after Krippendorff
    // 2011); fast-krippendorff's test_interval_metric asserts 0.810845 for it.
    const coders = [
      [_, _, _, _, _, 3, 4, 1, 2, 1, 1, 3, 3, _, 3],
      [1, _, 2, 1, 3, 3, 4, 3, _, _, _, _, _, _, _],
      [_, _, 2, 1, 3, 4, 4, _, 2, 1, 1, 3, 3, _, 4],
    ];
    expect(intervalAlpha(unitsOf(coders)).alpha).toBeCloseTo(0.810845, 6);
  });

  it('gives 5/6 for two jurors on three offers, worked by hand', () => {
    // Offers (1, 2), (3, 3), (5, 4): n = 6, mean 3.
    // D_o = 1/6 x (2 x 2 x 0.5 + 0 + 2 x 2 x 0.5) = 2/3; D_e = 2 x (4+1+0+0+4+1) / 5 = 4.
    const figures = intervalAlpha([
      [1, 2],
      [3, 3],
      [5, 4],
    ]);
    expect(figures.observedDisagreement).toBeCloseTo(2 / 3, 12);
    expect(figures.expectedDisagreement).toBeCloseTo(4, 12);
    expect(figures.alpha).toBeCloseTo(5 / 6, 12);
  });

  it('an offer one juror scored alone (the others declared a conflict) does not count', () => {
    const withLoneScore = intervalAlpha([[1, 2], [3, 3], [5, 4], [9]]);
    expect(withLoneScore).toEqual(
      intervalAlpha([
        [1, 2],
        [3, 3],
        [5, 4],
      ]),
    );
  });
});

describe('alpha where it is undefined', () => {
  it('is null when no offer has two scores to compare', () => {
    expect(intervalAlpha([[4], [_, 6], []])).toMatchObject({
      alpha: null,
      undefinedBecause: 'too-few-pairable-values',
      pairableValues: 0,
    });
    expect(intervalAlpha([])).toMatchObject({ alpha: null, undefinedBecause: 'too-few-pairable-values' });
  });

  it('is null when every pairable score is the same, as there is no variation to judge agreement by', () => {
    expect(intervalAlpha([[7, 7], [7, 7, 7], [3]])).toMatchObject({
      alpha: null,
      undefinedBecause: 'no-variation',
      pairableValues: 5,
    });
  });

  it('an undefined alpha is read as undefined, with its reason, and not flagged', () => {
    const agreement = agreementOf(intervalAlpha([[7, 7]]));
    expect(agreement).toMatchObject({ alpha: null, reading: 'undefined', flagged: false });
    expect(agreement.message).toContain('cannot be told from chance');
  });
});

describe("Krippendorff's reading of alpha (2004)", () => {
  it('is reliable from .800, tentative from .667, and flagged below .667', () => {
    expect(readingOf(0.8)).toBe('reliable');
    expect(readingOf(0.7999)).toBe('tentative');
    expect(readingOf(0.667)).toBe('tentative');
    expect(readingOf(0.6669)).toBe('unreliable');
    const flagged = agreementOf(
      intervalAlpha([
        [1, 9],
        [9, 1],
        [5, 5],
      ]),
    );
    expect(flagged.flagged).toBe(true);
    expect(flagged.message).toContain('the jury does not agree well enough to draw conclusions');
    expect(
      agreementOf(
        intervalAlpha([
          [1, 1],
          [5, 5],
        ]),
      ).flagged,
    ).toBe(false);
  });
});

/** Offers (units) with two to seven jurors' scores on 0-10, some missing (a declared conflict). */
const arbitraryUnits = fc.array(
  fc.array(fc.option(fc.integer({ min: 0, max: 10 }), { nil: null, freq: 6 }), {
    minLength: 2,
    maxLength: 7,
  }),
  { minLength: 1, maxLength: 12 },
);

const shuffled = <T>(items: readonly T[]) => fc.shuffledSubarray([...items], { minLength: items.length });

describe('properties of alpha', () => {
  it('is exactly 1 when all jurors agree on every offer and the offers differ', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            score: fc.double({ min: -100, max: 100, noNaN: true }),
            jurors: fc.integer({ min: 1, max: 7 }),
          }),
          { minLength: 2, maxLength: 12 },
        ),
        (offers) => {
          const units = offers.map(({ score, jurors }) => Array<number>(jurors).fill(score));
          const figures = intervalAlpha(units);
          fc.pre(figures.undefinedBecause === undefined);
          expect(figures.alpha).toBe(1);
        },
      ),
    );
  });

  it('does not depend on the order of the offers or of the jurors within an offer', () => {
    fc.assert(
      fc.property(
        arbitraryUnits.chain((units) =>
          fc.tuple(
            fc.constant(units),
            fc.tuple(...units.map((values) => shuffled(values))).chain((inner) => shuffled(inner)),
          ),
        ),
        ([units, reordered]) => {
          const before = intervalAlpha(units);
          const after = intervalAlpha(reordered);
          expect(after.undefinedBecause).toBe(before.undefinedBecause);
          if (before.alpha === null) return;
          expect(after.alpha).toBeCloseTo(before.alpha, 12);
        },
      ),
    );
  });

  it('lies in (-1, 1] whenever it is defined', () => {
    fc.assert(
      fc.property(arbitraryUnits, (units) => {
        const { alpha } = intervalAlpha(units);
        if (alpha === null) return;
        expect(alpha).toBeGreaterThan(-1);
        expect(alpha).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('reaches its lowest values when every offer gets the same spread of scores', () => {
    // Two jurors, each offer scored 0 and 10: the most disagreement two jurors can show, just above -1.
    const figures = intervalAlpha(Array.from({ length: 50 }, () => [0, 10]));
    expect(figures.alpha).toBeCloseTo(1 - (2 * 99) / 100, 12);
  });
});
