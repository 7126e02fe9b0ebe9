import type { CompetitionStatus, PhaseState } from '../domain/competition.ts';
import { maySee, visibleCounts, type Viewer } from '../domain/rules/visibility.ts';
import type { ProcedureTemplate } from '../domain/template.ts';
import { appendAudit } from './audit.ts';
import { phaseColumns, type PhaseRow } from './phases.ts';
import type { Sql, TransactionSql } from './sql.ts';
import { momentOfRow } from './visibility.ts';

export interface NewCompetition {
  id: string;
  title: string;
  buyer: string;
  challenge: string;
  template: ProcedureTemplate;
  /** The version of an officer's template it was launched from; null for a built-in one. */
  templateVersion: number | null;
  jurors: Record<string, string[]>;
  createdBy: string;
}

/** Stores a competition with its phases and juror assignments, in the caller's transaction. */
export async function insertCompetition(tx: TransactionSql, c: NewCompetition): Promise<void> {
  await tx`
    insert into competitions (id, title, buyer, challenge, procedure, procedure_version, template, created_by,
                              current_phase)
    values (${c.id}, ${c.title}, ${c.buyer}, ${c.challenge}, ${c.template.id}, ${c.templateVersion},
            ${tx.json(c.template as never)}, ${c.createdBy}, ${c.template.phases[0]!.key})`;
  await tx`
      insert into phases ${tx(
        c.template.phases.map((p, position) => ({
          competition_id: c.id,
          key: p.key,
          position,
          name: p.name,
        })),
      )}`;
  const assignments = Object.entries(c.jurors).flatMap(([phaseKey, jurors]) =>
    [...new Set(jurors)].map((jurorId) => ({
      competition_id: c.id,
      phase_key: phaseKey,
      juror_id: jurorId,
    })),
  );
  if (assignments.length) await tx`insert into phase_jurors ${tx(assignments)}`;
  await appendAudit(tx, {
    competitionId: c.id,
    actor: c.createdBy,
    action: 'competition.launched',
    data: { title: c.title, procedure: c.template.id, procedureVersion: c.templateVersion },
  });
}

export interface PhaseStatus {
  key: string;
  name: string;
  position: number;
  state: PhaseState;
  evaluationRound: number;
  outcome: string | null;
  timeline: Record<string, string | null>;
  /** Null where the viewer may not see the count yet (domain/rules/visibility.ts). */
  counts: ReturnType<typeof visibleCounts>;
  /** Set while the phase is `needs-attention`: the step that failed for good, why, and since when. */
  attention?: { step: string; reason: string; since: string };
}

export interface CompetitionStatusView {
  id: string;
  title: string;
  buyer: string;
  challenge: string;
  procedure: string;
  /** The template version it runs on (an officer's template); null for a built-in one. */
  procedureVersion: number | null;
  status: CompetitionStatus;
  outcome: string | null;
  currentPhase: string | null;
  createdAt: string;
  updatedAt: string;
  phases: PhaseStatus[];
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** A competition's status as the viewer may see it: counts only where the rules show them. */
export async function getCompetitionStatus(
  sql: Sql,
  id: string,
  viewer: Viewer,
): Promise<CompetitionStatusView | undefined> {
  const [c] = await sql`
    select id, title, buyer, challenge, procedure, procedure_version, status, outcome, current_phase, created_at, updated_at,
      now() as db_now
    from competitions where id = ${id}`;
  if (!c) return undefined;
  const phases = await sql<
    (PhaseRow & { offers: number; withdrawn: number; questions: number; jurors: number; scores: number })[]
  >`
    select ${phaseColumns(sql, 'p')},
      (select count(*)::int from offers o where o.competition_id = p.competition_id and o.phase_key = p.key
         and o.status = 'active') as offers,
      (select count(*)::int from offers o where o.competition_id = p.competition_id and o.phase_key = p.key
         and o.status = 'withdrawn') as withdrawn,
      (select count(*)::int from questions q where q.competition_id = p.competition_id and q.phase_key = p.key)
         as questions,
      (select count(*)::int from phase_jurors j where j.competition_id = p.competition_id and j.phase_key = p.key)
         as jurors,
      (select count(*)::int from scores s join offers o on o.id = s.offer_id
         where o.competition_id = p.competition_id and o.phase_key = p.key) as scores
    from phases p where p.competition_id = ${id} order by p.position`;
  return {
    id: c.id,
    title: c.title,
    buyer: c.buyer,
    challenge: c.challenge,
    procedure: c.procedure,
    procedureVersion: c.procedure_version,
    status: c.status,
    outcome: c.outcome,
    currentPhase: c.current_phase,
    createdAt: iso(c.created_at)!,
    updatedAt: iso(c.updated_at)!,
    phases: phases.map((p) => ({
      key: p.key,
      name: p.name,
      position: p.position,
      state: p.state,
      evaluationRound: p.evaluation_round,
      outcome: p.outcome,
      timeline: {
        publishedAt: iso(p.published_at),
        questionsCloseAt: iso(p.questions_close_at),
        answersDueAt: iso(p.answers_due_at),
        submissionsCloseAt: iso(p.submissions_close_at),
        evaluationCloseAt: iso(p.evaluation_close_at),
        intendedAwardDueAt: iso(p.intended_award_due_at),
        intendedAwardAt: iso(p.intended_award_at),
        standstillEndsAt: iso(p.standstill_ends_at),
        finalAwardAt: iso(p.final_award_at),
        deliverablesDueAt: iso(p.deliverables_due_at),
      },
      counts: visibleCounts(viewer, momentOfRow(p, c.db_now), {
        offers: p.offers,
        withdrawn: p.withdrawn,
        questions: p.questions,
        jurors: p.jurors,
        scores: p.scores,
      }),
      // Why a step failed is a diagnostic (it may quote the database); everyone sees the state itself.
      ...(p.state === 'needs-attention' && maySee(viewer, 'workflow diagnostics')
        ? {
            attention: {
              step: p.attention_step!,
              reason: p.attention_reason!,
              since: iso(p.attention_since)!,
            },
          }
        : {}),
    })),
  };
}

/** Whether the competition exists, and how it stands: a cheap look-up for guards. */
export async function competitionStatusOf(sql: Sql, id: string): Promise<CompetitionStatus | undefined> {
  const [row] = await sql<{ status: CompetitionStatus }[]>`select status from competitions where id = ${id}`;
  return row?.status;
}

export async function listCompetitions(sql: Sql, limit: number, status?: CompetitionStatus) {
  return sql<{ id: string; title: string; status: CompetitionStatus; currentPhase: string | null }[]>`
    select id, title, status, current_phase as "currentPhase" from competitions
    where ${status ? sql`status = ${status}` : sql`true`}
    order by created_at desc limit ${limit}`;
}

/** The competition runs the given phase now; entering it again changes nothing. */
export async function setCurrentPhase(sql: Sql, competitionId: string, phaseKey: string) {
  await sql`
    update competitions set current_phase = ${phaseKey}, updated_at = now()
    where id = ${competitionId} and current_phase is distinct from ${phaseKey}`;
}

/** A running competition ends with a status and its outcome; false when it had ended already. */
export async function endCompetition(
  tx: TransactionSql,
  competitionId: string,
  status: Exclude<CompetitionStatus, 'running'>,
  outcome: string,
) {
  const changed = await tx<{ id: string }[]>`
    update competitions set status = ${status}, outcome = ${outcome}, updated_at = now()
    where id = ${competitionId} and status = 'running'
    returning id`;
  return changed.length > 0;
}

/** The procedure template the competition was launched with (its overrides applied). */
export async function launchedTemplate(sql: Sql | TransactionSql, competitionId: string) {
  const [row] = await sql<{ template: ProcedureTemplate }[]>`
    select template from competitions where id = ${competitionId}`;
  return row?.template;
}
