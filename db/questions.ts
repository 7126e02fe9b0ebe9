import { randomUUID } from 'node:crypto';
import { notify } from './notifications.ts';
import { appendAudit } from './audit.ts';
import { guardPhase } from './phase-guard.ts';
import { Refusal } from './refusal.ts';
import { inTransaction, type Sql, type TransactionSql } from './sql.ts';

export async function askQuestion(
  sql: Sql | TransactionSql,
  q: { competitionId: string; phaseKey: string; companyId: string; question: string },
) {
  return inTransaction(sql, async (tx) => {
    await guardPhase(tx, q.competitionId, q.phaseKey, ['questions-open'], {
      deadline: 'questions_close_at',
      what: 'the question period',
    });
    const id = randomUUID();
    await tx`
      insert into questions (id, competition_id, phase_key, company_id, question)
      values (${id}, ${q.competitionId}, ${q.phaseKey}, ${q.companyId}, ${q.question})`;
    await appendAudit(tx, {
      competitionId: q.competitionId,
      actor: q.companyId,
      action: 'question.asked',
      data: { phase: q.phaseKey, question: id },
    });
    return { questionId: id };
  });
}

/** Answers stay unpublished until the nota van inlichtingen goes out to everyone at once. */
export async function answerQuestion(
  sql: Sql,
  a: { competitionId: string; phaseKey: string; officerId: string; questionId: string; answer: string },
) {
  return sql.begin(async (tx) => {
    const phase = await guardPhase(tx, a.competitionId, a.phaseKey, ['questions-open', 'submissions-open']);
    // Once the nota van inlichtingen is out, a late answer goes to everyone at once, as an addendum.
    const addendum = phase.row.answers_published_at !== null;
    const updated = await tx<{ question: string }[]>`
      update questions set answer = ${a.answer}, answered_by = ${a.officerId}, answered_at = now(),
        published_at = ${addendum ? tx`now()` : null}
      where id = ${a.questionId} and competition_id = ${a.competitionId} and phase_key = ${a.phaseKey}
        and published_at is null
      returning question`;
    if (updated.length === 0) {
      throw new Refusal('not-found', `no unpublished question ${a.questionId} in this phase`);
    }
    if (addendum) {
      await notify(tx, [
        {
          competitionId: a.competitionId,
          phaseKey: a.phaseKey,
          recipient: 'public',
          kind: 'answers-addendum',
          body: { phase: a.phaseKey, answers: [{ question: updated[0]!.question, answer: a.answer }] },
          dedupeKey: `addendum:${a.questionId}`,
        },
      ]);
    }
    await appendAudit(tx, {
      competitionId: a.competitionId,
      actor: a.officerId,
      action: 'question.answered',
      data: { phase: a.phaseKey, question: a.questionId },
    });
  });
}

/** Officers see every question with its asker; everyone else sees the published answers only. */
export async function listQuestions(
  sql: Sql,
  q: { competitionId: string; phaseKey: string; asOfficer: boolean },
) {
  if (q.asOfficer) {
    return sql`
      select id, company_id as "companyId", question, answer, asked_at as "askedAt", published_at as "publishedAt"
      from questions where competition_id = ${q.competitionId} and phase_key = ${q.phaseKey} order by asked_at, id`;
  }
  return sql`
    select question, answer, published_at as "publishedAt" from questions
    where competition_id = ${q.competitionId} and phase_key = ${q.phaseKey} and published_at is not null
    order by asked_at, id`;
}

/** Publishes every answer not published yet, at `at`; returns those it published. */
export async function publishAnswered(
  tx: TransactionSql,
  ref: { competitionId: string; phaseKey: string },
  at: string,
) {
  return tx<{ id: string; question: string; answer: string }[]>`
    update questions set published_at = ${at}
    where competition_id = ${ref.competitionId} and phase_key = ${ref.phaseKey}
      and answer is not null and published_at is null
    returning id, question, answer`;
}

/** Every published question with its answer, in the order they were asked. */
export async function publishedAnswers(tx: TransactionSql, ref: { competitionId: string; phaseKey: string }) {
  return tx<{ question: string; answer: string }[]>`
    select question, answer from questions
    where competition_id = ${ref.competitionId} and phase_key = ${ref.phaseKey} and published_at is not null
    order by asked_at, id`;
}
