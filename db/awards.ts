import type { AwardRecord, RankedOffer } from '../domain/rules/award.ts';
import type { DeliverableStatus } from '../domain/rules/deliverable.ts';
import type { PhaseRef } from './phases.ts';
import type { Sql, TransactionSql } from './sql.ts';

/** An award as stored, with the amount it pays. */
export type AwardRow = AwardRecord & { amount: number };

/** Every award of the phase, in rank order: a few per phase (the gate's award slots and who moved up). */
export async function awardsOf(sql: Sql | TransactionSql, ref: PhaseRef): Promise<AwardRow[]> {
  return sql<AwardRow[]>`
    select a.offer_id as "offerId", a.company_id as "companyId", a.rank, a.status, a.amount,
      a.deliverable_status as "deliverableStatus", o.status = 'withdrawn' as "offerWithdrawn"
    from awards a join offers o on o.id = a.offer_id
    where a.competition_id = ${ref.competitionId} and a.phase_key = ${ref.phaseKey}
    order by a.rank, a.offer_id`;
}

/** Gives an offer an intended award, or gives it back one it held before. */
export async function holdIntendedAward(tx: TransactionSql, ref: PhaseRef, offer: RankedOffer) {
  await tx`
    insert into awards (competition_id, phase_key, offer_id, company_id, amount, rank, status)
    values (${ref.competitionId}, ${ref.phaseKey}, ${offer.offerId}, ${offer.company},
            ${offer.requestedAmount}, ${offer.rank}, 'intended')
    on conflict (competition_id, phase_key, offer_id)
    do update set status = 'intended', rank = excluded.rank, amount = excluded.amount, updated_at = now()`;
}

/** An upheld objection, a reopened evaluation or a new approval voids the intended awards. */
export async function revokeIntendedAwards(tx: TransactionSql, ref: PhaseRef) {
  await tx`
    update awards set status = 'revoked', updated_at = now()
    where competition_id = ${ref.competitionId} and phase_key = ${ref.phaseKey} and status = 'intended'`;
}

/** The offer's intended award becomes withdrawn; false when it held none (a retry, or never a winner). */
export async function withdrawIntendedAward(tx: TransactionSql, ref: PhaseRef, offerId: string) {
  const withdrawn = await tx<{ offer_id: string }[]>`
    update awards set status = 'withdrawn', updated_at = now()
    where competition_id = ${ref.competitionId} and phase_key = ${ref.phaseKey}
      and offer_id = ${offerId} and status = 'intended'
    returning offer_id`;
  return withdrawn.length > 0;
}

/** Every intended award of the phase becomes final, with its deliverables in the given status. */
export async function finaliseIntendedAwards(
  tx: TransactionSql,
  ref: PhaseRef,
  deliverableStatus: DeliverableStatus,
) {
  // In rank order: the audit entry lists them so, and a retried attempt writes the same entry.
  return tx<{ offerId: string; companyId: string; amount: number }[]>`
    with finals as (
      update awards set status = 'final', updated_at = now(), deliverable_status = ${deliverableStatus}
      where competition_id = ${ref.competitionId} and phase_key = ${ref.phaseKey} and status = 'intended'
      returning offer_id, company_id, amount, rank)
    select offer_id as "offerId", company_id as "companyId", amount from finals order by rank, offer_id`;
}

/** Records an officer's decision on a final award's deliverables. */
export async function recordDeliverableDecision(
  tx: TransactionSql,
  ref: PhaseRef,
  decision: { offerId: string; status: DeliverableStatus; note: string; officerId: string; at: string },
) {
  await tx`
    update awards set deliverable_status = ${decision.status}, deliverable_note = ${decision.note},
      deliverable_decided_by = ${decision.officerId}, deliverable_decided_at = ${decision.at}, updated_at = now()
    where competition_id = ${ref.competitionId} and phase_key = ${ref.phaseKey} and offer_id = ${decision.offerId}`;
}

/** Admits companies to a phase, naming the phase they qualified in; an admission given before stays. */
export async function admitCompanies(
  tx: TransactionSql,
  ref: PhaseRef,
  fromPhase: string,
  companyIds: readonly string[],
) {
  if (companyIds.length === 0) return;
  await tx`
    insert into admissions ${tx(
      companyIds.map((companyId) => ({
        competition_id: ref.competitionId,
        phase_key: ref.phaseKey,
        company_id: companyId,
        from_phase: fromPhase,
      })),
    )}
    on conflict do nothing`;
}
