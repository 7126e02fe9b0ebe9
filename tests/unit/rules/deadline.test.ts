import { describe, expect, it } from 'vitest';
import { OFFER_STATES, type PhaseState } from '../../../domain/competition.ts';
import { isTooLate, movedPast } from '../../../domain/rules/deadline.ts';
import { guardPhase } from '../../../db/phase-guard.ts';
import { Refusal } from '../../../db/refusal.ts';
import type { TransactionSql } from '../../../db/sql.ts';

/** The write windows as the data-access modules pass them (db/questions.ts, offers.ts, jury.ts, objections.ts). */
const QUESTIONS: readonly PhaseState[] = ['questions-open'];
const SCORING: readonly PhaseState[] = ['evaluation'];
const OBJECTIONS: readonly PhaseState[] = ['standstill'];

const deadline = new Date('2027-03-01T11:00:00Z');
const before = new Date('2027-03-01T10:59:59Z');
const late = (allowed: readonly PhaseState[], state: PhaseState, now = before) =>
  isTooLate(allowed, { state, deadline, now });

describe('a phase has moved past a write window', () => {
  it('once it moved to the next state of its life: each state comes after the one before it', () => {
    expect(movedPast('questions-open', ['pending'])).toBe(true);
    expect(movedPast('submissions-open', QUESTIONS)).toBe(true);
    expect(movedPast('evaluation', OFFER_STATES)).toBe(true);
    expect(movedPast('consensus', SCORING)).toBe(true);
    expect(movedPast('gate', ['consensus'])).toBe(true);
    expect(movedPast('standstill', ['gate'])).toBe(true);
    expect(movedPast('execution', OBJECTIONS)).toBe(true);
    expect(movedPast('completed', ['execution'])).toBe(true);
  });

  it('not while it is still in the window, nor before it', () => {
    expect(movedPast('questions-open', QUESTIONS)).toBe(false);
    expect(movedPast('submissions-open', OFFER_STATES)).toBe(false);
    expect(movedPast('questions-open', OFFER_STATES)).toBe(false);
    expect(movedPast('pending', OFFER_STATES)).toBe(false);
    expect(movedPast('evaluation', SCORING)).toBe(false);
    expect(movedPast('consensus', ['evaluation', 'consensus'])).toBe(false);
    expect(movedPast('gate', OBJECTIONS)).toBe(false);
    expect(movedPast('standstill', OBJECTIONS)).toBe(false);
  });

  it('a phase without an award has moved past every window, a paused or cancelled one past none', () => {
    for (const allowed of [QUESTIONS, OFFER_STATES, SCORING, OBJECTIONS, ['completed'] as const]) {
      expect(movedPast('no-award', allowed)).toBe(true);
      expect(movedPast('needs-attention', allowed)).toBe(false);
      expect(movedPast('cancelled', allowed)).toBe(false);
    }
  });
});

describe('a write comes too late', () => {
  it('once the database clock reaches the deadline, to the millisecond', () => {
    expect(late(OFFER_STATES, 'submissions-open', new Date(deadline.getTime() - 1))).toBe(false);
    expect(late(OFFER_STATES, 'submissions-open', deadline)).toBe(true);
    expect(late(OFFER_STATES, 'submissions-open', new Date(deadline.getTime() + 1))).toBe(true);
  });

  it('the phase counts as past its submission deadline once it moved to evaluation, even before the database clock says so', () => {
    expect(late(OFFER_STATES, 'evaluation')).toBe(true);
    expect(late(OFFER_STATES, 'submissions-open')).toBe(false);
  });

  it('a question once the phase moved on to submissions, before the question deadline by the clock', () => {
    expect(late(QUESTIONS, 'submissions-open')).toBe(true);
    expect(late(QUESTIONS, 'questions-open')).toBe(false);
  });

  it('a score once the phase moved on to consensus or the gate, before the evaluation deadline', () => {
    expect(late(SCORING, 'consensus')).toBe(true);
    expect(late(SCORING, 'gate')).toBe(true);
    expect(late(SCORING, 'evaluation')).toBe(false);
  });

  it('an objection once the standstill ended and execution began, before the standstill end by the clock', () => {
    expect(late(OBJECTIONS, 'execution')).toBe(true);
    expect(late(OBJECTIONS, 'standstill')).toBe(false);
  });

  it('never for a window whose deadline is not set: that window has not opened', () => {
    expect(isTooLate(OBJECTIONS, { state: 'completed', deadline: null, now: deadline })).toBe(false);
  });

  it('a paused phase before the deadline is not too late: the deadline still binds when it resumes', () => {
    expect(late(SCORING, 'needs-attention')).toBe(false);
    expect(late(SCORING, 'needs-attention', deadline)).toBe(true);
  });
});

describe('the guard of a write', () => {
  /** The one row the guard reads for the phase, with the database clock; no other query is reached. */
  const guardedBy = (row: Record<string, unknown>) =>
    (async () => [
      {
        competition_status: 'running',
        template: { phases: [{ key: 'feasibility' }] },
        evaluation_round: 1,
        submissions_close_at: deadline,
        ...row,
      },
    ]) as unknown as TransactionSql;
  const offer = (row: Record<string, unknown>) =>
    guardPhase(guardedBy(row), 'competition-1', 'feasibility', OFFER_STATES, {
      deadline: 'submissions_close_at',
      what: 'submission',
    });

  it('an offer after the deadline is refused as deadline-passed, naming the deadline', async () => {
    const refused = offer({ state: 'submissions-open', db_now: deadline });
    await expect(refused).rejects.toBeInstanceOf(Refusal);
    await expect(refused).rejects.toMatchObject({
      code: 'deadline-passed',
      message: 'submission closed at 2027-03-01T11:00:00.000Z',
    });
  });

  it('an offer to a phase already in evaluation is refused the same way, though the clock is before the deadline', async () => {
    await expect(offer({ state: 'evaluation', db_now: before })).rejects.toMatchObject({
      code: 'deadline-passed',
      message: 'submission closed at 2027-03-01T11:00:00.000Z',
    });
  });

  it('an offer before the deadline to an open phase passes the guard', async () => {
    await expect(offer({ state: 'submissions-open', db_now: before })).resolves.toMatchObject({
      key: 'feasibility',
      state: 'submissions-open',
      round: 1,
      now: before,
    });
  });
});
