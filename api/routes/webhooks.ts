import { createRoute } from '@hono/zod-openapi';
import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { z } from 'zod';
import { newWebhookSecret } from '../../activities/webhooks.ts';
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  deliveryLog,
  listWebhookEndpoints,
  ownsWebhookEndpoint,
  requestReplay,
  type WebhookOwner,
} from '../../db/webhooks.ts';
import { webhookUrlProblem } from '../../domain/rules/webhook-address.ts';
import { text } from '../../domain/text.ts';
import type { AppDeps } from '../app.ts';
import { allow, type Principal } from '../auth.ts';
import { bearer, jsonBody, jsonResponse, problems } from '../openapi.ts';
import { fieldProblem, ProblemError } from '../problem.ts';
import type { Handler, Router } from '../router.ts';
import { asWritten, AT } from '../schemas.ts';
import { withinDeadline } from '../workflow-messages.ts';

const EndpointParams = z.object({ id: z.string().uuid() });
const DeliveryParams = EndpointParams.extend({ deliveryId: z.string().uuid() });
/** A notice kind, as GET /me/notifications shows it, or `*` for every kind. */
const EventType = z
  .string()
  .regex(/^(\*|[a-z][a-z0-9-]{0,79})$/, 'a notice kind such as phase-published, or *');
const Registration = z.strictObject({
  url: text({ min: 1, max: 2000, singleLine: true }),
  eventTypes: z.array(EventType).min(1).max(100),
});
const Endpoint = z.object({
  id: z.string(),
  url: z.string(),
  eventTypes: z.array(z.string()),
  createdAt: z.string(),
});

const WEBHOOK_ID = '7a6b5c4d-3e2f-4a1b-8c9d-0e1f2a3b4c5d';
const DELIVERY_ID = '8b7c6d5e-4f3a-4b2c-9d0e-1f2a3b4c5d6e';

/** One line of an endpoint's delivery log (db/webhooks.ts `deliveryLog`), a webhook's or an address's. */
export const DeliveryLog = z.object({
  deliveries: z.array(
    z.object({
      id: z.string(),
      noticeId: z.string(),
      eventType: z.string(),
      status: z.string(),
      attempts: z.number().int(),
      lastAttemptAt: z.iso.datetime().nullable(),
      nextAttemptAt: z.iso.datetime().nullable(),
      lastError: z.string().nullable(),
      lastStatusCode: z.number().int().nullable(),
      deliveredAt: z.iso.datetime().nullable(),
      replayRequestedAt: z.iso.datetime().nullable(),
      createdAt: z.iso.datetime(),
    }),
  ),
});
export const DELIVERY_LOG_EXAMPLE: z.input<typeof DeliveryLog> = {
  deliveries: [
    {
      id: DELIVERY_ID,
      noticeId: '1042',
      eventType: 'phase-published',
      status: 'delivered',
      attempts: 2,
      lastAttemptAt: AT,
      nextAttemptAt: null,
      lastError: null,
      lastStatusCode: 204,
      deliveredAt: AT,
      replayRequestedAt: null,
      createdAt: AT,
    },
  ],
};

/** Officers and companies may register webhooks; jurors read their notices in the app. */
const officerOrCompany = allow('officer', 'company');
const ownerOf = (principal: Principal): WebhookOwner => ({ role: principal.role, id: principal.id });

async function ownedEndpoint(deps: AppDeps, owner: WebhookOwner, id: string) {
  if (!(await ownsWebhookEndpoint(deps.sql, owner, id)))
    throw new ProblemError('not-found', `no webhook ${id}`);
}

/**
 * Starts the endpoint's delivery workflow (workflows/webhooks.ts) once, for a webhook or an e-mail
 * address alike; if it cannot start, `undo` removes the endpoint again so none is left undelivered.
 */
export async function startEndpointDelivery(deps: AppDeps, id: string, undo: () => Promise<unknown>) {
  try {
    await withinDeadline(deps, 'starting delivery', () =>
      deps.temporal.workflow.start('webhookDeliveryWorkflow', {
        workflowId: `webhook-${id}`,
        taskQueue: deps.taskQueue,
        args: [id],
      }),
    );
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return;
    await undo();
    throw error;
  }
}

const ENDPOINT_EXAMPLE = {
  id: WEBHOOK_ID,
  url: 'https://hooks.stille-wegen.example/phasegate',
  eventTypes: ['phase-published', 'award-intended'],
  createdAt: AT,
};

const registerRoute = createRoute({
  method: 'post',
  path: '/me/webhooks',
  tags: ['webhooks'],
  summary: 'Register a webhook endpoint for notice kinds (officer, company)',
  description:
    'Deliveries follow the Standard Webhooks spec: a JSON body `{type, timestamp, data}` with the ' +
    'headers webhook-id (the same on every retry and replay), webhook-timestamp and webhook-signature ' +
    '(HMAC-SHA256 with the secret returned here, once). You receive what GET /me/notifications shows ' +
    'you, from now on, in commit order; a receiver that is down gets everything when it is back.',
  security: bearer,
  middleware: [officerOrCompany] as const,
  request: { body: jsonBody(Registration) },
  responses: {
    201: jsonResponse(Endpoint.extend({ secret: z.string() }), 'The endpoint and its signing secret', {
      ...ENDPOINT_EXAMPLE,
      secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    }),
    ...problems(400, 401, 403, 413, 415, 503),
  },
});
const register: Handler<typeof registerRoute> = async (c) => {
  const { deps } = c.var;
  const owner = ownerOf(c.var.principal);
  const { url, eventTypes } = c.req.valid('json');
  const problem = webhookUrlProblem(url, deps.webhookPrivateHosts ?? []);
  if (problem) throw fieldProblem('validation-failed', [{ path: 'url', message: problem }]);
  const id = randomUUID();
  const secret = newWebhookSecret();
  const types = [...new Set(eventTypes)];
  const { createdAt } = await createWebhookEndpoint(deps.sql, { id, owner, url, eventTypes: types, secret });
  await startEndpointDelivery(deps, id, () => deleteWebhookEndpoint(deps.sql, owner, id));
  return c.json({ id, url, eventTypes: types, secret, createdAt: createdAt.toISOString() }, 201);
};

const endpointsRoute = createRoute({
  method: 'get',
  path: '/me/webhooks',
  tags: ['webhooks'],
  summary: 'Your webhook endpoints (without their secrets)',
  security: bearer,
  middleware: [officerOrCompany] as const,
  responses: {
    200: jsonResponse(z.object({ webhooks: z.array(Endpoint) }), 'Oldest first', {
      webhooks: [ENDPOINT_EXAMPLE],
    }),
    ...problems(401, 403, 503),
  },
});
const endpoints: Handler<typeof endpointsRoute> = async (c) => {
  const rows = await listWebhookEndpoints(c.var.deps.sql, ownerOf(c.var.principal));
  const webhooks = rows.map((w) => ({ ...w, createdAt: w.createdAt.toISOString() }));
  return c.json({ webhooks }, 200);
};

const deleteRoute = createRoute({
  method: 'delete',
  path: '/me/webhooks/{id}',
  tags: ['webhooks'],
  summary: 'Delete a webhook endpoint; its deliveries stop',
  security: bearer,
  middleware: [officerOrCompany] as const,
  request: { params: EndpointParams },
  responses: { 204: { description: 'Deleted' }, ...problems(400, 401, 403, 404, 503) },
});
const remove: Handler<typeof deleteRoute> = async (c) => {
  const { id } = c.req.valid('param');
  if (!(await deleteWebhookEndpoint(c.var.deps.sql, ownerOf(c.var.principal), id))) {
    throw new ProblemError('not-found', `no webhook ${id}`);
  }
  return c.body(null, 204);
};

const deliveriesRoute = createRoute({
  method: 'get',
  path: '/me/webhooks/{id}/deliveries',
  tags: ['webhooks'],
  summary: 'The delivery log: status, attempts, next try, last error',
  security: bearer,
  middleware: [officerOrCompany] as const,
  request: {
    params: EndpointParams,
    query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
  },
  responses: {
    200: jsonResponse(DeliveryLog, 'Newest first', DELIVERY_LOG_EXAMPLE),
    ...problems(400, 401, 403, 404, 503),
  },
});
const deliveries: Handler<typeof deliveriesRoute> = async (c) => {
  const { id } = c.req.valid('param');
  await ownedEndpoint(c.var.deps, ownerOf(c.var.principal), id);
  const log = await deliveryLog(c.var.deps.sql, id, c.req.valid('query').limit);
  return c.json({ deliveries: asWritten(DeliveryLog.shape.deliveries.element, log) }, 200);
};

const replayRoute = createRoute({
  method: 'post',
  path: '/me/webhooks/{id}/deliveries/{deliveryId}/replay',
  tags: ['webhooks'],
  summary: 'Send a delivery again, with the same webhook-id',
  security: bearer,
  middleware: [officerOrCompany] as const,
  request: { params: DeliveryParams },
  responses: {
    202: jsonResponse(z.object({ replay: z.literal('requested') }), 'The endpoint’s workflow sends it soon', {
      replay: 'requested',
    }),
    ...problems(400, 401, 403, 404, 503),
  },
});
const replay: Handler<typeof replayRoute> = async (c) => {
  const { id, deliveryId } = c.req.valid('param');
  await ownedEndpoint(c.var.deps, ownerOf(c.var.principal), id);
  if (!(await requestReplay(c.var.deps.sql, id, deliveryId))) {
    throw new ProblemError('not-found', `no delivery ${deliveryId} of webhook ${id}`);
  }
  return c.json({ replay: 'requested' as const }, 202);
};

/** Webhooks per the Standard Webhooks spec, delivered by workflows/webhooks.ts. */
export const webhookRoutes = (app: Router) =>
  app
    .openapi(registerRoute, register)
    .openapi(endpointsRoute, endpoints)
    .openapi(deleteRoute, remove)
    .openapi(deliveriesRoute, deliveries)
    .openapi(replayRoute, replay);
