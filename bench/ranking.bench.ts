import { cpus, platform, release } from 'node:os';
import type { RankInput, RankInputDraft } from '../domain/scoring.ts';
import { RankInputSchema } from '../domain/scoring.ts';
import { rank, rankParsed } from '../scoring/index.ts';
import { decide } from '../scoring/rank.ts';
import { syntheticCompetition } from './competition.ts';
import { writeResultsBlock } from './results.ts';

const OFFERS = 10_000;
const JURORS = 5;
const CRITERIA = 6;
const WARM_UP = 5;
const REPETITIONS = 15;

function competition(): RankInputDraft {
  return syntheticCompetition({ offers: OFFERS, jurors: JURORS, criteria: CRITERIA, seed: 20_250_401 });
}

/** Keeps the optimiser from discarding work whose result is otherwise unused. */
let sink = 0;

function medianMilliseconds(run: () => void): number {
  for (let i = 0; i < WARM_UP; i++) run();
  const times: number[] = [];
  for (let i = 0; i < REPETITIONS; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1]!;
}

// Through JSON and back, as a rank input arrives from a file, a request or a database row: every
// string its own copy, not one shared instance per offer id.
const draft: RankInputDraft = JSON.parse(JSON.stringify(competition()));
const parsed: RankInput = RankInputSchema.parse(draft);
const scores = parsed.scores;

const barePass = medianMilliseconds(() => {
  let sum = 0;
  for (let i = 0; i < scores.length; i++) sum += scores[i]!.score;
  sink += sum;
});

// A fairer floor than the bare sum: what any ranking must do at least, i.e. look up each score's
// offer by id, add it to that offer's weighted total, and sort the offers.
const groupedPass = medianMilliseconds(() => {
  const index = new Map<string, number>();
  parsed.offers.forEach((offer, i) => index.set(offer.offerId, i));
  const totals = new Float64Array(parsed.offers.length);
  for (const score of scores) totals[index.get(score.offerId)!]! += score.score * 15;
  const order = Array.from(totals.keys()).sort((a, b) => totals[b]! - totals[a]!);
  sink += order[0]!;
});

const decided = medianMilliseconds(() => {
  sink += decide(parsed).selection.budgetUsedCents;
});

const ranked = medianMilliseconds(() => {
  sink += rankParsed(parsed).selection.budgetUsed;
});

const rankedWithValidation = medianMilliseconds(() => {
  sink += rank(draft).selection.budgetUsed;
});

const interpretedValidation = medianMilliseconds(() => {
  sink += RankInputSchema.parse(draft).offers.length;
});

const cpu = cpus()[0]?.model ?? 'unknown CPU';
const lines = [
  `${OFFERS.toLocaleString('en')} offers x ${JURORS} jurors x ${CRITERIA} criteria = ${scores.length.toLocaleString('en')} scores;`,
  `relative price, mean aggregation, spread flag, two tie-break steps, skip-to-fit selection.`,
  `Median of ${REPETITIONS} runs after ${WARM_UP} warm-up runs, \`npx tsx bench/ranking.bench.ts\`.`,
  ``,
  `| measurement | median ms | ratio to bare pass |`,
  `|---|---:|---:|`,
  `| (a) bare pass: sum of all scores in one tight loop | ${barePass.toFixed(2)} | 1.0 |`,
  `| (a') grouped pass: scores summed per offer by id, offers sorted | ${groupedPass.toFixed(2)} | ${(groupedPass / barePass).toFixed(1)} |`,
  `| (b) \`rankParsed()\`: ranking and full explanation, no schema pass | ${ranked.toFixed(2)} | ${(ranked / barePass).toFixed(1)} |`,
  `| of which deciding (ranking, ties, selection) without writing the explanation | ${decided.toFixed(2)} | ${(decided / barePass).toFixed(1)} |`,
  `| (c) \`rank()\`: as (b) plus zod validation (compiled schema) | ${rankedWithValidation.toFixed(2)} | ${(rankedWithValidation / barePass).toFixed(1)} |`,
  `| for reference: \`RankInputSchema.parse()\` alone, zod's interpreter | ${interpretedValidation.toFixed(2)} | ${(interpretedValidation / barePass).toFixed(1)} |`,
  ``,
  `Machine: ${cpu}, ${cpus().length} cores, ${platform()} ${release()}; Node ${process.version}; ${new Date().toISOString().slice(0, 10)}.`,
];
console.log(lines.join('\n'));
if (Number.isNaN(sink)) console.log('unreachable: keeps the measured work alive');

await writeResultsBlock('ranking-bench', lines);
