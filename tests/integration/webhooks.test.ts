import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { notify } from '../../db/notifications.ts';
import { noticeAudiences } from '../../domain/rules/visibility.ts';
import { CompetitionRun, eventually, expectProblem, F, feasibilityOnly, sbirCriteria } from './drive.ts';
import { readEvents } from './sse-client.ts';
import { DAY, harnessOn, type Harness } from './support.ts';

interface Received {
  id: string;
  type: string;
  noticeId: string;
  verified: boolean;
}

/** A receiver on 127.0.0.1 that verifies every signature, as a company's integration would. */
class Receiver {
  received: Received[] = [];
  secret = '';
  private server: Server | undefined;
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const headers = Object.fromEntries(
          ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((h) => [h, String(req.headers[h])]),
        );
        let verified = true;
        let payload: any;
        try {
          payload = new Webhook(this.secret).verify(body, headers);
        } catch {
          verified = false;
          payload = JSON.parse(body);
        }
        this.received.push({
          id: headers['webhook-id']!,
          type: payload.type,
          noticeId: payload.data.noticeId,
          verified,
        });
        res.writeHead(verified ? 204 : 401).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server!;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  get url() {
    return `http://127.0.0.1:${this.port}/hooks/phasegate`;
  }
}

/** The notices a viewer may see, after a position, in commit order: what the receiver must get. */
async function expectedNotices(
  h: Harness,
  viewer: { role: 'company' | 'officer'; id: string },
  after: string,
) {
  const rows = await h.sql<{ id: string }[]>`
    select id::text as id from notifications
    where recipient in ${h.sql(noticeAudiences(viewer))} and tx > ${after}::xid8
    order by tx, id`;
  return rows.map((r) => r.id);
}

describe('webhooks (Standard Webhooks), delivered by a Temporal workflow from the notices outbox', () => {
  let h: Harness;
  beforeAll(async () => {
    // The dev server, in real time: the delivery activity waits for notices, which the time-skipping
    // test server's env.sleep does not get along with (it stalls); nothing here needs time to jump.
    const env = await TestWorkflowEnvironment.createFromExistingServer({
      address: inject('temporalAddress'),
    });
    h = await harnessOn(env, {
      webhooks: {
        webhookPrivateHosts: ['127.0.0.1'],
        webhookWaitMs: 1000,
        webhookPollMs: 50,
        webhookTimeoutMs: 2000,
      },
    });
  });
  afterAll(async () => h?.close());

  async function register(as: string, url: string, eventTypes = ['*']) {
    const response = await h.call(as, 'POST', '/me/webhooks', { url, eventTypes });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    expect(response.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const [row] = await h.sql<{ tx: string }[]>`
      select after_tx::text as tx from webhook_endpoints where id = ${response.body.id}`;
    return { id: response.body.id as string, secret: response.body.secret as string, after: row!.tx };
  }

  const privately = (run: CompetitionRun, company: string, kind: string) =>
    h.sql.begin((tx) =>
      notify(tx, [
        {
          competitionId: run.id,
          phaseKey: F,
          recipient: `company:${company}`,
          kind,
          body: { to: company },
          dedupeKey: `${kind}:${run.id}`,
        },
      ]),
    );

  it('a company receiver gets every notice it may see, signed, in commit order; down and back, it misses none and gets none twice', async () => {
    const receiver = new Receiver();
    await receiver.start();
    const hook = await register('company-01', receiver.url);
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
    await privately(run, 'company-01', 'for-company-01');
    await privately(run, 'company-02', 'for-company-02');
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
    const expected = await expectedNotices(h, { role: 'company', id: 'company-01' }, hook.after);
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
    await privately(run, 'company-01', 'after-deletion');
    await new Promise((r) => setTimeout(r, 1500));
    expect(receiver.received.map((r) => r.type)).not.toContain('after-deletion');
    expect((await h.call('company-01', 'GET', '/me/webhooks')).body.webhooks).toEqual([]);
    await receiver.stop();
  });

  it('a whole run in minutes: the SSE stream and a webhook receiver that was down for the gate both get every notice, in order', async () => {
    const receiver = new Receiver();
    await receiver.start();
    const hook = await register('company-01', receiver.url);
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

    const expected = await expectedNotices(h, { role: 'company', id: 'company-01' }, hook.after);
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

  it('an officer filters by event type; a juror may not register; URLs are http(s) and not private', async () => {
    const receiver = new Receiver();
    await receiver.start();
    const hook = await register('officer-1', receiver.url, ['deadline-extended']);
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
