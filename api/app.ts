import { OpenAPIHono } from '@hono/zod-openapi';
import { swaggerUI } from '@hono/swagger-ui';
import type { Client } from '@temporalio/client';
import { bodyWithinLimit, strictJsonBody } from './body.ts';
import { HTTPException } from 'hono/http-exception';
import { signingCheckpointsWith } from '../db/audit.ts';
import type { Sql } from '../db/sql.ts';
import { authenticate, type Identities } from './auth.ts';
import { classifyFailure } from './failures.ts';
import { ProblemError, renderProblem, validationProblem } from './problem.ts';
import { Refusal } from '../db/refusal.ts';
import type { Keys } from '../db/sealing.ts';
import { PHASE_PREFIX, type ApiEnv } from './router.ts';
import { calendarRoutes } from './routes/calendars.ts';
import { competitionRoutes } from './routes/competitions.ts';
import { emailRoutes } from './routes/email.ts';
import { eventRoutes } from './routes/events.ts';
import { healthRoutes } from './routes/health.ts';
import { templateRoutes } from './routes/templates.ts';
import { notificationRoutes } from './routes/notifications.ts';
import { myOfferRoutes } from './routes/offers.ts';
import { openDataRoutes } from './routes/open-data.ts';
import { phaseRoutes } from './routes/phase.ts';
import { receiptRoutes } from './routes/receipts.ts';
import { webhookRoutes } from './routes/webhooks.ts';
import { webPages } from '../web/app.tsx';

export interface AppDeps extends Identities {
  sql: Sql;
  temporal: Client;
  taskQueue: string;
  keys: Keys;
  /** Whether the Temporal server has Phasegate's search attributes (the dev server and compose do). */
  listInTemporalUi: boolean;
  /** How long a request waits on a workflow before a 503 (default 10 s, api/workflow-messages.ts). */
  workflowDeadlineMs?: number;
  /** Webhook URLs that may name these private or loopback hosts (PHASEGATE_WEBHOOK_PRIVATE_HOSTS). */
  webhookPrivateHosts?: readonly string[];
  /** Whether the workers send e-mail (PHASEGATE_SMTP_URL is set); otherwise PUT /me/email answers 409. */
  smtpConfigured?: boolean;
  /** The API's clock: a launch publishes its first phase at this instant (default: the system clock). */
  clock?: () => Date;
  /** The OCDS `ocid` prefix (default: PHASEGATE_OCID_PREFIX, else the development prefix). */
  ocidPrefix?: string;
}

export type AppEnv = ApiEnv;

export function createApp(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationProblem(result.error);
    },
  });

  app.use('*', bodyWithinLimit);
  app.use('*', strictJsonBody);
  // The web pages (their own paths only), which call this same app as the signed-in person.
  app.use('*', webPages({ ...deps, api: app }));
  // Every write an API call makes may complete an audit checkpoint; the server's key signs it.
  app.use('*', (_, next) => signingCheckpointsWith(deps.keys.receiptPrivate, next));
  // Handlers are declared at module level (api/routes/); they find the services on their context.
  app.use('*', async (c, next) => {
    c.set('deps', deps);
    await next();
  });
  healthRoutes(app);
  receiptRoutes(app);
  for (const prefix of ['/competitions', '/templates', '/me']) {
    app.use(prefix, authenticate(deps));
    app.use(`${prefix}/*`, authenticate(deps));
  }
  competitionRoutes(app);
  myOfferRoutes(app);
  templateRoutes(app);
  app.route(PHASE_PREFIX, phaseRoutes());
  notificationRoutes(app);
  calendarRoutes(app);
  eventRoutes(app);
  webhookRoutes(app);
  emailRoutes(app);
  openDataRoutes(app);

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Phasegate',
      version: '0.1.0',
      description:
        'Phased innovation competitions (SBIR) and the tender in ten days, run as durable workflows. ' +
        'Errors are application/problem+json with a stable `type`.',
    },
  });
  app.get('/docs', swaggerUI({ url: '/openapi.json' }));

  app.notFound((c) => renderProblem(c, 'not-found', `no route for ${c.req.method} ${c.req.path}`));
  app.onError((error, c) => {
    if (error instanceof ProblemError)
      return renderProblem(c, error.problemType, error.detail, error.errors, error.headers);
    if (error instanceof Refusal) return renderProblem(c, error.code, error.message, error.errors);
    if (error instanceof HTTPException && error.status === 400) {
      return renderProblem(c, 'validation-failed', error.message || 'the body is not valid JSON');
    }
    if (error instanceof HTTPException && error.status === 415) {
      return renderProblem(c, 'unsupported-media-type', 'send the body with Content-Type: application/json');
    }
    const known = classifyFailure(error);
    if (known) return renderProblem(c, known.type, known.detail);
    console.error(`unexpected error on ${c.req.method} ${c.req.path}:`, error);
    return renderProblem(c, 'internal', 'an unexpected error occurred; it has been logged');
  });
  return app;
}
