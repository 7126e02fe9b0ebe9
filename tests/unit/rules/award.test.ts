import { describe, expect, it } from 'vitest';
import {
  finalAwardHold,
  movedUpAfterWithdrawal,
  sameOutcome,
  splitByScoring,
  standingOf,
  takesIntendedAward,
  winnersOf,
} from '../../../domain/rules/award.ts';
import { rank } from '../../../scoring/index.ts';
import { competition, criterion, offer, scoresFrom } from '../scoring/build.ts';

/** Two award slots; offers scored on quality by one juror, with a minimum of 5 points. */
function gateOf(scores: Record<string, number>) {
  const ids = Object.keys(scores);
  return rank(
    competition({
      criteria: [criterion('quality', 100, { minimum: 5 })],
      gate: { awardSlots: 2, phaseBudget: 1_000_000, maxPerOffer: 100_000 },
      offers: ids.map((id) => offer(id)),
      scores: scoresFrom(Object.fromEntries(ids.map((id) => [id, { j1: { quality: scores[id]! } }]))),
    }),
  );
}

describe('who wins at the gate', () => {
  it('the offers the ranking selects, best first: no more than the award slots', () => {
    const ranking = gateOf({ a: 6, b: 9, c: 8 });
    expect(winnersOf(ranking).map((o) => o.offerId)).toEqual(['b', 'c']);
  });

  it('never an offer below a minimum, even with a slot free', () => {
    const ranking = gateOf({ a: 9, low: 4 });
    expect(winnersOf(ranking).map((o) => o.offerId)).toEqual(['a']);
  });

  it('only a phase waiting at its gate takes an intended award', () => {
    expect(takesIntendedAward('gate')).toBe(true);
    expect(takesIntendedAward('standstill')).toBe(false);
    expect(takesIntendedAward('consensus')).toBe(false);
  });
});

describe("a withdrawn winner's place moves to the next eligible offer", () => {
  it('the next offer down the ranking moves up; the winner who stays keeps the award', () => {
    // "b" withdrew: the gate ranks a, c and d again; c kept its award, a is next.
    const ranking = gateOf({ a: 7, c: 8, d: 6 });
    const moved = movedUpAfterWithdrawal(ranking, new Set(['c']));
    expect(moved.map((o) => o.offerId)).toEqual(['a']);
  });

  it('nobody moves up when no eligible offer is left', () => {
    const ranking = gateOf({ c: 8, low: 3 });
    expect(movedUpAfterWithdrawal(ranking, new Set(['c']))).toEqual([]);
  });
});

describe('an offer is ranked only once every criterion has a score', () => {
  const offers = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
  it('scores of jurors and of the chair count alike; an offer missing one criterion waits as unscored', () => {
    const split = splitByScoring(['innovation', 'team'], offers, [
      { offerId: 'a', criterion: 'innovation' },
      { offerId: 'a', criterion: 'team' },
      { offerId: 'b', criterion: 'innovation' },
      { offerId: 'c', criterion: 'innovation' },
      { offerId: 'c', criterion: 'team' },
    ]);
    expect(split.rankable.map((o) => o.id)).toEqual(['a', 'c']);
    expect(split.unscored.map((o) => o.id)).toEqual(['b']);
  });
});

describe('what each bidder is told with the intended award', () => {
  it('its own rank, total and score per criterion; nothing for an offer that was not ranked', () => {
    const ranking = gateOf({ a: 6, b: 9 });
    const standing = standingOf(ranking, 'a')!;
    expect(standing.rank).toBe(2);
    expect(standing.eligible).toBe(true);
    expect(standing.criteria).toEqual([{ criterion: 'quality', score: 6, points: 60 }]);
    expect(standingOf(ranking, 'nobody')).toBeUndefined();
  });
});

describe('under anonymous review the ranking does not depend on who sent an entry', () => {
  it('the same ranks and selection are the same outcome; a changed order is not', () => {
    expect(sameOutcome(gateOf({ a: 6, b: 9 }), gateOf({ a: 6, b: 9 }))).toBe(true);
    expect(sameOutcome(gateOf({ a: 6, b: 9 }), gateOf({ a: 9, b: 6 }))).toBe(false);
  });
});

describe('the final award is held back', () => {
  const award = (offerId: string, status: 'intended' | 'final', offerWithdrawn = false) => ({
    offerId,
    status,
    offerWithdrawn,
  });

  it('by an objection filed in the standstill and not decided yet', () => {
    expect(finalAwardHold({ openObjections: ['o1'], awards: [award('a', 'intended')] })).toEqual({
      blockedBy: ['o1'],
      withdrawn: [],
    });
  });

  it('by a withdrawn offer that still holds its intended award, until its place has moved up', () => {
    expect(
      finalAwardHold({ openObjections: [], awards: [award('a', 'intended', true), award('b', 'intended')] }),
    ).toEqual({ blockedBy: [], withdrawn: ['a'] });
  });

  it('not when every objection is decided and every holder still stands', () => {
    expect(finalAwardHold({ openObjections: [], awards: [award('a', 'intended')] })).toBeUndefined();
  });
});
