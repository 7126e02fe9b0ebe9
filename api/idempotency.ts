import { createHash } from 'node:crypto';
import { createMiddleware } from 'hono/factory';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  IDEMPOTENCY_KEY_TTL_HOURS,
  IdempotencyConflict,
  type IdempotencyScope,
  type StoredAnswer,
} from '../db/idempotency.ts';
import { inOrder, readThenWrite, type ReadThenWrite, type Sql, type TransactionSql } from '../db/sql.ts';
import type { AuthEnv } from './auth.ts';
import { problemExample } from './openapi.ts';
import { fieldProblem, ProblemError, ProblemSchema, type ProblemType } from './problem.ts';

/**
 * The `Idempotency-Key` request header (draft-ietf-httpapi-idempotency-key-header), for POST routes
 * whose write is atomic (one statement, or its own transaction: `inTransaction(db, ...)`):
 *
 *   const askRoute = createRoute({ ..., middleware: [allow('company'), idempotencyKey] as const,
 *     request: { headers: IdempotencyKeyHeaders, ... },
 *     responses: { ..., ...problems(...WRITE), ...idempotencyResponses } });
 *   const ask: Handler<typeof askRoute> = async (c) => {
 *     const answer = await answerOnce(c, c.var.deps.sql, (db) => write(db, ...));
 *     return c.json(answer.body, answer.status); };
 */

export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;
/** Seconds a client should wait before it retries a request whose key is still in flight. */
const IN_FLIGHT_RETRY_AFTER_SECONDS = 1;

/** RFC 8941 sf-string: printable ASCII in double quotes, `"` and `\` escaped with `\`. */
const SF_STRING = /^"((?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\])*)"$/;
/** The same characters unquoted, as most clients send a key. */
const BARE_KEY = /^[\x20-\x7e]*$/;

/** The key an `Idempotency-Key` header value carries (quoted or not), or why it is refused. */
export function parseIdempotencyKey(raw: string): { key: string } | { error: string } {
  const quoted = SF_STRING.exec(raw);
  if (!quoted && raw.startsWith('"')) return { error: 'a quoted key must be a valid RFC 8941 string' };
  if (!quoted && !BARE_KEY.test(raw)) {
    return { error: 'printable ASCII only (U+0020 to U+007E): no control or non-ASCII characters' };
  }
  const key = quoted ? quoted[1]!.replace(/\\(["\\])/g, '$1') : raw;
  if (key.length === 0) return { error: 'must not be empty' };
  if (key.length > IDEMPOTENCY_KEY_MAX_LENGTH) {
    return { error: `at most ${IDEMPOTENCY_KEY_MAX_LENGTH} characters` };
  }
  return { key };
}

const IdempotencyKeySchema = z
  .string()
  .superRefine((raw, ctx) => {
    const parsed = parseIdempotencyKey(raw);
    if ('error' in parsed) ctx.addIssue({ code: 'custom', message: parsed.error });
  })
  .meta({
    description:
      `A key of your choice (a UUID is best), 1 to ${IDEMPOTENCY_KEY_MAX_LENGTH} printable ASCII characters, ` +
      'quoted as an RFC 8941 string or bare. A retry with the same key and the same body bytes gets the ' +
      'first answer again (same status, same body) and changes nothing. The key is yours alone, for this ' +
      `method and path only, and is kept for ${IDEMPOTENCY_KEY_TTL_HOURS} hours after its first use; ` +
      'a request refused with a 4xx keeps no key.',
    example: '"8e03978e-40d5-43e8-bc93-6894a57f9324"',
  });

export const IdempotencyKeyHeaders = z.object({ 'idempotency-key': IdempotencyKeySchema.optional() });

const problemContent = (type: ProblemType, detail: string) => ({
  'application/problem+json': { schema: ProblemSchema, example: problemExample(type, detail) },
});

/** The answers the Idempotency-Key header adds to a route; spread after its problems. */
export const idempotencyResponses = {
  409: {
    description:
      'The procedure does not allow this now, or (`idempotency-key-in-flight`) a request with this ' +
      'Idempotency-Key is still being processed: retry after `Retry-After` seconds',
    headers: {
      'Retry-After': {
        description: 'Seconds to wait before retrying (with idempotency-key-in-flight)',
        schema: { type: 'integer', minimum: 1 },
      },
    },
    content: problemContent(
      'idempotency-key-in-flight',
      'a request with this Idempotency-Key is still being processed',
    ),
  },
  422: {
    description:
      'The request does not fit the rules, or (`idempotency-key-reused`) its Idempotency-Key was ' +
      'already used with another body',
    content: problemContent(
      'idempotency-key-reused',
      'this Idempotency-Key was already used with another request body; send a new key for a new request',
    ),
  },
} as const;

export type IdempotencyEnv = { Variables: { idempotency?: { key: string; fingerprint: string } } };

/**
 * Checks the header and takes the fingerprint of the body: sha256 of its bytes exactly as they came,
 * read before any validator decodes them. Runs before the route's validators (route `middleware`).
 */
export const idempotencyKey = createMiddleware<IdempotencyEnv>(async (c, next) => {
  const raw = c.req.header('idempotency-key');
  if (raw !== undefined) {
    const parsed = parseIdempotencyKey(raw);
    if ('error' in parsed) {
      throw fieldProblem('validation-failed', [{ path: 'idempotency-key', message: parsed.error }]);
    }
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    c.set('idempotency', {
      key: parsed.key,
      fingerprint: createHash('sha256').update(bytes).digest('hex'),
    });
  }
  await next();
});

export interface Answer<B, S extends ContentfulStatusCode> {
  status: S;
  body: B;
}

type KeyedRequest = {
  var: AuthEnv['Variables'] & IdempotencyEnv['Variables'];
  req: { method: string; path: string };
};

/**
 * Runs `claimed`, which claims the request's Idempotency-Key and stores its answer in one
 * transaction, and turns the key's conflicts into problems: another body 422, a first request
 * still running 409 with Retry-After.
 */
async function underKey<B, S extends ContentfulStatusCode>(
  c: KeyedRequest,
  request: NonNullable<IdempotencyEnv['Variables']['idempotency']>,
  claimed: (scope: IdempotencyScope) => Promise<Answer<B, S>>,
): Promise<Answer<B, S>> {
  try {
    return await claimed({ caller: c.var.principal.id, method: c.req.method, path: c.req.path, ...request });
  } catch (error) {
    if (!(error instanceof IdempotencyConflict)) throw error;
    if (error.reason === 'reused') throw new ProblemError('idempotency-key-reused', error.message);
    throw new ProblemError('idempotency-key-in-flight', error.message, undefined, {
      'retry-after': String(IN_FLIGHT_RETRY_AFTER_SECONDS),
    });
  }
}

/** A retry's answer: the first request's status code, not 200 (the draft asks for the result of the first request). */
const replayed = <B, S extends ContentfulStatusCode>(stored: StoredAnswer): Answer<B, S> => ({
  status: stored.status as S,
  body: JSON.parse(stored.body) as B,
});

const storable = (answer: Answer<unknown, ContentfulStatusCode>): StoredAnswer => ({
  status: answer.status,
  body: JSON.stringify(answer.body),
});

/**
 * Runs `work` and answers with what it returns; without an Idempotency-Key, as it is, with no
 * transaction of its own (a work of several writes opens its own). With a key, in one transaction
 * that claims the key first and stores the answer before it commits: a retry gets the stored
 * answer, another body 422, a request whose first is still running 409 with Retry-After.
 */
export async function answerOnce<B, S extends ContentfulStatusCode>(
  c: KeyedRequest,
  sql: Sql,
  work: (db: Sql | TransactionSql) => Promise<Answer<B, S>>,
): Promise<Answer<B, S>> {
  const request = c.var.idempotency;
  if (!request) return work(sql);
  return underKey(
    c,
    request,
    (scope) =>
      sql.begin(async (tx) => {
        const stored = await claimIdempotencyKey(tx, scope);
        if (stored) return replayed<B, S>(stored);
        const answer = await work(tx);
        await completeIdempotencyKey(tx, scope, storable(answer));
        return answer;
      }) as Promise<Answer<B, S>>,
  );
}

/**
 * As answerOnce, for a write in two round trips (offer intake), answered with `status` and its
 * result. With an Idempotency-Key the transaction keeps two round trips besides BEGIN and COMMIT:
 * the claim goes out with the read, the stored answer with the writes.
 */
export async function answerOnceReadThenWrite<R, T, S extends ContentfulStatusCode>(
  c: KeyedRequest,
  sql: Sql,
  status: S,
  work: ReadThenWrite<R, T>,
): Promise<Answer<T, S>> {
  const request = c.var.idempotency;
  if (!request) return { status, body: await readThenWrite(sql, work) };
  return underKey(
    c,
    request,
    (scope) =>
      sql.begin(async (tx) => {
        // A retry's stored answer or the key's conflict goes first: the read is then not looked at.
        const [stored, read] = await inOrder<[StoredAnswer | undefined, R]>([
          claimIdempotencyKey(tx, scope),
          work.read(tx),
        ]);
        if (stored) return replayed<T, S>(stored);
        const { result, written } = work.write(tx, read);
        const answer = { status, body: result };
        await inOrder([written, completeIdempotencyKey(tx, scope, storable(answer))]);
        return answer;
      }) as Promise<Answer<T, S>>,
  );
}
