import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notify } from '../../db/notifications.ts';
import { CompetitionRun, F, feasibilityOnly } from './drive.ts';
import { readEvents } from './sse-client.ts';
import { timeSkippingHarness, tokenOf, type Harness } from './support.ts';

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
