import type { Client } from '@temporalio/client';
import { sleep } from './client.ts';

/** temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED */
const STARTED = 2;

export const phaseWorkflowId = (competitionId: string) => `competition-${competitionId}-phase-feasibility`;

/** Waits until a worker has started an activity of `type` in the workflow: who runs it, which attempt. */
export async function startedActivity(client: Client, workflowId: string, type: string, timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const description = await client.workflow.getHandle(workflowId).describe();
    const running = (description.raw.pendingActivities ?? []).find(
      (a) => a.activityType?.name === type && a.state === STARTED,
    );
    if (running) return { identity: running.lastWorkerIdentity ?? '', attempt: running.attempt ?? 0 };
    if (Date.now() > until) throw new Error(`${type} did not start in ${workflowId}`);
    await sleep(100);
  }
}

/**
 * The attempt that finally ran each activity of `type`, from the workflow's history: Temporal writes
 * the start of the last attempt only, so 2 or more says an earlier attempt was lost or timed out.
 */
export async function finalAttempts(client: Client, workflowId: string, type: string): Promise<number[]> {
  const events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  const scheduled = new Set(
    events
      .filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === type)
      .map((e) => String(e.eventId)),
  );
  return events
    .filter((e) => scheduled.has(String(e.activityTaskStartedEventAttributes?.scheduledEventId)))
    .map((e) => e.activityTaskStartedEventAttributes!.attempt ?? 0);
}
