import { ApplicationFailure } from '@temporalio/activity';
import type { ProcedureTemplate } from '../domain/template.ts';
import type { TransactionSql } from '../db/sql.ts';

/** What every phase activity works on; the lock and reads below are shared by all of them. */
export interface PhaseRef {
  competitionId: string;
  phaseKey: string;
}

/** Locks the phase row: offers and scores take a share lock on it, so a transition waits for them. */
export async function lockPhase(tx: TransactionSql, ref: PhaseRef) {
  const [phase] = await tx`
    select * from phases where competition_id = ${ref.competitionId} and key = ${ref.phaseKey} for update`;
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
  const [row] = await tx<{ template: ProcedureTemplate }[]>`
    select template from competitions where id = ${ref.competitionId}`;
  const template = row!.template;
  const phase = template.phases.find((p) => p.key === ref.phaseKey);
  if (!phase) throw ApplicationFailure.nonRetryable(`no phase ${ref.phaseKey} in the template`, 'not-found');
  return { template, phase };
}

/** An upheld objection, a reopened evaluation or a new approval voids the intended awards. */
export async function revokeIntendedAwards(tx: TransactionSql, ref: PhaseRef) {
  await tx`
    update awards set status = 'revoked', updated_at = now()
    where competition_id = ${ref.competitionId} and phase_key = ${ref.phaseKey} and status = 'intended'`;
}
