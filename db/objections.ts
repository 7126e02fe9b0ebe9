import { randomUUID } from 'node:crypto';
import { objectionFilingRefusal } from '../domain/rules/objection.ts';
import { appendAudit } from './audit.ts';
import { guardPhase } from './phase-guard.ts';
import { Refusal } from './refusal.ts';
import type { Sql, TransactionSql } from './sql.ts';

/** A bidder objects to the intended award within the standstill. */
export async function fileObjection(
  sql: Sql,
  o: { competitionId: string; phaseKey: string; companyId: string; reason: string },
) {
  return sql.begin(async (tx) => {
    const phase = await guardPhase(tx, o.competitionId, o.phaseKey, ['standstill'], {
      deadline: 'standstill_ends_at',
      what: 'the standstill',
    });
    const [bidder] = await tx<{ bid: number }[]>`
      select 1 as bid from offers where competition_id = ${o.competitionId} and phase_key = ${o.phaseKey}
        and company_id = ${o.companyId} and status in ('active', 'withdrawn') limit 1`;
    const refusal = objectionFilingRefusal({
      standstillEndsAt: phase.row.standstill_ends_at,
      standstillClosedAt: phase.row.standstill_closed_at,
      madeAnOffer: bidder !== undefined,
    });
    if (refusal) throw new Refusal(refusal.code, refusal.message);
    const id = randomUUID();
    await tx`
      insert into objections (id, competition_id, phase_key, company_id, reason)
      values (${id}, ${o.competitionId}, ${o.phaseKey}, ${o.companyId}, ${o.reason})`;
    await appendAudit(tx, {
      competitionId: o.competitionId,
      actor: o.companyId,
      action: 'objection.filed',
      data: { phase: o.phaseKey, objection: id },
    });
    return { objectionId: id };
  });
}

export async function listObjections(
  sql: Sql,
  q: { competitionId: string; phaseKey: string; companyId?: string },
) {
  return sql`
    select id, company_id as "companyId", reason, filed_at as "filedAt", decision, reopen,
           decision_reason as "decisionReason", decided_at as "decidedAt"
    from objections where competition_id = ${q.competitionId} and phase_key = ${q.phaseKey}
      and ${q.companyId ? sql`company_id = ${q.companyId}` : sql`true`}
    order by filed_at, id`;
}

/** One objection of the phase: who filed it, and its decision once there is one. */
export async function objectionOf(
  tx: TransactionSql,
  ref: { competitionId: string; phaseKey: string },
  objectionId: string,
) {
  const [objection] = await tx<{ companyId: string; decision: 'upheld' | 'rejected' | null }[]>`
    select company_id as "companyId", decision from objections
    where id = ${objectionId} and competition_id = ${ref.competitionId} and phase_key = ${ref.phaseKey}`;
  return objection;
}

/** The phase's objections that wait for an officer's decision. */
export async function undecidedObjections(
  tx: TransactionSql,
  ref: { competitionId: string; phaseKey: string },
) {
  const open = await tx<{ id: string }[]>`
    select id from objections
    where competition_id = ${ref.competitionId} and phase_key = ${ref.phaseKey} and decision is null`;
  return open.map((o) => o.id);
}

export async function recordObjectionDecision(
  tx: TransactionSql,
  d: {
    objectionId: string;
    decision: 'upheld' | 'rejected';
    reopen: 'evaluation' | 'gate' | null;
    reason: string;
    officerId: string;
    at: string;
  },
) {
  await tx`
    update objections set decision = ${d.decision}, reopen = ${d.reopen}, decision_reason = ${d.reason},
      decided_by = ${d.officerId}, decided_at = ${d.at}
    where id = ${d.objectionId}`;
}
