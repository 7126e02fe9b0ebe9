import { afterAll, describe, expect, it } from 'vitest';
import { noticeAudiences } from '../../domain/rules/visibility.ts';
import { normalise, sleep, type Answer, type Competition } from './client.ts';
import { runCluster, type ClusterRun } from './cluster.ts';
import { runOutage, type OutageRun } from './outage.ts';
import { companies, removeWorkflowBundle, type Stack } from './processes.ts';

/**
 * Two installations run side by side, each in real processes, because a phase in minutes still
 * takes four of them: the cluster (items 1 and 6) and the one whose Temporal and Postgres go away
 * (items 2 to 5). Each test reads what its scenario recorded and what Postgres holds afterwards.
 */
const stacks: Stack[] = [];
let cluster: Promise<ClusterRun> | undefined;
let outage: Promise<OutageRun> | undefined;
const clusterRun = () => (cluster ??= runCluster(stacks));
const outageRun = () => (outage ??= runOutage(stacks));

/** The audit log with what differs by design between two runs (times, ids) replaced by names. */
async function comparable(competition: Competition) {
  const names = new Map<string, string>([[competition.id, '<competition>']]);
  for (const offer of await competition.offers()) names.set(offer.id, `offer of ${offer.company_id}`);
  return (await competition.audit()).map((e) => {
    const data = normalise(e.data, names);
    return { actor: e.actor, action: e.action, data };
  });
}

/** Audit entries that say the same thing twice: the same actor, action and data. */
async function repeatedEntries(competition: Competition) {
  const seen = new Map<string, number>();
  for (const entry of await comparable(competition)) {
    const key = JSON.stringify(entry);
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return [...seen].filter(([, n]) => n > 1).map(([entry]) => entry);
}

const awardsOf = async (c: Competition) =>
  (await c.awards()).map(({ company_id, status, rank, amount }) => ({ company_id, status, rank, amount }));

const problemType = (answer: Answer) => String(answer.body?.type).replace('urn:phasegate:problem:', '');

describe.concurrent('faults in real processes: nothing answered is lost, nothing happens twice', () => {
  afterAll(async () => {
    await Promise.all(stacks.map((s) => s.close()));
    await removeWorkflowBundle();
  });

  it('1. a worker killed while the gate is ranked, and one killed while intended awards are written: new workers end both competitions as the undisturbed run does', async () => {
    const run = await clusterRun();
    expect(run.kills.map((k) => [k.during, k.attempt])).toEqual([
      ['rankGate', 1],
      ['recordIntendedAward', 1],
    ]);
    // Each killed attempt left nothing behind; a second attempt, on a worker alive, did the work.
    expect(run.rankAttempts).toEqual([2]);
    expect(run.awardAttempts).toEqual([2]);
    const reference = await comparable(run.reference);
    expect(reference.map((e) => e.action)).toEqual(expect.arrayContaining(['award.intended']));
    expect(await comparable(run.ranked)).toEqual(reference);
    expect(await comparable(run.awarded)).toEqual(reference);
    const awards = await awardsOf(run.reference);
    expect(awards.map((a) => a.status)).toEqual(['final', 'final', 'final']);
    expect(await awardsOf(run.ranked)).toEqual(awards);
    expect(await awardsOf(run.awarded)).toEqual(awards);
  });

  it('6. two API processes and two workers, one of each killed and restarted mid-intake: every offer answered 2xx is stored with its receipt, and nothing else', async () => {
    const run = await clusterRun();
    // Offers were answered before the kill and after the restart, and the kill cut requests off.
    expect(run.intakeFaults.answeredBeforeKill).toBeGreaterThan(0);
    expect(run.intakeFaults.cutOff).toBeGreaterThan(0);
    expect(run.intakeFaults.answeredAfterRestart).toBeGreaterThan(0);
    expect(run.offerAnswers.filter((a) => a.status !== 201)).toEqual([]);
    expect(run.stack.unexpectedErrors()).toEqual([]);
    const competitions = [run.reference, run.ranked, run.awarded, run.busy];
    const stored = (await Promise.all(competitions.map((c) => c.offers()))).flat();
    const byId = new Map(stored.map((o) => [o.id, o]));
    for (const answered of run.offersAnswered) {
      expect(byId.get(answered.offerId)?.receipt, answered.company).toEqual(answered.receipt);
    }
    expect(stored.length).toBe(run.offersAnswered.length);
    // Each of the 40 busy companies sent version after version: the last is the one evaluated.
    const busy = await run.busy.offers();
    expect(busy.filter((o) => o.status === 'active').length).toBe(40);
    const [{ scores }] = (await run.stack.owner`
      select count(distinct (s.juror_id, s.offer_id))::int as scores from scores s
      join offers o on o.id = s.offer_id where o.competition_id = ${run.busy.id}`) as [{ scores: number }];
    expect(scores).toBe(run.scoresAnswered.length);
    expect(await awardsOf(run.busy)).not.toEqual([]);
  });

  it('2. Temporal restarted while the phases wait on their timers (its file kept): the timers fire, and no activity takes effect twice', async () => {
    const run = await outageRun();
    for (const competition of [run.doubled, run.rushed]) {
      const [phase] = await run.stack.owner<Record<string, Date>[]>`
        select questions_close_at, answers_due_at, submissions_close_at from phases
        where competition_id = ${competition.id}`;
      // The server was down with every timer still to fire, and back before the first was due.
      expect(run.temporalDown.until - run.temporalDown.from).toBeGreaterThanOrEqual(3000);
      expect(run.temporalDown.until).toBeLessThan(phase!.questions_close_at!.getTime());
      const audit = await competition.audit();
      const when = (action: string, to?: string) =>
        audit.filter((e) => e.action === action && (to === undefined || e.data.to === to)).map((e) => e.at);
      // Each timer fired once, at its instant or just after (the phase's own steps take a moment).
      const onTime = (at: Date[], due: Date) => {
        expect(at).toHaveLength(1);
        expect(at[0]!.getTime()).toBeGreaterThanOrEqual(due.getTime());
        expect(at[0]!.getTime() - due.getTime()).toBeLessThan(20_000);
      };
      onTime(when('phase.moved', 'submissions-open'), phase!.questions_close_at!);
      onTime(when('answers.published'), phase!.answers_due_at!);
      onTime(when('evaluation.opened'), phase!.submissions_close_at!);
      // What the workflow's own activities write, each once, though Temporal lost its connections.
      const system = (await repeatedEntries(competition)).filter((e) => e.includes('"actor":"system"'));
      expect(system).toEqual([]);
    }
    expect((await run.rushed.phase()).state).toBe('evaluation');
  });

  it('3. Postgres restarted during intake: the API answers 503 problem+json with Retry-After and /readyz says so; the client retrying one Idempotency-Key ends with one offer and one receipt', async () => {
    const run = await outageRun();
    const [first] = run.patientAnswers;
    expect(first!.status).toBe(503);
    expect(first!.contentType).toBe('application/problem+json');
    expect(Number(first!.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(problemType(first!)).toBe('dependency-unavailable');
    expect(run.readyWhileDown.status).toBe(503);
    expect(run.readyWhileDown.contentType).toBe('application/problem+json');
    expect(run.readyAfter.status).toBe(200);
    // No request of any kind got a 500 while Postgres or Temporal was away.
    expect(run.stack.unexpectedErrors()).toEqual([]);
    // Outages only, then the receipt, then the same receipt again for the same key.
    const statuses = run.patientAnswers.map((a) => a.status);
    expect(statuses.slice(-2)).toEqual([201, 201]);
    expect(statuses.slice(0, -2).every((s) => s === 503)).toBe(true);
    const [received, again] = run.patientAnswers.slice(-2);
    expect(again!.body).toEqual(received!.body);
    const stored = (await run.doubled.offers()).filter((o) => o.company_id === companies[3]);
    expect(stored.map((o) => o.id)).toEqual([received!.body.offerId]);
    expect(stored[0]!.receipt).toEqual(received!.body.receipt);
  });

  it('4. 500 offers across the deadline instant: each accepted one has a receipt from before the deadline, each refused one is told it came too late, and Postgres holds exactly the accepted', async () => {
    const run = await outageRun();
    const { deadline, answers } = run.rush;
    expect(answers).toHaveLength(500);
    const accepted = answers.filter((a) => a.status === 201);
    const refused = answers.filter((a) => a.status !== 201);
    console.log(`rush: ${accepted.length} accepted, ${refused.length} refused`);
    expect(accepted.length).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
    for (const answer of accepted) expect(Date.parse(answer.body.receipt.receivedAt)).toBeLessThan(deadline);
    for (const answer of refused) {
      expect(answer.status, JSON.stringify(answer.body)).toBe(409);
      expect(problemType(answer)).toBe('deadline-passed');
    }
    // Nothing sent after the deadline got in.
    for (const answer of accepted) expect(answer.sentAt).toBeLessThan(deadline);
    const stored = await run.rushed.offers();
    expect(stored.map((o) => o.id).sort()).toEqual(accepted.map((a) => a.body.offerId).sort());
  });

  it('5. activities retried after a timeout, signals sent twice, Updates retried: no row, notice or webhook delivery twice', async () => {
    const run = await outageRun();
    expect(run.awardAttempts.length).toBeGreaterThan(0);
    expect(Math.max(...run.awardAttempts)).toBeGreaterThanOrEqual(2);
    expect(run.approvals.map((a) => a.status)).toContain(503);
    expect(
      [...run.openings, ...run.finishes, ...run.approvals].filter((a) => a.status >= 500 && a.status !== 503),
    ).toEqual([]);
    expect(await repeatedEntries(run.doubled)).toEqual([]);
    const audit = await run.doubled.audit();
    expect(audit.filter((e) => e.action === 'award.intended')).toHaveLength(1);
    const notices = await run.doubled.notices();
    const said = notices.map((n) => JSON.stringify([n.recipient, n.kind, n.body]));
    expect(said.length).toBe(new Set(said).size);
    expect((await awardsOf(run.doubled)).map((a) => a.status)).toEqual(['final', 'final', 'final', 'final']);

    const patient = { role: 'company' as const, id: companies[3]! };
    const expected = (
      await run.stack.owner<{ id: string }[]>`
        select id::text as id from notifications
        where recipient in ${run.stack.owner(noticeAudiences(patient))} and tx > ${run.webhookAfterTx}::xid8
        order by tx, id`
    ).map((r) => r.id);
    const until = Date.now() + 60_000;
    while (run.receiver.received.length < expected.length && Date.now() < until) await sleep(250);
    expect(run.receiver.received.every((d) => d.verified)).toBe(true);
    expect(run.receiver.received.map((d) => d.noticeId)).toEqual(expected);
    await run.receiver.stop();
  });
});
