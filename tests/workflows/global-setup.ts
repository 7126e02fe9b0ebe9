import type { TestProject } from 'vitest/node';
import { ensureTemporalTools } from '../../runtime/tools.ts';

/** Workflow tests need only the time-skipping test server: no Postgres, no dev server. */
export default async function setup(project: TestProject) {
  const tools = await ensureTemporalTools();
  project.provide('temporalTestServer', tools.testServer);
}
