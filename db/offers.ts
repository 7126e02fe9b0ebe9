import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { OFFER_STATES } from '../domain/competition.ts';
import type { Checkpoint } from '../domain/proofs.ts';
import type { PhaseTemplate } from '../domain/template.ts';
import {
  entryLabel,
  maySee,
  receiptItem,
  senderItem,
  visibleOfferParts,
  visibleReceipt,
  type Viewer,
} from '../domain/rules/visibility.ts';
import { offerRefusal, withdrawalRefusal } from '../domain/rules/offer.ts';
import { appendAudit, checkpointOf } from './audit.ts';
import { StatementBatches } from './batches.ts';
import { awardsOf } from './awards.ts';
import {
  beforeDeadline,
  guardPhase,
  keptPhaseTemplate,
  noSuchPhase,
  phaseTemplateColumn,
  phaseTemplateOf,
  phaseWriteRefusal,
  type PhaseAtWrite,
} from './phase-guard.ts';
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
import { isTransaction, readThenWrite, type ReadThenWrite, type Sql, type TransactionSql } from './sql.ts';
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

/** What closes at the submission deadline, as the refusals name it. */
const SUBMISSION = 'submission';

/** The phase states that take offers, as a Postgres array literal (see readOfferGrounds on array parameters). */
const OFFER_STATES_LITERAL = `{${OFFER_STATES.join(',')}}`;

export interface StoredOffer {
  offerId: string;
  version: number;
  receipt: Receipt;
}

/** What an offer is judged and numbered on, all read by statement A, without a lock. */
interface OfferGround extends PhaseAtWrite {
  closesAt: Date | null;
  /** The phase's own element of the competition's procedure template. */
  template: PhaseTemplate;
  /** The company's latest version in the phase; 0 before its first. */
  lastVersion: number;
  /** Whether the company was admitted from an earlier phase: the rules ask it where the phase admits only winners. */
  admitted: boolean;
  checkpoint: Checkpoint | null;
}

type GroundRow = Omit<OfferGround, 'checkpoint' | 'template'> & {
  /** The offer's place among those read together. */
  at: string;
  template: PhaseTemplate | null;
  checkpoint_position: string | null;
  checkpoint_head_hash: string;
  checkpoint_at: Date;
  checkpoint_signature: string;
};

/**
 * Statement A for offers of one phase read together (StatementBatches): the phase, its deadline and
 * template, each company's last version and admission, the checkpoint. Undefined for every offer
 * when the phase does not exist.
 */
async function readOfferGrounds(
  db: Sql | TransactionSql,
  offers: readonly OfferSubmission[],
): Promise<(OfferGround | undefined)[]> {
  const { competitionId, phaseKey } = offers[0]!;
  const kept = keptPhaseTemplate(competitionId, phaseKey);
  const rows = await db<GroundRow[]>`
    select i.at, p.state, c.status as "competitionStatus", now() as now, p.submissions_close_at as "closesAt",
      ${phaseTemplateColumn(db, kept)} as template,
      -- The company's newest version, read from the top of its versions in offers_one_version.
      -- Not max(): given a few companies with many versions, the planner's generic plan took max()
      -- over every offer of the phase (bench/RESULTS.md, intake), a cost that grew with the phase.
      coalesce((select version from offers
        where competition_id = p.competition_id and phase_key = p.key and company_id = i.company_id
        order by version desc limit 1), 0) as "lastVersion",
      exists (select 1 from admissions where competition_id = p.competition_id and phase_key = p.key
              and company_id = i.company_id) as admitted,
      k.position as checkpoint_position, k.head_hash as checkpoint_head_hash, k.at as checkpoint_at,
      k.signature as checkpoint_signature
    from phases p join competitions c on c.id = p.competition_id
      -- The companies as one JSON parameter: postgres.js types an array parameter only once it has
      -- read the server's array types, which a new pool's first statement has not.
      cross join rows from (jsonb_array_elements_text(${db.json(offers.map((o) => o.companyId))}))
        with ordinality as i(company_id, at)
      left join lateral (
        select position, head_hash, at, signature from audit_checkpoints
        where competition_id = p.competition_id order by position desc limit 1) k on true
    where p.competition_id = ${competitionId} and p.key = ${phaseKey}`;
  const grounds: (OfferGround | undefined)[] = offers.map(() => undefined);
  for (const { at, template, ...row } of rows) {
    const o = offers[Number(at) - 1]!;
    grounds[Number(at) - 1] = groundOf(o, {
      ...row,
      template: phaseTemplateOf(competitionId, phaseKey, { read: template, kept }),
    });
  }
  return grounds;
}

function groundOf(o: OfferSubmission, row: Omit<GroundRow, 'at' | 'template'> & { template: PhaseTemplate }) {
  const { checkpoint_position, checkpoint_head_hash, checkpoint_at, checkpoint_signature, ...ground } = row;
  const checkpoint =
    checkpoint_position === null
      ? null
      : checkpointOf({
          competition_id: o.competitionId,
          position: checkpoint_position,
          head_hash: checkpoint_head_hash,
          at: checkpoint_at,
          signature: checkpoint_signature,
        });
  return { ...ground, checkpoint };
}

/** Reads of statement A from the API's pool, gathered per pool. */
const groundReads = new WeakMap<Sql, StatementBatches<OfferSubmission, OfferGround | undefined>>();

/**
 * Statement A for one offer: inside the caller's transaction alone, from a pool together with the
 * offers of its phase read at the same moment (at most 2 statements running, 64 offers each: in
 * the intake bench, 2 ran 2,400 offers/s at 50 companies, 4 ran 2,000-2,300).
 */
async function readOfferGround(db: Sql | TransactionSql, o: OfferSubmission): Promise<OfferGround> {
  let ground: OfferGround | undefined;
  if (isTransaction(db)) [ground] = await readOfferGrounds(db, [o]);
  else {
    let reads = groundReads.get(db);
    if (!reads) {
      reads = new StatementBatches((offers) => readOfferGrounds(db, offers), {
        inFlight: 2,
        size: 64,
        groupOf: (o) => `${o.competitionId}/${o.phaseKey}`,
      });
      groundReads.set(db, reads);
    }
    ground = await reads.add(o);
  }
  if (!ground) throw await noSuchPhase(db, o.competitionId, o.phaseKey);
  return ground;
}

/** An offer accepted by the rules and signed, ready for statement B. */
interface ReceivedOffer {
  stored: StoredOffer;
  price: number | null;
  sealedPrice: Buffer | null;
  sealedContent: Buffer;
  sealedIdentity: Buffer | null;
  receivedAt: Date;
}

/**
 * Refuses the offer as guardPhase and the offer rules do (domain/rules/offer.ts), on what statement
 * A read, or numbers it after the company's latest version, seals it and signs its receipt with the
 * database's receipt time.
 */
function receiveOffer(keys: Keys, o: OfferSubmission, ground: OfferGround): ReceivedOffer {
  const refusal =
    phaseWriteRefusal(ground, OFFER_STATES, { what: SUBMISSION, closesAt: ground.closesAt }) ??
    offerRefusal(ground.template, o, ground);
  if (refusal) throw refusal instanceof Refusal ? refusal : new Refusal(refusal.code, refusal.message);
  const offerId = randomUUID();
  const version = ground.lastVersion + 1;
  const sealedPrice =
    ground.template.sealedPrice && o.price !== undefined
      ? seal(keys, Buffer.from(String(o.price)), priceEnvelope(offerId))
      : null;
  const content = Buffer.from(o.content, 'utf8');
  const identity = o.identity === undefined ? undefined : Buffer.from(o.identity, 'utf8');
  const price = sealedPrice ? null : (o.price ?? null);
  const receipt = signReceipt(
    keys,
    {
      offerId,
      competitionId: o.competitionId,
      phase: o.phaseKey,
      company: o.companyId,
      version,
      receivedAt: ground.now.toISOString(),
      sha256: sha256(content),
      requestedAmount: o.requestedAmount,
      price,
      priceEnvelopeSha256: sealedPrice ? sha256(sealedPrice) : null,
      ...(identity ? { identitySha256: sha256(identity) } : {}),
    },
    ground.checkpoint,
  );
  return {
    stored: { offerId, version, receipt },
    price,
    sealedPrice,
    sealedContent: seal(keys, content, offerId),
    sealedIdentity: identity ? seal(keys, identity, identityEnvelope(offerId)) : null,
    receivedAt: ground.now,
  };
}

/**
 * Statement B: supersedes the company's active offer and inserts the new version, while it holds one
 * of the phase's write locks shared and the phase still takes offers (`phase_takes_writes`, migration
 * 017). The close of submissions holds them all exclusively while it digests the receipts, so the offer
 * commits before the digest or is not stored. The deadline is not checked again: the receipt time,
 * taken before it, is what counts. When the phase moved on since statement A, the offer is refused
 * as the guard refuses it now.
 */
async function storeOffer(db: Sql | TransactionSql, o: OfferSubmission, r: ReceivedOffer): Promise<void> {
  const { offerId, version, receipt } = r.stored;
  const [stored] = await db<{ stored: boolean }[]>`
    with guard as (
      select phase_takes_writes(${o.competitionId}, ${o.phaseKey}, ${OFFER_STATES_LITERAL}::text[]) as open
    ), superseded as (
      update offers set status = 'superseded'
      where competition_id = ${o.competitionId} and phase_key = ${o.phaseKey} and company_id = ${o.companyId}
        and status = 'active' and (select open from guard)
      returning 1
    ), stored as (
      insert into offers (id, competition_id, phase_key, company_id, version, price, sealed_price, requested_amount,
                          sealed_content, content_sha256, receipt, submitted_at, sealed_identity, identity_sha256)
      select ${offerId}, ${o.competitionId}, ${o.phaseKey}, ${o.companyId}, ${version}, ${r.price}, ${r.sealedPrice},
        ${o.requestedAmount}, ${r.sealedContent}, ${receipt.sha256}, ${db.json(receipt as never)}, ${r.receivedAt},
        ${r.sealedIdentity}, ${receipt.identitySha256 ?? null}
      from guard
      -- Reading superseded runs the update first: the new version finds the old one superseded
      -- (offers_one_active).
      where open and (select count(*) from superseded) >= 0
      returning 1
    )
    select exists (select 1 from stored) as stored`;
  if (stored?.stored) return;
  // The phase moved on since statement A: read it again, as it is now, for the refusal.
  const now = await readOfferGround(db, o);
  throw (
    phaseWriteRefusal(now, OFFER_STATES, { what: SUBMISSION, closesAt: now.closesAt }) ??
    new Refusal('phase-closed', 'the phase no longer takes offers')
  );
}

/** The intake of one offer in two statements, A then B; the API sends its Idempotency-Key with them. */
export function offerIntake(keys: Keys, o: OfferSubmission): ReadThenWrite<OfferGround, StoredOffer> {
  return {
    read: (db: Sql | TransactionSql) => readOfferGround(db, o),
    write: (db: Sql | TransactionSql, ground: OfferGround) => {
      const received = receiveOffer(keys, o, ground);
      return { result: received.stored, written: storeOffer(db, o, received) };
    },
  };
}

/** How many times one offer is numbered and sent at most, while versions of its company race. */
const VERSION_ATTEMPTS = 5;

/** Another version of the company took this one's number, or its place as the active offer. */
const isVersionRace = (error: unknown) =>
  error instanceof postgres.PostgresError &&
  error.code === '23505' &&
  (error.constraint_name === 'offers_one_version' || error.constraint_name === 'offers_one_active');

/** Per competition, phase and company: the last of its offers being sent again by this process. */
const retrying = new Map<string, Promise<unknown>>();

/**
 * Receives one version of an offer by `attempt` (statements A and B, in the API's idempotency
 * transaction or not). With no lock, two versions of one company sent at once can read the same
 * latest version: the unique key refuses one, which is numbered and sent again. The company's
 * offers sent again wait for each other in this process, so a burst of versions costs each of them
 * one retry, not one for every version that was faster.
 */
export async function receiveVersion<T>(o: OfferSubmission, attempt: () => Promise<T>): Promise<T> {
  try {
    return await attempt();
  } catch (error) {
    if (!isVersionRace(error)) throw error;
  }
  const company = `${o.competitionId}/${o.phaseKey}/${o.companyId}`;
  const turn = (retrying.get(company) ?? Promise.resolve()).then(() => retryVersion(attempt));
  const done = turn.then(
    () => undefined,
    () => undefined,
  );
  retrying.set(company, done);
  try {
    return await turn;
  } finally {
    if (retrying.get(company) === done) retrying.delete(company);
  }
}

async function retryVersion<T>(attempt: () => Promise<T>): Promise<T> {
  for (let attempts = 2; ; attempts++) {
    try {
      return await attempt();
    } catch (error) {
      if (!isVersionRace(error)) throw error;
      if (attempts >= VERSION_ATTEMPTS) {
        throw new Refusal(
          'duplicate',
          `other versions of your offer sent at the same moment took its number ${attempts} times; send it again`,
        );
      }
    }
  }
}

/**
 * Receives an offer (or a new version that supersedes the company's previous one) in two
 * autocommit statements and no transaction: A reads what the offer is judged and numbered on, B
 * stores it while the phase still takes offers. The receipt carries the database's receipt time
 * (A's) and the content's sha256.
 */
export function submitOffer(sql: Sql, keys: Keys, o: OfferSubmission): Promise<StoredOffer> {
  return receiveVersion(o, () => readThenWrite(sql, offerIntake(keys, o)));
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
