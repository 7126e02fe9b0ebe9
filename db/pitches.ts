import { appendAudit } from './audit.ts';
import { guardPhase } from './phase-guard.ts';
import { Refusal } from './refusal.ts';
import type { PhaseRef } from './phases.ts';
import type { Sql, TransactionSql } from './sql.ts';

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

/** The phase's active offers that have no pitch slot yet, in the order they came in. */
export async function offersWithoutPitchSlot(tx: TransactionSql, ref: PhaseRef) {
  return tx<{ id: string; company_id: string }[]>`
    select o.id, o.company_id from offers o
    where o.competition_id = ${ref.competitionId} and o.phase_key = ${ref.phaseKey} and o.status = 'active'
      and not exists (select 1 from pitch_slots s where s.offer_id = o.id)
    order by o.submitted_at, o.id`;
}

/** When the last pitch slot given in the phase ends; null before the first. */
export async function lastPitchEnd(tx: TransactionSql, ref: PhaseRef) {
  const [last] = await tx<{ ends_at: Date | null }[]>`
    select max(ends_at) as ends_at from pitch_slots
    where competition_id = ${ref.competitionId} and phase_key = ${ref.phaseKey}`;
  return last?.ends_at ?? null;
}

/** Stores the slots; a slot given before keeps its time. */
export async function storePitchSlots(
  tx: TransactionSql,
  ref: PhaseRef & { round: number },
  slots: readonly { offerId: string; startsAt: string; endsAt: string }[],
) {
  if (slots.length === 0) return;
  await tx`
    insert into pitch_slots ${tx(
      slots.map((s) => ({
        offer_id: s.offerId,
        competition_id: ref.competitionId,
        phase_key: ref.phaseKey,
        round: ref.round,
        starts_at: s.startsAt,
        ends_at: s.endsAt,
      })),
    )} on conflict do nothing`;
}
