import { addMonths, localTime } from '../calendar.ts';
import type { AwardRecord } from './award.ts';

/**
 * The deliverables of a phase's execution: when they are due, which are still pending, how an
 * officer's decision lands, and who may go on to the next phase. Pure.
 */

export type DeliverableStatus = AwardRecord['deliverableStatus'];

/**
 * What the final award starts. A phase with an execution (months > 0) moves to `execution` and its
 * winners' deliverables wait for an officer's decision; a phase without one (a record-only phase 3)
 * completes at once, its winners' deliverables counting as accepted.
 */
export function afterFinalAward(executionMonths: number): {
  phaseState: 'execution' | 'completed';
  deliverableStatus: DeliverableStatus;
} {
  return executionMonths === 0
    ? { phaseState: 'completed', deliverableStatus: 'accepted' }
    : { phaseState: 'execution', deliverableStatus: 'pending' };
}

/**
 * The deliverables are due `executionMonths` calendar months after the final award, on the same
 * local day (or the month's last day) at the same local wall-clock time, written with the offset
 * of the award's moment; null for a phase without execution.
 */
export function deliverablesDueAt(finalAwardAt: string, executionMonths: number, timeZone: string) {
  if (executionMonths === 0) return null;
  const { local } = localTime(finalAwardAt, timeZone);
  return `${addMonths(local.slice(0, 10), executionMonths)}T${local.slice(11)}`;
}

/** A deliverable waits for a decision while its award is final and nobody has accepted or rejected it. */
export const isPendingDeliverable = (award: Pick<AwardRecord, 'status' | 'deliverableStatus'>) =>
  award.status === 'final' && award.deliverableStatus === 'pending';

/**
 * The deliverables still waiting, in rank order: what the execution waits for, and what the
 * officers are told is overdue once the due date has passed.
 */
export function pendingDeliverables<T extends Pick<AwardRecord, 'status' | 'deliverableStatus' | 'rank'>>(
  awards: readonly T[],
): T[] {
  return awards.filter(isPendingDeliverable).sort((a, b) => a.rank - b.rank);
}

/**
 * An officer decides a pending deliverable once: accepted or rejected. A decision on one already
 * decided changes nothing (undefined), so a retried decision cannot overturn the first.
 */
export function deliverableDecision(
  current: DeliverableStatus,
  accepted: boolean,
): Exclude<DeliverableStatus, 'pending'> | undefined {
  if (current !== 'pending') return undefined;
  return accepted ? 'accepted' : 'rejected';
}

/**
 * A company goes on to a phase that admits the winners of this one when its award is final and
 * its deliverables were accepted: a rejected deliverable ends its way through the competition.
 */
export const qualifiesForNextPhase = (award: Pick<AwardRecord, 'status' | 'deliverableStatus'>) =>
  award.status === 'final' && award.deliverableStatus === 'accepted';
