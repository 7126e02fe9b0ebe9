/** @jsxImportSource hono/jsx */
import type { Hono } from 'hono';
import { sessionOf, type WebContext, type WebDeps, type WebEnv } from '../context.ts';
import type { PageContext } from '../layout.tsx';

/** The live region a competition's pages carry; web/assets/live.js feeds it from the stream below. */
export function LiveRegion({ ctx, competitionId }: { ctx: PageContext; competitionId: string }) {
  return (
    <p
      class="utrecht-paragraph"
      role="status"
      aria-live="polite"
      data-events={`/app/competitions/${competitionId}/events`}
      data-template={ctx.t('competition.liveNotice')}
    ></p>
  );
}

/**
 * One SSE block of the API's stream, as the page needs it: only what happens from now on, as an
 * unnamed event whose data is the notice's kind in words.
 */
function retell(block: string, since: number): string | undefined {
  const fields = new Map<string, string>();
  for (const line of block.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  const kind = fields.get('event');
  const data = fields.get('data');
  if (!kind || !data) return undefined;
  const createdAt = Date.parse((JSON.parse(data) as { createdAt?: string }).createdAt ?? '');
  if (!(createdAt >= since)) return undefined;
  return `id: ${fields.get('id') ?? ''}\ndata: ${kind.replace(/-/g, ' ')}\n\n`;
}

function retold(body: ReadableStream<Uint8Array>, since: number): ReadableStream<Uint8Array> {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let pending = '';
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        pending += decoder.decode(chunk, { stream: true });
        const blocks = pending.split('\n\n');
        pending = blocks.pop() ?? '';
        for (const block of blocks) {
          const event = block.startsWith(':') ? `${block}\n\n` : retell(block, since);
          if (event) controller.enqueue(encoder.encode(event));
        }
      },
    }),
  );
}

/** The API's event stream, as the signed-in person, retold for the live region. */
async function events(c: WebContext, deps: WebDeps) {
  const since = Date.now() - 2_000;
  const answer = await deps.api.request(`/competitions/${encodeURIComponent(c.req.param('id')!)}/events`, {
    headers: { authorization: `Bearer ${sessionOf(c).token}`, accept: 'text/event-stream' },
    signal: c.req.raw.signal,
  });
  if (!answer.ok || !answer.body) return c.body(null, answer.status === 404 ? 404 : 403);
  return new Response(retold(answer.body, since), {
    headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-store' },
  });
}

export function liveRoutes(web: Hono<WebEnv>, deps: WebDeps) {
  web.get('/app/competitions/:id/events', (c) => events(c, deps));
}
