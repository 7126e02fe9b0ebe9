import type { z } from 'zod';
import { ProblemSchema } from './problem.ts';

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemSchema } },
});

/** The error answers every authenticated route can give, documented once. */
export const problemResponses = {
  400: problem('The request is not valid; `errors` names each field'),
  401: problem('No or an unknown bearer token'),
  403: problem('The caller may not do this'),
  404: problem('No such competition, phase or offer'),
  409: problem('The procedure does not allow this now'),
  503: problem(
    'Temporal or Postgres is unavailable (`dependency-unavailable`), or the workflow did not answer within ' +
      'its deadline (`workflow-timeout`); `Retry-After` says when to try again',
  ),
} as const;

export const jsonBody = <T extends z.ZodType>(schema: T, description = 'JSON body') => ({
  required: true,
  description,
  content: { 'application/json': { schema } },
});

export const jsonResponse = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

export const bearer = [{ bearer: [] }];
