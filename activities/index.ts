import type { Keys } from '../db/sealing.ts';
import type { Sql } from '../db/sql.ts';
import { createAttentionActivities } from './attention.ts';
import { createCompetitionActivities } from './competitions.ts';
import { failingFastOnBadData } from './failures.ts';
import { createGateActivities } from './gates.ts';
import { createPhaseActivities } from './phases.ts';
import { createWebhookActivities, type WebhookDeps } from './webhooks.ts';

export interface ActivityDeps extends Omit<WebhookDeps, 'sql'> {
  sql: Sql;
  /** Opens sealed price envelopes at the gate. */
  keys: Pick<Keys, 'seal'>;
}

/** Every activity fails at once on data that no retry can fix, and retryably on an outage (failures.ts). */
export function createActivities(deps: ActivityDeps) {
  return failingFastOnBadData({
    ...createCompetitionActivities(deps),
    ...createPhaseActivities(deps),
    ...createGateActivities(deps),
    ...createAttentionActivities(deps),
    ...createWebhookActivities(deps),
  });
}

export type AttentionActivities = ReturnType<typeof createAttentionActivities>;
export type CompetitionActivities = ReturnType<typeof createCompetitionActivities> & AttentionActivities;
export type PhaseActivities = ReturnType<typeof createPhaseActivities> &
  ReturnType<typeof createGateActivities> &
  AttentionActivities;
export type WebhookActivities = ReturnType<typeof createWebhookActivities>;
