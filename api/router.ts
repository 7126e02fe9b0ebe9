import { OpenAPIHono, type RouteConfig, type RouteConfigToEnv, type RouteHandler } from '@hono/zod-openapi';
import type { AppDeps } from './app.ts';
import type { AuthEnv } from './auth.ts';
import { validationProblem } from './problem.ts';

/** What every handler finds on its context: the caller (on authenticated routes) and the app's services. */
export type ApiEnv = { Variables: AuthEnv['Variables'] & { deps: AppDeps } };

/** A router whose request validation failures all become the same 400 problem+json. */
export const createRouter = () =>
  new OpenAPIHono<ApiEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationProblem(result.error);
    },
  });
export type Router = ReturnType<typeof createRouter>;

/** A route's handler, typed by its declaration: its parameters, its body and the answers it may give. */
export type Handler<R extends RouteConfig> = RouteHandler<R, ApiEnv & RouteConfigToEnv<R>>;

/**
 * The phase routes' prefix: every route under it declares its path after it, and the app mounts
 * them once (api/routes/phase.ts).
 */
export const PHASE_PREFIX = '/competitions/:id/phases/:phase';
