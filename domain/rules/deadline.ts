import { PHASE_LIFE, type PhaseState } from '../competition.ts';
import { MILESTONES, type Milestone } from '../schedule.ts';

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

/** A deadline only moves forward: a request for the same or an earlier instant changes nothing. */
export const movesForward = (current: Date, until: string): boolean => Date.parse(until) > current.getTime();

/**
 * Why an officer cannot move `milestone` to `until`, or undefined when the extension stands. A
 * deadline only moves forward, only before it passes, never past the milestone after it (extend that
 * one first), and always with a reason, which every company is sent. `deadlines` are the phase's
 * current ones as ISO instants.
 */
export function extensionRefusal(request: {
  deadlines: Partial<Record<Milestone, string>>;
  milestone: Milestone;
  until: string;
  reason: string;
  now: number;
}): string | undefined {
  const { deadlines, milestone, until, reason, now } = request;
  const current = deadlines[milestone];
  if (!current) return `the phase has no ${milestone} deadline yet`;
  if (Date.parse(current) <= now) return `the ${milestone} deadline has already passed`;
  const next = Date.parse(until);
  if (!Number.isFinite(next)) return 'until must be an ISO date-time';
  if (!movesForward(new Date(current), until)) return 'a deadline can only move forward';
  const following = MILESTONES[MILESTONES.indexOf(milestone) + 1];
  const followingAt = following && deadlines[following];
  if (followingAt && next >= Date.parse(followingAt)) {
    return `${milestone} must stay before ${following} (${followingAt}); extend that one first`;
  }
  if (!reason.trim()) return 'an extension needs a reason, which is sent to every company';
  return undefined;
}
