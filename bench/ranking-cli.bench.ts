import { execFileSync, spawn } from 'node:child_process';
import { openSync, closeSync, statSync, writeSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeRanking } from '../runtime/cli.ts';
import { projectRoot } from '../runtime/tools.ts';
import { decideWithReliability, rank, rankWithReliability, type RankInputDraft } from '../scoring/index.ts';
import { syntheticCompetition } from './competition.ts';
import { writeResultsBlock } from './results.ts';
import { machineLine } from './stack.ts';

/**
 * `phasegate rank` end to end (a process of its own: start, read, parse, validate, rank, reliability
 * report, write) against its I/O floor: a plain Node process that reads and parses the same input
 * and writes the same output. The CLI runs as users run it, from its bundle (built first, so no run
 * pays the build), and through tsx's loader for comparison. Alternating runs, medians:
 * `npm run bench:ranking-cli`.
 */

const REPETITIONS = Number(process.env.BENCH_REPETITIONS ?? 5);
const size = { offers: 10_000, jurors: 5, criteria: 6 };

interface Run {
  ms: number;
  peakMiB: number;
  stderr: string;
}

/** The CLI from the TypeScript sources through tsx, as where no bundle can be built. */
const THROUGH_TSX = { ...process.env, PHASEGATE_CLI_BUNDLE: 'off' };

/** Runs `node args…` with stdout to `outFile`; wall time from spawn to exit and peak RSS (GNU time). */
function timedNode(args: string[], outFile: string, env = process.env): Promise<Run> {
  const out = openSync(outFile, 'w');
  const start = performance.now();
  const child = spawn('/usr/bin/time', ['-f', 'peak-kib %M', process.execPath, ...args], {
    cwd: projectRoot,
    env,
    stdio: ['ignore', out, 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      const ms = performance.now() - start;
      closeSync(out);
      if (code !== 0) reject(new Error(`node ${args.join(' ')} exited ${code}: ${stderr}`));
      resolve({ ms, peakMiB: Number(/peak-kib (\d+)/.exec(stderr)?.[1] ?? 0) / 1024, stderr });
    });
  });
}

const median = (values: number[]) => values.sort((a, b) => a - b)[values.length >> 1]!;

/** The CLI's steps timed in this process (median of 3 each): where its time over the floor goes. */
async function steps(input: string, out: string): Promise<Record<string, number>> {
  const times: Record<string, number[]> = {};
  const time = async <T>(what: string, work: () => T | Promise<T>): Promise<T> => {
    const start = performance.now();
    const result = await work();
    (times[what] ??= []).push(performance.now() - start);
    return result;
  };
  for (let i = 0; i < 3; i++) {
    const text = await time('read', () => readFile(input, 'utf8'));
    const draft = await time('parse', () => JSON.parse(text) as RankInputDraft);
    const ranked = await time('rank() with validation', () => rank(draft));
    const { ranking, reliability } = await time('rankWithReliability(), the explanation whole', () =>
      rankWithReliability(draft),
    );
    await time('JSON.stringify of that whole (as the floor does)', () =>
      JSON.stringify({ ...ranking, reliability }, null, 2),
    );
    const decided = await time('decideWithReliability() (what the CLI runs before it writes)', () =>
      decideWithReliability(draft),
    );
    const fd = openSync(out, 'w');
    await time('explain, stringify, encode, check and write in stretches (as the CLI does)', () =>
      writeRanking(decided, (bytes) => writeSync(fd, bytes)),
    );
    closeSync(fd);
    if (ranked.offers.length !== draft.offers.length) throw new Error('ranking lost offers');
  }
  return Object.fromEntries(Object.entries(times).map(([what, list]) => [what, median(list)]));
}

const dir = await mkdtemp(join(tmpdir(), 'phasegate-rank-cli-'));
try {
  const input = join(dir, 'input.json');
  const cliOut = join(dir, 'cli-output.json');
  const floorOut = join(dir, 'floor-output.json');
  await writeFile(input, JSON.stringify(syntheticCompetition({ ...size, seed: 20_250_401 }), null, 2));
  execFileSync(process.execPath, ['bin/cli-bundle.mjs'], { cwd: projectRoot });
  await timedNode(['bin/phasegate.mjs', 'rank', input], cliOut);
  const cli: Run[] = [];
  const tsx: Run[] = [];
  const floor: Run[] = [];
  for (let i = 0; i < REPETITIONS; i++) {
    cli.push(await timedNode(['bin/phasegate.mjs', 'rank', input], cliOut));
    tsx.push(
      await timedNode(['bin/phasegate.mjs', 'rank', input], join(dir, 'tsx-output.json'), THROUGH_TSX),
    );
    const f = await timedNode(['bench/ranking-io-floor.mjs', input, cliOut], floorOut);
    // The floor first loads the output object it is to write; that is not I/O the CLI does.
    floor.push({ ...f, ms: f.ms - Number(/output-loaded-ms ([\d.]+)/.exec(f.stderr)![1]) });
  }
  if (statSync(cliOut).size !== statSync(floorOut).size)
    throw new Error('the floor wrote other output than the CLI');
  if (!(await readFile(cliOut)).equals(await readFile(join(dir, 'tsx-output.json'))))
    throw new Error('the bundle wrote other output than the sources through tsx');
  const inProcess = await steps(input, join(dir, 'steps-output.json'));
  // Start-up alone, with a tiny output: node, the bundle's check and its imports; or tsx's loader.
  const startups: number[] = [];
  const tsxStartups: number[] = [];
  const schema = ['bin/phasegate.mjs', 'schema', 'rank-input'];
  for (let i = 0; i < 3; i++) {
    startups.push((await timedNode(schema, join(dir, 'schema.json'))).ms);
    tsxStartups.push((await timedNode(schema, join(dir, 'schema.json'), THROUGH_TSX)).ms);
  }
  const c = median(cli.map((r) => r.ms));
  const t = median(tsx.map((r) => r.ms));
  const f = median(floor.map((r) => r.ms));
  const mib = (file: string) => (statSync(file).size / 2 ** 20).toFixed(1);
  const lines = [
    `${size.offers.toLocaleString('en')} offers x ${size.jurors} jurors x ${size.criteria} criteria; input ${mib(input)} MiB, output ${mib(cliOut)} MiB`,
    `(ranking plus reliability report). Median of ${REPETITIONS} alternating runs, each a new process, wall time spawn to exit.`,
    ``,
    `| run | median s | peak RSS MiB |`,
    `|---|---:|---:|`,
    `| \`phasegate rank input.json > output.json\` (from the bundle) | ${(c / 1000).toFixed(2)} | ${median(cli.map((r) => r.peakMiB)).toFixed(0)} |`,
    `| the same through tsx (\`PHASEGATE_CLI_BUNDLE=off\`) | ${(t / 1000).toFixed(2)} | ${median(tsx.map((r) => r.peakMiB)).toFixed(0)} |`,
    `| I/O floor: plain node reads and parses the input, stringifies and writes the same output | ${(f / 1000).toFixed(2)} | ${median(floor.map((r) => r.peakMiB)).toFixed(0)} (holds the output twice) |`,
    `| **CLI / floor** | **${(c / f).toFixed(2)}** (through tsx ${(t / f).toFixed(2)}) | |`,
    ``,
    `Goal (at most 1.5x the floor): ${c / f <= 1.5 ? 'met' : 'NOT met'}.`,
    ``,
    `Start-up alone (\`phasegate schema rank-input\`): ${median(startups).toFixed(0)} ms from the bundle, ${median(tsxStartups).toFixed(0)} ms through tsx.`,
    `The CLI's steps timed in the bench process (median of 3, ms): ` +
      Object.entries(inProcess)
        .map(([what, ms]) => `${what} ${ms.toFixed(0)}`)
        .join('; ') +
      `.`,
    machineLine(),
  ];
  console.log(lines.join('\n'));
  await writeResultsBlock('ranking-cli-bench', lines);
} finally {
  await rm(dir, { recursive: true, force: true });
}
