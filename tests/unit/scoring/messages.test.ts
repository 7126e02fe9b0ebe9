import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { RankInputDraft } from '../../../domain/scoring.ts';
import { drawLot, LOT_ALGORITHM, rank } from '../../../scoring/index.ts';
import { competition, criterion, offer, offerIn, scoresFrom, scoringErrorOf } from './build.ts';

/**
 * What a refusal or an outcome says is what the API, the CLI and the award letter show a person, so
 * each message names the row it is about in words, not only in its code.
 */

const twoOffers = (parts: Partial<RankInputDraft> = {}): RankInputDraft =>
  competition({
    offers: [offer('a', { price: 100 }), offer('b', { price: 200 })],
    scores: scoresFrom({ a: { j1: { quality: 7 } }, b: { j1: { quality: 6 } } }),
    ...parts,
  });

const refusal = (input: RankInputDraft) => scoringErrorOf(() => rank(input));

describe('a refusal says which row is wrong', () => {
  it('a score on an unknown criterion names the juror, the offer and the criterion', () => {
    const input = twoOffers();
    input.scores.push({ offerId: 'a', jurorId: 'j2', criterion: 'charisma', score: 5, reason: 'r' });
    expect(refusal(input).message).toBe(
      'juror j2 scored offer a on criterion charisma, which is not one of the criteria',
    );
  });

  it('a second score by the same juror names the juror, the offer and the criterion', () => {
    const input = twoOffers();
    input.scores.push({ offerId: 'a', jurorId: 'j1', criterion: 'quality', score: 5, reason: 'r' });
    expect(refusal(input).message).toBe('juror j1 scored offer a on criterion quality more than once');
  });

  it('a score between the steps names the score and the steps of the scale', () => {
    const input = twoOffers();
    input.scores.push({ offerId: 'a', jurorId: 'j2', criterion: 'quality', score: 6.5, reason: 'r' });
    expect(refusal(input).message).toBe(
      "juror j2's score for offer a on criterion quality is 6.5, not on the scale's steps of 1 from 0",
    );
  });

  it('a consensus score for an unknown offer names the offer', () => {
    const error = refusal(
      twoOffers({ consensus: [{ offerId: 'ghost', criterion: 'quality', score: 5, reason: 'r' }] }),
    );
    expect(error.message).toBe('a consensus score names offer ghost, which is not in the competition');
  });

  it('a consensus score on an unknown criterion is refused and names the offer and the criterion', () => {
    const error = refusal(
      twoOffers({ consensus: [{ offerId: 'a', criterion: 'charisma', score: 5, reason: 'r' }] }),
    );
    expect(error).toMatchObject({
      code: 'unknown-criterion',
      subject: { offerId: 'a', criterion: 'charisma' },
      message: 'a consensus score for offer a names criterion charisma, which is not one of the criteria',
    });
  });

  it('a consensus score off the scale says it is the consensus score', () => {
    const error = refusal(
      twoOffers({ consensus: [{ offerId: 'a', criterion: 'quality', score: 12, reason: 'r' }] }),
    );
    expect(error.message).toBe(
      'the consensus score for offer a on criterion quality is 12, outside the scale 0-10',
    );
  });

  it('a second consensus score names the offer and the criterion', () => {
    const row = { offerId: 'a', criterion: 'quality', score: 5, reason: 'r' };
    const error = refusal(twoOffers({ consensus: [row, { ...row, score: 6 }] }));
    expect(error.message).toBe('offer a has more than one consensus score on criterion quality');
  });

  it('an offer nobody scored names the offer and the criterion it lacks', () => {
    const error = refusal(twoOffers({ criteria: [criterion('quality', 50), criterion('team', 50)] }));
    expect(error.message).toBe(
      'offer a has no score on criterion team: no juror scored it and there is no consensus score',
    );
  });

  it('a criterion or an offer listed twice is named', () => {
    expect(
      refusal(twoOffers({ criteria: [criterion('quality', 50), criterion('quality', 50)] })).message,
    ).toBe('criterion quality is defined twice');
    expect(refusal(twoOffers({ offers: [offer('a'), offer('a')] })).message).toBe('offer a appears twice');
  });

  it('a tie-break on an unknown criterion names the criterion', () => {
    const error = refusal(
      twoOffers({ tieBreak: { order: [{ by: 'criterion', criterion: 'charisma' }], seed: 's' } }),
    );
    expect(error.message).toBe(
      'the tie-break order names criterion charisma, which is not one of the criteria',
    );
  });

  it('a conflict declared for an unknown offer names the juror and the offer', () => {
    const error = refusal(twoOffers({ exclusions: [{ jurorId: 'j1', offerId: 'ghost' }] }));
    expect(error.message).toBe(
      'juror j1 declared a conflict for offer ghost, which is not in the competition',
    );
  });

  it('a scale that is not a whole number of steps, or a minimum above it, is described', () => {
    const uneven = refusal(
      twoOffers({ criteria: [criterion('quality', 100, { scale: { min: 0, max: 10, step: 3 } })] }),
    );
    expect(uneven.message).toBe('criterion quality: the scale 0-10 is not a whole number of steps of 3');
    const unreachable = refusal(twoOffers({ criteria: [criterion('quality', 100, { minimum: 11 })] }));
    expect(unreachable.message).toBe(
      'criterion quality: the minimum 11 is above the top of the scale (10), so no offer could pass',
    );
  });

  it('a budget or maximum that is not whole cents names which amount it is', () => {
    const gate = { awardSlots: 1, phaseBudget: 1000, maxPerOffer: 1000 };
    expect(refusal(twoOffers({ gate: { ...gate, phaseBudget: 1000.005 } })).message).toBe(
      'the phase budget (1000.005) is not a whole number of cents',
    );
    expect(refusal(twoOffers({ gate: { ...gate, maxPerOffer: 999.999 } })).message).toBe(
      'the maximum per offer (999.999) is not a whole number of cents',
    );
  });

  it('a missing price names the price method that needs it', () => {
    const error = refusal(
      twoOffers({
        criteria: [criterion('quality', 60)],
        price: { method: 'relative', weight: 40 },
        offers: [offer('a', { price: 100 }), offer('b')],
      }),
    );
    expect(error.message).toBe("offer b has no price, but the price method 'relative' scores price");
  });

  it("input the schema refuses keeps zod's issues as the cause, so a caller can list them", () => {
    const error = refusal({ ...twoOffers(), offers: [{ offerId: 'a' }] } as unknown as RankInputDraft);
    expect(error.cause).toBeInstanceOf(z.ZodError);
    expect((error.cause as z.ZodError).issues.map((issue) => issue.path)).toContainEqual([
      'offers',
      0,
      'company',
    ]);
  });

  it('an offer drawn twice in one lot is refused as invalid input and named', () => {
    let thrown: unknown;
    try {
      drawLot('seed', ['a', 'b', 'a']);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({
      code: 'invalid-input',
      message: 'offer a appears twice in one lot',
      subject: { offerId: 'a' },
    });
  });
});

describe('the ranking says what its total means', () => {
  const meaning = (price: RankInputDraft['price'], qualityWeight = 100) =>
    rank(
      competition({
        criteria: [criterion('quality', qualityWeight)],
        price,
        offers: [offer('a', { price: 40_000 })],
        scores: scoresFrom({ a: { j1: { quality: 7 } } }),
      }),
    ).totalMeaning;

  it('each price method names what its totals are', () => {
    expect(meaning({ method: 'none' })).toBe('quality points');
    expect(meaning({ method: 'fixed-price', maximumPrice: 50_000 })).toBe(
      'quality points (the price is fixed or capped)',
    );
    expect(meaning({ method: 'linear-to-budget', weight: 40, budget: 50_000 }, 60)).toBe(
      'quality points + price points (full at the lowest price, none at the budget)',
    );
    expect(meaning({ method: 'relative', weight: 40 }, 60)).toBe(
      'quality points + price points (relative to the lowest price)',
    );
    expect(meaning({ method: 'value-for-money', euroPerQualityPoint: 1000 })).toBe(
      'fictitious price in euros: price - quality points x EUR 1,000.00',
    );
    expect(meaning({ method: 'quality-price-ratio' })).toBe('quality points per euro of price');
  });

  it('a recorded lot names the version of the algorithm that drew it', () => {
    // Pinned: a ranking records this name, and a verifier picks the algorithm by it years later.
    expect(LOT_ALGORITHM).toBe(
      'phasegate-lot-v1: xmur3 hash of the length-prefixed seed and sorted offer ids, sfc32, Fisher-Yates',
    );
  });
});

describe('an offer that is not selected is told why', () => {
  const gate = {
    awardSlots: 2,
    phaseBudget: 60_000,
    maxPerOffer: 50_000,
    selectionMode: 'skip-to-fit' as const,
  };
  const ranking = rank(
    competition({
      criteria: [criterion('quality', 100, { minimum: 2 })],
      gate,
      offers: [
        offer('first', { requestedAmount: 40_000 }),
        offer('too-big', { requestedAmount: 50_000.01 }),
        offer('over-budget', { requestedAmount: 30_000 }),
        offer('exact-fit', { requestedAmount: 20_000 }),
        offer('no-slot', { requestedAmount: 1_000 }),
        offer('weak', { requestedAmount: 1_000 }),
      ],
      scores: scoresFrom({
        first: { j1: { quality: 10 } },
        'too-big': { j1: { quality: 9 } },
        'over-budget': { j1: { quality: 8 } },
        'exact-fit': { j1: { quality: 7 } },
        'no-slot': { j1: { quality: 6 } },
        weak: { j1: { quality: 1 } },
      }),
    }),
  );
  const message = (offerId: string) => offerIn(ranking, offerId).selection.message;

  it('an offer above the per-offer maximum is told the amount and the maximum', () => {
    expect(message('too-big')).toBe(
      'not selected: the requested EUR 50,000.01 is above the maximum of EUR 50,000.00 per offer',
    );
  });

  it('an offer above what is left of the budget is told the amount and what is left', () => {
    expect(message('over-budget')).toBe(
      'not selected: the requested EUR 30,000.00 is more than the EUR 20,000.00 left of the phase budget',
    );
  });

  it('an offer after the slots ran out is told how many slots there were', () => {
    expect(message('exact-fit')).toBe('selected: award slot 2 of 2, EUR 20,000.00 of the phase budget');
    expect(message('no-slot')).toBe('not selected: all 2 award slots went to higher-ranked offers');
  });

  it('an ineligible offer is told it is not eligible', () => {
    expect(message('weak')).toBe('not selected: the offer is not eligible');
  });

  it('once the budget is spent an offer is told that nothing, not less than nothing, is left', () => {
    const spent = rank(
      competition({
        gate: { ...gate, awardSlots: 5, phaseBudget: 40_000 },
        offers: [offer('first', { requestedAmount: 40_000 }), offer('second', { requestedAmount: 10_000 })],
        scores: scoresFrom({ first: { j1: { quality: 9 } }, second: { j1: { quality: 8 } } }),
      }),
    );
    expect(offerIn(spent, 'second').selection.message).toBe(
      'not selected: the requested EUR 10,000.00 is more than the EUR 0.00 left of the phase budget',
    );
  });

  it('an offer above the price budget is told its price and the budget, grouped by thousands', () => {
    const ranking = rank(
      competition({
        criteria: [criterion('quality', 60)],
        price: { method: 'linear-to-budget', weight: 40, budget: 1_000_000 },
        offers: [offer('within', { price: 900_000 }), offer('over', { price: 1_250_000 })],
        scores: scoresFrom({ within: { j1: { quality: 5 } }, over: { j1: { quality: 9 } } }),
      }),
    );
    expect(offerIn(ranking, 'over').ineligibility).toEqual([
      {
        code: 'price-above-budget',
        message: 'the price EUR 1,250,000.00 is above the budget of EUR 1,000,000.00',
      },
    ]);
  });
});
