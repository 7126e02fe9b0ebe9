import { createHash, randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApp } from '../../api/app.ts';
import { generateKeys } from '../../runtime/keys.ts';
import { createWorker } from '../../runtime/worker.ts';
import { customTemplate } from '../unit/templates/custom-template.ts';
import {
  addKeyAt,
  fillPath,
  replaceAt,
  routeSamples,
  type RouteSample,
  type StringSampler,
} from './request-samples.ts';
import { freshDatabase, tokenOf, tokens, workflowBundle } from './support.ts';

/**
 * Hostile input, aimed by fast-check at every route of the OpenAPI document: whatever is sent, the
 * answer is a 4xx problem+json with a `type`, never a 5xx, and the server keeps answering.
 */

const PROTOTYPE_NAMES = ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty'];
const ROLES = ['officer-1', 'company-01', 'juror-1'];
const PROBLEM = /^urn:phasegate:problem:[a-z-]+$/;
const utf8 = (text: string) => new TextEncoder().encode(text);

/** Whether a path segment, decoded, fits the parameter's pattern in the OpenAPI document. */
function wellFormedId(schema: Record<string, any>, segment: string): boolean {
  if (typeof schema.pattern !== 'string') return false;
  try {
    return new RegExp(schema.pattern, 'u').test(decodeURIComponent(segment));
  } catch {
    return false;
  }
}

interface Answer {
  status: number;
  contentType: string | null;
  body: any;
}

/** Strings no text field or id may take: each carries NUL, a lone surrogate or a control, or is far too long. */
const badText = fc.oneof(
  fc.tuple(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 })).map(([a, b]) => `${a}nul\u0000${b}`),
  fc.constantFrom('\ud800', 'a\udfffb', 'abc\udbff', '\udc00\ud800', 'ok \ud83d'),
  fc.constantFrom('esc\u001b[2J', 'bell\u0007bell', 'del\u007fdel', 'csi\u009b31m', 'nul\u0000'),
  fc.constant('x'.repeat(1_000_001)),
);
const badId = fc.oneof(badText, fc.constantFrom(...PROTOTYPE_NAMES));
/** Path segments as sent on the wire, percent-encoded where a URL needs it. */
const badSegment = fc.constantFrom(
  ...PROTOTYPE_NAMES,
  '%00',
  'a%00b',
  '%ED%A0%80', // a UTF-16 surrogate written as UTF-8
  '%C0%AF', // an overlong '/'
  '%F0%9F%98', // a character cut short
  '%FF',
  '%E2%80%AE', // right-to-left override
  '%0A',
  '%1B%5B2J',
  'x'.repeat(5000),
);
/** JSON number tokens and number-like strings that no numeric field takes. */
const badNumber = fc.constantFrom(
  '1e308',
  '-1e308',
  '1e999',
  '-1e999',
  '"NaN"',
  '"Infinity"',
  '"1e308"',
  '"-0x1"',
);
const badBytes = fc.constantFrom<number[]>(
  [0xff],
  [0xc3, 0x28],
  [0xed, 0xa0, 0x80],
  [0xc0, 0xaf],
  [0xe2, 0x82],
  [0xf4, 0x90, 0x80, 0x80],
  [0x80],
);

describe('hostile requests against every route', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let client: Client;
  let stopWorker: () => Promise<void>;
  let app: ReturnType<typeof createApp>;
  let routes: RouteSample[];
  const ids: Record<string, string> = {};
  const serverErrors: string[] = [];

  async function send(
    method: string,
    path: string,
    options: { as?: string; body?: string | Uint8Array; headers?: Record<string, string> } = {},
  ): Promise<Answer> {
    const response = await app.request(path, {
      method,
      headers: {
        authorization: `Bearer ${tokenOf(options.as ?? 'officer-1')}`,
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...options.headers,
      },
      ...(options.body === undefined ? {} : { body: options.body }),
    });
    const text = await response.text();
    const contentType = response.headers.get('content-type');
    let body: any = text;
    try {
      body = JSON.parse(text);
    } catch {
      // kept as text: the assertion shows it
    }
    if (response.status >= 500) serverErrors.push(`${response.status} ${method} ${path.slice(0, 200)}`);
    return { status: response.status, contentType, body };
  }
  const sendJson = (method: string, path: string, body: unknown, as = 'officer-1') =>
    send(method, path, { as, body: JSON.stringify(body) });

  function expectRefusal(answer: Answer, what: string) {
    const summary = `${what} → ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`;
    expect(answer.status, summary).toBeGreaterThanOrEqual(400);
    expect(answer.status, summary).toBeLessThan(500);
    expect(answer.contentType, summary).toBe('application/problem+json');
    expect(answer.body.type, summary).toMatch(PROBLEM);
  }

  /** Valid ids for the path: the competition, its open phase, a real offer and question. */
  const pathValues = (route: RouteSample) => ({
    ...ids,
    id: route.path.startsWith('/templates') ? 'sbir' : ids.id!,
  });
  const bodyOf = (route: RouteSample) => (route.body === undefined ? undefined : JSON.stringify(route.body));

  const strings: StringSampler = (schema, key) => {
    if (key === 'procedure') return 'sbir';
    if (key === 'criterion') return 'innovation';
    if (key === 'timeZone') return 'Europe/Amsterdam';
    if (key === 'holidays') return 'NL';
    if (schema.format === 'date-time') return '2027-04-23T09:00:00+02:00';
    if (schema.format === 'uuid') return randomUUID();
    if (typeof schema.pattern === 'string' && schema.pattern.includes(':[0-5]')) return '12:00';
    if (typeof schema.pattern === 'string') return 'feasibility';
    return 'a sample text';
  };

  beforeAll(async () => {
    db = await freshDatabase();
    const taskQueue = `hostile-${randomUUID()}`;
    const keys = generateKeys();
    const connection = await NativeConnection.connect({ address: inject('temporalAddress') });
    const worker = await createWorker({
      connection,
      namespace: 'default',
      taskQueue,
      sql: db.sql,
      keys,
      workflowBundle: await workflowBundle(),
    });
    const running = worker.run();
    stopWorker = async () => {
      worker.shutdown();
      await running;
      await connection.close();
    };
    client = new Client({ connection: await Connection.connect({ address: inject('temporalAddress') }) });
    app = createApp({ sql: db.sql, temporal: client, taskQueue, tokens, keys, listInTemporalUi: false });

    const launched = await sendJson('POST', '/competitions', {
      title: 'Quiet bridges',
      buyer: 'Gemeente Utrecht',
      procedure: 'sbir',
      jurors: { feasibility: ['juror-1', 'juror-2'] },
    });
    expect(launched.status).toBe(201);
    ids.id = launched.body.id;
    ids.phase = 'feasibility';
    for (let i = 0; i < 100; i++) {
      const status = await send('GET', `/competitions/${ids.id}`);
      if (status.body.phases[0].state === 'questions-open') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const offer = await sendJson(
      'POST',
      `/competitions/${ids.id}/phases/feasibility/offers`,
      { content: 'A first offer', requestedAmount: 40_000 },
      'company-02',
    );
    expect(offer.status).toBe(201);
    ids.offerId = offer.body.offerId;
    const question = await sendJson(
      'POST',
      `/competitions/${ids.id}/phases/feasibility/questions`,
      { question: 'May we partner with a university?' },
      'company-02',
    );
    expect(question.status).toBe(201);
    ids.questionId = question.body.questionId;
    ids.objectionId = randomUUID();

    const document = (await (await app.request('/openapi.json')).json()) as Record<string, any>;
    routes = routeSamples(document, strings);
  });

  afterAll(async () => {
    await stopWorker?.();
    await client?.connection.close();
    await db?.drop();
  });

  describe('named rules', () => {
    const launch = { title: 'Zero-emission road works', buyer: 'Rijkswaterstaat', procedure: 'sbir' };

    it('a title with a NUL byte is refused naming the field', async () => {
      const answer = await sendJson('POST', '/competitions', { ...launch, title: 'Road\u0000works' });
      expectRefusal(answer, 'NUL title');
      expect(answer.status).toBe(400);
      expect(answer.body.errors.map((e: any) => e.path)).toEqual(['title']);
    });

    it('a lone surrogate in a buyer, a juror id or a question is refused naming the field', async () => {
      const buyer = await sendJson('POST', '/competitions', { ...launch, buyer: 'Rijks\ud800waterstaat' });
      expect(buyer.status).toBe(400);
      expect(buyer.body.errors.map((e: any) => e.path)).toEqual(['buyer']);
      const juror = await sendJson('POST', '/competitions', {
        ...launch,
        jurors: { feasibility: ['juror-1', 'juror-\udc00'] },
      });
      expect(juror.status).toBe(400);
      expect(juror.body.errors.map((e: any) => e.path)).toEqual(['jurors.feasibility.1']);
      const question = await sendJson(
        'POST',
        `/competitions/${ids.id}/phases/feasibility/questions`,
        { question: 'Is \ud83d allowed?' },
        'company-03',
      );
      expect(question.status).toBe(400);
      expect(question.body.errors.map((e: any) => e.path)).toEqual(['question']);
    });

    it('GET /templates/constructor is a 404; __proto__, toString and %00 are refused as 4xx problems', async () => {
      const constructor = await send('GET', '/templates/constructor');
      expectRefusal(constructor, 'constructor');
      expect(constructor.status).toBe(404);
      for (const name of ['__proto__', 'toString', 'valueOf', 'hasOwnProperty', '%00']) {
        expectRefusal(await send('GET', `/templates/${name}`), name);
        expectRefusal(
          await sendJson('POST', `/templates/${name}/schedule-preview`, {
            publishedAt: '2027-04-23T09:00:00+02:00',
          }),
          `${name} preview`,
        );
      }
      const nul = await send('GET', '/templates/%00');
      expect(nul.status).toBe(400);
      expect(nul.body.errors.map((e: any) => e.path)).toEqual(['id']);
    });

    it('a launch naming the procedure "constructor" is refused naming the field', async () => {
      const answer = await sendJson('POST', '/competitions', { ...launch, procedure: 'constructor' });
      expect(answer.status).toBe(400);
      expect(answer.body.errors.map((e: any) => e.path)).toEqual(['procedure']);
    });

    it('an offer’s receipt hashes exactly the bytes sent', async () => {
      // Raw UTF-8 of one to four bytes, white space at both ends, and escapes JSON decodes.
      const content = '  Prijs: € 12.500 — 橋の騒音 ✓ 🌉\nline two\ttabbed  ';
      const escaped = content.replace('\n', '\\n').replace('\t', '\\t');
      const body = `{"requestedAmount": 12500, "content": "${escaped}"}`;
      const answer = await send('POST', `/competitions/${ids.id}/phases/feasibility/offers`, {
        as: 'company-04',
        body: utf8(body),
      });
      expect(answer.status).toBe(201);
      expect(answer.body.receipt.sha256).toBe(createHash('sha256').update(utf8(content)).digest('hex'));
    });

    it('an offer with invalid UTF-8 is refused naming the byte, not stored with U+FFFD', async () => {
      const before = utf8('{"requestedAmount": 1, "content": "caf');
      const bytes = new Uint8Array([...before, 0xe9, ...utf8(' au lait"}')]); // Latin-1 é
      const answer = await send('POST', `/competitions/${ids.id}/phases/feasibility/offers`, {
        as: 'company-05',
        body: bytes,
      });
      expectRefusal(answer, 'invalid UTF-8');
      expect(answer.status).toBe(400);
      expect(answer.body.errors[0].message).toContain(`offset ${before.length}`);
      const rows = await db.sql`select 1 from offers where company_id = 'company-05'`;
      expect(rows.length).toBe(0);
    });

    it('an offer whose content holds a lone surrogate (as a JSON escape) is refused naming content', async () => {
      const answer = await send('POST', `/competitions/${ids.id}/phases/feasibility/offers`, {
        as: 'company-05',
        body: '{"requestedAmount": 1, "content": "half \\ud800 a character"}',
      });
      expect(answer.status).toBe(400);
      expect(answer.body.errors.map((e: any) => e.path)).toEqual(['content']);
    });

    it('an unknown calendar field is refused naming it, not silently dropped', async () => {
      const template = {
        ...customTemplate(),
        id: 'with-weekend',
        calendar: { timeZone: 'Europe/Amsterdam', holidays: 'NL', weekend: ['friday'] },
      };
      const answer = await sendJson('POST', '/templates', template);
      expect(answer.status).toBe(400);
      expect(answer.body.type).toBe('urn:phasegate:problem:invalid-template');
      expect(answer.body.errors.map((e: any) => e.path)).toEqual(['calendar.weekend']);
      expect((await send('GET', '/templates/with-weekend')).status).toBe(404);
    });

    it('an unknown field in a launch, an offer or a score is refused naming it', async () => {
      const launchAnswer = await sendJson('POST', '/competitions', { ...launch, budget: 1 });
      expect(launchAnswer.body.errors.map((e: any) => e.path)).toEqual(['budget']);
      const offer = await sendJson(
        'POST',
        `/competitions/${ids.id}/phases/feasibility/offers`,
        { content: 'x', requestedAmount: 1, discount: 5 },
        'company-06',
      );
      expect(offer.status).toBe(400);
      expect(offer.body.errors.map((e: any) => e.path)).toEqual(['discount']);
    });

    it('an override cannot reach a template field through __proto__', async () => {
      const answer = await send('POST', '/competitions', {
        body: JSON.stringify({
          ...launch,
          overrides: { phases: { feasibility: { gate: JSON.parse('{"__proto__": {"awardSlots": 99}}') } } },
        }),
      });
      expect(answer.status).toBe(400);
      expect(answer.body.errors.map((e: any) => e.path)).toEqual([
        'overrides.phases.feasibility.gate.__proto__',
      ]);
    });

    it('a requested amount of 1e308 is refused naming the field', async () => {
      const answer = await send('POST', `/competitions/${ids.id}/phases/feasibility/offers`, {
        as: 'company-06',
        body: '{"content": "x", "requestedAmount": 1e308}',
      });
      expect(answer.status).toBe(400);
      expect(answer.body.errors.map((e: any) => e.path)).toEqual(['requestedAmount']);
    });

    it('a body nested 10 000 levels deep is refused', async () => {
      const deep = `{"title": ${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
      const answer = await send('POST', '/competitions', { body: deep });
      expect(answer.status).toBe(400);
      expect(answer.body.detail).toContain('nested deeper than');
    });
  });

  describe('every route', () => {
    const roles = fc.constantFrom(...ROLES);
    const bodyRoutes = () => routes.filter((r) => r.body !== undefined);

    it('the route table is the OpenAPI document: every route of the app is in it', () => {
      const documented = new Set(routes.map((r) => `${r.method} ${r.path.replace(/\{(\w+)\}/g, ':$1')}`));
      const undocumented = app.routes
        .filter((r) => r.method !== 'ALL' && !['/openapi.json', '/docs'].includes(r.path))
        .map((r) => `${r.method} ${r.path}`)
        .filter((r) => !documented.has(r));
      expect(undocumented).toEqual([]);
      expect(routes.length).toBeGreaterThan(25);
    });

    it('every request body refuses unknown fields: each object of it is closed in the OpenAPI document', async () => {
      const document = (await (await app.request('/openapi.json')).json()) as Record<string, any>;
      const open: string[] = [];
      const visit = (schema: any, where: string) => {
        if (!schema || typeof schema !== 'object') return;
        if (schema.type === 'object' && schema.properties && schema.additionalProperties !== false) {
          open.push(where);
        }
        for (const [key, value] of Object.entries(schema)) visit(value, `${where}.${key}`);
      };
      for (const [path, item] of Object.entries<any>(document.paths)) {
        for (const [method, operation] of Object.entries<any>(item)) {
          visit(operation.requestBody?.content?.['application/json']?.schema, `${method} ${path}`);
        }
      }
      expect(open).toEqual([]);
    });

    it('a hostile string in any text field or id of a body is refused, naming the field', async () => {
      const cases = fc
        .constantFrom(...bodyRoutes().filter((r) => r.leaves.some((l) => l.kind !== 'number')))
        .chain((route) =>
          fc.record({
            route: fc.constant(route),
            leaf: fc.constantFrom(...route.leaves.filter((l) => l.kind !== 'number')),
            as: roles,
            text: badText,
            id: badId,
          }),
        );
      // Every field of every route as every role once, then random cases on top.
      const examples = bodyRoutes().flatMap((route) =>
        route.leaves
          .filter((leaf) => leaf.kind !== 'number')
          .flatMap((leaf) =>
            ROLES.map((as) => [
              { route, leaf, as, text: 'a\u0000b', id: leaf.kind === 'id' ? 'constructor' : '' },
            ]),
          ),
      );
      await fc.assert(
        fc.asyncProperty(cases, async ({ route, leaf, as, text, id }) => {
          const value = leaf.kind === 'id' ? id : text;
          const body = replaceAt(route.body, leaf.path, value);
          const answer = await sendJson(route.method, fillPath(route.path, pathValues(route)), body, as);
          expectRefusal(answer, `${route.method} ${route.path} ${leaf.path.join('.')}`);
          if (answer.status === 400 && !PROTOTYPE_NAMES.includes(value)) {
            const paths = answer.body.errors.map((e: { path: string }) => e.path);
            expect(
              paths.some((p: string) => p.endsWith(leaf.path.join('.'))),
              JSON.stringify(paths),
            ).toBe(true);
          }
        }),
        { numRuns: examples.length + 150, examples },
      );
    });

    it('1e308, -1e308, overflowing and NaN-like numbers in any numeric field are refused', async () => {
      const cases = fc
        .constantFrom(...bodyRoutes().filter((r) => r.leaves.some((l) => l.kind === 'number')))
        .chain((route) =>
          fc.record({
            route: fc.constant(route),
            leaf: fc.constantFrom(...route.leaves.filter((l) => l.kind === 'number')),
            as: roles,
            token: badNumber,
          }),
        );
      const examples = bodyRoutes().flatMap((route) =>
        route.leaves
          .filter((leaf) => leaf.kind === 'number')
          .flatMap((leaf) => ROLES.map((as) => [{ route, leaf, as, token: '1e308' }])),
      );
      await fc.assert(
        fc.asyncProperty(cases, async ({ route, leaf, as, token }) => {
          const marker = '"\u2063number\u2063"';
          const body = JSON.stringify(replaceAt(route.body, leaf.path, '\u2063number\u2063')).replace(
            marker,
            token,
          );
          const answer = await send(route.method, fillPath(route.path, pathValues(route)), { as, body });
          expectRefusal(answer, `${route.method} ${route.path} ${leaf.path.join('.')} = ${token}`);
        }),
        { numRuns: examples.length + 60, examples },
      );
    });

    it('a prototype name as a JSON key anywhere in a body is refused', async () => {
      const cases = fc.constantFrom(...bodyRoutes()).chain((route) =>
        fc.record({
          route: fc.constant(route),
          at: fc.constantFrom(...route.objects),
          key: fc.constantFrom(...PROTOTYPE_NAMES),
          value: fc.constantFrom<unknown>('x', 1, {}, { awardSlots: 1 }, null),
          as: roles,
        }),
      );
      const examples = bodyRoutes().flatMap((route) =>
        route.objects.flatMap((at) =>
          ROLES.map((as) => [{ route, at, key: 'constructor', value: 'x' as unknown, as }]),
        ),
      );
      await fc.assert(
        fc.asyncProperty(cases, async ({ route, at, key, value, as }) => {
          const body = addKeyAt(route.body, at, key, value);
          const answer = await sendJson(route.method, fillPath(route.path, pathValues(route)), body, as);
          expectRefusal(answer, `${route.method} ${route.path} key ${[...at, key].join('.')}`);
        }),
        { numRuns: examples.length + 60, examples },
      );
    });

    it('a hostile path id (prototype names, NUL, broken UTF-8, controls, 5000 characters) is refused', async () => {
      const cases = fc.constantFrom(...routes.filter((r) => r.pathParams.length > 0)).chain((route) =>
        fc.record({
          route: fc.constant(route),
          param: fc.constantFrom(...route.pathParams),
          segment: badSegment,
          as: roles,
        }),
      );
      const examples = routes.flatMap((route) =>
        route.pathParams.flatMap((param) =>
          ['toString', '%00'].flatMap((segment) => ROLES.map((as) => [{ route, param, segment, as }])),
        ),
      );
      await fc.assert(
        fc.asyncProperty(cases, async ({ route, param, segment, as }) => {
          const path = fillPath(route.path, pathValues(route), { [param.name]: segment });
          const answer = await send(route.method, path, { as, body: bodyOf(route) });
          const what = `${route.method} ${path.slice(0, 200)} → ${answer.status}`;
          if (wellFormedId(param.schema, segment)) {
            // `constructor` is a well-formed phase key: a phase of that name may simply not exist.
            expect(answer.status, what).toBeLessThan(500);
            if (answer.status >= 400) expectRefusal(answer, what);
          } else expectRefusal(answer, what);
        }),
        { numRuns: examples.length + 100, examples },
      );
    });

    it('a hostile query parameter is refused', async () => {
      const withQuery = routes.filter((r) => r.query.length > 0);
      expect(withQuery.length).toBeGreaterThan(0);
      const cases = fc.constantFrom(...withQuery).chain((route) =>
        fc.record({
          route: fc.constant(route),
          name: fc.constantFrom(...route.query.map((q) => q.name)),
          value: fc.constantFrom(
            ...PROTOTYPE_NAMES,
            'NaN',
            'Infinity',
            '1e308',
            '-1e308',
            '%00',
            '%ED%A0%80',
          ),
        }),
      );
      await fc.assert(
        fc.asyncProperty(cases, async ({ route, name, value }) => {
          const answer = await send(
            route.method,
            `${fillPath(route.path, pathValues(route))}?${name}=${value}`,
          );
          expectRefusal(answer, `${route.method} ${route.path}?${name}=${value}`);
        }),
        { numRuns: 20 },
      );
    });

    it('invalid UTF-8, deep nesting, oversize bodies and wrong content types are refused', async () => {
      const nonGet = routes.filter((r) => r.method !== 'GET');
      type RawBody = { name: string; bytes: number[] } | { name: string; text: string };
      const rawBody = fc.oneof(
        badBytes.map((bad): RawBody => ({ name: 'invalid UTF-8', bytes: bad })),
        fc.constantFrom<RawBody>(
          { name: 'arrays 10 000 deep', text: `${'['.repeat(10_000)}${']'.repeat(10_000)}` },
          { name: 'objects 10 000 deep', text: `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}` },
          { name: 'oversize', text: `{"a":"${'x'.repeat(2 * 1024 * 1024)}"}` },
        ),
      );
      const cases = fc
        .constantFrom(...nonGet)
        .chain((route) => fc.record({ route: fc.constant(route), raw: rawBody, as: roles }));
      const examples = nonGet.flatMap((route) =>
        ROLES.map((as): [{ route: RouteSample; raw: RawBody; as: string }] => [
          { route, raw: { name: 'a surrogate as UTF-8', bytes: [0xed, 0xa0, 0x80] }, as },
        ]),
      );
      await fc.assert(
        fc.asyncProperty(cases, async ({ route, raw, as }) => {
          let body: Uint8Array;
          if ('bytes' in raw) {
            const [before, after] = JSON.stringify(route.body ?? { note: '\u2063' })
              .replace(/"a sample text"|"feasibility"|"\u2063"/, '"\u2063"')
              .split('\u2063');
            body = new Uint8Array([...utf8(before ?? ''), ...raw.bytes, ...utf8(after ?? '')]);
          } else body = utf8(raw.text);
          const answer = await send(route.method, fillPath(route.path, pathValues(route)), { as, body });
          expectRefusal(answer, `${route.method} ${route.path} ${raw.name}`);
        }),
        { numRuns: examples.length + 60, examples },
      );

      const contentTypes = fc.constantFrom(
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/xml',
        'application/jsonx',
      );
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...bodyRoutes()), contentTypes, async (route, contentType) => {
          const answer = await send(route.method, fillPath(route.path, pathValues(route)), {
            body: bodyOf(route),
            headers: { 'content-type': contentType },
          });
          expectRefusal(answer, `${route.method} ${route.path} as ${contentType}`);
        }),
        { numRuns: 30 },
      );
    });

    it('hostile headers (prototype names as tokens and keys, controls, 10 000 characters) never give a 5xx', async () => {
      const headerValue = fc.constantFrom(
        ...PROTOTYPE_NAMES,
        'x'.repeat(10_000),
        'ctl\u0001\u001b[2J',
        '\u00ff\u00fe latin-1',
        '',
      );
      const cases = fc.constantFrom(...routes).chain((route) =>
        fc.record({
          route: fc.constant(route),
          header: fc.constantFrom('authorization', ...route.headers.map((h) => h.name)),
          value: headerValue,
          as: roles,
        }),
      );
      await fc.assert(
        fc.asyncProperty(cases, async ({ route, header, value, as }) => {
          const headers = { [header]: header === 'authorization' ? `Bearer ${value}` : value };
          const answer = await send(route.method, fillPath(route.path, pathValues(route)), {
            as,
            body: bodyOf(route),
            headers,
          });
          const summary = `${route.method} ${route.path} ${header}: ${value.slice(0, 40)} → ${answer.status}`;
          // A prototype name is a fine idempotency key, so only the 5xx is ruled out here.
          expect(answer.status, summary).toBeLessThan(500);
          if (answer.status >= 400) expectRefusal(answer, summary);
        }),
        { numRuns: 40 },
      );
    });

    it('after all of it the server still answers /healthz, and no request got a 5xx', async () => {
      expect((await app.request('/healthz')).status).toBe(200);
      expect((await send('GET', `/competitions/${ids.id}`)).status).toBe(200);
      expect(serverErrors).toEqual([]);
    });
  });
});
