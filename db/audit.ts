import type { Sql, TransactionSql } from './sql.ts';

export interface AuditEntry {
  competitionId: string;
  actor: string;
  action: string;
  data?: Record<string, unknown>;
}

const GENESIS = '0'.repeat(64);

/**
 * The hash is computed by Postgres from the stored text of each column, so the verifier recomputes
 * exactly what was written, whatever client wrote it.
 */
const rowHash = (prev: string, seq: string, at: string, actor: string, action: string, data: string) =>
  `encode(sha256(convert_to(${prev} || '|' || ${seq}::bigint::text || '|' || to_char(${at} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') || '|' || ${actor} || '|' || ${action} || '|' || ${data}::text, 'UTF8')), 'hex')`;

/** Appends one entry to the competition's chain; call inside the transaction that made the change. */
export async function appendAudit(tx: TransactionSql, entry: AuditEntry): Promise<void> {
  await tx`select pg_advisory_xact_lock(hashtextextended(${entry.competitionId}, 7))`;
  const [last] = await tx<{ seq: string; hash: string }[]>`
    select seq, hash from audit_log where competition_id = ${entry.competitionId}
    order by seq desc limit 1`;
  const seq = last ? Number(last.seq) + 1 : 1;
  const prev = last?.hash ?? GENESIS;
  await tx.unsafe(
    `insert into audit_log (competition_id, seq, at, actor, action, data, prev_hash, hash)
     select $1, $2::bigint, v.at, $3, $4, $5::text::jsonb, $6, ${rowHash('$6', '$2', 'v.at', '$3', '$4', '$5::text::jsonb')}
     from (select clock_timestamp() as at) v`,
    [entry.competitionId, seq, entry.actor, entry.action, JSON.stringify(entry.data ?? {}), prev],
  );
}

export interface AuditVerification {
  valid: boolean;
  entries: number;
  /** The first entry whose hash or link does not match what was stored. */
  brokenAt?: number;
  headHash?: string;
}

export async function verifyAudit(sql: Sql, competitionId: string): Promise<AuditVerification> {
  const rows = await sql.unsafe<{ seq: string; prev_hash: string; hash: string; expected: string }[]>(
    `select seq, prev_hash, hash, ${rowHash('prev_hash', 'seq', 'at', 'actor', 'action', 'data')} as expected
     from audit_log where competition_id = $1 order by seq`,
    [competitionId],
  );
  let prev = GENESIS;
  for (const [index, row] of rows.entries()) {
    if (Number(row.seq) !== index + 1 || row.prev_hash !== prev || row.hash !== row.expected) {
      return { valid: false, entries: rows.length, brokenAt: index + 1 };
    }
    prev = row.hash;
  }
  return { valid: true, entries: rows.length, headHash: rows.length ? prev : undefined };
}
