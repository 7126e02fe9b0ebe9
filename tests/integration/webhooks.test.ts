import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompetitionRun, eventually, expectProblem, F, feasibilityOnly } from './drive.ts';
import { expectedNotices, noticeFor, registerWebhook, webhookHarness } from './notices.ts';
import { DAY, type Harness } from './support.ts';
import { Receiver } from '../support/webhook-receiver.ts';

describe('webhooks (Standard Webhooks), delivered by a Temporal workflow from the notices outbox', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await webhookHarness();
  });
  afterAll(async () => h?.close());

  it('a company receiver gets every notice it may see, signed, in commit order; down and back, it misses none and gets none twice', async () => {
    const receiver = new Receiver();
    await receiver.start();
    const hook = await registerWebhook(h, 'company-01', receiver.url);
    receiver.secret = hook.secret;

    const run = await CompetitionRun.sbir(h, { phases: feasibilityOnly() });
    const closes = Date.parse((await run.phase(F)).timeline.submissionsCloseAt);
    const later = (days: number) => new Date(closes + days * DAY).toISOString();
    expect((await run.extend(F, 'submissionsClose', later(1))).status).toBe(200);
    await eventually(
      'the first notices',
      async () => receiver.received.length,
      (n) => n >= 2,
    );

    await receiver.stop();
    expect((await run.extend(F, 'submissionsClose', later(2))).status).toBe(200);
    await noticeFor(h, run, 'company-01', 'for-company-01');
    await noticeFor(h, run, 'company-02', 'for-company-02');
    expect((await run.extend(F, 'submissionsClose', later(3))).status).toBe(200);
    const whileDown = await eventually(
      'a failed attempt in the delivery log',
      () => h.call('company-01', 'GET', `/me/webhooks/${hook.id}/deliveries`),
      (log) => log.body.deliveries.some((d: any) => d.status === 'failing' && d.attempts >= 2),
    );
    expect(whileDown.body.deliveries.find((d: any) => d.status === 'failing')).toMatchObject({
      lastError: expect.stringContaining('ECONNREFUSED'),
      nextAttemptAt: expect.any(String),
    });

    await receiver.start();
    const expected = (await expectedNotices(h, { role: 'company', id: 'company-01' }, hook.after)).map(
      (n) => n.id,
    );
    expect(expected.length).toBeGreaterThanOrEqual(5);
    await eventually(
      'every notice after the receiver came back',
      async () => receiver.received.length,
      (n) => n >= expected.length,
    );
    await new Promise((r) => setTimeout(r, 1500));
    expect(receiver.received.every((r) => r.verified)).toBe(true);
    expect(receiver.received.map((r) => r.noticeId)).toEqual(expected);
    expect(new Set(receiver.received.map((r) => r.id)).size).toBe(receiver.received.length);
    expect(receiver.received.map((r) => r.type)).toContain('for-company-01');
    expect(receiver.received.map((r) => r.type)).not.toContain('for-company-02');

    const log = await h.call('company-01', 'GET', `/me/webhooks/${hook.id}/deliveries`);
    expect(log.body.deliveries).toHaveLength(expected.length);
    expect(log.body.deliveries.every((d: any) => d.status === 'delivered')).toBe(true);
    expect(Math.max(...log.body.deliveries.map((d: any) => d.attempts))).toBeGreaterThan(1);

    // Replay: the same delivery again, with the same webhook-id, still signed.
    const first = log.body.deliveries.at(-1);
    const replay = await h.call(
      'company-01',
      'POST',
      `/me/webhooks/${hook.id}/deliveries/${first.id}/replay`,
    );
    expect(replay.status).toBe(202);
    await eventually(
      'the replay',
      async () => receiver.received.length,
      (n) => n === expected.length + 1,
    );
    expect(receiver.received.at(-1)).toMatchObject({ id: receiver.received[0]!.id, verified: true });
    expectProblem(
      await h.call('company-02', 'POST', `/me/webhooks/${hook.id}/deliveries/${first.id}/replay`),
      404,
      'not-found',
    );

    // Deleted: nothing more arrives.
    expect((await h.call('company-01', 'DELETE', `/me/webhooks/${hook.id}`)).status).toBe(204);
    await new Promise((r) => setTimeout(r, 1500));
    await noticeFor(h, run, 'company-01', 'after-deletion');
    await new Promise((r) => setTimeout(r, 1500));
    expect(receiver.received.map((r) => r.type)).not.toContain('after-deletion');
    expect((await h.call('company-01', 'GET', '/me/webhooks')).body.webhooks).toEqual([]);
    await receiver.stop();
  });

  it('an officer filters by event type; a juror may not register; URLs are http(s) and not private', async () => {
    const receiver = new Receiver();
    await receiver.start();
    const hook = await registerWebhook(h, 'officer-1', receiver.url, ['deadline-extended']);
    receiver.secret = hook.secret;
    const run = await CompetitionRun.sbir(h, { phases: feasibilityOnly() });
    const closes = Date.parse((await run.phase(F)).timeline.submissionsCloseAt);
    expect((await run.extend(F, 'submissionsClose', new Date(closes + DAY).toISOString())).status).toBe(200);
    await eventually(
      'the extension',
      async () => receiver.received.length,
      (n) => n >= 1,
    );
    expect(receiver.received.map((r) => r.type)).toEqual(['deadline-extended']);
    const listed = await h.call('officer-1', 'GET', '/me/webhooks');
    expect(listed.body.webhooks).toMatchObject([{ id: hook.id, eventTypes: ['deadline-extended'] }]);
    expect(JSON.stringify(listed.body)).not.toContain('whsec_');
    await receiver.stop();

    const body = { url: 'https://example.org/hooks', eventTypes: ['*'] };
    expectProblem(await h.call('juror-1', 'POST', '/me/webhooks', body), 403, 'forbidden');
    for (const url of [
      'ftp://example.org/x',
      'http://10.0.0.7/x',
      'http://169.254.169.254/latest',
      'http://[::1]:80/',
    ]) {
      expectProblem(
        await h.call('company-01', 'POST', '/me/webhooks', { ...body, url }),
        400,
        'validation-failed',
      );
    }
  });
});
