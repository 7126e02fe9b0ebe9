import type { DeadlineEvent } from '../domain/ical.ts';
import { phasesOf } from './phases.ts';
import type { Sql } from './sql.ts';

/** The deadline columns of a phase, in the order they fall, with what each means to a reader. */
const DEADLINES = [
  ['questions_close_at', 'questionsClose', 'questions close'],
  ['answers_due_at', 'answersDue', 'answers are published'],
  ['submissions_close_at', 'submissionsClose', 'submissions close'],
  ['evaluation_close_at', 'evaluationClose', 'evaluation closes'],
  ['intended_award_due_at', 'intendedAwardDue', 'intended award is due'],
  ['standstill_ends_at', 'standstillEnds', 'standstill ends'],
] as const;

/** Each deadline of the competition's phases, with how often an officer moved it. */
export async function competitionDeadlines(sql: Sql, competitionId: string) {
  const [competition] = await sql<
    { title: string }[]
  >`select title from competitions where id = ${competitionId}`;
  if (!competition) return undefined;
  const phases = await phasesOf(sql, competitionId);
  const moved = await sql<{ phase: string; milestone: string; times: number }[]>`
    select data->>'phase' as phase, data->>'milestone' as milestone, count(*)::int as times
    from audit_log where competition_id = ${competitionId} and action = 'deadline.extended' group by 1, 2`;
  const timesMoved = (phase: string, milestone: string) =>
    moved.find((m) => m.phase === phase && m.milestone === milestone)?.times ?? 0;
  const events: DeadlineEvent[] = phases.flatMap((phase) =>
    DEADLINES.flatMap(([column, milestone, meaning]) => {
      const at = phase[column];
      if (!at) return [];
      const key = phase.key;
      return [
        {
          uid: `${competitionId}.${key}.${milestone}@phasegate`,
          at: at.toISOString(),
          summary: `${competition.title}: ${phase.name}: ${meaning}`,
          sequence: timesMoved(key, milestone),
        },
      ];
    }),
  );
  return { title: competition.title, events };
}

/** A person's own dates: a juror's evaluation deadlines, a company's pitch slots. */
export async function ownDeadlines(sql: Sql, who: { id: string; role: string }): Promise<DeadlineEvent[]> {
  if (who.role === 'juror') {
    const rows = await sql<{ competition_id: string; key: string; title: string; name: string; at: Date }[]>`
      select p.competition_id, p.key, c.title, p.name, p.evaluation_close_at as at
      from phase_jurors j join phases p on p.competition_id = j.competition_id and p.key = j.phase_key
      join competitions c on c.id = p.competition_id
      where j.juror_id = ${who.id} and p.evaluation_close_at is not null and c.status = 'running'`;
    const moved = await sql<{ competition_id: string; phase: string; times: number }[]>`
      select competition_id, data->>'phase' as phase, count(*)::int as times from audit_log
      where action = 'deadline.extended' and data->>'milestone' = 'evaluationClose'
        and competition_id in (select competition_id from phase_jurors where juror_id = ${who.id})
      group by 1, 2`;
    return rows.map((r) => ({
      uid: `${r.competition_id}.${r.key}.evaluationClose.${who.id}@phasegate`,
      at: r.at.toISOString(),
      summary: `${r.title}: ${r.name}: your scores are due`,
      sequence: moved.find((m) => m.competition_id === r.competition_id && m.phase === r.key)?.times ?? 0,
    }));
  }
  if (who.role !== 'company') return [];
  const slots = await sql<
    { offer_id: string; title: string; name: string; starts_at: Date; round: number }[]
  >`
    select s.offer_id, c.title, p.name, s.starts_at, s.round
    from pitch_slots s join offers o on o.id = s.offer_id
    join phases p on p.competition_id = s.competition_id and p.key = s.phase_key
    join competitions c on c.id = s.competition_id
    where o.company_id = ${who.id} and c.status = 'running'`;
  return slots.map((s) => ({
    uid: `${s.offer_id}.pitch@phasegate`,
    at: s.starts_at.toISOString(),
    summary: `${s.title}: ${s.name}: your pitch`,
    // A slot is planned again only for a new evaluation round, so the round counts its changes.
    sequence: s.round - 1,
  }));
}
