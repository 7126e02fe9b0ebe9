import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/*
 * What `phasegate rank` prints is what anyone compares, with cmp, against a gate's published ranking
 * (README, "Reproducible gates"). The .stdout files are the exact bytes the command printed before
 * it was bundled and before its terminal escape searched bytes instead of text (commit 98e171d); the
 * output must not change by a byte.
 */

const root = fileURLToPath(new URL('../../../', import.meta.url));
const fixture = (name: string) => readFileSync(new URL(`../../fixtures/${name}`, import.meta.url));

function phasegate(args: string[], stdin?: Buffer) {
  return spawnSync(process.execPath, ['bin/phasegate.mjs', ...args], {
    cwd: root,
    input: stdin,
    timeout: 30_000,
  });
}

describe('the ranking phasegate prints', { timeout: 30_000 }, () => {
  it('is byte for byte the ranking and reliability report published for the example gate', () => {
    const { status, stdout, stderr } = phasegate(['rank', 'tests/fixtures/rank-example.json']);
    expect(stderr.toString()).toBe('');
    expect(status).toBe(0);
    expect(stdout.equals(fixture('cli/rank-example.stdout'))).toBe(true);
  });

  it('is byte for byte the same when ids, company names and reasons carry terminal controls, escaped', () => {
    const expected = fixture('cli/hostile-input.stdout');
    const fromFile = phasegate(['rank', 'tests/fixtures/cli/hostile-input.json']);
    expect(fromFile.status).toBe(0);
    expect(fromFile.stdout.equals(expected)).toBe(true);
    const fromStdin = phasegate(['rank', '-'], fixture('cli/hostile-input.json'));
    expect(fromStdin.stdout.equals(expected)).toBe(true);
  });
});
