import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { competitionDeadlines, ownDeadlines } from '../../db/calendar.ts';
import { deadlineCalendar } from '../../domain/ical.ts';
import { bearer, problems, textResponse } from '../openapi.ts';
import { ProblemError } from '../problem.ts';
import type { Handler, Router } from '../router.ts';
import { COMPETITION_ID } from '../schemas.ts';
import { CompetitionParams } from './params.ts';

const ICS = { 'content-type': 'text/calendar; charset=utf-8' };
/** A feed as the API writes it: one event for the example, built by the same code. */
const FEED_EXAMPLE = deadlineCalendar(
  'Quiet roads: less tyre noise on municipal streets',
  [
    {
      uid: `${COMPETITION_ID}-feasibility-submissionsClose@phasegate`,
      summary: 'Phase 1 — feasibility: offers close',
      at: '2027-04-12T10:00:00.000Z',
      sequence: 0,
    },
  ],
  new Date('2027-03-01T11:00:00.000Z'),
);
const calendar = (description: string) =>
  textResponse('text/calendar', z.string(), description, FEED_EXAMPLE);

const competitionFeedRoute = createRoute({
  method: 'get',
  path: '/competitions/{id}/calendar.ics',
  tags: ['competitions'],
  summary: "The competition's deadlines as an iCalendar feed (stable UIDs; SEQUENCE counts extensions)",
  security: bearer,
  request: { params: CompetitionParams },
  responses: { 200: calendar('Every published deadline of every phase'), ...problems(400, 401, 404, 503) },
});
const competitionFeed: Handler<typeof competitionFeedRoute> = async (c) => {
  const { id } = c.req.valid('param');
  const deadlines = await competitionDeadlines(c.var.deps.sql, id);
  if (!deadlines) throw new ProblemError('not-found', `no competition ${id}`);
  return c.body(deadlineCalendar(deadlines.title, deadlines.events, new Date()), 200, ICS);
};

const ownFeedRoute = createRoute({
  method: 'get',
  path: '/me/calendar.ics',
  tags: ['notifications'],
  summary: 'Your own dates as an iCalendar feed: a juror’s scoring deadlines, a company’s pitch slots',
  security: bearer,
  responses: { 200: calendar('Your dates in running competitions'), ...problems(401, 503) },
});
const ownFeed: Handler<typeof ownFeedRoute> = async (c) => {
  const events = await ownDeadlines(c.var.deps.sql, c.var.principal);
  return c.body(deadlineCalendar('Phasegate: my deadlines', events, new Date()), 200, ICS);
};

/** Deadlines as iCalendar feeds: they update in a subscribed calendar when an officer extends one. */
export const calendarRoutes = (app: Router) =>
  app.openapi(competitionFeedRoute, competitionFeed).openapi(ownFeedRoute, ownFeed);
