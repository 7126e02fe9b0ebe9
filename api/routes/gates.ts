import { createRoute } from '@hono/zod-openapi';
import { createRouter } from '../router.ts';
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
import type { AppDeps } from '../app.ts';
import { requireRole } from '../auth.ts';
import { bearer, jsonBody, jsonResponse, problemResponses } from '../openapi.ts';
import { requirePhase, requirePhaseNotEnded } from '../phases.ts';
import { ProblemError } from '../problem.ts';
import { requireSight } from '../visibility.ts';
import { nudgePhase, queryPhase, steer } from '../workflow-messages.ts';
import { ObjectionParams, OfferParams, PhaseParams } from './params.ts';

const Reason = text({ min: 3, max: 5000 });
const Loose = z.record(z.string(), z.unknown());

export function gateRoutes(deps: AppDeps) {
  const app = createRouter();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/competitions/{id}/phases/{phase}/ranking',
      tags: ['gate'],
      summary:
        'The gate’s ranking with the explanation of every number and, under `reliability`, the jury’s agreement (Krippendorff’s alpha) and leave-one-juror-out stability (officer); a company sees its own line after the intended award, jurors as Juror A, B, C',
      security: bearer,
      request: { params: PhaseParams },
      responses: { 200: jsonResponse(Loose, 'Ranking'), ...problemResponses },
    }),
    async (c) => {
      const principal = c.get('principal');
      requireSight(principal, RANKING_ITEMS.whole, RANKING_ITEMS.own);
      const { id, phase } = c.req.valid('param');
      await requirePhase(deps, id, phase);
      const view = await latestRankingView(deps.sql, {
        competitionId: id,
        phaseKey: phase,
        viewer: principal,
      });
      if (!view) throw new ProblemError('not-found', 'this phase has no ranking you may see yet');
      return c.json(view, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/competitions/{id}/phases/{phase}/gate/approve',
      tags: ['gate'],
      summary: 'Approve the gate: send the intended award decision and start the standstill (officer)',
      security: bearer,
      request: { params: PhaseParams },
      responses: {
        200: jsonResponse(z.object({ standstillEndsAt: z.string() }), 'Intended award sent'),
        ...problemResponses,
      },
    }),
    async (c) => {
      const principal = c.get('principal');
      requireRole(principal, 'officer');
      const { id, phase } = c.req.valid('param');
      await requirePhaseNotEnded(deps, id, phase);
      return c.json(
        await steer(deps, { competitionId: id, phaseKey: phase }, approveGateUpdate, {
          officerId: principal.id,
        }),
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/competitions/{id}/phases/{phase}/deadlines',
      tags: ['gate'],
      summary: 'Extend a deadline: only forward, only before it passes; every company is told (officer)',
      security: bearer,
      request: {
        params: PhaseParams,
        body: jsonBody(
          z.strictObject({
            milestone: z.enum(MILESTONES),
            until: z.iso.datetime({ offset: true }),
            reason: Reason,
          }),
        ),
      },
      responses: {
        200: jsonResponse(z.object({ deadlines: z.record(z.string(), z.string()) }), 'Extended'),
        ...problemResponses,
      },
    }),
    async (c) => {
      const principal = c.get('principal');
      requireRole(principal, 'officer');
      const { id, phase } = c.req.valid('param');
      const body = c.req.valid('json');
      await requirePhaseNotEnded(deps, id, phase);
      const until = new Date(body.until).toISOString();
      return c.json(
        await steer(deps, { competitionId: id, phaseKey: phase }, extendDeadlineUpdate, {
          officerId: principal.id,
          ...body,
          until,
        }),
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/competitions/{id}/phases/{phase}/objections',
      tags: ['objections'],
      summary: 'Object to the intended award within the standstill (company that made an offer)',
      security: bearer,
      request: { params: PhaseParams, body: jsonBody(z.strictObject({ reason: Reason })) },
      responses: { 201: jsonResponse(z.object({ objectionId: z.string() }), 'Filed'), ...problemResponses },
    }),
    async (c) => {
      const principal = c.get('principal');
      requireRole(principal, 'company');
      const { id, phase } = c.req.valid('param');
      const filed = await fileObjection(deps.sql, {
        competitionId: id,
        phaseKey: phase,
        companyId: principal.id,
        reason: c.req.valid('json').reason,
      });
      await nudgePhase(deps, id, phase, objectionFiledSignal, { objectionId: filed.objectionId });
      return c.json(filed, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/competitions/{id}/phases/{phase}/objections',
      tags: ['objections'],
      summary: 'Objections: all (officer) or your own (company)',
      security: bearer,
      request: { params: PhaseParams },
      responses: {
        200: jsonResponse(z.object({ objections: z.array(Loose) }), 'Objections'),
        ...problemResponses,
      },
    }),
    async (c) => {
      const principal = c.get('principal');
      requireSight(principal, 'objections');
      const scope = scopeOf(principal, { whole: 'objections', own: 'objections' });
      const { id, phase } = c.req.valid('param');
      await requirePhase(deps, id, phase);
      const objections = await listObjections(deps.sql, {
        competitionId: id,
        phaseKey: phase,
        ...(scope === 'all' ? {} : { companyId: principal.id }),
      });
      return c.json({ objections: [...objections] }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/competitions/{id}/phases/{phase}/objections/{objectionId}/decision',
      tags: ['objections'],
      summary:
        'Decide an objection: upheld reopens evaluation or the gate; rejected lets the award stand (officer)',
      security: bearer,
      request: {
        params: ObjectionParams,
        body: jsonBody(
          z.strictObject({
            upheld: z.boolean(),
            reopen: z.enum(['evaluation', 'gate']).optional(),
            reason: Reason,
          }),
        ),
      },
      responses: {
        200: jsonResponse(
          z.object({
            state: z.string().describe('The state the phase moves to: evaluation or gate when upheld'),
          }),
          'Decided',
        ),
        ...problemResponses,
      },
    }),
    async (c) => {
      const principal = c.get('principal');
      requireRole(principal, 'officer');
      const { id, phase, objectionId } = c.req.valid('param');
      await requirePhaseNotEnded(deps, id, phase);
      return c.json(
        await steer(deps, { competitionId: id, phaseKey: phase }, decideObjectionUpdate, {
          officerId: principal.id,
          objectionId,
          ...c.req.valid('json'),
        }),
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/competitions/{id}/phases/{phase}/offers/{offerId}/deliverable-decision',
      tags: ['gate'],
      summary:
        'Accept or reject a winner’s deliverable (officer); only accepted companies may enter the next phase',
      security: bearer,
      request: {
        params: OfferParams,
        body: jsonBody(z.strictObject({ accepted: z.boolean(), note: text({ max: 5000 }).default('') })),
      },
      responses: { 200: jsonResponse(z.object({ pending: z.number() }), 'Decided'), ...problemResponses },
    }),
    async (c) => {
      const principal = c.get('principal');
      requireRole(principal, 'officer');
      const { id, phase, offerId } = c.req.valid('param');
      await requirePhaseNotEnded(deps, id, phase);
      return c.json(
        await steer(deps, { competitionId: id, phaseKey: phase }, decideDeliverableUpdate, {
          officerId: principal.id,
          offerId,
          ...c.req.valid('json'),
        }),
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/competitions/{id}/phases/{phase}/diagnostics',
      tags: ['gate'],
      summary: 'The phase workflow’s own view, for diagnostics (officer); status reads come from Postgres',
      security: bearer,
      request: { params: PhaseParams },
      responses: { 200: jsonResponse(Loose, 'Workflow state'), ...problemResponses },
    }),
    async (c) => {
      requireSight(c.get('principal'), 'workflow diagnostics');
      const { id, phase } = c.req.valid('param');
      await requirePhase(deps, id, phase);
      return c.json({ ...(await queryPhase(deps, id, phase, phaseDiagnosticsQuery)) }, 200);
    },
  );

  return app;
}
