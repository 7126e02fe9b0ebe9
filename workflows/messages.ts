import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { PhaseState } from '../domain/competition.ts';
import type { Milestone } from '../domain/schedule.ts';

/** Officer actions on a phase: each answers at once with a yes or a reasoned no. */
export interface ApproveGate {
  officerId: string;
}
export interface ExtendDeadline {
  officerId: string;
  milestone: Milestone;
  /** ISO instant; only later than the current deadline, and only before that deadline passes. */
  until: string;
  reason: string;
}
export interface DecideObjection {
  officerId: string;
  objectionId: string;
  upheld: boolean;
  /** Where an upheld objection sends the phase back to. */
  reopen?: 'evaluation' | 'gate';
  reason: string;
}
export interface DecideDeliverable {
  officerId: string;
  offerId: string;
  accepted: boolean;
  note: string;
}
export interface CancelCompetition {
  officerId: string;
  reason: string;
}

export interface OpenOffers {
  officerId: string;
}

/** An officer's go-ahead for a phase that needs attention: the failed step is tried again. */
export interface ResumePhase {
  officerId: string;
  phaseKey: string;
  /** What was done about the cause; recorded in the audit log. */
  reason: string;
}

/** A step that failed for good, waiting for an officer (see workflows/attention.ts). */
export interface NeedsAttention {
  phaseKey: string;
  step: string;
  reason: string;
  since: string;
}

/** One officer's consent to open the sealed offers; the second distinct officer's opens them. */
export const openOffersUpdate = defineUpdate<{ opened: boolean; officers: string[] }, [OpenOffers]>(
  'openOffers',
);
/**
 * Anonymous review: one officer's consent to open the identity parts, once the ranking is fixed;
 * the second distinct officer's opens them (the offers' senders then show, and the gate may be approved).
 */
export const openIdentitiesUpdate = defineUpdate<{ opened: boolean; officers: string[] }, [OpenOffers]>(
  'openIdentities',
);
export const approveGateUpdate = defineUpdate<{ standstillEndsAt: string }, [ApproveGate]>('approveGate');
export const extendDeadlineUpdate = defineUpdate<{ deadlines: Record<Milestone, string> }, [ExtendDeadline]>(
  'extendDeadline',
);
export const decideObjectionUpdate = defineUpdate<{ state: PhaseState }, [DecideObjection]>(
  'decideObjection',
);
export const decideDeliverableUpdate = defineUpdate<{ pending: number }, [DecideDeliverable]>(
  'decideDeliverable',
);
/** Registered by the phase workflow and by the competition workflow: whichever has the failed step. */
export const resumePhaseUpdate = defineUpdate<{ resumed: string; state: PhaseState }, [ResumePhase]>(
  'resumePhase',
);
export const cancelCompetitionUpdate = defineUpdate<{ cancelled: true }, [CancelCompetition]>(
  'cancelCompetition',
);

/** Signals carry no offer or score data: that lives in Postgres. They say "look again". */
export const jurorFinishedSignal = defineSignal<[{ jurorId: string; round: number }]>('jurorFinished');
export const consensusReachedSignal = defineSignal<[{ chairId: string; round: number }]>('consensusReached');
export const objectionFiledSignal = defineSignal<[{ objectionId: string }]>('objectionFiled');
export const winnerWithdrewSignal = defineSignal<[{ offerId: string }]>('winnerWithdrew');
export const cancelPhaseSignal = defineSignal<[{ reason: string }]>('cancelPhase');

/** One move of the phase's state machine (domain/phase-machine.ts), at workflow time. */
export interface PhaseTransitionRecord {
  from: PhaseState;
  to: PhaseState;
  at: string;
}

export interface PhaseDiagnostics {
  state: PhaseState;
  round: number;
  deadlines: Partial<Record<Milestone, string>>;
  standstillEndsAt?: string;
  jurorsFinished: string[];
  openObjections: string[];
  pendingDeliverables: number;
  gateApproved: boolean;
  offersOpenedBy: string[];
  /** Anonymous review only: the officers who consented to opening the identity parts. */
  identitiesOpenedBy?: string[];
  attention?: NeedsAttention;
  /** Why the jurors' reminder was not sent, when it was due before the evaluation opened. */
  reminderSkipped?: string;
  /** Every move the phase made so far, in order. */
  transitions: PhaseTransitionRecord[];
}
export const phaseDiagnosticsQuery = defineQuery<PhaseDiagnostics>('phaseDiagnostics');

export interface CompetitionDiagnostics {
  currentPhase?: string;
  completedPhases: string[];
  cancelled?: string;
  attention?: NeedsAttention;
}
export const competitionDiagnosticsQuery = defineQuery<CompetitionDiagnostics>('competitionDiagnostics');
