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
