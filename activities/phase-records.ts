import { ApplicationFailure } from '@temporalio/activity';
import { launchedTemplate } from '../db/competitions.ts';
import { lockPhaseRow, type PhaseRef, type PhaseRow } from '../db/phases.ts';
import type { TransactionSql } from '../db/sql.ts';

export type { PhaseRef } from '../db/phases.ts';

/**
 * Locks the phase for the rest of the activity's transaction (offers, declarations and scores hold
 * one of its write locks shared, so a transition waits for those under way: db/phases.ts
 * lockPhaseRow); a phase that does not exist fails for good.
 */
export async function lockPhase(tx: TransactionSql, ref: PhaseRef): Promise<PhaseRow> {
  const phase = await lockPhaseRow(tx, ref);
  if (!phase) {
    throw ApplicationFailure.nonRetryable(
      `phase ${ref.phaseKey} of ${ref.competitionId} does not exist`,
      'not-found',
    );
  }
  return phase;
}

/** The competition's template and this phase's part of it, as launched. */
export async function loadTemplate(tx: TransactionSql, ref: PhaseRef) {
  const template = (await launchedTemplate(tx, ref.competitionId))!;
  const phase = template.phases.find((p) => p.key === ref.phaseKey);
  if (!phase) throw ApplicationFailure.nonRetryable(`no phase ${ref.phaseKey} in the template`, 'not-found');
  return { template, phase };
}
