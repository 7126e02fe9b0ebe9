import type { PhaseState } from '../domain/competition.ts';
import { isTooLate } from '../domain/rules/deadline.ts';
import type { PhaseTemplate } from '../domain/template.ts';
import { phaseColumns, type DeadlineColumn, type PhaseRow } from './phases.ts';
import { Refusal } from './refusal.ts';
import { inOrder, type Sql, type TransactionSql } from './sql.ts';

export interface GuardedPhase {
  competitionId: string;
  key: string;
  state: PhaseState;
  round: number;
  template: PhaseTemplate;
  /** The database clock: the one clock every API process and worker shares. */
  now: Date;
  row: PhaseRow;
}

/**
 * Each phase's element of its competition's procedure template. A competition's template is written
 * once, at launch, and never updated, so every API process and worker may keep it: read for each
 * write, it cost Postgres a detoast of the whole template (4 KiB for SBIR) and the API the parse of
 * the phase's 1.3 KiB, for every offer and every score sheet. Migration 019 keeps the template from
 * changing. Kept for up to 1,000 phases; the one read first leaves first.
 */
const launchedTemplates = new Map<string, PhaseTemplate>();
const TEMPLATES_KEPT = 1_000;
const templateKey = (competitionId: string, phaseKey: string) => `${competitionId}/${phaseKey}`;

/** The phase's template as launched, when this process has read it before. */
export const keptPhaseTemplate = (competitionId: string, phaseKey: string) =>
  launchedTemplates.get(templateKey(competitionId, phaseKey));

/**
 * The column that reads the phase's element of its competition's template, in a query over `phases
 * p join competitions c`: null where this process keeps it (`kept`), so Postgres leaves it unread.
 */
export const phaseTemplateColumn = (sql: Sql | TransactionSql, kept: PhaseTemplate | undefined) => sql`
  case when ${kept !== undefined} then null
    else (select e from jsonb_array_elements(c.template->'phases') e where e->>'key' = p.key) end`;

/**
 * The phase's template for a write that read it (`read`) or, where it asked not to, the one kept
 * before its read (`kept`, taken before: it may leave the cache meanwhile).
 */
export function phaseTemplateOf(
  competitionId: string,
  phaseKey: string,
  at: { read: PhaseTemplate | null; kept: PhaseTemplate | undefined },
): PhaseTemplate {
  if (at.read === null) return at.kept!;
  if (launchedTemplates.size >= TEMPLATES_KEPT) {
    launchedTemplates.delete(launchedTemplates.keys().next().value!);
  }
  launchedTemplates.set(templateKey(competitionId, phaseKey), at.read);
  return at.read;
}

/** A write's window: the phase column holding the deadline that ends it, and what the refusal calls it. */
export interface WriteWindow {
  deadline: Exclude<DeadlineColumn, 'answers_due_at' | 'intended_award_due_at'>;
  /** What closes, as in "submission closed at …". */
  what: string;
}

/** The refusal for a phase a competition does not have: it names the phases it has. */
export async function noSuchPhase(
  sql: Sql | TransactionSql,
  competitionId: string,
  phaseKey: string,
): Promise<Refusal> {
  const phases = await sql<{ key: string }[]>`
    select key from phases where competition_id = ${competitionId} order by position`;
  if (phases.length === 0) return new Refusal('not-found', `no competition ${competitionId}`);
  const keys = phases.map((p) => `"${p.key}"`).join(', ');
  return new Refusal(
    'not-found',
    `competition ${competitionId} has no phase "${phaseKey}"; its phases are ${keys}`,
  );
}

/** A phase's state, for a guard that reads without writing; a phase that does not exist is a 404. */
export async function readPhaseState(sql: Sql, competitionId: string, phaseKey: string) {
  const [row] = await sql<{ state: PhaseState }[]>`
    select state from phases where competition_id = ${competitionId} and key = ${phaseKey}`;
  if (!row) throw await noSuchPhase(sql, competitionId, phaseKey);
  return row.state;
}

/** What a guard reads to judge a write: the phase's state, its competition's status, the database clock. */
export interface PhaseAtWrite {
  state: PhaseState;
  competitionStatus: string;
  now: Date;
}

/**
 * Why the phase does not take the write now, or undefined when it does. Given the write's window
 * (what closes, and its deadline), a write after the deadline is `deadline-passed` whichever clock
 * saw it first (domain/rules/deadline.ts); any other state or a competition that no longer runs is
 * `phase-closed`.
 */
export function phaseWriteRefusal(
  phase: PhaseAtWrite,
  allowed: readonly PhaseState[],
  window?: { what: string; closesAt: Date | null },
): Refusal | undefined {
  const { state, competitionStatus, now } = phase;
  if (window && isTooLate(allowed, { state, deadline: window.closesAt, now })) {
    return new Refusal('deadline-passed', `${window.what} closed at ${window.closesAt!.toISOString()}`);
  }
  if (competitionStatus !== 'running')
    return new Refusal('phase-closed', `the competition is ${competitionStatus}`);
  if (state === 'needs-attention') {
    // Nothing is written to a phase that waits for an officer: the deadlines still bind, and an
    // officer may extend them when resuming.
    return new Refusal('phase-closed', 'the phase is paused until an officer resumes it (needs-attention)');
  }
  if (!allowed.includes(state)) {
    return new Refusal('phase-closed', `the phase is ${state}; this needs ${allowed.join(' or ')}`);
  }
  return undefined;
}

/**
 * Holds one of the phase's write locks shared for the rest of the transaction, then reads the phase.
 * The workflow's transitions hold all of them exclusively (lockPhaseRow), so a write commits before the
 * phase moves on or sees the new state: no write slips past a closing phase (migration 017 says why
 * not a row lock). The read goes out with the lock, in one round trip; run after it, it sees what
 * committed until the lock was granted. Given the write's window, a write after its deadline is
 * `deadline-passed` whichever clock saw it first (domain/rules/deadline.ts).
 */
export async function guardPhase(
  tx: TransactionSql,
  competitionId: string,
  phaseKey: string,
  allowed: readonly PhaseState[],
  window?: WriteWindow,
): Promise<GuardedPhase> {
  const kept = keptPhaseTemplate(competitionId, phaseKey);
  const [, [found]] = await inOrder([
    tx`select phase_write_lock_shared(${competitionId}, ${phaseKey})`,
    tx<(PhaseRow & { template: PhaseTemplate | null; competition_status: string; db_now: Date })[]>`
      select ${phaseColumns(tx, 'p')}, c.status as competition_status, now() as db_now,
        ${phaseTemplateColumn(tx, kept)} as template
      from phases p join competitions c on c.id = p.competition_id
      where p.competition_id = ${competitionId} and p.key = ${phaseKey}`,
  ]);
  if (!found) throw await noSuchPhase(tx, competitionId, phaseKey);
  const { template: read, competition_status, db_now, ...row } = found;
  const refusal = phaseWriteRefusal(
    { state: row.state, competitionStatus: competition_status, now: db_now },
    allowed,
    window && { what: window.what, closesAt: row[window.deadline] },
  );
  if (refusal) throw refusal;
  const template = phaseTemplateOf(competitionId, phaseKey, { read, kept });
  return {
    competitionId,
    key: phaseKey,
    state: row.state,
    round: row.evaluation_round,
    template,
    now: db_now,
    row,
  };
}

/** Refuses once the deadline has passed by the database clock, whatever state the phase shows. */
export function beforeDeadline(phase: GuardedPhase, column: DeadlineColumn, what: string): void {
  const deadline = phase.row[column];
  if (!deadline || phase.now.getTime() >= deadline.getTime()) {
    throw new Refusal('deadline-passed', `${what} closed at ${deadline?.toISOString() ?? 'an unset time'}`);
  }
}

export async function assertJurorAssigned(
  tx: TransactionSql,
  phase: Pick<GuardedPhase, 'competitionId' | 'key'>,
  jurorId: string,
) {
  const [assigned] = await tx`
    select 1 from phase_jurors where competition_id = ${phase.competitionId} and phase_key = ${phase.key}
      and juror_id = ${jurorId}`;
  if (!assigned)
    throw new Refusal('not-assigned', `juror ${jurorId} is not on the jury of phase ${phase.key}`);
}
