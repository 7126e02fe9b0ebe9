import { z } from 'zod';

/**
 * What the server signs, byte for byte, so that anyone can check a receipt or an audit checkpoint
 * with the published Ed25519 key and nothing else (`openssl pkeyutl -verify -rawin`). Each signed
 * text starts with its own first line, so a signature over one kind can never pass for another.
 */

/** A signed statement of the audit chain's head: position N has hash H, at time T. */
export const CheckpointSchema = z.object({
  competitionId: z.string(),
  position: z.number().int().min(1),
  headHash: z.string().regex(/^[0-9a-f]{64}$/),
  at: z.string(),
  algorithm: z.literal('Ed25519'),
  signature: z.string(),
});
export type Checkpoint = z.infer<typeof CheckpointSchema>;

export const checkpointBytes = (c: Omit<Checkpoint, 'algorithm' | 'signature'>) =>
  Buffer.from(['phasegate-audit-checkpoint-v1', c.competitionId, c.position, c.headHash, c.at].join('\n'));

export const ReceiptBodySchema = z.object({
  offerId: z.string(),
  competitionId: z.string(),
  phase: z.string(),
  company: z.string(),
  version: z.number().int(),
  receivedAt: z.string(),
  /** sha256 of the offer's content, exactly the bytes sent. */
  sha256: z.string(),
  requestedAmount: z.number(),
  /** The price, where the phase does not seal it. */
  price: z.number().nullable(),
  /** sha256 of the sealed price envelope, where the phase seals prices until the gate. */
  priceEnvelopeSha256: z.string().nullable(),
  /**
   * Under anonymous review only: sha256 of the identity part (company, team, declarations), exactly
   * the bytes sent; such a receipt is signed as `phasegate-receipt-v3`.
   */
  identitySha256: z.string().optional(),
});
export type ReceiptBody = z.infer<typeof ReceiptBodySchema>;

export const ReceiptSchema = ReceiptBodySchema.extend({
  algorithm: z.literal('Ed25519'),
  signature: z.string(),
  /** The latest signed checkpoint of the competition's audit log when the offer came in. */
  checkpoint: CheckpointSchema.nullable(),
});
export type Receipt = z.infer<typeof ReceiptSchema>;

/**
 * One field per line in this order; an absent price or envelope is an empty line. An offer under
 * anonymous review has a v3 receipt: the same lines, then the sha256 of its identity part.
 */
export const receiptBytes = (r: ReceiptBody) =>
  Buffer.from(
    [
      r.identitySha256 === undefined ? 'phasegate-receipt-v2' : 'phasegate-receipt-v3',
      r.offerId,
      r.competitionId,
      r.phase,
      r.company,
      r.version,
      r.receivedAt,
      r.sha256,
      r.requestedAmount,
      r.price ?? '',
      r.priceEnvelopeSha256 ?? '',
      ...(r.identitySha256 === undefined ? [] : [r.identitySha256]),
    ].join('\n'),
  );
