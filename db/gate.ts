import type { PhaseRef } from './phases.ts';
import type { TransactionSql } from './sql.ts';

/** The reads and writes of a phase's gate: the offers and the jury's work it ranks, and the price envelopes. */

/** The active offers whose price is still sealed in its envelope. */
export async function sealedPrices(tx: TransactionSql, ref: PhaseRef) {
  return tx<{ id: string; sealed_price: Buffer }[]>`
    select id, sealed_price from offers
    where competition_id = ${ref.competitionId} and phase_key = ${ref.phaseKey} and status = 'active'
      and sealed_price is not null and price is null
    order by id`;
}

export async function storeOpenedPrice(tx: TransactionSql, offerId: string, price: number) {
  await tx`update offers set price = ${price} where id = ${offerId}`;
}

/** An active offer as the gate ranks it, with whether the phase's identity parts are open yet. */
export interface OfferToRank {
  id: string;
  companyId: string;
  entryNumber: number | null;
  price: number | null;
  requestedAmount: number;
  identitiesOpened: boolean;
}

export async function activeOffersToRank(tx: TransactionSql, ref: PhaseRef) {
  return tx<OfferToRank[]>`
    select o.id, o.company_id as "companyId", o.entry_number as "entryNumber", o.price,
      o.requested_amount as "requestedAmount", p.identities_opened_at is not null as "identitiesOpened"
    from offers o join phases p on p.competition_id = o.competition_id and p.key = o.phase_key
    where o.competition_id = ${ref.competitionId} and o.phase_key = ${ref.phaseKey} and o.status = 'active'
    order by o.id`;
}

/** The jury's work on the phase's active offers in a round: scores, consensus scores and declared conflicts. */
export async function juryWorkOf(tx: TransactionSql, ref: PhaseRef, round: number) {
  const scores = await tx<
    { offerId: string; jurorId: string; criterion: string; score: number; reason: string }[]
  >`
    select s.offer_id as "offerId", s.juror_id as "jurorId", s.criterion, s.score, s.reason
    from scores s join offers o on o.id = s.offer_id
    where o.competition_id = ${ref.competitionId} and o.phase_key = ${ref.phaseKey} and o.status = 'active'
      and s.round = ${round}
    order by s.offer_id, s.juror_id, s.criterion`;
  const consensus = await tx<{ offerId: string; criterion: string; score: number; reason: string }[]>`
    select c.offer_id as "offerId", c.criterion, c.score, c.reason
    from consensus_scores c join offers o on o.id = c.offer_id
    where o.competition_id = ${ref.competitionId} and o.phase_key = ${ref.phaseKey} and o.status = 'active'
      and c.round = ${round}
    order by c.offer_id, c.criterion`;
  const conflicts = await tx<{ offerId: string; jurorId: string }[]>`
    select d.offer_id as "offerId", d.juror_id as "jurorId"
    from conflict_declarations d join offers o on o.id = d.offer_id
    where o.competition_id = ${ref.competitionId} and o.phase_key = ${ref.phaseKey} and d.has_conflict
    order by d.offer_id, d.juror_id`;
  return { scores, consensus, conflicts };
}

/** Which entry was whose, for the chain, once the identities open. */
export async function entriesOf(tx: TransactionSql, ref: PhaseRef) {
  return tx<{ entry: number; offer: string; company: string }[]>`
    select entry_number as entry, id as offer, company_id as company from offers
    where competition_id = ${ref.competitionId} and phase_key = ${ref.phaseKey} and entry_number is not null
    order by entry_number`;
}
