import { readFile } from 'node:fs/promises';
import type { RankInputDraft } from '../scoring/index.ts';
import { rank, rankInputJsonSchema, ScoringError } from '../scoring/index.ts';

const USAGE = `usage:
  phasegate rank [<input.json> | -]   rank the offers at a gate (reads stdin without a file or with -)
  phasegate schema rank-input         print the JSON Schema of a rank input
`;

/** Exit status for input the command cannot use: bad arguments, unreadable or invalid input. */
const EXIT_BAD_INPUT = 2;

/** Runs one command and returns the exit status; the caller sets it, so piped output is flushed. */
export async function main(args: readonly string[]): Promise<number> {
  const [command, ...rest] = args;
  switch (command) {
    case 'rank':
      return rest.length <= 1 ? rankCommand(rest[0]) : usageError('rank takes at most one input file');
    case 'schema':
      if (rest.length === 1 && rest[0] === 'rank-input') {
        process.stdout.write(`${JSON.stringify(rankInputJsonSchema(), null, 2)}\n`);
        return 0;
      }
      return usageError('the only schema is rank-input');
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return 0;
    default:
      return usageError(command === undefined ? 'no command given' : `unknown command ${command}`);
  }
}

async function rankCommand(file: string | undefined): Promise<number> {
  const fromStdin = file === undefined || file === '-';
  // Without any argument at a terminal the user most likely forgot the file; an explicit - may be typed.
  if (file === undefined && process.stdin.isTTY) return usageError('give an input file, or pipe the input');
  const source = fromStdin ? 'stdin' : file;

  let text: string;
  try {
    text = fromStdin ? await readStdin() : await readFile(file, 'utf8');
  } catch (error) {
    return fail(`cannot read ${source}: ${(error as Error).message}`);
  }
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (error) {
    return fail(`${source} is not valid JSON: ${(error as Error).message}`);
  }
  try {
    process.stdout.write(`${JSON.stringify(rank(input as RankInputDraft), null, 2)}\n`);
    return 0;
  } catch (error) {
    // rank() reports schema failures as ScoringError 'invalid-input'; anything else is a bug and
    // keeps its stack trace.
    if (error instanceof ScoringError) return fail(`${error.code}: ${error.message}`);
    throw error;
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function usageError(problem: string): number {
  process.stderr.write(`phasegate: ${problem}\n${USAGE}`);
  return EXIT_BAD_INPUT;
}

function fail(message: string): number {
  process.stderr.write(`phasegate: ${message}\n`);
  return EXIT_BAD_INPUT;
}
