import { describe, expect, it } from 'vitest';
import { offerRefusal, withdrawalRefusal, type OfferPhase } from '../../../domain/rules/offer.ts';

const open: OfferPhase = {
  admission: { kind: 'open' },
  gate: { awardSlots: 5, phaseBudget: 250_000, maxPerOffer: 50_000 },
  price: { method: 'none' },
  anonymousReview: false,
} as OfferPhase;
const phase2: OfferPhase = { ...open, admission: { kind: 'winners-of', phase: 'feasibility' } };
const priced: OfferPhase = { ...open, price: { method: 'relative', weight: 20 } } as OfferPhase;
const anonymous: OfferPhase = { ...open, anonymousReview: true };

describe('who may offer', () => {
  it('an open phase takes every company', () => {
    expect(offerRefusal(open, { requestedAmount: 50_000 }, { admitted: false })).toBeUndefined();
  });

  it('a phase for the winners of an earlier one takes only those admitted from it', () => {
    expect(offerRefusal(phase2, { requestedAmount: 10_000 }, { admitted: false })).toEqual({
      code: 'not-admitted',
      message: 'only the companies that won phase "feasibility" and delivered may offer',
    });
    expect(offerRefusal(phase2, { requestedAmount: 10_000 }, { admitted: true })).toBeUndefined();
  });
});

describe('what an offer must carry', () => {
  it('no offer asks more than the maximum per offer; the maximum itself is allowed', () => {
    expect(offerRefusal(open, { requestedAmount: 50_000.01 }, { admitted: true })?.code).toBe(
      'invalid-offer',
    );
    expect(offerRefusal(open, { requestedAmount: 50_000 }, { admitted: true })).toBeUndefined();
  });

  it('a phase that scores price needs a price', () => {
    expect(offerRefusal(priced, { requestedAmount: 1 }, { admitted: true })?.message).toMatch(
      /needs a price/,
    );
    expect(offerRefusal(priced, { requestedAmount: 1, price: 900 }, { admitted: true })).toBeUndefined();
  });

  it('under anonymous review the identity part is required, and refused without it', () => {
    expect(offerRefusal(anonymous, { requestedAmount: 1 }, { admitted: true })?.message).toMatch(
      /`identity`/,
    );
    expect(
      offerRefusal(anonymous, { requestedAmount: 1, identity: 'ACME' }, { admitted: true }),
    ).toBeUndefined();
    expect(offerRefusal(open, { requestedAmount: 1, identity: 'ACME' }, { admitted: true })?.message).toBe(
      'this phase has no anonymous review: leave out `identity`',
    );
  });
});

describe('when an offer may be withdrawn', () => {
  it('an active offer before the deadline, freely', () => {
    expect(
      withdrawalRefusal({ offerStatus: 'active', inStandstill: false, holdsIntendedAward: false }),
    ).toBeUndefined();
  });

  it('never an offer that was superseded or withdrawn already', () => {
    expect(
      withdrawalRefusal({ offerStatus: 'superseded', inStandstill: false, holdsIntendedAward: false }),
    ).toEqual({
      code: 'phase-closed',
      message: 'the offer is superseded',
    });
  });

  it('in the standstill only by a winner', () => {
    expect(
      withdrawalRefusal({ offerStatus: 'active', inStandstill: true, holdsIntendedAward: false })?.message,
    ).toBe('in the standstill only a winner may withdraw');
    expect(
      withdrawalRefusal({ offerStatus: 'active', inStandstill: true, holdsIntendedAward: true }),
    ).toBeUndefined();
  });
});
