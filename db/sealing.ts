import {
  createCipheriv,
  createDecipheriv,
  createHash,
  randomBytes,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { receiptBytes, type Checkpoint, type Receipt, type ReceiptBody } from '../domain/proofs.ts';

export type { Receipt, ReceiptBody };

export interface Keys {
  /** 32 bytes: AES-256-GCM key that seals offer content at rest. */
  seal: Buffer;
  /** Ed25519 private key that signs receipts; anyone can check them with the public key. */
  receiptPrivate: KeyObject;
  receiptPublic: KeyObject;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** iv | tag | ciphertext; the additional data binds the ciphertext to its offer row. */
export const priceEnvelope = (offerId: string) => `${offerId}/price`;
/** Anonymous review: the identity part (company, team, declarations) is sealed apart from the proposal. */
export const identityEnvelope = (offerId: string) => `${offerId}/identity`;

export function seal(keys: Pick<Keys, 'seal'>, plaintext: Buffer, boundTo: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keys.seal, iv);
  cipher.setAAD(Buffer.from(boundTo));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

export function unseal(keys: Pick<Keys, 'seal'>, sealed: Buffer, boundTo: string): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', keys.seal, sealed.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(boundTo));
  decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
}

export const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** Signs a receipt; its checkpoint, when there is one, carries its own signature. */
export function signReceipt(
  keys: Pick<Keys, 'receiptPrivate'>,
  body: ReceiptBody,
  checkpoint: Checkpoint | null,
): Receipt {
  const signature = sign(null, receiptBytes(body), keys.receiptPrivate).toString('base64');
  return { ...body, algorithm: 'Ed25519', signature, checkpoint };
}

export function verifyReceipt(publicKey: KeyObject, receipt: ReceiptBody & { signature: string }): boolean {
  return verify(null, receiptBytes(receipt), publicKey, Buffer.from(receipt.signature, 'base64'));
}
