import { ENDED_PHASE_STATES, PHASE_STATES, type PhaseState } from './competition.ts';

/**
 * The phase as a state machine: every move the phase workflow makes, and why. The workflow refuses
 * a move that is not here (workflows/phase.ts `enter`), the README's transition table is this list
 * (a test compares them), and the workflow tests walk every row.
 */
export interface PhaseTransition {
  from: PhaseState | typeof ANY_LIVE_STATE;
  to: PhaseState | typeof ANY_LIVE_STATE;
  /** What makes the move, in the procedure's words. */
  when: string;
}

/** Stands for every live state: cancellation and a failed step apply wherever the phase is. */
export const ANY_LIVE_STATE = 'any live state';

export const PHASE_TRANSITIONS: readonly PhaseTransition[] = [
  { from: 'pending', to: 'questions-open', when: 'the phase is published with its resolved plan' },
  { from: 'questions-open', to: 'submissions-open', when: 'the questions window closes' },
  {
    from: 'submissions-open',
    to: 'evaluation',
    when: 'submissions close; the offers are sealed and the jury is assigned',
  },
  { from: 'evaluation', to: 'no-award', when: 'no offer was received' },
  {
    from: 'evaluation',
    to: 'consensus',
    when: 'every juror finished or the evaluation closed, and jurors disagree beyond the template’s spread',
  },
  { from: 'evaluation', to: 'gate', when: 'the ranking selects at least one offer' },
  { from: 'evaluation', to: 'no-award', when: 'no offer met the thresholds' },
  {
    from: 'consensus',
    to: 'gate',
    when: 'the chair closes the consensus meeting, or the intended award is due',
  },
  { from: 'consensus', to: 'no-award', when: 'after consensus no offer met the thresholds' },
  { from: 'gate', to: 'standstill', when: 'an officer approves the gate: the intended award is sent' },
  { from: 'standstill', to: 'evaluation', when: 'an upheld objection reopens the evaluation (a new round)' },
  {
    from: 'standstill',
    to: 'gate',
    when: 'an upheld objection reopens the gate: the offers are ranked again',
  },
  { from: 'standstill', to: 'consensus', when: 'the gate is reopened and the new ranking needs consensus' },
  { from: 'standstill', to: 'no-award', when: 'every winner withdrew and no eligible offer could move up' },
  {
    from: 'standstill',
    to: 'execution',
    when: 'the standstill ended with no open objection: the award is final',
  },
  { from: 'standstill', to: 'completed', when: 'the award is final and the phase has no execution months' },
  { from: 'execution', to: 'completed', when: 'every winner’s deliverable is decided' },
  { from: ANY_LIVE_STATE, to: 'cancelled', when: 'the competition is cancelled' },
  {
    from: ANY_LIVE_STATE,
    to: 'needs-attention',
    when: 'a step failed for good (bad data, or its retries ran out); officers are told',
  },
  {
    from: 'needs-attention',
    to: ANY_LIVE_STATE,
    when: 'an officer resumes: the phase returns to the state it was in and tries the step again',
  },
];

/** Every state the phase has not left for good and is not paused in. */
export const LIVE_STATES: readonly PhaseState[] = PHASE_STATES.filter(
  (s) => !ENDED_PHASE_STATES.includes(s) && s !== 'needs-attention',
);

/** Whether the phase may move from `from` to `to`. */
export function canMove(from: PhaseState, to: PhaseState): boolean {
  const matches = (side: PhaseState | typeof ANY_LIVE_STATE, state: PhaseState) =>
    side === state || (side === ANY_LIVE_STATE && LIVE_STATES.includes(state));
  return PHASE_TRANSITIONS.some((t) => matches(t.from, from) && matches(t.to, to));
}

/**
 * Officer actions on a phase (Workflow Updates), and the states in which each is taken. The
 * workflow's validators refuse an action outside them with the reason below.
 */
export const OFFICER_ACTION_STATES = {
  openOffers: ['evaluation', 'consensus', 'gate', 'standstill', 'execution'],
  approveGate: ['gate'],
  decideObjection: ['standstill'],
  decideDeliverable: ['execution'],
} as const satisfies Record<string, readonly PhaseState[]>;
export type OfficerAction = keyof typeof OFFICER_ACTION_STATES;

const WRONG_STATE: Record<OfficerAction, (state: PhaseState) => string> = {
  openOffers: (s) => `offers are opened after the submission deadline; the phase is ${s}`,
  approveGate: (s) => `the phase is ${s}, not waiting at its gate`,
  decideObjection: (s) => `objections are decided in the standstill; the phase is ${s}`,
  decideDeliverable: (s) => `deliverables are decided during execution; the phase is ${s}`,
};

/** Why `action` cannot be taken in `state`, or undefined when it can. */
export function actionRefusal(action: OfficerAction, state: PhaseState): string | undefined {
  const allowed: readonly PhaseState[] = OFFICER_ACTION_STATES[action];
  return allowed.includes(state) ? undefined : WRONG_STATE[action](state);
}
