import {
  ServiceError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  isGrpcServiceError,
} from '@temporalio/client';
import { ActivityFailure, ApplicationFailure, ChildWorkflowFailure } from '@temporalio/common';
import { PROBLEM_TYPES, type ProblemType } from './problem.ts';

/** Errors of the `postgres` client and SQLSTATEs that say the server cannot be reached or is going away. */
const POSTGRES_UNAVAILABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  // admin_shutdown, crash_shutdown, cannot_connect_now (starting up or shutting down)
  '57P01',
  '57P02',
  '57P03',
]);

/** SQLSTATE class 08, connection exception: the connection is gone or was never made. */
const isPostgresUnavailable = (code: string) =>
  POSTGRES_UNAVAILABLE.has(code) || /^08[0-9A-Z]{3}$/.test(code);

/** A failure type that names one of the API's 4xx problems keeps it; any other refusal is a 409. */
const refusalType = (type: string | undefined | null): ProblemType => {
  const known = type && Object.hasOwn(PROBLEM_TYPES, type) ? (type as ProblemType) : undefined;
  return known && PROBLEM_TYPES[known].status < 500 ? known : 'refused';
};

/** How far down a `cause` chain the reason is looked for; Temporal nests a few levels at most. */
const MAX_CAUSE_DEPTH = 16;

/**
 * Why a workflow or activity call failed, as the client should hear it, from anywhere in its
 * `cause` chain. A validator's refusal is an Update's own cause; an activity's refusal inside an
 * Update arrives wrapped in an ActivityFailure (a child's in a ChildWorkflowFailure, at any depth):
 * the first ApplicationFailure down the chain carries the reason and type. An activity that failed
 * without refusing (timeouts, retries exhausted) is an outage: 503.
 */
function carriedFailure(error: Error): { type: ProblemType; detail: string } {
  let cause: unknown = error;
  let activity: ActivityFailure | undefined;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && cause instanceof Error; depth++) {
    if (cause instanceof ApplicationFailure) break;
    if (cause instanceof ActivityFailure) activity ??= cause;
    cause = cause.cause;
  }
  if (cause instanceof ApplicationFailure && (!activity || cause.nonRetryable)) {
    return { type: refusalType(cause.type), detail: cause.message };
  }
  if (activity) {
    const reason = cause instanceof Error ? `: ${cause.message}` : '';
    return { type: 'dependency-unavailable', detail: `${activity.activityType} could not finish${reason}` };
  }
  return { type: 'refused', detail: error.message };
}

/** Failures that carry a refusal decided in a workflow or an activity. */
const carriesRefusal = (error: unknown): error is Error =>
  error instanceof WorkflowUpdateFailedError ||
  error instanceof WorkflowFailedError ||
  error instanceof ActivityFailure ||
  error instanceof ChildWorkflowFailure ||
  error instanceof ApplicationFailure;

/**
 * Maps failures of the services behind the API to problems a client can act on: an unreachable
 * dependency is a 503 (retry later), a workflow's refusal is a 409 with its reason.
 */
export function classifyFailure(error: unknown): { type: ProblemType; detail: string } | undefined {
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string' && isPostgresUnavailable(code)) {
    return { type: 'dependency-unavailable', detail: 'Postgres is unavailable; try again shortly' };
  }
  if (carriesRefusal(error)) return carriedFailure(error);
  if (error instanceof WorkflowNotFoundError) {
    return { type: 'not-found', detail: 'no competition or phase of that id has started' };
  }
  if (
    error instanceof ServiceError ||
    isGrpcServiceError(error) ||
    (error as Error)?.name === 'TransportError'
  ) {
    return { type: 'dependency-unavailable', detail: 'Temporal is unavailable; try again shortly' };
  }
  return undefined;
}
