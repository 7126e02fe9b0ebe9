import { createRoute } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import { competitionStatusOf } from '../../db/competitions.ts';
import { noticesAfter, type StreamPosition } from '../../db/notifications.ts';
import { noticeAudiences } from '../../domain/rules/visibility.ts';
import type { AppDeps } from '../app.ts';
import { bearer, problemResponses } from '../openapi.ts';
import { fieldProblem, ProblemError } from '../problem.ts';
import { createRouter } from '../router.ts';
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

export function eventRoutes(deps: AppDeps) {
  const app = createRouter();
  app.openapi(
    createRoute({
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
        200: { description: 'The event stream', content: { 'text/event-stream': { schema: z.string() } } },
        ...problemResponses,
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      let position = resumeFrom(c.req.valid('header')['last-event-id'] ?? c.req.valid('query').lastEventId);
      if (!(await competitionStatusOf(deps.sql, id)))
        throw new ProblemError('not-found', `no competition ${id}`);
      const recipients = noticeAudiences(c.get('principal'));
      return streamSSE(c, async (stream) => {
        let quietSince = Date.now();
        while (!stream.aborted) {
          for (const notice of await noticesAfter(deps.sql, id, recipients, position)) {
            const { tx, id: noticeId, ...event } = notice;
            await stream.writeSSE({
              id: `${tx}.${noticeId}`,
              event: notice.kind,
              data: JSON.stringify(event),
            });
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
    },
  );
  return app;
}
