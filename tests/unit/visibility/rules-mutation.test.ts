import { describe, expect, it } from 'vitest';
import type { PhaseState } from '../../../domain/competition.ts';
import { jurorContentStatus } from '../../../domain/rules/jury.ts';
import {
  jurorLabels,
  maySee,
  momentOf,
  noticeAudiences,
  rankingLineForCompany,
  roleMaySee,
  scopeOf,
  visibleAuditVerification,
  visibleCounts,
  visibleOfferParts,
  visibleReceipt,
  type Declaration,
  type PhaseMoment,
  type Sight,
} from '../../../domain/rules/visibility.ts';
import type { RankedOffer } from '../../../domain/scoring.ts';

const officer = { role: 'officer', id: 'officer-1' } as const;
const company = { role: 'company', id: 'company-01' } as const;
const juror = { role: 'juror', id: 'juror-1' } as const;

const moment = (over: Partial<PhaseMoment> = {}): PhaseMoment => ({
  state: 'evaluation',
  submissionDeadlinePassed: true,
  offersOpened: false,
  intendedAwardSent: false,
  ...over,
});
const sealed = moment();
const opened = moment({ offersOpened: true });
const onTheJury = (declaration: Declaration, m = opened): Sight => ({
  moment: m,
  relation: { onJury: true, declaration },
});

const deadline = new Date('2027-03-01T11:00:00Z');
const phase = (state: PhaseState, over: Partial<Parameters<typeof momentOf>[0]> = {}) => ({
  state,
  submissionsCloseAt: deadline,
  offersOpenedAt: null,
  intendedAwardAt: null,
  ...over,
});
const beforeDeadline = new Date('2027-03-01T10:59:59Z');

describe('the moment of a phase', () => {
  it('the phase counts as past its submission deadline once it moved to evaluation, even before the database clock says so', () => {
    const moved: PhaseState[] = [
      'evaluation',
      'consensus',
      'gate',
      'standstill',
      'execution',
      'completed',
      'no-award',
    ];
    for (const state of moved) {
      expect(momentOf(phase(state), beforeDeadline).submissionDeadlinePassed, state).toBe(true);
    }
    for (const state of ['pending', 'questions-open', 'submissions-open'] as const) {
      expect(momentOf(phase(state), beforeDeadline).submissionDeadlinePassed, state).toBe(false);
    }
  });

  it('a phase whose submission deadline is not set is not past it while submissions are open', () => {
    const moment = momentOf(phase('submissions-open', { submissionsCloseAt: null }), deadline);
    expect(moment.submissionDeadlinePassed).toBe(false);
  });

  it('the offers count as opened once the opening is recorded, the award as sent once it went out', () => {
    const now = new Date('2027-03-10T09:00:00Z');
    expect(momentOf(phase('evaluation'), now)).toEqual({
      state: 'evaluation',
      submissionDeadlinePassed: true,
      offersOpened: false,
      intendedAwardSent: false,
    });
    const awarded = phase('standstill', {
      offersOpenedAt: new Date('2027-03-01T12:00:00Z'),
      intendedAwardAt: new Date('2027-03-09T12:00:00Z'),
    });
    expect(momentOf(awarded, now)).toEqual({
      state: 'standstill',
      submissionDeadlinePassed: true,
      offersOpened: true,
      intendedAwardSent: true,
    });
  });
});

describe('counts', () => {
  const counts = { offers: 4, withdrawn: 1, questions: 2, jurors: 3, scores: 9 };

  it('a company sees the offer count only after the submission deadline', () => {
    const open = moment({ state: 'submissions-open', submissionDeadlinePassed: false });
    expect(visibleCounts(company, open, counts)).toEqual({
      offers: null,
      withdrawn: null,
      questions: null,
      jurors: 3,
      scores: null,
    });
    expect(visibleCounts(company, sealed, counts)).toEqual({
      offers: 4,
      withdrawn: 1,
      questions: 2,
      jurors: 3,
      scores: null,
    });
  });

  it('a juror sees the offer and question counts after the submission deadline, never the score count', () => {
    const open = moment({ state: 'submissions-open', submissionDeadlinePassed: false });
    expect(visibleCounts(juror, open, counts)).toEqual({
      offers: null,
      withdrawn: null,
      questions: null,
      jurors: 3,
      scores: null,
    });
    expect(visibleCounts(juror, opened, counts).scores).toBeNull();
    expect(visibleCounts(officer, open, counts)).toEqual(counts);
  });
});

describe('offer content, amount and price', () => {
  const offer = { content: () => 'Our feasibility plan', price: 48_000, requestedAmount: 50_000 };
  const hidden = { content: null, price: null, requestedAmount: null };
  const whole = { content: 'Our feasibility plan', price: 48_000, requestedAmount: 50_000 };

  it('a juror who declared a conflict does not see that offer’s amount, content or price', () => {
    expect(maySee(juror, 'requested amount', onTheJury('conflict'))).toBe(false);
    expect(visibleOfferParts(juror, onTheJury('conflict'), offer)).toEqual(hidden);
  });

  it('a juror on the jury who declared no conflict sees all three once two officers opened the offers', () => {
    expect(visibleOfferParts(juror, onTheJury('no-conflict'), offer)).toEqual(whole);
    expect(visibleOfferParts(juror, onTheJury('no-conflict', sealed), offer)).toEqual(hidden);
    expect(visibleOfferParts(juror, onTheJury('not-declared'), offer)).toEqual(hidden);
  });

  it('a sealed offer is not even unsealed for a viewer who may not see its content', () => {
    const unsealable = {
      content: () => {
        throw new Error('unsealed for a viewer who may not see it');
      },
      price: 48_000,
      requestedAmount: 50_000,
    };
    expect(visibleOfferParts(officer, { moment: sealed }, unsealable)).toEqual(hidden);
  });

  it('an officer sees the parts only after the opening; a company always sees its own', () => {
    expect(visibleOfferParts(officer, { moment: opened }, offer)).toEqual(whole);
    expect(visibleOfferParts(company, { moment: sealed, relation: { own: true } }, offer)).toEqual(whole);
    expect(visibleOfferParts(company, { moment: opened, relation: { own: false } }, offer)).toEqual(hidden);
  });
});

describe('receipts', () => {
  const receipt = {
    offerId: 'offer-1',
    company: 'company-01',
    version: 2,
    requestedAmount: 50_000,
    price: 48_000,
  };

  it('an officer’s copy of a receipt withholds the amount and the price until the opening', () => {
    expect(visibleReceipt(officer, { moment: sealed }, receipt)).toStrictEqual({
      ...receipt,
      requestedAmount: null,
      price: null,
    });
    expect(visibleReceipt(officer, { moment: opened }, receipt)).toStrictEqual(receipt);
  });

  it('a company’s own receipt is whole before the opening', () => {
    const own = { moment: sealed, relation: { own: true } };
    expect(visibleReceipt(company, own, receipt)).toStrictEqual(receipt);
  });

  it('a receipt without an amount or a price gains no such field', () => {
    const bare = { offerId: 'offer-1', company: 'company-01', version: 1 };
    expect(visibleReceipt(officer, { moment: sealed }, bare)).toStrictEqual(bare);
    const { price: _price, ...withoutPrice } = receipt;
    expect(visibleReceipt(officer, { moment: sealed }, withoutPrice)).toStrictEqual({
      ...withoutPrice,
      requestedAmount: null,
    });
    const { requestedAmount: _amount, ...withoutAmount } = receipt;
    expect(visibleReceipt(officer, { moment: sealed }, withoutAmount)).toStrictEqual({
      ...withoutAmount,
      price: null,
    });
  });
});

describe('which role may ask at all', () => {
  it('a role that never sees an item is refused outright; one that sees it under a condition is not', () => {
    expect(roleMaySee('company', 'score count')).toBe(false);
    expect(roleMaySee('juror', 'objections')).toBe(false);
    expect(roleMaySee('officer', 'own scores')).toBe(false);
    expect(roleMaySee('company', 'offer count (active, withdrawn)')).toBe(true);
    expect(roleMaySee('juror', 'pitch programme')).toBe(true);
    expect(roleMaySee('officer', 'offer content')).toBe(true);
  });
});

describe('how much of a list a viewer sees', () => {
  const pitches = { whole: 'pitch programme', own: 'pitch slot' } as const;
  const ranking = {
    whole: 'whole ranking (every offer, juror ids, conflicts)',
    own: 'ranking line, jurors as Juror A, B, C',
  } as const;

  it('a juror on the jury sees the whole pitch programme', () => {
    expect(scopeOf(juror, pitches, { relation: { onJury: true } })).toBe('all');
  });

  it('a juror off the jury sees no pitch programme', () => {
    expect(scopeOf(juror, pitches, { relation: { onJury: false } })).toBe('none');
    expect(scopeOf(juror, pitches)).toBe('none');
  });

  it('a company sees only its own pitch slots and its own objections; an officer sees them all', () => {
    expect(scopeOf(company, pitches, { relation: { onJury: false } })).toBe('own');
    expect(scopeOf(company, { whole: 'objections', own: 'objections' })).toBe('own');
    expect(scopeOf(officer, { whole: 'objections', own: 'objections' })).toBe('all');
    expect(scopeOf(juror, { whole: 'objections', own: 'objections' })).toBe('none');
  });

  it('a company sees its own ranking line only once the intended award is sent', () => {
    expect(scopeOf(company, ranking, { moment: opened })).toBe('none');
    expect(scopeOf(company, ranking, { moment: moment({ intendedAwardSent: true }) })).toBe('own');
    expect(scopeOf(officer, ranking, { moment: opened })).toBe('all');
  });
});

describe('juror labels', () => {
  const scope = { competitionId: '3f1c0c2e-0000-4000-8000-000000000001', phaseKey: 'feasibility' };

  it('are a fixed hash of competition, phase and juror id: the same labels in every release', () => {
    const labels = jurorLabels(scope, ['juror-1', 'juror-2', 'juror-3', 'juror-4']);
    expect(Object.fromEntries(labels)).toEqual({
      'juror-1': 'Juror B',
      'juror-2': 'Juror D',
      'juror-3': 'Juror C',
      'juror-4': 'Juror A',
    });
    const next = jurorLabels({ ...scope, phaseKey: 'prototype' }, [
      'juror-1',
      'juror-2',
      'juror-3',
      'juror-4',
    ]);
    expect(Object.fromEntries(next)).not.toEqual(Object.fromEntries(labels));
  });

  it('run A to Z, then AA, AB, …: one distinct label per juror', () => {
    const ids = Array.from({ length: 28 }, (_, i) => `juror-${i + 1}`);
    const letters = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'AA', 'AB'];
    expect([...jurorLabels(scope, ids).values()].sort()).toEqual(letters.map((l) => `Juror ${l}`).sort());
  });

  it('two jurors whose hashes collide are ordered by id, whatever order the ids come in', () => {
    // FNV-1a gives juror-462789 and juror-679192 the same hash in this phase (3208109195).
    const expected = { 'juror-462789': 'Juror A', 'juror-679192': 'Juror B' };
    expect(Object.fromEntries(jurorLabels(scope, ['juror-462789', 'juror-679192']))).toEqual(expected);
    expect(Object.fromEntries(jurorLabels(scope, ['juror-679192', 'juror-462789']))).toEqual(expected);
  });

  it('a juror without a label is shown to a company as "Juror", never by id', () => {
    const line = {
      rank: 1,
      offerId: 'o1',
      company: 'company-01',
      excludedJurors: [],
      criteria: [{ criterion: 'team', jurorScores: [{ jurorId: 'juror-7', raw: 6, reason: 'small team' }] }],
    } as unknown as RankedOffer;
    const seen = rankingLineForCompany(line, new Map());
    expect(seen.criteria[0]!.jurorScores).toEqual([{ juror: 'Juror', raw: 6, reason: 'small team' }]);
  });
});

describe('the audit chain and notifications', () => {
  const verification = { valid: false, entries: 12, brokenAt: 7, headHash: 'ab12' };

  it('a company and a juror learn only whether the audit chain holds; an officer gets the details', () => {
    expect(visibleAuditVerification(company, verification)).toStrictEqual({ valid: false });
    expect(visibleAuditVerification(juror, verification)).toStrictEqual({ valid: false });
    expect(visibleAuditVerification(officer, verification)).toStrictEqual(verification);
  });

  it('a viewer reads notices to everyone and to themselves; officers also those to all officers', () => {
    expect(noticeAudiences(company)).toEqual(['public', 'company:company-01']);
    expect(noticeAudiences(juror)).toEqual(['public', 'juror:juror-1']);
    expect(noticeAudiences(officer)).toEqual(['public', 'officer:officer-1', 'officers']);
  });
});

describe('what a juror on the jury is told about an offer’s content', () => {
  it('a juror who declared a conflict is told they do not see or score the offer', () => {
    expect(jurorContentStatus(juror, opened, 'conflict')).toEqual({
      contentStatus: 'conflict-declared',
      note: 'you declared a conflict of interest: you do not see or score this offer',
    });
  });

  it('a juror who has not declared, after the opening, is told only to declare', () => {
    expect(jurorContentStatus(juror, opened, 'not-declared')).toEqual({
      contentStatus: 'declaration-needed',
      note: 'declare whether you have a conflict of interest to see this offer',
    });
    expect(jurorContentStatus(juror, sealed, 'not-declared')).toEqual({
      contentStatus: 'declaration-needed',
      note:
        'declare whether you have a conflict of interest to see this offer; ' +
        'the offers are sealed until two different officers have opened them',
    });
  });
});
