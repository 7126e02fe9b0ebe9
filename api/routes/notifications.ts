import { createRoute } from '@hono/zod-openapi';
import { createRouter } from '../router.ts';
import { z } from 'zod';
import { listNotifications } from '../../db/notifications.ts';
import { noticeAudiences } from '../../domain/rules/visibility.ts';
import type { AppDeps } from '../app.ts';
import { bearer, jsonResponse, problemResponses } from '../openapi.ts';

export function notificationRoutes(deps: AppDeps) {
  const app = createRouter();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/me/notifications',
      tags: ['notifications'],
      summary: 'What you were told: awards with your scores, deadlines, answers, reminders',
      security: bearer,
      request: { query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }) },
      responses: {
        200: jsonResponse(
          z.object({ notifications: z.array(z.record(z.string(), z.unknown())) }),
          'Newest first',
        ),
        ...problemResponses,
      },
    }),
    async (c) => {
      const recipients = noticeAudiences(c.get('principal'));
      return c.json(
        { notifications: [...(await listNotifications(deps.sql, recipients, c.req.valid('query').limit))] },
        200,
      );
    },
  );
  return app;
}
