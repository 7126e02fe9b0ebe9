import { spawnSync } from 'node:child_process';
import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

/*
 * `phasegate` runs from a bundle of its TypeScript sources (bin/cli-bundle.mjs). The bundle must do
 * exactly what the sources do, and must never run once a source has changed. Other test files run
 * the command meanwhile; a bundle removed or made stale here is one they build again, as any run does.
 */

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bundleFile = `${root}node_modules/.cache/phasegate/cli.cjs`;
const HEADER = '// phasegate CLI bundle, built from: ';
const hostile = readFileSync(new URL('../../fixtures/cli/hostile-input.json', import.meta.url), 'utf8');

function node(args: string[], options: { stdin?: string; env?: Record<string, string> } = {}) {
  const result = spawnSync(process.execPath, args, {
    cwd: root,
    input: options.stdin,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs the built bundle's `main` itself, so nothing can fall back to the sources unseen. */
const fromBundle = (args: string[], stdin?: string) =>
  node(
    [
      '-e',
      `require(${JSON.stringify(bundleFile)}).main(process.argv.slice(1)).then((status) => (process.exitCode = status));`,
      ...args,
    ],
    { stdin },
  );

const fromSources = (args: string[], stdin?: string) =>
  node(['bin/phasegate.mjs', ...args], { stdin, env: { PHASEGATE_CLI_BUNDLE: 'off' } });

/** Each file the bundle records, with its size and modification time when it was built. */
const builtFrom = (): [string, number, number][] => {
  const [header = ''] = readFileSync(bundleFile, 'utf8').split('\n', 1);
  expect(header.startsWith(HEADER)).toBe(true);
  return JSON.parse(header.slice(HEADER.length));
};

describe('the phasegate bundle', { timeout: 60_000 }, () => {
  beforeAll(() => {
    const build = node(['bin/cli-bundle.mjs']);
    expect(build.stderr).toBe('');
    expect(build.status).toBe(0);
  });

  it.each([
    ['a ranking', ['rank', 'tests/fixtures/rank-example.json']],
    ['a ranking with terminal controls in its ids', ['rank', '-'], hostile],
    ['an invalid input', ['rank', '-'], JSON.stringify({ criteria: [] })],
    ['input that is not JSON', ['rank', '-'], '{ not json \u001b[2J'],
    ['the rank input schema', ['schema', 'rank-input']],
    ['an audit check without a key', ['verify-audit', 'export.json']],
    ['an unknown command', ['frobnicate']],
  ] as [string, string[], string?][])('prints what the sources print for %s', (_, args, stdin) => {
    const bundled = fromBundle(args, stdin);
    expect(bundled).toEqual(fromSources(args, stdin));
    expect(bundled.stdout.length + bundled.stderr.length).toBeGreaterThan(0);
  });

  it('names every source of the command among the files it was built from', () => {
    const files = builtFrom().map(([file]) => file);
    expect(files).toEqual(
      expect.arrayContaining([
        'runtime/cli.ts',
        'scoring/rank.ts',
        'domain/scoring.ts',
        'bin/cli-bundle.mjs',
      ]),
    );
    for (const [file, size, mtimeMs] of builtFrom()) {
      const now = statSync(`${root}${file}`);
      expect([file, now.size, now.mtimeMs]).toEqual([file, size, mtimeMs]);
    }
  });

  it('is built by the first run of phasegate when there is none', () => {
    rmSync(bundleFile, { force: true });
    const { status, stdout } = node(['bin/phasegate.mjs', 'schema', 'rank-input']);
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ type: 'object' });
    expect(builtFrom().map(([file]) => file)).toContain('runtime/cli.ts');
  });

  it('is not run once a source changed since it was built: phasegate builds it again', () => {
    const stale = [['runtime/cli.ts', 1, 1]];
    // Put in place whole, as a build does, so that no other run reads it half written.
    writeFileSync(
      `${bundleFile}.stale`,
      `${HEADER}${JSON.stringify(stale)}\n` +
        `exports.main = async () => { process.stdout.write('stale bundle'); return 0; };\n`,
    );
    renameSync(`${bundleFile}.stale`, bundleFile);
    const { status, stdout } = node(['bin/phasegate.mjs', 'schema', 'rank-input']);
    expect(status).toBe(0);
    expect(stdout).not.toContain('stale bundle');
    expect(JSON.parse(stdout)).toMatchObject({ type: 'object' });
    expect(builtFrom()).not.toEqual(stale);
  });
});
