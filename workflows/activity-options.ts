import type { ActivityOptions } from '@temporalio/workflow';

/**
 * How long a workflow keeps trying an activity. Bad data never gets here: it fails at once, without
 * a retry (activities/failures.ts). An outage is retried from 1 second, doubling to at most
 * 10 minutes, 40 attempts in all: about 17 minutes to reach the 10-minute interval, then 29 waits of
 * 10 minutes, so about 5 hours. Long enough to outlast a Postgres failover, a restart or a night's
 * maintenance window; short enough that officers hear of a lasting fault (the phase then shows
 * `needs-attention`, see attention.ts) on the same working day instead of never.
 */
export const ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '10 minutes',
    maximumAttempts: 40,
  },
};

/**
 * Webhook delivery: one activity waits up to WEBHOOK_WAIT_MS for new notices and sends them in
 * order; a receiver that fails makes it throw, and Temporal retries from 1 second, doubling to at
 * most an hour, without end: a receiver down for a day, or a week, gets everything when it is back.
 * The delivery log shows each attempt and when the next is due (nextWebhookAttemptAt).
 */
export const WEBHOOK_RETRY = {
  initialIntervalMs: 1000,
  backoffCoefficient: 2,
  maximumIntervalMs: 60 * 60 * 1000,
} as const;

export const WEBHOOK_DELIVERY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '1 minute',
  retry: {
    initialInterval: WEBHOOK_RETRY.initialIntervalMs,
    backoffCoefficient: WEBHOOK_RETRY.backoffCoefficient,
    maximumInterval: WEBHOOK_RETRY.maximumIntervalMs,
    // No maximumAttempts: unlimited.
  },
};

/** When Temporal's next attempt falls, after attempt number `attempt` (1-based) failed. */
export function nextWebhookAttemptAt(now: Date, attempt: number): Date {
  const { initialIntervalMs, backoffCoefficient, maximumIntervalMs } = WEBHOOK_RETRY;
  const delay = Math.min(
    initialIntervalMs * backoffCoefficient ** Math.max(0, attempt - 1),
    maximumIntervalMs,
  );
  return new Date(now.getTime() + delay);
}
