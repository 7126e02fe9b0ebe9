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
