import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { MILESTONES } from '../../domain/schedule.ts';
import { text } from '../../domain/text.ts';
import { fileObjection, listObjections } from '../../db/objections.ts';
import { latestRankingView, RANKING_ITEMS } from '../../db/rankings.ts';
import { scopeOf } from '../../domain/rules/visibility.ts';
import {
  approveGateUpdate,
  decideDeliverableUpdate,
  decideObjectionUpdate,
  extendDeadlineUpdate,
  objectionFiledSignal,
  phaseDiagnosticsQuery,
} from '../../workflows/messages.ts';
import { allow } from '../auth.ts';
import { ACTION, bearer, jsonBody, jsonResponse, problems, READ, WRITE } from '../openapi.ts';
import { requirePhase } from '../phases.ts';
import { ProblemError } from '../problem.ts';
import type { Handler, Router } from '../router.ts';
import { asWritten, AT, DIAGNOSTICS_EXAMPLE, Diagnostics, Ranking, RANKING_EXAMPLE } from '../schemas.ts';
import { sees } from '../visibility.ts';
import { nudgePhase, queryPhase, steerAsOfficer } from '../workflow-messages.ts';
import { ObjectionParams, OfferParams, PhaseParams } from './params.ts';

const Reason = text({ min: 3, max: 5000 });
const OBJECTION_ID = '0d9e8f7a-6b5c-4d3e-8f2a-1b0c9d8e7f6a';

const rankingRoute = createRoute({
  method: 'get',
  path: '/ranking',
  tags: ['gate'],
  summary:
    'The gate’s ranking with the explanation of every number and, under `reliability`, the jury’s agreement (Krippendorff’s alpha) and leave-one-juror-out stability (officer); a company sees its own line after the intended award, jurors as Juror A, B, C',
  security: bearer,
  middleware: [sees(RANKING_ITEMS.whole, RANKING_ITEMS.own)] as const,
  request: { params: PhaseParams },
  responses: { 200: jsonResponse(Ranking, 'Ranking', RANKING_EXAMPLE), ...problems(...READ) },
});
const ranking: Handler<typeof rankingRoute> = async (c) => {
  const { id, phase } = c.req.valid('param');
  await requirePhase(c.var.deps, id, phase);
  const view = await latestRankingView(c.var.deps.sql, {
    competitionId: id,
    phaseKey: phase,
    viewer: c.var.principal,
  });
  if (!view) throw new ProblemError('not-found', 'this phase has no ranking you may see yet');
  return c.json(view, 200);
};

const approveGateRoute = createRoute({
  method: 'post',
  path: '/gate/approve',
  tags: ['gate'],
  summary: 'Approve the gate: send the intended award decision and start the standstill (officer)',
  security: bearer,
  middleware: [allow('officer')] as const,
  request: { params: PhaseParams },
  responses: {
    200: jsonResponse(z.object({ standstillEndsAt: z.string() }), 'Intended award sent', {
      standstillEndsAt: '2027-06-14T10:00:00.000Z',
    }),
    ...problems(...ACTION),
  },
});
const approveGate: Handler<typeof approveGateRoute> = async (c) =>
  c.json(await steerAsOfficer(c.var, c.req.valid('param'), approveGateUpdate, {}), 200);

const DeadlineBody = z.strictObject({
  milestone: z.enum(MILESTONES),
  until: z.iso.datetime({ offset: true }),
  reason: Reason,
});
const extendDeadlineRoute = createRoute({
  method: 'post',
  path: '/deadlines',
  tags: ['gate'],
  summary: 'Extend a deadline: only forward, only before it passes; every company is told (officer)',
  security: bearer,
  middleware: [allow('officer')] as const,
  request: { params: PhaseParams, body: jsonBody(DeadlineBody) },
  responses: {
    200: jsonResponse(z.object({ deadlines: z.record(z.string(), z.string()) }), 'Extended', {
      deadlines: { questionsClose: '2027-03-22T11:00:00.000Z', submissionsClose: '2027-04-19T10:00:00.000Z' },
    }),
    ...problems(...WRITE),
  },
});
const extendDeadline: Handler<typeof extendDeadlineRoute> = async (c) => {
  const body = c.req.valid('json');
  const until = new Date(body.until).toISOString();
  const extended = await steerAsOfficer(c.var, c.req.valid('param'), extendDeadlineUpdate, {
    ...body,
    until,
  });
  return c.json(extended, 200);
};

const fileObjectionRoute = createRoute({
  method: 'post',
  path: '/objections',
  tags: ['objections'],
  summary: 'Object to the intended award within the standstill (company that made an offer)',
  security: bearer,
  middleware: [allow('company')] as const,
  request: { params: PhaseParams, body: jsonBody(z.strictObject({ reason: Reason })) },
  responses: {
    201: jsonResponse(z.object({ objectionId: z.string() }), 'Filed', { objectionId: OBJECTION_ID }),
    ...problems(...WRITE),
  },
});
const objectToAward: Handler<typeof fileObjectionRoute> = async (c) => {
  const { id, phase } = c.req.valid('param');
  const filed = await fileObjection(c.var.deps.sql, {
    competitionId: id,
    phaseKey: phase,
    companyId: c.var.principal.id,
    reason: c.req.valid('json').reason,
  });
  await nudgePhase(c.var.deps, id, phase, objectionFiledSignal, { objectionId: filed.objectionId });
  return c.json(filed, 201);
};

const Objection = z.object({
  id: z.string(),
  companyId: z.string(),
  reason: z.string(),
  filedAt: z.iso.datetime(),
  decision: z.enum(['upheld', 'rejected']).nullable(),
  reopen: z.enum(['evaluation', 'gate']).nullable(),
  decisionReason: z.string().nullable(),
  decidedAt: z.iso.datetime().nullable(),
});
const objectionsRoute = createRoute({
  method: 'get',
  path: '/objections',
  tags: ['objections'],
  summary: 'Objections: all (officer) or your own (company)',
  security: bearer,
  middleware: [sees('objections')] as const,
  request: { params: PhaseParams },
  responses: {
    200: jsonResponse(z.object({ objections: z.array(Objection) }), 'Objections, oldest first', {
      objections: [
        {
          id: OBJECTION_ID,
          companyId: 'deltagroen-bv',
          reason: 'Our pilot results were not read: see annex B',
          filedAt: AT,
          decision: null,
          reopen: null,
          decisionReason: null,
          decidedAt: null,
        },
      ],
    }),
    ...problems(...READ),
  },
});
const objections: Handler<typeof objectionsRoute> = async (c) => {
  const { principal, deps } = c.var;
  const scope = scopeOf(principal, { whole: 'objections', own: 'objections' });
  const { id, phase } = c.req.valid('param');
  await requirePhase(deps, id, phase);
  const rows = await listObjections(deps.sql, {
    competitionId: id,
    phaseKey: phase,
    ...(scope === 'all' ? {} : { companyId: principal.id }),
  });
  return c.json({ objections: asWritten(Objection, rows) }, 200);
};

const ObjectionDecision = z.strictObject({
  upheld: z.boolean(),
  reopen: z.enum(['evaluation', 'gate']).optional(),
  reason: Reason,
});
const decideObjectionRoute = createRoute({
  method: 'post',
  path: '/objections/{objectionId}/decision',
  tags: ['objections'],
  summary:
    'Decide an objection: upheld reopens evaluation or the gate; rejected lets the award stand (officer)',
  security: bearer,
  middleware: [allow('officer')] as const,
  request: { params: ObjectionParams, body: jsonBody(ObjectionDecision) },
  responses: {
    200: jsonResponse(
      z.object({
        state: z.string().describe('The state the phase moves to: evaluation or gate when upheld'),
      }),
      'Decided',
      { state: 'evaluation' },
    ),
    ...problems(...WRITE),
  },
});
const decideObjection: Handler<typeof decideObjectionRoute> = async (c) => {
  const { objectionId, ...where } = c.req.valid('param');
  const decided = await steerAsOfficer(c.var, where, decideObjectionUpdate, {
    objectionId,
    ...c.req.valid('json'),
  });
  return c.json(decided, 200);
};

const decideDeliverableRoute = createRoute({
  method: 'post',
  path: '/offers/{offerId}/deliverable-decision',
  tags: ['gate'],
  summary:
    'Accept or reject a winner’s deliverable (officer); only accepted companies may enter the next phase',
  description:
    'Refused with the reason when the offer holds no final award in this phase (404 `not-found`), ' +
    'or when its deliverable was decided already or the phase is not in execution (409).',
  security: bearer,
  middleware: [allow('officer')] as const,
  request: {
    params: OfferParams,
    body: jsonBody(z.strictObject({ accepted: z.boolean(), note: text({ max: 5000 }).default('') })),
  },
  responses: {
    200: jsonResponse(z.object({ pending: z.number() }), 'Decided; `pending` deliverables remain', {
      pending: 1,
    }),
    ...problems(...WRITE),
  },
});
const decideDeliverable: Handler<typeof decideDeliverableRoute> = async (c) => {
  const { offerId, ...where } = c.req.valid('param');
  const decided = await steerAsOfficer(c.var, where, decideDeliverableUpdate, {
    offerId,
    ...c.req.valid('json'),
  });
  return c.json(decided, 200);
};

const diagnosticsRoute = createRoute({
  method: 'get',
  path: '/diagnostics',
  tags: ['gate'],
  summary: 'The phase workflow’s own view, for diagnostics (officer); status reads come from Postgres',
  security: bearer,
  middleware: [sees('workflow diagnostics')] as const,
  request: { params: PhaseParams },
  responses: {
    200: jsonResponse(Diagnostics, 'Workflow state', DIAGNOSTICS_EXAMPLE),
    ...problems(...READ),
  },
});
const diagnostics: Handler<typeof diagnosticsRoute> = async (c) => {
  const { id, phase } = c.req.valid('param');
  await requirePhase(c.var.deps, id, phase);
  return c.json({ ...(await queryPhase(c.var.deps, id, phase, phaseDiagnosticsQuery)) }, 200);
};

/** The gate, its deadlines, objections and deliverables: under the phase prefix. */
export const gateRoutes = (phase: Router) =>
  phase
    .openapi(rankingRoute, ranking)
    .openapi(approveGateRoute, approveGate)
    .openapi(extendDeadlineRoute, extendDeadline)
    .openapi(fileObjectionRoute, objectToAward)
    .openapi(objectionsRoute, objections)
    .openapi(decideObjectionRoute, decideObjection)
    .openapi(decideDeliverableRoute, decideDeliverable)
    .openapi(diagnosticsRoute, diagnostics);
