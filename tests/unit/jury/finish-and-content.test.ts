import { describe, expect, it } from 'vitest';
import { jurorContentStatus, missingBeforeFinish } from '../../../domain/rules/jury.ts';
import type { PhaseMoment } from '../../../domain/rules/visibility.ts';
import { isTooLate, movedPast } from '../../../domain/rules/deadline.ts';
import { ScoreLineSchema } from '../../../api/routes/jury.ts';

const criteria = ['innovation', 'impact', 'team'];
const juror = { role: 'juror', id: 'juror-1' } as const;
const moment = (offersOpened: boolean): PhaseMoment => ({
  state: 'evaluation',
  submissionDeadlinePassed: true,
  offersOpened,
  intendedAwardSent: false,
});

describe('a juror finishes a round', () => {
  it('only when every offer is scored on every criterion or carries a declared conflict', () => {
    expect(
      missingBeforeFinish(criteria, [
        { offerId: 'a', company: 'company-01', declaration: 'no-conflict', scored: criteria },
        { offerId: 'b', company: 'company-02', declaration: 'conflict', scored: [] },
      ]),
    ).toEqual([]);
  });

  it('is told, offer by offer, what is missing: the declaration, or the criteria not yet scored', () => {
    expect(
      missingBeforeFinish(criteria, [
        { offerId: 'a', company: 'company-01', declaration: 'no-conflict', scored: ['impact'] },
        { offerId: 'b', company: 'company-02', declaration: 'not-declared', scored: [] },
      ]),
    ).toEqual([
      { offerId: 'a', company: 'company-01', missing: 'no score on innovation, team' },
      {
        offerId: 'b',
        company: 'company-02',
        missing: 'declare whether you have a conflict of interest, then score innovation, impact, team',
      },
    ]);
  });
});

describe('what a juror is told about content not shown', () => {
  it('declared, before two officers opened the offers: sealed until the opening', () => {
    const told = jurorContentStatus(juror, moment(false), 'no-conflict');
    expect(told.contentStatus).toBe('sealed-until-opening');
    expect(told.note).toMatch(/two different officers/);
  });

  it('not declared: declare first, and before the opening also that the offers are sealed', () => {
    expect(jurorContentStatus(juror, moment(true), 'not-declared')).toEqual({
      contentStatus: 'declaration-needed',
      note: expect.not.stringMatching(/sealed/),
    });
    expect(jurorContentStatus(juror, moment(false), 'not-declared').note).toMatch(/declare.*sealed/);
  });

  it('a conflict: never shown; declared no conflict after the opening: visible, without a note', () => {
    expect(jurorContentStatus(juror, moment(true), 'conflict').contentStatus).toBe('conflict-declared');
    expect(jurorContentStatus(juror, moment(true), 'no-conflict')).toEqual({ contentStatus: 'visible' });
  });
});

describe('too late', () => {
  const deadline = new Date('2027-03-01T11:00:00Z');
  const before = new Date('2027-03-01T10:59:59Z');

  it('is the same whether the database clock passed the deadline or the phase moved past the window', () => {
    const offers = ['questions-open', 'submissions-open'] as const;
    expect(isTooLate(offers, { state: 'submissions-open', deadline, now: deadline })).toBe(true);
    expect(isTooLate(offers, { state: 'evaluation', deadline, now: before })).toBe(true);
    expect(isTooLate(offers, { state: 'no-award', deadline, now: before })).toBe(true);
    expect(isTooLate(offers, { state: 'submissions-open', deadline, now: before })).toBe(false);
  });

  it('is not a phase that has not opened the window, nor one paused or cancelled before its deadline', () => {
    expect(isTooLate(['standstill'], { state: 'gate', deadline: null, now: before })).toBe(false);
    expect(isTooLate(['evaluation'], { state: 'needs-attention', deadline, now: before })).toBe(false);
    expect(isTooLate(['evaluation'], { state: 'cancelled', deadline, now: before })).toBe(false);
    expect(movedPast('pending', ['questions-open'])).toBe(false);
    expect(movedPast('completed', ['standstill'])).toBe(true);
  });
});

describe('length rules state the rule', () => {
  it('a score reason of 2 characters is refused with the minimum of 3', () => {
    const result = ScoreLineSchema.safeParse({ criterion: 'innovation', score: 7, reason: ' ok ' });
    expect(result.error?.issues.map((i) => i.message)).toEqual([
      'every score needs a written reason: at least 3 characters',
    ]);
  });
});
