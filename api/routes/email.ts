import { createRoute } from '@hono/zod-openapi';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { newWebhookSecret } from '../../activities/webhooks.ts';
import { deleteEmailEndpoint, emailEndpointOf, setEmailEndpoint } from '../../db/email.ts';
import { deliveryLog, type WebhookOwner } from '../../db/webhooks.ts';
import type { AppDeps } from '../app.ts';
import { requireRole, type Principal } from '../auth.ts';
import { bearer, jsonBody, jsonResponse, problemResponses } from '../openapi.ts';
import { ProblemError } from '../problem.ts';
import { createRouter } from '../router.ts';
import { startEndpointDelivery } from './webhooks.ts';

const Address = z.strictObject({ address: z.email().max(254) });
const EmailSetting = z.object({
  /** Whether this server sends e-mail at all (PHASEGATE_SMTP_URL). */
  configured: z.boolean(),
  address: z.string().nullable(),
  since: z.string().nullable(),
});
const Log = z.object({ deliveries: z.array(z.record(z.string(), z.unknown())) });

/** Officers, companies and jurors may each give one address. */
function ownerOf(principal: Principal): WebhookOwner {
  requireRole(principal, 'officer', 'company', 'juror');
  return { role: principal.role as WebhookOwner['role'], id: principal.id };
}

type Router = ReturnType<typeof createRouter>;

function setting(app: Router, deps: AppDeps) {
  app.openapi(
    createRoute({
      method: 'put',
      path: '/me/email',
      tags: ['e-mail'],
      summary: 'Receive your notices by e-mail at this address (officer, company, juror)',
      description:
        'Every notice GET /me/notifications shows you, from now on, in commit order, one message each: the ' +
        'subject names the kind and the competition, the plain-text body shows the notice. A retry sends ' +
        'the same Message-ID. Another address replaces the one before. 409 `not-configured` when this ' +
        'server sends no e-mail (PHASEGATE_SMTP_URL unset).',
      security: bearer,
      request: { body: jsonBody(Address) },
      responses: { 200: jsonResponse(EmailSetting, 'The address notices go to'), ...problemResponses },
    }),
    async (c) => {
      const owner = ownerOf(c.get('principal'));
      if (!deps.smtpConfigured) throw new ProblemError('not-configured', 'e-mail is not configured');
      const { address } = c.req.valid('json');
      const endpoint = await setEmailEndpoint(deps.sql, {
        id: randomUUID(),
        owner,
        address,
        // Unused by e-mail; the column is shared with webhooks.
        secret: newWebhookSecret(),
      });
      await startEndpointDelivery(deps, endpoint.id, () => deleteEmailEndpoint(deps.sql, owner, endpoint.id));
      return c.json({ configured: true, address, since: endpoint.createdAt.toISOString() }, 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/me/email',
      tags: ['e-mail'],
      summary: 'The address your notices go to, if any',
      security: bearer,
      responses: { 200: jsonResponse(EmailSetting, 'Your address, or null'), ...problemResponses },
    }),
    async (c) => {
      const endpoint = await emailEndpointOf(deps.sql, ownerOf(c.get('principal')));
      return c.json(
        {
          configured: Boolean(deps.smtpConfigured),
          address: endpoint?.address ?? null,
          since: endpoint?.createdAt.toISOString() ?? null,
        },
        200,
      );
    },
  );
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/me/email',
      tags: ['e-mail'],
      summary: 'Stop e-mail: no more messages are sent to your address',
      security: bearer,
      responses: { 204: { description: 'No address any more' }, ...problemResponses },
    }),
    async (c) => {
      await deleteEmailEndpoint(deps.sql, ownerOf(c.get('principal')));
      return c.body(null, 204);
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/me/email/deliveries',
      tags: ['e-mail'],
      summary: 'The delivery log of your address: status, attempts, next try, last error',
      security: bearer,
      request: { query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }) },
      responses: { 200: jsonResponse(Log, 'Newest first; empty without an address'), ...problemResponses },
    }),
    async (c) => {
      const endpoint = await emailEndpointOf(deps.sql, ownerOf(c.get('principal')));
      const deliveries = endpoint ? await deliveryLog(deps.sql, endpoint.id, c.req.valid('query').limit) : [];
      return c.json({ deliveries: [...deliveries] }, 200);
    },
  );
}

/** Notices by e-mail, off unless PHASEGATE_SMTP_URL is set; delivered like webhooks. */
export function emailRoutes(deps: AppDeps) {
  const app = createRouter();
  setting(app, deps);
  return app;
}
