import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PHASE_STATES } from '../../../domain/competition.ts';
import { actionRefusal, canMove, PHASE_TRANSITIONS } from '../../../domain/phase-machine.ts';
import { extensionRefusal } from '../../../domain/rules/deadline.ts';
import { objectionDecisionRefusal } from '../../../domain/rules/objection.ts';
import { openingRefusal } from '../../../domain/rules/opening.ts';

describe('the phase state machine', () => {
  it('a phase moves forward along the table, and back only from the standstill', () => {
    expect(canMove('submissions-open', 'evaluation')).toBe(true);
    expect(canMove('evaluation', 'submissions-open')).toBe(false);
    expect(canMove('standstill', 'evaluation')).toBe(true);
    expect(canMove('gate', 'evaluation')).toBe(false);
    expect(canMove('questions-open', 'gate')).toBe(false);
  });

  it('any live phase can be cancelled or wait for an officer; an ended one cannot', () => {
    for (const state of ['pending', 'evaluation', 'standstill', 'execution'] as const) {
      expect(canMove(state, 'cancelled')).toBe(true);
      expect(canMove(state, 'needs-attention')).toBe(true);
      expect(canMove('needs-attention', state)).toBe(true);
    }
    for (const ended of ['completed', 'no-award', 'cancelled'] as const) {
      expect(PHASE_STATES.filter((to) => canMove(ended, to))).toEqual([]);
    }
    expect(canMove('needs-attention', 'completed')).toBe(false);
  });

  it('the README shows the transition table as it is in the code, row for row', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('### The phase, step by step'));
    const rows = section
      .slice(0, section.indexOf('\n#', 1))
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .map((line) => line.split('|').map((cell) => cell.trim().replace(/`/g, '')));
    const table = rows.map(([, from, to, when]) => ({ from, to, when }));
    expect(table).toEqual(PHASE_TRANSITIONS.map(({ from, to, when }) => ({ from, to, when })));
  });
});

describe('officer actions', () => {
  it('the gate is approved at the gate only; objections in the standstill; deliverables in execution', () => {
    expect(actionRefusal('approveGate', 'gate')).toBeUndefined();
    expect(actionRefusal('approveGate', 'evaluation')).toBe(
      'the phase is evaluation, not waiting at its gate',
    );
    expect(actionRefusal('decideObjection', 'gate')).toMatch(/decided in the standstill; the phase is gate/);
    expect(actionRefusal('decideDeliverable', 'standstill')).toMatch(
      /during execution; the phase is standstill/,
    );
  });

  it('the sealed offers open with two different officers, after the submission deadline, once', () => {
    const state = 'evaluation';
    expect(openingRefusal({ state: 'submissions-open', openers: [], officerId: 'a' })).toMatch(
      /after the submission deadline/,
    );
    expect(openingRefusal({ state, openers: [], officerId: 'a' })).toBeUndefined();
    expect(openingRefusal({ state, openers: ['a'], officerId: 'a' })).toMatch(/second, different officer/);
    expect(openingRefusal({ state, openers: ['a'], officerId: 'b' })).toBeUndefined();
    expect(openingRefusal({ state, openers: ['a', 'b'], officerId: 'c' })).toBe(
      'the offers are already open',
    );
  });

  it('an objection is decided once, in the standstill, with a reason, and an upheld one says where to', () => {
    const base = { state: 'standstill' as const, open: new Set(['o-1']), objectionId: 'o-1', reason: 'r' };
    expect(objectionDecisionRefusal({ ...base, upheld: false })).toBeUndefined();
    expect(objectionDecisionRefusal({ ...base, upheld: true })).toMatch(/reopen evaluation or the gate/);
    expect(objectionDecisionRefusal({ ...base, upheld: true, reopen: 'gate' })).toBeUndefined();
    expect(objectionDecisionRefusal({ ...base, objectionId: 'o-2', upheld: false })).toMatch(/not open/);
    expect(objectionDecisionRefusal({ ...base, upheld: false, reason: '  ' })).toMatch(/needs a reason/);
    expect(objectionDecisionRefusal({ ...base, state: 'gate', upheld: false })).toMatch(/in the standstill/);
  });
});

describe('a deadline an officer moves', () => {
  const now = Date.parse('2027-03-01T12:00:00Z');
  const deadlines = { submissionsClose: '2027-03-10T12:00:00Z', evaluationClose: '2027-03-20T12:00:00Z' };
  const extend = (milestone: 'submissionsClose' | 'evaluationClose', until: string, reason = 'ill') =>
    extensionRefusal({ deadlines, milestone, until, reason, now });

  it('moves forward, before the next milestone, with a reason', () => {
    expect(extend('submissionsClose', '2027-03-12T12:00:00Z')).toBeUndefined();
    expect(extend('submissionsClose', '2027-03-09T12:00:00Z')).toBe('a deadline can only move forward');
    expect(extend('submissionsClose', '2027-03-10T12:00:00Z')).toBe('a deadline can only move forward');
    expect(extend('submissionsClose', '2027-03-20T12:00:00Z')).toMatch(/stay before evaluationClose/);
    expect(extend('submissionsClose', '2027-03-12T12:00:00Z', ' ')).toMatch(/needs a reason/);
    expect(extend('submissionsClose', 'next week')).toBe('until must be an ISO date-time');
  });

  it('cannot move once it has passed, nor before the phase has it', () => {
    const late = extensionRefusal({
      deadlines,
      milestone: 'submissionsClose',
      until: '2027-03-12T12:00:00Z',
      reason: 'ill',
      now: Date.parse('2027-03-10T12:00:00Z'),
    });
    expect(late).toBe('the submissionsClose deadline has already passed');
    expect(
      extensionRefusal({
        deadlines: {},
        milestone: 'questionsClose',
        until: '2027-03-12T12:00:00Z',
        reason: 'x',
        now,
      }),
    ).toBe('the phase has no questionsClose deadline yet');
  });
});
