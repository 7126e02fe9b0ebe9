import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import { firstInvalidUtf8Byte } from '../domain/text.ts';
import { ProblemError } from './problem.ts';

/** Deeper than any request Phasegate takes (a template is about 7 levels), far from any stack limit. */
export const MAX_JSON_DEPTH = 32;

const JSON_MEDIA_TYPE = /^application\/([a-z.-]+\+)?json\b/i;

/** The largest body the API reads. */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;

const tooLarge = () => {
  throw new ProblemError('payload-too-large', 'the body may be at most 2 MiB');
};

/** A body sent in chunks, with no Content-Length: counted as it is read. */
const chunkedWithinLimit = bodyLimit({ maxSize: MAX_BODY_BYTES, onError: tooLarge });

/** GET and HEAD requests carry no body that Phasegate reads. */
const withoutBody = (method: string) => method === 'GET' || method === 'HEAD';

/**
 * Refuses a body over MAX_BODY_BYTES. Decided from the headers where they tell the length, as they
 * do for nearly every request: reading `c.req.raw.body` (which Hono's bodyLimit does first) builds a
 * whole fetch Request for the Node request, 0.04 ms of CPU per request in the intake benchmark,
 * where the Node adapter otherwise reads the body straight from the socket.
 */
export const bodyWithinLimit = createMiddleware(async (c, next) => {
  if (withoutBody(c.req.method)) return next();
  const length = c.req.header('content-length');
  if (length === undefined || c.req.header('transfer-encoding') !== undefined) {
    return chunkedWithinLimit(c, next);
  }
  if (Number.parseInt(length, 10) > MAX_BODY_BYTES) tooLarge();
  await next();
});

function refuseBody(message: string, path = '(body)'): never {
  throw new ProblemError('validation-failed', `${path}: ${message}`, [{ path, message }]);
}

/**
 * Refuses what no request of Phasegate's may hold anywhere, with the path where it is: a key named
 * `__proto__` (assigned to a plain object it would replace the prototype) and nesting deeper than
 * MAX_JSON_DEPTH. Walks without recursion, so no body can exhaust the stack here.
 */
function checkJsonShape(value: unknown): void {
  const stack: { value: unknown; path: string[] }[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: node, path } = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (path.length >= MAX_JSON_DEPTH) {
      refuseBody(`nested deeper than ${MAX_JSON_DEPTH} levels`, path.join('.'));
    }
    for (const key of Object.keys(node)) {
      if (key === '__proto__') refuseBody('no field is named __proto__', [...path, key].join('.'));
      stack.push({ value: (node as Record<string, unknown>)[key], path: [...path, key] });
    }
  }
}

/**
 * The one place JSON bodies are decoded. JSON travels as UTF-8 (RFC 8259 §8.1), so the body is
 * decoded strictly: invalid UTF-8 is refused, naming the byte, instead of becoming U+FFFD (an offer's
 * receipt would then hash other bytes than were sent). The decoded text is what every later
 * `c.req.json()` parses.
 */
export const strictJsonBody = createMiddleware(async (c, next) => {
  const contentType = c.req.header('content-type');
  if (withoutBody(c.req.method) || !contentType || !JSON_MEDIA_TYPE.test(contentType)) return next();
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  if (bytes.length === 0) return next();
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8Byte(bytes);
    const byte = bytes[at]?.toString(16).toUpperCase().padStart(2, '0');
    refuseBody(`not valid UTF-8: the byte 0x${byte} at offset ${at} does not form a character`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    refuseBody('not valid JSON');
  }
  checkJsonShape(parsed);
  // Hono caches body promises here (its type says the value); `c.req.json()` parses this text.
  c.req.bodyCache.text = Promise.resolve(text) as unknown as string;
  await next();
});
