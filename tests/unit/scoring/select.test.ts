import { describe, expect, it } from 'vitest';
import type { RankInputDraft } from '../../../domain/scoring.ts';
import { rank } from '../../../scoring/index.ts';
import { competition, criterion, offer, offerIn, scoresFrom } from './build.ts';

/** Offers ranked in the order given (first gets score 10, next 9, ...), each asking the amount given. */
function gate(gateRule: RankInputDraft['gate'], requests: [string, number][]): RankInputDraft {
  return competition({
    criteria: [criterion('quality', 100, { minimum: 2 })],
    gate: gateRule,
    offers: requests.map(([id, requestedAmount]) => offer(id, { requestedAmount })),
    scores: scoresFrom(
      Object.fromEntries(
        requests.map(([id], i) => [id, { j1: { quality: id.startsWith('weak') ? 1 : 10 - i } }]),
      ),
    ),
  });
}

const codes = (input: RankInputDraft) => rank(input).offers.map((o) => [o.offerId, o.selection.code]);

describe('selection at the gate', () => {
  it('strict order stops at the first offer that does not fit the budget', () => {
    const input = gate(
      { awardSlots: 5, phaseBudget: 100_000, maxPerOffer: 50_000, selectionMode: 'strict-order' },
      [
        ['first', 50_000],
        ['second', 40_000],
        ['too-big', 20_000],
        ['would-fit', 10_000],
      ],
    );
    expect(codes(input)).toEqual([
      ['first', 'selected'],
      ['second', 'selected'],
      ['too-big', 'over-budget'],
      ['would-fit', 'stopped-by-strict-order'],
    ]);
    const ranking = rank(input);
    expect(ranking.selection).toMatchObject({
      selectedOfferIds: ['first', 'second'],
      budgetUsed: 90_000,
      budgetLeft: 10_000,
    });
    expect(offerIn(ranking, 'would-fit').selection.message).toContain('stopped at offer too-big');
  });

  it('skip-to-fit passes over an offer that does not fit and selects the next that does', () => {
    const input = gate(
      { awardSlots: 5, phaseBudget: 100_000, maxPerOffer: 50_000, selectionMode: 'skip-to-fit' },
      [
        ['first', 50_000],
        ['second', 40_000],
        ['too-big', 20_000],
        ['fits', 10_000],
        ['nothing-left', 5_000],
      ],
    );
    expect(codes(input)).toEqual([
      ['first', 'selected'],
      ['second', 'selected'],
      ['too-big', 'over-budget'],
      ['fits', 'selected'],
      ['nothing-left', 'over-budget'],
    ]);
    expect(rank(input).selection).toMatchObject({ budgetUsed: 100_000, budgetLeft: 0 });
  });

  it('an offer asking more than the per-offer maximum is not selected', () => {
    const skip = gate(
      { awardSlots: 5, phaseBudget: 500_000, maxPerOffer: 50_000, selectionMode: 'skip-to-fit' },
      [
        ['greedy', 50_000.01],
        ['modest', 50_000],
      ],
    );
    expect(codes(skip)).toEqual([
      ['greedy', 'over-per-offer-maximum'],
      ['modest', 'selected'],
    ]);
    const strict = { ...skip, gate: { ...skip.gate, selectionMode: 'strict-order' as const } };
    expect(codes(strict)).toEqual([
      ['greedy', 'over-per-offer-maximum'],
      ['modest', 'stopped-by-strict-order'],
    ]);
  });

  it('no more offers are selected than there are award slots', () => {
    const input = gate({ awardSlots: 2, phaseBudget: 1_000_000, maxPerOffer: 50_000 }, [
      ['a', 10_000],
      ['b', 10_000],
      ['c', 10_000],
    ]);
    expect(codes(input)).toEqual([
      ['a', 'selected'],
      ['b', 'selected'],
      ['c', 'no-slots-left'],
    ]);
  });

  it('an ineligible offer is passed over without stopping strict-order selection', () => {
    const input = gate(
      { awardSlots: 5, phaseBudget: 100_000, maxPerOffer: 50_000, selectionMode: 'strict-order' },
      [
        ['a', 50_000],
        ['weak', 10_000],
        ['b', 50_000],
      ],
    );
    expect(codes(input)).toEqual([
      ['a', 'selected'],
      ['b', 'selected'],
      ['weak', 'ineligible'],
    ]);
  });

  it('the budget is counted in cents, so amounts like 0.10 and 0.20 fill a budget of 0.30 exactly', () => {
    const input = gate({ awardSlots: 5, phaseBudget: 0.3, maxPerOffer: 1 }, [
      ['a', 0.1],
      ['b', 0.2],
    ]);
    expect(codes(input)).toEqual([
      ['a', 'selected'],
      ['b', 'selected'],
    ]);
    expect(rank(input).selection).toMatchObject({ budgetUsed: 0.3, budgetLeft: 0 });
  });

  it('a phase with no budget records the ranking but selects no paid offer', () => {
    const input = gate({ awardSlots: 3, phaseBudget: 0, maxPerOffer: 0 }, [['a', 10_000]]);
    expect(codes(input)).toEqual([['a', 'over-per-offer-maximum']]);
  });

  it('the selection message names the slot and the amount', () => {
    const ranking = rank(gate({ awardSlots: 5, phaseBudget: 250_000, maxPerOffer: 50_000 }, [['a', 48_500]]));
    expect(offerIn(ranking, 'a').selection).toEqual({
      selected: true,
      code: 'selected',
      message: 'selected: award slot 1 of 5, EUR 48,500.00 of the phase budget',
    });
  });
});
