import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, DefaultLogger, Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompetitionRun, enrolCompanies, F, feasibilityOnly, sbirCriteria } from './drive.ts';
import { DAY, companies, timeSkippingHarness, workflowBundle, type Harness } from './support.ts';

/**
 * The workflow history is the engine's scaling limit and its compatibility contract: it must not
 * grow with the number of offers (offers and scores live in Postgres), and a history recorded by an
 * earlier version of the code must replay on the current one.
 *
 * Record the fixtures (once, or again after a deliberate, versioned change of the workflows):
 *   RECORD_HISTORIES=1 npx vitest run --project integration tests/integration/workflow-history.test.ts
 */
const RECORD = process.env.RECORD_HISTORIES === '1';
/** Histories of later code are recorded beside the earlier ones, named after the patch that made them differ. */
const GENERATION = process.env.HISTORY_GENERATION ? `${process.env.HISTORY_GENERATION}.` : '';
const FIXTURES = fileURLToPath(new URL('../fixtures/histories/', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const criteria = sbirCriteria;
/** Scores from 6 to 9 by company number: every offer passes the thresholds, the lot breaks ties. */
const scoreOf = (company: string) => 9 - (Number(company.slice(-3).replace(/\D/g, '')) % 4);

/**
 * Histories as the standard proto3 JSON that `temporal workflow show --output json` writes. Not
 * with @temporalio/common's historyToJSON/historyFromJSON: in this install @temporalio/common and
 * @temporalio/proto each carry their own copy of protobufjs 8, so those throw "type must be a Type".
 * The same conversion, with the protobufjs that @temporalio/proto itself loads, works.
 */
const fromHere = createRequire(import.meta.url);
const proto = fromHere('@temporalio/proto');
const protojson = createRequire(fromHere.resolve('@temporalio/proto'))('protobufjs/ext/protojson');
const historyType = fromHere('@temporalio/proto/lib/patch-protobuf-root')
  .patchProtobufRoot(proto)
  .lookupType('temporal.api.history.v1.History');
const historyToJSON = (history: unknown): string =>
  JSON.stringify(
    protojson.toJson(historyType, proto.temporal.api.history.v1.History.fromObject(history)),
    null,
    2,
  );
const historyFromJSON = (json: unknown) =>
  protojson.fromJson(historyType, json, { ignoreUnknownFields: true });

/** A copy of a JSON history without some events, renumbered, with every event reference remapped. */
function withoutEvents(history: { events: any[] }, drop: (event: any) => boolean) {
  const kept = history.events.filter((e) => !drop(e));
  const renumber = new Map(kept.map((e, i) => [String(e.eventId), String(i + 1)]));
  const remap = (value: any): any => {
    if (Array.isArray(value)) return value.map(remap);
    if (typeof value !== 'object' || value === null) return value;
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        k.endsWith('EventId') && typeof v === 'string' ? (renumber.get(v) ?? v) : remap(v),
      ]),
    );
  };
  return { ...history, events: kept.map((e) => ({ ...remap(e), eventId: renumber.get(String(e.eventId)) })) };
}

const fixtureFiles = () => readdirSync(FIXTURES).filter((f) => f.endsWith('.json'));
const readFixture = (file: string) => JSON.parse(readFileSync(`${FIXTURES}${file}`, 'utf8'));

describe('workflow histories', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await timeSkippingHarness();
  });
  afterAll(async () => h?.close());

  /** Writes the histories of a finished competition and of each of its phases as fixtures. */
  async function record(scenario: string, run: CompetitionRun, phases: readonly string[]) {
    mkdirSync(FIXTURES, { recursive: true });
    const write = async (name: string, phase?: string) =>
      writeFileSync(
        `${FIXTURES}${GENERATION}${scenario}.${name}.json`,
        `${historyToJSON(await run.history(phase))}\n`,
      );
    await write('competition');
    for (const phase of phases) await write(`phase-${phase}`, phase);
  }

  /** One phase, one juror who scores every offer, the gate approved, the standstill passed. */
  async function onePhaseWith(entrants: readonly string[]) {
    const run = await CompetitionRun.sbir(h, {
      title: `${entrants.length} offers`,
      phases: feasibilityOnly(),
      jurors: { [F]: ['juror-1'] },
    });
    await run.offers(F, entrants, 50_000, 8);
    await run.closeSubmissions(F);
    await run.juryScores(F, ['juror-1'], criteria, scoreOf, 8);
    await run.waitForPhase(F, 'gate');
    await run.approveAndAward(F);
    await run.waitForCompetition('completed');
    expect(await run.awards(F)).toHaveLength(5);
    return run;
  }

  it('the number of history events of a phase is the same for 10 and for 500 offers', async () => {
    const small = await onePhaseWith(companies.slice(0, 10));
    const large = await onePhaseWith(enrolCompanies(500));
    expect((await large.phase(F)).counts).toMatchObject({ offers: 500, scores: 500 * criteria.length });

    const eventTypes = async (run: CompetitionRun, phase?: string) =>
      ((await run.history(phase)).events ?? []).map((e) => e.eventType);
    const [smallPhase, largePhase] = [await eventTypes(small, F), await eventTypes(large, F)];
    expect(smallPhase.length).toBeGreaterThan(20);
    expect(largePhase.length).toBe(smallPhase.length);
    expect(largePhase).toEqual(smallPhase);
    const [smallParent, largeParent] = [await eventTypes(small), await eventTypes(large)];
    expect(largeParent.length).toBe(smallParent.length);
    expect(largeParent).toEqual(smallParent);

    if (RECORD) await record('one-phase-10-offers', small, [F]);
  });

  it.runIf(RECORD)(
    'records a two-phase history with extensions, objections, a withdrawal and deliverables',
    async () => {
      const jury = ['juror-1', 'juror-2'];
      const run = await CompetitionRun.sbir(h, {
        title: 'Every officer action',
        phases: {
          commercialisation: null,
          feasibility: { executionMonths: 6, gate: { awardSlots: 2 } },
          development: { executionMonths: 0, gate: { awardSlots: 1 } },
        },
        jurors: { feasibility: jury, development: jury },
      });
      const { timeline } = await run.phase(F);
      expect(
        (
          await run.extend(
            F,
            'submissionsClose',
            new Date(Date.parse(timeline.submissionsCloseAt) + 3 * DAY).toISOString(),
          )
        ).status,
      ).toBe(200);
      const asked = await run.ask('company-01', F, 'Is a pilot site provided?');
      expect((await run.answer(F, asked.body.questionId, 'Yes, in Utrecht.')).status).toBe(200);
      const offerIds = await run.offers(F, companies.slice(0, 4));
      await run.closeSubmissions(F);
      await run.scoreToGate(F, jury, criteria, scoreOf);

      // Round 1 approved, an objection upheld: evaluation again.
      await run.approveGate(F);
      const upheld = await run.object('company-04', F);
      expect(
        (await run.decideObjection(F, upheld.body.objectionId, { upheld: true, reopen: 'evaluation' }))
          .status,
      ).toBe(200);
      await run.waitForPhase(F, 'evaluation');
      await run.scoreToGate(F, jury, criteria, scoreOf);

      // Round 2 approved; a winner withdraws and the next moves up; a rejected objection.
      const { standstillEndsAt } = await run.approveGate(F);
      expect((await run.withdraw('company-01', F, offerIds['company-01']!)).status).toBe(200);
      const rejected = await run.object('company-04', F);
      expect((await run.decideObjection(F, rejected.body.objectionId, { upheld: false })).status).toBe(200);
      await run.advancePast(standstillEndsAt);
      await run.waitForPhase(F, 'execution');
      for (const award of (await run.awards(F)).filter((a) => a.status === 'final')) {
        expect((await run.decideDeliverable(F, award.offer_id, true)).status).toBe(200);
      }
      await run.waitForPhase('development', 'questions-open');

      await run.offers('development', ['company-02'], 200_000);
      await run.closeSubmissions('development');
      await run.scoreToGate('development', jury, criteria, scoreOf);
      await run.approveAndAward('development');
      await run.waitForCompetition('completed');
      await record('two-phases-every-action', run, [F, 'development']);
    },
  );

  it.runIf(RECORD)('records a history of a competition cancelled in its first phase', async () => {
    const run = await CompetitionRun.sbir(h, { title: 'Cancelled early', jurors: { [F]: ['juror-1'] } });
    await run.offers(F, ['company-01']);
    expect((await run.cancel('The buyer withdrew the challenge')).status).toBe(200);
    await run.waitForCompetition('cancelled');
    await run.settled();
    await record('cancelled', run, [F]);
  });

  it('every recorded history replays on the current workflow code without a non-determinism error', async () => {
    const files = fixtureFiles();
    expect(files.length).toBeGreaterThanOrEqual(2);
    const replays = Worker.runReplayHistories(
      { workflowBundle: await workflowBundle() },
      files.map((file) => ({ workflowId: file, history: historyFromJSON(readFixture(file)) })),
    );
    const failures: string[] = [];
    for await (const result of replays) {
      if (result.error) failures.push(`${result.workflowId}: ${result.error.name}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
  });

  it('replay catches a history the workflow code would not produce', async () => {
    // Stand-in for a non-deterministic code change (workflows/ may not be edited from here): the
    // recorded history says the phase first scheduled an activity the code does not schedule.
    const json = readFixture('one-phase-10-offers.phase-feasibility.json');
    const scheduled = json.events.find((e: any) => e.activityTaskScheduledEventAttributes);
    expect(scheduled.activityTaskScheduledEventAttributes.activityType.name).toBe('openPhase');
    scheduled.activityTaskScheduledEventAttributes.activityType.name = 'publishPhase';

    await expect(
      Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, historyFromJSON(json)),
    ).rejects.toThrow(DeterminismViolationError);
  });

  it('replay catches a history with a step the workflow code does not take', async () => {
    // The recorded phase moved to submissions-open with an activity; the history now lacks it.
    const json = readFixture('one-phase-10-offers.phase-feasibility.json');
    const scheduled = json.events.find(
      (e: any) => e.activityTaskScheduledEventAttributes?.activityType.name === 'movePhase',
    );
    expect(scheduled).toBeDefined();
    const dropped = withoutEvents(json, (e) =>
      [
        e.eventId,
        e.activityTaskStartedEventAttributes?.scheduledEventId,
        e.activityTaskCompletedEventAttributes?.scheduledEventId,
      ].includes(scheduled.eventId),
    );
    expect(dropped.events).toHaveLength(json.events.length - 3);

    await expect(
      Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, historyFromJSON(dropped)),
    ).rejects.toThrow(DeterminismViolationError);
  });

  it('replay catches a non-deterministic change to the phase workflow code', async () => {
    // A copy of the workflow code (workflows/ itself is not touched) in which somebody added a step:
    // the answers are published once more before the phase moves to submissions-open.
    const copy = mkdtempSync(join(tmpdir(), 'phasegate-changed-workflows-'));
    try {
      for (const dir of ['domain', 'workflows', 'activities', 'db', 'scoring']) {
        cpSync(join(ROOT, dir), join(copy, dir), { recursive: true });
      }
      symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
      const phaseFile = join(copy, 'workflows', 'phase.ts');
      const code = readFileSync(phaseFile, 'utf8');
      const step = "await this.move('submissions-open');";
      expect(code).toContain(step);
      writeFileSync(
        phaseFile,
        code.replace(step, `await acts.publishAnswers({ ...this.ref, at: now() });\n    ${step}`),
      );
      const changed = await bundleWorkflowCode({
        workflowsPath: join(copy, 'workflows', 'index.ts'),
        logger: new DefaultLogger('WARN'),
      });

      const history = historyFromJSON(readFixture('one-phase-10-offers.phase-feasibility.json'));
      await expect(Worker.runReplayHistory({ workflowBundle: changed }, history)).rejects.toThrow(
        DeterminismViolationError,
      );
      // The unchanged code replays the same history.
      await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
