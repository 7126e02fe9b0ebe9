import { createRoute } from '@hono/zod-openapi';
import { createRouter } from '../router.ts';
import { z } from 'zod';
import { answerQuestion, askQuestion, listQuestions } from '../../db/questions.ts';
import type { AppDeps } from '../app.ts';
import { requireRole } from '../auth.ts';
import { bearer, jsonBody, jsonResponse, problemResponses } from '../openapi.ts';
import { PhaseParams } from './params.ts';

const Text = z.string().trim().min(3).max(10_000);

export function questionRoutes(deps: AppDeps) {
  const app = createRouter();

  app.openapi(
    createRoute({
      method: 'post',
      path: '/competitions/{id}/phases/{phase}/questions',
      tags: ['questions'],
      summary: 'Ask a question before the questions deadline (company)',
      security: bearer,
      request: { params: PhaseParams, body: jsonBody(z.object({ question: Text })) },
      responses: { 201: jsonResponse(z.object({ questionId: z.string() }), 'Asked'), ...problemResponses },
    }),
    async (c) => {
      const principal = c.get('principal');
      requireRole(principal, 'company');
      const { id, phase } = c.req.valid('param');
      return c.json(
        await askQuestion(deps.sql, {
          competitionId: id,
          phaseKey: phase,
          companyId: principal.id,
          question: c.req.valid('json').question,
        }),
        201,
      );
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
        params: PhaseParams.extend({ questionId: z.string().uuid() }),
        body: jsonBody(z.object({ answer: Text })),
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
      const questions = await listQuestions(deps.sql, {
        competitionId: id,
        phaseKey: phase,
        asOfficer: c.get('principal').role === 'officer',
      });
      return c.json({ questions: [...questions] }, 200);
    },
  );

  return app;
}
