import { createHash } from 'node:crypto';
import { createMiddleware } from 'hono/factory';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  IDEMPOTENCY_KEY_TTL_HOURS,
  IdempotencyConflict,
} from '../db/idempotency.ts';
import type { Sql, TransactionSql } from '../db/sql.ts';
import type { AuthEnv } from './auth.ts';
import { problemExample } from './openapi.ts';
import { fieldProblem, ProblemError, ProblemSchema, type ProblemType } from './problem.ts';

/**
 * The `Idempotency-Key` request header (draft-ietf-httpapi-idempotency-key-header), for POST routes
 * whose write is one Postgres transaction:
 *
 *   const askRoute = createRoute({ ..., middleware: [allow('company'), idempotencyKey] as const,
 *     request: { headers: IdempotencyKeyHeaders, ... },
 *     responses: { ..., ...problems(...WRITE), ...idempotencyResponses } });
 *   const ask: Handler<typeof askRoute> = async (c) => {
 *     const answer = await answerOnce(c, c.var.deps.sql, (tx) => write(tx, ...));
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

/**
 * Runs `work` in one transaction and answers with what it returns. With an Idempotency-Key, the key
 * is claimed first in that same transaction and the answer stored before it commits: a retry gets
 * the stored answer (the original status code, not 200: the draft asks for the result of the
 * first request), another body 422, a request whose first is still running 409 with Retry-After.
 */
export async function answerOnce<B, S extends ContentfulStatusCode>(
  c: {
    var: AuthEnv['Variables'] & IdempotencyEnv['Variables'];
    req: { method: string; path: string };
  },
  sql: Sql,
  work: (tx: TransactionSql) => Promise<Answer<B, S>>,
): Promise<Answer<B, S>> {
  const request = c.var.idempotency;
  if (!request) return sql.begin(work) as Promise<Answer<B, S>>;
  const scope = { caller: c.var.principal.id, method: c.req.method, path: c.req.path, ...request };
  try {
    return (await sql.begin(async (tx) => {
      const stored = await claimIdempotencyKey(tx, scope);
      if (stored) return { status: stored.status as S, body: JSON.parse(stored.body) as B };
      const answer = await work(tx);
      await completeIdempotencyKey(tx, scope, { status: answer.status, body: JSON.stringify(answer.body) });
      return answer;
    })) as Answer<B, S>;
  } catch (error) {
    if (!(error instanceof IdempotencyConflict)) throw error;
    if (error.reason === 'reused') throw new ProblemError('idempotency-key-reused', error.message);
    throw new ProblemError('idempotency-key-in-flight', error.message, undefined, {
      'retry-after': String(IN_FLIGHT_RETRY_AFTER_SECONDS),
    });
  }
}
