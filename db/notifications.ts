import type { Sql } from './sql.ts';

/** The outbox read back: what a person was told, newest first. */
export async function listNotifications(sql: Sql, recipients: string[], limit: number) {
  return sql`
    select id, competition_id as "competitionId", phase_key as phase, recipient, kind, body, created_at as "createdAt"
    from notifications where recipient in ${sql(recipients)} order by id desc limit ${limit}`;
}
