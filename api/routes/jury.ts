import { createRoute } from '@hono/zod-openapi';
import { createRouter } from '../router.ts';
import { z } from 'zod';
import { KeySchema, MAX_POINTS } from '../../domain/scoring.ts';
import { CONTENT_STATUSES } from '../../domain/rules/jury.ts';
import { text } from '../../domain/text.ts';
import {
  declareConflict,
  finishEvaluation,
  jurorOwnScores,
  listDeclarations,
  offersForJuror,
  recordConsensus,
  submitScores,
} from '../../db/jury.ts';
import { consensusReachedSignal, jurorFinishedSignal } from '../../workflows/messages.ts';
import type { AppDeps } from '../app.ts';
import { requireRole } from '../auth.ts';
import { bearer, jsonBody, jsonResponse, problemResponses } from '../openapi.ts';
import { requirePhase } from '../phases.ts';
import { notOnJury, requireSight } from '../visibility.ts';
import { nudgePhase } from '../workflow-messages.ts';
import { OfferParams, PhaseParams } from './params.ts';

const Reason = text({ min: 3, max: 5000, tooShort: 'every score needs a written reason' });
export const ScoreLineSchema = z.strictObject({
  criterion: KeySchema,
  score: z.number().min(-MAX_POINTS).max(MAX_POINTS),
  reason: Reason,
});
const ScoreLines = z
  .array(ScoreLineSchema)
  .min(1, 'send at least 1 score line')
  .max(50, 'send at most 50 score lines at once');
const ok = <T extends z.ZodRawShape>(shape: T, description: string) =>
  jsonResponse(z.object(shape), description);

/** One offer as a juror on the jury sees it: what it is, and its content once the juror may read it. */
const JurorOfferSchema = z.object({
  offerId: z.string(),
  entry: z.number().int().nullable().optional().meta({
    description: 'Anonymous review only: the entry number, stable for the phase (jurors see no sender).',
  }),
  label: z.string().optional().meta({ description: 'Anonymous review only: "Entry 7".', example: 'Entry 7' }),
  company: z.string().optional().meta({
    description: 'The sender, for declaring conflicts; left out under anonymous review.',
  }),
  declaration: z.enum(['not-declared', 'conflict', 'no-conflict']),
  content: z.string().nullable(),
  price: z.number().nullable(),
  requestedAmount: z.number().nullable(),
  contentStatus: z.enum(CONTENT_STATUSES).meta({
    description:
      'Why `content` is shown or null: `visible`; `declaration-needed` (declare a conflict of interest ' +
      'or none first); `conflict-declared` (you do not read or score this offer); ' +
      '`sealed-until-opening` (declared, but the offers stay sealed until two different officers ' +
      'have opened them).',
  }),
  note: z.string().optional().meta({ description: 'What happens next, when `content` is null' }),
});

export function juryRoutes(deps: AppDeps) {
  const app = createRouter();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/competitions/{id}/phases/{phase}/jury/offers',
      tags: ['jury'],
      summary: 'The offers to evaluate (juror); content only after declaring no conflict for it',
      description:
        'Every offer of the phase with its sender, for declaring conflicts (under anonymous review ' +
        'as its entry, "Entry 7", never its sender). Its content, amount and ' +
        'price show once you declared no conflict and two officers have opened the offers; ' +
        '`contentStatus` and `note` say which of these is still missing.',
      security: bearer,
      request: { params: PhaseParams },
      responses: {
        200: ok({ offers: z.array(JurorOfferSchema) }, 'Offers'),
        ...problemResponses,
      },
    }),
    async (c) => {
      const principal = c.get('principal');
      requireRole(principal, 'juror');
      const { id, phase } = c.req.valid('param');
      return c.json(
        {
          offers: await offersForJuror(deps.sql, deps.keys, {
            competitionId: id,
            phaseKey: phase,
            jurorId: principal.id,
          }),
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/competitions/{id}/phases/{phase}/offers/{offerId}/conflict-declaration',
      tags: ['jury'],
      summary: 'Declare, before seeing the offer, whether you have a conflict of interest (juror)',
      description:
        'Once per offer, before reading it. Under anonymous review a juror who declared no conflict ' +
        'may still declare one on recognising the work (`hasConflict: true`, with a statement such as ' +
        '"I recognise this work"): their scores for it no longer count and the officers are told.',
      security: bearer,
      request: {
        params: OfferParams,
        body: jsonBody(
          z.strictObject({ hasConflict: z.boolean(), statement: text({ max: 5000 }).default('') }),
        ),
      },
      responses: { 201: ok({ declared: z.literal(true) }, 'Declared'), ...problemResponses },
    }),
    async (c) => {
      const principal = c.get('principal');
      requireRole(principal, 'juror');
      const { id, phase, offerId } = c.req.valid('param');
      await declareConflict(deps.sql, {
        competitionId: id,
        phaseKey: phase,
        jurorId: principal.id,
        offerId,
        ...c.req.valid('json'),
      });
      return c.json({ declared: true as const }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/competitions/{id}/phases/{phase}/jury/declarations',
      tags: ['jury'],
      summary: 'Conflict declarations: all, with jurors and statements (officer), or your own (juror)',
      description:
        'Each declaration with its statement and, under anonymous review, the entry it concerns and ' +
        '`recognisedAt` when the juror recognised the work after declaring no conflict. The sender ' +
        'shows as for the offers: under anonymous review to officers once the identities are open.',
      security: bearer,
      request: { params: PhaseParams },
      responses: {
        200: ok({ declarations: z.array(z.record(z.string(), z.unknown())) }, 'Declarations'),
        ...problemResponses,
      },
    }),
    async (c) => {
      const principal = c.get('principal');
      requireSight(principal, 'conflict declarations');
      const { id, phase } = c.req.valid('param');
      await requirePhase(deps, id, phase);
      const declarations = await listDeclarations(deps.sql, {
        competitionId: id,
        phaseKey: phase,
        viewer: principal,
      });
      if (!declarations) throw notOnJury(principal, phase);
      return c.json({ declarations }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/competitions/{id}/phases/{phase}/offers/{offerId}/scores',
      tags: ['jury'],
      summary: 'Score an offer on its criteria, each with a reason (juror)',
      security: bearer,
      request: {
        params: OfferParams,
        body: jsonBody(z.strictObject({ scores: ScoreLines })),
      },
      responses: { 200: ok({ round: z.number() }, 'Stored'), ...problemResponses },
    }),
    async (c) => {
      const principal = c.get('principal');
      requireRole(principal, 'juror');
      const { id, phase, offerId } = c.req.valid('param');
      return c.json(
        await submitScores(deps.sql, {
          competitionId: id,
          phaseKey: phase,
          jurorId: principal.id,
          offerId,
          scores: c.req.valid('json').scores,
        }),
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/competitions/{id}/phases/{phase}/jury/my-scores',
      tags: ['jury'],
      summary: 'Your own scores; no juror sees another’s (juror)',
      security: bearer,
      request: { params: PhaseParams },
      responses: {
        200: ok({ scores: z.array(z.record(z.string(), z.unknown())) }, 'Your scores'),
        ...problemResponses,
      },
    }),
    async (c) => {
      const principal = c.get('principal');
      requireRole(principal, 'juror');
      const { id, phase } = c.req.valid('param');
      await requirePhase(deps, id, phase);
      const scores = await jurorOwnScores(deps.sql, {
        competitionId: id,
        phaseKey: phase,
        jurorId: principal.id,
      });
      if (!scores) throw notOnJury(principal, phase);
      return c.json({ scores: [...scores] }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/competitions/{id}/phases/{phase}/jury/finish',
      tags: ['jury'],
      summary: 'Say you have scored everything for this round (juror); when all have, the gate comes early',
      security: bearer,
      request: { params: PhaseParams },
      responses: { 200: ok({ round: z.number() }, 'Recorded'), ...problemResponses },
    }),
    async (c) => {
      const principal = c.get('principal');
      requireRole(principal, 'juror');
      const { id, phase } = c.req.valid('param');
      const { round } = await finishEvaluation(deps.sql, {
        competitionId: id,
        phaseKey: phase,
        jurorId: principal.id,
      });
      await nudgePhase(deps, id, phase, jurorFinishedSignal, { jurorId: principal.id, round });
      return c.json({ round }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/competitions/{id}/phases/{phase}/offers/{offerId}/consensus',
      tags: ['jury'],
      summary: 'Record the consensus score for one criterion, which replaces the jurors’ (officer as chair)',
      security: bearer,
      request: { params: OfferParams, body: jsonBody(ScoreLineSchema) },
      responses: { 200: ok({ round: z.number() }, 'Recorded'), ...problemResponses },
    }),
    async (c) => {
      const principal = c.get('principal');
      requireRole(principal, 'officer');
      const { id, phase, offerId } = c.req.valid('param');
      return c.json(
        await recordConsensus(deps.sql, {
          competitionId: id,
          phaseKey: phase,
          chairId: principal.id,
          offerId,
          ...c.req.valid('json'),
        }),
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/competitions/{id}/phases/{phase}/consensus/complete',
      tags: ['jury'],
      summary: 'Close the consensus meeting (officer as chair); the gate ranks again',
      security: bearer,
      request: {
        params: PhaseParams,
        body: jsonBody(z.strictObject({ round: z.number().int().min(1).max(10_000) })),
      },
      responses: { 200: ok({ signalled: z.boolean() }, 'Recorded'), ...problemResponses },
    }),
    async (c) => {
      const principal = c.get('principal');
      requireRole(principal, 'officer');
      const { id, phase } = c.req.valid('param');
      await requirePhase(deps, id, phase);
      const signalled = await nudgePhase(deps, id, phase, consensusReachedSignal, {
        chairId: principal.id,
        round: c.req.valid('json').round,
      });
      return c.json({ signalled }, 200);
    },
  );

  return app;
}
