import { appendAudit } from './audit.ts';
import { guardPhase } from './phase-guard.ts';
import { Refusal } from './refusal.ts';
import type { Sql } from './sql.ts';

/** The whole pitch programme, or one company's slots (who sees which: domain/rules/visibility.ts). */
export async function listPitchSlots(
  sql: Sql,
  q: { competitionId: string; phaseKey: string; companyId?: string },
) {
  return sql`
    select s.offer_id as "offerId", o.company_id as company, s.starts_at as "startsAt", s.ends_at as "endsAt",
           s.held_at as "heldAt"
    from pitch_slots s join offers o on o.id = s.offer_id
    where s.competition_id = ${q.competitionId} and s.phase_key = ${q.phaseKey}
      and ${q.companyId ? sql`o.company_id = ${q.companyId}` : sql`true`}
    order by s.starts_at`;
}

/** The chair records that the pitch took place; from then on the jury may score the offer. */
export async function markPitchHeld(
  sql: Sql,
  p: { competitionId: string; phaseKey: string; offerId: string; officerId: string },
) {
  return sql.begin(async (tx) => {
    await guardPhase(tx, p.competitionId, p.phaseKey, ['evaluation']);
    const updated = await tx`
      update pitch_slots set held_at = coalesce(held_at, now()), held_by = coalesce(held_by, ${p.officerId})
      where offer_id = ${p.offerId} and competition_id = ${p.competitionId} and phase_key = ${p.phaseKey}
      returning offer_id`;
    if (updated.length === 0)
      throw new Refusal('not-found', `offer ${p.offerId} has no pitch slot in this phase`);
    await appendAudit(tx, {
      competitionId: p.competitionId,
      actor: p.officerId,
      action: 'pitch.held',
      data: { phase: p.phaseKey, offer: p.offerId },
    });
  });
}
