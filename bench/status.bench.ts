import { writeResultsBlock } from './results.ts';
import {
  benchTokens,
  companyIds,
  expectCall,
  freePort,
  inBatches,
  machineLine,
  percentile,
  service,
  startStack,
  tokenOf,
  launchOnePhase,
} from './stack.ts';

/**
 * `GET /competitions/{id}` through the API against a bare node:http handler running the route's own
 * database function, both in processes of their own on the same Postgres, side by side in one run:
 * `npm run bench:status`. BENCH_SECONDS sets each measured stretch (default 2 s): short stretches,
 * alternated many times, so that a busy spell on the shared machine weighs on both sides alike.
 */

const LEVELS = [1, 10, 50];
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const REPETITIONS = Number(process.env.BENCH_REPETITIONS ?? 7);
const OFFERS = Number(process.env.BENCH_OFFERS ?? 2_000);

interface Run {
  perSecond: number;
  latencies: number[];
}

/** `clients` readers, each asking again as soon as answered, for SECONDS. */
async function read(url: string, clients: number): Promise<Run> {
  const latencies: number[] = [];
  const headers = { authorization: `Bearer ${tokenOf('officer-1')}` };
  const start = performance.now();
  const end = start + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < end) {
        const sent = performance.now();
        const response = await fetch(url, { headers });
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`status read answered ${response.status}`);
        latencies.push(performance.now() - sent);
      }
    }),
  );
  return {
    perSecond: latencies.length / ((performance.now() - start) / 1000),
    latencies: latencies.sort((a, b) => a - b),
  };
}

const median = (values: number[]) => values.sort((a, b) => a - b)[values.length >> 1]!;

const companies = companyIds(200);
const stack = await startStack(benchTokens(companies, []));
const barePort = await freePort();
const bare = await service(
  'bench/bare-status.ts',
  { ...stack.env, PORT: String(barePort) },
  /bare status on/,
);
try {
  const id = await launchOnePhase(stack.apiUrl, 'Status benchmark');
  const path = `/competitions/${id}`;
  await inBatches(
    Array.from({ length: OFFERS }, (_, i) => companies[i % companies.length]!),
    20,
    (company) =>
      expectCall(
        stack.apiUrl,
        company,
        'POST',
        `${path}/phases/feasibility/offers`,
        { content: 'An offer', requestedAmount: 40_000 },
        201,
      ),
  );
  const [apiBody, bareBody] = await Promise.all([
    fetch(`${stack.apiUrl}${path}`, { headers: { authorization: `Bearer ${tokenOf('officer-1')}` } }).then(
      (r) => r.json(),
    ),
    fetch(`http://127.0.0.1:${barePort}${path}`).then((r) => r.json()),
  ]);
  if (JSON.stringify(apiBody) !== JSON.stringify(bareBody))
    throw new Error('the bare handler answers other JSON than the API');
  await read(`${stack.apiUrl}${path}`, 10);
  await read(`http://127.0.0.1:${barePort}${path}`, 10);

  const rows: string[] = [];
  let ratioAt50 = 0;
  for (const level of LEVELS) {
    const api: Run[] = [];
    const floor: Run[] = [];
    for (let r = 0; r < REPETITIONS; r++) {
      api.push(await read(`${stack.apiUrl}${path}`, level));
      floor.push(await read(`http://127.0.0.1:${barePort}${path}`, level));
    }
    const a = median(api.map((x) => x.perSecond));
    const b = median(floor.map((x) => x.perSecond));
    const p99 = (runs: Run[]) => median(runs.map((x) => percentile(x.latencies, 99)));
    if (level === 50) ratioAt50 = a / b;
    rows.push(
      `| ${level} | ${a.toFixed(0)} | ${p99(api).toFixed(1)} | ${b.toFixed(0)} | ${p99(floor).toFixed(1)} | ${(a / b).toFixed(2)} |`,
    );
    console.log(rows.at(-1));
  }
  const ratios = rows.map((row) => Number(row.split('|').at(-2)));
  const lines = [
    `One competition with ${OFFERS.toLocaleString('en')} offers; read as an officer; ${SECONDS} s per stretch,`,
    `median of ${REPETITIONS} alternating stretches. Bare: node:http calling \`getCompetitionStatus()\` (the route's`,
    `own SQL and view) in its own process, pool of 10, no auth, no routing; it answers the same JSON (checked).`,
    ``,
    `| concurrent readers | API req/s | API p99 ms | bare req/s | bare p99 ms | API / bare |`,
    `|---:|---:|---:|---:|---:|---:|`,
    ...rows,
    ``,
    `Goal (API >= 0.6 of bare): ${ratios.every((r) => r >= 0.6) ? 'met at every level' : 'NOT met at every level'} ` +
      `(at 50 readers ${ratioAt50.toFixed(2)}).`,
    machineLine(),
  ];
  console.log(lines.join('\n'));
  await writeResultsBlock('status-bench', lines);
} finally {
  await bare.stop();
  await stack.close();
}
