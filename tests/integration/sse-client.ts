import { expect } from 'vitest';
import { tokenOf, type Harness } from './support.ts';

export interface StreamedEvent {
  id: string;
  event: string;
  data: { kind: string; phase: string | null; body: Record<string, unknown> };
}

/** Server-Sent Events, read as a browser's EventSource would, over the app's real stream, until `until`. */
export async function readEvents(
  h: Harness,
  as: string,
  path: string,
  until: (events: StreamedEvent[]) => boolean,
  headers: Record<string, string> = {},
  timeoutMs = 20_000,
): Promise<StreamedEvent[]> {
  const abort = new AbortController();
  const response = await h.app.request(path, {
    headers: { authorization: `Bearer ${tokenOf(as)}`, ...headers },
    signal: abort.signal,
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: StreamedEvent[] = [];
  let buffer = '';
  const deadline = Date.now() + timeoutMs;
  try {
    while (!until(events)) {
      if (Date.now() > deadline) throw new Error(`stream: only ${events.map((e) => e.event).join(', ')}`);
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      const blocks = buffer.split('\n\n');
      buffer = blocks.pop()!;
      for (const block of blocks) {
        const field = (name: string) =>
          block
            .split('\n')
            .find((line) => line.startsWith(`${name}: `))
            ?.slice(name.length + 2);
        if (field('id'))
          events.push({ id: field('id')!, event: field('event')!, data: JSON.parse(field('data')!) });
      }
    }
  } finally {
    await reader.cancel();
    abort.abort();
  }
  return events;
}
