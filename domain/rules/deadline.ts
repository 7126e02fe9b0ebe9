import { PHASE_LIFE, type PhaseState } from '../competition.ts';

/**
 * When a write comes too late. Two guards see it, whichever first: the database clock past the
 * window's deadline, or the phase's state moved past the window (the workflow moves it at the
 * deadline by its own clock, which may run ahead). Either way the caller hears the same thing:
 * the deadline has passed. Pure: the facts are read elsewhere, with the database clock.
 */

/** No award comes at or after a gate, so after every window of the phase. */
const position = (state: PhaseState) =>
  state === 'no-award' ? PHASE_LIFE.length : PHASE_LIFE.indexOf(state);

/** Whether the phase has moved on past every state that a write allows. */
export function movedPast(state: PhaseState, allowed: readonly PhaseState[]): boolean {
  const now = position(state);
  return now >= 0 && allowed.every((a) => position(a) < now);
}

/**
 * Whether a write that needs one of the `allowed` states comes after its window's deadline. A
 * window whose deadline is not set has not opened yet: that is never too late.
 */
export function isTooLate(
  allowed: readonly PhaseState[],
  facts: { state: PhaseState; deadline: Date | null; now: Date },
): boolean {
  if (!facts.deadline) return false;
  return facts.now.getTime() >= facts.deadline.getTime() || movedPast(facts.state, allowed);
}
