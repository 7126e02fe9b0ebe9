import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Connection, Client } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import type { TokenMap } from '../../api/auth.ts';
import { migrate } from '../../db/migrate.ts';
import { appRoleUrl, enableAppLogin } from '../../db/roles.ts';
import { createSql, type Sql } from '../../db/sql.ts';
import { startEmbeddedPostgres, type RunningPostgres } from '../../runtime/postgres.ts';
import { startTemporalDevServer, stopChild, type RunningTemporal } from '../../runtime/temporal.ts';
import { ensureTemporalTools, projectRoot } from '../../runtime/tools.ts';
import { workflowsPath } from '../../runtime/worker.ts';
import { freePort } from '../integration/global-setup.ts';

/**
 * The real components of a Phasegate installation, each its own operating-system process, that a
 * fault test can kill, stop and start again: Postgres, a Temporal dev server that keeps its
 * SQLite file across restarts, and any number of `runtime/server.ts` and `runtime/worker.ts`.
 */

export const officers = ['officer-1', 'officer-2'];
export const jurors = ['juror-1', 'juror-2', 'juror-3'];
/** company-001 … company-600: enough for a rush of 500 at the deadline beside the other scenarios. */
export const companies = Array.from({ length: 600 }, (_, i) => `company-${String(i + 1).padStart(3, '0')}`);
export const tokenOf = (id: string) => `token-for-${id}-0000000000`;

function tokenMap(): TokenMap {
  const map: TokenMap = {};
  for (const id of officers) map[tokenOf(id)] = { id, role: 'officer' };
  for (const id of jurors) map[tokenOf(id)] = { id, role: 'juror' };
  for (const id of companies) map[tokenOf(id)] = { id, role: 'company' };
  return map;
}

/** One running `node` process of ours: its pid is the one Temporal names in a worker's identity. */
export class Service {
  readonly output: string[] = [];
  readonly exited: Promise<void>;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    const keep = (chunk: Buffer) => this.output.push(chunk.toString());
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  get pid(): number {
    return this.child.pid!;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGKILL: no handler runs, no connection is closed politely, nothing is flushed. */
  async kill(): Promise<void> {
    if (!this.alive) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  stop(): Promise<void> {
    return stopChild(this.child);
  }
}

export interface Api extends Service {
  url: string;
}

function waitForLine(service: Service, line: string, timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${service.name} did not print "${line}": ${service.output.join('')}`)),
      timeoutMs,
    );
    const look = () => {
      const found = service.output
        .join('')
        .split('\n')
        .find((l) => l.includes(line));
      if (!found) return;
      clearTimeout(timer);
      service.child.stdout?.off('data', look);
      resolve(found);
    };
    service.child.stdout?.on('data', look);
    service.child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${service.name} exited (${code ?? signal}): ${service.output.join('')}`));
    });
    look();
  });
}

let bundleFile: Promise<string> | undefined;
/** Workers start from one bundle built here, so a replacement polls in a second, not after bundling. */
function workflowBundleFile(): Promise<string> {
  return (bundleFile ??= (async () => {
    const { code } = await bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN') });
    const file = join(await mkdtemp(join(tmpdir(), 'phasegate-faults-bundle-')), 'workflow-bundle.js');
    await writeFile(file, code);
    return file;
  })());
}

export async function removeWorkflowBundle(): Promise<void> {
  if (bundleFile) await rm(dirname(await bundleFile), { recursive: true, force: true });
}

export interface StackOptions {
  name: string;
  /** Milliseconds an API request waits on a workflow before its 503 `workflow-timeout`. */
  workflowDeadlineMs?: number;
}

/** One installation: a Postgres, a Temporal server, and the API and worker processes started on them. */
export class Stack {
  private readonly services: Service[] = [];
  postgres!: RunningPostgres;
  private temporal: RunningTemporal | undefined;
  /** The database owner's connection, for what the test reads and the locks it holds. */
  owner!: Sql;
  temporalClient!: Client;
  private connection!: Connection;
  private appUrl = '';
  private pgPort = 0;
  private temporalPort = 0;
  private cli = '';
  private tokensFile = '';
  private keys = { seal: '', receipt: '' };

  private constructor(
    readonly options: StackOptions,
    readonly dir: string,
  ) {}

  static async start(options: StackOptions): Promise<Stack> {
    const dir = await mkdtemp(join(tmpdir(), `phasegate-faults-${options.name}-`));
    // As root, Postgres runs as `postgres`, which must reach its data folder inside this one.
    await chmod(dir, 0o755);
    const stack = new Stack(options, dir);
    try {
      await stack.boot();
    } catch (error) {
      await stack.close();
      throw error;
    }
    return stack;
  }

  private async boot(): Promise<void> {
    const { generateKeys } = await import('../../runtime/keys.ts');
    const keys = generateKeys();
    this.keys = {
      seal: keys.seal.toString('hex'),
      receipt: keys.receiptPrivate.export({ type: 'pkcs8', format: 'pem' }).toString(),
    };
    this.tokensFile = join(this.dir, 'tokens.json');
    await writeFile(this.tokensFile, JSON.stringify(tokenMap()));
    [this.pgPort, this.temporalPort, this.cli] = await Promise.all([
      freePort(),
      freePort(),
      ensureTemporalTools().then((t) => t.cli),
    ]);
    await Promise.all([this.startPostgres(), this.startTemporal(), workflowBundleFile()]);
    await migrate(this.owner);
    await enableAppLogin(this.owner, this.postgres.appRolePassword);
    this.appUrl = appRoleUrl(this.postgres.url, this.postgres.appRolePassword);
    this.connection = await Connection.connect({ address: this.temporalAddress });
    this.temporalClient = new Client({ connection: this.connection });
  }

  get temporalAddress() {
    return `127.0.0.1:${this.temporalPort}`;
  }

  async startPostgres(): Promise<void> {
    const dataDir = join(this.dir, 'postgres');
    this.postgres = await startEmbeddedPostgres({ dataDir, port: this.pgPort, persistent: true });
    this.owner ??= createSql(this.postgres.url, { max: 4 });
  }

  /** A fast shutdown: sessions end, every connection of every process is cut. */
  stopPostgres(): Promise<void> {
    return this.postgres.stop();
  }

  async startTemporal(): Promise<void> {
    this.temporal = await startTemporalDevServer({
      cli: this.cli,
      port: this.temporalPort,
      namespace: 'default',
      dbFile: join(this.dir, 'temporal.sqlite'),
    });
  }

  async stopTemporal(): Promise<void> {
    await this.temporal?.stop();
    this.temporal = undefined;
  }

  private env(queue: string, extra: Record<string, string>): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'test',
      DATABASE_URL: this.appUrl,
      TEMPORAL_ADDRESS: this.temporalAddress,
      TEMPORAL_TASK_QUEUE: queue,
      PHASEGATE_SEAL_KEY: this.keys.seal,
      PHASEGATE_RECEIPT_KEY: this.keys.receipt,
      PHASEGATE_AUTH_TOKENS: this.tokensFile,
      PHASEGATE_WEBHOOK_PRIVATE_HOSTS: '127.0.0.1',
      PHASEGATE_WORKFLOW_DEADLINE_MS: String(this.options.workflowDeadlineMs ?? 10_000),
      ...extra,
    };
  }

  private spawnNode(name: string, script: string, env: NodeJS.ProcessEnv): Service {
    // `node --import tsx` rather than `npx tsx`: one process, so its pid is the one to kill.
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: projectRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const service = new Service(name, child);
    this.services.push(service);
    return service;
  }

  async api(name: string, queue: string, port?: number): Promise<Api> {
    const chosen = port ?? (await freePort());
    const service = this.spawnNode(name, 'runtime/server.ts', this.env(queue, { PORT: String(chosen) }));
    await waitForLine(service, 'API on');
    return Object.assign(service, { url: `http://127.0.0.1:${chosen}` });
  }

  async worker(name: string, queue: string): Promise<Service> {
    const bundle = await workflowBundleFile();
    const env = this.env(queue, { PHASEGATE_WORKFLOW_BUNDLE: bundle });
    const service = this.spawnNode(name, 'runtime/worker.ts', env);
    await waitForLine(service, 'worker polling');
    return service;
  }

  /** What any API process logged as an unexpected error: each is a 500 a client got. */
  unexpectedErrors(): string[] {
    return this.services.flatMap((s) =>
      s.output.filter((chunk) => chunk.includes('unexpected error on')).map((chunk) => `${s.name}: ${chunk}`),
    );
  }

  /** The service whose pid a Temporal worker identity (`pid@host`) names. */
  serviceOfIdentity(identity: string | null | undefined): Service | undefined {
    const pid = Number(String(identity).split('@')[0]);
    return this.services.find((s) => s.pid === pid && s.alive);
  }

  async close(): Promise<void> {
    await Promise.all(this.services.map((s) => s.kill()));
    await this.connection?.close();
    await this.owner?.end({ timeout: 5 });
    await this.stopTemporal();
    await this.postgres?.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}
