import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noticeAudiences } from '../../domain/rules/visibility.ts';
import { CompetitionRun, eventually, F, feasibilityOnly, sbirCriteria } from '../integration/drive.ts';
import { expectedNotices, registerWebhook, webhookHarness } from '../integration/notices.ts';
import { readEvents } from '../integration/sse-client.ts';
import type { Harness } from '../integration/support.ts';
import { Receiver } from '../support/webhook-receiver.ts';

/**
 * A competition in minutes on the dev server, in real time, to its final award. It waits on the wall
 * clock most of the time, so it runs beside the integration suite rather than after it.
 */
describe('a whole run in minutes', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await webhookHarness();
  });
  afterAll(async () => h?.close());

  it('the SSE stream and a webhook receiver that was down for the gate both get every notice, in order', async () => {
    const receiver = new Receiver();
    await receiver.start();
    const hook = await registerWebhook(h, 'company-01', receiver.url);
    receiver.secret = hook.secret;
    const minutes = (amount: number) => ({ unit: 'minutes', amount });
    const jury = ['juror-1', 'juror-2'];
    const run = await CompetitionRun.sbir(h, {
      phases: feasibilityOnly({
        schedule: {
          questionsClose: minutes(1),
          answersDue: minutes(2),
          submissionsClose: minutes(3),
          evaluationClose: minutes(6),
          intendedAwardDue: minutes(7),
        },
        reminderDaysBeforeEvaluationClose: 0,
        standstill: { unit: 'minutes', amount: 1 },
      }),
      jurors: { [F]: jury },
    });
    await run.offers(F, ['company-01', 'company-02']);
    await run.closeSubmissions(F);
    await receiver.stop();
    const strong = (company: string) => (company === 'company-01' ? 8 : 6);
    await run.scoreToGate(F, jury, sbirCriteria, strong);
    await run.approveAndAward(F);
    await receiver.start();

    const expected = (await expectedNotices(h, { role: 'company', id: 'company-01' }, hook.after)).map(
      (n) => n.id,
    );
    const ofRun = await h.sql<{ id: string }[]>`
      select id::text as id from notifications where competition_id = ${run.id}
        and recipient in ${h.sql(noticeAudiences({ role: 'company', id: 'company-01' }))}
      order by tx, id`;
    const kinds = await h.sql<{ kind: string }[]>`
      select kind from notifications where id in ${h.sql(ofRun.map((r) => r.id))}`;
    expect(kinds.map((k) => k.kind)).toEqual(
      expect.arrayContaining(['phase-published', 'intended-award', 'final-award']),
    );

    await eventually(
      'every notice at the receiver',
      async () => receiver.received.length,
      (n) => n >= expected.length,
      120_000,
    );
    expect(receiver.received.every((r) => r.verified)).toBe(true);
    expect(receiver.received.map((r) => r.noticeId)).toEqual(expected);
    expect(new Set(receiver.received.map((r) => r.id)).size).toBe(receiver.received.length);

    const streamed = await readEvents(
      h,
      'company-01',
      `/competitions/${run.id}/events`,
      (e) => e.length >= ofRun.length,
    );
    expect(streamed.map((e) => e.id.split('.')[1])).toEqual(ofRun.map((r) => r.id));
    await receiver.stop();
  }, 600_000);
});
