// The ranking CLI's I/O floor, in plain Node (no tsx, no project code): read and parse the same
// input JSON, then stringify and write the CLI's own output to stdout, as the CLI does. The output
// object is read first from the CLI's output file, and that time is reported on stderr so the
// benchmark can take it out.
import { readFileSync } from 'node:fs';

const [input, cliOutput] = process.argv.slice(2);
const loading = performance.now();
const output = JSON.parse(readFileSync(cliOutput, 'utf8'));
const loadedMs = performance.now() - loading;
const parsed = JSON.parse(readFileSync(input, 'utf8'));
if (!Array.isArray(parsed.offers)) throw new Error('not a rank input');
process.stdout.write(`${JSON.stringify(output, null, 2)}\n`, () => {
  process.stderr.write(`output-loaded-ms ${loadedMs}\n`);
});
