import { expect } from 'vitest';
import { Balanced, Competition, holdTable, request, sleep, type Answer } from './client.ts';
import { companies, Stack, type Api, type Service } from './processes.ts';
import { finalAttempts, phaseWorkflowId, startedActivity } from './temporal.ts';

const QUEUE = 'phasegate';
const REFERENCE_QUEUE = 'phasegate-reference';
const jury = ['juror-1', 'juror-2'];
/** Four companies, one of them under the criteria's minimum: a ranking with winners and a loser. */
const bidders = companies.slice(0, 4);
const scoreOf = (company: string) => ({ [bidders[0]!]: 9, [bidders[1]!]: 8, [bidders[2]!]: 7 })[company] ?? 4;
/** The busy competition's companies: 40, each sending two versions. */
const crowd = companies.slice(100, 140);

/** What happened to one request answered 2xx: it must be in Postgres afterwards, exactly so. */
export interface Answered {
  company: string;
  offerId: string;
  receipt: unknown;
}

export interface ClusterRun {
  stack: Stack;
  reference: Competition;
  /** Its worker killed while the gate was being ranked. */
  ranked: Competition;
  /** Its worker killed while the intended award was being written. */
  awarded: Competition;
  /** Offers and scores through two APIs while one API and one worker were killed and restarted. */
  busy: Competition;
  kills: { during: string; worker: string; attempt: number }[];
  /** Offers answered before the API was killed, requests the dead API cut off or refused, offers answered after. */
  intakeFaults: { answeredBeforeKill: number; cutOff: number; answeredAfterRestart: number };
  offersAnswered: Answered[];
  offerAnswers: Answer[];
  scoresAnswered: { juror: string; offerId: string }[];
  rankAttempts: number[];
  awardAttempts: number[];
}

/**
 * Two API processes and two workers on one Temporal and one Postgres, and a reference pair on its
 * own task queue that nothing disturbs. Four competitions run side by side in minutes.
 */
export async function runCluster(stacks: Stack[]): Promise<ClusterRun> {
  const stack = await Stack.start({ name: 'cluster', workflowDeadlineMs: 5000 });
  stacks.push(stack);
  const [api1, api2, worker1, worker2, referenceApi] = await Promise.all([
    stack.api('api-1', QUEUE),
    stack.api('api-2', QUEUE),
    stack.worker('worker-1', QUEUE),
    stack.worker('worker-2', QUEUE),
    stack.api('api-reference', REFERENCE_QUEUE),
    stack.worker('worker-reference', REFERENCE_QUEUE),
  ]);
  const apis: Api[] = [api1, api2];
  const workers: Service[] = [worker1, worker2];

  const balanced = new Balanced(() => apis.filter((a) => a.alive).map((a) => a.url));
  const call = balanced.call.bind(balanced);
  const direct = (...args: Parameters<typeof call>) => request(referenceApi.url, ...args);
  const sql = stack.owner;
  const title = 'Quiet road surfaces';
  const [reference, ranked, awarded, busy] = await Promise.all([
    Competition.launch(direct, sql, title, jury),
    Competition.launch(call, sql, title, jury),
    Competition.launch(call, sql, title, jury),
    Competition.launch(call, sql, 'Busy intake', jury),
  ]);
  const same = [reference, ranked, awarded];
  await Promise.all([...same, busy].map((c) => c.waitForPhase('submissions-open')));

  const offerAnswers: Answer[] = [];
  const offersAnswered: Answered[] = [];
  const send = async (competition: Competition, company: string, version: number) => {
    const answer = await competition.offer(
      company,
      40_000 + version,
      `${competition.id}-${company}-${version}`,
    );
    offerAnswers.push(answer);
    if (answer.status >= 200 && answer.status < 300)
      offersAnswered.push({ company, offerId: answer.body.offerId, receipt: answer.body.receipt });
  };
  for (const competition of same) for (const company of bidders) await send(competition, company, 0);

  // Intake through both APIs, round after round, while one API process and one worker die and
  // come back; requests cut off by the kill are sent again, with their key, to the API still up.
  let intakeOpen = true;
  const intake = (async () => {
    for (let version = 1; intakeOpen; version++) {
      for (let i = 0; i < crowd.length; i += 8)
        await Promise.all(crowd.slice(i, i + 8).map((company) => send(busy, company, version)));
    }
  })();
  await sleep(1500);
  const answeredBeforeKill = offersAnswered.length;
  await apis[0]!.kill();
  // Counted after the API has been down a while: a cut connection reports a moment after the kill,
  // and a request to the dead API meanwhile is refused and sent again as well.
  await sleep(1000);
  const cutOff = balanced.cutOff;
  apis[0] = await stack.api('api-1-again', QUEUE);
  await workers[0]!.kill();
  await sleep(1000);
  workers[0] = await stack.worker('worker-1-again', QUEUE);
  const answeredBeforeRestart = offersAnswered.length;
  await sleep(1500);
  intakeOpen = false;
  await intake;
  const intakeFaults = {
    answeredBeforeKill,
    cutOff,
    answeredAfterRestart: offersAnswered.length - answeredBeforeRestart,
  };

  await Promise.all([...same, busy].map((c) => c.waitForPhase('evaluation')));
  for (const competition of [...same, busy]) await competition.openOffers();

  const scoresAnswered: { juror: string; offerId: string }[] = [];
  const scoreBusy = Promise.all(jury.map((juror) => busy.score(juror, () => 7, true, scoresAnswered)));
  for (const competition of same) await competition.score('juror-1', scoreOf);
  for (const competition of same) await competition.score('juror-2', scoreOf, false);

  // The reference and the one killed at the intended award reach their gate undisturbed.
  await reference.finish('juror-2');
  await awarded.finish('juror-2');
  await Promise.all([reference.waitForPhase('gate'), awarded.waitForPhase('gate')]);
  expect((await reference.approve()).status).toBe(200);

  // The gate of `ranked` is being ranked, and the intended award of `awarded` written, when their
  // workers die: each activity waits inside its transaction for a table held here.
  const rankHold = holdTable(sql, 'gate_rankings');
  const awardHold = holdTable(sql, 'awards');
  await Promise.all([rankHold.held, awardHold.held]);
  await ranked.finish('juror-2');
  const approving = request(apis[1]!.url, 'officer-1', 'POST', `${awarded.path}/gate/approve`);
  const kills: ClusterRun['kills'] = [];
  const client = stack.temporalClient;
  const rankRunning = await startedActivity(client, phaseWorkflowId(ranked.id), 'rankGate');
  const awardRunning = await startedActivity(client, phaseWorkflowId(awarded.id), 'recordIntendedAward');
  for (const [during, running] of [
    ['rankGate', rankRunning],
    ['recordIntendedAward', awardRunning],
  ] as const) {
    const victim = stack.serviceOfIdentity(running.identity);
    kills.push({ during, worker: victim?.name ?? `gone (${running.identity})`, attempt: running.attempt });
    await victim?.kill();
  }
  for (let i = 0; i < workers.length; i++)
    if (!workers[i]!.alive) workers[i] = await stack.worker(`worker-${i + 1}-replacement`, QUEUE);
  rankHold.release();
  awardHold.release();
  // The officer's first approval outlived its worker; its answer was a 503 or, late, the approval.
  expect([200, 503]).toContain((await approving).status);

  await ranked.waitForPhase('gate', 150_000);
  expect((await ranked.approve()).status).toBe(200);
  await scoreBusy;
  await busy.waitForPhase('gate');
  expect((await busy.approve()).status).toBe(200);
  await Promise.all([...same, busy].map((c) => c.waitForCompetition('completed')));

  return {
    stack,
    reference,
    ranked,
    awarded,
    busy,
    kills,
    intakeFaults,
    offersAnswered,
    offerAnswers,
    scoresAnswered,
    rankAttempts: await finalAttempts(client, phaseWorkflowId(ranked.id), 'rankGate'),
    awardAttempts: await finalAttempts(client, phaseWorkflowId(awarded.id), 'recordIntendedAward'),
  };
}
