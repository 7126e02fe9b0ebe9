import type { Sql } from './sql.ts';

/**
 * Which workflow waits for the resume of a phase that needs attention: the phase's own, or the
 * competition's (a failure while entering the phase or finishing the competition). Undefined when
 * the phase does not show `needs-attention`.
 */
export async function attentionRaisedBy(
  sql: Sql,
  competitionId: string,
  phaseKey: string,
): Promise<'phase' | 'competition' | undefined> {
  const [row] = await sql<{ raised_by: 'phase' | 'competition' | null }[]>`
    select attention_raised_by as raised_by from phases
    where competition_id = ${competitionId} and key = ${phaseKey} and state = 'needs-attention'`;
  return row?.raised_by ?? undefined;
}
