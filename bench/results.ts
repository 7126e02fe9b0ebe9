import { readFile, writeFile } from 'node:fs/promises';

/**
 * Replaces the block between `<!-- NAME:begin -->` and `<!-- NAME:end -->` in bench/RESULTS.md with
 * the benchmark's figures; the analysis around it stays.
 */
export async function writeResultsBlock(name: string, lines: readonly string[]): Promise<void> {
  const begin = `<!-- ${name}:begin -->`;
  const end = `<!-- ${name}:end -->`;
  const resultsFile = new URL('./RESULTS.md', import.meta.url);
  const results = await readFile(resultsFile, 'utf8');
  const from = results.indexOf(begin);
  const to = results.indexOf(end);
  if (from < 0 || to < from) throw new Error(`bench/RESULTS.md lacks the ${begin} … ${end} block`);
  await writeFile(
    resultsFile,
    `${results.slice(0, from + begin.length)}\n${lines.join('\n')}\n${results.slice(to)}`,
  );
  console.log('written to bench/RESULTS.md');
}
