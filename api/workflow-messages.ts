import {
  WorkflowNotFoundError,
  type QueryDefinition,
  type SignalDefinition,
  type UpdateDefinition,
} from '@temporalio/client';
import { competitionWorkflowId, phaseWorkflowId } from '../domain/competition.ts';
import { competitionStatusOf } from '../db/competitions.ts';
import { ProblemError } from './problem.ts';
import type { AppDeps } from './app.ts';
import type { Principal } from './auth.ts';
import { requirePhaseNotEnded } from './phases.ts';

/** How long the API waits for a workflow (an Update, a query, a start, a signal) by default. */
export const DEFAULT_WORKFLOW_DEADLINE_MS = 10_000;

/**
 * Runs a call that waits on a workflow, and gives up at the deadline: the call is aborted and the
 * client gets a 503 `workflow-timeout` with `Retry-After`, never a request that hangs. An Update
 * already sent may still take effect when a worker picks it up; the detail says so.
 */
export async function withinDeadline<T>(deps: AppDeps, what: string, call: () => Promise<T>): Promise<T> {
  const ms = deps.workflowDeadlineMs ?? DEFAULT_WORKFLOW_DEADLINE_MS;
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(
        new ProblemError(
          'workflow-timeout',
          `${what} got no answer from the competition's workflow within ${ms / 1000} s; it may still ` +
            'take effect, so read the status before trying again',
        ),
      );
    }, ms);
  });
  const work = deps.temporal.withAbortSignal(controller.signal, call);
  // Once the deadline has passed, the aborted call's own failure is nobody's answer.
  work.catch(() => undefined);
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

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
    await withinDeadline(deps, `the ${signal.name} signal`, () =>
      deps.temporal.workflow.getHandle(phaseWorkflowId(competitionId, phaseKey)).signal(signal, ...args),
    );
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
    return await withinDeadline(deps, `the ${update.name} action`, () =>
      deps.temporal.workflow.getHandle(workflowId).executeUpdate(update, { args: [arg] }),
    );
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
    const status = await competitionStatusOf(deps.sql, target.competitionId);
    if (!status) throw new ProblemError('not-found', `no competition ${target.competitionId}`);
    if (status !== 'running') throw new ProblemError('refused', `the competition is ${status}`);
    throw new ProblemError('refused', `phase ${target.phaseKey} has not started`);
  }
}

/**
 * An officer steers the procedure (resume, the two openings, the gate, deadlines, objections,
 * deliverables, cancelling): a phase named must exist and not have ended, then the workflow says
 * yes, or no with its reason. Only officers reach this: the route's middleware lets no one else in.
 * `workflow` names whose step it is; a phase's steps are its own workflow's unless said otherwise.
 */
export async function steerAsOfficer<Ret, Arg extends { officerId: string }>(
  { deps, principal }: { deps: AppDeps; principal: Principal },
  where: { id: string; phase?: string; workflow?: 'phase' | 'competition' },
  update: UpdateDefinition<Ret, [Arg]>,
  details: Omit<Arg, 'officerId'>,
): Promise<Ret> {
  if (where.phase) await requirePhaseNotEnded(deps, where.id, where.phase);
  const ofPhase = where.phase !== undefined && where.workflow !== 'competition';
  const target = ofPhase ? { competitionId: where.id, phaseKey: where.phase } : { competitionId: where.id };
  return steer(deps, target, update, { ...details, officerId: principal.id } as Arg);
}

export const phaseHandle = (deps: AppDeps, competitionId: string, phaseKey: string) =>
  deps.temporal.workflow.getHandle(phaseWorkflowId(competitionId, phaseKey));

/** Asks a phase workflow a query, within the deadline. */
export const queryPhase = <Ret>(
  deps: AppDeps,
  competitionId: string,
  phaseKey: string,
  query: QueryDefinition<Ret>,
) =>
  withinDeadline(deps, `the ${query.name} query`, () =>
    phaseHandle(deps, competitionId, phaseKey).query(query),
  );
