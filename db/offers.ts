import { randomUUID } from 'node:crypto';
import { OFFER_STATES } from '../domain/competition.ts';
import {
  entryLabel,
  maySee,
  receiptItem,
  senderItem,
  visibleOfferParts,
  visibleReceipt,
  type Viewer,
} from '../domain/rules/visibility.ts';
import { admitsOnlyWinners, offerRefusal, withdrawalRefusal } from '../domain/rules/offer.ts';
import { appendAudit, latestCheckpoint } from './audit.ts';
import { awardsOf, isAdmitted } from './awards.ts';
import { beforeDeadline, guardPhase, noSuchPhase, type GuardedPhase } from './phase-guard.ts';
import { Refusal } from './refusal.ts';
import {
  identityEnvelope,
  priceEnvelope,
  seal,
  sha256,
  signReceipt,
  unseal,
  type Keys,
  type Receipt,
} from './sealing.ts';
import { inTransaction, type Sql, type TransactionSql } from './sql.ts';
import { readAnonymousReview, readPhaseMoment } from './visibility.ts';

export interface OfferSubmission {
  competitionId: string;
  phaseKey: string;
  companyId: string;
  content: string;
  price?: number;
  requestedAmount: number;
  /** Anonymous review only, and there required: the company, its team, its declarations. */
  identity?: string;
}

export interface StoredOffer {
  offerId: string;
  version: number;
  receipt: Receipt;
}

/** Refuses an offer the phase does not take (domain/rules/offer.ts), reading whether the company was admitted. */
async function refuseInvalidOffer(tx: TransactionSql, phase: GuardedPhase, o: OfferSubmission) {
  const admitted = admitsOnlyWinners(phase.template) ? await isAdmitted(tx, o, o.companyId) : true;
  const refusal = offerRefusal(phase.template, o, { admitted });
  if (refusal) throw new Refusal(refusal.code, refusal.message);
}

/**
 * Receives an offer (or a new version that supersedes the company's previous one) in one
 * transaction that checks the phase state, the deadline by the database clock and the company's
 * admission. The receipt carries the database's receipt time and the content's sha256. Given an open
 * transaction, it writes in that one (the API claims the request's idempotency key in it).
 */
export async function submitOffer(
  sql: Sql | TransactionSql,
  keys: Keys,
  o: OfferSubmission,
): Promise<StoredOffer> {
  return inTransaction(sql, async (tx) => {
    const phase = await guardPhase(tx, o.competitionId, o.phaseKey, OFFER_STATES, {
      deadline: 'submissions_close_at',
      what: 'submission',
    });
    await refuseInvalidOffer(tx, phase, o);
    // One company's versions are numbered one after the other even when two arrive at once. The
    // three statements go out together (postgres.js pipelines a transaction's concurrent queries,
    // run in the order sent): the version is read after the lock is held, in one round trip.
    const [, [previous], checkpoint] = await Promise.all([
      tx`select pg_advisory_xact_lock(hashtextextended(${`${o.competitionId}/${o.phaseKey}/${o.companyId}`}, 11))`,
      tx<{ version: number }[]>`
        select coalesce(max(version), 0)::int as version from offers
        where competition_id = ${o.competitionId} and phase_key = ${o.phaseKey} and company_id = ${o.companyId}`,
      latestCheckpoint(tx, o.competitionId),
    ]);
    const version = (previous?.version ?? 0) + 1;
    const offerId = randomUUID();
    const sealedPrice =
      phase.template.sealedPrice && o.price !== undefined
        ? seal(keys, Buffer.from(String(o.price)), priceEnvelope(offerId))
        : null;
    const content = Buffer.from(o.content, 'utf8');
    const identity = o.identity === undefined ? undefined : Buffer.from(o.identity, 'utf8');
    const unsealedPrice = sealedPrice ? null : (o.price ?? null);
    const receipt = signReceipt(
      keys,
      {
        offerId,
        competitionId: o.competitionId,
        phase: o.phaseKey,
        company: o.companyId,
        version,
        receivedAt: phase.now.toISOString(),
        sha256: sha256(content),
        requestedAmount: o.requestedAmount,
        price: unsealedPrice,
        priceEnvelopeSha256: sealedPrice ? sha256(sealedPrice) : null,
        ...(identity ? { identitySha256: sha256(identity) } : {}),
      },
      checkpoint,
    );
    const supersede = tx`
      update offers set status = 'superseded'
      where competition_id = ${o.competitionId} and phase_key = ${o.phaseKey} and company_id = ${o.companyId}
        and status = 'active'`;
    const insert = tx`
      insert into offers (id, competition_id, phase_key, company_id, version, price, sealed_price, requested_amount,
                          sealed_content, content_sha256, receipt, submitted_at, sealed_identity, identity_sha256)
      values (${offerId}, ${o.competitionId}, ${o.phaseKey}, ${o.companyId}, ${version},
              ${unsealedPrice}, ${sealedPrice},
              ${o.requestedAmount}, ${seal(keys, content, offerId)}, ${receipt.sha256}, ${tx.json(receipt as never)},
              ${phase.now}, ${identity ? seal(keys, identity, identityEnvelope(offerId)) : null},
              ${receipt.identitySha256 ?? null})`;
    await Promise.all([supersede, insert]);
    // No audit entry here, so intake takes no lock per competition: the signed receipt binds every
    // field, and the chain records the digest of all receipts when submissions close.
    return { offerId, version, receipt };
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
    const inStandstill = phase.state === 'standstill';
    const holdsIntendedAward =
      inStandstill && (await awardsOf(tx, w)).some((a) => a.offerId === w.offerId && a.status === 'intended');
    const refusal = withdrawalRefusal({ offerStatus: offer.status, inStandstill, holdsIntendedAward });
    if (refusal) throw new Refusal(refusal.code, refusal.message);
    if (!inStandstill) beforeDeadline(phase, 'submissions_close_at', 'withdrawal');
    await tx`update offers set status = 'withdrawn', withdrawn_at = now() where id = ${w.offerId}`;
    await appendAudit(tx, {
      competitionId: w.competitionId,
      actor: w.companyId,
      action: 'offer.withdrawn',
      data: { phase: w.phaseKey, offer: w.offerId, heldIntendedAward: holdsIntendedAward },
    });
    return { heldIntendedAward: holdsIntendedAward };
  });
}

export async function listCompanyOffers(sql: Sql, competitionId: string, companyId: string) {
  return sql<{ offerId: string; phase: string; version: number; status: string; receipt: Receipt }[]>`
    select id as "offerId", phase_key as phase, version, status, receipt from offers
    where competition_id = ${competitionId} and company_id = ${companyId}
    order by submitted_at, version`;
}

/**
 * An officer's view of a phase's offers: who sent what and when (under anonymous review: the entry,
 * and its sender, receipt and identity part only once two officers opened the identities); the
 * content, amount and price as domain/rules/visibility.ts shows them (only once two officers have
 * opened the offers; a sealed price only after quality scoring, when the gate has written it).
 */
export async function listPhaseOffers(
  sql: Sql,
  keys: Keys,
  q: { competitionId: string; phaseKey: string; viewer: Viewer },
) {
  const moment = await readPhaseMoment(sql, q.competitionId, q.phaseKey);
  if (!moment) throw await noSuchPhase(sql, q.competitionId, q.phaseKey);
  const anonymous = await readAnonymousReview(sql, q.competitionId, q.phaseKey);
  const rows = await sql<
    {
      id: string;
      company_id: string;
      entry_number: number | null;
      version: number;
      status: string;
      price: number | null;
      requested_amount: number;
      sealed_content: Buffer;
      sealed_identity: Buffer | null;
      receipt: Receipt;
    }[]
  >`
    select id, company_id, entry_number, version, status, price, requested_amount, sealed_content,
      sealed_identity, receipt from offers
    where competition_id = ${q.competitionId} and phase_key = ${q.phaseKey}
    order by entry_number nulls last, submitted_at, id`;
  return {
    opened: moment.offersOpened,
    offers: rows.map((o) => {
      const sight = { moment, relation: { own: o.company_id === q.viewer.id } };
      const identity = o.sealed_identity;
      return {
        offerId: o.id,
        ...(anonymous ? { entry: o.entry_number, label: entryLabel(o.entry_number) } : {}),
        company: maySee(q.viewer, senderItem(anonymous), sight) ? o.company_id : null,
        version: o.version,
        status: o.status,
        // A sealed price is null in its column until the gate opened its envelope.
        ...visibleOfferParts(q.viewer, sight, {
          content: () => unseal(keys, o.sealed_content, o.id).toString('utf8'),
          price: o.price,
          requestedAmount: o.requested_amount,
        }),
        ...(identity && anonymous
          ? {
              identity: maySee(q.viewer, 'identity part (company, team, declarations)', sight)
                ? unseal(keys, identity, identityEnvelope(o.id)).toString('utf8')
                : null,
            }
          : {}),
        receipt: maySee(q.viewer, receiptItem(anonymous), sight)
          ? visibleReceipt(q.viewer, sight, o.receipt)
          : null,
      };
    }),
  };
}

/**
 * Anonymous review: each active offer with an identity part gets its entry number ("Entry 7") when the
 * evaluation opens, once, in the order of its random id, so the number tells neither the company
 * nor when it sent the offer.
 */
export async function numberEntries(tx: TransactionSql, ref: { competitionId: string; phaseKey: string }) {
  await tx`
    update offers o set entry_number = n.base + n.position
    from (
      select id, row_number() over (order by id) as position,
        (select coalesce(max(entry_number), 0) from offers
         where competition_id = ${ref.competitionId} and phase_key = ${ref.phaseKey}) as base
      from offers
      where competition_id = ${ref.competitionId} and phase_key = ${ref.phaseKey} and status = 'active'
        and sealed_identity is not null and entry_number is null
    ) n
    where o.id = n.id`;
}

/** How many offers of the phase are active (not superseded or withdrawn). */
export async function countActiveOffers(
  tx: TransactionSql,
  ref: { competitionId: string; phaseKey: string },
) {
  const [row] = await tx<{ offers: number }[]>`
    select count(*)::int as offers from offers
    where competition_id = ${ref.competitionId} and phase_key = ${ref.phaseKey} and status = 'active'`;
  return row?.offers ?? 0;
}
