import { ENDED_PHASE_STATES, type PhaseState } from '../domain/competition.ts';
import { readPhaseState } from '../db/phase-guard.ts';
import type { AppDeps } from './app.ts';
import { ProblemError } from './problem.ts';

/**
 * The phase a path names exists: else a 404 that lists the competition's phases (or says there is
 * no such competition). Read from Postgres, before anything is asked of a workflow.
 */
export const requirePhase = (deps: AppDeps, competitionId: string, phaseKey: string): Promise<PhaseState> =>
  readPhaseState(deps.sql, competitionId, phaseKey);

/**
 * Before an officer's action goes to a phase's workflow: the phase exists and has not ended. An
 * ended phase's workflow is gone, and the action would otherwise hear that the phase "has not started".
 */
export async function requirePhaseNotEnded(deps: AppDeps, competitionId: string, phaseKey: string) {
  const state = await requirePhase(deps, competitionId, phaseKey);
  if (ENDED_PHASE_STATES.includes(state)) {
    throw new ProblemError(
      'refused',
      `phase ${phaseKey} has ended (${state}); nothing more can be done in it`,
    );
  }
  return state;
}
