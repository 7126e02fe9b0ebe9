import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  patched,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { PhaseState } from '../domain/competition.ts';
import { MILESTONES, type Calendar, type Milestone } from '../domain/schedule.ts';
import { gateApprovalRefusal, identityOpeningRefusal } from '../domain/rules/anonymity.ts';
import type { PhaseTemplate } from '../domain/template.ts';
import type { PhaseActivities } from '../activities/index.ts';
import { ACTIVITY_OPTIONS } from './activity-options.ts';
import { attentionDesk, StepInterrupted } from './attention.ts';
import {
  approveGateUpdate,
  cancelPhaseSignal,
  consensusReachedSignal,
  decideDeliverableUpdate,
  decideObjectionUpdate,
  extendDeadlineUpdate,
  jurorFinishedSignal,
  type ExtendDeadline,
  objectionFiledSignal,
  openIdentitiesUpdate,
  openOffersUpdate,
  phaseDiagnosticsQuery,
  type OpenOffers,
  winnerWithdrewSignal,
} from './messages.ts';

export interface PhaseInput {
  competitionId: string;
  phase: PhaseTemplate;
  calendar: Calendar;
}

export interface PhaseResult {
  outcome: 'completed' | 'no-award' | 'cancelled';
  reason?: string;
  /** Companies whose award became final and whose deliverable was accepted. */
  qualified: string[];
}

const acts = proxyActivities<PhaseActivities>(ACTIVITY_OPTIONS);

const DAY_MS = 24 * 60 * 60 * 1000;

/** Patch: `reminderDaysBeforeEvaluationClose: 0` sends no reminder. */
const NO_REMINDER_AT_ZERO_DAYS = 'no-reminder-at-zero-days';
/** Patch: a reminder due before the evaluation even opened is skipped, with the reason, not sent at once. */
const NO_REMINDER_BEFORE_OPENING = 'no-reminder-before-opening';

class PhaseCancelled extends Error {}

const refuse = (message: string) =>
  ApplicationFailure.create({ type: 'refused', message, nonRetryable: true });

/**
 * Anonymous review: the identity parts open with two different officers' consent once the ranking is
 * fixed (domain/rules/anonymity.ts), and the gate waits for it. A phase without it never sees this
 * Update accepted, so its history is unchanged.
 */
function identityOpening(
  ref: { competitionId: string; phaseKey: string },
  phase: PhaseTemplate,
  current: () => { state: PhaseState; round: number },
  now: () => string,
) {
  const anonymousReview = phase.anonymousReview === true;
  const openers: string[] = [];
  let opened = false;
  setHandler(
    openIdentitiesUpdate,
    async ({ officerId }: OpenOffers) => {
      openers.push(officerId);
      const result = await acts.recordIdentityOpening({
        ...ref,
        round: current().round,
        officerId,
        at: now(),
      });
      if (result.opened) opened = true;
      return result;
    },
    {
      validator: ({ officerId }: OpenOffers) => {
        const { state } = current();
        const refusal = identityOpeningRefusal({ anonymousReview, state, openers, officerId });
        if (refusal) throw refuse(refusal);
      },
    },
  );
  return {
    gateRefusal: () => gateApprovalRefusal({ anonymousReview, identitiesOpened: opened }),
    diagnostics: () => (anonymousReview ? { identitiesOpenedBy: [...openers] } : {}),
  };
}

/**
 * One phase of a competition, from publication to its last deliverable. It owns time and
 * transitions only: offers, scores and decisions are rows in Postgres, written by the API or by
 * this workflow's activities, so the history stays the same size however many offers arrive.
 */
export async function phaseWorkflow(input: PhaseInput): Promise<PhaseResult> {
  const { phase } = input;
  const ref = { competitionId: input.competitionId, phaseKey: phase.key };

  let state: PhaseState = 'pending';
  let round = 1;
  const deadlines: Partial<Record<Milestone, string>> = {};
  let deadlinesVersion = 0;
  let standstillEndsAt: string | undefined;
  let jurorsAssigned = 0;
  const jurorsFinished = new Set<string>();
  let consensusReached = false;
  let gateApproved = false;
  const openObjections = new Set<string>();
  let reopen: 'evaluation' | 'gate' | undefined;
  let reminderSkipped: string | undefined;
  const withdrawnWinners: string[] = [];
  let pendingDeliverables = 0;
  let cancelReason: string | undefined;
  const openers: string[] = [];

  const now = () => new Date(Date.now()).toISOString();

  // The main flow's steps wait for an officer when they fail for good; an officer action's failure
  // goes back to that officer as the Update's answer instead.
  let stateBeforeAttention: PhaseState = state;
  const desk = attentionDesk({
    acts,
    competitionId: input.competitionId,
    phaseKey: () => phase.key,
    raisedBy: 'phase',
    now,
    interrupted: () => cancelReason !== undefined,
    onChange: (attention) => {
      if (attention) [stateBeforeAttention, state] = [state, 'needs-attention'];
      else state = stateBeforeAttention;
    },
  });
  const steps = desk.guard(acts);

  const identities = identityOpening(ref, phase, () => ({ state, round }), now);
  setHandler(phaseDiagnosticsQuery, () => ({
    state,
    round,
    deadlines: { ...deadlines },
    standstillEndsAt,
    jurorsFinished: [...jurorsFinished],
    openObjections: [...openObjections],
    pendingDeliverables,
    gateApproved,
    offersOpenedBy: [...openers],
    ...identities.diagnostics(),
    attention: desk.current(),
    ...(reminderSkipped ? { reminderSkipped } : {}),
  }));
  setHandler(jurorFinishedSignal, ({ jurorId, round: r }) => {
    if (r === round) jurorsFinished.add(jurorId);
  });
  setHandler(consensusReachedSignal, ({ round: r }) => {
    if (r === round) consensusReached = true;
  });
  setHandler(objectionFiledSignal, ({ objectionId }) => void openObjections.add(objectionId));
  setHandler(winnerWithdrewSignal, ({ offerId }) => void withdrawnWinners.push(offerId));
  setHandler(cancelPhaseSignal, ({ reason }) => {
    cancelReason = reason;
  });

  setHandler(
    openOffersUpdate,
    async ({ officerId }: OpenOffers) => {
      openers.push(officerId);
      const result = await acts.recordOpening({ ...ref, officerId, at: now() });
      return result;
    },
    {
      validator: ({ officerId }: OpenOffers) => {
        if (!['evaluation', 'consensus', 'gate', 'standstill', 'execution'].includes(state)) {
          throw refuse(`offers are opened after the submission deadline; the phase is ${state}`);
        }
        if (openers.length >= 2) throw refuse('the offers are already open');
        if (openers.includes(officerId))
          throw refuse('a second, different officer must consent to the opening');
      },
    },
  );

  setHandler(
    approveGateUpdate,
    async ({ officerId }) => {
      const result = await acts.recordIntendedAward({ ...ref, round, officerId, at: now() });
      standstillEndsAt = result.standstillEndsAt;
      state = 'standstill';
      gateApproved = true;
      return { standstillEndsAt };
    },
    {
      validator: (_approval) => {
        if (state !== 'gate' || gateApproved) throw refuse(`the phase is ${state}, not waiting at its gate`);
        const anonymous = identities.gateRefusal();
        if (anonymous) throw refuse(anonymous);
      },
    },
  );

  setHandler(
    extendDeadlineUpdate,
    async (request: ExtendDeadline) => {
      await acts.extendDeadline({ ...ref, ...request });
      deadlines[request.milestone] = request.until;
      deadlinesVersion++;
      return { deadlines: { ...deadlines } as Record<Milestone, string> };
    },
    {
      validator: ({ milestone, until, reason }: ExtendDeadline) => {
        const current = deadlines[milestone];
        if (!current) throw refuse(`the phase has no ${milestone} deadline yet`);
        if (Date.parse(current) <= Date.now()) throw refuse(`the ${milestone} deadline has already passed`);
        const next = Date.parse(until);
        if (!Number.isFinite(next)) throw refuse('until must be an ISO date-time');
        if (next <= Date.parse(current)) throw refuse('a deadline can only move forward');
        const following = MILESTONES[MILESTONES.indexOf(milestone) + 1];
        const followingAt = following && deadlines[following];
        if (followingAt && next >= Date.parse(followingAt)) {
          throw refuse(`${milestone} must stay before ${following} (${followingAt}); extend that one first`);
        }
        if (!reason.trim()) throw refuse('an extension needs a reason, which is sent to every company');
      },
    },
  );

  setHandler(
    decideObjectionUpdate,
    async (decision) => {
      await acts.decideObjection({ ...ref, ...decision, at: now() });
      openObjections.delete(decision.objectionId);
      if (decision.upheld) reopen = decision.reopen;
      // The answer names the state the phase moves to: back to evaluation or the gate when upheld.
      return { state: reopen ?? state };
    },
    {
      validator: ({ objectionId, upheld, reopen: target, reason }) => {
        if (state !== 'standstill')
          throw refuse(`objections are decided in the standstill; the phase is ${state}`);
        if (!openObjections.has(objectionId))
          throw refuse(`objection ${objectionId} is not open in this phase`);
        if (upheld && !target)
          throw refuse('an upheld objection must say whether to reopen evaluation or the gate');
        if (!reason.trim()) throw refuse('a decision on an objection needs a reason');
      },
    },
  );

  setHandler(
    decideDeliverableUpdate,
    async (decision) => {
      const { pending } = await acts.decideDeliverable({ ...ref, ...decision, at: now() });
      pendingDeliverables = pending;
      return { pending };
    },
    {
      validator: (_decision) => {
        if (state !== 'execution')
          throw refuse(`deliverables are decided during execution; the phase is ${state}`);
      },
    },
  );

  const move = async (to: PhaseState) => {
    await steps.movePhase({ ...ref, to, at: now() });
    state = to;
  };

  /** Waits for an instant that officers may move, or until `early` holds. */
  const waitUntil = async (instant: () => string, early: () => boolean = () => false) => {
    for (;;) {
      if (cancelReason !== undefined) throw new PhaseCancelled();
      if (early()) return 'early';
      const remaining = Date.parse(instant()) - Date.now();
      if (remaining <= 0) return 'deadline';
      const version = deadlinesVersion;
      await condition(() => cancelReason !== undefined || version !== deadlinesVersion || early(), remaining);
    }
  };
  const waitFor = async (done: () => boolean) => {
    await condition(() => cancelReason !== undefined || done());
    if (cancelReason !== undefined) throw new PhaseCancelled();
  };
  const deadline = (milestone: Milestone) => () => deadlines[milestone]!;

  const finish = async (outcome: PhaseResult['outcome'], reason?: string): Promise<PhaseResult> => {
    const close = () => acts.closePhase({ ...ref, outcome, reason: reason ?? null, at: now() });
    const { qualified } = await desk.attempt('closePhase', close, false);
    await condition(allHandlersFinished);
    return { outcome, reason, qualified };
  };

  try {
    // A plan already past waits for an officer; the resume publishes afresh, from its own moment.
    const { admission, schedule } = phase;
    const publish = () =>
      acts.openPhase({ ...ref, admission, schedule, calendar: input.calendar, publishedAt: now() });
    Object.assign(deadlines, await desk.attempt('openPhase', publish));
    state = 'questions-open';
    await waitUntil(deadline('questionsClose'));
    await move('submissions-open');
    await waitUntil(deadline('answersDue'));
    await steps.publishAnswers({ ...ref, at: now() });
    await waitUntil(deadline('submissionsClose'));

    const evaluationWindow = Date.parse(deadlines.evaluationClose!) - Date.parse(deadlines.submissionsClose!);
    let step: 'evaluate' | 'rank' | 'approve' | 'standstill' | 'award' = 'evaluate';
    for (;;) {
      if (step === 'evaluate') {
        const opened = await steps.openEvaluation({
          ...ref,
          round,
          evaluationCloseAt: deadlines.evaluationClose!,
        });
        state = 'evaluation';
        if (opened.offers === 0) return await finish('no-award', 'no offers were received');
        if (phase.pitches) await steps.schedulePitches({ ...ref, round });
        jurorsAssigned = opened.jurors;
        jurorsFinished.clear();
        const everyoneScored = () => jurorsAssigned > 0 && jurorsFinished.size >= jurorsAssigned;
        const remindAt = () =>
          new Date(
            Date.parse(deadlines.evaluationClose!) - phase.reminderDaysBeforeEvaluationClose * DAY_MS,
          ).toISOString();
        // 0 days sends none (before the patch, 0 reminded the late jurors as the evaluation closed).
        const remind = phase.reminderDaysBeforeEvaluationClose > 0 || !patched(NO_REMINDER_AT_ZERO_DAYS);
        // A window shorter than the reminder's days (possible when its ends use different units).
        if (remind && Date.parse(remindAt()) <= Date.now() && patched(NO_REMINDER_BEFORE_OPENING)) {
          reminderSkipped = `the evaluation window is shorter than the ${phase.reminderDaysBeforeEvaluationClose} days before its close at which jurors are reminded`;
        } else if (remind && (await waitUntil(remindAt, everyoneScored)) === 'deadline') {
          await steps.remindJurors({ ...ref, round });
        }
        await waitUntil(deadline('evaluationClose'), everyoneScored);
        step = 'rank';
      } else if (step === 'rank') {
        let ranking = await steps.rankGate({ ...ref, round });
        if (ranking.needsConsensus > 0) {
          await move('consensus');
          consensusReached = false;
          // The consensus meeting ends when the chair closes it, or at the latest when the intended
          // award is due; once that date has passed (a reopened evaluation) only the chair ends it.
          if (Date.parse(deadlines.intendedAwardDue!) > Date.now()) {
            await waitUntil(deadline('intendedAwardDue'), () => consensusReached);
          } else {
            await waitFor(() => consensusReached);
          }
          ranking = await steps.rankGate({ ...ref, round });
        }
        if (ranking.selected === 0) return await finish('no-award', 'no offer met the thresholds');
        await move('gate');
        gateApproved = false;
        step = 'approve';
      } else if (step === 'approve') {
        await waitFor(() => gateApproved);
        reopen = undefined;
        step = 'standstill';
      } else if (step === 'standstill') {
        const interrupted = () => reopen !== undefined || withdrawnWinners.length > 0;
        await waitUntil(() => standstillEndsAt!, interrupted);
        if (!interrupted() && openObjections.size > 0) {
          await waitFor(() => openObjections.size === 0 || interrupted());
        }
        if (withdrawnWinners.length > 0) {
          const offerId = withdrawnWinners.shift()!;
          await steps.replaceWithdrawnWinner({ ...ref, round, offerId, at: now() });
        } else if (reopen === 'evaluation') {
          round++;
          deadlines.evaluationClose = new Date(Date.now() + evaluationWindow).toISOString();
          deadlinesVersion++;
          step = 'evaluate';
        } else if (reopen === 'gate') {
          step = 'rank';
        } else {
          const award = await steps.finalAward({ ...ref, executionMonths: phase.executionMonths, at: now() });
          if (award.blockedBy.length > 0 || award.withdrawn.length > 0) {
            award.blockedBy.forEach((id) => openObjections.add(id));
            award.withdrawn
              .filter((id) => !withdrawnWinners.includes(id))
              .forEach((id) => withdrawnWinners.push(id));
            continue;
          }
          if (award.awarded === 0)
            return await finish('no-award', 'every winner withdrew and no eligible offer could move up');
          step = 'award';
        }
      } else {
        if (phase.executionMonths === 0) return await finish('completed');
        state = 'execution';
        const execution = await steps.pendingDeliverables(ref);
        pendingDeliverables = execution.pending;
        const decided = () => pendingDeliverables === 0;
        if (execution.dueAt && (await waitUntil(() => execution.dueAt!, decided)) === 'deadline') {
          await steps.noticeOverdueDeliverables(ref);
        }
        await waitFor(decided);
        return await finish('completed');
      }
    }
  } catch (error) {
    if (!(error instanceof PhaseCancelled || error instanceof StepInterrupted)) throw error;
    return await finish('cancelled', cancelReason);
  }
}
