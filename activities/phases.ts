import { ApplicationFailure } from '@temporalio/activity';
import { localTime, resolveSchedule } from '../domain/calendar.ts';
import { milestonesBeforePublication } from '../domain/schedule-preview.ts';
import { planPitchSlots, resolvePitchWindows, type PitchSlot } from '../domain/pitches.ts';
import { OFFER_STATES, type PhaseState } from '../domain/competition.ts';
import { qualifiesForNextPhase } from '../domain/rules/deliverable.ts';
import type { Calendar, Deadlines, Milestone, PhaseSchedule } from '../domain/schedule.ts';
import type { Admission, PitchPlan } from '../domain/template.ts';
import { juryAtClose, offersDigest } from '../db/audit.ts';
import { admitCompanies, awardsOf, revokeIntendedAwards } from '../db/awards.ts';
import { noticesTo } from '../db/notifications.ts';
import { countActiveOffers, numberEntries } from '../db/offers.ts';
import {
  consentToOpen,
  deadlinesOf,
  endPhase,
  evaluationCloseOf,
  jurorsStillScoring,
  markAnswersPublished,
  markOffersOpened,
  MILESTONE_COLUMNS,
  moveMilestone,
  openEvaluationRound,
  publishPhase,
  setPhaseState,
  type PhaseRow,
} from '../db/phases.ts';
import { lastPitchEnd, offersWithoutPitchSlot, storePitchSlots } from '../db/pitches.ts';
import { publishAnswered, publishedAnswers } from '../db/questions.ts';
import { record, type Change } from '../db/record.ts';
import type { Sql, TransactionSql } from '../db/sql.ts';
import { phaseJurorIds } from '../db/visibility.ts';
import { loadTemplate, lockPhase, type PhaseRef } from './phase-records.ts';
import { opensWith } from '../domain/rules/opening.ts';
import { movesForward } from '../domain/rules/deadline.ts';

type Notices = NonNullable<Change['notices']>;

/** Tells every juror of the phase, in the transaction that made the news. */
async function tellJury(
  tx: TransactionSql,
  ref: PhaseRef,
  notice: { kind: string; body: Record<string, unknown>; dedupeKey: string },
) {
  const jurors = await phaseJurorIds(tx, ref.competitionId, ref.phaseKey);
  await record(tx, ref, {
    notices: noticesTo(
      ref,
      jurors.map((j) => `juror:${j}`),
      notice,
    ),
  });
  return jurors.length;
}

/**
 * What the chain records when a phase leaves a window whose writes log no entry of their own:
 * leaving the offer window, which offers there are (by their signed receipts); leaving an
 * evaluation round, the jury's declarations and scores (by their digest). Neither can then be
 * added, changed or removed unseen. The phase row is locked, so no such write is still under way.
 */
async function recordsAtClose(tx: TransactionSql, ref: PhaseRef, from: PhaseRow, to: PhaseState) {
  const leaves = (window: readonly PhaseState[]) => window.includes(from.state) && !window.includes(to);
  return {
    ...(leaves(OFFER_STATES)
      ? {
          offersAtClose: {
            phase: ref.phaseKey,
            ...(await offersDigest(tx, ref.competitionId, ref.phaseKey)),
          },
        }
      : {}),
    ...(leaves(['evaluation'])
      ? { juryAtClose: await juryAtClose(tx, { ...ref, round: from.evaluation_round }) }
      : {}),
  };
}

/** Why a phase cannot be published now: a failure that waits for an officer, never retried by itself. */
export const PLAN_IN_THE_PAST = 'plan-in-the-past';

/**
 * A phase whose plan, resolved from its publication now, has a milestone at or before that instant
 * would close at once (a day-1 deadline at 12:00 for a publication at 15:00, the next phase of a
 * competition after a long delay). It is not published: the workflow shows `needs-attention` with
 * this reason and tells the officers, and an officer's resume publishes it afresh, from that moment.
 */
function refusePlanInThePast(
  deadlines: Deadlines,
  input: { publishedAt: string; calendar: Calendar; phaseKey: string },
): void {
  const past = milestonesBeforePublication(deadlines, new Date(input.publishedAt), input.calendar.timeZone);
  if (past.length === 0) return;
  throw ApplicationFailure.create({
    type: PLAN_IN_THE_PAST,
    nonRetryable: true,
    message:
      `phase ${input.phaseKey} is not published: ${past.map((p) => p.message).join('; ')}. Resume the ` +
      `phase when its plan fits (it is then published from that moment), or cancel the competition`,
  });
}

export interface OpenPhaseInput extends PhaseRef {
  admission: Admission;
  schedule: PhaseSchedule;
  calendar: Calendar;
  publishedAt: string;
}

/** Publishes the phase: resolves its deadlines from the publication instant and admits companies. */
export async function openPhase(sql: Sql, input: OpenPhaseInput): Promise<Deadlines> {
  return sql.begin(async (tx) => {
    const phase = await lockPhase(tx, input);
    if (phase.state !== 'pending') return deadlinesOf(phase);
    const deadlines = resolveSchedule(input.schedule, new Date(input.publishedAt), input.calendar);
    refusePlanInThePast(deadlines, input);
    if (input.admission.kind === 'winners-of') {
      const from = input.admission.phase;
      const awards = await awardsOf(tx, { competitionId: input.competitionId, phaseKey: from });
      await admitCompanies(
        tx,
        input,
        from,
        awards.filter(qualifiesForNextPhase).map((a) => a.companyId),
      );
    }
    await publishPhase(tx, input, input.publishedAt, deadlines);
    await record(tx, input, {
      audit: {
        actor: 'system',
        action: 'phase.published',
        data: { phase: input.phaseKey, publishedAt: input.publishedAt, deadlines },
      },
      notices: [
        {
          recipient: 'public',
          kind: 'phase-published',
          body: { phase: input.phaseKey, deadlines },
          dedupeKey: `published:${input.competitionId}:${input.phaseKey}`,
        },
      ],
    });
    return deadlines;
  });
}

export async function movePhase(sql: Sql, input: PhaseRef & { to: PhaseState; at: string }): Promise<void> {
  await sql.begin(async (tx) => {
    const phase = await lockPhase(tx, input);
    if (phase.state === input.to) return;
    await setPhaseState(tx, input, input.to);
    const closing = await recordsAtClose(tx, input, phase, input.to);
    await record(tx, input, {
      audit: {
        actor: 'system',
        action: 'phase.moved',
        data: { phase: input.phaseKey, from: phase.state, to: input.to, at: input.at, ...closing },
      },
    });
  });
}

/** The nota van inlichtingen: every answer, without the asker's name, to everyone at once. */
export async function publishAnswers(
  sql: Sql,
  input: PhaseRef & { at: string },
): Promise<{ published: number }> {
  return sql.begin(async (tx) => {
    const phase = await lockPhase(tx, input);
    // Later answers go out one by one as addenda (db/questions.ts): the nota itself goes out once.
    if (phase.answers_published_at) return { published: 0 };
    const published = await publishAnswered(tx, input, input.at);
    await markAnswersPublished(tx, input, input.at);
    const answers = await publishedAnswers(tx, input);
    await record(tx, input, {
      audit: {
        actor: 'system',
        action: 'answers.published',
        data: { phase: input.phaseKey, published: published.length },
      },
      notices: [
        {
          recipient: 'public',
          kind: 'answers-published',
          body: {
            phase: input.phaseKey,
            answers: answers.map((q) => ({ question: q.question, answer: q.answer })),
          },
          dedupeKey: `answers:${input.competitionId}:${input.phaseKey}:${input.at}`,
        },
      ],
    });
    return { published: published.length };
  });
}

/** Closes submissions and opens (or re-opens, after an upheld objection) the jury's scoring. */
export async function openEvaluation(
  sql: Sql,
  input: PhaseRef & { round: number; evaluationCloseAt: string },
) {
  return sql.begin(async (tx) => {
    const phase = await lockPhase(tx, input);
    if (phase.state !== 'evaluation' || phase.evaluation_round !== input.round) {
      await openEvaluationRound(tx, input, input.round, input.evaluationCloseAt);
      await revokeIntendedAwards(tx, input);
      const closing = await recordsAtClose(tx, input, phase, 'evaluation');
      await record(tx, input, {
        audit: {
          actor: 'system',
          action: 'evaluation.opened',
          data: { phase: input.phaseKey, round: input.round, closesAt: input.evaluationCloseAt, ...closing },
        },
      });
    }
    await numberEntries(tx, input);
    const offers = await countActiveOffers(tx, input);
    const jurors = await tellJury(tx, input, {
      kind: 'evaluation-opened',
      body: { phase: input.phaseKey, round: input.round, offers, closesAt: input.evaluationCloseAt },
      dedupeKey: `evaluation:${input.competitionId}:${input.phaseKey}:${input.round}`,
    });
    return { offers, jurors };
  });
}

/** The jury's pitch windows still open for new slots: slots already given keep their time, new ones follow them. */
async function freePitchWindows(
  tx: TransactionSql,
  ref: PhaseRef,
  phase: PhaseRow,
  plan: PitchPlan,
  calendar: Calendar,
) {
  const last = await lastPitchEnd(tx, ref);
  return resolvePitchWindows(plan, phase.published_at!, calendar)
    .map((w) => ({
      start: last && last > w.start ? new Date(last.getTime() + plan.changeoverMinutes * 60_000) : w.start,
      end: w.end,
    }))
    .filter((w) => w.start < w.end);
}

/** Each company's invitation to its slot, and the officers' warning when some offers got none. */
function pitchNotices(
  ref: PhaseRef & { round: number },
  planned: { slots: PitchSlot[]; unassigned: string[] },
  plan: PitchPlan,
  timeZone: string,
): Notices {
  const { slots, unassigned } = planned;
  const invitations: Notices = slots.map((s) => ({
    recipient: `company:${s.company}`,
    kind: 'pitch-invitation',
    body: {
      phase: ref.phaseKey,
      offer: s.offerId,
      startsAt: localTime(s.startsAt, timeZone),
      endsAt: localTime(s.endsAt, timeZone),
      minutes: plan.slotMinutes,
    },
    dedupeKey: `pitch:${s.offerId}`,
  }));
  if (unassigned.length === 0) return invitations;
  const short = `pitch-short:${ref.competitionId}:${ref.phaseKey}:${ref.round}:${unassigned.join(',')}`;
  return [
    ...invitations,
    {
      recipient: 'officers',
      kind: 'pitch-slots-short',
      body: { phase: ref.phaseKey, unassigned },
      dedupeKey: short,
    },
  ];
}

/** Gives every offer a pitch slot in the jury's availability and tells each company its slot. */
export async function schedulePitches(
  sql: Sql,
  input: PhaseRef & { round: number },
): Promise<{ scheduled: number; unassigned: number }> {
  return sql.begin(async (tx) => {
    const phase = await lockPhase(tx, input);
    const { template, phase: phaseTemplate } = await loadTemplate(tx, input);
    const plan = phaseTemplate.pitches;
    if (!plan) return { scheduled: 0, unassigned: 0 };
    const offers = await offersWithoutPitchSlot(tx, input);
    const windows = await freePitchWindows(tx, input, phase, plan, template.calendar);
    const planned = planPitchSlots(
      offers.map((o) => ({ offerId: o.id, company: o.company_id })),
      windows,
      plan,
    );
    const { slots, unassigned } = planned;
    await storePitchSlots(tx, input, slots);
    await record(tx, input, {
      ...(slots.length > 0
        ? {
            audit: {
              actor: 'system',
              action: 'pitches.scheduled',
              data: { phase: input.phaseKey, scheduled: slots.length, unassigned },
            },
          }
        : {}),
      notices: pitchNotices(input, planned, plan, template.calendar.timeZone),
    });
    return { scheduled: slots.length, unassigned: unassigned.length };
  });
}

/** Records an officer's consent; with two distinct officers the offers open for the jury. */
export async function recordOpening(sql: Sql, input: PhaseRef & { officerId: string; at: string }) {
  return sql.begin(async (tx) => {
    const phase = await lockPhase(tx, input);
    const { added, officers } = await consentToOpen(tx, input, 'offers', input);
    const opened = opensWith(officers);
    if (opened && !phase.offers_opened_at) {
      await markOffersOpened(tx, input, input.at);
      await record(tx, input, {
        audit: { actor: input.officerId, action: 'offers.opened', data: { phase: input.phaseKey, officers } },
      });
      await tellJury(tx, input, {
        kind: 'offers-opened',
        body: { phase: input.phaseKey },
        dedupeKey: `opened:${input.competitionId}:${input.phaseKey}`,
      });
    } else if (!opened && added) {
      await record(tx, input, {
        audit: { actor: input.officerId, action: 'offers.opening-consent', data: { phase: input.phaseKey } },
      });
    }
    return { opened, officers };
  });
}

/** Reminds the jurors who have not finished the round that the evaluation closes. */
export async function remindJurors(
  sql: Sql,
  input: PhaseRef & { round: number },
): Promise<{ reminded: number }> {
  return sql.begin(async (tx) => {
    const late = await jurorsStillScoring(tx, input, input.round);
    const closesAt = await evaluationCloseOf(tx, input);
    await record(tx, input, {
      notices: noticesTo(
        input,
        late.map((j) => `juror:${j}`),
        {
          kind: 'evaluation-reminder',
          body: { phase: input.phaseKey, round: input.round, closesAt },
          dedupeKey: `reminder:${input.competitionId}:${input.phaseKey}:${input.round}`,
        },
      ),
    });
    return { reminded: late.length };
  });
}

export interface DeadlineExtension extends PhaseRef {
  officerId: string;
  milestone: Milestone;
  until: string;
  reason: string;
}

/**
 * Moves a milestone later and tells everyone. A deadline only moves forward: a request for the same
 * or an earlier instant changes nothing. Answers the deadline as stored after the call, changed or
 * not, so the workflow keeps the value Postgres and the companies have.
 */
export async function extendDeadline(sql: Sql, input: DeadlineExtension): Promise<{ until: string }> {
  return sql.begin(async (tx) => {
    const phase = await lockPhase(tx, input);
    const before = phase[MILESTONE_COLUMNS[input.milestone]]!;
    // The workflow checked the rule; a retry after the change, or a later extension stored first, finds it moved.
    if (!movesForward(before, input.until)) return { until: before.toISOString() };
    await moveMilestone(tx, input, input.milestone, input.until);
    const { milestone, until, reason } = input;
    await record(tx, input, {
      audit: {
        actor: input.officerId,
        action: 'deadline.extended',
        data: { phase: input.phaseKey, milestone, from: before.toISOString(), to: until, reason },
      },
      notices: [
        {
          recipient: 'public',
          kind: 'deadline-extended',
          body: { phase: input.phaseKey, milestone, until, reason },
          dedupeKey: `extended:${input.competitionId}:${input.phaseKey}:${milestone}:${until}`,
        },
      ],
    });
    return { until: new Date(until).toISOString() };
  });
}

export interface PhaseClosing extends PhaseRef {
  outcome: 'completed' | 'no-award' | 'cancelled';
  reason: string | null;
  at: string;
}

/** Ends the phase and names the companies that may enter the next one (domain/rules/deliverable.ts). */
export async function closePhase(sql: Sql, input: PhaseClosing): Promise<{ qualified: string[] }> {
  return sql.begin(async (tx) => {
    const phase = await lockPhase(tx, input);
    if (phase.state !== input.outcome) {
      await endPhase(tx, input, input.outcome, input.reason);
      const closing = await recordsAtClose(tx, input, phase, input.outcome);
      await record(tx, input, {
        audit: {
          actor: 'system',
          action: 'phase.closed',
          data: {
            phase: input.phaseKey,
            outcome: input.outcome,
            reason: input.reason,
            at: input.at,
            ...closing,
          },
        },
      });
    }
    const awards = await awardsOf(tx, input);
    return { qualified: awards.filter(qualifiesForNextPhase).map((a) => a.companyId) };
  });
}

/** The phase's activities, as the phase workflow calls them by name. */
export function createPhaseActivities({ sql }: { sql: Sql }) {
  return {
    openPhase: (input: OpenPhaseInput) => openPhase(sql, input),
    movePhase: (input: PhaseRef & { to: PhaseState; at: string }) => movePhase(sql, input),
    publishAnswers: (input: PhaseRef & { at: string }) => publishAnswers(sql, input),
    openEvaluation: (input: PhaseRef & { round: number; evaluationCloseAt: string }) =>
      openEvaluation(sql, input),
    schedulePitches: (input: PhaseRef & { round: number }) => schedulePitches(sql, input),
    recordOpening: (input: PhaseRef & { officerId: string; at: string }) => recordOpening(sql, input),
    remindJurors: (input: PhaseRef & { round: number }) => remindJurors(sql, input),
    extendDeadline: (input: DeadlineExtension) => extendDeadline(sql, input),
    closePhase: (input: PhaseClosing) => closePhase(sql, input),
  };
}
