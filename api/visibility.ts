import { createMiddleware } from 'hono/factory';
import type { AuthEnv } from './auth.ts';
import { roleMaySee, type Item, type Viewer } from '../domain/rules/visibility.ts';
import { ProblemError } from './problem.ts';

/**
 * Refuses with 403 a caller whose role never sees any of the items (domain/rules/visibility.ts);
 * whether they see it now, and which part, the route then asks the rules with the facts at hand.
 */
export function requireSight(viewer: Viewer, ...items: Item[]): void {
  if (items.some((item) => roleMaySee(viewer.role, item))) return;
  throw new ProblemError('forbidden', `a ${viewer.role} does not see ${items.join(' or ')}`);
}

/** A juror who is not on the phase's jury sees none of its jury's work. */
export function notOnJury(viewer: Viewer, phaseKey: string): ProblemError {
  return new ProblemError('not-assigned', `juror ${viewer.id} is not on the jury of phase ${phaseKey}`);
}

/**
 * The route shows these items: a caller whose role never sees any of them gets 403 before anything
 * is read (domain/rules/visibility.ts decides; the handler then asks it with the facts at hand).
 */
export const sees = (...items: Item[]) =>
  createMiddleware<AuthEnv>(async (c, next) => {
    requireSight(c.get('principal'), ...items);
    await next();
  });
