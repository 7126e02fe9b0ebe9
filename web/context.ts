import type { Context } from 'hono';
import type { Identities } from '../api/auth.ts';
import type { ApiApp, ApiAnswer, Problem } from './api-client.ts';
import { callApi } from './api-client.ts';
import type { Asset } from './assets.ts';
import type { PageContext } from './layout.tsx';
import { csrfTokenMatches, type Session } from './session.ts';

export interface WebDeps extends Identities {
  /** The API app itself: every page reads and writes through it, as the signed-in person. */
  api: ApiApp;
  keys: { seal: Buffer };
}

export type WebEnv = {
  Variables: { page: PageContext; sessionKey: Buffer; assets: Map<string, Asset> };
};
export type WebContext = Context<WebEnv>;

/** A page the API refused, or one that needs a session: rendered by the app's error handler. */
export class PageError extends Error {
  constructor(
    readonly status: 401 | 403 | 404 | 409 | 400 | 422 | 503,
    readonly problem?: Problem,
  ) {
    super(problem?.detail ?? `page answered ${status}`);
  }
}

export function sessionOf(c: WebContext): Session {
  const session = c.get('page').session;
  if (!session) throw new PageError(401);
  return session;
}

const PAGE_STATUSES = new Set([400, 401, 403, 404, 409, 422, 503]);

/** Reads from the API as the signed-in person; a refusal is the page's refusal, with the same status. */
export async function load<T>(c: WebContext, deps: WebDeps, path: string): Promise<T> {
  const answer = await callApi<T>(deps.api, sessionOf(c).token, 'GET', path);
  if (answer.ok) return answer.body;
  const status = PAGE_STATUSES.has(answer.status) ? answer.status : 503;
  throw new PageError(status as PageError['status'], answer.problem);
}

/** Like load, but a 403, 404 or 409 (not visible to this person, or not yet) is simply nothing. */
export async function loadIfVisible<T>(c: WebContext, deps: WebDeps, path: string): Promise<T | undefined> {
  const answer = await callApi<T>(deps.api, sessionOf(c).token, 'GET', path);
  if (answer.ok) return answer.body;
  if ([403, 404, 409].includes(answer.status)) return undefined;
  throw new PageError(503, answer.problem);
}

export const send = <T>(
  c: WebContext,
  deps: WebDeps,
  method: string,
  path: string,
  body?: unknown,
): Promise<ApiAnswer<T>> => callApi<T>(deps.api, sessionOf(c).token, method, path, body);

/** The posted form's fields; refuses a form without this session's token (cross-site request). */
export async function formOf(c: WebContext): Promise<Record<string, string>> {
  const parsed = await c.req.parseBody();
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed)) if (typeof value === 'string') fields[name] = value;
  if (!csrfTokenMatches(c.get('page').session, fields.csrf)) throw new PageError(403, csrfProblem);
  delete fields.csrf;
  return fields;
}

const csrfProblem: Problem = { type: 'urn:phasegate:web:csrf', title: 'csrf', status: 403, detail: 'csrf' };
export const isCsrfProblem = (problem: Problem | undefined) => problem === csrfProblem;

/** Where to go back to after a form: only a path on this site. */
export function safeBack(back: string | undefined, fallback = '/'): string {
  return back && back.startsWith('/') && !back.startsWith('//') && !back.includes('\\') ? back : fallback;
}
