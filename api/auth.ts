import { createMiddleware } from 'hono/factory';
import { errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { partyId } from '../domain/text.ts';
import { ProblemError } from './problem.ts';

export const RoleSchema = z.enum(['officer', 'company', 'juror']);
export type Role = z.infer<typeof RoleSchema>;

/** What may name a party: the same rule as every id in a request (domain/text.ts). */
const PartyId = partyId().min(1);

export const PrincipalSchema = z.object({
  /** The party that acts: the company (an organisation) for companies, the person otherwise. */
  id: PartyId,
  role: RoleSchema,
  name: z.string().max(200).optional(),
  /** The person behind the call, when a token says so; several people may act for one company. */
  person: PartyId.optional(),
});
export type Principal = z.infer<typeof PrincipalSchema>;

/** Bearer token → who is calling. Development only: production signs in by OpenID Connect (JWT). */
export const TokenMapSchema = z.record(z.string().min(16), PrincipalSchema);
export type TokenMap = z.infer<typeof TokenMapSchema>;

/** How JWTs from the OpenID Connect provider are checked and read. */
export interface JwtIdentity {
  issuer: string;
  audience: string;
  /** A remote JWKS (production) or a local key set (development, tests). */
  keys: JWTVerifyGetKey;
  /** Seconds of clock difference tolerated on `exp`, `nbf` and `iat`. */
  clockToleranceSeconds: number;
  /** Claim that holds the Phasegate role: officer, company or juror. */
  roleClaim: string;
  /** Claim that holds the organisation a company's person acts for. */
  organisationClaim: string;
}

export interface Identities {
  tokens?: TokenMap;
  jwt?: JwtIdentity;
}

export type AuthEnv = { Variables: { principal: Principal } };

const REALM = 'Bearer realm="phasegate"';
const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/;

function refuse(detail: string, error?: 'invalid_token'): never {
  const challenge = error ? `${REALM}, error="${error}", error_description="${detail}"` : REALM;
  throw new ProblemError('unauthenticated', detail, undefined, { 'www-authenticate': challenge });
}

function principalFromClaims(payload: JWTPayload, jwt: JwtIdentity): Principal {
  const role = RoleSchema.safeParse(payload[jwt.roleClaim]);
  if (!role.success) refuse(`the token's ${jwt.roleClaim} claim names no Phasegate role`, 'invalid_token');
  const organisation = payload[jwt.organisationClaim];
  const candidate = {
    id: role.data === 'company' ? organisation : payload.sub,
    role: role.data,
    person: payload.sub,
    name: typeof payload.name === 'string' ? payload.name : undefined,
  };
  const principal = PrincipalSchema.safeParse(candidate);
  if (!principal.success) {
    const missing = role.data === 'company' ? `${jwt.organisationClaim} and sub` : 'sub';
    refuse(`the token's ${missing} claims do not name a party`, 'invalid_token');
  }
  return principal.data;
}

async function principalFromJwt(token: string, jwt: JwtIdentity): Promise<Principal> {
  try {
    const { payload } = await jwtVerify(token, jwt.keys, {
      issuer: jwt.issuer,
      audience: jwt.audience,
      clockTolerance: jwt.clockToleranceSeconds,
      requiredClaims: ['exp', 'sub'],
    });
    return principalFromClaims(payload, jwt);
  } catch (error) {
    if (error instanceof ProblemError) throw error;
    if (error instanceof joseErrors.JOSEError && !(error instanceof joseErrors.JWKSTimeout)) {
      refuse('the token is not valid: wrong signature, issuer, audience, or it has expired', 'invalid_token');
    }
    throw error;
  }
}

/**
 * Who is calling. Static tokens are looked up as own properties only, so no name on
 * `Object.prototype` (`constructor`, `__proto__`, …) can pass for a token.
 */
export async function identify(header: string | undefined, identities: Identities): Promise<Principal> {
  const match = /^Bearer +([\x21-\x7e]+)$/i.exec(header ?? '');
  if (!match) refuse('send Authorization: Bearer <token>');
  const token = match[1]!;
  if (identities.jwt && JWT_SHAPE.test(token)) return principalFromJwt(token, identities.jwt);
  const tokens = identities.tokens;
  const known = tokens && Object.hasOwn(tokens, token) ? PrincipalSchema.safeParse(tokens[token]) : undefined;
  if (!known?.success) refuse('the token is not known', 'invalid_token');
  return known.data;
}

export function authenticate(identities: Identities) {
  return createMiddleware<AuthEnv>(async (c, next) => {
    c.set('principal', await identify(c.req.header('authorization'), identities));
    await next();
  });
}

export function requireRole(principal: Principal, ...roles: Role[]): void {
  if (!roles.includes(principal.role)) {
    throw new ProblemError(
      'forbidden',
      `this needs the role ${roles.join(' or ')}; you are ${principal.role}`,
    );
  }
}

/**
 * The route is for these roles only: anyone else gets 403 before the request is read, so a caller
 * without the role learns nothing about what a valid request would be.
 */
export const allow = (...roles: Role[]) =>
  createMiddleware<AuthEnv>(async (c, next) => {
    requireRole(c.get('principal'), ...roles);
    await next();
  });
