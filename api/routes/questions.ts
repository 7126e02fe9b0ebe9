import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { text } from '../../domain/text.ts';
import { answerQuestion, askQuestion, listQuestions } from '../../db/questions.ts';
import { maySee } from '../../domain/rules/visibility.ts';
import { allow } from '../auth.ts';
import { answerOnce, idempotencyKey, IdempotencyKeyHeaders, idempotencyResponses } from '../idempotency.ts';
import { bearer, jsonBody, jsonResponse, problems, WRITE } from '../openapi.ts';
import { requirePhase } from '../phases.ts';
import type { Handler, Router } from '../router.ts';
import { asWritten, AT } from '../schemas.ts';
import { PhaseParams, QuestionParams } from './params.ts';

const Text = text({ min: 3, max: 10_000 });
const QUESTION_ID = '2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d';

const askRoute = createRoute({
  method: 'post',
  path: '/questions',
  tags: ['questions'],
  summary: 'Ask a question before the questions deadline (company)',
  description:
    'An `Idempotency-Key` header makes a retry return the first answer and ask nothing twice ' +
    '(see the offers route for the rules).',
  security: bearer,
  middleware: [allow('company'), idempotencyKey] as const,
  request: {
    headers: IdempotencyKeyHeaders,
    params: PhaseParams,
    body: jsonBody(z.strictObject({ question: Text })),
  },
  responses: {
    201: jsonResponse(z.object({ questionId: z.string() }), 'Asked', { questionId: QUESTION_ID }),
    ...problems(...WRITE, 422),
    ...idempotencyResponses,
  },
});
const ask: Handler<typeof askRoute> = async (c) => {
  const { id, phase } = c.req.valid('param');
  const question = c.req.valid('json').question;
  const answer = await answerOnce(c, c.var.deps.sql, async (tx) => ({
    status: 201 as const,
    body: await askQuestion(tx, {
      competitionId: id,
      phaseKey: phase,
      companyId: c.var.principal.id,
      question,
    }),
  }));
  return c.json(answer.body, answer.status);
};

const answerRoute = createRoute({
  method: 'put',
  path: '/questions/{questionId}/answer',
  tags: ['questions'],
  summary: 'Answer a question (officer); all answers are published together, anonymously',
  security: bearer,
  middleware: [allow('officer')] as const,
  request: { params: QuestionParams, body: jsonBody(z.strictObject({ answer: Text })) },
  responses: {
    200: jsonResponse(z.object({ answered: z.literal(true) }), 'Answered', { answered: true }),
    ...problems(...WRITE),
  },
});
const answer: Handler<typeof answerRoute> = async (c) => {
  const { id, phase, questionId } = c.req.valid('param');
  await answerQuestion(c.var.deps.sql, {
    competitionId: id,
    phaseKey: phase,
    officerId: c.var.principal.id,
    questionId,
    answer: c.req.valid('json').answer,
  });
  return c.json({ answered: true as const }, 200);
};

const Question = z.object({
  id: z.string().optional().meta({ description: 'Officers only' }),
  companyId: z.string().optional().meta({ description: 'Officers only: who asked' }),
  question: z.string(),
  answer: z.string().nullable(),
  askedAt: z.iso.datetime().optional().meta({ description: 'Officers only' }),
  publishedAt: z.iso.datetime().nullable(),
});
const questionsRoute = createRoute({
  method: 'get',
  path: '/questions',
  tags: ['questions'],
  summary: 'The published answers (everyone) or every question with its asker (officer)',
  security: bearer,
  request: { params: PhaseParams },
  responses: {
    200: jsonResponse(z.object({ questions: z.array(Question) }), 'Questions, in the order asked', {
      questions: [
        {
          question: 'May a consortium send one offer?',
          answer: 'Yes, with one lead company that signs the contract.',
          publishedAt: AT,
        },
      ],
    }),
    ...problems(400, 401, 404, 503),
  },
});
const questions: Handler<typeof questionsRoute> = async (c) => {
  const { id, phase } = c.req.valid('param');
  await requirePhase(c.var.deps, id, phase);
  const rows = await listQuestions(c.var.deps.sql, {
    competitionId: id,
    phaseKey: phase,
    asOfficer: maySee(c.var.principal, 'questions with their askers, unpublished answers'),
  });
  return c.json({ questions: asWritten(Question, rows) }, 200);
};

/** Questions and the published answers (nota van inlichtingen): under the phase prefix. */
export const questionRoutes = (phase: Router) =>
  phase.openapi(askRoute, ask).openapi(answerRoute, answer).openapi(questionsRoute, questions);
