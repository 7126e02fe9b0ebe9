import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { jsonResponse } from '../openapi.ts';
import type { Handler, Router } from '../router.ts';

const publicKeyRoute = createRoute({
  method: 'get',
  path: '/receipts/public-key',
  tags: ['offers'],
  summary: 'The Ed25519 public key that checks every submission receipt',
  responses: {
    200: jsonResponse(z.object({ algorithm: z.literal('Ed25519'), publicKeyPem: z.string() }), 'Public key', {
      algorithm: 'Ed25519',
      publicKeyPem:
        '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----\n',
    }),
  },
});
const publicKey: Handler<typeof publicKeyRoute> = (c) =>
  c.json(
    {
      algorithm: 'Ed25519' as const,
      publicKeyPem: c.var.deps.keys.receiptPublic.export({ type: 'spki', format: 'pem' }).toString(),
    },
    200,
  );

export const receiptRoutes = (app: Router) => app.openapi(publicKeyRoute, publicKey);
