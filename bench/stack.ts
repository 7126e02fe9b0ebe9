import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, platform, release } from 'node:os';
import { Client, Connection } from '@temporalio/client';
import type { TokenMap } from '../api/auth.ts';
import { appRoleUrl } from '../db/roles.ts';
import { createSql, type Sql } from '../db/sql.ts';
import { migrateAsOwner } from '../runtime/database.ts';
import { generateKeys } from '../runtime/keys.ts';
import { startEmbeddedPostgres } from '../runtime/postgres.ts';
import { startTemporalDevServer, stopChild } from '../runtime/temporal.ts';
import { ensureTemporalTools, projectRoot } from '../runtime/tools.ts';
import { freePort } from '../tests/support/free-port.ts';

export { freePort } from '../tests/support/free-port.ts';
export { inBatches } from '../tests/support/in-batches.ts';

/**
 * The production shape on one machine for the benchmarks: a real embedded Postgres, a real Temporal
 * dev server, and the API and the worker as child processes of their own (`node --import tsx
 * runtime/server.ts`, which is what `npx tsx` runs, minus the launcher process), so their CPU and
 * memory are theirs and not the load generator's.
 */

export const tokenOf = (id: string) => `bench-token-${id}-0000000000`;

/** Officers, jurors and companies enough for every benchmark, as development bearer tokens. */
export function benchTokens(companies: readonly string[], jurors: readonly string[]): TokenMap {
  const tokens: TokenMap = {};
  for (const id of ['officer-1', 'officer-2']) tokens[tokenOf(id)] = { id, role: 'officer' };
  for (const id of jurors) tokens[tokenOf(id)] = { id, role: 'juror' };
  for (const id of companies) tokens[tokenOf(id)] = { id, role: 'company' };
  return tokens;
}

export const companyIds = (count: number) =>
  Array.from({ length: count }, (_, i) => `company-${String(i + 1).padStart(5, '0')}`);
export const jurorIds = (count: number) => Array.from({ length: count }, (_, i) => `juror-${i + 1}`);

export interface Service {
  child: ChildProcess;
  /** Peak resident memory so far (VmHWM), in MiB. */
  peakRssMiB(): number;
  /** Resident memory now (VmRSS), in MiB. */
  rssMiB(): number;
  stop(): Promise<void>;
}

function memory(pid: number | undefined, field: 'VmHWM' | 'VmRSS'): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

export function service(
  script: string,
  env: NodeJS.ProcessEnv,
  readyLine: RegExp,
  nodeArgs: readonly string[] = [],
): Promise<Service> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script], {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const handle: Service = {
    child,
    peakRssMiB: () => memory(child.pid, 'VmHWM'),
    rssMiB: () => memory(child.pid, 'VmRSS'),
    stop: () => stopChild(child, 'SIGTERM'),
  };
  return new Promise((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (readyLine.test(output)) resolve(handle);
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (process.env.BENCH_VERBOSE) process.stderr.write(chunk);
    });
    child.once('exit', (code) => reject(new Error(`${script} exited (${code}):\n${output.slice(-2000)}`)));
  });
}

export interface Stack {
  apiUrl: string;
  /** The environment the API and the worker run with (database, Temporal, keys, tokens, port). */
  env: Record<string, string>;
  /** The application role's connection (phasegate_app), pool of 10 as the API's own. */
  sql: Sql;
  /** The owner's connection: for the statistics views and what the benchmarks set up directly. */
  owner: Sql;
  temporal: Client;
  api: Service;
  worker: Service;
  close(): Promise<void>;
}

/**
 * Starts Postgres, Temporal, the worker and the API; `tokens` are the API's bearer tokens, `api`
 * adds Node options and environment for the API process (a profiler, say).
 */
export async function startStack(
  tokens: TokenMap,
  api: { nodeArgs?: string[]; env?: Record<string, string> } = {},
): Promise<Stack> {
  // Stopped in reverse order on close, or as soon as a later part fails to start.
  const started: (() => Promise<unknown>)[] = [];
  const stopAll = async () => {
    for (const stop of started.reverse()) await stop();
  };
  try {
    const tools = await ensureTemporalTools();
    const dataDir = `/tmp/phasegate-bench-pg-${randomBytes(4).toString('hex')}`;
    const postgres = await startEmbeddedPostgres({ dataDir, port: await freePort(), persistent: false });
    started.push(() => rm(dataDir, { recursive: true, force: true }), postgres.stop);
    const temporalServer = await startTemporalDevServer({
      cli: tools.cli,
      port: await freePort(),
      namespace: 'default',
    });
    started.push(temporalServer.stop);
    const appUrl = appRoleUrl(postgres.url, randomBytes(18).toString('base64url'));
    await migrateAsOwner(postgres.url, appUrl);
    const keys = generateKeys();
    const port = await freePort();
    // Thousands of companies' tokens exceed what one environment variable may hold: a file instead.
    const tokenFile = `${dataDir}-tokens.json`;
    await writeFile(tokenFile, JSON.stringify(tokens), { mode: 0o600 });
    started.push(() => rm(tokenFile, { force: true }));
    const env = {
      NODE_ENV: 'development',
      DATABASE_URL: appUrl,
      TEMPORAL_ADDRESS: temporalServer.address,
      TEMPORAL_TASK_QUEUE: 'phasegate-bench',
      PHASEGATE_SEAL_KEY: keys.seal.toString('hex'),
      PHASEGATE_RECEIPT_KEY: keys.receiptPrivate.export({ type: 'pkcs8', format: 'pem' }).toString(),
      PHASEGATE_AUTH_TOKENS: tokenFile,
      PORT: String(port),
    };
    const worker = await service('runtime/worker.ts', env, /worker polling/);
    started.push(worker.stop);
    const apiService = await service('runtime/server.ts', { ...env, ...api.env }, /API on /, api.nodeArgs);
    started.push(apiService.stop);
    const connection = await Connection.connect({ address: temporalServer.address });
    started.push(() => connection.close());
    const sql = createSql(appUrl);
    const owner = createSql(postgres.url, { max: 2 });
    started.push(
      () => sql.end({ timeout: 5 }),
      () => owner.end({ timeout: 5 }),
    );
    return {
      apiUrl: `http://127.0.0.1:${port}`,
      env,
      sql,
      owner,
      temporal: new Client({ connection, namespace: 'default' }),
      api: apiService,
      worker,
      close: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** An answer's JSON: many routes' shapes, of which a benchmark reads a field or two. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
type Json = any;

export interface Answer {
  status: number;
  body: Json;
}

/** One API call as a principal, JSON in and out, over HTTP with keep-alive (Node's fetch). */
export async function call(
  apiUrl: string,
  as: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<Answer> {
  const response = await fetch(`${apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${tokenOf(as)}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** Like `call`, and throws unless the answer is the expected status. */
export async function expectCall(
  apiUrl: string,
  as: string,
  method: string,
  path: string,
  body: unknown,
  status: number,
): Promise<Json> {
  const answer = await call(apiUrl, as, method, path, body);
  if (answer.status !== status)
    throw new Error(`${method} ${path} as ${as}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

export async function until<T>(
  what: string,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  ms = 120_000,
) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** What the API's database sessions wait on, sampled every 20 ms while `work` runs. */
export async function sampleWaits(stack: Stack, work: Promise<unknown>) {
  const waits = new Map<string, number>();
  let samples = 0;
  let done = false;
  void work.finally(() => (done = true));
  while (!done) {
    const rows = await stack.owner<{ wait: string; n: number }[]>`
      select state || ' / ' || coalesce(wait_event_type || ':' || wait_event, 'on CPU') as wait, count(*)::int as n
      from pg_stat_activity where usename = 'phasegate_app' and state <> 'idle' and pid <> pg_backend_pid()
      group by 1`;
    samples++;
    for (const row of rows) waits.set(row.wait, (waits.get(row.wait) ?? 0) + row.n);
    await new Promise((r) => setTimeout(r, 20));
  }
  await work;
  return [...waits.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([wait, n]) => `${wait} ${(n / samples).toFixed(2)}`)
    .join(', ');
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** The machine line every results block ends with: CPU, cores, Node, commit, load. */
export function machineLine(): string {
  // A run from an exported snapshot of a commit (no .git) names it in BENCH_COMMIT.
  let commit = process.env.BENCH_COMMIT ?? 'unknown';
  if (!process.env.BENCH_COMMIT)
    try {
      commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: projectRoot }).toString().trim();
      const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
        cwd: projectRoot,
      });
      if (dirty.length) commit += ' plus uncommitted changes';
    } catch {
      // Outside a git checkout the commit stays unknown.
    }
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return (
    `Machine: ${cpu}, ${cpus().length} cores, ${platform()} ${release()}; Node ${process.version}; ` +
    `commit ${commit}; load average at the end ${loadavg()[0]!.toFixed(2)}; ${new Date().toISOString().slice(0, 16)}Z.`
  );
}

/**
 * Launches a one-phase SBIR competition (feasibility only, no execution) as officer-1 and waits
 * until it takes offers: what the intake, status and page benchmarks measure against.
 */
export async function launchOnePhase(apiUrl: string, title: string): Promise<string> {
  const overrides = {
    phases: { development: null, commercialisation: null, feasibility: { executionMonths: 0 } },
  };
  const launch = { title, buyer: 'Gemeente Utrecht', procedure: 'sbir', overrides, jurors: {} };
  const launched = await expectCall(apiUrl, 'officer-1', 'POST', '/competitions', launch, 201);
  const id = launched.id as string;
  await until(
    'phase opens',
    () => call(apiUrl, 'officer-1', 'GET', `/competitions/${id}`),
    (a) => a.body?.phases?.[0]?.state === 'questions-open',
  );
  return id;
}
