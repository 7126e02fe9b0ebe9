import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { createApp } from '../../api/app.ts';
import { createWorker } from '../../runtime/worker.ts';
import { CompetitionRun, eventually, expectProblem, F, feasibilityOnly, sbirCriteria } from './drive.ts';
import { DAY, timeSkippingHarness, tokenOf, tokens, workflowBundle, type Harness } from './support.ts';

/**
 * No input and no failing step may stick a competition: bad text is refused at the door, a step
 * that cannot succeed stops the phase visibly until an officer resumes it, a refusal inside an
 * officer action reaches that officer, and no request waits on a workflow for ever. Real Temporal
 * (time-skipping) and real Postgres; faults are made in the test's own database with SQL.
 */
describe('nothing sticks', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await timeSkippingHarness();
  });
  afterAll(async () => h?.close());

  const resume = (run: CompetitionRun, reason: string, as = 'officer-2') =>
    h.call(as, 'POST', `/competitions/${run.id}/phases/${F}/resume`, { reason });
  const diagnostics = (run: CompetitionRun) =>
    h.call('officer-1', 'GET', `/competitions/${run.id}/phases/${F}/diagnostics`);
  const officerNotices = async (run: CompetitionRun, kind: string) =>
    (await h.call('officer-2', 'GET', '/me/notifications')).body.notifications.filter(
      (n: any) => n.competitionId === run.id && n.kind === kind,
    );
  /** A CHECK constraint that refuses one competition's rows only: a fault in this test's database. */
  const injectFault = async (run: CompetitionRun, check: string, table = 'phases') => {
    const name = `fault_${randomBytes(4).toString('hex')}`;
    const competition = table === 'phases' ? 'competition_id' : 'id';
    await h.owner.unsafe(
      `alter table ${table} add constraint ${name} check (${competition} <> '${run.id}' or (${check})) not valid`,
    );
    return { name, remove: () => h.owner.unsafe(`alter table ${table} drop constraint ${name}`) };
  };

  it('a cancel with a NUL byte in its reason is refused with 400 and the competition goes on', async () => {
    const run = await CompetitionRun.sbir(h, { phases: feasibilityOnly() });

    for (const reason of ['The budget\u0000 was withdrawn', 'The budget \ud800 was withdrawn']) {
      const refused = expectProblem(await run.cancel(reason), 400, 'validation-failed');
      expect(refused.detail).toContain('reason');
    }
    await run.settled();
    expect((await run.status()).status).toBe('running');
    expect((await run.audit()).filter((e) => e.action === 'competition.cancelled')).toEqual([]);
    expect((await run.offer('company-01', F, { requestedAmount: 50_000 })).status).toBe(201);
    expect((await run.phase(F)).state).toBe('questions-open');
  });

  it('an extension with a NUL byte in its reason is refused at once, and the deadline stays', async () => {
    const run = await CompetitionRun.sbir(h, { phases: feasibilityOnly() });
    const before = (await run.phase(F)).timeline.submissionsCloseAt;
    const until = new Date(Date.parse(before) + DAY).toISOString();

    const started = Date.now();
    const refused = await run.extend(F, 'submissionsClose', until, 'officer-1', 'More\u0000 time');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(expectProblem(refused, 400, 'validation-failed').detail).toContain('reason');

    await run.settled(F);
    expect((await run.phase(F)).timeline.submissionsCloseAt).toBe(before);
    expect((await diagnostics(run)).body.deadlines.submissionsClose).toBe(before);
    expect((await run.extend(F, 'submissionsClose', until)).status).toBe(200);
  }, 30_000);

  it("an activity that cannot succeed puts the phase in needs-attention, tells the officers, and an officer's resume carries it on", async () => {
    const run = await CompetitionRun.sbir(h, { phases: feasibilityOnly() });
    // The database refuses this phase's move to submissions-open: retrying cannot fix that.
    const fault = await injectFault(run, `state <> 'submissions-open'`);
    await run.advancePast((await run.phase(F)).timeline.questionsCloseAt);

    const stuck = await run.waitForPhase(F, 'needs-attention');
    expect(stuck.attention).toMatchObject({ step: 'movePhase', reason: expect.stringContaining(fault.name) });
    const seenByCompany = await h.call('company-01', 'GET', `/competitions/${run.id}`);
    const companyView = seenByCompany.body.phases.find((p: { key: string }) => p.key === F);
    expect(companyView).toMatchObject({ state: 'needs-attention' });
    expect(companyView.attention).toBeUndefined();
    expect((await run.status()).status).toBe('running');
    const seen = await diagnostics(run);
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({
      state: 'needs-attention',
      attention: { phaseKey: F, step: 'movePhase' },
    });
    expect(seen.body.attention.reason).toContain(fault.name);
    const told = await eventually(
      'the officers to be told',
      () => officerNotices(run, 'phase-needs-attention'),
      (notices) => notices.length === 1,
    );
    expect(told[0].body).toMatchObject({ phase: F, step: 'movePhase' });
    expect(told[0].body.reason).toContain(fault.name);

    // Nothing is written to a phase that waits for an officer, and only an officer resumes it.
    expectProblem(await run.offer('company-01', F, { requestedAmount: 50_000 }), 409, 'phase-closed');
    expectProblem(await resume(run, 'I fixed it', 'company-01'), 403, 'forbidden');

    // A resume before the cause is gone: the step fails again, and the officers hear of it again.
    expect((await resume(run, 'Trying once more')).status).toBe(200);
    await eventually(
      'the second failure to be reported',
      () => officerNotices(run, 'phase-needs-attention'),
      (notices) => notices.length === 2,
    );
    await run.waitForPhase(F, 'needs-attention');

    await fault.remove();
    const resumed = await resume(run, 'The faulty constraint was removed');
    expect(resumed.status, JSON.stringify(resumed.body)).toBe(200);
    expect(resumed.body).toEqual({ resumed: 'movePhase', state: 'questions-open' });
    const open = await run.waitForPhase(F, 'submissions-open');
    expect(open.attention).toBeUndefined();
    expect((await run.offer('company-01', F, { requestedAmount: 50_000 })).status).toBe(201);
    expect((await diagnostics(run)).body.attention).toBeUndefined();

    const audit = await run.audit();
    expect(audit.filter((e) => e.action === 'phase.needs-attention')).toHaveLength(2);
    const resumes = audit.filter((e) => e.action === 'phase.resumed');
    expect(resumes.map((e) => [e.actor, e.data.reason])).toEqual([
      ['officer-2', 'Trying once more'],
      ['officer-2', 'The faulty constraint was removed'],
    ]);
    expectProblem(await resume(run, 'Nothing to resume'), 409, 'refused');
  });

  it("a competition that cannot record its end waits for an officer as well, resumed from the phase's route", async () => {
    const run = await CompetitionRun.sbir(h, { phases: feasibilityOnly() });
    const fault = await injectFault(run, `status <> 'cancelled'`, 'competitions');
    expect((await run.cancel('The buyer withdrew the challenge')).status).toBe(200);

    const stuck = await run.waitForPhase(F, 'needs-attention');
    expect(stuck.attention).toMatchObject({
      step: 'finishCompetition',
      reason: expect.stringContaining(fault.name),
    });
    expect((await run.status()).status).toBe('running');
    await eventually(
      'the officers to be told',
      () => officerNotices(run, 'phase-needs-attention'),
      (notices) => notices.length === 1,
    );

    await fault.remove();
    const resumed = await resume(run, 'The faulty constraint was removed');
    expect(resumed.status, JSON.stringify(resumed.body)).toBe(200);
    expect(resumed.body).toEqual({ resumed: 'finishCompetition', state: 'cancelled' });
    const final = await run.waitForCompetition('cancelled');
    expect(final.outcome).toBe('The buyer withdrew the challenge');
    expect(final.phases[0]).toMatchObject({ key: F, state: 'cancelled' });
  });

  it('an Update that a workflow cannot answer in time gives 503 with Retry-After', async () => {
    const taskQueue = `phasegate-test-stalled-${randomBytes(4).toString('hex')}`;
    const app = createApp({
      sql: h.sql,
      temporal: h.env.client,
      taskQueue,
      tokens,
      keys: h.keys,
      listInTemporalUi: false,
      workflowDeadlineMs: 500,
    });
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await app.request(path, {
        method,
        headers: { authorization: `Bearer ${tokenOf('officer-1')}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, headers: response.headers, body: (await response.json()) as any };
    };
    // A worker runs the competition into its first phase, then stops: nothing answers any more.
    const startWorker = async () => {
      // No sticky cache: what a stopped worker leaves waiting goes to the task queue, not to it.
      const worker = await createWorker({
        connection: h.env.nativeConnection,
        namespace: h.env.namespace ?? 'default',
        taskQueue,
        sql: h.sql,
        keys: h.keys,
        workflowBundle: await workflowBundle(),
        maxCachedWorkflows: 0,
      });
      const running = worker.run();
      return async () => {
        worker.shutdown();
        await running;
      };
    };
    const stopWorker = await startWorker();
    const launched = await call('POST', '/competitions', {
      title: 'Nobody answers',
      buyer: 'Gemeente Utrecht',
      procedure: 'sbir',
      overrides: { phases: feasibilityOnly() },
    });
    expect(launched.status, JSON.stringify(launched.body)).toBe(201);
    const run = new CompetitionRun(h, launched.body.id);
    const { timeline } = await run.waitForPhase(F, 'questions-open');
    await stopWorker();
    // The test server moves its clock only once every task it handed out is done: afterwards a
    // worker answers what was left waiting, so that later tests can skip time again.
    onTestFinished(async () => {
      const stopAgain = await startWorker();
      await run.settled(F);
      await run.settled();
      await stopAgain();
    });

    const until = new Date(Date.parse(timeline.submissionsCloseAt) + DAY).toISOString();
    const waits = {
      cancel: () => call('POST', `/competitions/${run.id}/cancel`, { reason: 'The buyer withdrew' }),
      extension: () =>
        call('POST', `/competitions/${run.id}/phases/${F}/deadlines`, {
          milestone: 'submissionsClose',
          until,
          reason: 'More time',
        }),
      diagnostics: () => call('GET', `/competitions/${run.id}/phases/${F}/diagnostics`),
    };
    for (const [what, wait] of Object.entries(waits)) {
      const started = Date.now();
      const answer = await wait();
      expect(Date.now() - started, what).toBeLessThan(5_000);
      expect(answer.status, `${what}: ${JSON.stringify(answer.body)}`).toBe(503);
      expect(answer.headers.get('content-type')).toBe('application/problem+json');
      expect(answer.body.type).toBe('urn:phasegate:problem:workflow-timeout');
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
    }
  }, 60_000);

  it("an activity's refusal reaches the client with its reason", async () => {
    const run = await CompetitionRun.sbir(h, { phases: feasibilityOnly() });
    const before = (await run.phase(F)).timeline.submissionsCloseAt;
    // The database refuses to move this competition's submission deadline.
    const fault = await injectFault(run, `submissions_close_at <= '${before}'`);
    const until = new Date(Date.parse(before) + DAY).toISOString();

    const refused = expectProblem(await run.extend(F, 'submissionsClose', until), 409, 'refused');
    expect(refused.detail).toContain(fault.name);
    expect(refused.detail).not.toContain('Workflow Update failed');
    expect((await run.phase(F)).timeline.submissionsCloseAt).toBe(before);

    // The refusal hurt nothing: once the cause is gone the same action succeeds.
    await fault.remove();
    expect((await run.extend(F, 'submissionsClose', until)).status).toBe(200);
    expect((await run.phase(F)).state).toBe('questions-open');
  }, 30_000);

  it("an activity's refusal keeps its type: deciding a deliverable that has no award is a 404", async () => {
    const run = await CompetitionRun.sbir(h, {
      phases: feasibilityOnly({ executionMonths: 1 }),
      jurors: { [F]: ['juror-1'] },
    });
    await run.offers(F, ['company-01']);
    await run.closeSubmissions(F);
    await run.scoreToGate(F, ['juror-1'], sbirCriteria, () => 8);
    await run.advancePast((await run.approveGate(F)).standstillEndsAt);
    await run.waitForPhase(F, 'execution');

    const missing = randomUUID();
    const refused = expectProblem(await run.decideDeliverable(F, missing, true), 404, 'not-found');
    expect(refused.detail).toBe(`offer ${missing} has no final award in this phase`);
    expect((await run.phase(F)).state).toBe('execution');
  });
});
