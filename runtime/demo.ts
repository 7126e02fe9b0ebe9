import type { TokenMap } from '../api/auth.ts';
import type { ProcedureTemplateInput } from '../domain/template.ts';

/**
 * The demo `npm start` runs on an empty database: a fieldlab round in minutes, from publication to
 * the final award in about ten minutes, acted out over the API by the development parties
 * (two officers, three companies, three jurors), so a newcomer sees every step happen live in the
 * API and the Temporal UI, and can join in with the printed tokens.
 */

const minutes = (amount: number) => ({ unit: 'minutes' as const, amount });
const scale = { min: 0, max: 10, step: 1 };
const PHASE = 'fieldlab';

export const DEMO_TEMPLATE: ProcedureTemplateInput = {
  id: 'demo-fieldlab',
  name: 'Demo: a fieldlab round in minutes',
  procedureType: 'below-threshold',
  calendar: { timeZone: 'Europe/Amsterdam', holidays: 'NL-atw', dayOne: 'publication-day' },
  phases: [
    {
      key: PHASE,
      name: 'Fieldlab round',
      admission: { kind: 'open' },
      schedule: {
        questionsClose: minutes(3),
        answersDue: minutes(4),
        submissionsClose: minutes(6),
        evaluationClose: minutes(11),
        intendedAwardDue: minutes(13),
      },
      reminderDaysBeforeEvaluationClose: 0,
      standstill: { unit: 'minutes', amount: 3 },
      executionMonths: 0,
      criteria: [
        { key: 'approach', name: 'Approach', weight: 60, scale, minimum: 4 },
        { key: 'team', name: 'Team', weight: 40, scale, minimum: 4 },
      ],
      gate: { awardSlots: 2, phaseBudget: 100_000, maxPerOffer: 50_000, overallMinimum: 50 },
      tieBreakOrder: [{ by: 'criterion', criterion: 'approach' }],
    },
  ],
};

/** Each company's plan and the scores the jury gives it, so the ranking has a clear story. */
const BIDS = [
  { company: 'company-1', amount: 45_000, approach: 8, team: 7, content: 'Sensors on the bridge deck' },
  { company: 'company-2', amount: 38_000, approach: 6, team: 8, content: 'Drone inspection of joints' },
  { company: 'company-3', amount: 50_000, approach: 5, team: 5, content: 'A bigger maintenance crew' },
];
const OFFICERS = ['officer-1', 'officer-2'];
const JURORS = ['juror-1', 'juror-2', 'juror-3'];

interface DemoOptions {
  apiUrl: string;
  tokens: TokenMap;
  signal: AbortSignal;
  log: (line: string) => void;
}

type Call = <T>(as: string, method: string, path: string, body?: unknown) => Promise<T>;

function caller({ apiUrl, tokens, signal }: DemoOptions): Call {
  const tokenOf = new Map(Object.entries(tokens).map(([token, p]) => [p.id, token]));
  return async <T>(as: string, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${apiUrl}${path}`, {
      method,
      signal,
      headers: {
        authorization: `Bearer ${tokenOf.get(as)}`,
        'content-type': 'application/json',
        ...(method === 'POST' ? { 'idempotency-key': `demo ${as} ${method} ${path}` } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const answer: unknown = await response.json().catch(() => undefined);
    if (!response.ok) {
      const detail = (answer as { detail?: string } | undefined)?.detail;
      throw new Error(`${as}: ${method} ${path} answered ${response.status}: ${detail}`);
    }
    return answer as T;
  };
}

/** Times as the competition's calendar gives them (Europe/Amsterdam), as every line of the demo says. */
export const demoClock = (at: string | Date = new Date()) =>
  new Date(at).toLocaleTimeString('en-GB', { timeZone: DEMO_TEMPLATE.calendar!.timeZone });

async function phaseOf(call: Call, id: string) {
  type Status = { phases: { state: string; timeline: Record<string, string | null> }[] };
  const status = await call<Status>('officer-1', 'GET', `/competitions/${id}`);
  return status.phases[0]!;
}

/** Waits (polling the status, as any client would) until the phase is in one of `states`. */
async function reach(call: Call, id: string, states: string[], signal: AbortSignal) {
  for (;;) {
    const phase = await phaseOf(call, id);
    if (states.includes(phase.state)) return phase;
    await new Promise((resolve) => setTimeout(resolve, 2000));
    signal.throwIfAborted();
  }
}

async function bid(call: Call, id: string, log: DemoOptions['log']) {
  for (const b of BIDS) {
    await call(b.company, 'POST', `/competitions/${id}/phases/${PHASE}/offers`, {
      content: b.content,
      requestedAmount: b.amount,
    });
    log(`demo: ${b.company} sent its offer (${b.content}) and got a signed receipt`);
  }
}

async function judge(call: Call, id: string, log: DemoOptions['log']) {
  for (const juror of JURORS) {
    const path = `/competitions/${id}/phases/${PHASE}/jury/offers`;
    const { offers } = await call<{ offers: { offerId: string; company: string }[] }>(juror, 'GET', path);
    for (const offer of offers) {
      const base = `/competitions/${id}/phases/${PHASE}/offers/${offer.offerId}`;
      await call(juror, 'POST', `${base}/conflict-declaration`, {
        hasConflict: false,
        statement: 'No ties to this company',
      });
      const bidOf = BIDS.find((b) => b.company === offer.company)!;
      await call(juror, 'PUT', `${base}/scores`, {
        scores: [
          { criterion: 'approach', score: bidOf.approach, reason: 'Judged on the plan as written' },
          { criterion: 'team', score: bidOf.team, reason: 'Judged on the team as presented' },
        ],
      });
    }
    await call(juror, 'POST', `/competitions/${id}/phases/${PHASE}/jury/finish`);
    log(`demo: ${juror} declared no conflicts, scored every offer with reasons, and finished`);
  }
}

/** Acts out the round, step by step, saying what happens next and when. */
async function actOut(call: Call, id: string, options: DemoOptions) {
  const { log, signal } = options;
  const opened = await reach(call, id, ['questions-open', 'submissions-open'], signal);
  log(`demo: published; submissions close at ${demoClock(opened.timeline.submissionsCloseAt!)}`);
  await bid(call, id, log);
  await reach(call, id, ['evaluation'], signal);
  for (const officer of OFFICERS) await call(officer, 'POST', `/competitions/${id}/phases/${PHASE}/opening`);
  log('demo: submissions closed; two officers opened the offers; the jury scores them now');
  await judge(call, id, log);
  await reach(call, id, ['gate'], signal);
  const { standstillEndsAt } = await call<{ standstillEndsAt: string }>(
    'officer-1',
    'POST',
    `/competitions/${id}/phases/${PHASE}/gate/approve`,
  );
  log(
    `demo: the gate is approved: intended award sent; objections possible until ${demoClock(standstillEndsAt)}`,
  );
  await reach(call, id, ['completed', 'no-award'], signal);
  log(`demo: the award is final. See GET /competitions/${id} and the Temporal UI.`);
}

/** Posts the demo procedure, launches the demo competition, and acts it out in the background. */
export async function startDemo(options: DemoOptions): Promise<{ id: string; done: Promise<void> }> {
  const call = caller(options);
  // PUT: a database that once had the demo procedure gets it again as a new version.
  await call('officer-1', 'PUT', `/templates/${DEMO_TEMPLATE.id}`, DEMO_TEMPLATE);
  const launched = await call<{ id: string }>('officer-1', 'POST', '/competitions', {
    title: 'Demo: bridge inspection fieldlab',
    buyer: 'Gemeente Voorbeeld',
    procedure: DEMO_TEMPLATE.id,
    jurors: { [PHASE]: JURORS },
  });
  const done = actOut(call, launched.id, options).catch((error: unknown) => {
    if (!options.signal.aborted) options.log(`demo: stopped: ${String(error)}`);
  });
  return { id: launched.id, done };
}
