import { phaseWorkflowId } from '../domain/competition.ts';
import { SBIR_TEMPLATE } from '../domain/templates/sbir.ts';
import { call, expectCall, inBatches, until, type Stack } from './stack.ts';

/**
 * An SBIR competition driven over the API as its people would, for the benchmarks: the SBIR
 * template with windows of minutes, and each role's steps.
 */

export const TEMPLATE = 'sbir-in-minutes';
const minutes = (amount: number) => ({ unit: 'minutes', amount });

/** The SBIR template with windows of minutes: submissions close 2 minutes after a phase opens. */
export function templateInMinutes() {
  const gates = [
    { awardSlots: 20, phaseBudget: 1_000_000, maxPerOffer: 50_000 },
    { awardSlots: 5, phaseBudget: 1_250_000, maxPerOffer: 250_000 },
    { awardSlots: 1, phaseBudget: 0, maxPerOffer: 0 },
  ];
  return {
    ...SBIR_TEMPLATE,
    id: TEMPLATE,
    name: 'SBIR in minutes (benchmark)',
    procedureType: 'below-threshold',
    phases: SBIR_TEMPLATE.phases.map(({ standstillDays: _days, ...phase }, i) => ({
      ...phase,
      schedule: {
        questionsClose: minutes(1),
        answersDue: minutes(2),
        submissionsClose: minutes(2),
        evaluationClose: minutes(90),
        intendedAwardDue: minutes(100),
      },
      standstill: minutes(1),
      reminderDaysBeforeEvaluationClose: 0,
      executionMonths: i < 2 ? 1 : 0,
      gate: { ...phase.gate, ...gates[i] },
    })),
  };
}

export const criteria = SBIR_TEMPLATE.phases[0]!.criteria.map((c) => c.key);
/** Jurors at most one point apart (no consensus meeting); companies spread from 5 to 9. */
const scoreOf = (company: string, criterion: string, juror: string) =>
  Math.min(
    10,
    5 + ((Number(company.slice(-5)) * 7 + criteria.indexOf(criterion)) % 5) + (Number(juror.slice(6)) % 2),
  );

/** Time spent waiting for a deadline to pass: the windows themselves, not work. */
export const windows = { waitedMs: 0 };
async function waitForInstant(iso: string) {
  const wait = Date.parse(iso) - Date.now();
  if (wait <= 0) return;
  windows.waitedMs += wait;
  await new Promise((r) => setTimeout(r, wait));
}

export class Competition {
  constructor(
    readonly stack: Stack,
    readonly id: string,
  ) {}

  static async launch(
    stack: Stack,
    title: string,
    phases: Record<string, unknown>,
    jury: Record<string, string[]>,
  ) {
    const body = {
      title,
      buyer: 'Rijksdienst voor Ondernemend Nederland',
      procedure: TEMPLATE,
      overrides: { phases },
      jurors: jury,
    };
    const launched = await expectCall(stack.apiUrl, 'officer-1', 'POST', '/competitions', body, 201);
    return new Competition(stack, launched.id);
  }

  api(as: string, method: string, path: string, body: unknown, status: number) {
    return expectCall(this.stack.apiUrl, as, method, `/competitions/${this.id}${path}`, body, status);
  }

  async phase(key: string) {
    const status = (await call(this.stack.apiUrl, 'officer-1', 'GET', `/competitions/${this.id}`)).body;
    return status.phases.find((p: { key: string }) => p.key === key);
  }

  waitForPhase(key: string, state: string) {
    return until(
      `${key} reaches ${state}`,
      () => this.phase(key),
      (p) => p?.state === state,
      600_000,
    );
  }

  async offers(phase: string, companies: readonly string[], requestedAmount: number) {
    await inBatches(companies, 50, (company) =>
      this.api(
        company,
        'POST',
        `/phases/${phase}/offers`,
        { content: `Offer of ${company}: plan, team, budget`, requestedAmount },
        201,
      ),
    );
  }

  /** Submissions close at their deadline; then two officers open the offers. */
  async closeAndOpen(phase: string) {
    await waitForInstant((await this.phase(phase)).timeline.submissionsCloseAt);
    await this.waitForPhase(phase, 'evaluation');
    for (const officer of ['officer-1', 'officer-2'])
      await this.api(officer, 'POST', `/phases/${phase}/opening`, undefined, 200);
  }

  /** Every juror at once, four offers at a time each: declare no conflict, score, and (optionally) finish. */
  async score(phase: string, jury: readonly string[], finish: boolean) {
    await Promise.all(
      jury.map(async (juror) => {
        const { offers } = await this.api(juror, 'GET', `/phases/${phase}/jury/offers`, undefined, 200);
        await inBatches(offers as { offerId: string; company: string }[], 4, async (offer) => {
          const path = `/phases/${phase}/offers/${offer.offerId}`;
          await this.api(
            juror,
            'POST',
            `${path}/conflict-declaration`,
            { hasConflict: false, statement: 'No ties to this company' },
            201,
          );
          const scores = criteria.map((c) => ({
            criterion: c,
            score: scoreOf(offer.company, c, juror),
            reason: `${c} judged`,
          }));
          await this.api(juror, 'PUT', `${path}/scores`, { scores }, 200);
        });
        if (finish) await this.api(juror, 'POST', `/phases/${phase}/jury/finish`, undefined, 200);
      }),
    );
  }

  async approveAndWaitStandstill(phase: string) {
    const { standstillEndsAt } = await this.api(
      'officer-1',
      'POST',
      `/phases/${phase}/gate/approve`,
      undefined,
      200,
    );
    await this.waitForPhase(phase, 'standstill');
    await waitForInstant(standstillEndsAt);
  }

  async finalAwards(phase: string) {
    return this.stack.owner<{ offer_id: string; company_id: string }[]>`
      select offer_id, company_id from awards where competition_id = ${this.id} and phase_key = ${phase} and status = 'final'`;
  }

  async history(phase: string) {
    const handle = this.stack.temporal.workflow.getHandle(phaseWorkflowId(this.id, phase));
    const [history, description] = await Promise.all([handle.fetchHistory(), handle.describe()]);
    const events = history.events ?? [];
    const rankGate = events.find(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'rankGate',
    );
    const completed = events.find(
      (e) =>
        e.activityTaskCompletedEventAttributes?.scheduledEventId?.toString() ===
        rankGate?.eventId?.toString(),
    );
    const ms = (e: typeof rankGate) =>
      Number(e!.eventTime!.seconds) * 1000 + Math.floor(e!.eventTime!.nanos! / 1e6);
    return {
      events: events.length,
      bytes: description.historySize,
      rankGateMs: completed ? ms(completed) - ms(rankGate) : NaN,
    };
  }
}
