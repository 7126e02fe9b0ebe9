import type { WorkflowHandle } from '@temporalio/client';
import { expect } from 'vitest';
import { ProcedureTemplateSchema } from '../../domain/template.ts';
import { SBIR_TEMPLATE } from '../../domain/templates/sbir.ts';
import type { PhaseState } from '../../domain/competition.ts';
import type { Milestone } from '../../domain/schedule.ts';
import { tokens, type Harness } from './support.ts';

export type ApiResponse = { status: number; body: any };

/** Asserts an RFC 9457 problem answer: its HTTP status and its stable problem type. */
export function expectProblem(response: ApiResponse, status: number, type: string) {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  expect(response.body.type).toBe(`urn:phasegate:problem:${type}`);
  return response.body as { type: string; title: string; status: number; detail: string };
}

/** Polls `read` (in real time) until `done` holds; the test server's clock stands still meanwhile. */
export async function eventually<T>(
  what: string,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value)) {
    if (Date.now() > until) throw new Error(`${what}: still ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
    value = await read();
  }
  return value;
}

import { inBatches } from '../support/in-batches.ts';

export { inBatches };

/** Until `count` sessions wait for a lock in a statement whose text is like `pattern`. */
export const waitingOnLock = (h: Harness, pattern: string, count: number) =>
  eventually(
    `${count} statements like ${pattern} to wait for a lock`,
    async () => {
      const [row] = await h.sql<{ waiting: number }[]>`
        select count(*)::int as waiting from pg_stat_activity
        where wait_event_type = 'Lock' and query like ${pattern}`;
      return row!.waiting;
    },
    (n) => n >= count,
  );

/** Registers bearer tokens for more companies than support.ts knows (company-001 … company-NNN). */
export function enrolCompanies(count: number): string[] {
  const ids = Array.from({ length: count }, (_, i) => `company-${String(i + 1).padStart(3, '0')}`);
  for (const id of ids) tokens[`token-for-${id}-0000000000`] = { id, role: 'company' };
  return ids;
}

/** The SBIR template's first phase and its criteria, which most rule tests run on. */
export const F = 'feasibility';
export const sbirCriteria = ProcedureTemplateSchema.parse(SBIR_TEMPLATE).phases[0]!.criteria.map(
  (c) => c.key,
);

/** Phase 1 alone, ending at its final award (no execution months), with gate figures overridden. */
export const feasibilityOnly = (feasibility: Record<string, unknown> = {}): Launch['phases'] => ({
  development: null,
  commercialisation: null,
  feasibility: { executionMonths: 0, ...feasibility },
});

/** The body of a launch: the SBIR template, with overrides laid over it per phase. */
export interface Launch {
  title?: string;
  /** Per phase: fields that replace the template's, or null to drop the phase. */
  phases?: Record<string, Record<string, unknown> | null>;
  jurors?: Record<string, readonly string[]>;
}

/** History event types (temporal.api.enums.v1.EventType) that `settled` looks at. */
const EVENT = {
  workflowTaskScheduled: 5,
  workflowTaskStarted: 6,
  workflowTaskCompleted: 7,
  workflowTaskTimedOut: 8,
  workflowTaskFailed: 9,
  activityTaskScheduled: 10,
} as const;
const WORKFLOW_TASK_EVENTS = new Set<number>([
  EVENT.workflowTaskScheduled,
  EVENT.workflowTaskStarted,
  EVENT.workflowTaskCompleted,
  EVENT.workflowTaskTimedOut,
  EVENT.workflowTaskFailed,
]);

/** Steps a competition through its life the way its users would: over the API, as each role. */
export class CompetitionRun {
  constructor(
    readonly h: Harness,
    readonly id: string,
  ) {}

  static async launch(h: Harness, body: Record<string, unknown>): Promise<CompetitionRun> {
    const response = await h.call('officer-1', 'POST', '/competitions', body);
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    const run = new CompetitionRun(h, response.body.id);
    const first = response.body.phases[0].key;
    await run.waitForPhase(first, 'questions-open');
    return run;
  }

  /** Launches an SBIR competition with the given overrides (one phase: drop the others with null). */
  static async sbir(h: Harness, launch: Launch = {}): Promise<CompetitionRun> {
    return CompetitionRun.launch(h, {
      title: launch.title ?? 'Quiet road surfaces',
      buyer: 'Gemeente Utrecht',
      procedure: 'sbir',
      overrides: { phases: launch.phases ?? {} },
      jurors: launch.jurors ?? {},
    });
  }

  async status() {
    const response = await this.h.call('officer-1', 'GET', `/competitions/${this.id}`);
    expect(response.status).toBe(200);
    return response.body;
  }

  async phase(key: string) {
    return (await this.status()).phases.find((p: { key: string }) => p.key === key);
  }

  /** Polls the Postgres record (in real time; the test server's clock stands still meanwhile). */
  async waitForPhase(key: string, state: PhaseState, timeoutMs = 30_000) {
    const until = Date.now() + timeoutMs;
    let phase: any;
    while (Date.now() < until) {
      phase = await this.phase(key);
      if (phase?.state === state) return phase;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`phase ${key} did not reach ${state}; it is ${phase?.state}`);
  }

  async waitForCompetition(status: string, timeoutMs = 30_000) {
    const until = Date.now() + timeoutMs;
    let current: any;
    while (Date.now() < until) {
      current = await this.status();
      if (current.status === status) return current;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`competition did not become ${status}; it is ${current?.status}`);
  }

  /** Moves the Temporal test server's clock to just past an instant. */
  async advancePast(iso: string, marginMs = 60_000) {
    const now = await this.h.env.currentTimeMs();
    const target = Date.parse(iso) + marginMs;
    if (target > now) await this.h.env.sleep(target - now);
  }

  async offer(
    company: string,
    phase: string,
    offer: { requestedAmount: number; price?: number; content?: string },
  ) {
    return this.h.call(company, 'POST', `/competitions/${this.id}/phases/${phase}/offers`, {
      content: offer.content ?? `Offer of ${company} for ${phase}`,
      ...offer,
    });
  }

  async jurorOffers(juror: string, phase: string) {
    const response = await this.h.call(juror, 'GET', `/competitions/${this.id}/phases/${phase}/jury/offers`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body.offers as {
      offerId: string;
      company: string;
      declaration: string;
      content: string | null;
    }[];
  }

  async declare(juror: string, phase: string, offerId: string, hasConflict: boolean) {
    return this.h.call(
      juror,
      'POST',
      `/competitions/${this.id}/phases/${phase}/offers/${offerId}/conflict-declaration`,
      {
        hasConflict,
        statement: hasConflict ? 'I advise this company' : 'No ties to this company',
      },
    );
  }

  async score(juror: string, phase: string, offerId: string, scores: Record<string, number>) {
    return this.h.call(juror, 'PUT', `/competitions/${this.id}/phases/${phase}/offers/${offerId}/scores`, {
      scores: Object.entries(scores).map(([criterion, score]) => ({
        criterion,
        score,
        reason: `${criterion} judged ${score}`,
      })),
    });
  }

  /** Every juror declares no conflict and scores every offer with `scoreOf`, then says they are done. */
  async juryScores(
    phase: string,
    jurors: readonly string[],
    criteria: readonly string[],
    scoreOf: (company: string, criterion: string, juror: string) => number,
    /** How many offers one juror handles at once (the API serialises them per competition anyway). */
    width = 1,
  ) {
    for (const juror of jurors) {
      await inBatches(await this.jurorOffers(juror, phase), width, async (offer) => {
        if (offer.declaration === 'not-declared')
          expect((await this.declare(juror, phase, offer.offerId, false)).status).toBe(201);
        const scores = Object.fromEntries(criteria.map((c) => [c, scoreOf(offer.company, c, juror)]));
        const response = await this.score(juror, phase, offer.offerId, scores);
        expect(response.status, JSON.stringify(response.body)).toBe(200);
      });
      expect(
        (await this.h.call(juror, 'POST', `/competitions/${this.id}/phases/${phase}/jury/finish`)).status,
      ).toBe(200);
    }
  }

  async approveGate(phase: string) {
    const response = await this.h.call(
      'officer-1',
      'POST',
      `/competitions/${this.id}/phases/${phase}/gate/approve`,
    );
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body as { standstillEndsAt: string };
  }

  async awards(phase: string) {
    return this.h.sql<
      { offer_id: string; company_id: string; status: string; deliverable_status: string; rank: number }[]
    >`
      select offer_id, company_id, status, deliverable_status, rank from awards
      where competition_id = ${this.id} and phase_key = ${phase} order by rank`;
  }

  async decideDeliverable(phase: string, offerId: string, accepted: boolean) {
    return this.h.call(
      'officer-1',
      'POST',
      `/competitions/${this.id}/phases/${phase}/offers/${offerId}/deliverable-decision`,
      {
        accepted,
        note: accepted ? 'Feasibility study accepted' : 'Deliverable incomplete',
      },
    );
  }

  /** Every company sends an offer; returns their offer ids by company. */
  async offers(phase: string, companies: readonly string[], requestedAmount = 50_000, width = 1) {
    const ids = await inBatches(companies, width, async (company) => {
      const sent = await this.offer(company, phase, { requestedAmount });
      expect(sent.status, JSON.stringify(sent.body)).toBe(201);
      return [company, sent.body.offerId as string] as const;
    });
    return Object.fromEntries(ids) as Record<string, string>;
  }

  /** Closes submissions and has two officers open the sealed offers, as the jury needs. */
  async closeSubmissions(phase: string) {
    await this.advancePast((await this.phase(phase)).timeline.submissionsCloseAt);
    const evaluating = await this.waitForPhase(phase, 'evaluation');
    await this.openOffers(phase);
    return evaluating;
  }

  async openOffers(phase: string) {
    for (const officer of ['officer-1', 'officer-2']) {
      const consent = await this.h.call(officer, 'POST', `/competitions/${this.id}/phases/${phase}/opening`);
      expect(consent.status, JSON.stringify(consent.body)).toBe(200);
    }
  }

  /** The jury scores every offer (see juryScores) and the gate is reached early, once all have finished. */
  async scoreToGate(
    phase: string,
    jurors: readonly string[],
    criteria: readonly string[],
    scoreOf: (company: string, criterion: string, juror: string) => number,
  ) {
    await this.juryScores(phase, jurors, criteria, scoreOf);
    return this.waitForPhase(phase, 'gate');
  }

  async finish(juror: string, phase: string) {
    return this.h.call(juror, 'POST', `/competitions/${this.id}/phases/${phase}/jury/finish`);
  }

  /** The gate's ranking as an officer sees it: every offer, every number explained. */
  async ranking(phase: string) {
    const response = await this.h.call(
      'officer-1',
      'GET',
      `/competitions/${this.id}/phases/${phase}/ranking`,
    );
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body;
  }

  async approve(phase: string, as = 'officer-1') {
    return this.h.call(as, 'POST', `/competitions/${this.id}/phases/${phase}/gate/approve`);
  }

  /** Approves the gate and lets the standstill pass: the intended award becomes final. */
  async approveAndAward(phase: string, finalState: PhaseState = 'completed') {
    const { standstillEndsAt } = await this.approveGate(phase);
    await this.advancePast(standstillEndsAt);
    return this.waitForPhase(phase, finalState);
  }

  /** Awards by company: the status of each company's award. */
  async awardStatus(phase: string) {
    return Object.fromEntries((await this.awards(phase)).map((a) => [a.company_id, a.status]));
  }

  async extend(
    phase: string,
    milestone: Milestone,
    until: string,
    as = 'officer-1',
    reason = 'More time to prepare',
  ) {
    return this.h.call(as, 'POST', `/competitions/${this.id}/phases/${phase}/deadlines`, {
      milestone,
      until,
      reason,
    });
  }

  async object(company: string, phase: string, reason = 'The jury misread our approach') {
    return this.h.call(company, 'POST', `/competitions/${this.id}/phases/${phase}/objections`, { reason });
  }

  async decideObjection(
    phase: string,
    objectionId: string,
    decision: { upheld: boolean; reopen?: 'evaluation' | 'gate'; reason?: string },
  ) {
    return this.h.call(
      'officer-1',
      'POST',
      `/competitions/${this.id}/phases/${phase}/objections/${objectionId}/decision`,
      {
        reason: decision.upheld ? 'The jury must look again' : 'The scores are well reasoned',
        ...decision,
      },
    );
  }

  async withdraw(company: string, phase: string, offerId: string) {
    return this.h.call(
      company,
      'POST',
      `/competitions/${this.id}/phases/${phase}/offers/${offerId}/withdraw`,
    );
  }

  async cancel(reason: string, as = 'officer-1') {
    return this.h.call(as, 'POST', `/competitions/${this.id}/cancel`, { reason });
  }

  async ask(company: string, phase: string, question: string) {
    return this.h.call(company, 'POST', `/competitions/${this.id}/phases/${phase}/questions`, { question });
  }

  async answer(phase: string, questionId: string, answer: string) {
    return this.h.call(
      'officer-1',
      'PUT',
      `/competitions/${this.id}/phases/${phase}/questions/${questionId}/answer`,
      { answer },
    );
  }

  async questions(as: string, phase: string) {
    const response = await this.h.call(as, 'GET', `/competitions/${this.id}/phases/${phase}/questions`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body.questions as Record<string, unknown>[];
  }

  /** The competition's audit log, oldest first. */
  async audit() {
    return this.h.sql<{ seq: string; actor: string; action: string; data: any }[]>`
      select seq, actor, action, data from audit_log where competition_id = ${this.id} order by seq`;
  }

  workflowId(phase?: string) {
    return phase ? `competition-${this.id}-phase-${phase}` : `competition-${this.id}`;
  }

  /** The Temporal history of the competition workflow, or of one phase's child workflow. */
  async history(phase?: string): ReturnType<WorkflowHandle['fetchHistory']> {
    return this.h.env.client.workflow.getHandle(this.workflowId(phase)).fetchHistory();
  }

  /**
   * Waits until the workflow has nothing left to do at the current workflow time: its last workflow
   * task has completed (or it has closed) and no activity is in flight. Use it before asserting that
   * something did NOT happen.
   */
  async settled(phase?: string) {
    const handle = this.h.env.client.workflow.getHandle(this.workflowId(phase));
    await eventually(
      `workflow ${this.workflowId(phase)} to settle`,
      async () => {
        const [description, history] = await Promise.all([handle.describe(), handle.fetchHistory()]);
        const events = history.events ?? [];
        const lastTask = events.filter((e) => WORKFLOW_TASK_EVENTS.has(e.eventType ?? 0)).pop();
        const open = new Set<string>();
        for (const e of events) {
          if (e.eventType === EVENT.activityTaskScheduled) open.add(String(e.eventId));
          const closed =
            e.activityTaskCompletedEventAttributes ??
            e.activityTaskFailedEventAttributes ??
            e.activityTaskTimedOutEventAttributes ??
            e.activityTaskCanceledEventAttributes;
          if (closed?.scheduledEventId != null) open.delete(String(closed.scheduledEventId));
        }
        return {
          running: description.status.name === 'RUNNING',
          lastTaskEvent: lastTask?.eventType,
          activitiesInFlight: open.size + (description.raw.pendingActivities?.length ?? 0),
        };
      },
      (s) => !s.running || (s.lastTaskEvent === EVENT.workflowTaskCompleted && s.activitiesInFlight === 0),
    );
  }
}
