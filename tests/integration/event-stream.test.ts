import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notify } from '../../db/notifications.ts';
import { CompetitionRun, F, feasibilityOnly } from './drive.ts';
import { timeSkippingHarness, tokenOf, type Harness } from './support.ts';

interface StreamedEvent {
  id: string;
  event: string;
  data: { kind: string; phase: string | null; body: Record<string, unknown> };
}

/** Server-Sent Events, read as a browser's EventSource would, over the app's real stream. */
async function readEvents(
  h: Harness,
  as: string,
  path: string,
  until: (events: StreamedEvent[]) => boolean,
  headers: Record<string, string> = {},
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
  const deadline = Date.now() + 20_000;
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

describe('the event stream of a competition', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await timeSkippingHarness();
  });
  afterAll(async () => h?.close());

  it('a company follows the competition live, resumes after the last event it saw, and sees only its own notices', async () => {
    const run = await CompetitionRun.sbir(h, { phases: feasibilityOnly() });
    const path = `/competitions/${run.id}/events`;
    const first = await readEvents(h, 'company-01', path, (e) =>
      e.some((x) => x.event === 'phase-published'),
    );
    const published = first.find((e) => e.event === 'phase-published')!;
    expect(published.data.phase).toBe(F);

    const later = new Date(Date.parse((await run.phase(F)).timeline.submissionsCloseAt) + 86_400_000);
    expect((await run.extend(F, 'submissionsClose', later.toISOString())).status).toBe(200);
    await h.sql.begin((tx) =>
      notify(tx, [
        {
          competitionId: run.id,
          phaseKey: F,
          recipient: 'company:company-02',
          kind: 'for-company-02-only',
          body: {},
          dedupeKey: `private:${run.id}`,
        },
      ]),
    );

    const resumed = await readEvents(
      h,
      'company-01',
      path,
      (e) => e.some((x) => x.event === 'deadline-extended'),
      {
        'last-event-id': published.id,
      },
    );
    expect(resumed.map((e) => e.id)).not.toContain(published.id);
    expect(resumed.find((e) => e.event === 'deadline-extended')!.data.body).toMatchObject({
      milestone: 'submissionsClose',
      until: later.toISOString(),
    });
    const ofOther = await readEvents(h, 'company-02', path, (e) =>
      e.some((x) => x.event === 'for-company-02-only'),
    );
    expect(ofOther.map((e) => e.event)).toContain('deadline-extended');
    expect([...first, ...resumed].map((e) => e.event)).not.toContain('for-company-02-only');
  });

  it('a resume position the stream never sent is refused with 400', async () => {
    const run = await CompetitionRun.sbir(h, { phases: feasibilityOnly() });
    const response = await h.app.request(`/competitions/${run.id}/events`, {
      headers: { authorization: `Bearer ${tokenOf('company-01')}`, 'last-event-id': 'constructor' },
    });
    expect(response.status).toBe(400);
  });
});
