import { createRequire } from 'node:module';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities/index.ts';
import type { WebhookDeps } from '../activities/webhooks.ts';
import { signingCheckpointsWith } from '../db/audit.ts';
import type { Keys } from '../db/sealing.ts';
import type { Sql } from '../db/sql.ts';

const require = createRequire(import.meta.url);

export interface WorkerDeps {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  sql: Sql;
  /** Opens sealed prices; signs the audit checkpoints that activities' changes make due. */
  keys: Pick<Keys, 'seal' | 'receiptPrivate'>;
  /** A pre-built bundle (tests build it once per suite); otherwise the worker bundles the source. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Webhook and e-mail delivery: private hosts, SMTP, wait and timeout (activities/webhooks.ts). */
  webhooks?: Omit<WebhookDeps, 'sql'>;
  /** 0 turns the sticky cache off, for a test that stops a worker and lets another take over. */
  maxCachedWorkflows?: number;
}

export const workflowsPath = require.resolve('../workflows/index.ts');

export async function createWorker(deps: WorkerDeps): Promise<Worker> {
  return Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue: deps.taskQueue,
    activities: createActivities({ sql: deps.sql, keys: deps.keys, ...deps.webhooks }),
    interceptors: {
      activity: [
        () => ({
          inbound: {
            execute: (input, next) => signingCheckpointsWith(deps.keys.receiptPrivate, () => next(input)),
          },
        }),
      ],
    },
    ...(deps.workflowBundle ? { workflowBundle: deps.workflowBundle } : { workflowsPath }),
    ...(deps.maxCachedWorkflows === undefined ? {} : { maxCachedWorkflows: deps.maxCachedWorkflows }),
  });
}

async function main() {
  const { loadConfig } = await import('./config.ts');
  const { createSql } = await import('../db/sql.ts');
  const config = loadConfig();
  if (!config.DATABASE_URL) throw new Error('DATABASE_URL is required for a stand-alone worker');
  if (!config.PHASEGATE_SEAL_KEY || !config.PHASEGATE_RECEIPT_KEY) {
    throw new Error(
      'PHASEGATE_SEAL_KEY and PHASEGATE_RECEIPT_KEY are required: the worker opens sealed prices and signs audit checkpoints',
    );
  }
  const { keysFrom } = await import('./keys.ts');
  const sql = createSql(config.DATABASE_URL);
  // The schema is the owner's: `npm run migrate` (PHASEGATE_MIGRATION_DATABASE_URL) runs first.
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const worker = await createWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    sql,
    keys: keysFrom(config.PHASEGATE_SEAL_KEY, config.PHASEGATE_RECEIPT_KEY),
    ...(config.PHASEGATE_WORKFLOW_BUNDLE
      ? { workflowBundle: { codePath: config.PHASEGATE_WORKFLOW_BUNDLE } }
      : {}),
    webhooks: {
      webhookPrivateHosts: config.PHASEGATE_WEBHOOK_PRIVATE_HOSTS,
      smtpUrl: config.PHASEGATE_SMTP_URL,
      smtpFrom: config.PHASEGATE_SMTP_FROM,
    },
  });
  console.log(`worker polling ${config.TEMPORAL_TASK_QUEUE} on ${config.TEMPORAL_ADDRESS}`);
  await worker.run();
  await connection.close();
  await sql.end();
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
