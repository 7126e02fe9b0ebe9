import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const example = readFileSync(new URL('../../fixtures/rank-example.json', import.meta.url), 'utf8');

function phasegate(args: string[], stdin?: string) {
  const result = spawnSync(process.execPath, ['bin/phasegate.mjs', ...args], {
    cwd: root,
    input: stdin,
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

// Each case starts node with the tsx loader, which takes a few hundred milliseconds, more on a busy CI machine.
describe('the phasegate command', { timeout: 30_000 }, () => {
  it('rank prints the ranking of an input file as JSON', () => {
    const { status, stdout, stderr } = phasegate(['rank', 'tests/fixtures/rank-example.json']);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const ranking = JSON.parse(stdout);
    expect(ranking.offers.map((o: { offerId: string }) => o.offerId)).toEqual([
      'o1',
      'o2',
      'o3',
      'o6',
      'o4',
      'o5',
    ]);
    expect(ranking.selection.selectedOfferIds).toEqual(['o1', 'o2', 'o3', 'o4']);
  });

  it('rank reads the input from stdin when given -', () => {
    const file = phasegate(['rank', 'tests/fixtures/rank-example.json']);
    const piped = phasegate(['rank', '-'], example);
    expect(piped.status).toBe(0);
    expect(piped.stdout).toBe(file.stdout);
  });

  it('schema rank-input prints a JSON Schema for an object', () => {
    const { status, stdout } = phasegate(['schema', 'rank-input']);
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ type: 'object' });
  });

  it('an invalid input exits with status 2 and says what is wrong', () => {
    const { status, stdout, stderr } = phasegate(['rank', '-'], JSON.stringify({ criteria: [] }));
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('phasegate: invalid-input:');
    expect(stderr).toContain('criteria');
  });

  it('a ranking refused by the rules exits with status 2 and names the offending row', () => {
    const input = JSON.parse(example);
    input.scores[0].score = 11;
    const { status, stderr } = phasegate(['rank', '-'], JSON.stringify(input));
    expect(status).toBe(2);
    expect(stderr).toContain('phasegate: off-scale:');
    expect(stderr).toContain('offer o1');
  });

  it('input that is not JSON, a missing file or an unknown command exit with status 2', () => {
    expect(phasegate(['rank', '-'], '{ not json').status).toBe(2);
    const missing = phasegate(['rank', 'no/such/file.json']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('cannot read no/such/file.json');
    expect(phasegate(['frobnicate']).status).toBe(2);
  });
});
