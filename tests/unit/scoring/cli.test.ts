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

// Each case starts a node process: from the CLI's bundle in about 0.1 s, through tsx's loader (no bundle) in a few
// hundred milliseconds, more on a busy CI machine.
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

  it("rank prints the jury's reliability report under the reliability key", () => {
    const { status, stdout } = phasegate(['rank', 'tests/fixtures/rank-example.json']);
    expect(status).toBe(0);
    const { reliability } = JSON.parse(stdout);
    expect(reliability.metric).toBe('interval');
    expect(reliability.criteria.map((c: { criterion: string }) => c.criterion)).toEqual([
      'innovation',
      'feasibility',
      'impact',
      'team',
      'price-quality',
    ]);
    expect(reliability.leaveOneJurorOut.jurors.map((j: { jurorId: string }) => j.jurorId)).toEqual([
      'j1',
      'j2',
      'j3',
    ]);
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

/** Characters that must never reach a terminal raw: ESC, C1 controls, line separators, bidi controls. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const RAW_UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;

/** An id that clears the screen, breaks the line, and reverses what follows it. */
const HOSTILE_ID = 'o1\u001b[2J\nforged line\u2028\u202eevil\u0085';

/** The example input with offer o1 (and every row naming it) renamed to `id`. */
function withOfferId(id: string): Record<string, any> {
  const input = JSON.parse(example);
  for (const row of [
    ...input.offers,
    ...input.scores,
    ...(input.consensus ?? []),
    ...(input.exclusions ?? []),
  ])
    if (row.offerId === 'o1') row.offerId = id;
  return input;
}

describe('the phasegate command with hostile input', { timeout: 30_000 }, () => {
  it('a price near 1e308 is refused with exit 2, naming the field', () => {
    const input = JSON.parse(example);
    input.offers[3].price = 1e308;
    const { status, stdout, stderr } = phasegate(['rank', '-'], JSON.stringify(input));
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('phasegate: invalid-input:');
    expect(stderr).toContain('offers[3].price');
  });

  it('a phase budget or a score near 1e308 is refused with exit 2, naming the field', () => {
    const input = JSON.parse(example);
    input.gate.phaseBudget = 1.7e308;
    input.scores[5].score = -1e308;
    const { status, stdout, stderr } = phasegate(['rank', '-'], JSON.stringify(input));
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('gate.phaseBudget');
    expect(stderr).toContain('scores[5].score');
  });

  it('an offer id with a terminal escape is printed escaped, and reads back as the same id', () => {
    const { status, stdout, stderr } = phasegate(['rank', '-'], JSON.stringify(withOfferId(HOSTILE_ID)));
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(stdout).not.toMatch(RAW_UNSAFE);
    expect(stdout).toContain('"o1\\u001b[2J\\nforged line\\u2028\\u202eevil\\u0085"');
    expect(JSON.parse(stdout).offers.map((o: { offerId: string }) => o.offerId)).toContain(HOSTILE_ID);
  });

  it('an id with a newline or terminal escape in an error message is printed escaped, on one line', () => {
    const input = withOfferId(HOSTILE_ID);
    input.scores[0].score = 11;
    const { status, stderr } = phasegate(['rank', '-'], JSON.stringify(input));
    expect(status).toBe(2);
    expect(stderr).not.toMatch(RAW_UNSAFE);
    expect(stderr.split('\n')).toEqual([
      expect.stringContaining('offer o1\\u001b[2J\\nforged line\\u2028\\u202eevil\\u0085 on criterion'),
      '',
    ]);
  });

  it('a command, file name or broken JSON with control characters is echoed escaped', () => {
    const command = phasegate(['rank\u001b[2J']);
    expect(command.status).toBe(2);
    expect(command.stderr).toContain('unknown command rank\\u001b[2J');
    const file = phasegate(['rank', 'no/such\n\u001b]0;title\u0007.json']);
    expect(file.status).toBe(2);
    expect(file.stderr).toContain('cannot read no/such\\n\\u001b]0;title\\u0007.json');
    const json = phasegate(['rank', '-'], '{"offers": x\u001b[2J\u202e}');
    expect(json.status).toBe(2);
    for (const { stderr } of [command, file, json]) expect(stderr).not.toMatch(RAW_UNSAFE);
  });
});
