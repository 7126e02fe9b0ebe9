import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { renderProblem } from '../problem.ts';
import { jsonResponse, problemResponse } from '../openapi.ts';
import type { Handler, Router } from '../router.ts';

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

const healthRoute = createRoute({
  method: 'get',
  path: '/healthz',
  tags: ['health'],
  summary: 'The process is up',
  responses: { 200: jsonResponse(Health, 'Up', { status: 'ok' }) },
});
const health: Handler<typeof healthRoute> = (c) => c.json({ status: 'ok' as const }, 200);

const readyRoute = createRoute({
  method: 'get',
  path: '/readyz',
  tags: ['health'],
  summary: 'Postgres and Temporal are reachable',
  responses: {
    200: jsonResponse(Ready, 'Ready to serve', { status: 'ready', postgres: 'ok', temporal: 'ok' }),
    503: problemResponse(
      503,
      'Postgres or Temporal is unreachable (`dependency-unavailable`); `detail` says which',
    ),
  },
});
const ready: Handler<typeof readyRoute> = async (c) => {
  const { sql, temporal } = c.var.deps;
  const failures: string[] = [];
  await Promise.all([
    withTimeout(sql`select 1`, 2000).catch((e: unknown) => failures.push(`postgres: ${String(e)}`)),
    withTimeout(temporal.workflowService.getSystemInfo({}), 2000).catch((e: unknown) =>
      failures.push(`temporal: ${String(e)}`),
    ),
  ]);
  if (failures.length) return renderProblem(c, 'dependency-unavailable', failures.join('; ')) as never;
  return c.json({ status: 'ready' as const, postgres: 'ok' as const, temporal: 'ok' as const }, 200);
};

export const healthRoutes = (app: Router) => app.openapi(healthRoute, health).openapi(readyRoute, ready);
