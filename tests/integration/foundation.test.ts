import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createSql } from '../../db/sql.ts';
import { generateKeys } from '../../runtime/keys.ts';
import { startApi, type RunningApi } from '../../runtime/server.ts';
import { createWorker } from '../../runtime/worker.ts';
import { freshDatabase, tokenOf, tokens, workflowBundle } from './support.ts';

/** Parsed JSON answer; each assertion says which shape it expects. */
const json = (response: Response): Promise<any> => response.json();

const launch = {
  title: 'Zero-emission road works',
  buyer: 'Rijkswaterstaat',
  procedure: 'sbir',
  jurors: { feasibility: ['juror-1', 'juror-2'] },
};

describe('the first slice, over real HTTP, on the Temporal dev server and Postgres', () => {
  let api: RunningApi;
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let stopWorker: () => Promise<void>;
  let client: Client;

  beforeAll(async () => {
    db = await freshDatabase();
    const taskQueue = `foundation-${Date.now()}`;
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
    api = await startApi(
      { sql: db.sql, temporal: client, taskQueue, tokens, keys, listInTemporalUi: false },
      0,
      '127.0.0.1',
    );
  });

  afterAll(async () => {
    await api?.close();
    await stopWorker?.();
    await client?.connection.close();
    await db?.drop();
  });

  const post = (path: string, body: unknown, as = 'officer-1') =>
    fetch(`${api.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokenOf(as)}`, 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const get = (path: string, as = 'officer-1') =>
    fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${tokenOf(as)}` } });

  it('answers /healthz and /readyz when Temporal and Postgres are up', async () => {
    expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${api.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await json(ready)).toEqual({ status: 'ready', postgres: 'ok', temporal: 'ok' });
  });

  it('an officer launches a competition and its first phase opens through the workflow', async () => {
    const response = await post('/competitions', launch);
    expect(response.status).toBe(201);
    const created = await json(response);
    expect(response.headers.get('location')).toBe(`/competitions/${created.id}`);

    let status: any;
    for (let i = 0; i < 100; i++) {
      status = await json(await get(`/competitions/${created.id}`));
      if (status.phases[0].state === 'questions-open') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(status.status).toBe('running');
    expect(status.phases.map((p: any) => [p.key, p.state])).toEqual([
      ['feasibility', 'questions-open'],
      ['development', 'pending'],
      ['commercialisation', 'pending'],
    ]);
    // SBIR default: questions close 21 days after publication, at 12:00 Amsterdam time.
    const published = Date.parse(status.phases[0].timeline.publishedAt);
    const questionsClose = Date.parse(status.phases[0].timeline.questionsCloseAt);
    expect(Math.round((questionsClose - published) / 86_400_000)).toBeGreaterThanOrEqual(20);
    expect(status.phases[0].counts.jurors).toBe(2);
    const description = await client.workflow.getHandle(`competition-${created.id}`).describe();
    expect(description.status.name).toBe('RUNNING');
  });

  it("a retried launch with the same idempotency key returns the same competition, and another officer's key is their own", async () => {
    const send = (officer: string, body: unknown = launch) =>
      fetch(`${api.url}/competitions`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${tokenOf(officer)}`,
          'content-type': 'application/json',
          'idempotency-key': 'launch-once-12345',
        },
        body: JSON.stringify(body),
      });
    const [first, second] = [await send('officer-1'), await send('officer-1')];
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    const launched = (await json(first)).id;
    expect((await json(second)).id).toBe(launched);
    const byAnother = await send('officer-2');
    expect(byAnother.status).toBe(201);
    expect((await json(byAnother)).id).not.toBe(launched);
    const otherBody = await send('officer-1', { ...launch, title: 'Another challenge' });
    expect(otherBody.status).toBe(422);
    expect((await json(otherBody)).type).toBe('urn:phasegate:problem:idempotency-key-reused');
  });

  it('a bad launch body gets a 400 problem+json that names the field', async () => {
    const response = await post('/competitions', { ...launch, title: 'x' });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const problem = await json(response);
    expect(problem.type).toBe('urn:phasegate:problem:validation-failed');
    expect(problem.errors.map((e: any) => e.path)).toEqual(['title']);
  });

  it('a body that is not JSON gets a 400 problem, not a 500', async () => {
    const response = await post('/competitions', '{"title": ');
    expect(response.status).toBe(400);
    expect((await json(response)).type).toBe('urn:phasegate:problem:validation-failed');
  });

  it('an override that breaks the template is refused naming the template field', async () => {
    const response = await post('/competitions', {
      ...launch,
      overrides: { phases: { feasibility: { standstillDays: -1 } } },
    });
    expect(response.status).toBe(400);
    const problem = await json(response);
    expect(problem.type).toBe('urn:phasegate:problem:invalid-template');
    expect(problem.errors[0].path).toBe('template.phases.0.standstillDays');
  });

  it('a body sent as something other than JSON gets a 415 problem, not a 500', async () => {
    const response = await fetch(`${api.url}/competitions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokenOf('officer-1')}`, 'content-type': 'text/plain' },
      body: JSON.stringify(launch),
    });
    expect(response.status).toBe(415);
    expect((await json(response)).type).toBe('urn:phasegate:problem:unsupported-media-type');
  });

  it('a body over 2 MiB is refused with 413, whether its length is declared or it comes in chunks', async () => {
    const oversize = JSON.stringify({ ...launch, title: 'x'.repeat(2 * 1024 * 1024) });
    const declared = await post('/competitions', oversize);
    expect(declared.status).toBe(413);
    expect((await json(declared)).type).toBe('urn:phasegate:problem:payload-too-large');

    const encoder = new TextEncoder();
    const pieces = [oversize.slice(0, 1024 * 1024), oversize.slice(1024 * 1024)];
    const chunked = await fetch(`${api.url}/competitions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokenOf('officer-1')}`, 'content-type': 'application/json' },
      body: new ReadableStream({
        start(controller) {
          for (const piece of pieces) controller.enqueue(encoder.encode(piece));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect((await json(chunked)).type).toBe('urn:phasegate:problem:payload-too-large');
  });

  it('a launch sent in chunks, with no declared length, is read whole', async () => {
    const response = await fetch(`${api.url}/competitions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokenOf('officer-1')}`, 'content-type': 'application/json' },
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(JSON.stringify(launch)));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(201);
    expect((await json(response)).id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('a company may not launch a competition', async () => {
    const response = await post('/competitions', launch, 'company-01');
    expect(response.status).toBe(403);
  });

  it('a request without a known token is refused with 401', async () => {
    const response = await fetch(`${api.url}/competitions`);
    expect(response.status).toBe(401);
    expect((await json(response)).type).toBe('urn:phasegate:problem:unauthenticated');
  });

  it('with Postgres down, /readyz and the API answer 503 problem+json, not 500', async () => {
    const deadSql = createSql('postgres://nobody:none@127.0.0.1:1/none', { max: 1 });
    const downApi = await startApi(
      {
        sql: deadSql,
        temporal: client,
        taskQueue: 'unused',
        tokens,
        keys: generateKeys(),
        listInTemporalUi: false,
      },
      0,
      '127.0.0.1',
    );
    try {
      const ready = await fetch(`${downApi.url}/readyz`);
      expect(ready.status).toBe(503);
      expect((await json(ready)).type).toBe('urn:phasegate:problem:dependency-unavailable');
      const status = await fetch(`${downApi.url}/competitions/00000000-0000-4000-8000-000000000000`, {
        headers: { authorization: `Bearer ${tokenOf('officer-1')}` },
      });
      expect(status.status).toBe(503);
    } finally {
      await downApi.close();
      await deadSql.end({ timeout: 1 });
    }
  });
});
