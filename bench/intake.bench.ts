import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { submitOffer } from '../db/offers.ts';
import { seal, sha256, signReceipt } from '../db/sealing.ts';
import { generateKeys } from '../runtime/keys.ts';
import { sendRequest } from './http-client.ts';
import { cpuSeconds, selfTimeByPlace } from './profile.ts';
import { writeResultsBlock } from './results.ts';
import {
  benchTokens,
  companyIds,
  freePort,
  machineLine,
  percentile,
  sampleWaits,
  service,
  startStack,
  until,
  type Stack,
  launchOnePhase,
} from './stack.ts';

/**
 * Offer intake through the real API (HTTP, bearer tokens, the API and worker as their own processes)
 * against raw INSERTs of the same rows through the same driver, pool and durability, side by side in
 * one run: `npm run bench:intake`. BENCH_OFFERS scales the offers per level (default 2,000).
 */

const LEVELS = [1, 10, 50, 200];
const OFFERS = Number(process.env.BENCH_OFFERS ?? 2_000);
const REPETITIONS = Number(process.env.BENCH_REPETITIONS ?? 5);
const CONTENT = 'Quiet road surfaces from recycled tyres: approach, team, plan and budget. '.repeat(28);
const PHASE = 'feasibility';

interface Run {
  perSecond: number;
  latencies: number[];
}

/** `clients` companies at once, each sending its offers one after the other; `send` is one offer. */
async function drive(clients: number, total: number, send: (client: number) => Promise<void>): Promise<Run> {
  const latencies: number[] = [];
  const perClient = Math.ceil(total / clients);
  const start = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let i = 0; i < perClient; i++) {
        const sent = performance.now();
        await send(client);
        latencies.push(performance.now() - sent);
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  return { perSecond: latencies.length / seconds, latencies: latencies.sort((a, b) => a - b) };
}

const OFFER_BODY = JSON.stringify({ content: CONTENT, requestedAmount: 40_000 });

/** One offer over HTTP to `url`, which must answer 201. */
async function post(url: string, headers: Record<string, string> = {}) {
  const reply = await sendRequest(
    url,
    'POST',
    { 'content-type': 'application/json', ...headers },
    OFFER_BODY,
  );
  if (reply.status !== 201)
    throw new Error(`${url} answered ${reply.status}: ${reply.body.toString('utf8')}`);
}

/** The API's way in: one offer over HTTP, answered 201 with a signed receipt; client n is company n. */
function httpOffer(stack: Stack, competitionId: string, companies: readonly string[]) {
  const url = `${stack.apiUrl}/competitions/${competitionId}/phases/${PHASE}/offers`;
  return (client: number) =>
    post(url, { authorization: `Bearer bench-token-${companies[client]}-0000000000` });
}

/** Companies that each send one offer, their first: the same rows as raw's. */
const FIRST_OFFERS = (OFFERS / 2 + 3 * OFFERS) * REPETITIONS + 200;
const firstCompanies = Array.from({ length: FIRST_OFFERS }, (_, i) => `first-${i + 1}`);
let firstSent = 0;

/** The API's way in for companies' first offers: each offer comes from the next company. */
function httpFirstOffer(stack: Stack, competitionId: string) {
  const url = `${stack.apiUrl}/competitions/${competitionId}/phases/${PHASE}/offers`;
  return () => post(url, { authorization: `Bearer bench-token-${firstCompanies[firstSent++]}-0000000000` });
}

/**
 * The floor: the same row (sealed 2 KB content, signed receipt, same columns) written by one INSERT,
 * its own transaction with synchronous commit, through `postgres` with the API's pool of 10. The
 * sealing and signing are done here too, so the floor pays the same crypto as the API.
 */
function rawInsert(stack: Stack, competitionId: string, level: number, repetition: number) {
  const keys = generateKeys();
  const content = Buffer.from(CONTENT, 'utf8');
  let sent = 0;
  // One company per row: the partial unique index allows one active offer per company.
  return async () => {
    const offerId = randomUUID();
    const company = `raw-${repetition}-${level}-${++sent}`;
    const version = 1;
    const receipt = signReceipt(
      keys,
      {
        offerId,
        competitionId,
        phase: PHASE,
        company,
        version,
        receivedAt: new Date().toISOString(),
        sha256: sha256(content),
        requestedAmount: 40_000,
        price: null,
        priceEnvelopeSha256: null,
      },
      null,
    );
    await stack.sql`
      insert into offers (id, competition_id, phase_key, company_id, version, price, sealed_price, requested_amount,
                          sealed_content, content_sha256, receipt, submitted_at)
      values (${offerId}, ${competitionId}, ${PHASE}, ${company}, ${version}, ${null}, ${null}, ${40_000},
              ${seal(keys, content, offerId)}, ${receipt.sha256}, ${stack.sql.json(receipt as never)}, ${new Date()})`;
  };
}

const median = (values: number[]) => values.sort((a, b) => a - b)[values.length >> 1]!;

interface Measured extends Run {
  /** CPU per offer, ms: the process that handles the request (API or this one), and Postgres. */
  clientCpuMs: number;
  postgresCpuMs: number;
}

/** A stretch of `drive`, with the CPU that the handling process and the app's Postgres sessions used. */
async function measured(stack: Stack, clientPid: number, work: () => Promise<Run>): Promise<Measured> {
  const backends = async () =>
    (
      await stack.owner<{ pid: number }[]>`select pid from pg_stat_activity where usename = 'phasegate_app'`
    ).map((row) => row.pid);
  const pids = await backends();
  const postgresBefore = pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
  const clientBefore = cpuSeconds(clientPid);
  const run = await work();
  const postgres = pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0) - postgresBefore;
  const offers = run.latencies.length;
  return {
    ...run,
    clientCpuMs: ((cpuSeconds(clientPid) - clientBefore) * 1000) / offers,
    postgresCpuMs: (postgres * 1000) / offers,
  };
}

/** `submitOffer()` called in this process, without HTTP, to count the statements one offer sends. */
function directOffers(url: string) {
  let statements = 0;
  const sql = postgres(url, { max: 10, onnotice: () => undefined, debug: () => statements++ });
  const keys = generateKeys();
  return {
    sql,
    statements: () => statements,
    send: (competitionId: string, tag: string) => (client: number) =>
      submitOffer(sql, keys, {
        competitionId,
        phaseKey: PHASE,
        companyId: `direct-${tag}-${client}`,
        content: CONTENT,
        requestedAmount: 40_000,
      }).then(() => undefined),
  };
}

interface ProfileFrames {
  nodes: { id: number; callFrame: { functionName: string; url: string }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

/** The caller that a native socket write is for: the Postgres driver or the HTTP response. */
const WRITERS: [string, RegExp][] = [
  ['postgres', /node_modules\/postgres\//],
  ['HTTP response', /node:_http_|@hono\/node-server/],
];

/** Time in native socket writes (writeBuffer, writev) by the caller they write for, ms per offer. */
function socketWritesByCaller(profile: ProfileFrames, offers: number): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const writerOf = (id: number | undefined): string => {
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const found = WRITERS.find(([, url]) => url.test(byId.get(at)!.callFrame.url));
      if (found) return found[0];
    }
    return 'other';
  };
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)!.callFrame;
    if (frame.url || !['writeBuffer', 'writev'].includes(frame.functionName)) return;
    const writer = writerOf(id);
    totals.set(writer, (totals.get(writer) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .map(([writer, ms]) => `${writer} ${(ms / offers).toFixed(3)} ms`)
    .join(', ');
}

/** Runs the API at 50 clients under V8's CPU profiler (bench/profile-on-signal.mjs): self time by place. */
async function profileAt50(stack: Stack, competitionId: string, companies: readonly string[]) {
  stack.api.child.kill('SIGUSR2');
  await new Promise((r) => setTimeout(r, 200));
  await drive(50, OFFERS, httpOffer(stack, competitionId, companies));
  stack.api.child.kill('SIGUSR2');
  await until('profile written', async () => existsSync(PROFILE_FILE), Boolean, 30_000);
  await new Promise((r) => setTimeout(r, 500));
  const profile = JSON.parse(readFileSync(PROFILE_FILE, 'utf8'));
  const perOffer = (ms: number) => (ms / OFFERS).toFixed(3);
  const places = selfTimeByPlace(profile)
    .slice(0, 12)
    .map((p) => `${p.place} ${perOffer(p.ms)} ms (${(p.share * 100).toFixed(0)}%)`)
    .join(', ');
  return { places, socketWrites: socketWritesByCaller(profile, OFFERS) };
}

interface Way {
  name: string;
  /** The process that handles the offer, whose CPU is counted. */
  pid: number;
  send: (level: number, repetition: number) => (client: number) => Promise<void>;
}

/** The ways an offer is measured, side by side: the API, the bare HTTP floor, raw last. */
function waysIn(competitionId: string): Way[] {
  const bareUrl = `http://127.0.0.1:${barePort}`;
  return [
    {
      name: 'API, first offers',
      pid: stack.api.child.pid!,
      send: () => httpFirstOffer(stack, competitionId),
    },
    {
      name: 'API, new versions',
      pid: stack.api.child.pid!,
      send: () => httpOffer(stack, competitionId, companies),
    },
    { name: 'bare HTTP, no database', pid: bare.child.pid!, send: () => () => post(bareUrl) },
    {
      name: 'raw INSERT',
      pid: process.pid,
      send: (level, r) => rawInsert(stack, competitionId, level, r),
    },
  ];
}

const PROFILE_FILE = join(tmpdir(), `phasegate-intake-${process.pid}.cpuprofile`);
const companies = companyIds(Math.max(...LEVELS));
const stack = await startStack(benchTokens([...companies, ...firstCompanies], []), {
  nodeArgs: ['--import', './bench/profile-on-signal.mjs'],
  env: { BENCH_PROFILE_FILE: PROFILE_FILE },
});
const direct = directOffers(stack.env.DATABASE_URL!);
const barePort = await freePort();
const bare = await service('bench/bare-http.ts', { PORT: String(barePort) }, /bare http on/);
try {
  const competitionId = await launchOnePhase(stack.apiUrl, 'Intake benchmark');
  // Warm every way in (JIT, connections, the first prepared statements).
  for (const way of waysIn(competitionId)) await drive(10, 200, way.send(0, 0));
  const counted = direct.statements();
  await drive(1, 20, direct.send(competitionId, 'count'));
  const statementsPerOffer = (direct.statements() - counted) / 20;

  const ways = waysIn(competitionId);
  const rows: string[] = [];
  const cpuRows: string[] = [];
  let ratioAt50 = 0;
  let p99At50 = 0;
  let versionsAt50 = '';
  for (const level of LEVELS) {
    const total = level === 1 ? OFFERS / 2 : OFFERS;
    const runs = ways.map(() => [] as Measured[]);
    for (let r = 1; r <= REPETITIONS; r++) {
      for (const [w, way] of ways.entries()) {
        runs[w]!.push(await measured(stack, way.pid, () => drive(level, total, way.send(level, r))));
      }
    }
    const rate = (w: number) => median(runs[w]!.map((x) => x.perSecond));
    const p = (w: number, q: number) => median(runs[w]!.map((x) => percentile(x.latencies, q)));
    const cpu = (w: number) =>
      `${median(runs[w]!.map((x) => x.clientCpuMs)).toFixed(2)} / ${median(runs[w]!.map((x) => x.postgresCpuMs)).toFixed(2)}`;
    const raw = rate(ways.length - 1);
    if (level === 50) {
      ratioAt50 = rate(0) / raw;
      p99At50 = p(0, 99);
      versionsAt50 = `new versions: ${(rate(1) / raw).toFixed(2)} of raw, p99 ${p(1, 99).toFixed(1)} ms`;
    }
    const cells = ways.map(
      (_, w) =>
        `${rate(w).toFixed(0)} (${(rate(w) / raw).toFixed(2)}), ${p(w, 50).toFixed(1)} / ${p(w, 99).toFixed(1)}`,
    );
    rows.push(`| ${level} | ${cells.join(' | ')} |`);
    cpuRows.push(`| ${level} | ${ways.map((_, w) => cpu(w)).join(' | ')} |`);
    console.log(rows.at(-1), cpuRows.at(-1));
  }

  const waitsAt50 = await sampleWaits(stack, drive(50, OFFERS, httpOffer(stack, competitionId, companies)));
  const profile = await profileAt50(stack, competitionId, companies);
  const met = ratioAt50 >= 0.4 && p99At50 < 50;
  const lines = [
    `${OFFERS.toLocaleString('en')} offers of ${(CONTENT.length / 1024).toFixed(1)} KiB per level (half at 1 client), ` +
      `one \`sbir\` feasibility phase, no Idempotency-Key; median of ${REPETITIONS} interleaved repetitions.`,
    `API, first offers: each offer is a company's first, as each raw row is. API, new versions: each client is one`,
    `company sending offer after offer, each a new version superseding its last (an UPDATE more than raw).`,
    `API: HTTP to the API process, bearer token. Bare HTTP: a node:http handler in its own process (bench/bare-http.ts)`,
    `that reads and parses the same body and answers 201 at once: no routing, authentication, validation or database.`,
    `Raw: the same row (sealed content, signed receipt) by one INSERT per transaction through \`postgres\`,`,
    `pool of 10 as the API's, synchronous commit (the server default), sealing and signing included.`,
    `Each cell: offers per second (its ratio to raw), p50 / p99 ms.`,
    ``,
    `| concurrent companies | ${ways.map((w) => w.name).join(' | ')} |`,
    `|---:|${ways.map(() => '---:|').join('')}`,
    ...rows,
    ``,
    `Goal (at 50 clients, API >= 0.4 of raw and p99 < 50 ms, on the same rows as raw's: first offers): ` +
      `${met ? 'met' : 'NOT met'} (${ratioAt50.toFixed(2)} of raw, p99 ${p99At50.toFixed(1)} ms; ${versionsAt50}).`,
    ``,
    `CPU per offer, ms (the process that handles it / the app's Postgres sessions; the API or bare process, the bench process for raw):`,
    ``,
    `| concurrent companies | ${ways.map((w) => w.name).join(' | ')} |`,
    `|---:|${ways.map(() => '---:|').join('')}`,
    ...cpuRows,
    ``,
    `Statements per submission (postgres.js debug hook, \`submitOffer()\`): ${statementsPerOffer.toFixed(1)}; raw: 1.`,
    `API sessions sampled every 20 ms at 50 clients (mean sessions per sample, by state / wait event; ` +
      `\`idle in transaction / Client:ClientRead\` is a transaction waiting for the API's next statement): ${waitsAt50}.`,
    `API self time per offer at 50 clients (V8 CPU profile, by package or project folder): ${profile.places}.`,
    `Of which native socket writes, by whom they write for: ${profile.socketWrites}.`,
    machineLine(),
  ];
  console.log(lines.join('\n'));
  await writeResultsBlock('intake-bench', lines);
} finally {
  await direct.sql.end({ timeout: 5 });
  await bare.stop();
  await stack.close();
  rmSync(PROFILE_FILE, { force: true });
}
