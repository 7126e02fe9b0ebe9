import type { Sql, TransactionSql } from './sql.ts';

export interface Notice {
  competitionId: string;
  phaseKey: string | null;
  /** `public` (everyone following the competition), `company:<id>`, `juror:<id>` or `officers`. */
  recipient: string;
  kind: string;
  body: Record<string, unknown>;
  /** Names the event, so a retried activity never sends the same notice twice. */
  dedupeKey: string;
}

/**
 * Notices go into an outbox table in the same transaction as the change they announce; a mail or
 * webhook relay reads the outbox, and recipients read it through the API.
 */
export async function notify(tx: TransactionSql, notices: Notice[]): Promise<void> {
  if (notices.length === 0) return;
  await tx`
    insert into notifications ${tx(
      notices.map((n) => ({
        competition_id: n.competitionId,
        phase_key: n.phaseKey,
        recipient: n.recipient,
        kind: n.kind,
        body: tx.json(n.body as never),
        dedupe_key: `${n.dedupeKey}:${n.recipient}`,
      })),
    )}
    on conflict (dedupe_key) do nothing`;
}

/** The same notice for each of several recipients. */
export function noticesTo(
  scope: { competitionId: string; phaseKey: string | null },
  recipients: readonly string[],
  notice: { kind: string; body: Record<string, unknown>; dedupeKey: string },
): Notice[] {
  return recipients.map((recipient) => ({
    competitionId: scope.competitionId,
    phaseKey: scope.phaseKey,
    recipient,
    ...notice,
  }));
}

/** The outbox read back: what a person was told, newest first. */
export async function listNotifications(sql: Sql, recipients: string[], limit: number) {
  return sql`
    select id, competition_id as "competitionId", phase_key as phase, recipient, kind, body, created_at as "createdAt"
    from notifications where recipient in ${sql(recipients)} order by id desc limit ${limit}`;
}

/** Where an event stream stands: the last notice delivered, by (transaction, id). */
export interface StreamPosition {
  tx: string;
  id: string;
}

/**
 * The competition's notices for these recipients after `after`, oldest first, from transactions that
 * have all ended: a notice still being written can never land behind a position already handed out.
 */
export async function noticesAfter(
  sql: Sql,
  competitionId: string,
  recipients: string[],
  after: StreamPosition | undefined,
  limit = 100,
) {
  return sql<
    { tx: string; id: string; phase: string | null; kind: string; body: unknown; createdAt: Date }[]
  >`
    select tx::text as tx, id::text as id, phase_key as phase, kind, body, created_at as "createdAt"
    from notifications
    where competition_id = ${competitionId} and recipient in ${sql(recipients)}
      and tx < pg_snapshot_xmin(pg_current_snapshot())
      and (${after === undefined} or (tx, id) > (${after?.tx ?? '0'}::xid8, ${after?.id ?? '0'}::bigint))
    order by tx, id
    limit ${limit}`;
}
