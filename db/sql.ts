import postgres from 'postgres';

export type Sql = postgres.Sql;
export type TransactionSql = postgres.TransactionSql;

export function createSql(url: string, options: { max?: number } = {}): Sql {
  return postgres(url, {
    max: options.max ?? 10,
    onnotice: () => undefined,
    // numeric columns carry money and scores; they come back as JS numbers, which is exact for
    // euros with cents and for scores on published scales.
    types: { numeric: { to: 1700, from: [1700], serialize: (x: number) => String(x), parse: Number } },
    connect_timeout: 5,
  });
}

/** Whether `db` is a transaction rather than the pool. */
export const isTransaction = (db: Sql | TransactionSql): db is TransactionSql => 'savepoint' in db;

/**
 * Runs `work` inside the caller's transaction when given one (so a write can share it with, say, the
 * claim of an idempotency key), or in a transaction of its own.
 */
export function inTransaction<T>(
  sql: Sql | TransactionSql,
  work: (tx: TransactionSql) => Promise<T>,
): Promise<T> {
  if (isTransaction(sql)) return work(sql);
  return sql.begin(work) as Promise<T>;
}

/**
 * Awaits reads sent together (postgres.js pipelines a transaction's concurrent queries and runs them
 * in the order sent) and, when some fail, throws the failure of the first in that order: the
 * refusal a caller would have met running them one after the other.
 */
export async function inOrder<T extends readonly unknown[]>(
  pending: readonly [...{ [K in keyof T]: PromiseLike<T[K]> }],
): Promise<T> {
  const settled = await Promise.allSettled(pending);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

/**
 * A write in two round trips: what it reads, then the writes, whose result is known before they
 * are sent (and refused from what was read, or when the writes find nothing to do).
 */
export interface ReadThenWrite<R, T> {
  read: (db: Sql | TransactionSql) => Promise<R>;
  write: (db: Sql | TransactionSql, read: R) => { result: T; written: Promise<void> };
}

/** Runs `work` on `db`, its read and then its writes, with no transaction of its own. */
export async function readThenWrite<R, T>(db: Sql | TransactionSql, work: ReadThenWrite<R, T>): Promise<T> {
  const { result, written } = work.write(db, await work.read(db));
  await written;
  return result;
}
