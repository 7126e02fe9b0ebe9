import { generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp, type AppDeps } from '../../../api/app.ts';

/**
 * The OpenAPI document is the API's contract: a client generated from it must know what every
 * route answers. Read as a client reads it, from the route the README names (`/openapi.json`).
 */

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  description?: string;
  $ref?: string;
};
type Media = { schema?: Schema; example?: unknown; examples?: Record<string, unknown> };
type Response = { description: string; content?: Record<string, Media> };
type Operation = { requestBody?: unknown; security?: unknown[]; responses: Record<string, Response> };

/** Building the document needs no service: nothing is called until a request reaches a route. */
function documentApp() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return createApp({ keys: { receiptPublic: publicKey, receiptPrivate: privateKey } } as unknown as AppDeps);
}

let operations: [string, Operation][] = [];
let components: Record<string, Schema> = {};

beforeAll(async () => {
  const response = await documentApp().request('/openapi.json');
  expect(response.status).toBe(200);
  const document = (await response.json()) as {
    paths: Record<string, Record<string, Operation>>;
    components?: { schemas?: Record<string, Schema> };
  };
  components = document.components?.schemas ?? {};
  operations = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]): [string, Operation] => [`${method.toUpperCase()} ${path}`, op]),
  );
});

const success = (op: Operation) => Object.entries(op.responses).filter(([status]) => /^2\d\d$/.test(status));
const resolve = (schema: Schema): Schema =>
  schema.$ref ? resolve(components[schema.$ref.split('/').at(-1)!] ?? {}) : schema;

/**
 * The places in a schema that say nothing of what they hold: an object with no properties and any
 * value allowed under any key, unless a description says what it is.
 */
function looseObjects(schema: Schema, at: string): string[] {
  const s = resolve(schema);
  const isObject = s.type === 'object' || (Array.isArray(s.type) && s.type.includes('object'));
  const free =
    s.additionalProperties === undefined ||
    s.additionalProperties === true ||
    (typeof s.additionalProperties === 'object' && Object.keys(s.additionalProperties).length === 0);
  const here = isObject && !s.properties && free && !s.description ? [at || '(answer)'] : [];
  const nested = [
    ...Object.entries(s.properties ?? {}).map(([key, value]) => looseObjects(value, `${at}.${key}`)),
    ...(s.items ? [looseObjects(s.items, `${at}[]`)] : []),
    ...[...(s.anyOf ?? []), ...(s.oneOf ?? []), ...(s.allOf ?? [])].map((part) => looseObjects(part, at)),
  ];
  return [...here, ...nested.flat()];
}

describe('the OpenAPI document states what every route answers', () => {
  it('lists every route of the app', () => {
    expect(operations.length).toBeGreaterThanOrEqual(60);
  });

  it('every success answer with a body shows an example of it', () => {
    const without = operations.flatMap(([route, op]) =>
      success(op).flatMap(([status, response]) =>
        Object.entries(response.content ?? {})
          .filter(([, media]) => media.example === undefined && !media.examples)
          .map(([type]) => `${route} ${status} ${type}`),
      ),
    );
    expect(without).toEqual([]);
    expect(operations.filter(([, op]) => success(op).length === 0).map(([route]) => route)).toEqual([]);
  });

  it('no success answer is described as a loose object `{}`: each field is named', () => {
    const loose = operations.flatMap(([route, op]) =>
      success(op).flatMap(([status, response]) =>
        Object.values(response.content ?? {}).flatMap((media) =>
          media.schema ? looseObjects(media.schema, '').map((at) => `${route} ${status} ${at}`) : [],
        ),
      ),
    );
    expect(loose).toEqual([]);
  });

  it('a route that takes a body documents 413 (too large) and 415 (not JSON)', () => {
    const withBody = operations.filter(([, op]) => op.requestBody);
    expect(withBody.length).toBeGreaterThan(15);
    const missing = withBody
      .filter(([, op]) => !op.responses['413'] || !op.responses['415'])
      .map(([route]) => route);
    expect(missing).toEqual([]);
  });

  it('a route behind a bearer token documents 401, and a route that reads its input documents 400', () => {
    const missing401 = operations.filter(([, op]) => op.security?.length && !op.responses['401']);
    expect(missing401.map(([route]) => route)).toEqual([]);
    const readsInput = operations.filter(([route, op]) => op.requestBody || route.includes('{'));
    expect(readsInput.filter(([, op]) => !op.responses['400']).map(([route]) => route)).toEqual([]);
  });

  it('a route with an Idempotency-Key documents 422 for a key reused with another body', () => {
    const idempotent = operations.filter(([, op]) => JSON.stringify(op).includes('"idempotency-key"'));
    expect(idempotent.map(([route]) => route)).toEqual(
      expect.arrayContaining(['POST /competitions', 'POST /competitions/{id}/phases/{phase}/offers']),
    );
    expect(idempotent.filter(([, op]) => !op.responses['422']).map(([route]) => route)).toEqual([]);
  });

  it('every refusal is documented as problem+json with an example naming its stable type', () => {
    const refusals = operations.flatMap(([route, op]) =>
      Object.entries(op.responses)
        .filter(([status]) => /^[45]\d\d$/.test(status))
        .map(([status, response]) => ({
          route,
          status,
          media: response.content?.['application/problem+json'],
        })),
    );
    expect(refusals.filter((r) => !r.media).map((r) => `${r.route} ${r.status}`)).toEqual([]);
    for (const { route, status, media } of refusals) {
      const example = media!.example as { type: string; status: number };
      expect(example.type, `${route} ${status}`).toMatch(/^urn:phasegate:problem:[a-z-]+$/);
      expect(String(example.status), `${route} ${status}`).toBe(status);
    }
  });
});
