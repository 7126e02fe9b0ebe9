import {
  ServiceError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  isGrpcServiceError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { ProblemType } from './problem.ts';

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

/**
 * Maps failures of the services behind the API to problems a client can act on: an unreachable
 * dependency is a 503 (retry later), a workflow's refusal is a 409 with its reason.
 */
export function classifyFailure(error: unknown): { type: ProblemType; detail: string } | undefined {
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string' && POSTGRES_UNAVAILABLE.has(code)) {
    return { type: 'dependency-unavailable', detail: 'Postgres is unavailable; try again shortly' };
  }
  if (error instanceof WorkflowUpdateFailedError) {
    const cause = error.cause;
    if (cause instanceof ApplicationFailure) {
      return { type: cause.type === 'not-found' ? 'not-found' : 'refused', detail: cause.message };
    }
    return { type: 'refused', detail: error.message };
  }
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
