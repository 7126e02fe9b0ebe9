import { createRoute } from '@hono/zod-openapi';
import { createRouter } from '../router.ts';
import { z } from 'zod';
import type { AppDeps } from '../app.ts';
import { jsonResponse } from '../openapi.ts';

export function receiptRoutes(deps: AppDeps) {
  const app = createRouter();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/receipts/public-key',
      tags: ['offers'],
      summary: 'The Ed25519 public key that checks every submission receipt',
      responses: {
        200: jsonResponse(
          z.object({ algorithm: z.literal('Ed25519'), publicKeyPem: z.string() }),
          'Public key',
        ),
      },
    }),
    (c) =>
      c.json(
        {
          algorithm: 'Ed25519' as const,
          publicKeyPem: deps.keys.receiptPublic.export({ type: 'spki', format: 'pem' }).toString(),
        },
        200,
      ),
  );
  return app;
}
