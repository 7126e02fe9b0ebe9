import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  SignJWT,
  type JWK,
} from 'jose';
import { z } from 'zod';
import type { JwtIdentity, Role } from '../api/auth.ts';
import type { Config } from './config.ts';

/** The issuer and audience of development tokens, which `npm run token` mints. */
export const DEV_ISSUER = 'urn:phasegate:development';
export const AUDIENCE = 'phasegate';
const ROLE_CLAIM = 'phasegate_role';
const ORGANISATION_CLAIM = 'org';

const DevKeySchema = z.object({ privateJwk: z.record(z.string(), z.unknown()) });

/** The development signing key, kept beside the development data (mode 0600), made on first use. */
export async function loadOrCreateDevSigningKey(file: string): Promise<JWK> {
  try {
    return DevKeySchema.parse(JSON.parse(await readFile(file, 'utf8'))).privateJwk as JWK;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const privateJwk = { ...(await exportJWK(privateKey)), kid: 'phasegate-dev', alg: 'EdDSA' };
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify({ privateJwk }), { mode: 0o600 });
  return privateJwk;
}

const publicPart = ({ d: _private, ...publicJwk }: JWK): JWK => publicJwk;

/** Trusts tokens signed with the development key only. */
export function devJwtIdentity(privateJwk: JWK): JwtIdentity {
  return {
    issuer: DEV_ISSUER,
    audience: AUDIENCE,
    keys: createLocalJWKSet({ keys: [publicPart(privateJwk)] }),
    clockToleranceSeconds: 30,
    roleClaim: ROLE_CLAIM,
    organisationClaim: ORGANISATION_CLAIM,
  };
}

/** The JWKS address from the provider's OpenID discovery document, unless configured. */
async function jwksUrl(config: Config): Promise<URL> {
  if (config.PHASEGATE_OIDC_JWKS_URL) return new URL(config.PHASEGATE_OIDC_JWKS_URL);
  const discovery = new URL(
    '.well-known/openid-configuration',
    `${config.PHASEGATE_OIDC_ISSUER!.replace(/\/$/, '')}/`,
  );
  const response = await fetch(discovery, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`OpenID discovery at ${discovery.href} answered ${response.status}`);
  const { jwks_uri } = z.object({ jwks_uri: z.string().url() }).parse(await response.json());
  return new URL(jwks_uri);
}

/** Production sign-in: the OpenID Connect provider's JWTs, checked against its published keys. */
export async function oidcIdentity(config: Config): Promise<JwtIdentity | undefined> {
  if (!config.PHASEGATE_OIDC_ISSUER) return undefined;
  return {
    issuer: config.PHASEGATE_OIDC_ISSUER,
    audience: config.PHASEGATE_OIDC_AUDIENCE,
    keys: createRemoteJWKSet(await jwksUrl(config)),
    clockToleranceSeconds: config.PHASEGATE_OIDC_CLOCK_SKEW_SECONDS,
    roleClaim: config.PHASEGATE_OIDC_ROLE_CLAIM,
    organisationClaim: config.PHASEGATE_OIDC_ORGANISATION_CLAIM,
  };
}

export interface TokenRequest {
  role: Role;
  /** The person; defaults to the organisation's first person or the role. */
  person: string;
  /** The company a person acts for (required for companies). */
  organisation?: string;
  name?: string;
  hours: number;
}

export async function mintDevToken(privateJwk: JWK, request: TokenRequest): Promise<string> {
  const key = await importJWK(privateJwk, 'EdDSA');
  const claims: Record<string, string> = { [ROLE_CLAIM]: request.role };
  if (request.organisation) claims[ORGANISATION_CLAIM] = request.organisation;
  if (request.name) claims.name = request.name;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'EdDSA', kid: privateJwk.kid })
    .setIssuer(DEV_ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(request.person)
    .setIssuedAt()
    .setExpirationTime(`${request.hours}h`)
    .sign(key);
}
