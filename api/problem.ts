import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';

/** Stable problem types (RFC 9457); clients switch on these, never on the wording of `detail`. */
export const PROBLEM_TYPES = {
  'validation-failed': { status: 400, title: 'The request is not valid' },
  'invalid-template': { status: 400, title: 'The procedure template is not valid' },
  unauthenticated: { status: 401, title: 'A valid bearer token is needed' },
  forbidden: { status: 403, title: 'Your role may not do this' },
  'not-found': { status: 404, title: 'No such resource' },
  'phase-closed': { status: 409, title: 'The phase does not accept this now' },
  'deadline-passed': { status: 409, title: 'The deadline has passed' },
  'not-admitted': { status: 403, title: 'The company is not admitted to this phase' },
  'not-assigned': { status: 403, title: 'The juror is not assigned to this phase' },
  'conflict-of-interest': { status: 403, title: 'The juror declared a conflict of interest for this offer' },
  'conflict-not-declared': {
    status: 409,
    title: 'Declare conflicts of interest before seeing or scoring offers',
  },
  sealed: { status: 409, title: 'The offers are sealed until two officers open them' },
  'invalid-offer': { status: 422, title: 'The offer does not fit the phase’s rules' },
  'invalid-score': { status: 422, title: 'The score does not fit the criterion' },
  'pitch-not-held': { status: 409, title: 'The jury scores this offer after its pitch' },
  'evaluation-incomplete': {
    status: 409,
    title: 'Score every offer, or declare a conflict for it, before finishing',
  },
  refused: { status: 409, title: 'The competition refused this action' },
  duplicate: { status: 409, title: 'This already exists' },
  'not-configured': { status: 409, title: 'This server does not offer this; its operator has not set it up' },
  'idempotency-key-in-flight': {
    status: 409,
    title: 'A request with this Idempotency-Key is still being processed',
  },
  'idempotency-key-reused': {
    status: 422,
    title: 'This Idempotency-Key was already used with another request body',
  },
  'payload-too-large': { status: 413, title: 'The request body is too large' },
  'unsupported-media-type': { status: 415, title: 'Send the body as application/json' },
  'dependency-unavailable': { status: 503, title: 'A service Phasegate depends on is unavailable' },
  'workflow-timeout': {
    status: 503,
    title: 'The competition did not answer in time; the action may still take effect',
  },
  internal: { status: 500, title: 'Internal error' },
} as const satisfies Record<string, { status: ContentfulStatusCode; title: string }>;
export type ProblemType = keyof typeof PROBLEM_TYPES;

/** Seconds a client waits before trying again after a 503. */
export const RETRY_AFTER_SECONDS = 5;

export const problemTypeUri = (type: ProblemType) => `urn:phasegate:problem:${type}`;

export const ProblemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  instance: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type Problem = z.infer<typeof ProblemSchema>;

/** Thrown anywhere in the API; rendered once, by the app's error handler, as problem+json. */
export class ProblemError extends HTTPException {
  constructor(
    readonly problemType: ProblemType,
    readonly detail: string,
    readonly errors?: { path: string; message: string }[],
    /** Headers the answer must carry, such as `WWW-Authenticate` or `Retry-After`. */
    readonly headers: Record<string, string> = {},
  ) {
    super(PROBLEM_TYPES[problemType].status, { message: detail });
  }
}

export function fieldErrors(error: z.ZodError, prefix: (string | number)[] = []) {
  const at = (path: PropertyKey[]) => [...prefix, ...path].map(String).join('.') || '(body)';
  // An unknown field is named by its own path, one error each, as any other failing field is.
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: at([...issue.path, key]), message: 'unknown field' }))
      : [{ path: at(issue.path), message: issue.message }],
  );
}

export function validationProblem(
  error: z.ZodError,
  type: ProblemType = 'validation-failed',
  prefix: (string | number)[] = [],
) {
  return fieldProblem(type, fieldErrors(error, prefix));
}

/** A problem whose detail lists every failing field, and whose `errors` name them one by one. */
export function fieldProblem(type: ProblemType, errors: NonNullable<Problem['errors']>) {
  return new ProblemError(type, errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors);
}

export function renderProblem(
  c: Context,
  type: ProblemType,
  detail: string,
  errors?: Problem['errors'],
  headers: Record<string, string> = {},
) {
  const { status, title } = PROBLEM_TYPES[type];
  // Every 503 says when to try again (RFC 9110 §10.2.3), unless the thrower chose a time.
  const retry: Record<string, string> =
    status === 503 && !headers['retry-after'] ? { 'retry-after': String(RETRY_AFTER_SECONDS) } : {};
  const body: Problem = {
    type: problemTypeUri(type),
    title,
    status,
    detail,
    instance: c.req.path,
    ...(errors ? { errors } : {}),
  };
  return c.body(JSON.stringify(body), status, {
    ...retry,
    ...headers,
    'content-type': 'application/problem+json',
  });
}
