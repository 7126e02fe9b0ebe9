import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { listNotifications } from '../../db/notifications.ts';
import { noticeAudiences } from '../../domain/rules/visibility.ts';
import { bearer, jsonResponse, problems } from '../openapi.ts';
import type { Handler, Router } from '../router.ts';
import { asWritten, AT, COMPETITION_ID } from '../schemas.ts';

const Notice = z.object({
  id: z.string().meta({ description: 'A 64-bit sequence number, as a string' }),
  competitionId: z.string(),
  phase: z.string().nullable(),
  recipient: z.string().meta({ description: '`public`, `officers`, or `<role>:<id>`' }),
  kind: z.string(),
  body: z
    .record(z.string(), z.unknown())
    .meta({ description: 'What the notice says; its fields depend on `kind`' }),
  createdAt: z.iso.datetime(),
});
const notificationsRoute = createRoute({
  method: 'get',
  path: '/me/notifications',
  tags: ['notifications'],
  summary: 'What you were told: awards with your scores, deadlines, answers, reminders',
  security: bearer,
  request: { query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }) },
  responses: {
    200: jsonResponse(z.object({ notifications: z.array(Notice) }), 'Newest first', {
      notifications: [
        {
          id: '1042',
          competitionId: COMPETITION_ID,
          phase: 'feasibility',
          recipient: 'public',
          kind: 'deadline-extended',
          body: {
            milestone: 'submissionsClose',
            until: '2027-04-19T10:00:00.000Z',
            reason: 'Site visit moved',
          },
          createdAt: AT,
        },
      ],
    }),
    ...problems(400, 401, 503),
  },
});
const notifications: Handler<typeof notificationsRoute> = async (c) => {
  const recipients = noticeAudiences(c.var.principal);
  const rows = await listNotifications(c.var.deps.sql, recipients, c.req.valid('query').limit);
  return c.json({ notifications: asWritten(Notice, rows) }, 200);
};

export const notificationRoutes = (app: Router) => app.openapi(notificationsRoute, notifications);
