import { createRoute } from '@hono/zod-openapi';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { newWebhookSecret } from '../../activities/webhooks.ts';
import { deleteEmailEndpoint, emailEndpointOf, setEmailEndpoint } from '../../db/email.ts';
import { deliveryLog, type WebhookOwner } from '../../db/webhooks.ts';
import { allow, type Principal } from '../auth.ts';
import { bearer, jsonBody, jsonResponse, problems } from '../openapi.ts';
import { ProblemError } from '../problem.ts';
import type { Handler, Router } from '../router.ts';
import { asWritten, AT } from '../schemas.ts';
import { DeliveryLog, DELIVERY_LOG_EXAMPLE, startEndpointDelivery } from './webhooks.ts';

const Address = z.strictObject({ address: z.email().max(254) });
const EmailSetting = z.object({
  /** Whether this server sends e-mail at all (PHASEGATE_SMTP_URL). */
  configured: z.boolean(),
  address: z.string().nullable(),
  since: z.string().nullable(),
});

/** Officers, companies and jurors may each give one address. */
const anyone = allow('officer', 'company', 'juror');
const ownerOf = (principal: Principal): WebhookOwner => ({ role: principal.role, id: principal.id });
const SETTING_EXAMPLE = { configured: true, address: 'inkoop@utrecht.example.nl', since: AT };

const setAddressRoute = createRoute({
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
  middleware: [anyone] as const,
  request: { body: jsonBody(Address) },
  responses: {
    200: jsonResponse(EmailSetting, 'The address notices go to', SETTING_EXAMPLE),
    ...problems(400, 401, 403, 409, 413, 415, 503),
  },
});
const setAddress: Handler<typeof setAddressRoute> = async (c) => {
  const { deps } = c.var;
  const owner = ownerOf(c.var.principal);
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
};

const addressRoute = createRoute({
  method: 'get',
  path: '/me/email',
  tags: ['e-mail'],
  summary: 'The address your notices go to, if any',
  security: bearer,
  middleware: [anyone] as const,
  responses: {
    200: jsonResponse(EmailSetting, 'Your address, or null', SETTING_EXAMPLE),
    ...problems(401, 403, 503),
  },
});
const address: Handler<typeof addressRoute> = async (c) => {
  const endpoint = await emailEndpointOf(c.var.deps.sql, ownerOf(c.var.principal));
  return c.json(
    {
      configured: Boolean(c.var.deps.smtpConfigured),
      address: endpoint?.address ?? null,
      since: endpoint?.createdAt.toISOString() ?? null,
    },
    200,
  );
};

const stopRoute = createRoute({
  method: 'delete',
  path: '/me/email',
  tags: ['e-mail'],
  summary: 'Stop e-mail: no more messages are sent to your address',
  security: bearer,
  middleware: [anyone] as const,
  responses: { 204: { description: 'No address any more' }, ...problems(401, 403, 503) },
});
const stop: Handler<typeof stopRoute> = async (c) => {
  await deleteEmailEndpoint(c.var.deps.sql, ownerOf(c.var.principal));
  return c.body(null, 204);
};

const deliveriesRoute = createRoute({
  method: 'get',
  path: '/me/email/deliveries',
  tags: ['e-mail'],
  summary: 'The delivery log of your address: status, attempts, next try, last error',
  security: bearer,
  middleware: [anyone] as const,
  request: { query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }) },
  responses: {
    200: jsonResponse(DeliveryLog, 'Newest first; empty without an address', DELIVERY_LOG_EXAMPLE),
    ...problems(400, 401, 403, 503),
  },
});
const deliveries: Handler<typeof deliveriesRoute> = async (c) => {
  const { sql } = c.var.deps;
  const endpoint = await emailEndpointOf(sql, ownerOf(c.var.principal));
  const log = endpoint ? await deliveryLog(sql, endpoint.id, c.req.valid('query').limit) : [];
  return c.json({ deliveries: asWritten(DeliveryLog.shape.deliveries.element, log) }, 200);
};

/** Notices by e-mail, off unless PHASEGATE_SMTP_URL is set; delivered like webhooks. */
export const emailRoutes = (app: Router) =>
  app
    .openapi(setAddressRoute, setAddress)
    .openapi(addressRoute, address)
    .openapi(stopRoute, stop)
    .openapi(deliveriesRoute, deliveries);
