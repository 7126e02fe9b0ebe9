import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * `npm test`: two vitest runs side by side. The suites that mostly wait on the wall clock (a
 * competition in minutes, processes killed and restarted) run beside the ones that keep the CPU
 * busy, so CI takes the longer of the two rather than their sum; each run keeps its own order (the
 * integration files one after the other). Any argument runs one plain vitest with it instead.
 */
const WALL_CLOCK = ['real-time', 'faults'];
const BUSY = ['unit', 'workflows', 'integration', 'web'];

const projects = (names: string[]) => names.flatMap((name) => ['--project', name]);

function vitest(args: string[], output: 'inherit' | string): Promise<number> {
  const child = spawn('npx', ['vitest', 'run', ...args], {
    stdio: output === 'inherit' ? 'inherit' : ['ignore', 'pipe', 'pipe'],
  });
  if (output !== 'inherit') {
    const log = createWriteStream(output);
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
  }
  return new Promise((resolve) => child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
}

const args = process.argv.slice(2);
if (args.length > 0) {
  process.exitCode = await vitest(args, 'inherit');
} else {
  const log = join(tmpdir(), `phasegate-wall-clock-${process.pid}.log`);
  console.log(`The wall-clock suites (${WALL_CLOCK.join(', ')}) run beside these; their report follows.`);
  const [busy, wallClock] = await Promise.all([
    vitest(projects(BUSY), 'inherit'),
    vitest(projects(WALL_CLOCK), log),
  ]);
  console.log(`\n=== ${WALL_CLOCK.join(', ')} ===\n${await readFile(log, 'utf8')}`);
  process.exitCode = busy !== 0 ? busy : wallClock;
}
