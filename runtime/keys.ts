import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Keys } from '../db/sealing.ts';

export function sealKeyFrom(text: string): Buffer {
  const key = /^[0-9a-f]{64}$/i.test(text.trim())
    ? Buffer.from(text.trim(), 'hex')
    : Buffer.from(text.trim(), 'base64');
  if (key.length !== 32) throw new Error('PHASEGATE_SEAL_KEY must be 32 bytes, as 64 hex digits or base64');
  return key;
}

export function keysFrom(sealKey: string, receiptKeyPem: string): Keys {
  const receiptPrivate = createPrivateKey(
    receiptKeyPem.includes('BEGIN') ? receiptKeyPem : Buffer.from(receiptKeyPem, 'base64').toString(),
  );
  if (receiptPrivate.asymmetricKeyType !== 'ed25519')
    throw new Error('PHASEGATE_RECEIPT_KEY must be an Ed25519 private key');
  return { seal: sealKeyFrom(sealKey), receiptPrivate, receiptPublic: createPublicKey(receiptPrivate) };
}

export function generateKeys(): Keys {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { seal: randomBytes(32), receiptPrivate: privateKey, receiptPublic: publicKey };
}

/**
 * Development keys live beside the development data, so offers sealed before a restart can still
 * be opened after it. Production passes its keys in the environment.
 */
export async function loadOrCreateDevKeys(file: string): Promise<Keys> {
  try {
    const stored = JSON.parse(await readFile(file, 'utf8')) as { seal: string; receipt: string };
    return keysFrom(stored.seal, stored.receipt);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const keys = generateKeys();
  await mkdir(dirname(file), { recursive: true });
  const receipt = keys.receiptPrivate.export({ type: 'pkcs8', format: 'pem' }).toString();
  await writeFile(file, JSON.stringify({ seal: keys.seal.toString('hex'), receipt }), { mode: 0o600 });
  return keys;
}
