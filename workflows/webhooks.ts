import { continueAsNew, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { WebhookActivities } from '../activities/index.ts';
import { WEBHOOK_DELIVERY_OPTIONS } from './activity-options.ts';

const { deliverWebhooks } = proxyActivities<WebhookActivities>(WEBHOOK_DELIVERY_OPTIONS);

/** Rounds per run before continuing as new: each idle round adds a handful of events. */
const ROUNDS_PER_RUN = 500;

export const webhookWorkflowId = (endpointId: string) => `webhook-${endpointId}`;

/**
 * One per webhook endpoint, from its registration until it is deleted: each round, an activity
 * waits for the endpoint's next notices and delivers them in order (the position lives in Postgres,
 * so a new run or a retry resumes exactly where delivery stands). No timers: the activity waits, so
 * the time-skipping test server never races through idle rounds.
 */
export async function webhookDeliveryWorkflow(endpointId: string): Promise<void> {
  for (let round = 0; round < ROUNDS_PER_RUN; round++) {
    const { gone } = await deliverWebhooks(endpointId);
    if (gone) return;
    if (workflowInfo().continueAsNewSuggested) break;
  }
  await continueAsNew<typeof webhookDeliveryWorkflow>(endpointId);
}
