import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { competitionWorkflowId, phaseWorkflowId } from '../../domain/competition.ts';
import { act, reach, sbir, taskQueue, workflowEnvironment } from './environment.ts';
import type { Script } from './stand-ins.ts';

/** The competition workflow and its phases, with stand-in activities on the time-skipping server. */
const world = workflowEnvironment();
const [feasibility, development, commercialisation] = sbir.phases.map((p) => p.key) as [
  string,
  string,
  string,
];

const script: Script = {
  offers: 2,
  jurors: 1,
  rankings: [{ needsConsensus: 0, selected: 1 }],
  awards: [{ blockedBy: [], withdrawn: [], awarded: 1 }],
  deliverables: 0,
};

/** An SBIR competition whose phases have no execution months: each ends when its award is final. */
async function launch(overrides: Partial<Script>) {
  const competitionId = randomUUID();
  const records = world.records.script(competitionId, { ...script, ...overrides });
  const template = { ...sbir, phases: sbir.phases.map((p) => ({ ...p, executionMonths: 0 })) };
  const handle = await world.env.client.workflow.start('competitionWorkflow', {
    taskQueue,
    workflowId: competitionWorkflowId(competitionId),
    args: [{ competitionId, template, listInTemporalUi: false }],
  });
  const phase = (key: string) => world.env.client.workflow.getHandle(phaseWorkflowId(competitionId, key));
  /** Waits for the phase's gate and approves it. */
  const approve = async (key: string) => {
    await reach(world.env, phase(key), 'gate');
    await act(phase(key), 'approveGate', {});
  };
  return { handle, records, phase, approve };
}

const finished = (records: { calls: { name: string; input: Record<string, any> }[] }) =>
  records.calls.filter((c) => c.name === 'finishCompetition').map((c) => c.input);

describe('a competition runs its phases one after the other', () => {
  it('each phase starts when the one before qualified somebody, and the last one completes it', async () => {
    const winners = ['company-01'];
    const qualified = { [feasibility]: winners, [development]: winners, [commercialisation]: winners };
    const { handle, records, approve } = await launch({ qualified });
    for (const key of [feasibility, development, commercialisation]) await approve(key);
    expect(await handle.result()).toEqual({ status: 'completed', outcome: 'all 3 phases completed' });
    expect(records.calls.filter((c) => c.name === 'enterPhase').map((c) => c.input.phaseKey)).toEqual([
      feasibility,
      development,
      commercialisation,
    ]);
    expect(finished(records)).toMatchObject([{ status: 'completed', actor: 'system' }]);
  });

  it('when nobody qualified for the next phase, the competition ends without an award', async () => {
    const { handle, records, approve } = await launch({ qualified: {} });
    await approve(feasibility);
    const result = await handle.result();
    expect(result.status).toBe('no-award');
    expect(result.outcome).toMatch(/no company qualified for the next phase/);
    expect(records.calls.filter((c) => c.name === 'enterPhase')).toHaveLength(1);
  });

  it('a phase without an award ends the competition without one', async () => {
    const { handle } = await launch({ offers: 0 });
    expect(await handle.result()).toMatchObject({
      status: 'no-award',
      outcome: expect.stringMatching(/no offers/),
    });
  });

  it('an officer cancels once, with a reason; the running phase is cancelled with it', async () => {
    const { handle, records, phase } = await launch({});
    await reach(world.env, phase(feasibility), 'evaluation');
    const cancel = (reason: string) =>
      handle.executeUpdate('cancelCompetition', { args: [{ officerId: 'officer-2', reason }] });
    await expect(cancel('  ')).rejects.toThrow();
    await cancel('the budget was withdrawn');
    await expect(cancel('again')).rejects.toThrow();
    expect(await handle.result()).toEqual({ status: 'cancelled', outcome: 'the budget was withdrawn' });
    expect(await phase(feasibility).result()).toMatchObject({ outcome: 'cancelled' });
    expect(finished(records)).toMatchObject([{ status: 'cancelled', actor: 'officer-2' }]);
  });
});
