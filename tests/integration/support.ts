import { randomBytes } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  bundleWorkflowCode,
  Runtime,
  DefaultLogger,
  type WorkflowBundleWithSourceMap,
  type Worker,
} from '@temporalio/worker';
import { inject } from 'vitest';
import { createApp } from '../../api/app.ts';
import type { TokenMap } from '../../api/auth.ts';
import { migrate } from '../../db/migrate.ts';
import { appRoleUrl, enableAppLogin } from '../../db/roles.ts';
import { createSql, type Sql } from '../../db/sql.ts';
import type { Keys } from '../../db/sealing.ts';
import { generateKeys } from '../../runtime/keys.ts';
import { createWorker, workflowsPath } from '../../runtime/worker.ts';

Runtime.install({ logger: new DefaultLogger('WARN') });

/**
 * A database of its own for each test file, migrated from scratch by its owner, on the shared
 * Postgres server. `sql` connects as the application's role, as the app does in production;
 * `owner` is for what only the owner may do, such as a test playing an attacker with full rights.
 */
export async function freshDatabase(): Promise<{ sql: Sql; owner: Sql; drop(): Promise<void> }> {
  const serverUrl = inject('databaseUrl');
  const name = `phasegate_test_${randomBytes(6).toString('hex')}`;
  const admin = createSql(serverUrl, { max: 1 });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const owner = createSql(url.toString(), { max: 2 });
  await migrate(owner);
  await enableAppLogin(owner, inject('appRolePassword'));
  const sql = createSql(appRoleUrl(url.toString(), inject('appRolePassword')), { max: 20 });
  return {
    sql,
    owner,
    drop: async () => {
      await sql.end({ timeout: 5 });
      await owner.end({ timeout: 5 });
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** Bundling takes seconds: once per test file is enough. */
export const workflowBundle = () =>
  (bundle ??= bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN') }));

export const tokens: TokenMap = {};
const principals = {
  officer: ['officer-1', 'officer-2'],
  juror: Array.from({ length: 5 }, (_, i) => `juror-${i + 1}`),
  company: Array.from({ length: 30 }, (_, i) => `company-${String(i + 1).padStart(2, '0')}`),
} as const;
for (const [role, ids] of Object.entries(principals)) {
  for (const id of ids)
    tokens[`token-for-${id}-0000000000`] = { id, role: role as 'officer' | 'company' | 'juror' };
}
export const tokenOf = (id: string) => `token-for-${id}-0000000000`;
export const companies = principals.company;
export const jurors = principals.juror;

export interface Harness {
  env: TestWorkflowEnvironment;
  /** The application's own connection (role phasegate_app). */
  sql: Sql;
  /** The database owner's connection: for tests that play someone with full rights. */
  owner: Sql;
  worker: Worker;
  app: ReturnType<typeof createApp>;
  taskQueue: string;
  keys: Keys;
  /** Calls the API as the given principal, in process; JSON in and out. */
  call(
    as: string,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

/**
 * The real stack under the time-skipping Temporal test server: a competition that lasts months
 * runs in seconds with its real durations. Postgres is real; nothing is mocked.
 */
export async function timeSkippingHarness(options: HarnessOptions = {}): Promise<Harness> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: inject('temporalTestServer') } },
  });
  return harnessOn(env, options);
}

export interface HarnessOptions {
  /** Webhook hosts that may be loopback addresses (a receiver on 127.0.0.1), and delivery timings. */
  webhooks?: NonNullable<Parameters<typeof createWorker>[0]['webhooks']>;
}

export async function harnessOn(
  env: TestWorkflowEnvironment,
  options: HarnessOptions = {},
): Promise<Harness> {
  const db = await freshDatabase();
  const taskQueue = `phasegate-test-${randomBytes(4).toString('hex')}`;
  const keys = generateKeys();
  const worker = await createWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    sql: db.sql,
    keys,
    workflowBundle: await workflowBundle(),
    ...(options.webhooks ? { webhooks: options.webhooks } : {}),
  });
  const running = worker.run();
  const app = createApp({
    sql: db.sql,
    temporal: env.client,
    taskQueue,
    tokens,
    keys,
    listInTemporalUi: false,
    ...(options.webhooks?.webhookPrivateHosts
      ? { webhookPrivateHosts: options.webhooks.webhookPrivateHosts }
      : {}),
    ...(options.webhooks?.smtpUrl ? { smtpConfigured: true } : {}),
  });
  return {
    env,
    sql: db.sql,
    owner: db.owner,
    worker,
    app,
    taskQueue,
    keys,
    async call(as, method, path, body, headers = {}) {
      const response = await app.request(path, {
        method,
        headers: { authorization: `Bearer ${tokenOf(as)}`, 'content-type': 'application/json', ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },
    async close() {
      worker.shutdown();
      await running;
      await env.teardown();
      await db.drop();
    },
  };
}

export const DAY = 24 * 60 * 60 * 1000;
