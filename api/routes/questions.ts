import { createRoute } from '@hono/zod-openapi';
import { createRouter } from '../router.ts';
import { z } from 'zod';
import { text } from '../../domain/text.ts';
import { answerQuestion, askQuestion, listQuestions } from '../../db/questions.ts';
import { maySee } from '../../domain/rules/visibility.ts';
import type { AppDeps } from '../app.ts';
import { requireRole } from '../auth.ts';
import { answerOnce, idempotencyKey, IdempotencyKeyHeaders, idempotencyResponses } from '../idempotency.ts';
import { bearer, jsonBody, jsonResponse, problemResponses } from '../openapi.ts';
import { requirePhase } from '../phases.ts';
import { PhaseParams, QuestionParams } from './params.ts';

const Text = text({ min: 3, max: 10_000 });

export function questionRoutes(deps: AppDeps) {
  const app = createRouter();

  app.openapi(
    createRoute({
      method: 'post',
      path: '/competitions/{id}/phases/{phase}/questions',
      tags: ['questions'],
      summary: 'Ask a question before the questions deadline (company)',
      description:
        'An `Idempotency-Key` header makes a retry return the first answer and ask nothing twice ' +
        '(see the offers route for the rules).',
      security: bearer,
      middleware: [idempotencyKey] as const,
      request: {
        headers: IdempotencyKeyHeaders,
        params: PhaseParams,
        body: jsonBody(z.strictObject({ question: Text })),
      },
      responses: {
        201: jsonResponse(z.object({ questionId: z.string() }), 'Asked'),
        ...problemResponses,
        ...idempotencyResponses,
      },
    }),
    async (c) => {
      const principal = c.get('principal');
      requireRole(principal, 'company');
      const { id, phase } = c.req.valid('param');
      const question = c.req.valid('json').question;
      const answer = await answerOnce(c, deps.sql, async (tx) => ({
        status: 201 as const,
        body: await askQuestion(tx, {
          competitionId: id,
          phaseKey: phase,
          companyId: principal.id,
          question,
        }),
      }));
      return c.json(answer.body, answer.status);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/competitions/{id}/phases/{phase}/questions/{questionId}/answer',
      tags: ['questions'],
      summary: 'Answer a question (officer); all answers are published together, anonymously',
      security: bearer,
      request: {
        params: QuestionParams,
        body: jsonBody(z.strictObject({ answer: Text })),
      },
      responses: {
        200: jsonResponse(z.object({ answered: z.literal(true) }), 'Answered'),
        ...problemResponses,
      },
    }),
    async (c) => {
      const principal = c.get('principal');
      requireRole(principal, 'officer');
      const { id, phase, questionId } = c.req.valid('param');
      await answerQuestion(deps.sql, {
        competitionId: id,
        phaseKey: phase,
        officerId: principal.id,
        questionId,
        answer: c.req.valid('json').answer,
      });
      return c.json({ answered: true as const }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/competitions/{id}/phases/{phase}/questions',
      tags: ['questions'],
      summary: 'The published answers (everyone) or every question with its asker (officer)',
      security: bearer,
      request: { params: PhaseParams },
      responses: {
        200: jsonResponse(z.object({ questions: z.array(z.record(z.string(), z.unknown())) }), 'Questions'),
        ...problemResponses,
      },
    }),
    async (c) => {
      const { id, phase } = c.req.valid('param');
      await requirePhase(deps, id, phase);
      const questions = await listQuestions(deps.sql, {
        competitionId: id,
        phaseKey: phase,
        asOfficer: maySee(c.get('principal'), 'questions with their askers, unpublished answers'),
      });
      return c.json({ questions: [...questions] }, 200);
    },
  );

  return app;
}
