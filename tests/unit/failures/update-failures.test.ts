import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { classifyFailure } from '../../../api/failures.ts';

const activityFailed = (cause: Error, retryState: ActivityFailure['retryState'] = 'NON_RETRYABLE_FAILURE') =>
  new WorkflowUpdateFailedError(
    'Workflow Update failed',
    new ActivityFailure('Activity task failed', 'extendDeadline', '7', retryState, 'worker', cause),
  );

describe('an Update that failed reaches the client with the reason that made it fail', () => {
  it("a validator's refusal is a 409 with its reason", () => {
    const error = new WorkflowUpdateFailedError(
      'Workflow Update failed',
      ApplicationFailure.create({ type: 'refused', message: 'the phase is gate', nonRetryable: true }),
    );
    expect(classifyFailure(error)).toEqual({ type: 'refused', detail: 'the phase is gate' });
  });

  it("an activity's refusal inside the Update is unwrapped: 409 with the activity's message", () => {
    const cause = ApplicationFailure.create({
      type: 'constraint-violated',
      message: 'new row for relation "phases" violates check constraint "fault" (SQLSTATE 23514)',
      nonRetryable: true,
    });
    expect(classifyFailure(activityFailed(cause))).toEqual({ type: 'refused', detail: cause.message });
  });

  it("an activity's refusal whose type names a problem keeps that problem", () => {
    const cause = ApplicationFailure.nonRetryable('offer 1 has no final award in this phase', 'not-found');
    expect(classifyFailure(activityFailed(cause))).toEqual({ type: 'not-found', detail: cause.message });
  });

  it('a type that names no 4xx problem is a plain refusal, never a 5xx', () => {
    const cause = ApplicationFailure.nonRetryable('boom', 'internal');
    expect(classifyFailure(activityFailed(cause))?.type).toBe('refused');
    expect(classifyFailure(activityFailed(ApplicationFailure.nonRetryable('x', 'toString')))?.type).toBe(
      'refused',
    );
  });

  it('an activity that ran out of retries or time is an outage: 503', () => {
    const exhausted = activityFailed(
      ApplicationFailure.retryable('connection refused', 'Error'),
      'MAXIMUM_ATTEMPTS_REACHED',
    );
    expect(classifyFailure(exhausted)?.type).toBe('dependency-unavailable');
    expect(classifyFailure(exhausted)?.detail).toContain('connection refused');
    const timedOut = activityFailed(
      new TimeoutFailure('activity StartToClose timeout', undefined, 'START_TO_CLOSE'),
      'TIMEOUT',
    );
    expect(classifyFailure(timedOut)?.type).toBe('dependency-unavailable');
  });
});
