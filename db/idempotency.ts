import type { TransactionSql } from './sql.ts';

/** How long a key is remembered; a request after that is new, whatever key it carries. */
export const IDEMPOTENCY_KEY_TTL_HOURS = 24;
/** Expired keys deleted by each new claim: enough to keep up, few enough to stay cheap. */
const PURGE_BATCH = 16;
/** Seed of the advisory locks on single keys (db/audit.ts uses 7, db/offers.ts 11). */
const KEY_LOCK_SEED = 17;

/** What a key is bound to: one caller, method and path, and the body it was first sent with. */
export interface IdempotencyScope {
  /** The principal's id. */
  caller: string;
  method: string;
  /** The request path, competition and phase included. */
  path: string;
  key: string;
  /** sha256 (hex) of the exact request body bytes. */
  fingerprint: string;
}

/** The first answer given under a key: status code and JSON body text, byte for byte. */
export interface StoredAnswer {
  status: number;
  body: string;
}

/** The key cannot be used for this request: another body was sent with it, or its first request still runs. */
export class IdempotencyConflict extends Error {
  constructor(
    readonly reason: 'reused' | 'in-flight',
    message: string,
  ) {
    super(message);
    this.name = 'IdempotencyConflict';
  }
}

const inFlight = () =>
  new IdempotencyConflict('in-flight', 'a request with this Idempotency-Key is still being processed');

/**
 * Claims the key in the caller's transaction, before the work it guards. Returns undefined when the
 * key is new (the transaction now owns it: do the work, then completeIdempotencyKey), or the stored
 * answer when the same request already completed. Throws IdempotencyConflict when the key came with
 * another body, or its first request has not committed yet.
 *
 * A non-blocking advisory lock on the key makes the claim never wait: whoever holds it has inserted
 * the row and not yet committed, so a second request sees no row and is told the key is in flight.
 * The lock is released after the row becomes visible, so a request that gets the lock sees the
 * answer of any earlier one.
 */
export async function claimIdempotencyKey(
  tx: TransactionSql,
  s: IdempotencyScope,
): Promise<StoredAnswer | undefined> {
  const [claim] = await tx<{ locked: boolean; claimed: boolean }[]>`
    with lock as (
      select pg_try_advisory_xact_lock(hashtextextended(${lockName(s)}, ${KEY_LOCK_SEED})) as locked
    ), purged as (
      delete from idempotency_keys where ctid = any(array(
        select ctid from idempotency_keys
        where expires_at <= now() and (caller, method, path, key) <> (${s.caller}, ${s.method}, ${s.path}, ${s.key})
        order by expires_at limit ${PURGE_BATCH} for update skip locked))
    ), claimed as (
      insert into idempotency_keys (caller, method, path, key, fingerprint, expires_at)
      select ${s.caller}, ${s.method}, ${s.path}, ${s.key}, ${s.fingerprint},
             now() + make_interval(hours => ${IDEMPOTENCY_KEY_TTL_HOURS})
      from lock where locked
      on conflict do nothing
      returning 1
    )
    select (select locked from lock) as locked, exists (select 1 from claimed) as claimed`;
  if (claim!.claimed) return undefined;
  if (!claim!.locked) {
    // Its holder may have committed since: then its answer is there to give.
    const [row] = await readKey(tx, s);
    if (!row || row.expired) throw inFlight();
    return answerOf(row, s);
  }
  const [row] = await readKey(tx, s);
  if (!row) throw inFlight();
  if (!row.expired) return answerOf(row, s);
  await tx`
    update idempotency_keys
    set fingerprint = ${s.fingerprint}, state = 'in-flight', status = null, body = null, created_at = now(),
        expires_at = now() + make_interval(hours => ${IDEMPOTENCY_KEY_TTL_HOURS})
    where ${keyIs(tx, s)}`;
  return undefined;
}

/** Stores the answer under the claimed key; call last, in the transaction that claimed it. */
export async function completeIdempotencyKey(
  tx: TransactionSql,
  s: IdempotencyScope,
  answer: StoredAnswer,
): Promise<void> {
  await tx`
    update idempotency_keys set state = 'done', status = ${answer.status}, body = ${answer.body}
    where ${keyIs(tx, s)}`;
}

interface KeyRow {
  fingerprint: string;
  state: 'in-flight' | 'done';
  status: number | null;
  body: string | null;
  expired: boolean;
}

const lockName = (s: IdempotencyScope) => JSON.stringify([s.caller, s.method, s.path, s.key]);

const keyIs = (tx: TransactionSql, s: IdempotencyScope) =>
  tx`caller = ${s.caller} and method = ${s.method} and path = ${s.path} and key = ${s.key}`;

const readKey = (tx: TransactionSql, s: IdempotencyScope) => tx<KeyRow[]>`
  select fingerprint, state, status, body, expires_at <= now() as expired
  from idempotency_keys where ${keyIs(tx, s)}`;

function answerOf(row: KeyRow, s: IdempotencyScope): StoredAnswer {
  if (row.fingerprint !== s.fingerprint) {
    throw new IdempotencyConflict(
      'reused',
      'this Idempotency-Key was already used with another request body; send a new key for a new request',
    );
  }
  if (row.state !== 'done' || row.status === null || row.body === null) throw inFlight();
  return { status: row.status, body: row.body };
}
