import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { KeySchema, MAX_POINTS } from '../../domain/scoring.ts';
import { CONTENT_STATUSES } from '../../domain/rules/jury.ts';
import { text } from '../../domain/text.ts';
import {
  declareConflict,
  finishedJurors,
  finishEvaluation,
  jurorOwnScores,
  listDeclarations,
  offersForJuror,
  recordConsensus,
  submitScores,
} from '../../db/jury.ts';
import { consensusReachedSignal, jurorFinishedSignal } from '../../workflows/messages.ts';
import { allow } from '../auth.ts';
import { ACTION, bearer, jsonBody, jsonResponse, problems, READ, WRITE } from '../openapi.ts';
import { requirePhase } from '../phases.ts';
import type { Handler, Router } from '../router.ts';
import { AT, OFFER_ID } from '../schemas.ts';
import { notOnJury, sees } from '../visibility.ts';
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
const Round = z.object({ round: z.number() });

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

const jurorOffersRoute = createRoute({
  method: 'get',
  path: '/jury/offers',
  tags: ['jury'],
  summary: 'The offers to evaluate (juror); content only after declaring no conflict for it',
  description:
    'Every offer of the phase with its sender, for declaring conflicts (under anonymous review ' +
    'as its entry, "Entry 7", never its sender). Its content, amount and ' +
    'price show once you declared no conflict and two officers have opened the offers; ' +
    '`contentStatus` and `note` say which of these is still missing.',
  security: bearer,
  middleware: [allow('juror')] as const,
  request: { params: PhaseParams },
  responses: {
    200: jsonResponse(z.object({ offers: z.array(JurorOfferSchema) }), 'Offers', {
      offers: [
        {
          offerId: OFFER_ID,
          company: 'stille-wegen-bv',
          declaration: 'no-conflict',
          content: 'Porous asphalt with a tuned resonator layer; pilot on two streets.',
          price: null,
          requestedAmount: 48_500,
          contentStatus: 'visible',
        },
      ],
    }),
    ...problems(...READ),
  },
});
const jurorOffers: Handler<typeof jurorOffersRoute> = async (c) => {
  const { id, phase } = c.req.valid('param');
  const offers = await offersForJuror(c.var.deps.sql, c.var.deps.keys, {
    competitionId: id,
    phaseKey: phase,
    jurorId: c.var.principal.id,
  });
  return c.json({ offers }, 200);
};

const declareRoute = createRoute({
  method: 'post',
  path: '/offers/{offerId}/conflict-declaration',
  tags: ['jury'],
  summary: 'Declare, before seeing the offer, whether you have a conflict of interest (juror)',
  description:
    'Once per offer, before reading it. Under anonymous review a juror who declared no conflict ' +
    'may still declare one on recognising the work (`hasConflict: true`, with a statement such as ' +
    '"I recognise this work"): their scores for it no longer count and the officers are told.',
  security: bearer,
  middleware: [allow('juror')] as const,
  request: {
    params: OfferParams,
    body: jsonBody(z.strictObject({ hasConflict: z.boolean(), statement: text({ max: 5000 }).default('') })),
  },
  responses: {
    201: jsonResponse(z.object({ declared: z.literal(true) }), 'Declared', { declared: true }),
    ...problems(...WRITE),
  },
});
const declare: Handler<typeof declareRoute> = async (c) => {
  const { id, phase, offerId } = c.req.valid('param');
  await declareConflict(c.var.deps.sql, {
    competitionId: id,
    phaseKey: phase,
    jurorId: c.var.principal.id,
    offerId,
    ...c.req.valid('json'),
  });
  return c.json({ declared: true as const }, 201);
};

const Declaration = z.object({
  offerId: z.string(),
  entry: z.number().int().nullable().optional().meta({ description: 'Anonymous review only' }),
  label: z.string().optional().meta({ description: 'Anonymous review only: "Entry 7"' }),
  company: z.string().optional().meta({ description: 'The sender, where you may see it' }),
  juror: z.string(),
  hasConflict: z.boolean(),
  statement: z.string(),
  declaredAt: z.iso.datetime(),
  recognisedAt: z.iso.datetime().nullable(),
});
const declarationsRoute = createRoute({
  method: 'get',
  path: '/jury/declarations',
  tags: ['jury'],
  summary: 'Conflict declarations: all, with jurors and statements (officer), or your own (juror)',
  description:
    'Each declaration with its statement and, under anonymous review, the entry it concerns and ' +
    '`recognisedAt` when the juror recognised the work after declaring no conflict. The sender ' +
    'shows as for the offers: under anonymous review to officers once the identities are open.',
  security: bearer,
  middleware: [sees('conflict declarations')] as const,
  request: { params: PhaseParams },
  responses: {
    200: jsonResponse(z.object({ declarations: z.array(Declaration) }), 'Declarations', {
      declarations: [
        {
          offerId: OFFER_ID,
          company: 'stille-wegen-bv',
          juror: 'juror-1',
          hasConflict: false,
          statement: 'No ties to the company',
          declaredAt: AT,
          recognisedAt: null,
        },
      ],
    }),
    ...problems(...READ),
  },
});
const declarations: Handler<typeof declarationsRoute> = async (c) => {
  const { principal, deps } = c.var;
  const { id, phase } = c.req.valid('param');
  await requirePhase(deps, id, phase);
  const rows = await listDeclarations(deps.sql, { competitionId: id, phaseKey: phase, viewer: principal });
  if (!rows) throw notOnJury(principal, phase);
  return c.json({ declarations: rows }, 200);
};

const scoreRoute = createRoute({
  method: 'put',
  path: '/offers/{offerId}/scores',
  tags: ['jury'],
  summary: 'Score an offer on its criteria, each with a reason (juror)',
  security: bearer,
  middleware: [allow('juror')] as const,
  request: { params: OfferParams, body: jsonBody(z.strictObject({ scores: ScoreLines })) },
  responses: {
    200: jsonResponse(Round, 'Stored for this evaluation round', { round: 1 }),
    ...problems(...WRITE, 422),
  },
});
const score: Handler<typeof scoreRoute> = async (c) => {
  const { id, phase, offerId } = c.req.valid('param');
  const stored = await submitScores(c.var.deps.sql, {
    competitionId: id,
    phaseKey: phase,
    jurorId: c.var.principal.id,
    offerId,
    scores: c.req.valid('json').scores,
  });
  return c.json(stored, 200);
};

const OwnScore = z.object({
  offerId: z.string(),
  criterion: z.string(),
  round: z.number().int(),
  score: z.number(),
  reason: z.string(),
});
const myScoresRoute = createRoute({
  method: 'get',
  path: '/jury/my-scores',
  tags: ['jury'],
  summary: 'Your own scores; no juror sees another’s (juror)',
  security: bearer,
  middleware: [sees('own scores')] as const,
  request: { params: PhaseParams },
  responses: {
    200: jsonResponse(z.object({ scores: z.array(OwnScore) }), 'Your scores', {
      scores: [{ offerId: OFFER_ID, criterion: 'innovation', round: 1, score: 8, reason: 'A new approach' }],
    }),
    ...problems(...READ),
  },
});
const myScores: Handler<typeof myScoresRoute> = async (c) => {
  const { principal, deps } = c.var;
  const { id, phase } = c.req.valid('param');
  await requirePhase(deps, id, phase);
  const scores = await jurorOwnScores(deps.sql, {
    competitionId: id,
    phaseKey: phase,
    jurorId: principal.id,
  });
  if (!scores) throw notOnJury(principal, phase);
  return c.json({ scores: [...scores] }, 200);
};

const progressRoute = createRoute({
  method: 'get',
  path: '/jury/progress',
  tags: ['jury'],
  summary:
    'Who on the jury has said they are finished with the current round (officer); never anybody’s scores',
  security: bearer,
  middleware: [allow('officer')] as const,
  request: { params: PhaseParams },
  responses: {
    200: jsonResponse(
      z.object({ round: z.number().int(), finished: z.array(z.string()) }),
      'The round and the jurors who finished it',
      { round: 1, finished: ['juror-1'] },
    ),
    ...problems(...READ),
  },
});
const progress: Handler<typeof progressRoute> = async (c) => {
  const { id, phase } = c.req.valid('param');
  await requirePhase(c.var.deps, id, phase);
  const answer = await finishedJurors(c.var.deps.sql, { competitionId: id, phaseKey: phase });
  return c.json(answer!, 200);
};

const finishRoute = createRoute({
  method: 'post',
  path: '/jury/finish',
  tags: ['jury'],
  summary: 'Say you have scored everything for this round (juror); when all have, the gate comes early',
  security: bearer,
  middleware: [allow('juror')] as const,
  request: { params: PhaseParams },
  responses: { 200: jsonResponse(Round, 'Recorded', { round: 1 }), ...problems(...ACTION) },
});
const finish: Handler<typeof finishRoute> = async (c) => {
  const { id, phase } = c.req.valid('param');
  const jurorId = c.var.principal.id;
  const { round } = await finishEvaluation(c.var.deps.sql, { competitionId: id, phaseKey: phase, jurorId });
  await nudgePhase(c.var.deps, id, phase, jurorFinishedSignal, { jurorId, round });
  return c.json({ round }, 200);
};

const consensusRoute = createRoute({
  method: 'put',
  path: '/offers/{offerId}/consensus',
  tags: ['jury'],
  summary: 'Record the consensus score for one criterion, which replaces the jurors’ (officer as chair)',
  security: bearer,
  middleware: [allow('officer')] as const,
  request: { params: OfferParams, body: jsonBody(ScoreLineSchema) },
  responses: { 200: jsonResponse(Round, 'Recorded', { round: 1 }), ...problems(...WRITE, 422) },
});
const consensus: Handler<typeof consensusRoute> = async (c) => {
  const { id, phase, offerId } = c.req.valid('param');
  const recorded = await recordConsensus(c.var.deps.sql, {
    competitionId: id,
    phaseKey: phase,
    chairId: c.var.principal.id,
    offerId,
    ...c.req.valid('json'),
  });
  return c.json(recorded, 200);
};

const completeConsensusRoute = createRoute({
  method: 'post',
  path: '/consensus/complete',
  tags: ['jury'],
  summary: 'Close the consensus meeting (officer as chair); the gate ranks again',
  security: bearer,
  middleware: [allow('officer')] as const,
  request: {
    params: PhaseParams,
    body: jsonBody(z.strictObject({ round: z.number().int().min(1).max(10_000) })),
  },
  responses: {
    200: jsonResponse(
      z.object({ signalled: z.boolean().meta({ description: 'Whether the phase heard it at once' }) }),
      'Recorded',
      { signalled: true },
    ),
    ...problems(...WRITE),
  },
});
const completeConsensus: Handler<typeof completeConsensusRoute> = async (c) => {
  const { id, phase } = c.req.valid('param');
  await requirePhase(c.var.deps, id, phase);
  const signalled = await nudgePhase(c.var.deps, id, phase, consensusReachedSignal, {
    chairId: c.var.principal.id,
    round: c.req.valid('json').round,
  });
  return c.json({ signalled }, 200);
};

/** The jury's work: declarations, scores, finishing, and the chair's consensus: under the phase prefix. */
export const juryRoutes = (phase: Router) =>
  phase
    .openapi(jurorOffersRoute, jurorOffers)
    .openapi(declareRoute, declare)
    .openapi(declarationsRoute, declarations)
    .openapi(scoreRoute, score)
    .openapi(myScoresRoute, myScores)
    .openapi(progressRoute, progress)
    .openapi(finishRoute, finish)
    .openapi(consensusRoute, consensus)
    .openapi(completeConsensusRoute, completeConsensus);
