import { ActivityFailure, ApplicationFailure, condition, setHandler } from '@temporalio/workflow';
import type { AttentionActivities } from '../activities/index.ts';
import { resumePhaseUpdate, type NeedsAttention, type ResumePhase } from './messages.ts';

/** Thrown by a step whose wait for an officer was ended by something else: a cancellation. */
export class StepInterrupted extends Error {}

export interface AttentionOptions {
  /** Proxied with the workflow's own activity options. */
  acts: AttentionActivities;
  competitionId: string;
  /** The phase whose row shows the failure: the workflow's own, or the competition's current one. */
  phaseKey: () => string;
  raisedBy: 'phase' | 'competition';
  now: () => string;
  /** Ends a wait for an officer, as a cancellation does; steps that must finish are not interruptible. */
  interrupted: () => boolean;
  /** Told when the workflow starts and stops waiting for an officer. */
  onChange?: (attention: NeedsAttention | undefined) => void;
}

const refuse = (message: string) =>
  ApplicationFailure.create({ type: 'refused', message, nonRetryable: true });

/** What an officer reads: the activity's own reason, and whether its retries ran out. */
export function failureReason(error: ActivityFailure): string {
  const reason = error.cause?.message || error.message || 'failed';
  const exhausted = error.retryState === 'MAXIMUM_ATTEMPTS_REACHED' ? ' (every retry failed)' : '';
  return `${error.activityType}: ${reason}${exhausted}`;
}

/**
 * Steps that fail for good (bad data, or retries exhausted) neither kill the workflow nor let it move
 * on: the phase shows `needs-attention` with the reason, officers are told, and the workflow waits
 * for an officer's resume (a Workflow Update), then tries the step again. Nothing here runs while
 * steps succeed, so histories recorded before this existed replay unchanged.
 */
class AttentionDesk {
  private attention: NeedsAttention | undefined;
  /** Set while an activity records the state: a resume then would race it. */
  private busy = false;

  constructor(private readonly options: AttentionOptions) {
    setHandler(resumePhaseUpdate, (request) => this.resume(request), {
      validator: (request) => this.checkResume(request),
    });
  }

  current = () => this.attention;

  /** Runs `run`; when its activity fails for good, waits for an officer and runs it again. */
  attempt = async <T>(step: string, run: () => Promise<T>, interruptible = true): Promise<T> => {
    for (;;) {
      try {
        return await run();
      } catch (error) {
        if (!(error instanceof ActivityFailure)) throw error;
        await this.waitForOfficer(step, error, interruptible);
      }
    }
  };

  /** The same activities, each run through `attempt` under its own name. */
  guard<A extends object>(activities: A): A {
    type Activity = (...args: unknown[]) => Promise<unknown>;
    return new Proxy(activities, {
      get:
        (target, name) =>
        (...args: unknown[]) =>
          this.attempt(String(name), () => (target as Record<string | symbol, Activity>)[name]!(...args)),
    });
  }

  private change(next: NeedsAttention | undefined) {
    this.attention = next;
    this.options.onChange?.(next);
  }

  private checkResume({ phaseKey, reason }: ResumePhase) {
    if (!this.attention || this.attention.phaseKey !== phaseKey) {
      throw refuse(`phase ${phaseKey} has no failed step waiting for an officer`);
    }
    if (this.busy) throw refuse('the phase is recording its state; try again in a moment');
    if (!reason.trim()) throw refuse('a resume needs a reason');
  }

  private async resume({ officerId, reason }: ResumePhase) {
    const { step, phaseKey } = this.attention!;
    const state = await this.recording(() =>
      this.options.acts.resumePhase({
        ...this.ref(phaseKey),
        actor: officerId,
        reason,
        at: this.options.now(),
      }),
    );
    this.change(undefined);
    return { resumed: step, state: state.state };
  }

  /** Waits for an officer's resume, or throws StepInterrupted when `interruptible` and interrupted. */
  private async waitForOfficer(step: string, error: ActivityFailure, interruptible: boolean) {
    const { acts, now, raisedBy } = this.options;
    const phaseKey = this.options.phaseKey();
    const since = now();
    const reason = failureReason(error);
    this.change({ phaseKey, step, reason, since });
    // Postgres itself may be what fails: then the query still shows the wait, and a resume works.
    await this.recording(() =>
      acts.markNeedsAttention({ ...this.ref(phaseKey), step, reason, at: since, raisedBy }),
    ).catch(unlessActivityFailed);
    await condition(() => this.attention === undefined || (interruptible && this.options.interrupted()));
    if (this.attention === undefined) return;
    const cancelled = { ...this.ref(phaseKey), actor: 'system', reason: 'cancelled', at: now() };
    await acts.resumePhase(cancelled).catch(unlessActivityFailed);
    this.change(undefined);
    throw new StepInterrupted();
  }

  private ref = (phaseKey: string) => ({ competitionId: this.options.competitionId, phaseKey });

  private async recording<T>(run: () => Promise<T>): Promise<T> {
    this.busy = true;
    try {
      return await run();
    } finally {
      this.busy = false;
    }
  }
}

/** Swallows an activity's failure (the caller carries on without it), rethrows anything else. */
const unlessActivityFailed = (error: unknown): undefined => {
  if (!(error instanceof ActivityFailure)) throw error;
  return undefined;
};

export const attentionDesk = (options: AttentionOptions) => new AttentionDesk(options);
