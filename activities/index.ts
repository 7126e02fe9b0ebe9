import type { Keys } from '../db/sealing.ts';
import type { Sql } from '../db/sql.ts';
import { createCompetitionActivities } from './competitions.ts';
import { createGateActivities } from './gates.ts';
import { createPhaseActivities } from './phases.ts';

export interface ActivityDeps {
  sql: Sql;
  /** Opens sealed price envelopes at the gate. */
  keys: Pick<Keys, 'seal'>;
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...createCompetitionActivities(deps),
    ...createPhaseActivities(deps),
    ...createGateActivities(deps),
  };
}

export type CompetitionActivities = ReturnType<typeof createCompetitionActivities>;
export type PhaseActivities = ReturnType<typeof createPhaseActivities> &
  ReturnType<typeof createGateActivities>;
