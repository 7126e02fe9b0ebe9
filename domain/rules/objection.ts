import { actionRefusal } from '../phase-machine.ts';
import type { PhaseState } from '../competition.ts';

/**
 * An objection is decided during the standstill, once, with a reason; an upheld one says where the
 * phase goes back to (a new evaluation round, or the gate). Why the decision cannot be taken, or
 * undefined when it can.
 */
export function objectionDecisionRefusal(decision: {
  state: PhaseState;
  /** The objections filed in this phase and not decided yet. */
  open: ReadonlySet<string>;
  objectionId: string;
  upheld: boolean;
  reopen?: 'evaluation' | 'gate' | undefined;
  reason: string;
}): string | undefined {
  const wrongState = actionRefusal('decideObjection', decision.state);
  if (wrongState) return wrongState;
  if (!decision.open.has(decision.objectionId)) {
    return `objection ${decision.objectionId} is not open in this phase`;
  }
  if (decision.upheld && !decision.reopen) {
    return 'an upheld objection must say whether to reopen evaluation or the gate';
  }
  if (!decision.reason.trim()) return 'a decision on an objection needs a reason';
  return undefined;
}

/**
 * A bidder files an objection within the standstill: once the workflow's standstill timer has fired
 * it is late, whatever the clocks say, and only a company that made an offer in the phase (active
 * or withdrawn since) may object. Why the objection is refused, or undefined when it is taken.
 */
export function objectionFilingRefusal(facts: {
  standstillEndsAt: Date | null;
  standstillClosedAt: Date | null;
  madeAnOffer: boolean;
}): { code: 'deadline-passed' | 'forbidden'; message: string } | undefined {
  if (facts.standstillClosedAt) {
    const ended = (facts.standstillEndsAt ?? facts.standstillClosedAt).toISOString();
    return { code: 'deadline-passed', message: `the standstill closed at ${ended}` };
  }
  if (!facts.madeAnOffer) {
    return { code: 'forbidden', message: 'only a company that made an offer in this phase may object' };
  }
  return undefined;
}
