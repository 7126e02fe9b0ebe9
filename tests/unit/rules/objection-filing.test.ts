import { describe, expect, it } from 'vitest';
import { objectionFilingRefusal } from '../../../domain/rules/objection.ts';

const endsAt = new Date('2027-04-01T10:00:00Z');

describe('who may object to the intended award, and until when', () => {
  it('a company that made an offer, while the standstill runs', () => {
    expect(
      objectionFilingRefusal({ standstillEndsAt: endsAt, standstillClosedAt: null, madeAnOffer: true }),
    ).toBeUndefined();
  });

  it('nobody once the standstill has closed, whatever the clocks say', () => {
    expect(
      objectionFilingRefusal({ standstillEndsAt: endsAt, standstillClosedAt: new Date(), madeAnOffer: true }),
    ).toEqual({ code: 'deadline-passed', message: 'the standstill closed at 2027-04-01T10:00:00.000Z' });
  });

  it('not a company that made no offer in the phase', () => {
    expect(
      objectionFilingRefusal({ standstillEndsAt: endsAt, standstillClosedAt: null, madeAnOffer: false })
        ?.code,
    ).toBe('forbidden');
  });
});
