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
    const temporal = await startTemporalDevServer({
      cli: tools.cli,
      port: await freePort(),
      namespace: 'default',
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
