import type { z } from 'zod';
import { PROBLEM_TYPES, problemTypeUri, ProblemSchema, type Problem, type ProblemType } from './problem.ts';

/** The statuses of the problems a route can answer with, and what each means there. */
const PROBLEM_STATUSES = {
  400: 'The request is not valid (`validation-failed`); `errors` names each failing field',
  401: 'No bearer token, or one that is not valid (`unauthenticated`); `WWW-Authenticate` says why',
  403:
    'Your role may not do this (`forbidden`), or you may not here: a company not admitted ' +
    '(`not-admitted`), a juror not on the jury (`not-assigned`) or with a conflict (`conflict-of-interest`)',
  404: 'No such competition, phase or resource (`not-found`)',
  409:
    'The procedure does not allow this now (`refused`, `phase-closed`, `deadline-passed`, `sealed`, ' +
    '`duplicate`, …); `detail` gives the reason, wherever it was decided',
  413: 'The body is larger than 2 MiB (`payload-too-large`)',
  415: 'The body is not sent as application/json (`unsupported-media-type`)',
  422: 'The offer or score does not fit the phase’s rules (`invalid-offer`, `invalid-score`)',
  503:
    'Temporal or Postgres is unavailable (`dependency-unavailable`), or the workflow did not answer within ' +
    'its deadline (`workflow-timeout`); `Retry-After` says when to try again',
} as const;
export type ProblemStatus = keyof typeof PROBLEM_STATUSES;

const EXAMPLE_DETAILS: Partial<Record<ProblemType, string>> = {
  'validation-failed': 'requestedAmount: Invalid input: expected number, received string',
  unauthenticated: 'send Authorization: Bearer <token>',
  forbidden: 'this needs the role officer; you are company',
  'not-found': 'no competition 6f1c2a8e-3b7d-4c1e-9a55-0d2f8e4b7c10',
  refused: 'phase feasibility has ended (closed); nothing more can be done in it',
  'payload-too-large': 'the body may be at most 2 MiB',
  'unsupported-media-type': 'send the body with Content-Type: application/json',
  'invalid-offer': 'the requested amount is above the phase’s maximum of 50000 euros',
  'dependency-unavailable': 'Postgres is unavailable; try again shortly',
};

/** A problem as the API renders it, for the document's examples. */
export const problemExample = (type: ProblemType, detail: string): Problem => ({
  type: problemTypeUri(type),
  title: PROBLEM_TYPES[type].title,
  status: PROBLEM_TYPES[type].status,
  detail,
  instance: '/competitions/6f1c2a8e-3b7d-4c1e-9a55-0d2f8e4b7c10/phases/feasibility/offers',
});

/** The example of a status: its most common problem type. */
function statusExample(status: ProblemStatus): Problem {
  const type = (Object.keys(EXAMPLE_DETAILS) as ProblemType[]).find(
    (t) => PROBLEM_TYPES[t].status === status,
  )!;
  return problemExample(type, EXAMPLE_DETAILS[type]!);
}

export const problemResponse = (status: ProblemStatus, description: string = PROBLEM_STATUSES[status]) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemSchema, example: statusExample(status) } },
});

/** The problem answers a route can give, each documented with what it means and an example. */
export function problems<S extends ProblemStatus>(...statuses: readonly S[]) {
  return Object.fromEntries(statuses.map((status) => [status, problemResponse(status)])) as Record<
    S,
    ReturnType<typeof problemResponse>
  >;
}

/** What an authenticated read can answer besides its success. */
export const READ = [400, 401, 403, 404, 503] as const;
/** What an authenticated action without a body can answer besides its success. */
export const ACTION = [400, 401, 403, 404, 409, 503] as const;
/** What an authenticated request with a JSON body can answer: the body gate adds 413 and 415. */
export const WRITE = [400, 401, 403, 404, 409, 413, 415, 503] as const;

export const jsonBody = <T extends z.ZodType>(schema: T, description = 'JSON body') => ({
  required: true,
  description,
  content: { 'application/json': { schema } },
});

/** A JSON answer with an example, checked against its schema when the code compiles. */
export const jsonResponse = <T extends z.ZodType>(schema: T, description: string, example: z.input<T>) => ({
  description,
  content: { 'application/json': { schema, example } },
});

/** A text answer (CSV, iCalendar, an event stream) with an example. */
export const textResponse = <M extends string>(
  mediaType: M,
  schema: z.ZodType,
  description: string,
  example: string,
) => ({
  description,
  content: { [mediaType]: { schema, example } } as Record<M, { schema: z.ZodType; example: string }>,
});

export const bearer = [{ bearer: [] }];
