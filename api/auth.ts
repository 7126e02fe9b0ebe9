import { createMiddleware } from 'hono/factory';
import { z } from 'zod';
import { ProblemError } from './problem.ts';

export const RoleSchema = z.enum(['officer', 'company', 'juror']);
export type Role = z.infer<typeof RoleSchema>;

export const PrincipalSchema = z.object({
  id: z.string().min(1),
  role: RoleSchema,
  name: z.string().optional(),
});
export type Principal = z.infer<typeof PrincipalSchema>;

/** Bearer token → who is calling. In production the map comes from PHASEGATE_AUTH_TOKENS. */
export const TokenMapSchema = z.record(z.string().min(16), PrincipalSchema);
export type TokenMap = z.infer<typeof TokenMapSchema>;

export type AuthEnv = { Variables: { principal: Principal } };

export function authenticate(tokens: TokenMap) {
  return createMiddleware<AuthEnv>(async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const principal = match ? tokens[match[1]!] : undefined;
    if (!principal)
      throw new ProblemError('unauthenticated', 'send Authorization: Bearer <token> with a known token');
    c.set('principal', principal);
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
