import type { SignalDefinition } from '@temporalio/client';
import { phaseWorkflowId } from '../domain/competition.ts';
import type { AppDeps } from './app.ts';

/**
 * Tells a phase workflow to look at Postgres again. The row written before is the record, and the
 * workflow re-reads it at its next deadline, so a signal lost to a Temporal outage delays the
 * process but never loses data: the caller still gets its success.
 */
export async function nudgePhase<Args extends unknown[]>(
  deps: AppDeps,
  competitionId: string,
  phaseKey: string,
  signal: SignalDefinition<Args>,
  ...args: Args
): Promise<boolean> {
  try {
    await deps.temporal.workflow.getHandle(phaseWorkflowId(competitionId, phaseKey)).signal(signal, ...args);
    return true;
  } catch (error) {
    console.warn(
      `could not signal ${signal.name} to ${phaseWorkflowId(competitionId, phaseKey)}: ${String(error)}`,
    );
    return false;
  }
}

export const phaseHandle = (deps: AppDeps, competitionId: string, phaseKey: string) =>
  deps.temporal.workflow.getHandle(phaseWorkflowId(competitionId, phaseKey));
