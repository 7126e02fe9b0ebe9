import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Milestone } from '../../domain/schedule.ts';

/**
 * Stand-in phase activities for workflow tests: each competition id gets a script saying what the
 * records would answer (how many offers, what each ranking selects, what the final award finds), and
 * every call is kept, so a test checks the workflow's decisions without Postgres. The real
 * activities are tested against Postgres in tests/integration.
 */
export interface Script {
  offers: number;
  jurors: number;
  /** One per rankGate call, in order; the last one answers every later call. */
  rankings: { needsConsensus: number; selected: number }[];
  /** One per finalAward call, in order; the last one answers every later call. */
  awards: { blockedBy: string[]; withdrawn: string[]; awarded: number }[];
  deliverables: number;
  /** An activity whose first call fails for good, as bad data does. */
  failOnce?: string;
  /** How long an extension takes to store: a window for officer actions to overlap. */
  extensionMs?: number;
  /** How long publishing takes: a window in which the phase is launched but not yet published. */
  publishMs?: number;
  /** By phase key: the companies whose award became final there. */
  qualified?: Record<string, string[]>;
}

export interface Call {
  name: string;
  input: Record<string, any>;
}

const DAY = 24 * 60 * 60 * 1000;
/** Days after publication, as the plan of a phase might resolve them. */
const PLAN: Record<Milestone, number> = {
  questionsClose: 2,
  answersDue: 3,
  submissionsClose: 5,
  evaluationClose: 15,
  intendedAwardDue: 20,
};

export function standInRecords() {
  const scripts = new Map<string, Script & { calls: Call[]; stored: Partial<Record<Milestone, string>> }>();
  const of = (input: { competitionId: string }) => {
    const script = scripts.get(input.competitionId);
    if (!script) throw new Error(`no script for ${input.competitionId}`);
    return script;
  };
  const nth = <T>(list: T[], calls: Call[], name: string) =>
    list[Math.min(calls.filter((c) => c.name === name).length - 1, list.length - 1)]!;

  const answers: Record<string, (input: any, script: ReturnType<typeof of>) => unknown> = {
    openPhase: async ({ publishedAt }, script) => {
      await new Promise((resolve) => setTimeout(resolve, script.publishMs ?? 0));
      const base = Date.parse(publishedAt);
      for (const [milestone, days] of Object.entries(PLAN)) {
        script.stored[milestone as Milestone] = new Date(base + days * DAY).toISOString();
      }
      return { ...script.stored };
    },
    movePhase: () => undefined,
    publishAnswers: () => ({ published: 0 }),
    openEvaluation: (_input, script) => ({ offers: script.offers, jurors: script.jurors }),
    schedulePitches: () => ({ scheduled: 0 }),
    remindJurors: () => ({ reminded: 0 }),
    rankGate: (_input, script) => nth(script.rankings, script.calls, 'rankGate'),
    recordOpening: ({ officerId }, script) => {
      const officers = script.calls.filter((c) => c.name === 'recordOpening').map((c) => c.input.officerId);
      return { opened: officers.length >= 2, officers: [...new Set([...officers, officerId])] };
    },
    recordIntendedAward: ({ at }) => ({
      standstillEndsAt: new Date(Date.parse(at) + 10 * DAY).toISOString(),
    }),
    extendDeadline: async ({ milestone, until }, script) => {
      await new Promise((resolve) => setTimeout(resolve, script.extensionMs ?? 0));
      // As the real one: a deadline only moves forward, so the later of two stays.
      const current = script.stored[milestone as Milestone]!;
      if (Date.parse(until) > Date.parse(current)) script.stored[milestone as Milestone] = until;
      return { until: script.stored[milestone as Milestone] };
    },
    decideObjection: () => undefined,
    replaceWithdrawnWinner: () => ({ movedUp: [] }),
    finalAward: (_input, script) => nth(script.awards, script.calls, 'finalAward'),
    // Due 30 days after the award, in workflow time (the test server skips ahead of the wall clock).
    pendingDeliverables: (_input, script) => ({
      pending: script.deliverables,
      dueAt: new Date(Context.current().info.scheduledTimestampMs + 30 * DAY).toISOString(),
    }),
    noticeOverdueDeliverables: () => undefined,
    decideDeliverable: (_input, script) => {
      script.deliverables = Math.max(0, script.deliverables - 1);
      return { pending: script.deliverables };
    },
    closePhase: ({ phaseKey }, script) => ({ qualified: script.qualified?.[phaseKey] ?? [] }),
    enterPhase: () => undefined,
    finishCompetition: () => undefined,
    markNeedsAttention: () => undefined,
    resumePhase: () => ({ state: 'resumed' }),
  };

  const activities = Object.fromEntries(
    Object.entries(answers).map(([name, answer]) => [
      name,
      async (input: any) => {
        const script = of(input);
        script.calls.push({ name, input });
        if (script.failOnce === name && script.calls.filter((c) => c.name === name).length === 1) {
          throw ApplicationFailure.nonRetryable(`${name} found a record it cannot use`, 'bad-data');
        }
        return answer(input, script);
      },
    ]),
  );

  return {
    activities,
    script(competitionId: string, script: Script) {
      const full = { ...script, calls: [] as Call[], stored: {} as Partial<Record<Milestone, string>> };
      scripts.set(competitionId, full);
      return full;
    },
  };
}
