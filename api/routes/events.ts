import { createRoute } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import { competitionStatusOf } from '../../db/competitions.ts';
import { noticesAfter, type StreamPosition } from '../../db/notifications.ts';
import { noticeAudiences } from '../../domain/rules/visibility.ts';
import { bearer, problems, textResponse } from '../openapi.ts';
import { fieldProblem, ProblemError } from '../problem.ts';
import type { Handler, Router } from '../router.ts';
import { AT } from '../schemas.ts';
import { CompetitionParams } from './params.ts';

/** How often the stream looks for new notices, and how often an idle stream says it is alive. */
const POLL_MS = 1000;
const KEEP_ALIVE_MS = 15_000;
/** An event id is `<transaction>.<notice id>`: the position to resume after. */
const EVENT_ID = /^(\d{1,20})\.(\d{1,20})$/;

function resumeFrom(lastEventId: string | undefined): StreamPosition | undefined {
  if (lastEventId === undefined || lastEventId === '') return undefined;
  const match = EVENT_ID.exec(lastEventId);
  if (!match) {
    throw fieldProblem('validation-failed', [
      { path: 'last-event-id', message: 'an event id this stream sent, such as 1234.56' },
    ]);
  }
  return { tx: match[1]!, id: match[2]! };
}

const streamRoute = createRoute({
  method: 'get',
  path: '/competitions/{id}/events',
  tags: ['notifications'],
  summary: 'What happens in the competition, as Server-Sent Events, filtered by what you may see',
  description:
    'Each event is a notice you would find in GET /me/notifications (`event` is its kind, `data` its ' +
    'JSON). Reconnect with the `Last-Event-ID` header (or `?lastEventId=`) to resume after the last ' +
    'event you received: none is skipped or sent twice.',
  security: bearer,
  request: {
    params: CompetitionParams,
    query: z.object({ lastEventId: z.string().max(50).optional() }),
    headers: z.object({ 'last-event-id': z.string().max(50).optional() }),
  },
  responses: {
    200: textResponse(
      'text/event-stream',
      z.string(),
      'The event stream',
      `id: 981.1042\nevent: phase-published\ndata: {"phase":"feasibility","kind":"phase-published",` +
        `"body":{"title":"Phase 1 — feasibility"},"createdAt":"${AT}"}\n\n`,
    ),
    ...problems(400, 401, 404, 503),
  },
});
const stream: Handler<typeof streamRoute> = async (c) => {
  const { id } = c.req.valid('param');
  const { sql } = c.var.deps;
  let position = resumeFrom(c.req.valid('header')['last-event-id'] ?? c.req.valid('query').lastEventId);
  if (!(await competitionStatusOf(sql, id))) throw new ProblemError('not-found', `no competition ${id}`);
  const recipients = noticeAudiences(c.var.principal);
  return streamSSE(c, async (stream) => {
    let quietSince = Date.now();
    while (!stream.aborted) {
      for (const notice of await noticesAfter(sql, id, recipients, position)) {
        const { tx, id: noticeId, ...event } = notice;
        await stream.writeSSE({ id: `${tx}.${noticeId}`, event: notice.kind, data: JSON.stringify(event) });
        position = { tx, id: noticeId };
        quietSince = Date.now();
      }
      if (Date.now() - quietSince > KEEP_ALIVE_MS) {
        await stream.write(': alive\n\n');
        quietSince = Date.now();
      }
      await stream.sleep(POLL_MS);
    }
  });
};

/** The competition's notices as a live stream. */
export const eventRoutes = (app: Router) => app.openapi(streamRoute, stream);
