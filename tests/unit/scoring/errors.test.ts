import { describe, expect, it } from 'vitest';
import type { RankInputDraft } from '../../../domain/scoring.ts';
import { rank, ScoringError } from '../../../scoring/index.ts';
import { competition, criterion, offer, scoresFrom, scoringErrorOf } from './build.ts';

const twoOffers = (parts: Partial<RankInputDraft> = {}): RankInputDraft =>
  competition({
    offers: [offer('a', { price: 100 }), offer('b', { price: 200 })],
    scores: scoresFrom({ a: { j1: { quality: 7 } }, b: { j1: { quality: 6 } } }),
    ...parts,
  });

const withScore = (score: Partial<RankInputDraft['scores'][number]>) => {
  const input = twoOffers();
  return {
    ...input,
    scores: [
      ...input.scores,
      { offerId: 'a', jurorId: 'j2', criterion: 'quality', score: 5, reason: 'r', ...score },
    ],
  };
};

describe('refusing to rank', () => {
  it('input that does not match the schema is refused as invalid input', () => {
    const error = scoringErrorOf(() =>
      rank({ ...twoOffers(), offers: [{ offerId: 'a' }] } as unknown as RankInputDraft),
    );
    expect(error.code).toBe('invalid-input');
    expect(error.message).toContain('offers[0].company');
  });

  it('a score without a written reason is refused', () => {
    const error = scoringErrorOf(() => rank(withScore({ reason: '   ' })));
    expect(error.code).toBe('invalid-input');
    expect(error.message).toContain('a score needs a written reason');
  });

  it('an offer listed twice is refused', () => {
    const error = scoringErrorOf(() => rank(twoOffers({ offers: [offer('a'), offer('a')] })));
    expect(error).toMatchObject({ code: 'duplicate-offer', subject: { offerId: 'a' } });
  });

  it('a criterion defined twice is refused', () => {
    const error = scoringErrorOf(() =>
      rank(twoOffers({ criteria: [criterion('quality', 50), criterion('quality', 50)] })),
    );
    expect(error).toMatchObject({ code: 'duplicate-criterion', subject: { criterion: 'quality' } });
  });

  it('a score for an offer not in the competition is refused', () => {
    const error = scoringErrorOf(() => rank(withScore({ offerId: 'ghost' })));
    expect(error).toMatchObject({ code: 'unknown-offer', subject: { offerId: 'ghost', jurorId: 'j2' } });
    expect(error.message).toBe('juror j2 scored offer ghost, which is not in the competition');
  });

  it('a consensus score or a conflict for an offer not in the competition is refused', () => {
    const consensus = scoringErrorOf(() =>
      rank(twoOffers({ consensus: [{ offerId: 'ghost', criterion: 'quality', score: 5, reason: 'r' }] })),
    );
    expect(consensus).toMatchObject({ code: 'unknown-offer', subject: { offerId: 'ghost' } });
    const conflict = scoringErrorOf(() =>
      rank(twoOffers({ exclusions: [{ jurorId: 'j1', offerId: 'ghost' }] })),
    );
    expect(conflict).toMatchObject({ code: 'unknown-offer', subject: { offerId: 'ghost', jurorId: 'j1' } });
  });

  it('a score on a criterion the competition does not have is refused', () => {
    const error = scoringErrorOf(() => rank(withScore({ criterion: 'charisma' })));
    expect(error).toMatchObject({
      code: 'unknown-criterion',
      subject: { criterion: 'charisma', offerId: 'a' },
    });
  });

  it('a tie-break on a criterion the competition does not have is refused', () => {
    const error = scoringErrorOf(() =>
      rank(twoOffers({ tieBreak: { order: [{ by: 'criterion', criterion: 'charisma' }], seed: 's' } })),
    );
    expect(error).toMatchObject({ code: 'unknown-criterion', subject: { criterion: 'charisma' } });
  });

  it('a score outside the scale is refused', () => {
    for (const score of [-1, 10.5, 11]) {
      const error = scoringErrorOf(() => rank(withScore({ score })));
      expect(error.code).toBe('off-scale');
      expect(error.message).toContain(`juror j2's score for offer a on criterion quality is ${score}`);
    }
  });

  it('a score between the steps of the scale is refused', () => {
    const error = scoringErrorOf(() => rank(withScore({ score: 6.5 })));
    expect(error).toMatchObject({
      code: 'off-step',
      subject: { offerId: 'a', jurorId: 'j2', criterion: 'quality' },
    });
  });

  it('scores on half-point and tenth-point scales are on their steps despite binary rounding', () => {
    const halves = twoOffers({
      criteria: [criterion('quality', 100, { scale: { min: 0, max: 5, step: 0.5 } })],
    });
    expect(() =>
      rank({ ...halves, scores: scoresFrom({ a: { j1: { quality: 3.5 } }, b: { j1: { quality: 0.5 } } }) }),
    ).not.toThrow();
    const tenths = twoOffers({
      criteria: [criterion('quality', 100, { scale: { min: 0, max: 1, step: 0.1 } })],
    });
    expect(() =>
      rank({ ...tenths, scores: scoresFrom({ a: { j1: { quality: 0.3 } }, b: { j1: { quality: 0.7 } } }) }),
    ).not.toThrow();
    expect(
      scoringErrorOf(() => rank({ ...tenths, scores: scoresFrom({ a: { j1: { quality: 0.35 } } }) })).code,
    ).toBe('off-step');
  });

  it('a consensus score off the scale or between steps is refused', () => {
    const off = (score: number) =>
      scoringErrorOf(() =>
        rank(twoOffers({ consensus: [{ offerId: 'a', criterion: 'quality', score, reason: 'r' }] })),
      );
    expect(off(12).code).toBe('off-scale');
    expect(off(2.5).code).toBe('off-step');
  });

  it('criteria weights must add up to 100', () => {
    const error = scoringErrorOf(() =>
      rank(twoOffers({ criteria: [criterion('quality', 60), criterion('team', 30)] })),
    );
    expect(error.code).toBe('weights-do-not-add-up');
    expect(error.message).toBe('the weights add up to 90, not 100 (quality 60 + team 30)');
  });

  it('criteria and price weights together must add up to 100 when price earns points', () => {
    const error = scoringErrorOf(() => rank(twoOffers({ price: { method: 'relative', weight: 40 } })));
    expect(error.code).toBe('weights-do-not-add-up');
    expect(error.message).toContain('price 40');
    expect(() =>
      rank(
        twoOffers({
          criteria: [criterion('quality', 60)],
          price: { method: 'linear-to-budget', weight: 40, budget: 500 },
        }),
      ),
    ).not.toThrow();
  });

  it('a juror excluded for a conflict cannot have a score counted', () => {
    const error = scoringErrorOf(() => rank(twoOffers({ exclusions: [{ jurorId: 'j1', offerId: 'b' }] })));
    expect(error).toMatchObject({ code: 'excluded-juror-scored', subject: { offerId: 'b', jurorId: 'j1' } });
    expect(error.message).toContain('declared a conflict of interest for offer b');
  });

  it('an offer that nobody scored on a criterion is refused rather than given zero', () => {
    const input = twoOffers({ criteria: [criterion('quality', 50), criterion('team', 50)] });
    const error = scoringErrorOf(() => rank(input));
    expect(error).toMatchObject({ code: 'missing-score', subject: { offerId: 'a', criterion: 'team' } });
  });

  it('an offer whose only juror had a conflict has no score and is refused', () => {
    const input = twoOffers({ scores: scoresFrom({ a: { j1: { quality: 7 } }, b: { j2: { quality: 6 } } }) });
    expect(() => rank(input)).not.toThrow();
    const error = scoringErrorOf(() =>
      rank({
        ...input,
        scores: scoresFrom({ a: { j1: { quality: 7 } } }),
        exclusions: [{ jurorId: 'j1', offerId: 'b' }],
      }),
    );
    expect(error).toMatchObject({ code: 'missing-score', subject: { offerId: 'b' } });
  });

  it('a price method that scores price needs every offer to have a price', () => {
    for (const price of [
      { method: 'relative', weight: 40 },
      { method: 'value-for-money', euroPerQualityPoint: 100 },
      { method: 'fixed-price', maximumPrice: 1000 },
      { method: 'quality-price-ratio' },
    ] as const) {
      const weight = 'weight' in price ? 60 : 100;
      const error = scoringErrorOf(() =>
        rank(
          twoOffers({
            price,
            criteria: [criterion('quality', weight)],
            offers: [offer('a', { price: 10 }), offer('b')],
          }),
        ),
      );
      expect(error).toMatchObject({ code: 'missing-price', subject: { offerId: 'b' } });
    }
  });

  it('a lower-price tie-break needs every offer to have a price', () => {
    const error = scoringErrorOf(() =>
      rank(
        twoOffers({
          offers: [offer('a'), offer('b')],
          tieBreak: { order: [{ by: 'lower-price' }], seed: 's' },
        }),
      ),
    );
    expect(error.code).toBe('missing-price');
    expect(error.message).toContain('the tie-break order compares prices');
  });

  it('a juror who scores the same offer twice on one criterion is refused', () => {
    const error = scoringErrorOf(() => rank(withScore({ jurorId: 'j1' })));
    expect(error).toMatchObject({
      code: 'duplicate-score',
      subject: { offerId: 'a', jurorId: 'j1', criterion: 'quality' },
    });
  });

  it('two consensus scores for one offer and criterion are refused', () => {
    const row = { offerId: 'a', criterion: 'quality', score: 5, reason: 'r' };
    const error = scoringErrorOf(() => rank(twoOffers({ consensus: [row, { ...row, score: 6 }] })));
    expect(error).toMatchObject({ code: 'duplicate-score', subject: { offerId: 'a', criterion: 'quality' } });
  });

  it('amounts that are not whole cents are refused', () => {
    const error = scoringErrorOf(() =>
      rank(
        twoOffers({ offers: [offer('a', { price: 1, requestedAmount: 10.005 }), offer('b', { price: 1 })] }),
      ),
    );
    expect(error.code).toBe('invalid-input');
    expect(error.message).toContain('offer a');
  });

  it('a scale that is not a whole number of steps, or a minimum above the scale, is refused', () => {
    const uneven = scoringErrorOf(() =>
      rank(twoOffers({ criteria: [criterion('quality', 100, { scale: { min: 0, max: 10, step: 3 } })] })),
    );
    expect(uneven).toMatchObject({ code: 'invalid-input', subject: { criterion: 'quality' } });
    const unreachable = scoringErrorOf(() =>
      rank(twoOffers({ criteria: [criterion('quality', 100, { minimum: 11 })] })),
    );
    expect(unreachable).toMatchObject({ code: 'invalid-input', subject: { criterion: 'quality' } });
  });

  it('a ScoringError is an Error with a stable code and name', () => {
    const error = scoringErrorOf(() => rank(withScore({ score: 99 })));
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(ScoringError);
    expect(error.name).toBe('ScoringError');
  });
});
