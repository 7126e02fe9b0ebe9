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
import { requireRole, type Principal } from '../auth.ts';
import { bearer, jsonBody, jsonResponse, problemResponses } from '../openapi.ts';
import { fieldProblem, ProblemError } from '../problem.ts';
import { createRouter } from '../router.ts';
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

/** Officers and companies may register webhooks; jurors read their notices in the app. */
function ownerOf(principal: Principal): WebhookOwner {
  requireRole(principal, 'officer', 'company');
  return { role: principal.role as WebhookOwner['role'], id: principal.id };
}

async function ownedEndpoint(deps: AppDeps, owner: WebhookOwner, id: string) {
  if (!(await ownsWebhookEndpoint(deps.sql, owner, id)))
    throw new ProblemError('not-found', `no webhook ${id}`);
}

type Router = ReturnType<typeof createRouter>;

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

function registration(app: Router, deps: AppDeps) {
  const privateHosts = deps.webhookPrivateHosts ?? [];
  app.openapi(
    createRoute({
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
      request: { body: jsonBody(Registration) },
      responses: {
        201: jsonResponse(Endpoint.extend({ secret: z.string() }), 'The endpoint and its signing secret'),
        ...problemResponses,
      },
    }),
    async (c) => {
      const owner = ownerOf(c.get('principal'));
      const { url, eventTypes } = c.req.valid('json');
      const problem = webhookUrlProblem(url, privateHosts);
      if (problem) throw fieldProblem('validation-failed', [{ path: 'url', message: problem }]);
      const id = randomUUID();
      const secret = newWebhookSecret();
      const types = [...new Set(eventTypes)];
      const { createdAt } = await createWebhookEndpoint(deps.sql, {
        id,
        owner,
        url,
        eventTypes: types,
        secret,
      });
      await startEndpointDelivery(deps, id, () => deleteWebhookEndpoint(deps.sql, owner, id));
      return c.json({ id, url, eventTypes: types, secret, createdAt: createdAt.toISOString() }, 201);
    },
  );
}

function endpoints(app: Router, deps: AppDeps) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/me/webhooks',
      tags: ['webhooks'],
      summary: 'Your webhook endpoints (without their secrets)',
      security: bearer,
      responses: {
        200: jsonResponse(z.object({ webhooks: z.array(Endpoint) }), 'Oldest first'),
        ...problemResponses,
      },
    }),
    async (c) => {
      const owner = ownerOf(c.get('principal'));
      const webhooks = (await listWebhookEndpoints(deps.sql, owner)).map((w) => ({
        ...w,
        createdAt: w.createdAt.toISOString(),
      }));
      return c.json({ webhooks }, 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/me/webhooks/{id}',
      tags: ['webhooks'],
      summary: 'Delete a webhook endpoint; its deliveries stop',
      security: bearer,
      request: { params: EndpointParams },
      responses: { 204: { description: 'Deleted' }, ...problemResponses },
    }),
    async (c) => {
      const owner = ownerOf(c.get('principal'));
      const { id } = c.req.valid('param');
      if (!(await deleteWebhookEndpoint(deps.sql, owner, id))) {
        throw new ProblemError('not-found', `no webhook ${id}`);
      }
      return c.body(null, 204);
    },
  );
}

function deliveries(app: Router, deps: AppDeps) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/me/webhooks/{id}/deliveries',
      tags: ['webhooks'],
      summary: 'The delivery log: status, attempts, next try, last error',
      security: bearer,
      request: {
        params: EndpointParams,
        query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
      },
      responses: {
        200: jsonResponse(
          z.object({ deliveries: z.array(z.record(z.string(), z.unknown())) }),
          'Newest first',
        ),
        ...problemResponses,
      },
    }),
    async (c) => {
      const owner = ownerOf(c.get('principal'));
      const { id } = c.req.valid('param');
      await ownedEndpoint(deps, owner, id);
      return c.json({ deliveries: [...(await deliveryLog(deps.sql, id, c.req.valid('query').limit))] }, 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/me/webhooks/{id}/deliveries/{deliveryId}/replay',
      tags: ['webhooks'],
      summary: 'Send a delivery again, with the same webhook-id',
      security: bearer,
      request: { params: DeliveryParams },
      responses: {
        202: jsonResponse(
          z.object({ replay: z.literal('requested') }),
          'The endpoint’s workflow sends it soon',
        ),
        ...problemResponses,
      },
    }),
    async (c) => {
      const owner = ownerOf(c.get('principal'));
      const { id, deliveryId } = c.req.valid('param');
      await ownedEndpoint(deps, owner, id);
      if (!(await requestReplay(deps.sql, id, deliveryId))) {
        throw new ProblemError('not-found', `no delivery ${deliveryId} of webhook ${id}`);
      }
      return c.json({ replay: 'requested' as const }, 202);
    },
  );
}

/** Webhooks per the Standard Webhooks spec, delivered by workflows/webhooks.ts. */
export function webhookRoutes(deps: AppDeps) {
  const app = createRouter();
  registration(app, deps);
  endpoints(app, deps);
  deliveries(app, deps);
  return app;
}
