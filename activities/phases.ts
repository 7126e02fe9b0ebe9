import { ApplicationFailure } from '@temporalio/activity';
import { localTime, resolveSchedule } from '../domain/calendar.ts';
import { milestonesBeforePublication } from '../domain/schedule-preview.ts';
import { planPitchSlots, resolvePitchWindows } from '../domain/pitches.ts';
import { OFFER_STATES, type PhaseState } from '../domain/competition.ts';
import type { Calendar, Deadlines, Milestone, PhaseSchedule } from '../domain/schedule.ts';
import type { Admission } from '../domain/template.ts';
import { appendAudit, offersDigest } from '../db/audit.ts';
import type { Sql, TransactionSql } from '../db/sql.ts';
import { notify, noticesTo } from '../db/notifications.ts';
import { loadTemplate, lockPhase, revokeIntendedAwards, type PhaseRef } from './phase-records.ts';

const MILESTONE_COLUMNS: Record<Milestone, string> = {
  questionsClose: 'questions_close_at',
  answersDue: 'answers_due_at',
  submissionsClose: 'submissions_close_at',
  evaluationClose: 'evaluation_close_at',
  intendedAwardDue: 'intended_award_due_at',
};

/** Tells every juror of the phase, in the transaction that made the news. */
async function tellJury(
  tx: TransactionSql,
  ref: PhaseRef,
  notice: { kind: string; body: Record<string, unknown>; dedupeKey: string },
) {
  const jurors = await tx<{ juror_id: string }[]>`
    select juror_id from phase_jurors where competition_id = ${ref.competitionId} and phase_key = ${ref.phaseKey}`;
  await notify(
    tx,
    noticesTo(
      ref,
      jurors.map((j) => `juror:${j.juror_id}`),
      notice,
    ),
  );
  return jurors.length;
}

/**
 * Leaving the offer window, the chain records which offers there are, by their signed receipts, so
 * none can be added or removed later unseen (intake itself writes no audit entry).
 */
async function offersAtClose(tx: TransactionSql, ref: PhaseRef, from: PhaseState) {
  if (!OFFER_STATES.includes(from)) return {};
  return {
    offersAtClose: { phase: ref.phaseKey, ...(await offersDigest(tx, ref.competitionId, ref.phaseKey)) },
  };
}

/**
 * Anonymous review: each active offer with an identity part gets its entry number ("Entry 7") when the
 * evaluation opens, once, in the order of its random id, so the number tells neither the company
 * nor when it sent the offer.
 */
async function numberEntries(tx: TransactionSql, ref: PhaseRef) {
  await tx`
    update offers o set entry_number = n.base + n.position
    from (
      select id, row_number() over (order by id) as position,
        (select coalesce(max(entry_number), 0) from offers
         where competition_id = ${ref.competitionId} and phase_key = ${ref.phaseKey}) as base
      from offers
      where competition_id = ${ref.competitionId} and phase_key = ${ref.phaseKey} and status = 'active'
        and sealed_identity is not null and entry_number is null
    ) n
    where o.id = n.id`;
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

export function createPhaseActivities({ sql }: { sql: Sql }) {
  return {
    /** Publishes the phase: resolves its deadlines from the publication instant and admits companies. */
    async openPhase(
      input: PhaseRef & {
        admission: Admission;
        schedule: PhaseSchedule;
        calendar: Calendar;
        publishedAt: string;
      },
    ): Promise<Deadlines> {
      return sql.begin(async (tx) => {
        const phase = await lockPhase(tx, input);
        if (phase.state !== 'pending') {
          return Object.fromEntries(
            Object.entries(MILESTONE_COLUMNS).map(([m, column]) => [
              m,
              (phase[column] as Date).toISOString(),
            ]),
          ) as Deadlines;
        }
        const deadlines = resolveSchedule(input.schedule, new Date(input.publishedAt), input.calendar);
        refusePlanInThePast(deadlines, input);
        if (input.admission.kind === 'winners-of') {
          await tx`
            insert into admissions (competition_id, phase_key, company_id, from_phase)
            select competition_id, ${input.phaseKey}, company_id, phase_key from awards
            where competition_id = ${input.competitionId} and phase_key = ${input.admission.phase}
              and status = 'final' and deliverable_status = 'accepted'
            on conflict do nothing`;
        }
        await tx`
          update phases set state = 'questions-open', published_at = ${input.publishedAt},
            questions_close_at = ${deadlines.questionsClose}, answers_due_at = ${deadlines.answersDue},
            submissions_close_at = ${deadlines.submissionsClose}, evaluation_close_at = ${deadlines.evaluationClose},
            intended_award_due_at = ${deadlines.intendedAwardDue}, updated_at = now()
          where competition_id = ${input.competitionId} and key = ${input.phaseKey}`;
        await appendAudit(tx, {
          competitionId: input.competitionId,
          actor: 'system',
          action: 'phase.published',
          data: { phase: input.phaseKey, publishedAt: input.publishedAt, deadlines },
        });
        await notify(tx, [
          {
            competitionId: input.competitionId,
            phaseKey: input.phaseKey,
            recipient: 'public',
            kind: 'phase-published',
            body: { phase: input.phaseKey, deadlines },
            dedupeKey: `published:${input.competitionId}:${input.phaseKey}`,
          },
        ]);
        return deadlines;
      });
    },

    async movePhase(input: PhaseRef & { to: PhaseState; at: string }): Promise<void> {
      await sql.begin(async (tx) => {
        const phase = await lockPhase(tx, input);
        if (phase.state === input.to) return;
        await tx`
          update phases set state = ${input.to}, updated_at = now()
          where competition_id = ${input.competitionId} and key = ${input.phaseKey}`;
        await appendAudit(tx, {
          competitionId: input.competitionId,
          actor: 'system',
          action: 'phase.moved',
          data: {
            phase: input.phaseKey,
            from: phase.state,
            to: input.to,
            at: input.at,
            ...(OFFER_STATES.includes(input.to) ? {} : await offersAtClose(tx, input, phase.state)),
          },
        });
      });
    },

    /** The nota van inlichtingen: every answer, without the asker's name, to everyone at once. */
    async publishAnswers(input: PhaseRef & { at: string }): Promise<{ published: number }> {
      return sql.begin(async (tx) => {
        const phase = await lockPhase(tx, input);
        // Later answers go out one by one as addenda (db/questions.ts): the nota itself goes out once.
        if (phase.answers_published_at) return { published: 0 };
        const published = await tx<{ id: string; question: string; answer: string }[]>`
          update questions set published_at = ${input.at}
          where competition_id = ${input.competitionId} and phase_key = ${input.phaseKey}
            and answer is not null and published_at is null
          returning id, question, answer`;
        await tx`
          update phases set answers_published_at = coalesce(answers_published_at, ${input.at})
          where competition_id = ${input.competitionId} and key = ${input.phaseKey}`;
        const all = await tx<{ question: string; answer: string }[]>`
          select question, answer from questions
          where competition_id = ${input.competitionId} and phase_key = ${input.phaseKey} and published_at is not null
          order by asked_at, id`;
        await appendAudit(tx, {
          competitionId: input.competitionId,
          actor: 'system',
          action: 'answers.published',
          data: { phase: input.phaseKey, published: published.length },
        });
        await notify(tx, [
          {
            competitionId: input.competitionId,
            phaseKey: input.phaseKey,
            recipient: 'public',
            kind: 'answers-published',
            body: {
              phase: input.phaseKey,
              answers: all.map((q) => ({ question: q.question, answer: q.answer })),
            },
            dedupeKey: `answers:${input.competitionId}:${input.phaseKey}:${input.at}`,
          },
        ]);
        return { published: published.length };
      });
    },

    /** Closes submissions and opens (or re-opens, after an upheld objection) the jury's scoring. */
    async openEvaluation(input: PhaseRef & { round: number; evaluationCloseAt: string }) {
      return sql.begin(async (tx) => {
        const phase = await lockPhase(tx, input);
        if (phase.state !== 'evaluation' || phase.evaluation_round !== input.round) {
          await tx`
            update phases set state = 'evaluation', evaluation_round = ${input.round},
              evaluation_close_at = ${input.evaluationCloseAt}, updated_at = now()
            where competition_id = ${input.competitionId} and key = ${input.phaseKey}`;
          await revokeIntendedAwards(tx, input);
          await appendAudit(tx, {
            competitionId: input.competitionId,
            actor: 'system',
            action: 'evaluation.opened',
            data: {
              phase: input.phaseKey,
              round: input.round,
              closesAt: input.evaluationCloseAt,
              ...(await offersAtClose(tx, input, phase.state)),
            },
          });
        }
        await numberEntries(tx, input);
        const [{ offers }] = (await tx`
          select count(*)::int as offers from offers
          where competition_id = ${input.competitionId} and phase_key = ${input.phaseKey} and status = 'active'`) as [
          { offers: number },
        ];
        const jurors = await tellJury(tx, input, {
          kind: 'evaluation-opened',
          body: { phase: input.phaseKey, round: input.round, offers, closesAt: input.evaluationCloseAt },
          dedupeKey: `evaluation:${input.competitionId}:${input.phaseKey}:${input.round}`,
        });
        return { offers, jurors };
      });
    },

    /** Gives every offer a pitch slot in the jury's availability and tells each company its slot. */
    async schedulePitches(
      input: PhaseRef & { round: number },
    ): Promise<{ scheduled: number; unassigned: number }> {
      return sql.begin(async (tx) => {
        const phase = await lockPhase(tx, input);
        const { template, phase: phaseTemplate } = await loadTemplate(tx, input);
        const { calendar } = template;
        const plan = phaseTemplate.pitches;
        if (!plan) return { scheduled: 0, unassigned: 0 };
        const offers = await tx<{ id: string; company_id: string }[]>`
          select o.id, o.company_id from offers o
          where o.competition_id = ${input.competitionId} and o.phase_key = ${input.phaseKey} and o.status = 'active'
            and not exists (select 1 from pitch_slots s where s.offer_id = o.id)
          order by o.submitted_at, o.id`;
        const [last] = await tx<{ ends_at: Date | null }[]>`
          select max(ends_at) as ends_at from pitch_slots
          where competition_id = ${input.competitionId} and phase_key = ${input.phaseKey}`;
        // Slots already given keep their time; new ones follow the last of them.
        const windows = resolvePitchWindows(plan, phase.published_at as Date, calendar)
          .map((w) => ({
            start:
              last?.ends_at && last.ends_at > w.start
                ? new Date(last.ends_at.getTime() + plan.changeoverMinutes * 60_000)
                : w.start,
            end: w.end,
          }))
          .filter((w) => w.start < w.end);
        const { slots, unassigned } = planPitchSlots(
          offers.map((o) => ({ offerId: o.id, company: o.company_id })),
          windows,
          plan,
        );
        if (slots.length) {
          await tx`
            insert into pitch_slots ${tx(
              slots.map((s) => ({
                offer_id: s.offerId,
                competition_id: input.competitionId,
                phase_key: input.phaseKey,
                round: input.round,
                starts_at: s.startsAt,
                ends_at: s.endsAt,
              })),
            )} on conflict do nothing`;
        }
        if (slots.length > 0) {
          await appendAudit(tx, {
            competitionId: input.competitionId,
            actor: 'system',
            action: 'pitches.scheduled',
            data: { phase: input.phaseKey, scheduled: slots.length, unassigned },
          });
        }
        await notify(tx, [
          ...slots.map((s) => ({
            competitionId: input.competitionId,
            phaseKey: input.phaseKey,
            recipient: `company:${s.company}`,
            kind: 'pitch-invitation',
            body: {
              phase: input.phaseKey,
              offer: s.offerId,
              startsAt: localTime(s.startsAt, calendar.timeZone),
              endsAt: localTime(s.endsAt, calendar.timeZone),
              minutes: plan.slotMinutes,
            },
            dedupeKey: `pitch:${s.offerId}`,
          })),
          ...(unassigned.length
            ? [
                {
                  competitionId: input.competitionId,
                  phaseKey: input.phaseKey,
                  recipient: 'officers',
                  kind: 'pitch-slots-short',
                  body: { phase: input.phaseKey, unassigned },
                  dedupeKey: `pitch-short:${input.competitionId}:${input.phaseKey}:${input.round}:${unassigned.join(',')}`,
                },
              ]
            : []),
        ]);
        return { scheduled: slots.length, unassigned: unassigned.length };
      });
    },

    /** Records an officer's consent; with two distinct officers the offers open for the jury. */
    async recordOpening(input: PhaseRef & { officerId: string; at: string }) {
      return sql.begin(async (tx) => {
        const phase = await lockPhase(tx, input);
        const consented = await tx`
          insert into offer_openings (competition_id, phase_key, officer_id, consented_at)
          values (${input.competitionId}, ${input.phaseKey}, ${input.officerId}, ${input.at}) on conflict do nothing
          returning officer_id`;
        const officers = (
          await tx<{ officer_id: string }[]>`
            select officer_id from offer_openings
            where competition_id = ${input.competitionId} and phase_key = ${input.phaseKey} order by consented_at, officer_id`
        ).map((o) => o.officer_id);
        const opened = officers.length >= 2;
        if (opened && !phase.offers_opened_at) {
          await tx`
            update phases set offers_opened_at = ${input.at}, updated_at = now()
            where competition_id = ${input.competitionId} and key = ${input.phaseKey}`;
          await appendAudit(tx, {
            competitionId: input.competitionId,
            actor: input.officerId,
            action: 'offers.opened',
            data: { phase: input.phaseKey, officers },
          });
          await tellJury(tx, input, {
            kind: 'offers-opened',
            body: { phase: input.phaseKey },
            dedupeKey: `opened:${input.competitionId}:${input.phaseKey}`,
          });
        } else if (!opened && consented.length > 0) {
          await appendAudit(tx, {
            competitionId: input.competitionId,
            actor: input.officerId,
            action: 'offers.opening-consent',
            data: { phase: input.phaseKey },
          });
        }
        return { opened, officers };
      });
    },

    async remindJurors(input: PhaseRef & { round: number }): Promise<{ reminded: number }> {
      return sql.begin(async (tx) => {
        const late = await tx<{ juror_id: string }[]>`
          select j.juror_id from phase_jurors j
          where j.competition_id = ${input.competitionId} and j.phase_key = ${input.phaseKey}
            and not exists (select 1 from juror_completions c where c.competition_id = j.competition_id
              and c.phase_key = j.phase_key and c.juror_id = j.juror_id and c.round = ${input.round})`;
        const [phase] = await tx`
          select evaluation_close_at from phases where competition_id = ${input.competitionId} and key = ${input.phaseKey}`;
        await notify(
          tx,
          noticesTo(
            input,
            late.map((j) => `juror:${j.juror_id}`),
            {
              kind: 'evaluation-reminder',
              body: { phase: input.phaseKey, round: input.round, closesAt: phase?.evaluation_close_at },
              dedupeKey: `reminder:${input.competitionId}:${input.phaseKey}:${input.round}`,
            },
          ),
        );
        return { reminded: late.length };
      });
    },

    async extendDeadline(
      input: PhaseRef & {
        officerId: string;
        milestone: Milestone;
        until: string;
        reason: string;
      },
    ): Promise<void> {
      await sql.begin(async (tx) => {
        const phase = await lockPhase(tx, input);
        const column = MILESTONE_COLUMNS[input.milestone];
        const before = phase[column] as Date;
        if (before.getTime() >= Date.parse(input.until)) return;
        await tx`
          update phases set ${tx({ [column]: input.until, updated_at: new Date() })}
          where competition_id = ${input.competitionId} and key = ${input.phaseKey}`;
        await appendAudit(tx, {
          competitionId: input.competitionId,
          actor: input.officerId,
          action: 'deadline.extended',
          data: {
            phase: input.phaseKey,
            milestone: input.milestone,
            from: before.toISOString(),
            to: input.until,
            reason: input.reason,
          },
        });
        await notify(tx, [
          {
            competitionId: input.competitionId,
            phaseKey: input.phaseKey,
            recipient: 'public',
            kind: 'deadline-extended',
            body: {
              phase: input.phaseKey,
              milestone: input.milestone,
              until: input.until,
              reason: input.reason,
            },
            dedupeKey: `extended:${input.competitionId}:${input.phaseKey}:${input.milestone}:${input.until}`,
          },
        ]);
      });
    },

    /** Ends the phase and names the companies that may enter the next one. */
    async closePhase(
      input: PhaseRef & {
        outcome: 'completed' | 'no-award' | 'cancelled';
        reason: string | null;
        at: string;
      },
    ): Promise<{ qualified: string[] }> {
      return sql.begin(async (tx) => {
        const phase = await lockPhase(tx, input);
        if (phase.state !== input.outcome) {
          await tx`
            update phases set state = ${input.outcome}, outcome = ${input.reason}, updated_at = now()
            where competition_id = ${input.competitionId} and key = ${input.phaseKey}`;
          await appendAudit(tx, {
            competitionId: input.competitionId,
            actor: 'system',
            action: 'phase.closed',
            data: { phase: input.phaseKey, outcome: input.outcome, reason: input.reason, at: input.at },
          });
        }
        const qualified = await tx<{ company_id: string }[]>`
          select company_id from awards
          where competition_id = ${input.competitionId} and phase_key = ${input.phaseKey}
            and status = 'final' and deliverable_status = 'accepted'
          order by rank`;
        return { qualified: qualified.map((q) => q.company_id) };
      });
    },
  };
}
