import { expect } from 'vitest';
import { ProcedureTemplateSchema } from '../../domain/template.ts';
import { SBIR_TEMPLATE } from '../../domain/templates/sbir.ts';
import type { Sql } from '../../db/sql.ts';
import { tokenOf } from './processes.ts';

export const F = 'feasibility';
export const criteria = ProcedureTemplateSchema.parse(SBIR_TEMPLATE).phases[0]!.criteria.map((c) => c.key);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Answer {
  status: number;
  body: any;
  retryAfter: string | null;
  contentType: string | null;
}

export const problemOf = (answer: Answer) => String(answer.body?.type).replace('urn:phasegate:problem:', '');

/** One HTTP request to an API process; a refused connection is an exception, as for any client. */
export async function request(
  base: string,
  as: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${tokenOf(as)}`, 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? JSON.parse(text) : undefined,
    retryAfter: response.headers.get('retry-after'),
    contentType: response.headers.get('content-type'),
  };
}

/**
 * A client in front of several API processes, as behind a load balancer: each request goes to the
 * next one, and a refused connection or a 503 is tried again on the next, the same request with
 * the same Idempotency-Key, until an answer that is not an outage comes back.
 */
export class Balanced {
  private next = 0;
  /** Requests whose connection failed or was cut: each was sent again to the next API. */
  cutOff = 0;
  constructor(readonly bases: () => string[]) {}

  async call(as: string, method: string, path: string, body?: unknown, headers?: Record<string, string>) {
    for (let attempt = 0; ; attempt++) {
      const bases = this.bases();
      const base = bases[this.next++ % bases.length]!;
      try {
        const answer = await request(base, as, method, path, body, headers);
        const inFlight = problemOf(answer) === 'idempotency-key-in-flight';
        if ((answer.status !== 503 && !inFlight) || attempt >= 60) return answer;
      } catch (error) {
        this.cutOff++;
        if (attempt >= 60) throw error;
      }
      await sleep(250);
    }
  }
}

type Call = (
  as: string,
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<Answer>;

const minutes = (amount: number) => ({ unit: 'minutes', amount });

/** Phase 1 of SBIR in minutes: submissions close 2 minutes after the launch, standstill 1 minute. */
export const minutePhase = {
  development: null,
  commercialisation: null,
  feasibility: {
    executionMonths: 0,
    schedule: {
      questionsClose: minutes(1),
      answersDue: minutes(2),
      submissionsClose: minutes(2),
      evaluationClose: minutes(8),
      intendedAwardDue: minutes(9),
    },
    reminderDaysBeforeEvaluationClose: 0,
    standstill: minutes(1),
  },
};

/** A competition driven over HTTP by its officers, companies and jurors. */
export class Competition {
  constructor(
    readonly call: Call,
    readonly sql: Sql,
    readonly id: string,
  ) {}

  static async launch(call: Call, sql: Sql, title: string, jury: readonly string[]) {
    const response = await call('officer-1', 'POST', '/competitions', {
      title,
      buyer: 'Gemeente Utrecht',
      procedure: 'sbir',
      overrides: { phases: minutePhase },
      jurors: { [F]: jury },
    });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return new Competition(call, sql, response.body.id);
  }

  get path() {
    return `/competitions/${this.id}/phases/${F}`;
  }

  /** The phase as Postgres records it (read directly: the API may be the thing that is down). */
  async phase() {
    const [row] = await this.sql<{ state: string; submissions_close_at: Date }[]>`
      select state, submissions_close_at from phases where competition_id = ${this.id} and key = ${F}`;
    return row!;
  }

  async waitForPhase(state: string, timeoutMs = 240_000) {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const phase = await this.phase();
      if (phase.state === state) return phase;
      if (Date.now() > until) throw new Error(`${this.id} did not reach ${state}; it is ${phase.state}`);
      await sleep(250);
    }
  }

  async waitForCompetition(status: string, timeoutMs = 240_000) {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const [row] = await this.sql<{ status: string }[]>`
        select status from competitions where id = ${this.id}`;
      if (row?.status === status) return;
      if (Date.now() > until) throw new Error(`${this.id} did not become ${status}; it is ${row?.status}`);
      await sleep(250);
    }
  }

  async offer(company: string, requestedAmount: number, key?: string) {
    return this.call(
      company,
      'POST',
      `${this.path}/offers`,
      { content: `Offer of ${company}`, requestedAmount },
      key ? { 'idempotency-key': key } : {},
    );
  }

  async openOffers() {
    for (const officer of ['officer-1', 'officer-2']) {
      const consent = await this.call(officer, 'POST', `${this.path}/opening`);
      expect(consent.status, JSON.stringify(consent.body)).toBe(200);
    }
  }

  /** One juror declares no conflict and scores every offer; `finish` says they are done. */
  async score(
    juror: string,
    scoreOf: (company: string) => number,
    finish = true,
    answered: { juror: string; offerId: string }[] = [],
  ) {
    const listed = await this.call(juror, 'GET', `${this.path}/jury/offers`);
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    for (const offer of listed.body.offers as { offerId: string; company: string; declaration: string }[]) {
      if (offer.declaration === 'not-declared') {
        const declared = await this.call(
          juror,
          'POST',
          `${this.path}/offers/${offer.offerId}/conflict-declaration`,
          {
            hasConflict: false,
            statement: 'No ties to this company',
          },
        );
        expect(declared.status, JSON.stringify(declared.body)).toBe(201);
      }
      const scores = criteria.map((criterion) => ({
        criterion,
        score: scoreOf(offer.company),
        reason: `${criterion} judged ${scoreOf(offer.company)}`,
      }));
      const scored = await this.call(juror, 'PUT', `${this.path}/offers/${offer.offerId}/scores`, { scores });
      expect(scored.status, JSON.stringify(scored.body)).toBe(200);
      answered.push({ juror, offerId: offer.offerId });
    }
    if (finish) await this.finish(juror);
  }

  async finish(juror: string) {
    const finished = await this.call(juror, 'POST', `${this.path}/jury/finish`);
    expect(finished.status, JSON.stringify(finished.body)).toBe(200);
    return finished;
  }

  approve() {
    return this.call('officer-1', 'POST', `${this.path}/gate/approve`);
  }

  async audit() {
    return this.sql<{ actor: string; action: string; data: any; at: Date }[]>`
      select actor, action, data, at from audit_log where competition_id = ${this.id} order by seq`;
  }

  async awards() {
    return this.sql<{ company_id: string; status: string; rank: number; amount: number }[]>`
      select company_id, status, rank, amount from awards
      where competition_id = ${this.id} and phase_key = ${F} order by rank, company_id`;
  }

  async offers() {
    return this.sql<{ id: string; company_id: string; status: string; receipt: any }[]>`
      select id, company_id, status, receipt from offers where competition_id = ${this.id} order by company_id, version`;
  }

  async notices() {
    return this.sql<{ recipient: string; kind: string; body: any }[]>`
      select recipient, kind, body from notifications where competition_id = ${this.id} order by id`;
  }
}

/**
 * Holds a table against every write, as a slow disk would: an activity that writes it waits inside
 * its transaction until `release`.
 */
export function holdTable(
  sql: Sql,
  table: 'gate_rankings' | 'awards',
): { release(): void; held: Promise<void> } {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let held!: () => void;
  const heldPromise = new Promise<void>((r) => (held = r));
  const done = sql.begin(async (tx) => {
    await tx.unsafe(`lock table ${table} in share mode`);
    held();
    await released;
  });
  done.catch(() => undefined);
  return { release, held: heldPromise };
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** Replaces what differs by design between two runs of the same competition: times and random ids. */
export function normalise(value: unknown, names: Map<string, string>): unknown {
  if (typeof value === 'string') {
    if (/^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(value)) return '<time>';
    // Ids alone or inside a string, such as a ranking's seed `<competition>/feasibility/round-1`.
    const named = value.replace(UUID, (id) => names.get(id) ?? '<id>');
    if (named !== value) return named;
    if (/^[0-9a-f]{64}$/.test(value)) return '<digest>';
    return value;
  }
  if (value instanceof Date) return '<time>';
  if (Array.isArray(value)) return value.map((v) => normalise(v, names));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalise(v, names)]));
  }
  return value;
}
