import { randomBytes } from 'node:crypto';
import { WorkflowUpdateStage, type WorkflowHandle } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import type { PhaseState } from '../../domain/competition.ts';
import { ANY_LIVE_STATE, LIVE_STATES, PHASE_TRANSITIONS } from '../../domain/phase-machine.ts';
import type { PhaseTemplate } from '../../domain/template.ts';
import {
  act,
  diagnostics,
  HOUR,
  reach as reachIn,
  sbir,
  taskQueue,
  workflowEnvironment,
} from './environment.ts';
import type { Script } from './stand-ins.ts';

/**
 * The phase workflow alone, on the time-skipping test server, with stand-in activities: every move
 * of the state machine in domain/phase-machine.ts in seconds. The same rules against Postgres and
 * the API are in tests/integration.
 */
const template = sbir;
const world = workflowEnvironment();
/** Every move any test saw, as "from → to". */
const walked = new Set<string>();

const defaults: Script = {
  offers: 3,
  jurors: 2,
  rankings: [{ needsConsensus: 0, selected: 2 }],
  awards: [{ blockedBy: [], withdrawn: [], awarded: 2 }],
  deliverables: 0,
};

async function startPhase(script: Partial<Script>, phase: Partial<PhaseTemplate> = {}) {
  const competitionId = `c-${randomBytes(4).toString('hex')}`;
  const records = world.records.script(competitionId, { ...defaults, ...script });
  const input = { competitionId, phase: { ...template.phases[0]!, ...phase }, calendar: template.calendar };
  const handle = await world.env.client.workflow.start('phaseWorkflow', {
    taskQueue,
    workflowId: `phase-${competitionId}`,
    args: [input],
  });
  return { handle, records, phaseKey: input.phase.key };
}

const reach = (handle: WorkflowHandle, state: PhaseState) => reachIn(world.env, handle, state);

/** The reason an officer's action was refused with (the Update's failure carries it as its cause). */
async function refusal(update: Promise<unknown>): Promise<string> {
  const error = await update.then(
    () => new Error('the action was accepted'),
    (e: Error) => e,
  );
  return String(error.cause instanceof Error ? error.cause.message : error.message);
}

/** The phase's result and the path it took, which joins the walk of the table. */
async function ending(handle: WorkflowHandle) {
  const result = await handle.result();
  const { state, transitions } = await diagnostics(handle);
  for (const t of transitions) walked.add(`${t.from} → ${t.to}`);
  return { result, state, path: transitions.map((t) => t.to) };
}

describe('the phase as a state machine', () => {
  it('a phase that receives no offer ends without an award when the evaluation would open', async () => {
    const { handle } = await startPhase({ offers: 0 });
    const { result, state, path } = await ending(handle);
    expect(result).toMatchObject({ outcome: 'no-award', reason: 'no offers were received' });
    expect(state).toBe('no-award');
    expect(path).toEqual(['questions-open', 'submissions-open', 'evaluation', 'no-award']);
  });

  it('a gate is approved only at the gate, once; then standstill, execution and completion', async () => {
    const { handle, records: r } = await startPhase({ deliverables: 2 });
    await reach(handle, 'evaluation');
    expect(await refusal(act(handle, 'approveGate', {}))).toMatch(/evaluation, not waiting at its gate/);
    await reach(handle, 'gate');
    const { standstillEndsAt } = await act(handle, 'approveGate', {});
    expect(Date.parse(standstillEndsAt)).toBeGreaterThan(Date.now());
    expect(await refusal(act(handle, 'approveGate', {}))).toMatch(/standstill, not waiting at its gate/);
    await reach(handle, 'execution');
    await world.env.sleep(31 * 24 * HOUR);
    expect(r.calls.filter((c) => c.name === 'noticeOverdueDeliverables')).toHaveLength(1);
    for (const offerId of ['o-1', 'o-2']) {
      await act(handle, 'decideDeliverable', { offerId, accepted: true, note: 'delivered as agreed' });
    }
    const { result, path } = await ending(handle);
    expect(result.outcome).toBe('completed');
    expect(path.slice(2)).toEqual(['evaluation', 'gate', 'standstill', 'execution', 'completed']);
  });

  it('when no offer meets the thresholds, the phase ends without an award', async () => {
    const { handle } = await startPhase({ rankings: [{ needsConsensus: 0, selected: 0 }] });
    const { result, path } = await ending(handle);
    expect(result).toMatchObject({ outcome: 'no-award', reason: 'no offer met the thresholds' });
    expect(path.slice(-2)).toEqual(['evaluation', 'no-award']);
  });

  it('jurors who disagree meet; the chair closes consensus, and without a passing offer there is no award', async () => {
    const rankings = [
      { needsConsensus: 1, selected: 1 },
      { needsConsensus: 0, selected: 0 },
    ];
    const { handle } = await startPhase({ rankings });
    await reach(handle, 'consensus');
    await handle.signal('consensusReached', { chairId: 'juror-1', round: 1 });
    const { result, path } = await ending(handle);
    expect(result.outcome).toBe('no-award');
    expect(path.slice(-3)).toEqual(['evaluation', 'consensus', 'no-award']);
  });

  it('upheld objections send the phase back to the gate, through consensus, and to a new evaluation round', async () => {
    const rankings = [
      { needsConsensus: 0, selected: 1 },
      { needsConsensus: 0, selected: 1 },
      { needsConsensus: 1, selected: 1 },
      { needsConsensus: 0, selected: 1 },
    ];
    const { handle, records: r } = await startPhase({ rankings }, { executionMonths: 0 });
    const object = async (objectionId: string, reopen: 'gate' | 'evaluation') => {
      await reach(handle, 'gate');
      await act(handle, 'approveGate', {});
      await handle.signal('objectionFiled', { objectionId });
      const reason = 'the scores ignored the annex';
      expect(await refusal(act(handle, 'decideObjection', { objectionId, upheld: true, reason }))).toMatch(
        /must say whether to reopen/,
      );
      expect(await act(handle, 'decideObjection', { objectionId, upheld: true, reopen, reason })).toEqual({
        state: reopen,
      });
    };
    await object('o-1', 'gate');
    await object('o-2', 'gate');
    await reach(handle, 'consensus');
    await handle.signal('consensusReached', { chairId: 'juror-1', round: 1 });
    await object('o-3', 'evaluation');
    await reach(handle, 'gate');
    await act(handle, 'approveGate', {});
    const { result, path } = await ending(handle);
    expect(result.outcome).toBe('completed');
    expect((await diagnostics(handle)).round).toBe(2);
    expect(r.calls.filter((c) => c.name === 'openEvaluation').map((c) => c.input.round)).toEqual([1, 2]);
    expect(path.slice(2)).toEqual([
      'evaluation',
      'gate',
      'standstill',
      'gate',
      'standstill',
      'consensus',
      'gate',
      'standstill',
      'evaluation',
      'gate',
      'standstill',
      'completed',
    ]);
  });

  it('a withdrawn winner’s place is offered on; when nobody can move up, no award', async () => {
    const awards = [{ blockedBy: [], withdrawn: [], awarded: 0 }];
    const { handle, records: r } = await startPhase({ awards });
    await reach(handle, 'gate');
    await act(handle, 'approveGate', {});
    await handle.signal('winnerWithdrew', { offerId: 'offer-7' });
    const { result, path } = await ending(handle);
    expect(result.reason).toBe('every winner withdrew and no eligible offer could move up');
    expect(r.calls.filter((c) => c.name === 'replaceWithdrawnWinner').map((c) => c.input.offerId)).toEqual([
      'offer-7',
    ]);
    expect(path.slice(-2)).toEqual(['standstill', 'no-award']);
  });

  it('a step that fails for good waits for an officer, the resume carries it on, and a cancellation ends the phase', async () => {
    const { handle, records: r, phaseKey } = await startPhase({ failOnce: 'openEvaluation' });
    const waiting = await reach(handle, 'needs-attention');
    expect(waiting.attention).toMatchObject({ step: 'openEvaluation' });
    expect(waiting.attention!.reason).toMatch(/found a record it cannot use/);
    await act(handle, 'resumePhase', { phaseKey, reason: 'the record was repaired' });
    await reach(handle, 'evaluation');
    await handle.signal('cancelPhase', { reason: 'the budget was withdrawn' });
    const { result, state, path } = await ending(handle);
    expect(result).toMatchObject({ outcome: 'cancelled', reason: 'the budget was withdrawn' });
    expect(state).toBe('cancelled');
    expect(r.calls.filter((c) => c.name === 'openEvaluation')).toHaveLength(2);
    expect(path.slice(2)).toEqual(['needs-attention', 'submissions-open', 'evaluation', 'cancelled']);
  });

  it('two extensions and an approval at the same moment take turns, and the phase keeps the deadline stored', async () => {
    const { handle, records: r } = await startPhase({ extensionMs: 400 });
    const { deadlines } = await reach(handle, 'gate');
    const due = Date.parse((deadlines as Record<string, string>).intendedAwardDue!);
    const later = new Date(due + 48 * HOUR).toISOString();
    const sooner = new Date(due + 24 * HOUR).toISOString();
    const extend = (until: string) =>
      handle.startUpdate('extendDeadline', {
        args: [{ officerId: 'officer-1', milestone: 'intendedAwardDue', until, reason: 'jury member ill' }],
        waitForStage: WorkflowUpdateStage.ACCEPTED,
      });
    // The later one is stored first; the sooner one, accepted against the old date, comes second.
    const first = await extend(later);
    const second = await extend(sooner);
    const approval = handle.executeUpdate('approveGate', { args: [{ officerId: 'officer-2' }] });
    const [stored, refused, approved] = await Promise.allSettled([
      first.result(),
      refusal(second.result()),
      approval,
    ]);
    expect(stored.status).toBe('fulfilled');
    expect(approved.status).toBe('fulfilled');
    expect(refused).toMatchObject({
      status: 'fulfilled',
      value: expect.stringMatching(/can only move forward/),
    });
    expect(r.stored.intendedAwardDue).toBe(later);
    expect((await diagnostics(handle)).deadlines).toMatchObject({ intendedAwardDue: later });
    expect(r.calls.filter((call) => call.name === 'extendDeadline')).toHaveLength(1);
    expect(r.calls.filter((call) => call.name === 'recordIntendedAward')).toHaveLength(1);
    await handle.terminate('test done');
  });

  it('an extension sent while the phase is being published waits for the plan, then moves it', async () => {
    const { handle, records: r } = await startPhase({ publishMs: 1500 });
    const until = new Date((await world.env.currentTimeMs()) + 60 * HOUR).toISOString();
    const answer = await act(handle, 'extendDeadline', {
      milestone: 'questionsClose',
      until,
      reason: 'a holiday',
    });
    expect(answer.deadlines.questionsClose).toBe(until);
    expect(r.stored.questionsClose).toBe(until);
    expect(r.calls.map((c) => c.name).slice(0, 2)).toEqual(['openPhase', 'extendDeadline']);
    await handle.terminate('test done');
  });

  it('the tests above walk every transition of the table', () => {
    const missing = PHASE_TRANSITIONS.filter(
      (t) =>
        ![...walked].some((move) => {
          const [from, to] = move.split(' → ') as [PhaseState, PhaseState];
          const matches = (side: string, state: PhaseState) =>
            side === state || (side === ANY_LIVE_STATE && LIVE_STATES.includes(state));
          return matches(t.from, from) && matches(t.to, to);
        }),
    );
    expect(missing.map((t) => `${t.from} → ${t.to}`)).toEqual([]);
  });
});
