import { describe, expect, it } from 'vitest';
import { seal, sha256, signReceipt, unseal, verifyReceipt } from '../../../db/sealing.ts';
import { generateKeys } from '../../../runtime/keys.ts';

const keys = generateKeys();
const receipt = signReceipt(
  keys,
  {
    offerId: '6d0e3a52-1c1e-4d63-9d5b-0c8e0f3f2a11',
    competitionId: '0b8f4d1e-2f7a-4c55-8d0c-8b8f0c7c9e21',
    phase: 'feasibility',
    company: 'company-01',
    version: 1,
    receivedAt: '2027-01-06T10:59:59.000Z',
    sha256: sha256('Our feasibility plan'),
    requestedAmount: 50_000,
    price: null,
    priceEnvelopeSha256: sha256('sealed price envelope bytes'),
  },
  null,
);

describe('sealed offers and signed receipts', () => {
  it('a sealed offer opens with the key, bound to its own offer', () => {
    const sealed = seal(keys, Buffer.from('Our feasibility plan'), 'offer-1');
    expect(sealed.includes(Buffer.from('feasibility'))).toBe(false);
    expect(unseal(keys, sealed, 'offer-1').toString()).toBe('Our feasibility plan');
    expect(() => unseal(keys, sealed, 'offer-2')).toThrow();
  });

  it('a sealed offer whose bytes were changed does not open', () => {
    const sealed = seal(keys, Buffer.from('Our feasibility plan'), 'offer-1');
    sealed[sealed.length - 1]! ^= 1;
    expect(() => unseal(keys, sealed, 'offer-1')).toThrow();
  });

  it('a receipt checks out with the public key, and a changed receipt time does not', () => {
    expect(verifyReceipt(keys.receiptPublic, receipt)).toBe(true);
    expect(verifyReceipt(keys.receiptPublic, { ...receipt, receivedAt: '2027-01-06T11:00:01.000Z' })).toBe(
      false,
    );
    expect(verifyReceipt(generateKeys().receiptPublic, receipt)).toBe(false);
  });

  it('a receipt binds the requested amount, the price and the sealed price envelope', () => {
    expect(verifyReceipt(keys.receiptPublic, { ...receipt, requestedAmount: 50_001 })).toBe(false);
    expect(verifyReceipt(keys.receiptPublic, { ...receipt, price: 1 })).toBe(false);
    expect(verifyReceipt(keys.receiptPublic, { ...receipt, priceEnvelopeSha256: sha256('other') })).toBe(
      false,
    );
    expect(verifyReceipt(keys.receiptPublic, { ...receipt, sha256: sha256('Another plan') })).toBe(false);
  });
});
