import {
  ApplicationFailure,
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  proxyActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { phaseWorkflowId, type CompetitionPlan } from '../domain/competition.ts';
import type { CompetitionActivities } from '../activities/index.ts';
import { ACTIVITY_OPTIONS } from './activity-options.ts';
import { attentionDesk, StepInterrupted } from './attention.ts';
import {
  cancelCompetitionUpdate,
  cancelPhaseSignal,
  competitionDiagnosticsQuery,
  type CancelCompetition,
} from './messages.ts';
import { phaseWorkflow, type PhaseResult } from './phase.ts';
import { phaseSearchAttribute, statusSearchAttribute } from './search-attributes.ts';

const acts = proxyActivities<CompetitionActivities>(ACTIVITY_OPTIONS);

function labelInTemporalUi(plan: CompetitionPlan, status: string, currentPhase: string | undefined) {
  if (!plan.listInTemporalUi) return;
  upsertSearchAttributes([
    { key: statusSearchAttribute, value: status },
    { key: phaseSearchAttribute, value: currentPhase ?? '' },
  ]);
}

/** An officer cancels once, with a reason; the competition workflow stops its phase. */
function acceptCancellation(isCancelled: () => boolean, cancel: (request: CancelCompetition) => void) {
  setHandler(
    cancelCompetitionUpdate,
    async (request) => {
      cancel(request);
      return { cancelled: true as const };
    },
    {
      validator: ({ reason }) => {
        if (isCancelled()) throw ApplicationFailure.create({ type: 'refused', message: 'already cancelled' });
        if (!reason.trim()) {
          throw ApplicationFailure.create({ type: 'refused', message: 'a cancellation needs a reason' });
        }
      },
    },
  );
}

/**
 * A competition runs its phases one after the other, each as a child workflow. A phase that
 * admits the winners of an earlier one starts only when that one has qualified somebody.
 */
export async function competitionWorkflow(
  plan: CompetitionPlan,
): Promise<{ status: string; outcome: string }> {
  const { competitionId, template } = plan;
  let currentPhase: string | undefined;
  const completedPhases: string[] = [];
  let cancelled: { reason: string; officerId: string } | undefined;

  const label = (status: string) => labelInTemporalUi(plan, status, currentPhase);

  // Entering and finishing fail on the current phase's row: it shows needs-attention, and the
  // resume for that phase comes here while the phase has no workflow of its own running.
  const desk = attentionDesk({
    acts,
    competitionId,
    phaseKey: () => currentPhase ?? template.phases[0]!.key,
    raisedBy: 'competition',
    now: () => new Date(Date.now()).toISOString(),
    interrupted: () => cancelled !== undefined,
  });

  setHandler(competitionDiagnosticsQuery, () => ({
    currentPhase,
    completedPhases: [...completedPhases],
    cancelled: cancelled?.reason,
    attention: desk.current(),
  }));
  acceptCancellation(
    () => cancelled !== undefined,
    (request) => (cancelled = request),
  );

  const end = async (status: 'completed' | 'no-award' | 'cancelled', outcome: string) => {
    const actor = cancelled?.officerId ?? 'system';
    const finish = () => acts.finishCompetition({ competitionId, status, outcome, actor });
    await desk.attempt('finishCompetition', finish, false);
    label(status);
    await condition(allHandlersFinished);
    return { status, outcome };
  };

  label('running');
  for (const phase of template.phases) {
    currentPhase = phase.key;
    try {
      await desk.attempt('enterPhase', () => acts.enterPhase({ competitionId, phaseKey: phase.key }));
    } catch (error) {
      if (error instanceof StepInterrupted) return end('cancelled', cancelled!.reason);
      throw error;
    }
    label('running');
    const child = await startChild(phaseWorkflow, {
      workflowId: phaseWorkflowId(competitionId, phase.key),
      args: [{ competitionId, phase, calendar: template.calendar }],
      parentClosePolicy: ParentClosePolicy.TERMINATE,
    });
    let result: PhaseResult | undefined;
    const done = child.result().then((r) => (result = r));
    await Promise.race([done, condition(() => cancelled !== undefined)]);
    if (!result && cancelled) {
      await child.signal(cancelPhaseSignal, { reason: cancelled.reason });
      await done;
    }
    if (result!.outcome === 'cancelled' || cancelled)
      return end('cancelled', cancelled?.reason ?? 'cancelled');
    if (result!.outcome === 'no-award')
      return end('no-award', `${phase.name}: ${result!.reason ?? 'no award'}`);
    completedPhases.push(phase.key);
    const isLast = phase === template.phases[template.phases.length - 1];
    if (!isLast && result!.qualified.length === 0) {
      return end('no-award', `${phase.name}: no company qualified for the next phase`);
    }
  }
  return end('completed', `all ${template.phases.length} phases completed`);
}
