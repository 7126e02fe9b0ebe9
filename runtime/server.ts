import { serve, type ServerType } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import { createApp, type AppDeps } from '../api/app.ts';

export interface RunningApi {
  url: string;
  close(): Promise<void>;
}

export function startApi(deps: AppDeps, port: number, hostname = '0.0.0.0'): Promise<RunningApi> {
  const app = createApp(deps);
  return new Promise((resolve) => {
    const server: ServerType = serve({ fetch: app.fetch, port, hostname }, (info) => {
      resolve({
        url: `http://${hostname === '0.0.0.0' ? '127.0.0.1' : hostname}:${info.port}`,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

/**
 * The Temporal client connects lazily, so the API starts and answers /readyz with 503 while
 * Temporal is still down, instead of refusing to start.
 */
export function lazyTemporalClient(address: string, namespace: string): Client {
  return new Client({ connection: Connection.lazy({ address }), namespace });
}

async function main() {
  const { loadConfig, loadTokens } = await import('./config.ts');
  const { createSql } = await import('../db/sql.ts');
  const { keysFrom } = await import('./keys.ts');
  const { oidcIdentity } = await import('./identity.ts');
  const config = loadConfig();
  if (!config.DATABASE_URL) throw new Error('DATABASE_URL is required for a stand-alone API');
  const jwt = await oidcIdentity(config);
  // Static tokens are a development convenience; production signs people in through OpenID Connect.
  const tokens = process.env.NODE_ENV === 'production' ? undefined : loadTokens(config.PHASEGATE_AUTH_TOKENS);
  if (!jwt && !tokens) {
    throw new Error('PHASEGATE_OIDC_ISSUER is required (PHASEGATE_AUTH_TOKENS only outside production)');
  }
  if (!config.PHASEGATE_SEAL_KEY || !config.PHASEGATE_RECEIPT_KEY) {
    throw new Error('PHASEGATE_SEAL_KEY and PHASEGATE_RECEIPT_KEY are required');
  }
  const keys = keysFrom(config.PHASEGATE_SEAL_KEY, config.PHASEGATE_RECEIPT_KEY);
  const sql = createSql(config.DATABASE_URL);
  // The schema is the owner's: `npm run migrate` (PHASEGATE_MIGRATION_DATABASE_URL) runs first.
  const api = await startApi(
    {
      sql,
      temporal: lazyTemporalClient(config.TEMPORAL_ADDRESS, config.TEMPORAL_NAMESPACE),
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      tokens,
      jwt,
      keys,
      listInTemporalUi: config.PHASEGATE_SEARCH_ATTRIBUTES === 'on',
      workflowDeadlineMs: config.PHASEGATE_WORKFLOW_DEADLINE_MS,
      webhookPrivateHosts: config.PHASEGATE_WEBHOOK_PRIVATE_HOSTS,
      smtpConfigured: Boolean(config.PHASEGATE_SMTP_URL),
    },
    config.PORT,
  );
  console.log(`API on ${api.url} (docs ${api.url}/docs)`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
