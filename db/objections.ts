import { randomUUID } from 'node:crypto';
import { appendAudit } from './audit.ts';
import { guardPhase } from './phase-guard.ts';
import { Refusal } from './refusal.ts';
import type { Sql } from './sql.ts';

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
    if (phase.row.standstill_closed_at) {
      const ended = ((phase.row.standstill_ends_at ?? phase.row.standstill_closed_at) as Date).toISOString();
      throw new Refusal('deadline-passed', `the standstill closed at ${ended}`);
    }
    const [bidder] = await tx`
      select 1 from offers where competition_id = ${o.competitionId} and phase_key = ${o.phaseKey}
        and company_id = ${o.companyId} and status in ('active', 'withdrawn') limit 1`;
    if (!bidder) throw new Refusal('forbidden', 'only a company that made an offer in this phase may object');
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
