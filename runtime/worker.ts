import { createRequire } from 'node:module';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities/index.ts';
import type { Keys } from '../db/sealing.ts';
import type { Sql } from '../db/sql.ts';

const require = createRequire(import.meta.url);

export interface WorkerDeps {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  sql: Sql;
  keys: Pick<Keys, 'seal'>;
  /** A pre-built bundle (tests build it once per suite); otherwise the worker bundles the source. */
  workflowBundle?: WorkerOptions['workflowBundle'];
}

export const workflowsPath = require.resolve('../workflows/index.ts');

export async function createWorker(deps: WorkerDeps): Promise<Worker> {
  return Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue: deps.taskQueue,
    activities: createActivities({ sql: deps.sql, keys: deps.keys }),
    ...(deps.workflowBundle ? { workflowBundle: deps.workflowBundle } : { workflowsPath }),
  });
}

async function main() {
  const { loadConfig } = await import('./config.ts');
  const { createSql } = await import('../db/sql.ts');
  const { migrate } = await import('../db/migrate.ts');
  const config = loadConfig();
  if (!config.DATABASE_URL) throw new Error('DATABASE_URL is required for a stand-alone worker');
  if (!config.PHASEGATE_SEAL_KEY)
    throw new Error('PHASEGATE_SEAL_KEY is required: the worker opens sealed prices');
  const { sealKeyFrom } = await import('./keys.ts');
  const sql = createSql(config.DATABASE_URL);
  await migrate(sql);
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const worker = await createWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    sql,
    keys: { seal: sealKeyFrom(config.PHASEGATE_SEAL_KEY) },
  });
  console.log(`worker polling ${config.TEMPORAL_TASK_QUEUE} on ${config.TEMPORAL_ADDRESS}`);
  await worker.run();
  await connection.close();
  await sql.end();
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
