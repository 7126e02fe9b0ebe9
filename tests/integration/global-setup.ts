import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { TestProject } from 'vitest/node';
import { freePort } from '../support/free-port.ts';

export { freePort };
import { startEmbeddedPostgres } from '../../runtime/postgres.ts';
import { startTemporalDevServer } from '../../runtime/temporal.ts';
import { ensureTemporalTools } from '../../runtime/tools.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    /** The password the application role logs in with, on every test database. */
    appRolePassword: string;
    temporalAddress: string;
    temporalTestServer: string;
  }
}

/**
 * The same real components as `npm start`: a Temporal dev server and an embedded Postgres on free
 * ports, unless TEMPORAL_ADDRESS / DATABASE_URL point at running ones.
 */
export default async function setup(project: TestProject) {
  const tools = await ensureTemporalTools();
  const stops: (() => Promise<unknown>)[] = [];

  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    const dataDir = `/tmp/phasegate-test-pg-${randomBytes(4).toString('hex')}`;
    const postgres = await startEmbeddedPostgres({ dataDir, port: await freePort(), persistent: false });
    stops.push(async () => {
      await postgres.stop();
      await rm(dataDir, { recursive: true, force: true });
    });
    databaseUrl = postgres.url;
  }

  let temporalAddress = process.env.TEMPORAL_ADDRESS;
  if (!temporalAddress) {
    const temporal = await startTemporalOnAFreePort(tools.cli).catch(async (error: unknown) => {
      // Postgres is up already: it must not outlive a setup that failed.
      for (const stop of stops.reverse()) await stop();
      throw error;
    });
    stops.push(temporal.stop);
    temporalAddress = temporal.address;
  }

  project.provide('databaseUrl', databaseUrl);
  project.provide('appRolePassword', randomBytes(18).toString('base64url'));
  project.provide('temporalAddress', temporalAddress);
  project.provide('temporalTestServer', tools.testServer);

  return async () => {
    for (const stop of stops.reverse()) await stop();
  };
}

/**
 * The dev server on a port free a moment ago. The wall-clock suites start dev servers of their own
 * at the same time, and the server also opens ports of its own choosing: once in a CI run it exited
 * at start (code 2), so it gets two more tries on other ports, and its output is in the error.
 */
async function startTemporalOnAFreePort(cli: string) {
  const failures: string[] = [];
  for (let attempt = 1; attempt <= 3; attempt++) {
    let output = '';
    try {
      return await startTemporalDevServer({
        cli,
        port: await freePort(),
        namespace: 'default',
        log: (text) => (output += text),
      });
    } catch (error) {
      failures.push(`attempt ${attempt}: ${String(error)}\n${output.slice(-2000)}`);
    }
  }
  throw new Error(`the Temporal dev server did not start:\n${failures.join('\n')}`);
}
