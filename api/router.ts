import { OpenAPIHono } from '@hono/zod-openapi';
import type { AuthEnv } from './auth.ts';
import { validationProblem } from './problem.ts';

/** A router whose request validation failures all become the same 400 problem+json. */
export const createRouter = () =>
  new OpenAPIHono<AuthEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationProblem(result.error);
    },
  });
