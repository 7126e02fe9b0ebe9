import { describe, expect, it } from 'vitest';
import {
  afterFinalAward,
  deliverableDecision,
  deliverablesDueAt,
  isPendingDeliverable,
  pendingDeliverables,
  qualifiesForNextPhase,
} from '../../../domain/rules/deliverable.ts';

const award = (
  rank: number,
  status: 'intended' | 'final' | 'withdrawn' | 'revoked',
  deliverableStatus: 'pending' | 'accepted' | 'rejected',
) => ({ offerId: `o${rank}`, rank, status, deliverableStatus });

describe('what the final award starts', () => {
  it('a phase with an execution waits for the deliverables', () => {
    expect(afterFinalAward(6)).toEqual({ phaseState: 'execution', deliverableStatus: 'pending' });
  });

  it('a phase without one completes at once, its deliverables counting as accepted', () => {
    expect(afterFinalAward(0)).toEqual({ phaseState: 'completed', deliverableStatus: 'accepted' });
  });
});

describe('when the deliverables are due', () => {
  it('the execution months after the final award, at its wall-clock time with its UTC offset', () => {
    expect(deliverablesDueAt('2027-01-15T11:00:00.000Z', 6, 'Europe/Amsterdam')).toBe(
      '2027-07-15T12:00:00+01:00',
    );
  });

  it("on the last day of a shorter month (the offset stays the award's, also across a clock change)", () => {
    expect(deliverablesDueAt('2027-08-31T10:00:00.000Z', 6, 'Europe/Amsterdam')).toBe(
      '2028-02-29T12:00:00+02:00',
    );
  });

  it('never, for a phase without execution', () => {
    expect(deliverablesDueAt('2027-01-15T11:00:00.000Z', 0, 'Europe/Amsterdam')).toBeNull();
  });
});

describe('which deliverables still wait', () => {
  it('those of final awards nobody has decided, in rank order', () => {
    const awards = [
      award(3, 'final', 'pending'),
      award(1, 'final', 'pending'),
      award(2, 'final', 'accepted'),
      award(4, 'intended', 'pending'),
      award(5, 'withdrawn', 'pending'),
    ];
    expect(pendingDeliverables(awards).map((a) => a.rank)).toEqual([1, 3]);
    expect(isPendingDeliverable(award(4, 'intended', 'pending'))).toBe(false);
  });
});

describe("an officer's decision on the deliverables", () => {
  it('lands once on a pending deliverable', () => {
    expect(deliverableDecision('pending', true)).toBe('accepted');
    expect(deliverableDecision('pending', false)).toBe('rejected');
  });

  it('cannot overturn a decision already taken', () => {
    expect(deliverableDecision('accepted', false)).toBeUndefined();
    expect(deliverableDecision('rejected', true)).toBeUndefined();
  });
});

describe('who goes on to the next phase', () => {
  it('a company whose award is final and whose deliverables were accepted', () => {
    expect(qualifiesForNextPhase(award(1, 'final', 'accepted'))).toBe(true);
    expect(qualifiesForNextPhase(award(1, 'final', 'rejected'))).toBe(false);
    expect(qualifiesForNextPhase(award(1, 'final', 'pending'))).toBe(false);
    expect(qualifiesForNextPhase(award(1, 'revoked', 'accepted'))).toBe(false);
  });
});
