import { createHash, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { CheckpointSchema, ReceiptSchema, checkpointBytes, receiptBytes, type Checkpoint } from './proofs.ts';

/**
 * The offline check of a competition's record: the hash chain, its signed checkpoints, and every
 * offer against its signed receipt. The API's `/audit/verify` and `npx phasegate verify-audit`
 * both run this one function, so what the server says and what an outsider finds cannot differ.
 *
 * Entry hash: sha256 of the UTF-8 text `prevHash|seq|at|actor|action|data`, where `at` is the UTC
 * time as `YYYY-MM-DDTHH:MM:SS.ffffff` and `data` is the entry's JSON exactly as exported.
 */

const Hex64 = z.string().regex(/^[0-9a-f]{64}$/);

export const ExportedEntrySchema = z.object({
  seq: z.number().int(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  /** The entry's data as the exact JSON text that was hashed. */
  data: z.string(),
  prevHash: Hex64,
  hash: Hex64,
});

export const ExportedOfferSchema = z.object({
  offerId: z.string(),
  phase: z.string(),
  company: z.string(),
  version: z.number().int(),
  contentSha256: z.string(),
  requestedAmount: z.number(),
  price: z.number().nullable(),
  sealedPriceSha256: z.string().nullable(),
  /** Under anonymous review: the sha256 of the identity part, as stored. */
  identitySha256: z.string().nullable().optional(),
  receipt: ReceiptSchema,
});
export type ExportedOffer = z.infer<typeof ExportedOfferSchema>;

/** A juror's conflict declaration as first made (a later recognition has its own log entry). */
export const ExportedDeclarationSchema = z.object({
  phase: z.string(),
  offerId: z.string(),
  juror: z.string(),
  declaredAt: z.string(),
  hasConflict: z.boolean(),
  statementSha256: Hex64,
});
export type ExportedDeclaration = z.infer<typeof ExportedDeclarationSchema>;

/** One score of one juror's sheet, its reason by hash (the words stay with the officers' view). */
export const ExportedScoreSchema = z.object({
  phase: z.string(),
  offerId: z.string(),
  juror: z.string(),
  criterion: z.string(),
  round: z.number().int(),
  score: z.number(),
  reasonSha256: Hex64,
  submittedAt: z.string(),
});
export type ExportedScore = z.infer<typeof ExportedScoreSchema>;

export const AuditExportSchema = z.object({
  format: z.literal('phasegate-audit-export-v1'),
  competitionId: z.string(),
  entries: z.array(ExportedEntrySchema),
  checkpoints: z.array(CheckpointSchema),
  /**
   * Phases whose offers are not opened yet, or whose identities are not (anonymous review): their
   * offers are left out, and so is their digest check.
   */
  sealedPhases: z.array(z.string()),
  offers: z.array(ExportedOfferSchema),
  /**
   * The jury's declarations and scores of every evaluation round that has closed, which the chain
   * recorded by their digest (`juryAtClose`) when the round closed. Absent in exports made before.
   */
  jury: z
    .object({ declarations: z.array(ExportedDeclarationSchema), scores: z.array(ExportedScoreSchema) })
    .optional(),
});
export type AuditExport = z.infer<typeof AuditExportSchema>;

export type AuditProblemKind =
  | 'sequence'
  | 'entry-hash'
  | 'chain-link'
  | 'checkpoint-signature'
  | 'rewrite'
  | 'truncation'
  | 'receipt-signature'
  | 'offer-altered'
  | 'offers-digest'
  | 'jury-digest';

export interface AuditProblem {
  kind: AuditProblemKind;
  /** The entry position or offer id where it was found. */
  at: number | string;
  detail: string;
}

export interface AuditVerification {
  valid: boolean;
  entries: number;
  headHash?: string;
  checkpoints: number;
  latestCheckpoint?: Checkpoint;
  offers: number;
  /** The first entry whose hash or link does not match what was stored. */
  brokenAt?: number;
  problems: AuditProblem[];
}

const GENESIS = '0'.repeat(64);
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const signedBy = (key: KeyObject, bytes: Buffer, signature: string) =>
  verify(null, bytes, key, Buffer.from(signature, 'base64'));

function chainProblems(entries: AuditExport['entries']): AuditProblem[] {
  const problems: AuditProblem[] = [];
  let prev = GENESIS;
  for (const [index, e] of entries.entries()) {
    const at = index + 1;
    if (e.seq !== at) problems.push({ kind: 'sequence', at, detail: `entry ${at} is numbered ${e.seq}` });
    if (e.prevHash !== prev) {
      problems.push({
        kind: 'chain-link',
        at,
        detail: `entry ${at} does not link to the hash of entry ${index}`,
      });
    }
    if (sha256(`${e.prevHash}|${e.seq}|${e.at}|${e.actor}|${e.action}|${e.data}`) !== e.hash) {
      problems.push({ kind: 'entry-hash', at, detail: `entry ${at} does not hash to its stored hash` });
    }
    prev = e.hash;
  }
  return problems;
}

/** Checkpoints stored with the log and those carried by receipts: each one pins the chain's past. */
function checkpointProblems(doc: AuditExport, key: KeyObject, checkpoints: Checkpoint[]): AuditProblem[] {
  const problems: AuditProblem[] = [];
  for (const c of checkpoints) {
    const where = `checkpoint at ${c.position}`;
    if (c.competitionId !== doc.competitionId || !signedBy(key, checkpointBytes(c), c.signature)) {
      problems.push({
        kind: 'checkpoint-signature',
        at: c.position,
        detail: `${where} is not signed by the server`,
      });
    } else if (c.position > doc.entries.length) {
      problems.push({
        kind: 'truncation',
        at: c.position,
        detail: `${where} was signed, but the log ends at ${doc.entries.length}: entries were removed`,
      });
    } else if (doc.entries[c.position - 1]!.hash !== c.headHash) {
      problems.push({
        kind: 'rewrite',
        at: c.position,
        detail: `${where} signed another head hash: the log was rewritten`,
      });
    }
  }
  return problems;
}

function offerProblems(doc: AuditExport, key: KeyObject): AuditProblem[] {
  const problems: AuditProblem[] = [];
  for (const o of doc.offers) {
    const r = o.receipt;
    if (!signedBy(key, receiptBytes(r), r.signature)) {
      problems.push({
        kind: 'receipt-signature',
        at: o.offerId,
        detail: `offer ${o.offerId}: receipt not signed by the server`,
      });
      continue;
    }
    const altered = [
      r.offerId !== o.offerId || r.competitionId !== doc.competitionId || r.phase !== o.phase
        ? 'identity'
        : '',
      r.company !== o.company || r.version !== o.version ? 'company or version' : '',
      r.sha256 !== o.contentSha256 ? 'content' : '',
      r.requestedAmount !== o.requestedAmount ? 'requested amount' : '',
      r.price !== null && r.price !== o.price ? 'price' : '',
      r.priceEnvelopeSha256 !== o.sealedPriceSha256 ? 'sealed price envelope' : '',
      (r.identitySha256 ?? null) !== (o.identitySha256 ?? null) ? 'identity part' : '',
    ].filter(Boolean);
    if (altered.length) {
      problems.push({
        kind: 'offer-altered',
        at: o.offerId,
        detail: `offer ${o.offerId}: ${altered.join(', ')} differ from its receipt`,
      });
    }
  }
  return problems;
}

/** What a transition's entry recorded of the window it closed, read from the entry's data. */
export interface RecordedAtClose {
  seq: number;
  /** The entry's time, as hashed: UTC, to the microsecond. */
  at: string;
  offersAtClose?: { phase: string; count: number; digest: string };
  juryAtClose?: JuryAtClose;
}

/** The entries that record a closed window (offers at the close of submissions, a round's jury work), each parsed once. */
export function recordedAtClose(
  entries: readonly { seq: number; at: string; data: string }[],
): RecordedAtClose[] {
  return entries.flatMap((e) => {
    const { offersAtClose, juryAtClose } = JSON.parse(e.data) as Omit<RecordedAtClose, 'seq' | 'at'>;
    return offersAtClose || juryAtClose ? [{ seq: e.seq, at: e.at, offersAtClose, juryAtClose }] : [];
  });
}

/** The offers each phase had when its submissions closed, as the chain recorded them. */
function digestProblems(doc: AuditExport, closes: readonly RecordedAtClose[]): AuditProblem[] {
  const problems: AuditProblem[] = [];
  for (const e of closes) {
    const recorded = e.offersAtClose;
    if (!recorded || doc.sealedPhases.includes(recorded.phase)) continue;
    const offers = doc.offers
      .filter((o) => o.phase === recorded.phase)
      .sort((a, b) => (a.offerId < b.offerId ? -1 : 1));
    const digest = sha256(offers.map((o) => `${o.offerId} ${o.receipt.signature}`).join('\n'));
    if (offers.length !== recorded.count || digest !== recorded.digest) {
      problems.push({
        kind: 'offers-digest',
        at: e.seq,
        detail: `phase ${recorded.phase} closed with ${recorded.count} offers; the record now holds ${offers.length} that do not match`,
      });
    }
  }
  return problems;
}

/** What the chain records of a closed evaluation round: how many declarations and scores, and their digest. */
export interface JuryAtClose {
  phase: string;
  round: number;
  declarations: { count: number; digest: string };
  scores: { count: number; digest: string };
}

/** Whether a declaration was made by the time a round closed (both times to the microsecond, UTC). */
export const declaredBy = (d: ExportedDeclaration, closedAt: string) =>
  d.declaredAt.slice(0, 26) <= closedAt.slice(0, 26);

const digestOf = (lines: string[]) => ({ count: lines.length, digest: sha256([...lines].sort().join('\n')) });

/**
 * The digest of a round's jury work: every declaration made until the round closed (in any round:
 * a declaration holds for the whole phase) and every score of that round. The database and the
 * verifier both run this, on the same rows.
 */
export function juryDigest(
  at: { phase: string; round: number; closedAt: string },
  rows: { declarations: readonly ExportedDeclaration[]; scores: readonly ExportedScore[] },
): JuryAtClose {
  const declarations = rows.declarations
    .filter((d) => d.phase === at.phase && declaredBy(d, at.closedAt))
    .map((d) => `${d.offerId} ${d.juror} ${d.declaredAt} ${d.hasConflict} ${d.statementSha256}`);
  const scores = rows.scores
    .filter((s) => s.phase === at.phase && s.round === at.round)
    .map((s) => `${s.offerId} ${s.juror} ${s.criterion} ${s.score} ${s.reasonSha256} ${s.submittedAt}`);
  return { phase: at.phase, round: at.round, declarations: digestOf(declarations), scores: digestOf(scores) };
}

/** The declarations and scores each closed evaluation round had, as the chain recorded them. */
function juryProblems(doc: AuditExport, closes: readonly RecordedAtClose[]): AuditProblem[] {
  const problems: AuditProblem[] = [];
  const rows = doc.jury ?? { declarations: [], scores: [] };
  for (const e of closes) {
    const recorded = e.juryAtClose;
    if (!recorded) continue;
    const found = juryDigest({ ...recorded, closedAt: e.at }, rows);
    const differ = (['declarations', 'scores'] as const).filter(
      (part) => found[part].count !== recorded[part].count || found[part].digest !== recorded[part].digest,
    );
    if (differ.length === 0) continue;
    problems.push({
      kind: 'jury-digest',
      at: e.seq,
      detail:
        `round ${recorded.round} of phase ${recorded.phase} closed with ${recorded.declarations.count} ` +
        `declarations and ${recorded.scores.count} scores; the record now holds ` +
        `${found.declarations.count} and ${found.scores.count}, and its ${differ.join(' and ')} do not match`,
    });
  }
  return problems;
}

export function verifyAuditExport(doc: AuditExport, publicKey: KeyObject): AuditVerification {
  const carried = doc.offers.flatMap((o) => (o.receipt.checkpoint ? [o.receipt.checkpoint] : []));
  const closes = recordedAtClose(doc.entries);
  const problems = [
    ...chainProblems(doc.entries),
    ...checkpointProblems(doc, publicKey, [...doc.checkpoints, ...carried]),
    ...offerProblems(doc, publicKey),
    ...digestProblems(doc, closes),
    ...juryProblems(doc, closes),
  ];
  const firstEntryProblem = problems.find(
    (p) => typeof p.at === 'number' && p.kind !== 'offers-digest' && p.kind !== 'jury-digest',
  );
  return {
    valid: problems.length === 0,
    entries: doc.entries.length,
    headHash: doc.entries.at(-1)?.hash,
    checkpoints: doc.checkpoints.length,
    latestCheckpoint: doc.checkpoints.at(-1),
    offers: doc.offers.length,
    ...(firstEntryProblem ? { brokenAt: firstEntryProblem.at as number } : {}),
    problems,
  };
}
