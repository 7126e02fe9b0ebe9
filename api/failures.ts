import {
  ServiceError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  isGrpcServiceError,
} from '@temporalio/client';
import { ActivityFailure, ApplicationFailure, ChildWorkflowFailure } from '@temporalio/common';
import { PROBLEM_TYPES, type ProblemType } from './problem.ts';

const POSTGRES_UNAVAILABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  '57P01',
  '57P03',
]);

/** A failure type that names one of the API's 4xx problems keeps it; any other refusal is a 409. */
const refusalType = (type: string | undefined | null): ProblemType => {
  const known = type && Object.hasOwn(PROBLEM_TYPES, type) ? (type as ProblemType) : undefined;
  return known && PROBLEM_TYPES[known].status < 500 ? known : 'refused';
};

/**
 * Why a Workflow Update failed, as the client should hear it. A validator's refusal is the Update's
 * own cause; an activity's refusal inside the Update arrives wrapped in an ActivityFailure (and a
 * child's in a ChildWorkflowFailure): the innermost ApplicationFailure carries the reason and type.
 * An activity that failed without refusing (timeouts, retries exhausted) is an outage: 503.
 */
function updateFailure(error: WorkflowUpdateFailedError): { type: ProblemType; detail: string } {
  let cause: unknown = error.cause;
  let activity: ActivityFailure | undefined;
  while (cause instanceof ActivityFailure || cause instanceof ChildWorkflowFailure) {
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

/**
 * Maps failures of the services behind the API to problems a client can act on: an unreachable
 * dependency is a 503 (retry later), a workflow's refusal is a 409 with its reason.
 */
export function classifyFailure(error: unknown): { type: ProblemType; detail: string } | undefined {
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string' && POSTGRES_UNAVAILABLE.has(code)) {
    return { type: 'dependency-unavailable', detail: 'Postgres is unavailable; try again shortly' };
  }
  if (error instanceof WorkflowUpdateFailedError) return updateFailure(error);
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
