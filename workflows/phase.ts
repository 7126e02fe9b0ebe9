import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  patched,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import { Mutex } from 'async-mutex';
import type { PhaseState } from '../domain/competition.ts';
import { actionRefusal, canMove } from '../domain/phase-machine.ts';
import { extensionRefusal } from '../domain/rules/deadline.ts';
import { objectionDecisionRefusal } from '../domain/rules/objection.ts';
import { openingRefusal } from '../domain/rules/opening.ts';
import type { Calendar, Milestone } from '../domain/schedule.ts';
import type { PhaseTemplate } from '../domain/template.ts';
import type { PhaseActivities } from '../activities/index.ts';
import { ACTIVITY_OPTIONS } from './activity-options.ts';
import { attentionDesk, StepInterrupted } from './attention.ts';
import { MovableDeadlines, PhaseCancelled } from './deadlines.ts';
import { identityOpening } from './identity-opening.ts';
import {
  approveGateUpdate,
  cancelPhaseSignal,
  consensusReachedSignal,
  decideDeliverableUpdate,
  decideObjectionUpdate,
  extendDeadlineUpdate,
  type ExtendDeadline,
  jurorFinishedSignal,
  objectionFiledSignal,
  openOffersUpdate,
  phaseDiagnosticsQuery,
  type PhaseDiagnostics,
  type PhaseTransitionRecord,
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
/** Patch: officer actions run one at a time and check their rule again once it is their turn. */
const SERIAL_OFFICER_ACTIONS = 'serial-officer-actions';

const refuse = (message: string) =>
  ApplicationFailure.create({ type: 'refused', message, nonRetryable: true });

/** The steps of the main flow after the submissions close; each says which one comes next. */
type Step = 'evaluate' | 'rank' | 'approve' | 'standstill' | 'execute';
type Next = Step | PhaseResult;

/**
 * One phase of a competition, from publication to its last deliverable. It owns time and
 * transitions only: offers, scores and decisions are rows in Postgres, written by the API or by
 * this workflow's activities, so the history stays the same size however many offers arrive.
 */
export async function phaseWorkflow(input: PhaseInput): Promise<PhaseResult> {
  return new Phase(input).run();
}

/**
 * The phase as a state machine (domain/phase-machine.ts): one method per step, each moving the
 * state only through `enter`, and the officers' actions as Updates that run one at a time.
 */
class Phase {
  private state: PhaseState = 'pending';
  private round = 1;
  private readonly transitions: PhaseTransitionRecord[] = [];
  private cancelReason: string | undefined;
  private readonly deadlines = new MovableDeadlines(() => this.cancelReason !== undefined);
  private standstillEndsAt: string | undefined;
  private jurorsAssigned = 0;
  private readonly jurorsFinished = new Set<string>();
  private consensusReached = false;
  private gateApproved = false;
  private readonly openObjections = new Set<string>();
  private reopen: 'evaluation' | 'gate' | undefined;
  private reminderSkipped: string | undefined;
  private readonly withdrawnWinners: string[] = [];
  private pendingDeliverables = 0;
  private readonly openers: string[] = [];
  private readonly officerActions = new Mutex();
  private readonly ref: { competitionId: string; phaseKey: string };
  private readonly phase: PhaseTemplate;
  private readonly desk: ReturnType<typeof attentionDesk>;
  private readonly steps: PhaseActivities;
  private readonly identities: ReturnType<typeof identityOpening>;

  constructor(private readonly input: PhaseInput) {
    this.phase = input.phase;
    this.ref = { competitionId: input.competitionId, phaseKey: input.phase.key };
    // The main flow's steps wait for an officer when they fail for good; an officer action's failure
    // goes back to that officer as the Update's answer instead.
    let stateBeforeAttention: PhaseState = this.state;
    this.desk = attentionDesk({
      acts,
      competitionId: input.competitionId,
      phaseKey: () => this.phase.key,
      raisedBy: 'phase',
      now,
      interrupted: () => this.cancelReason !== undefined,
      onChange: (attention) => {
        if (attention) {
          stateBeforeAttention = this.state;
          this.enter('needs-attention');
        } else this.enter(stateBeforeAttention);
      },
    });
    this.steps = this.desk.guard(acts);
    const current = () => ({ state: this.state, round: this.round });
    this.identities = identityOpening(this.ref, this.phase, current, this.officerAction, now);
    setHandler(phaseDiagnosticsQuery, () => this.diagnostics());
    this.listen();
    this.acceptOfficerActions();
  }

  async run(): Promise<PhaseResult> {
    try {
      await this.publish();
      await this.questionsAndSubmissions();
      let next: Next = 'evaluate';
      // A reopened evaluation gets as long as the first one had, counted from the reopening.
      const window =
        Date.parse(this.deadlines.get('evaluationClose')) -
        Date.parse(this.deadlines.get('submissionsClose'));
      while (typeof next === 'string') next = await this.take(next, window);
      return next;
    } catch (error) {
      if (!(error instanceof PhaseCancelled || error instanceof StepInterrupted)) throw error;
      return await this.finish('cancelled', this.cancelReason);
    }
  }

  private take(step: Step, evaluationWindow: number): Promise<Next> {
    switch (step) {
      case 'evaluate':
        return this.evaluate();
      case 'rank':
        return this.rank();
      case 'approve':
        return this.awaitApproval();
      case 'standstill':
        return this.standstill(evaluationWindow);
      case 'execute':
        return this.execute();
    }
  }

  /** Moves the state along the table; a move outside it is a bug, so the workflow task fails and waits for a fix. */
  private enter(to: PhaseState) {
    if (to === this.state) return;
    if (!canMove(this.state, to)) throw new Error(`the phase cannot move from ${this.state} to ${to}`);
    this.transitions.push({ from: this.state, to, at: now() });
    this.state = to;
  }

  /** Records the move in Postgres (the API's guards read it there), then takes it. */
  private async move(to: PhaseState) {
    await this.steps.movePhase({ ...this.ref, to, at: now() });
    this.enter(to);
  }

  private async waitFor(done: () => boolean) {
    await condition(() => this.cancelReason !== undefined || done());
    if (this.cancelReason !== undefined) throw new PhaseCancelled();
  }

  /** A plan already past waits for an officer; the resume publishes afresh, from its own moment. */
  private async publish() {
    const { admission, schedule } = this.phase;
    const publish = () =>
      acts.openPhase({ ...this.ref, admission, schedule, calendar: this.input.calendar, publishedAt: now() });
    this.deadlines.publish(await this.desk.attempt('openPhase', publish));
    this.enter('questions-open');
  }

  private async questionsAndSubmissions() {
    await this.deadlines.waitFor('questionsClose');
    await this.move('submissions-open');
    await this.deadlines.waitFor('answersDue');
    await this.steps.publishAnswers({ ...this.ref, at: now() });
    await this.deadlines.waitFor('submissionsClose');
  }

  private async evaluate(): Promise<Next> {
    const { round } = this;
    const evaluationCloseAt = this.deadlines.get('evaluationClose');
    const opened = await this.steps.openEvaluation({ ...this.ref, round, evaluationCloseAt });
    this.enter('evaluation');
    if (opened.offers === 0) return await this.finish('no-award', 'no offers were received');
    if (this.phase.pitches) await this.steps.schedulePitches({ ...this.ref, round });
    this.jurorsAssigned = opened.jurors;
    this.jurorsFinished.clear();
    await this.remindJurors();
    await this.deadlines.waitFor('evaluationClose', this.everyoneScored);
    return 'rank';
  }

  private everyoneScored = () => this.jurorsAssigned > 0 && this.jurorsFinished.size >= this.jurorsAssigned;

  /** The late jurors hear from the phase some days before the evaluation closes. */
  private async remindJurors() {
    const days = this.phase.reminderDaysBeforeEvaluationClose;
    const remindAt = () =>
      new Date(Date.parse(this.deadlines.get('evaluationClose')) - days * DAY_MS).toISOString();
    // 0 days sends none (before the patch, 0 reminded the late jurors as the evaluation closed).
    const remind = days > 0 || !patched(NO_REMINDER_AT_ZERO_DAYS);
    // A window shorter than the reminder's days (possible when its ends use different units).
    if (remind && Date.parse(remindAt()) <= Date.now() && patched(NO_REMINDER_BEFORE_OPENING)) {
      this.reminderSkipped = `the evaluation window is shorter than the ${days} days before its close at which jurors are reminded`;
    } else if (remind && (await this.deadlines.waitUntil(remindAt, this.everyoneScored)) === 'deadline') {
      await this.steps.remindJurors({ ...this.ref, round: this.round });
    }
  }

  private async rank(): Promise<Next> {
    const ref = { ...this.ref, round: this.round };
    let ranking = await this.steps.rankGate(ref);
    if (ranking.needsConsensus > 0) {
      await this.move('consensus');
      this.consensusReached = false;
      // The consensus meeting ends when the chair closes it, or at the latest when the intended
      // award is due; once that date has passed (a reopened evaluation) only the chair ends it.
      if (Date.parse(this.deadlines.get('intendedAwardDue')) > Date.now()) {
        await this.deadlines.waitFor('intendedAwardDue', () => this.consensusReached);
      } else {
        await this.waitFor(() => this.consensusReached);
      }
      ranking = await this.steps.rankGate(ref);
    }
    if (ranking.selected === 0) return await this.finish('no-award', 'no offer met the thresholds');
    await this.move('gate');
    this.gateApproved = false;
    return 'approve';
  }

  private async awaitApproval(): Promise<Next> {
    await this.waitFor(() => this.gateApproved);
    this.reopen = undefined;
    return 'standstill';
  }

  /**
   * The standstill ends when its time is up and no objection is open. Before that, a withdrawn
   * winner's place moves up, and an upheld objection sends the phase back to evaluation or the gate.
   */
  private async standstill(evaluationWindow: number): Promise<Next> {
    const interrupted = () => this.reopen !== undefined || this.withdrawnWinners.length > 0;
    await this.deadlines.waitUntil(() => this.standstillEndsAt!, interrupted);
    if (!interrupted() && this.openObjections.size > 0) {
      await this.waitFor(() => this.openObjections.size === 0 || interrupted());
    }
    if (this.withdrawnWinners.length > 0) {
      const offerId = this.withdrawnWinners.shift()!;
      await this.steps.replaceWithdrawnWinner({ ...this.ref, round: this.round, offerId, at: now() });
      return 'standstill';
    }
    if (this.reopen === 'evaluation') {
      this.round++;
      this.deadlines.move('evaluationClose', new Date(Date.now() + evaluationWindow).toISOString());
      return 'evaluate';
    }
    if (this.reopen === 'gate') return 'rank';
    return this.award();
  }

  private async award(): Promise<Next> {
    const { executionMonths } = this.phase;
    const award = await this.steps.finalAward({ ...this.ref, executionMonths, at: now() });
    if (award.blockedBy.length > 0 || award.withdrawn.length > 0) {
      award.blockedBy.forEach((id) => this.openObjections.add(id));
      award.withdrawn
        .filter((id) => !this.withdrawnWinners.includes(id))
        .forEach((id) => this.withdrawnWinners.push(id));
      return 'standstill';
    }
    if (award.awarded === 0)
      return await this.finish('no-award', 'every winner withdrew and no eligible offer could move up');
    return 'execute';
  }

  private async execute(): Promise<Next> {
    if (this.phase.executionMonths === 0) return await this.finish('completed');
    this.enter('execution');
    const execution = await this.steps.pendingDeliverables(this.ref);
    this.pendingDeliverables = execution.pending;
    const decided = () => this.pendingDeliverables === 0;
    if (execution.dueAt && (await this.deadlines.waitUntil(() => execution.dueAt!, decided)) === 'deadline') {
      await this.steps.noticeOverdueDeliverables(this.ref);
    }
    await this.waitFor(decided);
    return await this.finish('completed');
  }

  private async finish(outcome: PhaseResult['outcome'], reason?: string): Promise<PhaseResult> {
    const close = () => acts.closePhase({ ...this.ref, outcome, reason: reason ?? null, at: now() });
    const { qualified } = await this.desk.attempt('closePhase', close, false);
    this.enter(outcome);
    await condition(allHandlersFinished);
    return { outcome, reason, qualified };
  }

  /** Signals only say "look again": jurors finished, consensus, objections, withdrawals, cancellation. */
  private listen() {
    setHandler(jurorFinishedSignal, ({ jurorId, round }) => {
      if (round === this.round) this.jurorsFinished.add(jurorId);
    });
    setHandler(consensusReachedSignal, ({ round }) => {
      if (round === this.round) this.consensusReached = true;
    });
    setHandler(objectionFiledSignal, ({ objectionId }) => void this.openObjections.add(objectionId));
    setHandler(winnerWithdrewSignal, ({ offerId }) => void this.withdrawnWinners.push(offerId));
    setHandler(cancelPhaseSignal, ({ reason }) => {
      this.cancelReason = reason;
    });
  }

  /**
   * Runs an officer action after the ones before it. Each awaits an activity, and two at once could
   * each pass their rule against the state before the other (two extensions of one deadline); so
   * they take turns, and each checks its rule again when its turn comes.
   */
  private officerAction = <T>(recheck: () => string | undefined, run: () => Promise<T>): Promise<T> => {
    // Histories recorded before the patch ran actions side by side, and replay that way.
    if (!patched(SERIAL_OFFICER_ACTIONS)) return run();
    return this.officerActions.runExclusive(() => {
      const refusal = recheck();
      if (refusal) throw refuse(refusal);
      return run();
    });
  };

  /** Registers an Update whose rule the validator checks at once and the action again in its turn. */
  private action<A extends unknown[], R>(
    update: UpdateDefinition<R, A>,
    rule: (...args: NoInfer<A>) => string | undefined,
    run: (...args: NoInfer<A>) => Promise<R>,
  ) {
    setHandler(
      update,
      (...args: A) =>
        this.officerAction(
          () => rule(...args),
          () => run(...args),
        ),
      {
        validator: (...args: A) => {
          const refusal = rule(...args);
          if (refusal) throw refuse(refusal);
        },
      },
    );
  }

  private acceptOfficerActions() {
    const { ref } = this;
    this.action(
      openOffersUpdate,
      ({ officerId }) => openingRefusal({ state: this.state, openers: this.openers, officerId }),
      async ({ officerId }) => {
        this.openers.push(officerId);
        return acts.recordOpening({ ...ref, officerId, at: now() });
      },
    );
    this.action(
      approveGateUpdate,
      () =>
        (this.gateApproved ? `the phase is ${this.state}, not waiting at its gate` : undefined) ??
        actionRefusal('approveGate', this.state) ??
        this.identities.gateRefusal(),
      async ({ officerId }) => {
        const result = await acts.recordIntendedAward({ ...ref, round: this.round, officerId, at: now() });
        this.standstillEndsAt = result.standstillEndsAt;
        this.enter('standstill');
        this.gateApproved = true;
        return { standstillEndsAt: result.standstillEndsAt };
      },
    );
    this.action(
      extendDeadlineUpdate,
      // Launched but not yet published: the plan is in Postgres (and on the status page) a moment
      // before the workflow has it, so the extension waits for the publication instead of a refusal.
      (request) => (this.state === 'pending' ? undefined : this.extensionRefusal(request)),
      async (request) => {
        await condition(() => this.state !== 'pending' || this.cancelReason !== undefined);
        const refusal = this.extensionRefusal(request);
        if (refusal) throw refuse(refusal);
        const stored = await acts.extendDeadline({ ...ref, ...request });
        // The deadline Postgres holds, which the companies were told; histories before it returned one had none.
        this.deadlines.move(request.milestone, stored?.until ?? request.until);
        return { deadlines: this.deadlines.all() as Record<Milestone, string> };
      },
    );
    this.acceptDecisions();
  }

  private extensionRefusal(request: ExtendDeadline) {
    return extensionRefusal({ ...request, deadlines: this.deadlines.all(), now: Date.now() });
  }

  private acceptDecisions() {
    const { ref } = this;
    this.action(
      decideObjectionUpdate,
      (decision) => objectionDecisionRefusal({ ...decision, state: this.state, open: this.openObjections }),
      async (decision) => {
        await acts.decideObjection({ ...ref, ...decision, at: now() });
        this.openObjections.delete(decision.objectionId);
        if (decision.upheld) this.reopen = decision.reopen;
        // The answer names the state the phase moves to: back to evaluation or the gate when upheld.
        return { state: this.reopen ?? this.state };
      },
    );
    this.action(
      decideDeliverableUpdate,
      () => actionRefusal('decideDeliverable', this.state),
      async (decision) => {
        const { pending } = await acts.decideDeliverable({ ...ref, ...decision, at: now() });
        this.pendingDeliverables = pending;
        return { pending };
      },
    );
  }

  private diagnostics(): PhaseDiagnostics {
    return {
      state: this.state,
      round: this.round,
      deadlines: this.deadlines.all(),
      standstillEndsAt: this.standstillEndsAt,
      jurorsFinished: [...this.jurorsFinished],
      openObjections: [...this.openObjections],
      pendingDeliverables: this.pendingDeliverables,
      gateApproved: this.gateApproved,
      offersOpenedBy: [...this.openers],
      ...this.identities.diagnostics(),
      attention: this.desk.current(),
      ...(this.reminderSkipped ? { reminderSkipped: this.reminderSkipped } : {}),
      transitions: [...this.transitions],
    };
  }
}

const now = () => new Date(Date.now()).toISOString();
