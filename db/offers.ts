import { randomUUID } from 'node:crypto';
import { OFFER_STATES } from '../domain/competition.ts';
import { appendAudit } from './audit.ts';
import { beforeDeadline, guardPhase } from './phase-guard.ts';
import { Refusal } from './refusal.ts';
import { priceEnvelope, seal, sha256, signReceipt, unseal, type Keys, type Receipt } from './sealing.ts';
import type { Sql } from './sql.ts';

export interface OfferSubmission {
  competitionId: string;
  phaseKey: string;
  companyId: string;
  content: string;
  price?: number;
  requestedAmount: number;
  idempotencyKey?: string;
}

export interface StoredOffer {
  offerId: string;
  version: number;
  receipt: Receipt;
  /** False when the idempotency key matched an offer already received: nothing new was stored. */
  created: boolean;
}

/**
 * Receives an offer (or a new version that supersedes the company's previous one) in one
 * transaction that checks the phase state, the deadline by the database clock and the company's
 * admission. The receipt carries the database's receipt time and the content's sha256.
 */
export async function submitOffer(sql: Sql, keys: Keys, o: OfferSubmission): Promise<StoredOffer> {
  return sql.begin(async (tx) => {
    if (o.idempotencyKey) {
      const [seen] = await tx<{ id: string; version: number; receipt: Receipt }[]>`
        select id, version, receipt from offers
        where competition_id = ${o.competitionId} and company_id = ${o.companyId} and idempotency_key = ${o.idempotencyKey}`;
      if (seen) return { offerId: seen.id, version: seen.version, receipt: seen.receipt, created: false };
    }
    const phase = await guardPhase(tx, o.competitionId, o.phaseKey, OFFER_STATES);
    beforeDeadline(phase, 'submissions_close_at', 'submission');
    if (phase.template.admission.kind === 'winners-of') {
      const [admitted] = await tx`
        select 1 from admissions where competition_id = ${o.competitionId} and phase_key = ${o.phaseKey}
          and company_id = ${o.companyId}`;
      if (!admitted) {
        throw new Refusal(
          'not-admitted',
          `only the companies that won phase "${phase.template.admission.phase}" and delivered may offer`,
        );
      }
    }
    const { gate, price } = phase.template;
    if (o.requestedAmount > gate.maxPerOffer) {
      throw new Refusal(
        'invalid-offer',
        `the requested amount exceeds the maximum of ${gate.maxPerOffer} per offer`,
      );
    }
    if (price.method !== 'none' && o.price === undefined) {
      throw new Refusal(
        'invalid-offer',
        `this phase scores price (${price.method}): the offer needs a price`,
      );
    }
    // One company's versions are numbered one after the other even when two arrive at once.
    await tx`select pg_advisory_xact_lock(hashtextextended(${`${o.competitionId}/${o.phaseKey}/${o.companyId}`}, 11))`;
    const [previous] = await tx<{ version: number }[]>`
      select coalesce(max(version), 0)::int as version from offers
      where competition_id = ${o.competitionId} and phase_key = ${o.phaseKey} and company_id = ${o.companyId}`;
    const version = (previous?.version ?? 0) + 1;
    await tx`
      update offers set status = 'superseded'
      where competition_id = ${o.competitionId} and phase_key = ${o.phaseKey} and company_id = ${o.companyId}
        and status = 'active'`;
    const offerId = randomUUID();
    const sealedPrice =
      phase.template.sealedPrice && o.price !== undefined
        ? seal(keys, Buffer.from(String(o.price)), priceEnvelope(offerId))
        : null;
    const content = Buffer.from(o.content, 'utf8');
    const receipt = signReceipt(keys, {
      offerId,
      competitionId: o.competitionId,
      phase: o.phaseKey,
      company: o.companyId,
      version,
      receivedAt: phase.now.toISOString(),
      sha256: sha256(content),
    });
    await tx`
      insert into offers (id, competition_id, phase_key, company_id, version, price, sealed_price, requested_amount,
                          sealed_content, content_sha256, receipt, idempotency_key, submitted_at)
      values (${offerId}, ${o.competitionId}, ${o.phaseKey}, ${o.companyId}, ${version},
              ${sealedPrice ? null : (o.price ?? null)}, ${sealedPrice},
              ${o.requestedAmount}, ${seal(keys, content, offerId)}, ${receipt.sha256}, ${tx.json(receipt as never)},
              ${o.idempotencyKey ?? null}, ${phase.now})`;
    await appendAudit(tx, {
      competitionId: o.competitionId,
      actor: o.companyId,
      action: 'offer.received',
      data: { phase: o.phaseKey, offer: offerId, version, sha256: receipt.sha256 },
    });
    return { offerId, version, receipt, created: true };
  });
}

export interface Withdrawal {
  /** True when the offer held an intended award: the phase workflow must move the next one up. */
  heldIntendedAward: boolean;
}

/** Withdraws the company's offer: freely before the deadline, or as a winner during the standstill. */
export async function withdrawOffer(
  sql: Sql,
  w: { competitionId: string; phaseKey: string; companyId: string; offerId: string },
): Promise<Withdrawal> {
  return sql.begin(async (tx) => {
    const phase = await guardPhase(tx, w.competitionId, w.phaseKey, [...OFFER_STATES, 'standstill']);
    const [offer] = await tx<{ status: string }[]>`
      select status from offers where id = ${w.offerId} and competition_id = ${w.competitionId}
        and phase_key = ${w.phaseKey} and company_id = ${w.companyId}
      for update`;
    if (!offer)
      throw new Refusal('not-found', `company ${w.companyId} has no offer ${w.offerId} in this phase`);
    if (offer.status !== 'active') throw new Refusal('phase-closed', `the offer is ${offer.status}`);
    let heldIntendedAward = false;
    if (phase.state === 'standstill') {
      const [award] = await tx`
        select 1 from awards where competition_id = ${w.competitionId} and phase_key = ${w.phaseKey}
          and offer_id = ${w.offerId} and status = 'intended'`;
      if (!award) throw new Refusal('phase-closed', 'in the standstill only a winner may withdraw');
      heldIntendedAward = true;
    } else {
      beforeDeadline(phase, 'submissions_close_at', 'withdrawal');
    }
    await tx`update offers set status = 'withdrawn', withdrawn_at = now() where id = ${w.offerId}`;
    await appendAudit(tx, {
      competitionId: w.competitionId,
      actor: w.companyId,
      action: 'offer.withdrawn',
      data: { phase: w.phaseKey, offer: w.offerId, heldIntendedAward },
    });
    return { heldIntendedAward };
  });
}

export async function listCompanyOffers(sql: Sql, competitionId: string, companyId: string) {
  return sql<{ offerId: string; phase: string; version: number; status: string; receipt: Receipt }[]>`
    select id as "offerId", phase_key as phase, version, status, receipt from offers
    where competition_id = ${competitionId} and company_id = ${companyId}
    order by submitted_at, version`;
}

/**
 * An officer's view of a phase's offers: who sent what and when, always; the content only once
 * two officers have opened the offers; a sealed price only after quality scoring.
 */
export async function listPhaseOffers(sql: Sql, keys: Keys, q: { competitionId: string; phaseKey: string }) {
  const [phase] = await sql<{ offers_opened_at: Date | null }[]>`
    select offers_opened_at from phases where competition_id = ${q.competitionId} and key = ${q.phaseKey}`;
  if (!phase) throw new Refusal('not-found', `competition ${q.competitionId} has no phase "${q.phaseKey}"`);
  const rows = await sql<
    {
      id: string;
      company_id: string;
      version: number;
      status: string;
      price: number | null;
      requested_amount: number;
      sealed_content: Buffer;
      receipt: Receipt;
    }[]
  >`
    select id, company_id, version, status, price, requested_amount, sealed_content, receipt from offers
    where competition_id = ${q.competitionId} and phase_key = ${q.phaseKey} order by submitted_at, id`;
  return {
    opened: phase.offers_opened_at !== null,
    offers: rows.map((o) => ({
      offerId: o.id,
      company: o.company_id,
      version: o.version,
      status: o.status,
      requestedAmount: o.requested_amount,
      // A sealed price is null here until the gate opened its envelope.
      price: phase.offers_opened_at ? o.price : null,
      content: phase.offers_opened_at ? unseal(keys, o.sealed_content, o.id).toString('utf8') : null,
      receipt: o.receipt,
    })),
  };
}
