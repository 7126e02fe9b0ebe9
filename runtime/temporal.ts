import { spawn, type ChildProcess } from 'node:child_process';
import { Connection } from '@temporalio/client';
import { phaseSearchAttribute, statusSearchAttribute } from '../workflows/search-attributes.ts';

/** Custom search attributes that let the Temporal UI list competitions by status and phase. */
export const SEARCH_ATTRIBUTES: Record<string, 'Keyword'> = {
  [statusSearchAttribute.name]: 'Keyword',
  [phaseSearchAttribute.name]: 'Keyword',
};

export interface TemporalDevServerOptions {
  cli: string;
  port: number;
  uiPort?: number;
  /** SQLite file that keeps workflows across restarts; in memory when absent. */
  dbFile?: string;
  namespace: string;
  log?: (line: string) => void;
}

export interface RunningTemporal {
  address: string;
  uiUrl?: string;
  stop(): Promise<void>;
}

export async function waitForTemporal(address: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      await connection.healthService.check({});
      await connection.close();
      return;
    } catch (error) {
      lastError = error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`Temporal at ${address} did not become reachable: ${String(lastError)}`);
}

/** Asks a child process to stop with `signal`, and kills it if it has not stopped in 10 s. */
export function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill(signal);
  });
}

export async function startTemporalDevServer(options: TemporalDevServerOptions): Promise<RunningTemporal> {
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--namespace',
    options.namespace,
    '--log-level',
    'warn',
  ];
  if (options.dbFile) args.push('--db-filename', options.dbFile);
  if (options.uiPort) args.push('--ui-port', String(options.uiPort));
  else args.push('--headless');
  for (const [name, type] of Object.entries(SEARCH_ATTRIBUTES))
    args.push('--search-attribute', `${name}=${type}`);

  const child = spawn(options.cli, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const forward = (chunk: Buffer) => options.log?.(chunk.toString());
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`temporal server exited early with code ${code}`))),
  );
  const address = `127.0.0.1:${options.port}`;
  try {
    await Promise.race([waitForTemporal(address, 60_000), exited]);
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  exited.catch(() => undefined);
  return {
    address,
    uiUrl: options.uiPort ? `http://127.0.0.1:${options.uiPort}` : undefined,
    stop: () => stopChild(child),
  };
}
