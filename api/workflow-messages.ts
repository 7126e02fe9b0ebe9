import { WorkflowNotFoundError, type SignalDefinition, type UpdateDefinition } from '@temporalio/client';
import { competitionWorkflowId, phaseWorkflowId } from '../domain/competition.ts';
import { competitionStatusOf } from '../db/competitions.ts';
import { ProblemError } from './problem.ts';
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

/**
 * Sends an officer's action to a workflow and waits for its yes or reasoned no. A workflow that is
 * not running is a 404 when the competition does not exist, and a refusal when it has ended or the
 * phase has not started yet.
 */
export async function steer<Ret, Arg>(
  deps: AppDeps,
  target: { competitionId: string; phaseKey?: string },
  update: UpdateDefinition<Ret, [Arg]>,
  arg: Arg,
): Promise<Ret> {
  const workflowId = target.phaseKey
    ? phaseWorkflowId(target.competitionId, target.phaseKey)
    : competitionWorkflowId(target.competitionId);
  try {
    return await deps.temporal.workflow.getHandle(workflowId).executeUpdate(update, { args: [arg] });
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
    const status = await competitionStatusOf(deps.sql, target.competitionId);
    if (!status) throw new ProblemError('not-found', `no competition ${target.competitionId}`);
    if (status !== 'running') throw new ProblemError('refused', `the competition is ${status}`);
    throw new ProblemError('refused', `phase ${target.phaseKey} has not started`);
  }
}

export const phaseHandle = (deps: AppDeps, competitionId: string, phaseKey: string) =>
  deps.temporal.workflow.getHandle(phaseWorkflowId(competitionId, phaseKey));
