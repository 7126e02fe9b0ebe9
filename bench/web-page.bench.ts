import { chromium, type Page } from 'playwright-core';
import { writeResultsBlock } from './results.ts';
import {
  benchTokens,
  companyIds,
  expectCall,
  inBatches,
  machineLine,
  startStack,
  tokenOf,
  launchOnePhase,
} from './stack.ts';

/**
 * The officer's phase page of a competition with 1,000 offers (every offer in its table, rendered on
 * the server from the API's own answers, in process) against the JSON status endpoint, in the same
 * run on the same stack: `npm run bench:web`. Time to first byte and the whole answer over HTTP, and
 * in Chromium the full page load (styles and htmx from the browser's cache after the first visit).
 */

const OFFERS = Number(process.env.BENCH_OFFERS ?? 1_000);
const REPETITIONS = Number(process.env.BENCH_REPETITIONS ?? 30);
const WARM_UP = 5;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

/** Time to the answer's headers and to its last byte, as a client sees them. */
async function timed(url: string, headers: Record<string, string>) {
  const start = performance.now();
  const response = await fetch(url, { headers });
  const firstByte = performance.now() - start;
  const bytes = (await response.arrayBuffer()).byteLength;
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
  return { firstByte, total: performance.now() - start, bytes };
}

async function measure(url: string, headers: Record<string, string>) {
  for (let i = 0; i < WARM_UP; i++) await timed(url, headers);
  const runs = [];
  for (let i = 0; i < REPETITIONS; i++) runs.push(await timed(url, headers));
  return {
    firstByte: median(runs.map((r) => r.firstByte)),
    total: median(runs.map((r) => r.total)),
    bytes: runs[0]!.bytes,
  };
}

/** The officer's session cookie, from the development sign-in form. */
async function signIn(apiUrl: string): Promise<string> {
  const response = await fetch(`${apiUrl}/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { origin: apiUrl, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'id=officer-1&back=%2F',
  });
  const cookie = response.headers.get('set-cookie')?.split(';')[0];
  if (!cookie) throw new Error(`sign-in answered ${response.status} without a session`);
  return cookie;
}

/** Navigation timing in Chromium: first byte and the load event, median of the repetitions. */
async function browserLoads(page: Page, url: string) {
  const runs: { firstByte: number; load: number }[] = [];
  for (let i = 0; i < WARM_UP + REPETITIONS; i++) {
    await page.goto(url, { waitUntil: 'load' });
    const timing = await page.evaluate(
      "(() => { const n = performance.getEntriesByType('navigation')[0]; return { firstByte: n.responseStart - n.startTime, load: n.loadEventEnd - n.startTime }; })()",
    );
    if (i >= WARM_UP) runs.push(timing as { firstByte: number; load: number });
  }
  return { firstByte: median(runs.map((r) => r.firstByte)), load: median(runs.map((r) => r.load)) };
}

async function launchWithOffers(apiUrl: string, companies: string[]): Promise<string> {
  const id = await launchOnePhase(apiUrl, 'Web page benchmark');
  await inBatches(companies, 20, (company) =>
    expectCall(
      apiUrl,
      company,
      'POST',
      `/competitions/${id}/phases/feasibility/offers`,
      { content: 'An offer', requestedAmount: 40_000 },
      201,
    ),
  );
  return id;
}

const companies = companyIds(OFFERS);
const stack = await startStack(benchTokens(companies, []));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  const id = await launchWithOffers(stack.apiUrl, companies);
  const cookie = await signIn(stack.apiUrl);
  const pageUrl = `${stack.apiUrl}/app/competitions/${id}/phases/feasibility`;
  const statusUrl = `${stack.apiUrl}/competitions/${id}`;
  const bearer = { authorization: `Bearer ${tokenOf('officer-1')}` };
  const html = await measure(pageUrl, { cookie });
  const json = await measure(statusUrl, bearer);
  const offersJson = await measure(`${statusUrl}/phases/feasibility/offers`, bearer);
  const context = await browser.newContext();
  await context.addCookies([
    { name: cookie.split('=')[0]!, value: cookie.slice(cookie.indexOf('=') + 1), url: stack.apiUrl },
  ]);
  const loads = await browserLoads(await context.newPage(), pageUrl);
  const row = (what: string, m: { firstByte: number; total: number; bytes: number }) =>
    `| ${what} | ${m.firstByte.toFixed(1)} | ${m.total.toFixed(1)} | ${(m.bytes / 1024).toFixed(0)} |`;
  const lines = [
    `One competition, ${OFFERS.toLocaleString('en')} offers in its first phase; the officer's phase page (every offer in`,
    `its table) against the JSON status endpoint, same stack, same run; one client at a time, median of`,
    `${REPETITIONS} after ${WARM_UP} warm-up requests. \`npm run bench:web\`.`,
    ``,
    `| answer | first byte ms | whole answer ms | KiB |`,
    `|---|---:|---:|---:|`,
    row('officer phase page, HTML (`GET /app/competitions/{id}/phases/feasibility`)', html),
    row('status JSON (`GET /competitions/{id}`)', json),
    row('offers JSON the page reads (`GET …/phases/feasibility/offers`)', offersJson),
    ``,
    `In Chromium (navigation timing, warm cache): first byte ${loads.firstByte.toFixed(1)} ms, load event ${loads.load.toFixed(1)} ms.`,
    `Page / status JSON, first byte: ${(html.firstByte / json.firstByte).toFixed(1)}x.`,
    machineLine(),
  ];
  console.log(lines.join('\n'));
  await writeResultsBlock('web-page-bench', lines);
} finally {
  await browser.close();
  await stack.close();
}
