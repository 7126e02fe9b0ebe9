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
import { readThenWrite, type ReadThenWrite, type Sql, type TransactionSql } from './sql.ts';
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
  /**
   * That version's id if it is the company's active offer: only the latest version can be, as each
   * new version supersedes the one before and a withdrawal leaves none.
   */
  activeOfferId: string | null;
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
 * Statement A for offers read together (StatementBatches): for each, the phase, its deadline and
 * template, the company's last version and admission, the checkpoint. Undefined for an offer whose
 * phase does not exist.
 */
async function readOfferGrounds(
  db: Sql | TransactionSql,
  offers: readonly OfferSubmission[],
): Promise<(OfferGround | undefined)[]> {
  const kept = offers.map((o) => keptPhaseTemplate(o.competitionId, o.phaseKey));
  const read = offers.map((o, i) => ({
    competition_id: o.competitionId,
    phase_key: o.phaseKey,
    company_id: o.companyId,
    known: kept[i] !== undefined,
  }));
  const rows = await db<GroundRow[]>`
    select i.at, p.state, c.status as "competitionStatus", now() as now, p.submissions_close_at as "closesAt",
      case when i.known then null
        else (select e from jsonb_array_elements(c.template->'phases') e where e->>'key' = p.key) end as template,
      coalesce(latest.version, 0) as "lastVersion",
      case when latest.status = 'active' then latest.id end as "activeOfferId",
      exists (select 1 from admissions where competition_id = p.competition_id and phase_key = p.key
              and company_id = i.company_id) as admitted,
      k.position as checkpoint_position, k.head_hash as checkpoint_head_hash, k.at as checkpoint_at,
      k.signature as checkpoint_signature
    -- The offers as one JSON parameter: postgres.js types an array parameter only once it has read
    -- the server's array types, which a new pool's first statement has not.
    from rows from (jsonb_to_recordset(${db.json(read as never)})
        as (competition_id uuid, phase_key text, company_id text, known boolean))
      with ordinality as i(competition_id, phase_key, company_id, known, at)
      join phases p on p.competition_id = i.competition_id and p.key = i.phase_key
      join competitions c on c.id = p.competition_id
      -- The company's newest version, from the top of its versions in offers_one_version. Not
      -- max(): given a few companies with many versions, the planner's generic plan took max() over
      -- every offer of the phase (bench/RESULTS.md, intake), a cost that grew with the phase.
      left join lateral (
        select id, version, status from offers
        where competition_id = p.competition_id and phase_key = p.key and company_id = i.company_id
        order by version desc limit 1) latest on true
      left join lateral (
        select position, head_hash, at, signature from audit_checkpoints
        where competition_id = p.competition_id order by position desc limit 1) k on true`;
  const grounds: (OfferGround | undefined)[] = offers.map(() => undefined);
  for (const { at, template, ...row } of rows) {
    const o = offers[Number(at) - 1]!;
    const read = { read: template, kept: kept[Number(at) - 1] };
    grounds[Number(at) - 1] = groundOf(o, {
      ...row,
      template: phaseTemplateOf(o.competitionId, o.phaseKey, read),
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
 * offers read at the same moment (at most 4 statements running, 64 offers each).
 */
async function readOfferGround(db: Sql | TransactionSql, o: OfferSubmission): Promise<OfferGround> {
  let ground: OfferGround | undefined;
  if ('savepoint' in db) [ground] = await readOfferGrounds(db, [o]);
  else {
    let reads = groundReads.get(db);
    if (!reads) {
      reads = new StatementBatches((offers) => readOfferGrounds(db, offers), { inFlight: 4, size: 64 });
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
  /** The company's active offer, which this one supersedes. */
  supersedes: string | null;
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
    supersedes: ground.activeOfferId,
    price,
    sealedPrice,
    sealedContent: seal(keys, content, offerId),
    sealedIdentity: identity ? seal(keys, identity, identityEnvelope(offerId)) : null,
    receivedAt: ground.now,
  };
}

/** An offer received and signed, for statement B. */
interface OfferToStore {
  o: OfferSubmission;
  r: ReceivedOffer;
}

/** What statement B did with an offer: stored it, or did not, as the phase no longer takes offers. */
type StoreOutcome = 'stored' | 'phase-closed';

/** The phase states that take offers, as a Postgres array literal (see readOfferGrounds on array parameters). */
const OFFER_STATES_LITERAL = `{${OFFER_STATES.join(',')}}`;

/**
 * Statement B for offers of one phase, of one company each: supersedes each company's active offer
 * and inserts the new version, while it holds one of the phase's write locks shared and the phase
 * still takes offers (`phase_takes_writes`, migration 017). The close of submissions holds them all
 * exclusively while it digests the receipts, so an offer commits before the digest or is not stored.
 * The deadline is not checked again: the receipt time, taken before it, is what counts.
 */
async function storeOffers(
  db: Sql | TransactionSql,
  offers: readonly OfferToStore[],
): Promise<StoreOutcome[]> {
  const { competitionId, phaseKey } = offers[0]!.o;
  // The sealed parts, the bulk of an offer, go as one bytea parameter, each row naming where its
  // parts begin in it: as base64 text inside the JSON they cost Postgres more than the rest.
  const sealed = new SealedParts();
  const received = offers.map(({ o, r }) => ({
    id: r.stored.offerId,
    supersedes: r.supersedes,
    company_id: o.companyId,
    version: r.stored.version,
    price: r.price,
    sealed_price: sealed.add(r.sealedPrice),
    requested_amount: o.requestedAmount,
    sealed_content: sealed.add(r.sealedContent),
    content_sha256: r.stored.receipt.sha256,
    receipt: r.stored.receipt,
    submitted_at: r.receivedAt.toISOString(),
    sealed_identity: sealed.add(r.sealedIdentity),
    identity_sha256: r.stored.receipt.identitySha256 ?? null,
  }));
  const parts = sealed.bytes();
  const rows = await db<{ open: boolean }[]>`
    with guard as (
      select phase_takes_writes(${competitionId}, ${phaseKey}, ${OFFER_STATES_LITERAL}::text[]) as open
    ), received as (
      select * from jsonb_to_recordset(${db.json(received as never)}) as (id uuid, supersedes uuid, company_id text,
        version int, price numeric, sealed_price int[], requested_amount numeric, sealed_content int[],
        content_sha256 text, receipt jsonb, submitted_at timestamptz, sealed_identity int[], identity_sha256 text)
    ), superseded as (
      -- By id: the active offer statement A found, each looked up by its key. (With a condition on
      -- status, the planner read the whole of offers_one_active to intersect it with the ids.) Should
      -- another version have superseded it since, this one's number is taken too, and the insert fails
      -- on offers_one_version; should it have been withdrawn since, it stays withdrawn.
      update offers set status = case status when 'active' then 'superseded' else status end
      where id = any (array(select supersedes from received where supersedes is not null))
        and (select open from guard)
      returning 1
    ), stored as (
      insert into offers (id, competition_id, phase_key, company_id, version, price, sealed_price, requested_amount,
                          sealed_content, content_sha256, receipt, submitted_at, sealed_identity, identity_sha256)
      select r.id, ${competitionId}, ${phaseKey}, r.company_id, r.version, r.price,
        substring(${parts} from r.sealed_price[1] for r.sealed_price[2]), r.requested_amount,
        substring(${parts} from r.sealed_content[1] for r.sealed_content[2]), r.content_sha256, r.receipt,
        r.submitted_at, substring(${parts} from r.sealed_identity[1] for r.sealed_identity[2]), r.identity_sha256
      from received r, guard
      -- Reading superseded runs the update first: the new version finds the old one superseded
      -- (offers_one_active).
      -- Not "on conflict do nothing": its check of offers_one_active visited every superseded version
      -- of the company still in the index, where an insert's own check marks them dead as it goes. A
      -- version that lost a race fails the statement, and every offer in it is numbered again.
      where guard.open and (select count(*) from superseded) >= 0
      returning 1
    )
    select (select open from guard) as open`;
  return offers.map(() => (rows[0]?.open ? 'stored' : 'phase-closed'));
}

/** Sealed parts laid end to end in one buffer, each known by where it begins (from 1) and its length. */
class SealedParts {
  private readonly parts: Buffer[] = [];
  private length = 0;

  /** [where the part begins, its length] for Postgres's substring, or null for no part. */
  add(part: Buffer | null): [number, number] | null {
    if (part === null) return null;
    this.parts.push(part);
    this.length += part.length;
    return [this.length - part.length + 1, part.length];
  }

  bytes(): Buffer {
    return Buffer.concat(this.parts, this.length);
  }
}

/** Writes of statement B from the API's pool, gathered per pool, one statement per phase. */
const offerWrites = new WeakMap<Sql, StatementBatches<OfferToStore, StoreOutcome>>();

/**
 * Statement B for one offer: inside the caller's transaction alone, from a pool together with the
 * offers of its phase received at the same moment (at most 4 statements running, 64 offers each,
 * one per company). When the phase moved on since statement A, the offer is refused as the guard
 * refuses it now.
 */
async function storeOffer(db: Sql | TransactionSql, o: OfferSubmission, r: ReceivedOffer): Promise<void> {
  let outcome: StoreOutcome | undefined;
  if ('savepoint' in db) [outcome] = await storeOffers(db, [{ o, r }]);
  else {
    let writes = offerWrites.get(db);
    if (!writes) {
      writes = new StatementBatches((offers) => storeOffers(db, offers), {
        inFlight: 4,
        size: 64,
        together: {
          group: ({ o }) => `${o.competitionId}/${o.phaseKey}`,
          distinct: ({ o }) => o.companyId,
        },
      });
      offerWrites.set(db, writes);
    }
    outcome = await writes.add({ o, r });
  }
  if (outcome === 'stored') return;
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
