import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { NativeConnection, Runtime } from '@temporalio/worker';
import { appRoleUrl } from '../db/roles.ts';
import type { Keys } from '../db/sealing.ts';
import { createSql, type Sql } from '../db/sql.ts';
import { DEV_TOKENS, loadConfig, loadTokens, type Config } from './config.ts';
import { devJwtIdentity, loadOrCreateDevSigningKey, oidcIdentity } from './identity.ts';
import { loadOrCreateDevKeys } from './keys.ts';
import { migrateAsOwner } from './database.ts';
import { demoClock, startDemo } from './demo.ts';
import { choosePostgresDataDir, startEmbeddedPostgres } from './postgres.ts';
import { lazyTemporalClient, startApi } from './server.ts';
import { startTemporalDevServer, type RunningTemporal } from './temporal.ts';
import { ensureTemporalTools, projectRoot } from './tools.ts';
import { createWorker } from './worker.ts';

/**
 * `npm start`: the whole system on one machine — a Temporal dev server (SQLite file, Web UI), an
 * embedded Postgres unless DATABASE_URL is set, a worker and the API. Ctrl-C stops it all; the
 * next start finds the same competitions.
 */
/**
 * The embedded Postgres, migrated by its owner, with the app on the role that owns no table; or
 * DATABASE_URL as given, migrated with PHASEGATE_MIGRATION_DATABASE_URL when that is set.
 */
async function startDatabase(config: Config, dataDir: string) {
  let ownerUrl = config.PHASEGATE_MIGRATION_DATABASE_URL;
  let appUrl = config.DATABASE_URL;
  let stop = async (): Promise<void> => undefined;
  if (!appUrl) {
    const pgDir = await choosePostgresDataDir(join(dataDir, 'postgres'), 'phasegate-dev-postgres');
    const postgres = await startEmbeddedPostgres({
      dataDir: pgDir,
      port: config.POSTGRES_PORT,
      persistent: true,
    });
    stop = postgres.stop;
    ownerUrl = postgres.url;
    appUrl = appRoleUrl(postgres.url, postgres.appRolePassword);
  }
  try {
    if (ownerUrl) {
      const applied = await migrateAsOwner(ownerUrl, appUrl);
      if (applied.length) console.log(`migrations applied: ${applied.join(', ')}`);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { appUrl, stop };
}

/** On an empty database, the demo round: officers, companies and jurors acting over the API. */
type Stops = (() => Promise<unknown>)[];

async function startDemoOnEmpty(sql: Sql, apiUrl: string, stops: Stops) {
  const [existing] = await sql<{ any: boolean }[]>`select exists (select 1 from competitions) as any`;
  if (existing!.any) return;
  const abort = new AbortController();
  const log = (line: string) => console.log(`${demoClock()} ${line}`);
  const demo = await startDemo({ apiUrl, tokens: DEV_TOKENS, signal: abort.signal, log });
  stops.push(async () => {
    abort.abort();
    await demo.done;
  });
  log(`demo: competition ${demo.id} launched (times in Europe/Amsterdam); the development parties act it
      out over the API (PHASEGATE_DEMO=off to skip it); follow it with GET ${apiUrl}/competitions/${demo.id}`);
}

/** The worker, in this process; stopped before the servers it depends on. */
async function startDevWorker(config: Config, address: string, sql: Sql, keys: Keys, stops: Stops) {
  const connection = await NativeConnection.connect({ address });
  stops.push(() => connection.close());
  const worker = await createWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    sql,
    keys,
    webhooks: {
      webhookPrivateHosts: config.PHASEGATE_WEBHOOK_PRIVATE_HOSTS,
      smtpUrl: config.PHASEGATE_SMTP_URL,
      smtpFrom: config.PHASEGATE_SMTP_FROM,
    },
  });
  const running = worker.run();
  stops.push(async () => {
    worker.shutdown();
    await running;
  });
}

function printBanner(at: {
  api: string;
  temporal: RunningTemporal;
  postgres: string;
  tokensConfigured: boolean;
}) {
  console.log(`Phasegate is running
  API          ${at.api}
  Web app      ${at.api}/   (sign in at ${at.api}/sign-in)
  API docs     ${at.api}/docs   (OpenAPI: ${at.api}/openapi.json)
  Temporal UI  ${at.temporal.uiUrl}
  Temporal     ${at.temporal.address}
  Postgres     ${at.postgres.replace(/:[^:@/]+@/, ':***@')}
${at.tokensConfigured ? 'Tokens: from PHASEGATE_AUTH_TOKENS (not printed)' : devTokenList()}
More: npm run token -- --role company --org acme   (a development JWT for any person)
Press Ctrl-C to stop.`);
}

const devTokenList = () =>
  `Development tokens (Authorization: Bearer <token>):\n${Object.entries(DEV_TOKENS)
    .map(([token, p]) => `  ${p.role.padEnd(8)} ${p.id.padEnd(10)} ${token}`)
    .join('\n')}`;

/** Temporal, Postgres, the worker, the API and (on an empty database) the demo, in that order. */
async function startAll(config: Config, dataDir: string, stops: Stops) {
  const tools = await ensureTemporalTools();
  const temporal = await startTemporalDevServer({
    cli: tools.cli,
    port: config.TEMPORAL_PORT,
    uiPort: config.TEMPORAL_UI_PORT,
    dbFile: join(dataDir, 'temporal.sqlite'),
    namespace: config.TEMPORAL_NAMESPACE,
  });
  stops.push(temporal.stop);

  const database = await startDatabase(config, dataDir);
  stops.push(database.stop);
  const databaseUrl = database.appUrl;
  const sql = createSql(databaseUrl);
  stops.push(() => sql.end({ timeout: 5 }));

  const keys = await loadOrCreateDevKeys(join(dataDir, 'keys.json'));
  await startDevWorker(config, temporal.address, sql, keys, stops);

  const configuredTokens = loadTokens(config.PHASEGATE_AUTH_TOKENS);
  const tokens = configuredTokens ?? DEV_TOKENS;
  const jwt =
    (await oidcIdentity(config)) ??
    devJwtIdentity(await loadOrCreateDevSigningKey(join(dataDir, 'dev-jwt-key.json')));
  const temporalClient = lazyTemporalClient(temporal.address, config.TEMPORAL_NAMESPACE);
  stops.push(() => temporalClient.connection.close());
  const api = await startApi(
    {
      sql,
      temporal: temporalClient,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      tokens,
      jwt,
      keys,
      listInTemporalUi: true,
      workflowDeadlineMs: config.PHASEGATE_WORKFLOW_DEADLINE_MS,
      webhookPrivateHosts: config.PHASEGATE_WEBHOOK_PRIVATE_HOSTS,
      smtpConfigured: Boolean(config.PHASEGATE_SMTP_URL),
    },
    config.PORT,
  );
  stops.push(api.close);

  printBanner({
    api: api.url,
    temporal,
    postgres: databaseUrl,
    tokensConfigured: Boolean(configuredTokens),
  });
  if (!configuredTokens && config.PHASEGATE_DEMO === 'on') {
    // The demo is a convenience: if it cannot start, the system it shows still runs.
    await startDemoOnEmpty(sql, api.url, stops).catch((error: unknown) =>
      console.warn(`demo: not started: ${String(error)}`),
    );
  }
}

async function main() {
  const config = loadConfig();
  // This launcher stops the worker itself, before the servers it depends on.
  Runtime.install({ shutdownSignals: [] });
  const dataDir = resolve(projectRoot, config.PHASEGATE_DATA_DIR);
  await mkdir(dataDir, { recursive: true });
  const stops: Stops = [];
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping Phasegate…');
    for (const stop of stops.reverse()) {
      await stop().catch((error: unknown) => console.error(String(error)));
    }
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  try {
    await startAll(config, dataDir, stops);
  } catch (error) {
    console.error('Phasegate could not start:', error);
    await stopAll(1);
  }
}

await main();
