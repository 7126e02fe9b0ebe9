import { AsyncLocalStorage } from 'node:async_hooks';
import { sign, type KeyObject } from 'node:crypto';
import {
  declaredBy,
  juryDigest,
  recordedAtClose,
  verifyAuditExport,
  type AuditExport,
  type AuditVerification,
  type ExportedDeclaration,
  type ExportedOffer,
  type ExportedScore,
  type JuryAtClose,
} from '../domain/audit-proof.ts';
import { checkpointBytes, type Checkpoint, type Receipt } from '../domain/proofs.ts';
import { sha256 } from './sealing.ts';
import type { Sql, TransactionSql } from './sql.ts';

export interface AuditEntry {
  competitionId: string;
  actor: string;
  action: string;
  data?: Record<string, unknown>;
}

const GENESIS = '0'.repeat(64);

/** A checkpoint every this many entries, and at every transition of a phase or the competition. */
export const CHECKPOINT_EVERY = 16;
const TRANSITIONS = new Set([
  'competition.launched',
  'phase.published',
  'phase.moved',
  'evaluation.opened',
  'award.intended',
  'award.final',
  'phase.closed',
  'phase.needs-attention',
  'phase.resumed',
]);

/**
 * The key that signs checkpoints, for the appends made inside `run`. The worker runs every
 * activity inside it and the API every request, so no write path can append without it.
 */
const checkpointSigner = new AsyncLocalStorage<KeyObject>();
export const signingCheckpointsWith = <T>(key: KeyObject, run: () => T): T => checkpointSigner.run(key, run);

/**
 * The hash is computed by Postgres from the stored text of each column, so the verifier recomputes
 * exactly what was written, whatever client wrote it (domain/audit-proof.ts documents the bytes).
 */
const rowHash = (prev: string, seq: string, at: string, actor: string, action: string, data: string) =>
  `encode(sha256(convert_to(${prev} || '|' || ${seq}::bigint::text || '|' || ${atText(at)} || '|' || ${actor} || '|' || ${action} || '|' || ${data}::text, 'UTF8')), 'hex')`;
const atText = (at: string) => `to_char(${at} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`;

/** Appends one entry to the competition's chain; call inside the transaction that made the change. */
export async function appendAudit(tx: TransactionSql, entry: AuditEntry): Promise<void> {
  await tx`select pg_advisory_xact_lock(hashtextextended(${entry.competitionId}, 7))`;
  const [last] = await tx<{ seq: string; hash: string }[]>`
    select seq, hash from audit_log where competition_id = ${entry.competitionId}
    order by seq desc limit 1`;
  const seq = last ? Number(last.seq) + 1 : 1;
  const prev = last?.hash ?? GENESIS;
  const [appended] = await tx.unsafe<{ hash: string }[]>(
    `insert into audit_log (competition_id, seq, at, actor, action, data, prev_hash, hash)
     select $1, $2::bigint, v.at, $3, $4, $5::text::jsonb, $6, ${rowHash('$6', '$2', 'v.at', '$3', '$4', '$5::text::jsonb')}
     from (select clock_timestamp() as at) v
     returning hash`,
    [entry.competitionId, seq, entry.actor, entry.action, JSON.stringify(entry.data ?? {}), prev],
  );
  if (seq % CHECKPOINT_EVERY === 0 || TRANSITIONS.has(entry.action)) {
    await recordCheckpoint(tx, entry.competitionId, seq, appended!.hash);
  }
}

async function recordCheckpoint(
  tx: TransactionSql,
  competitionId: string,
  position: number,
  headHash: string,
) {
  const key = checkpointSigner.getStore();
  if (!key) throw new Error('audit checkpoints need the signing key: append inside signingCheckpointsWith');
  const [clock] = await tx<{ now: Date }[]>`select date_trunc('milliseconds', clock_timestamp()) as now`;
  const at = clock!.now.toISOString();
  const signature = sign(null, checkpointBytes({ competitionId, position, headHash, at }), key).toString(
    'base64',
  );
  await tx`
    insert into audit_checkpoints (competition_id, position, head_hash, at, signature)
    values (${competitionId}, ${position}, ${headHash}, ${at}, ${signature})`;
}

export interface CheckpointRow {
  competition_id: string;
  position: string;
  head_hash: string;
  at: Date;
  signature: string;
}
export const checkpointOf = (row: CheckpointRow): Checkpoint => ({
  competitionId: row.competition_id,
  position: Number(row.position),
  headHash: row.head_hash,
  at: row.at.toISOString(),
  algorithm: 'Ed25519',
  signature: row.signature,
});

/** The digest of a phase's offers, recorded in the chain when its submissions close. */
export async function offersDigest(tx: TransactionSql, competitionId: string, phaseKey: string) {
  const rows = await tx<{ id: string; signature: string }[]>`
    select id, receipt->>'signature' as signature from offers
    where competition_id = ${competitionId} and phase_key = ${phaseKey} order by id`;
  return { count: rows.length, digest: sha256(rows.map((r) => `${r.id} ${r.signature}`).join('\n')) };
}

/**
 * The jury's declarations (as first made) and scores of the given phases, in the shape the export
 * carries and the digest reads. Statements and reasons go by their sha256.
 */
async function juryRows(sql: Sql | TransactionSql, competitionId: string, phaseKeys: readonly string[]) {
  if (phaseKeys.length === 0) return { declarations: [], scores: [] };
  const [declarations, scores] = await Promise.all([
    sql<ExportedDeclaration[]>`
      select o.phase_key as phase, d.offer_id as "offerId", d.juror_id as juror,
        to_char(d.declared_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as "declaredAt",
        d.has_conflict and d.recognised_at is null as "hasConflict",
        encode(sha256(convert_to(d.statement, 'UTF8')), 'hex') as "statementSha256"
      from conflict_declarations d join offers o on o.id = d.offer_id
      where o.competition_id = ${competitionId} and o.phase_key in ${sql(phaseKeys)}
      order by d.offer_id, d.juror_id`,
    sql<ExportedScore[]>`
      select o.phase_key as phase, s.offer_id as "offerId", s.juror_id as juror, s.criterion, s.round,
        s.score::float8 as score, encode(sha256(convert_to(s.reason, 'UTF8')), 'hex') as "reasonSha256",
        to_char(s.submitted_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as "submittedAt"
      from scores s join offers o on o.id = s.offer_id
      where o.competition_id = ${competitionId} and o.phase_key in ${sql(phaseKeys)}
      order by s.offer_id, s.juror_id, s.criterion, s.round`,
  ]);
  return { declarations, scores };
}

/**
 * The digest of the jury's work in the round that closes now, recorded in the chain by the
 * transition that closes it: declarations and scores write no entry of their own, so the jury
 * takes no lock per competition, and none can be changed or removed later unseen.
 */
export async function juryAtClose(
  tx: TransactionSql,
  ref: { competitionId: string; phaseKey: string; round: number },
): Promise<JuryAtClose> {
  const [[clock], rows] = await Promise.all([
    tx<{ now: string }[]>`select ${atText('clock_timestamp()')} as now`,
    juryRows(tx, ref.competitionId, [ref.phaseKey]),
  ]);
  return juryDigest({ phase: ref.phaseKey, round: ref.round, closedAt: clock!.now }, rows);
}

/**
 * The jury's work of every round the chain recorded as closed, for the export. Only that: an open
 * round's declarations and scores are the jurors' alone until it closes.
 */
async function closedJuryWork(
  sql: Sql,
  competitionId: string,
  entries: readonly { seq: number; at: string; data: string }[],
) {
  const closed = recordedAtClose(entries).flatMap((e) =>
    e.juryAtClose ? [{ ...e.juryAtClose, closedAt: e.at }] : [],
  );
  const jury = await juryRows(sql, competitionId, [...new Set(closed.map((r) => r.phase))]);
  return {
    declarations: jury.declarations.filter((d) =>
      closed.some((r) => r.phase === d.phase && declaredBy(d, r.closedAt)),
    ),
    scores: jury.scores.filter((s) => closed.some((r) => r.phase === s.phase && r.round === s.round)),
  };
}

/**
 * Everything needed to check the competition's record offline, as `GET …/audit` serves it. Offers
 * of phases not opened yet stay out: nobody, officers included, sees an amount before the opening.
 */
export async function exportAudit(
  sql: Sql,
  competitionId: string,
  { withSealedOffers = false } = {},
): Promise<AuditExport> {
  const entries = await sql.unsafe<
    {
      seq: string;
      at: string;
      actor: string;
      action: string;
      data: string;
      prev_hash: string;
      hash: string;
    }[]
  >(
    `select seq, ${atText('at')} as at, actor, action, data::text as data, prev_hash, hash
     from audit_log where competition_id = $1 order by seq`,
    [competitionId],
  );
  const checkpoints = await sql<CheckpointRow[]>`
    select competition_id, position, head_hash, at, signature from audit_checkpoints where competition_id = ${competitionId} order by position`;
  const offers = await sql<
    (Omit<ExportedOffer, 'receipt' | 'sealedPriceSha256'> & {
      receipt: Receipt;
      sealedPrice: Buffer | null;
    })[]
  >`
    select id as "offerId", phase_key as phase, company_id as company, version,
           content_sha256 as "contentSha256", requested_amount as "requestedAmount", price,
           sealed_price as "sealedPrice", identity_sha256 as "identitySha256", receipt
    from offers o
    where competition_id = ${competitionId}
      and (${withSealedOffers} or exists (
        select 1 from phases p where p.competition_id = o.competition_id and p.key = o.phase_key
          and p.offers_opened_at is not null and (p.identities_opened_at is not null
            or not exists (select 1 from offers a where a.competition_id = p.competition_id
              and a.phase_key = p.key and a.sealed_identity is not null))))
    order by id`;
  // Under anonymous review the offers name their senders: they stay out until the identities open.
  const sealedPhases = await sql<{ key: string }[]>`
    select key from phases p where competition_id = ${competitionId} and not ${withSealedOffers}
      and (offers_opened_at is null or (identities_opened_at is null and exists (
        select 1 from offers a where a.competition_id = p.competition_id and a.phase_key = p.key
          and a.sealed_identity is not null)))
    order by key`;
  const exported = entries.map((e) => ({
    seq: Number(e.seq),
    at: e.at,
    actor: e.actor,
    action: e.action,
    data: e.data,
    prevHash: e.prev_hash,
    hash: e.hash,
  }));
  return {
    format: 'phasegate-audit-export-v1',
    competitionId,
    entries: exported,
    checkpoints: checkpoints.map(checkpointOf),
    sealedPhases: sealedPhases.map((p) => p.key),
    offers: offers.map(({ sealedPrice, ...offer }) => ({
      ...offer,
      sealedPriceSha256: sealedPrice ? sha256(sealedPrice) : null,
    })),
    jury: await closedJuryWork(sql, competitionId, exported),
  };
}

/** The chain, its signed checkpoints and every offer's receipt, checked as an outsider would. */
export async function verifyAudit(
  sql: Sql,
  competitionId: string,
  publicKey: KeyObject,
): Promise<AuditVerification> {
  // The server checks sealed offers too; its answer names problems, never amounts.
  return verifyAuditExport(await exportAudit(sql, competitionId, { withSealedOffers: true }), publicKey);
}
