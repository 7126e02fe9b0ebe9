import type { PhaseState } from '../domain/competition.ts';
import type { PhaseTemplate, ProcedureTemplate } from '../domain/template.ts';
import { Refusal } from './refusal.ts';
import type { TransactionSql } from './sql.ts';

export interface GuardedPhase {
  competitionId: string;
  key: string;
  state: PhaseState;
  round: number;
  template: PhaseTemplate;
  /** The database clock: the one clock every API process and worker shares. */
  now: Date;
  row: Record<string, unknown>;
}

/**
 * Takes a share lock on the phase row for the rest of the transaction. The workflow's transitions
 * take an update lock on the same row, so a write either commits before the phase moves on or
 * sees the new state: no write slips past a closing phase.
 */
export async function guardPhase(
  tx: TransactionSql,
  competitionId: string,
  phaseKey: string,
  allowed: readonly PhaseState[],
): Promise<GuardedPhase> {
  const [row] = await tx`
    select p.*, c.template, c.status as competition_status, now() as db_now
    from phases p join competitions c on c.id = p.competition_id
    where p.competition_id = ${competitionId} and p.key = ${phaseKey}
    for share of p`;
  if (!row) throw new Refusal('not-found', `competition ${competitionId} has no phase "${phaseKey}"`);
  if (row.competition_status !== 'running') {
    throw new Refusal('phase-closed', `the competition is ${row.competition_status}`);
  }
  if (row.state === 'needs-attention') {
    // Nothing is written to a phase that waits for an officer: the deadlines still bind, and an
    // officer may extend them when resuming.
    throw new Refusal('phase-closed', 'the phase is paused until an officer resumes it (needs-attention)');
  }
  if (!allowed.includes(row.state)) {
    throw new Refusal('phase-closed', `the phase is ${row.state}; this needs ${allowed.join(' or ')}`);
  }
  const template = (row.template as ProcedureTemplate).phases.find((p) => p.key === phaseKey)!;
  return {
    competitionId,
    key: phaseKey,
    state: row.state,
    round: row.evaluation_round,
    template,
    now: row.db_now,
    row,
  };
}

/** Refuses once the deadline has passed by the database clock, whatever state the phase shows. */
export function beforeDeadline(phase: GuardedPhase, column: string, what: string): void {
  const deadline = phase.row[column] as Date | null;
  if (!deadline || phase.now.getTime() >= deadline.getTime()) {
    throw new Refusal('deadline-passed', `${what} closed at ${deadline?.toISOString() ?? 'an unset time'}`);
  }
}

export async function assertJurorAssigned(tx: TransactionSql, phase: GuardedPhase, jurorId: string) {
  const [assigned] = await tx`
    select 1 from phase_jurors where competition_id = ${phase.competitionId} and phase_key = ${phase.key}
      and juror_id = ${jurorId}`;
  if (!assigned)
    throw new Refusal('not-assigned', `juror ${jurorId} is not on the jury of phase ${phase.key}`);
}
