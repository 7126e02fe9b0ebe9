import { expect } from 'vitest';
import { Competition, holdTable, request, sleep, type Answer } from './client.ts';
import { companies, Stack } from './processes.ts';
import { Receiver } from '../support/webhook-receiver.ts';
import { finalAttempts, phaseWorkflowId } from './temporal.ts';

const QUEUE = 'phasegate';
const jury = ['juror-1', 'juror-2'];
const bidders = companies.slice(0, 3);
/** The company whose offer is sent while Postgres is down, and retried with one Idempotency-Key. */
const patient = companies[3]!;
const rushers = companies.slice(100, 600);

export interface Timed extends Answer {
  sentAt: number;
}

export interface OutageRun {
  stack: Stack;
  /** Temporal restarted under it, Postgres restarted during its intake, its messages sent twice. */
  doubled: Competition;
  /** 500 offers across its submission deadline. */
  rushed: Competition;
  temporalDown: { from: number; until: number };
  postgresDown: { from: number; until: number };
  /** The patient company's answers, first to last, and /readyz while Postgres was down and after. */
  patientAnswers: Answer[];
  readyWhileDown: Answer;
  readyAfter: Answer;
  rush: { deadline: number; answers: (Timed & { company: string })[] };
  approvals: Answer[];
  openings: Answer[];
  finishes: Answer[];
  awardAttempts: number[];
  receiver: Receiver;
  /** The webhook endpoint's starting position in the outbox. */
  webhookAfterTx: string;
}

/** A client that retries an outage after the `Retry-After` it is given, with the same key. */
async function untilAnswered(send: () => Promise<Answer>, answers: Answer[], timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const answer = await send().catch((): Answer => ({
      status: 0,
      body: undefined,
      retryAfter: '1',
      contentType: null,
    }));
    answers.push(answer);
    if (answer.status !== 503 && answer.status !== 0) return answer;
    if (Date.now() > until) throw new Error(`still unanswered: ${JSON.stringify(answers)}`);
    await sleep(Number(answer.retryAfter ?? 1) * 1000);
  }
}

/**
 * 500 companies, one request each, sent one every 6 ms from 2.5 seconds before the deadline to half
 * a second after: most are still in flight, waiting their turn, when the deadline passes.
 */
async function rushAtDeadline(rushed: Competition) {
  const deadline = (await rushed.phase()).submissions_close_at.getTime();
  const start = deadline - 2500;
  await sleep(start - Date.now() - 20);
  const answers = await Promise.all(
    rushers.map(async (company, i) => {
      await sleep(Math.max(0, start + i * 6 - Date.now()));
      const sentAt = Date.now();
      const answer = await rushed.offer(company, 30_000);
      return { ...answer, sentAt, company };
    }),
  );
  return { deadline, answers };
}

/**
 * One API process and one worker on a Temporal server and a Postgres that the test restarts:
 * Temporal while the phases wait on their timers, Postgres while offers come in; then 500 offers at
 * a deadline, and every message an impatient officer or juror can send twice, sent twice.
 */
export async function runOutage(stacks: Stack[]): Promise<OutageRun> {
  const stack = await Stack.start({ name: 'outage', workflowDeadlineMs: 5000 });
  stacks.push(stack);
  const api = await stack.api('api', QUEUE);
  await stack.worker('worker', QUEUE);
  const call = (as: string, method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    request(api.url, as, method, path, body, headers);
  const sql = stack.owner;

  const receiver = new Receiver();
  await receiver.start();
  const registered = await call(patient, 'POST', '/me/webhooks', { url: receiver.url, eventTypes: ['*'] });
  expect(registered.status, JSON.stringify(registered.body)).toBe(201);
  receiver.secret = registered.body.secret;
  const [endpoint] = await sql<{ tx: string }[]>`
    select after_tx::text as tx from webhook_endpoints where id = ${registered.body.id}`;

  const [doubled, rushed] = await Promise.all([
    Competition.launch(call, sql, 'Quiet road surfaces', jury),
    Competition.launch(call, sql, 'Deadline rush', jury),
  ]);

  // Temporal goes away while both phases wait for their first timer, and comes back with its file.
  await sleep(10_000);
  const temporalDown = { from: Date.now(), until: 0 };
  await stack.stopTemporal();
  await sleep(3000);
  await stack.startTemporal();
  temporalDown.until = Date.now();

  await Promise.all([doubled, rushed].map((c) => c.waitForPhase('submissions-open')));
  for (const company of bidders) expect((await doubled.offer(company, 40_000)).status).toBe(201);

  // Postgres goes away during intake; the patient company's client retries with one key.
  const postgresDown = { from: Date.now(), until: 0 };
  await stack.stopPostgres();
  const patientAnswers: Answer[] = [];
  const sendPatiently = () => doubled.offer(patient, 45_000, 'patient-offer-0001');
  const first = await sendPatiently();
  patientAnswers.push(first);
  const readyWhileDown = await request(api.url, 'officer-1', 'GET', '/readyz');
  const restart = sleep(3000).then(async () => {
    await stack.startPostgres();
    postgresDown.until = Date.now();
  });
  await untilAnswered(sendPatiently, patientAnswers);
  await restart;
  patientAnswers.push(await sendPatiently());
  const readyAfter = await request(api.url, 'officer-1', 'GET', '/readyz');

  const rush = await rushAtDeadline(rushed);

  // Every message an impatient person sends twice, sent twice at once.
  await doubled.waitForPhase('evaluation');
  const openings: Answer[] = [];
  for (const officer of ['officer-1', 'officer-2']) {
    const opening = () => call(officer, 'POST', `${doubled.path}/opening`);
    openings.push(...(await Promise.all([opening(), opening()])));
  }
  const finishes: Answer[] = [];
  for (const juror of jury) {
    await doubled.score(juror, () => 8, false);
    const finish = () => call(juror, 'POST', `${doubled.path}/jury/finish`);
    finishes.push(...(await Promise.all([finish(), finish()])));
  }
  await doubled.waitForPhase('gate');

  // The intended award takes longer than its activity's minute: Temporal retries it while the first
  // attempt still waits, and the officer's client, told 503, sends the approval again and again.
  const hold = holdTable(sql, 'awards');
  await hold.held;
  const approvals: Answer[] = [];
  const approving = untilAnswered(() => doubled.approve(), approvals, 120_000);
  await sleep(70_000);
  hold.release();
  await approving;
  await doubled.waitForCompetition('completed');
  await rushed.waitForPhase('evaluation');

  return {
    stack,
    doubled,
    rushed,
    temporalDown,
    postgresDown,
    patientAnswers,
    readyWhileDown,
    readyAfter,
    rush,
    approvals,
    openings,
    finishes,
    awardAttempts: await finalAttempts(
      stack.temporalClient,
      phaseWorkflowId(doubled.id),
      'recordIntendedAward',
    ),
    receiver,
    webhookAfterTx: endpoint!.tx,
  };
}
