import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Worker } from '@temporalio/worker';
import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, inject } from 'vitest';
import type { PhaseState } from '../../domain/competition.ts';
import { ProcedureTemplateSchema } from '../../domain/template.ts';
import { SBIR_TEMPLATE } from '../../domain/templates/sbir.ts';
import { workflowsPath } from '../../runtime/worker.ts';
import type { PhaseDiagnostics } from '../../workflows/messages.ts';
import { standInRecords } from './stand-ins.ts';

export const HOUR = 60 * 60 * 1000;
export const taskQueue = 'workflow-tests';
export const sbir = ProcedureTemplateSchema.parse(SBIR_TEMPLATE);

/**
 * The workflows under test on the time-skipping server, with a worker whose activities are the
 * stand-ins: one per test file, started before its tests and stopped after them.
 */
export function workflowEnvironment() {
  const records = standInRecords();
  const world = { env: undefined as unknown as TestWorkflowEnvironment, records };
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  beforeAll(async () => {
    world.env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: inject('temporalTestServer') } },
    });
    const workflowBundle = await bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN') });
    worker = await Worker.create({
      connection: world.env.nativeConnection,
      taskQueue,
      workflowBundle,
      activities: records.activities,
    });
    running = worker.run();
  });
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await world.env?.teardown();
  });
  return world;
}

export const diagnostics = (handle: WorkflowHandle) => handle.query<PhaseDiagnostics>('phaseDiagnostics');

/** Lets workflow time pass, six hours at a time, until the phase is in `state`. */
export async function reach(
  env: TestWorkflowEnvironment,
  handle: WorkflowHandle,
  state: PhaseState,
): Promise<PhaseDiagnostics> {
  for (let i = 0; i < 400; i++) {
    const now = await diagnostics(handle).catch(() => undefined);
    if (now?.state === state) return now;
    await env.sleep(6 * HOUR);
  }
  throw new Error(`the phase never reached ${state}; it is ${(await diagnostics(handle)).state}`);
}

/** An officer's action on a workflow, as the API sends it. */
export const act = (handle: WorkflowHandle, update: string, request: Record<string, unknown>) =>
  handle.executeUpdate<any, [Record<string, unknown>]>(update, {
    args: [{ officerId: 'officer-1', ...request }],
  });
