// The CLI as one JavaScript file: runtime/cli.ts and all it imports, bundled by esbuild (the
// compiler tsx itself runs on), so a run of `phasegate` does not compile TypeScript as it starts.
// The bundle is a cache under node_modules/.cache, never committed. Its first line names the files it
// was built from, with their size and modification time; `phasegate` builds it again when one of
// them changed, so it never runs code older than the sources. `node bin/cli-bundle.mjs`
// (`npm run build:cli`) builds it ahead of time.
import { createHash } from 'node:crypto';
import { readFileSync, realpathSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Script } from 'node:vm';

const root = new URL('../', import.meta.url);
export const bundleFile = fileURLToPath(new URL('node_modules/.cache/phasegate/cli.cjs', root));
const HEADER = '// phasegate CLI bundle, built from: ';

/** This file decides how the bundle is built, so a change to it makes the bundle stale too. */
const THIS_FILE = 'bin/cli-bundle.mjs';

/**
 * The CLI module (`main` and its helpers): from a current bundle, built first when it is missing or
 * stale. With PHASEGATE_CLI_BUNDLE=off, or where no bundle can be built (a read-only install,
 * esbuild absent), the TypeScript sources run through tsx's loader instead: the same code, slower
 * to start.
 */
export async function loadCli() {
  if (process.env.PHASEGATE_CLI_BUNDLE !== 'off') {
    const cli = currentBundle() ?? (await buildCliBundle().then(currentBundle, () => undefined));
    if (cli) return cli;
  }
  const { register } = await import('tsx/esm/api');
  register();
  return import(new URL('runtime/cli.ts', root).href);
}

/** The bundle's exports, when it exists and the files it was built from are as they were then. */
function currentBundle() {
  let source, builtFrom;
  try {
    source = readFileSync(bundleFile, 'utf8');
    builtFrom = JSON.parse(source.slice(HEADER.length, source.indexOf('\n')));
  } catch {
    // Missing, or damaged: built again.
    return undefined;
  }
  const header = source.slice(0, source.indexOf('\n'));
  if (!header.startsWith(HEADER) || !Array.isArray(builtFrom)) return undefined;
  if (!builtFrom.every(([file, ...signature]) => sameSignature(signatureOf(file), signature)))
    return undefined;
  // V8 checks a code cache against the length of the source, not its content: the cache is named
  // after the header instead, which names each file the bundle was made of, as it was.
  const key = createHash('sha256').update(header).digest('hex').slice(0, 16);
  return runBundle(source, `${bundleFile}.${key}.code-cache`);
}

/** Size and modification time of a file under the project root; a missing file has none. */
function signatureOf(file) {
  const found = statSync(new URL(file, root), { throwIfNoEntry: false });
  return found ? [found.size, found.mtimeMs] : [-1, -1];
}

const sameSignature = ([size, mtimeMs], [builtSize, builtMtimeMs]) =>
  size === builtSize && mtimeMs === builtMtimeMs;

/**
 * Runs the CommonJS bundle as Node runs a module, compiled with V8's code cache (its bytecode) when
 * one was made for it (V8 rejects one made by another Node). Otherwise one is written as the process
 * ends, so it holds the functions this run compiled as well.
 */
function runBundle(source, codeCacheFile) {
  let cachedData;
  try {
    cachedData = readFileSync(codeCacheFile);
  } catch {
    // The first run after a build makes the cache.
  }
  // On the header's line, so that line numbers in stack traces are the bundle's own.
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new Script(wrapped, { filename: bundleFile, cachedData });
  const module = { exports: {} };
  script.runInThisContext()(
    module.exports,
    createRequire(bundleFile),
    module,
    bundleFile,
    dirname(bundleFile),
  );
  if (cachedData === undefined || script.cachedDataRejected) {
    process.once('beforeExit', () => replaceFile(codeCacheFile, script.createCachedData()));
  }
  return module.exports;
}

/** Writes a file whole in one rename, so a run starting meanwhile reads the old one or the new one. */
function replaceFile(file, data) {
  const partial = `${file}.${process.pid}.partial`;
  try {
    writeFileSync(partial, data);
    renameSync(partial, file);
  } catch {
    // A cache that cannot be written is only a slower start.
  }
}

/** Builds the bundle and puts it in place (see replaceFile); returns true. */
export async function buildCliBundle() {
  const { build } = await import('esbuild');
  const started = Date.now();
  const { outputFiles, metafile } = await build({
    absWorkingDir: fileURLToPath(root),
    entryPoints: ['runtime/cli.ts'],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const finished = Date.now();
  const files = [...Object.keys(metafile.inputs), THIS_FILE];
  // A file changed while the build read it is recorded as changed, so the next run builds again.
  // (One dated after the build is not: its clock is off, and it would make every run build.)
  const builtFrom = files.map((file) => {
    const [size, mtimeMs] = signatureOf(file);
    return mtimeMs >= started && mtimeMs <= finished ? [file, -1, -1] : [file, size, mtimeMs];
  });
  const partial = `${bundleFile}.${process.pid}.partial`;
  await mkdir(dirname(bundleFile), { recursive: true });
  try {
    await writeFile(partial, `${HEADER}${JSON.stringify(builtFrom)}\n${outputFiles[0].text}`);
    await rename(partial, bundleFile);
  } finally {
    await rm(partial, { force: true });
  }
  // The code caches of earlier bundles serve no bundle any more.
  for (const file of await readdir(dirname(bundleFile))) {
    if (file.endsWith('.code-cache')) await rm(`${dirname(bundleFile)}/${file}`, { force: true });
  }
  return true;
}

if (process.argv[1] && pathToFileURL(realpathSync(process.argv[1])).href === import.meta.url) {
  await buildCliBundle();
  process.stdout.write(`built ${bundleFile}\n`);
}
