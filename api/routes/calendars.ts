import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { competitionDeadlines, ownDeadlines } from '../../db/calendar.ts';
import { deadlineCalendar } from '../../domain/ical.ts';
import type { AppDeps } from '../app.ts';
import { bearer, problemResponses } from '../openapi.ts';
import { ProblemError } from '../problem.ts';
import { createRouter } from '../router.ts';
import { CompetitionParams } from './params.ts';

const calendarResponse = (description: string) => ({
  200: { description, content: { 'text/calendar': { schema: z.string() } } },
  ...problemResponses,
});
const ICS = { 'content-type': 'text/calendar; charset=utf-8' };

/** Deadlines as iCalendar feeds: they update in a subscribed calendar when an officer extends one. */
export function calendarRoutes(deps: AppDeps) {
  const app = createRouter();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/competitions/{id}/calendar.ics',
      tags: ['competitions'],
      summary: "The competition's deadlines as an iCalendar feed (stable UIDs; SEQUENCE counts extensions)",
      security: bearer,
      request: { params: CompetitionParams },
      responses: calendarResponse('Every published deadline of every phase'),
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const deadlines = await competitionDeadlines(deps.sql, id);
      if (!deadlines) throw new ProblemError('not-found', `no competition ${id}`);
      return c.body(deadlineCalendar(deadlines.title, deadlines.events, new Date()), 200, ICS);
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/me/calendar.ics',
      tags: ['notifications'],
      summary: 'Your own dates as an iCalendar feed: a juror’s scoring deadlines, a company’s pitch slots',
      security: bearer,
      responses: calendarResponse('Your dates in running competitions'),
    }),
    async (c) => {
      const events = await ownDeadlines(deps.sql, c.get('principal'));
      return c.body(deadlineCalendar('Phasegate: my deadlines', events, new Date()), 200, ICS);
    },
  );
  return app;
}
