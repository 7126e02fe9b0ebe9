import { writeResultsBlock } from './results.ts';
import { Competition, templateInMinutes } from './sbir-run.ts';
import {
  benchTokens,
  companyIds,
  expectCall,
  jurorIds,
  machineLine,
  sampleWaits,
  startStack,
} from './stack.ts';

/**
 * Why the jury step of the scale benchmark takes its time: the same jury writes (a conflict
 * declaration and a score sheet per offer and juror, over HTTP) on ONE competition with 7 jurors,
 * and spread over 7 competitions with one juror each, in one run: `npm run bench:jury`. If the
 * writes of one competition take turns, the spread run is faster by about the number of competitions.
 * BENCH_OFFERS sets the offers per competition (default 300).
 */

const OFFERS = Number(process.env.BENCH_OFFERS ?? 300);
const JURORS = 7;
const phase = 'feasibility';
const onePhase = { development: null, commercialisation: null };

const companies = companyIds(OFFERS);
const jury = jurorIds(JURORS);
const stack = await startStack(benchTokens(companies, jury));
try {
  await expectCall(stack.apiUrl, 'officer-1', 'POST', '/templates', templateInMinutes(), 201);
  const launch = (title: string, jurors: string[]) =>
    Competition.launch(stack, title, onePhase, { [phase]: jurors });
  const shared = await launch('One jury of seven', jury);
  const spread = await Promise.all(jury.map((juror) => launch(`The jury of ${juror}`, [juror])));
  const all = [shared, ...spread];
  await Promise.all(all.map((c) => c.waitForPhase(phase, 'questions-open')));
  await Promise.all(all.map((c) => c.offers(phase, companies, 40_000)));
  for (const c of all) await c.closeAndOpen(phase);

  const writes = OFFERS * JURORS * 2;
  const timedScoring = async (work: () => Promise<unknown>) => {
    const start = Date.now();
    const waits = await sampleWaits(stack, work());
    return { perSecond: writes / ((Date.now() - start) / 1000), waits };
  };
  const one = await timedScoring(() => shared.score(phase, jury, false));
  const seven = await timedScoring(() =>
    Promise.all(spread.map((c, i) => c.score(phase, [jury[i]!], false))),
  );
  const lines = [
    `${writes.toLocaleString('en')} jury writes over HTTP (${OFFERS} offers x ${JURORS} jurors x a conflict declaration and a`,
    `score sheet of 5 criteria), each juror 4 offers at a time, all ${JURORS} jurors at once.`,
    ``,
    `| the same writes on | writes/s | the app's Postgres sessions (mean per 20 ms sample, by state / wait event) |`,
    `|---|---:|---|`,
    `| one competition, ${JURORS} jurors | ${one.perSecond.toFixed(0)} | ${one.waits} |`,
    `| ${JURORS} competitions, one juror each | ${seven.perSecond.toFixed(0)} | ${seven.waits} |`,
    ``,
    `Spread / one: ${(seven.perSecond / one.perSecond).toFixed(2)}.`,
    machineLine(),
  ];
  console.log(lines.join('\n'));
  await writeResultsBlock('jury-bench', lines);
} finally {
  await stack.close();
}
