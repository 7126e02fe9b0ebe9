import {
  createCipheriv,
  createDecipheriv,
  createHash,
  randomBytes,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';

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

export interface ReceiptBody {
  offerId: string;
  competitionId: string;
  phase: string;
  company: string;
  version: number;
  receivedAt: string;
  sha256: string;
}
export interface Receipt extends ReceiptBody {
  algorithm: 'Ed25519';
  signature: string;
}

/** Fixed field order, so the signed bytes can be rebuilt from the receipt alone. */
const canonical = (r: ReceiptBody) =>
  [r.offerId, r.competitionId, r.phase, r.company, r.version, r.receivedAt, r.sha256].join('\n');

export function signReceipt(keys: Keys, body: ReceiptBody): Receipt {
  return {
    ...body,
    algorithm: 'Ed25519',
    signature: sign(null, Buffer.from(canonical(body)), keys.receiptPrivate).toString('base64'),
  };
}

export function verifyReceipt(publicKey: KeyObject, receipt: Receipt): boolean {
  return verify(null, Buffer.from(canonical(receipt)), publicKey, Buffer.from(receipt.signature, 'base64'));
}
