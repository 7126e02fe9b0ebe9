import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Principal } from '../api/auth.ts';

/**
 * A session is held by the browser, sealed (AES-256-GCM: nobody can read or forge it), so any API
 * process with the same keys serves it and the server keeps no state. It carries the person's own
 * credential, with which every page calls the API, and the form token against cross-site requests.
 */
export interface Session {
  token: string;
  principal: Principal;
  csrf: string;
  expiresAt: number;
}

export const SESSION_COOKIE = 'phasegate_session';
const SESSION_HOURS = 8;

export function sessionKey(seal: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', seal, Buffer.alloc(0), 'phasegate-web-session-v1', 32));
}

/** JSON sealed with AES-256-GCM: readable and changeable by no one without the key. */
export function sealJson(key: Buffer, value: unknown): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const text = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), text]).toString('base64url');
}

/** The sealed JSON, or undefined when it was not sealed with this key or was changed. */
export function unsealJson<T>(key: Buffer, value: string | undefined): T | undefined {
  if (!value) return undefined;
  try {
    const bytes = Buffer.from(value, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
    decipher.setAuthTag(bytes.subarray(12, 28));
    return JSON.parse(
      Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8'),
    );
  } catch {
    return undefined;
  }
}

/** Served over https (directly or behind a proxy that says so): the cookie is then Secure. */
export const isHttps = (c: Context): boolean =>
  new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';

export function readSession(c: Context, key: Buffer): Session | undefined {
  const session = unsealJson<Session>(key, getCookie(c, SESSION_COOKIE));
  return session && session.expiresAt > Date.now() ? session : undefined;
}

/** A session lasts 8 hours, or less when the credential it carries expires sooner. */
export function startSession(
  c: Context,
  key: Buffer,
  token: string,
  principal: Principal,
  tokenSeconds = SESSION_HOURS * 3600,
): void {
  const seconds = Math.min(SESSION_HOURS * 3600, tokenSeconds);
  const session: Session = {
    token,
    principal,
    csrf: randomBytes(18).toString('base64url'),
    expiresAt: Date.now() + seconds * 1000,
  };
  setCookie(c, SESSION_COOKIE, sealJson(key, session), {
    httpOnly: true,
    sameSite: 'Lax',
    secure: isHttps(c),
    path: '/',
    maxAge: seconds,
  });
}

export function endSession(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: isHttps(c) });
}

/** The hidden form token matches the session's (compared in constant time). */
export function csrfTokenMatches(session: Session | undefined, sent: unknown): boolean {
  if (!session || typeof sent !== 'string') return false;
  const a = Buffer.from(session.csrf);
  const b = Buffer.from(sent);
  return a.length === b.length && timingSafeEqual(a, b);
}
