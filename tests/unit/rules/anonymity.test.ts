import { describe, expect, it } from 'vitest';
import { identityEnvelope, seal, sha256, signReceipt, unseal, verifyReceipt } from '../../../db/sealing.ts';
import { receiptBytes, ReceiptSchema } from '../../../domain/proofs.ts';
import {
  declarationChange,
  gateApprovalRefusal,
  identityOpeningRefusal,
} from '../../../domain/rules/anonymity.ts';
import {
  entryLabel,
  maySee,
  momentOf,
  receiptItem,
  senderItem,
  type PhaseMoment,
} from '../../../domain/rules/visibility.ts';
import { ProcedureTemplateSchema } from '../../../domain/template.ts';
import { SBIR_TEMPLATE } from '../../../domain/templates/sbir.ts';
import { TENDER_10_DAYS_TEMPLATE } from '../../../domain/templates/tender-10-days.ts';
import { generateKeys } from '../../../runtime/keys.ts';

const officer = { role: 'officer', id: 'officer-1' } as const;
const company = { role: 'company', id: 'company-01' } as const;
const juror = { role: 'juror', id: 'juror-1' } as const;

const moment = (over: Partial<PhaseMoment> = {}): PhaseMoment => ({
  state: 'gate',
  submissionDeadlinePassed: true,
  offersOpened: true,
  intendedAwardSent: false,
  ...over,
});

describe('anonymous review: who may open the identities, and when', () => {
  const ask = (over: Partial<Parameters<typeof identityOpeningRefusal>[0]> = {}) =>
    identityOpeningRefusal({
      anonymousReview: true,
      state: 'gate',
      openers: [],
      officerId: 'officer-1',
      ...over,
    });

  it('the identities open only at the gate, once the jury has finished and the ranking is fixed', () => {
    expect(ask()).toBeUndefined();
    for (const state of [
      'submissions-open',
      'evaluation',
      'consensus',
      'standstill',
      'needs-attention',
    ] as const) {
      expect(ask({ state }), state).toMatch(/jury has finished and the ranking is fixed.*the phase is/);
    }
  });

  it('two different officers consent, once; a phase without anonymous review has nothing to open', () => {
    expect(ask({ openers: ['officer-1'] })).toMatch(/second, different officer/);
    expect(ask({ openers: ['officer-2'] })).toBeUndefined();
    expect(ask({ openers: ['officer-1', 'officer-2'], officerId: 'officer-3' })).toMatch(/already open/);
    expect(ask({ anonymousReview: false })).toMatch(/no anonymous review/);
  });

  it('the gate is approved under anonymous review only once the identities are open', () => {
    expect(gateApprovalRefusal({ anonymousReview: true, identitiesOpened: false })).toMatch(/identities/);
    expect(gateApprovalRefusal({ anonymousReview: true, identitiesOpened: true })).toBeUndefined();
    expect(gateApprovalRefusal({ anonymousReview: false, identitiesOpened: false })).toBeUndefined();
  });
});

describe('anonymous review: declaring a conflict on recognising the work', () => {
  it('a juror declares once; under anonymous review "no conflict" may still become a conflict', () => {
    expect(declarationChange('not-declared', true, true)).toEqual({ kind: 'declare' });
    expect(declarationChange('not-declared', false, false)).toEqual({ kind: 'declare' });
    expect(declarationChange('no-conflict', true, true)).toEqual({ kind: 'recognise' });
    expect(declarationChange('no-conflict', true, false)).toEqual({
      kind: 'refuse',
      reason: 'a declaration for this offer was already made',
    });
    expect(declarationChange('no-conflict', false, true)).toMatchObject({
      kind: 'refuse',
      reason: expect.stringMatching(/on recognising the work, declare a conflict/),
    });
    for (const hasConflict of [true, false]) {
      expect(declarationChange('conflict', hasConflict, true).kind).toBe('refuse');
    }
  });
});

describe('anonymous review: who sees the sender', () => {
  const sees = (viewer: typeof officer | typeof company | typeof juror, m: PhaseMoment, own = false) =>
    maySee(viewer, senderItem(true), { moment: m, relation: { own, onJury: true } });

  it('a juror never sees who sent an entry, whatever the moment', () => {
    for (const m of [moment(), moment({ identitiesOpened: true }), moment({ intendedAwardSent: true })]) {
      expect(sees(juror, m)).toBe(false);
      expect(maySee(juror, 'identity part (company, team, declarations)', { moment: m })).toBe(false);
    }
    // Without anonymous review the jury sees the sender, to declare conflicts.
    expect(maySee(juror, senderItem(false), { moment: moment(), relation: { onJury: true } })).toBe(true);
  });

  it('an officer sees sender, receipt and identity part only once the identities are open', () => {
    expect(sees(officer, moment())).toBe(false);
    expect(sees(officer, moment({ identitiesOpened: false }))).toBe(false);
    expect(sees(officer, moment({ identitiesOpened: true }))).toBe(true);
    expect(maySee(officer, receiptItem(true), { moment: moment() })).toBe(false);
    expect(maySee(officer, receiptItem(false), { moment: moment() })).toBe(true);
    const identityPart = 'identity part (company, team, declarations)';
    expect(maySee(officer, identityPart, { moment: moment({ identitiesOpened: true }) })).toBe(true);
  });

  it('a company always sees its own offer whole, and never another’s sender', () => {
    expect(sees(company, moment(), true)).toBe(true);
    expect(sees(company, moment({ identitiesOpened: true }), false)).toBe(false);
  });

  it('the identities count as opened once recorded; a row that does not say leaves it unknown', () => {
    const phase = {
      state: 'gate' as const,
      submissionsCloseAt: new Date('2027-03-01T11:00:00Z'),
      offersOpenedAt: new Date('2027-03-01T12:00:00Z'),
      intendedAwardAt: null,
    };
    const now = new Date('2027-03-10T09:00:00Z');
    expect(momentOf(phase, now).identitiesOpened).toBeUndefined();
    expect(momentOf({ ...phase, identitiesOpenedAt: null }, now).identitiesOpened).toBe(false);
    expect(momentOf({ ...phase, identitiesOpenedAt: now }, now).identitiesOpened).toBe(true);
  });

  it('an entry is called by its number, the same everywhere', () => {
    expect(entryLabel(7)).toBe('Entry 7');
    expect(entryLabel(null)).toMatch(/^Entry \(numbered when the evaluation opens\)$/);
  });
});

describe('anonymous review: the template option and the receipt', () => {
  it('is off unless a phase asks for it, and refuses pitches, which show who the company is', () => {
    const sbir = ProcedureTemplateSchema.parse(SBIR_TEMPLATE);
    expect(sbir.phases.every((p) => p.anonymousReview === false)).toBe(true);
    const anonymous = { ...SBIR_TEMPLATE, phases: [{ ...SBIR_TEMPLATE.phases[0]!, anonymousReview: true }] };
    expect(ProcedureTemplateSchema.parse(anonymous).phases[0]!.anonymousReview).toBe(true);
    const tender = TENDER_10_DAYS_TEMPLATE;
    const pitched = { ...tender, phases: tender.phases.map((p) => ({ ...p, anonymousReview: true })) };
    const result = ProcedureTemplateSchema.safeParse(pitched);
    expect(result.success).toBe(false);
    expect(result.error!.issues).toContainEqual(
      expect.objectContaining({
        path: ['phases', 0, 'anonymousReview'],
        message: expect.stringMatching(/a pitch shows the jury who the company is/),
      }),
    );
  });

  it('a v3 receipt binds the identity part; a receipt without one stays v2', () => {
    const keys = generateKeys();
    const body = {
      offerId: '6d0e3a52-1c1e-4d63-9d5b-0c8e0f3f2a11',
      competitionId: '0b8f4d1e-2f7a-4c55-8d0c-8b8f0c7c9e21',
      phase: 'feasibility',
      company: 'company-01',
      version: 1,
      receivedAt: '2027-01-06T10:59:59.000Z',
      sha256: sha256('Proposal otter'),
      requestedAmount: 50_000,
      price: null,
      priceEnvelopeSha256: null,
    };
    const identity = sha256('{"company":"Stiltekruid Infra"}');
    expect(receiptBytes(body).toString().split('\n')[0]).toBe('phasegate-receipt-v2');
    const lines = receiptBytes({ ...body, identitySha256: identity })
      .toString()
      .split('\n');
    expect(lines[0]).toBe('phasegate-receipt-v3');
    expect(lines.at(-1)).toBe(identity);
    const receipt = signReceipt(keys, { ...body, identitySha256: identity }, null);
    // Stored as JSON and read back through the schema, it still verifies; another identity does not.
    const stored = ReceiptSchema.parse(JSON.parse(JSON.stringify(receipt)));
    expect(verifyReceipt(keys.receiptPublic, stored)).toBe(true);
    expect(verifyReceipt(keys.receiptPublic, { ...stored, identitySha256: sha256('other') })).toBe(false);
    const { identitySha256: _dropped, ...asV2 } = stored;
    expect(verifyReceipt(keys.receiptPublic, asV2)).toBe(false);
  });

  it('the identity part is sealed apart: it opens only as the identity part of its own offer', () => {
    const keys = generateKeys();
    const sealed = seal(keys, Buffer.from('Stiltekruid Infra'), identityEnvelope('offer-1'));
    expect(sealed.includes(Buffer.from('Stiltekruid'))).toBe(false);
    expect(unseal(keys, sealed, identityEnvelope('offer-1')).toString()).toBe('Stiltekruid Infra');
    expect(() => unseal(keys, sealed, 'offer-1')).toThrow();
    expect(() => unseal(keys, sealed, identityEnvelope('offer-2'))).toThrow();
  });
});
