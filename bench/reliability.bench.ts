import { cpus, loadavg, platform, release } from 'node:os';
import type { RankInputDraft } from '../domain/scoring.ts';
import { rank, rankWithReliability } from '../scoring/index.ts';
import { leaveJurorOut } from '../scoring/leave-one-out.ts';
import { decide, parseRankInput } from '../scoring/rank.ts';
import { juryAgreement, reliabilityOf } from '../scoring/reliability.ts';
import { syntheticCompetition } from './competition.ts';
import { writeResultsBlock } from './results.ts';

const OFFERS = 1_000;
const JURORS = 7;
const CRITERIA = 6;
const WARM_UP = 10;
const REPETITIONS = 31;

function competition(): RankInputDraft {
  return syntheticCompetition({ offers: OFFERS, jurors: JURORS, criteria: CRITERIA, seed: 20_261_127 });
}

/** Keeps the optimiser from discarding work whose result is otherwise unused. */
let sink = 0;

/**
 * The measurements run interleaved, one of each per round, so that a busy spell on the machine
 * weighs on all of them alike; each figure is the median of its rounds.
 */
function medians(runs: Record<string, () => void>): Record<string, number> {
  const names = Object.keys(runs);
  for (let i = 0; i < WARM_UP; i++) for (const name of names) runs[name]!();
  const times: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
  for (let i = 0; i < REPETITIONS; i++) {
    for (const name of names) {
      const start = performance.now();
      runs[name]!();
      times[name]!.push(performance.now() - start);
    }
  }
  return Object.fromEntries(
    names.map((name) => [name, times[name]!.sort((a, b) => a - b)[times[name]!.length >> 1]!]),
  );
}

// Through JSON and back, as a rank input arrives from a file, a request or a database row.
const draft: RankInputDraft = JSON.parse(JSON.stringify(competition()));
const findings = decide(parseRankInput(draft));
const report = reliabilityOf(findings);

const ms = medians({
  rank: () => (sink += rank(draft).selection.budgetUsed),
  rankWithReliability: () => (sink += rankWithReliability(draft).ranking.selection.budgetUsed),
  reliability: () => (sink += reliabilityOf(findings).criteria.length),
  alpha: () => (sink += juryAgreement(findings).criteria.length),
  leaveOneOut: () => (sink += leaveJurorOut(findings, 3).criterionMinimums.length),
});

const added = ms.rankWithReliability! - ms.rank!;
const ratio = (value: number) => (value / ms.rank!).toFixed(2);
const row = (what: string, value: number) => `| ${what} | ${value.toFixed(2)} | ${ratio(value)} |`;
const alphas = report.criteria.map((c) => c.alpha!.toFixed(3)).join(', ');
const decisive = report.leaveOneJurorOut.jurors.filter((j) => j.decisive).length;
const goalMet = ms.reliability! <= ms.rank! && added <= ms.rank!;
const cpu = cpus()[0]?.model ?? 'unknown CPU';
const lines = [
  `${OFFERS.toLocaleString('en')} offers x ${JURORS} jurors x ${CRITERIA} criteria = ${(OFFERS * JURORS * CRITERIA).toLocaleString('en')} scores;`,
  `relative price, mean aggregation, minimum 3 per criterion and 50% overall, 50 slots, skip-to-fit.`,
  `Alpha per criterion ${alphas}, overall ${report.overall.alpha!.toFixed(3)}; ${decisive} of ${JURORS} jurors decisive.`,
  `Median of ${REPETITIONS} interleaved rounds after ${WARM_UP} warm-up rounds, \`npm run bench:reliability\`.`,
  ``,
  `| measurement | median ms | ratio to \`rank()\` |`,
  `|---|---:|---:|`,
  row('(r) `rank()`: the ranking itself, zod validation and explanation included', ms.rank!),
  row(
    '(w) `rankWithReliability()`: the same ranking and the reliability report, one pass',
    ms.rankWithReliability!,
  ),
  row('(w) - (r): what the report adds to ranking the gate', added),
  row('(a) `reliabilityOf()` alone, from the ranking’s decision', ms.reliability!),
  row(`of which alpha, ${CRITERIA} criteria and overall`, ms.alpha!),
  row('of which leave-one-juror-out, one juror (x 7 in the report)', ms.leaveOneOut!),
  ``,
  `Goal (the report adds at most the ranking's own time): ${goalMet ? 'met' : 'NOT met'}.`,
  `Machine: ${cpu}, ${cpus().length} cores, ${platform()} ${release()}; Node ${process.version}; load average ${loadavg()[0]!.toFixed(2)}; ${new Date().toISOString().slice(0, 10)}.`,
];
console.log(lines.join('\n'));
if (Number.isNaN(sink)) console.log('unreachable: keeps the measured work alive');

await writeResultsBlock('reliability-bench', lines);
