import { createRoute } from '@hono/zod-openapi';
import { createRouter } from '../router.ts';
import { z } from 'zod';
import type { AppDeps } from '../app.ts';
import { renderProblem } from '../problem.ts';
import { jsonResponse } from '../openapi.ts';

const Health = z.object({ status: z.literal('ok') });
const Ready = z.object({ status: z.literal('ready'), postgres: z.literal('ok'), temporal: z.literal('ok') });

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(deps: AppDeps) {
  const app = createRouter();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/healthz',
      tags: ['health'],
      summary: 'The process is up',
      responses: { 200: jsonResponse(Health, 'Up') },
    }),
    (c) => c.json({ status: 'ok' as const }, 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/readyz',
      tags: ['health'],
      summary: 'Postgres and Temporal are reachable',
      responses: {
        200: jsonResponse(Ready, 'Ready to serve'),
        503: { description: 'A dependency is unreachable (problem+json)' },
      },
    }),
    async (c) => {
      const failures: string[] = [];
      await Promise.all([
        withTimeout(deps.sql`select 1`, 2000).catch((e: unknown) => failures.push(`postgres: ${String(e)}`)),
        withTimeout(deps.temporal.workflowService.getSystemInfo({}), 2000).catch((e: unknown) =>
          failures.push(`temporal: ${String(e)}`),
        ),
      ]);
      if (failures.length) return renderProblem(c, 'dependency-unavailable', failures.join('; ')) as never;
      return c.json({ status: 'ready' as const, postgres: 'ok' as const, temporal: 'ok' as const }, 200);
    },
  );
  return app;
}
