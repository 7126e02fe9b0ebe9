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
export function attentionDesk(options: AttentionOptions) {
  const { acts, competitionId } = options;
  let attention: NeedsAttention | undefined;
  let busy = false;

  const change = (next: NeedsAttention | undefined) => {
    attention = next;
    options.onChange?.(next);
  };

  setHandler(
    resumePhaseUpdate,
    async ({ officerId, reason }: ResumePhase) => {
      const { step, phaseKey } = attention!;
      busy = true;
      try {
        const { state } = await acts.resumePhase({
          competitionId,
          phaseKey,
          actor: officerId,
          reason,
          at: options.now(),
        });
        change(undefined);
        return { resumed: step, state };
      } finally {
        busy = false;
      }
    },
    {
      validator: ({ phaseKey, reason }: ResumePhase) => {
        if (!attention || attention.phaseKey !== phaseKey) {
          throw refuse(`phase ${phaseKey} has no failed step waiting for an officer`);
        }
        if (busy) throw refuse('the phase is recording its state; try again in a moment');
        if (!reason.trim()) throw refuse('a resume needs a reason');
      },
    },
  );

  /** Waits for an officer's resume, or throws StepInterrupted when `interruptible` and interrupted. */
  async function waitForOfficer(step: string, error: ActivityFailure, interruptible: boolean) {
    const since = options.now();
    const phaseKey = options.phaseKey();
    change({ phaseKey, step, reason: failureReason(error), since });
    busy = true;
    try {
      await acts.markNeedsAttention({
        competitionId,
        phaseKey,
        step,
        reason: attention!.reason,
        at: since,
        raisedBy: options.raisedBy,
      });
    } catch (markFailed) {
      // Postgres itself may be what fails: the query still shows the phase waiting, and a resume works.
      if (!(markFailed instanceof ActivityFailure)) throw markFailed;
    } finally {
      busy = false;
    }
    await condition(() => attention === undefined || (interruptible && options.interrupted()));
    if (attention === undefined) return;
    await acts
      .resumePhase({ competitionId, phaseKey, actor: 'system', reason: 'cancelled', at: options.now() })
      .catch((cleanupFailed) => {
        if (!(cleanupFailed instanceof ActivityFailure)) throw cleanupFailed;
      });
    change(undefined);
    throw new StepInterrupted();
  }

  /** Runs `run`; when its activity fails for good, waits for an officer and runs it again. */
  async function attempt<T>(step: string, run: () => Promise<T>, interruptible = true): Promise<T> {
    for (;;) {
      try {
        return await run();
      } catch (error) {
        if (!(error instanceof ActivityFailure)) throw error;
        await waitForOfficer(step, error, interruptible);
      }
    }
  }

  /** The same activities, each run through `attempt` under its own name. */
  function guard<A extends object>(activities: A): A {
    return new Proxy(activities, {
      get:
        (target, name) =>
        (...args: unknown[]) =>
          attempt(String(name), () =>
            (target as Record<string | symbol, (...a: unknown[]) => Promise<unknown>>)[name]!(...args),
          ),
    });
  }

  return { attempt, guard, current: () => attention };
}
