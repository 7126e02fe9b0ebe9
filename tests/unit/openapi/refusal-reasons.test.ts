import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure, ChildWorkflowFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { classifyFailure } from '../../../api/failures.ts';

/** An activity's failure, as a workflow sees it, around `cause`. */
const inActivity = (cause: Error, activityType = 'decideDeliverable') =>
  new ActivityFailure('Activity task failed', activityType, '12', 'NON_RETRYABLE_FAILURE', 'worker', cause);
/** A child workflow's failure, as its parent sees it, around `cause`. */
const inChild = (cause: Error) =>
  new ChildWorkflowFailure(
    'default',
    { workflowId: 'child', runId: 'run' },
    'phaseWorkflow',
    'NON_RETRYABLE_FAILURE',
    cause,
  );
const notAWinner = () =>
  ApplicationFailure.nonRetryable('offer 7 has no final award in this phase', 'not-found');

describe('a refusal reaches the caller with its own reason and type, however deep it was decided', () => {
  it("an activity's refusal, not inside an Update, keeps its type and message", () => {
    expect(classifyFailure(inActivity(notAWinner()))).toEqual({
      type: 'not-found',
      detail: 'offer 7 has no final award in this phase',
    });
  });

  it("an activity's refusal in a child workflow, inside an Update, is found at any depth", () => {
    const error = new WorkflowUpdateFailedError('Workflow Update failed', inChild(inActivity(notAWinner())));
    expect(classifyFailure(error)).toEqual({
      type: 'not-found',
      detail: 'offer 7 has no final award in this phase',
    });
  });

  it('the refusal is the first ApplicationFailure down the chain, not the error it wraps', () => {
    const refusal = ApplicationFailure.create({
      type: 'phase-closed',
      message: 'deliverables are decided while the phase is in execution',
      nonRetryable: true,
      cause: new Error('row not found'),
    });
    const error = new WorkflowUpdateFailedError('Workflow Update failed', inActivity(refusal));
    expect(classifyFailure(error)).toEqual({ type: 'phase-closed', detail: refusal.message });
  });

  it('a refusal thrown where the API calls the rule directly is a problem too, never a 500', () => {
    expect(classifyFailure(notAWinner())?.type).toBe('not-found');
  });

  it('a chain that loops back on itself still ends: an activity failure with no refusal in it is an outage', () => {
    const looped = inActivity(new Error('placeholder'));
    Object.defineProperty(looped, 'cause', { value: looped });
    expect(classifyFailure(looped)).toEqual({
      type: 'dependency-unavailable',
      detail: 'decideDeliverable could not finish: Activity task failed',
    });
  });
});
