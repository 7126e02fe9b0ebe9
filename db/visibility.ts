import type { PhaseState } from '../domain/competition.ts';
import { momentOf, type PhaseMoment } from '../domain/rules/visibility.ts';
import type { Sql, TransactionSql } from './sql.ts';

/** The facts that who-sees-what depends on (domain/rules/visibility.ts decides); read, never decided, here. */

/** A phase's row as the rules read it: its state and the instants that change who sees what. */
export function momentOfRow(row: Record<string, unknown>, now: Date): PhaseMoment {
  return momentOf(
    {
      state: row.state as PhaseState,
      submissionsCloseAt: (row.submissions_close_at as Date | null) ?? null,
      offersOpenedAt: (row.offers_opened_at as Date | null) ?? null,
      intendedAwardAt: (row.intended_award_at as Date | null) ?? null,
      identitiesOpenedAt: (row.identities_opened_at as Date | null) ?? null,
    },
    now,
  );
}

/** The phase's moment by the database clock, or undefined when there is no such phase. */
export async function readPhaseMoment(
  sql: Sql | TransactionSql,
  competitionId: string,
  phaseKey: string,
): Promise<PhaseMoment | undefined> {
  const [row] = await sql`
    select state, submissions_close_at, offers_opened_at, intended_award_at, identities_opened_at,
      now() as db_now
    from phases where competition_id = ${competitionId} and key = ${phaseKey}`;
  return row ? momentOfRow(row, row.db_now as Date) : undefined;
}

export async function isOnJury(
  sql: Sql | TransactionSql,
  competitionId: string,
  phaseKey: string,
  jurorId: string,
): Promise<boolean> {
  const [row] = await sql`
    select 1 from phase_jurors where competition_id = ${competitionId} and phase_key = ${phaseKey}
      and juror_id = ${jurorId}`;
  return row !== undefined;
}

export async function phaseJurorIds(
  sql: Sql | TransactionSql,
  competitionId: string,
  phaseKey: string,
): Promise<string[]> {
  const rows = await sql<{ juror_id: string }[]>`
    select juror_id from phase_jurors where competition_id = ${competitionId} and phase_key = ${phaseKey}`;
  return rows.map((r) => r.juror_id);
}

/** Whether the phase runs under anonymous review (its template, as launched); false when there is no such phase. */
export async function readAnonymousReview(
  sql: Sql | TransactionSql,
  competitionId: string,
  phaseKey: string,
): Promise<boolean> {
  const [row] = await sql<{ anonymous: boolean | null }[]>`
    select (p->>'anonymousReview')::boolean as anonymous
    from competitions c, jsonb_array_elements(c.template->'phases') p
    where c.id = ${competitionId} and p->>'key' = ${phaseKey}`;
  return row?.anonymous === true;
}
