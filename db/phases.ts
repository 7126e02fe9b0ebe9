import type { PhaseState } from '../domain/competition.ts';
import { MILESTONES, type Deadlines, type Milestone } from '../domain/schedule.ts';
import { inOrder, type Sql, type TransactionSql } from './sql.ts';

/** A phase of a competition: what every phase repository function and activity works on. */
export interface PhaseRef {
  competitionId: string;
  phaseKey: string;
}

/** A phase's record as its columns hold it (001_competitions.sql, 005, 010). */
export type PhaseRow = {
  competition_id: string;
  key: string;
  position: number;
  name: string;
  state: PhaseState;
  evaluation_round: number;
  offers_opened_at: Date | null;
  identities_opened_at: Date | null;
  published_at: Date | null;
  questions_close_at: Date | null;
  answers_due_at: Date | null;
  answers_published_at: Date | null;
  submissions_close_at: Date | null;
  evaluation_close_at: Date | null;
  intended_award_due_at: Date | null;
  intended_award_at: Date | null;
  standstill_ends_at: Date | null;
  standstill_closed_at: Date | null;
  final_award_at: Date | null;
  deliverables_due_at: Date | null;
  outcome: string | null;
  attention_from: PhaseState | null;
  attention_step: string | null;
  attention_reason: string | null;
  attention_since: Date | null;
  attention_raised_by: 'phase' | 'competition' | null;
};

/** The phase's deadline columns, each an instant once the phase is published. */
export type DeadlineColumn =
  | 'questions_close_at'
  | 'answers_due_at'
  | 'submissions_close_at'
  | 'evaluation_close_at'
  | 'intended_award_due_at'
  | 'standstill_ends_at';

/** Every column of `PhaseRow` once: the type makes a column added to one and not the other fail to compile. */
const COLUMNS: Record<keyof PhaseRow, true> = {
  competition_id: true,
  key: true,
  position: true,
  name: true,
  state: true,
  evaluation_round: true,
  offers_opened_at: true,
  identities_opened_at: true,
  published_at: true,
  questions_close_at: true,
  answers_due_at: true,
  answers_published_at: true,
  submissions_close_at: true,
  evaluation_close_at: true,
  intended_award_due_at: true,
  intended_award_at: true,
  standstill_ends_at: true,
  standstill_closed_at: true,
  final_award_at: true,
  deliverables_due_at: true,
  outcome: true,
  attention_from: true,
  attention_step: true,
  attention_reason: true,
  attention_since: true,
  attention_raised_by: true,
};

/** The column list of a `PhaseRow` select, optionally qualified by the table's alias in a join. */
export function phaseColumns(sql: Sql | TransactionSql, alias?: string) {
  const names = Object.keys(COLUMNS);
  return sql(alias ? names.map((name) => `${alias}.${name}`) : names);
}

/**
 * Holds all the phase's write locks exclusively and locks its row for update: offers, declarations
 * and scores hold one of those locks shared (guardPhase, migration 017), so a transition waits for
 * those under way, and those after it see its new state.
 */
export async function lockPhaseRow(tx: TransactionSql, ref: PhaseRef) {
  const [, [phase]] = await inOrder([
    tx`select phase_transition_lock(${ref.competitionId}, ${ref.phaseKey})`,
    tx<PhaseRow[]>`
      select ${phaseColumns(tx)} from phases
      where competition_id = ${ref.competitionId} and key = ${ref.phaseKey} for update`,
  ]);
  return phase;
}

/** A competition's phases in the order they run. */
export async function phasesOf(sql: Sql, competitionId: string) {
  return sql<PhaseRow[]>`
    select ${phaseColumns(sql)} from phases where competition_id = ${competitionId} order by position`;
}

/** Moves the phase to a state; what else changes with it is the caller's to write. */
export async function setPhaseState(tx: TransactionSql, ref: PhaseRef, state: PhaseState) {
  await tx`
    update phases set state = ${state}, updated_at = now()
    where competition_id = ${ref.competitionId} and key = ${ref.phaseKey}`;
}

/** The intended award is sent: the phase enters its standstill, which ends at `endsAt`. */
export async function startStandstill(tx: TransactionSql, ref: PhaseRef, at: string, endsAt: string) {
  await tx`
    update phases set state = 'standstill', intended_award_at = ${at}, standstill_closed_at = null,
      standstill_ends_at = ${endsAt}, updated_at = now()
    where competition_id = ${ref.competitionId} and key = ${ref.phaseKey}`;
}

/** The standstill's timer fired: objections after this are late, whatever the clocks say. */
export async function closeStandstill(tx: TransactionSql, ref: PhaseRef, at: string) {
  await tx`
    update phases set standstill_closed_at = coalesce(standstill_closed_at, ${at})
    where competition_id = ${ref.competitionId} and key = ${ref.phaseKey}`;
}

/** The final award is made: the phase goes on to its execution (or completes) with its due date. */
export async function recordFinalAward(
  tx: TransactionSql,
  ref: PhaseRef,
  award: { state: PhaseState; at: string; deliverablesDueAt: string | null },
) {
  await tx`
    update phases set state = ${award.state}, final_award_at = ${award.at},
      deliverables_due_at = ${award.deliverablesDueAt === null ? null : new Date(award.deliverablesDueAt)},
      updated_at = now()
    where competition_id = ${ref.competitionId} and key = ${ref.phaseKey}`;
}

/** When the phase's deliverables are due; null before the final award or without execution. */
export async function deliverablesDueOf(sql: Sql | TransactionSql, ref: PhaseRef) {
  const [row] = await sql<{ due: Date | null }[]>`
    select deliverables_due_at as due from phases
    where competition_id = ${ref.competitionId} and key = ${ref.phaseKey}`;
  return row?.due ?? null;
}

/** Two distinct officers open a phase's offers, or under anonymous review its identity parts. */
const CONSENTS = { offers: 'offer_openings', identities: 'identity_openings' } as const;

/**
 * Records an officer's consent to open the offers or the identities (once per officer) and answers
 * whether this call added it, and every officer who has consented so far, in order.
 */
export async function consentToOpen(
  tx: TransactionSql,
  ref: PhaseRef,
  what: keyof typeof CONSENTS,
  consent: { officerId: string; at: string },
) {
  const table = tx(CONSENTS[what]);
  const added = await tx`
    insert into ${table} (competition_id, phase_key, officer_id, consented_at)
    values (${ref.competitionId}, ${ref.phaseKey}, ${consent.officerId}, ${consent.at}) on conflict do nothing
    returning officer_id`;
  const officers = await tx<{ officer_id: string }[]>`
    select officer_id from ${table}
    where competition_id = ${ref.competitionId} and phase_key = ${ref.phaseKey} order by consented_at, officer_id`;
  return { added: added.length > 0, officers: officers.map((o) => o.officer_id) };
}

/** The offers are open to the jury from `at`. */
export async function markOffersOpened(tx: TransactionSql, ref: PhaseRef, at: string) {
  await tx`
    update phases set offers_opened_at = ${at}, updated_at = now()
    where competition_id = ${ref.competitionId} and key = ${ref.phaseKey}`;
}

/** The identity parts are open from `at`: the ranking may name the companies. */
export async function markIdentitiesOpened(tx: TransactionSql, ref: PhaseRef, at: string) {
  await tx`
    update phases set identities_opened_at = ${at}, updated_at = now()
    where competition_id = ${ref.competitionId} and key = ${ref.phaseKey}`;
}

/** The phase column that holds each milestone of its plan. */
export const MILESTONE_COLUMNS = {
  questionsClose: 'questions_close_at',
  answersDue: 'answers_due_at',
  submissionsClose: 'submissions_close_at',
  evaluationClose: 'evaluation_close_at',
  intendedAwardDue: 'intended_award_due_at',
} as const satisfies Record<Milestone, DeadlineColumn>;

/** The phase's deadlines as stored; every one is set once the phase is published. */
export function deadlinesOf(phase: PhaseRow): Deadlines {
  const deadlines = {} as Deadlines;
  for (const milestone of MILESTONES)
    deadlines[milestone] = phase[MILESTONE_COLUMNS[milestone]]!.toISOString();
  return deadlines;
}

/** The phase is published: its questions open and its deadlines are fixed from this instant. */
export async function publishPhase(
  tx: TransactionSql,
  ref: PhaseRef,
  publishedAt: string,
  deadlines: Deadlines,
) {
  await tx`
    update phases set state = 'questions-open', published_at = ${publishedAt},
      questions_close_at = ${deadlines.questionsClose}, answers_due_at = ${deadlines.answersDue},
      submissions_close_at = ${deadlines.submissionsClose}, evaluation_close_at = ${deadlines.evaluationClose},
      intended_award_due_at = ${deadlines.intendedAwardDue}, updated_at = now()
    where competition_id = ${ref.competitionId} and key = ${ref.phaseKey}`;
}

/** Moves one milestone of the phase to `until`. */
export async function moveMilestone(tx: TransactionSql, ref: PhaseRef, milestone: Milestone, until: string) {
  await tx`
    update phases set ${tx({ [MILESTONE_COLUMNS[milestone]]: until, updated_at: new Date() })}
    where competition_id = ${ref.competitionId} and key = ${ref.phaseKey}`;
}

/** The jury scores (again) in `round`, until `closesAt`. */
export async function openEvaluationRound(
  tx: TransactionSql,
  ref: PhaseRef,
  round: number,
  closesAt: string,
) {
  await tx`
    update phases set state = 'evaluation', evaluation_round = ${round}, evaluation_close_at = ${closesAt},
      updated_at = now()
    where competition_id = ${ref.competitionId} and key = ${ref.phaseKey}`;
}

/** The nota van inlichtingen went out at `at` (the first time only). */
export async function markAnswersPublished(tx: TransactionSql, ref: PhaseRef, at: string) {
  await tx`
    update phases set answers_published_at = coalesce(answers_published_at, ${at})
    where competition_id = ${ref.competitionId} and key = ${ref.phaseKey}`;
}

/** The phase ends with an outcome (`completed`, `no-award`, `cancelled`) and its reason. */
export async function endPhase(tx: TransactionSql, ref: PhaseRef, state: PhaseState, reason: string | null) {
  await tx`
    update phases set state = ${state}, outcome = ${reason}, updated_at = now()
    where competition_id = ${ref.competitionId} and key = ${ref.phaseKey}`;
}

/** The phase's jurors who have not said they finished scoring `round`. */
export async function jurorsStillScoring(tx: TransactionSql, ref: PhaseRef, round: number) {
  const late = await tx<{ juror_id: string }[]>`
    select j.juror_id from phase_jurors j
    where j.competition_id = ${ref.competitionId} and j.phase_key = ${ref.phaseKey}
      and not exists (select 1 from juror_completions c where c.competition_id = j.competition_id
        and c.phase_key = j.phase_key and c.juror_id = j.juror_id and c.round = ${round})`;
  return late.map((j) => j.juror_id);
}

/** When the phase's evaluation closes; undefined when there is no such phase. */
export async function evaluationCloseOf(tx: TransactionSql, ref: PhaseRef) {
  const [phase] = await tx<{ evaluation_close_at: Date | null }[]>`
    select evaluation_close_at from phases where competition_id = ${ref.competitionId} and key = ${ref.phaseKey}`;
  return phase?.evaluation_close_at;
}

/** The phase stops where it is, visibly, until an officer resumes it; `from` is the state it goes back to. */
export async function markPhaseNeedsAttention(
  tx: TransactionSql,
  ref: PhaseRef,
  attention: {
    from: PhaseState;
    step: string;
    reason: string;
    since: string;
    raisedBy: 'phase' | 'competition';
  },
) {
  await tx`
    update phases set state = 'needs-attention', attention_from = ${attention.from},
      attention_step = ${attention.step}, attention_reason = ${attention.reason}, attention_since = ${attention.since},
      attention_raised_by = ${attention.raisedBy}, updated_at = now()
    where competition_id = ${ref.competitionId} and key = ${ref.phaseKey}`;
}

/** The phase goes back to the state it had before it needed attention. */
export async function resumePhaseRow(tx: TransactionSql, ref: PhaseRef) {
  await tx`
    update phases set state = attention_from, attention_from = null, attention_step = null,
      attention_reason = null, attention_since = null, attention_raised_by = null, updated_at = now()
    where competition_id = ${ref.competitionId} and key = ${ref.phaseKey}`;
}
