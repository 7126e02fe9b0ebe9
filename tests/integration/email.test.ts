import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApp } from '../../api/app.ts';
import { CompetitionRun, eventually, expectProblem, F, feasibilityOnly } from './drive.ts';
import { expectedNotices, noticeFor } from './notices.ts';
import { DAY, harnessOn, tokenOf, tokens, type Harness } from './support.ts';

interface Mail {
  to: string[];
  headers: Map<string, string>;
  text: string;
}

/** RFC 2047 encoded words, as nodemailer writes a subject that is not plain ASCII. */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([bq])\?([^?]*)\?=/gi, (_, encoding: string, data: string) =>
      encoding.toLowerCase() === 'b'
        ? Buffer.from(data, 'base64').toString('utf8')
        : Buffer.from(
            data
              .replace(/_/g, ' ')
              .replace(/=([0-9a-f]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
            'latin1',
          ).toString('utf8'),
    );
}

/** Headers (unfolded, names in lower case) and the text body, decoded. Enough for one text/plain part. */
function parse(raw: string, to: string[]): Mail {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const headers = new Map<string, string>();
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).toLowerCase(), decodeWords(line.slice(colon + 1).trim()));
  }
  let body = raw.slice(split + 4);
  const encoding = headers.get('content-transfer-encoding')?.toLowerCase();
  if (encoding === 'quoted-printable') {
    body = Buffer.from(
      body
        .replace(/=\r\n/g, '')
        .replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
      'latin1',
    ).toString('utf8');
  } else if (encoding === 'base64') {
    body = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  }
  return { to, headers, text: body.replace(/\r\n/g, '\n') };
}

/** An SMTP server on 127.0.0.1 that keeps every message; it can turn the next ones away with a 451. */
class Mailbox {
  mails: Mail[] = [];
  /** Message-IDs of the messages it turned away. */
  refused: string[] = [];
  refuseNext = 0;
  /** Only messages to this address are turned away (deliveries to different people race). */
  refuseFor: string | undefined;
  port = 0;
  private server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData: (stream, session, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const to = session.envelope.rcptTo.map((r) => r.address);
        const mail = parse(Buffer.concat(chunks).toString('utf8'), to);
        if (this.refuseNext > 0 && (!this.refuseFor || to.includes(this.refuseFor))) {
          this.refuseNext--;
          this.refused.push(mail.headers.get('message-id')!);
          return callback(Object.assign(new Error('try again later'), { responseCode: 451 }));
        }
        this.mails.push(mail);
        callback();
      });
    },
  });

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.server.address() as AddressInfo).port;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  to(address: string): Mail[] {
    return this.mails.filter((m) => m.to.includes(address));
  }
}

const ADDRESS_01 = 'bids@company-01.example';
const ADDRESS_02 = 'tenders@company-02.example';

describe('e-mail: notices by SMTP to the address each person gives, off unless configured', () => {
  let h: Harness;
  const mailbox = new Mailbox();
  beforeAll(async () => {
    await mailbox.start();
    // The dev server, in real time, as for webhooks: the delivery activity waits for notices.
    const env = await TestWorkflowEnvironment.createFromExistingServer({
      address: inject('temporalAddress'),
    });
    h = await harnessOn(env, {
      webhooks: {
        smtpUrl: `smtp://127.0.0.1:${mailbox.port}`,
        smtpFrom: 'Phasegate <notices@phasegate.example>',
        smtpTimeoutMs: 2000,
        webhookWaitMs: 1000,
        webhookPollMs: 50,
      },
    });
  });
  afterAll(async () => {
    await h?.close();
    await mailbox.stop();
  });

  async function give(as: string, address: string) {
    const response = await h.call(as, 'PUT', '/me/email', { address });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body).toMatchObject({ configured: true, address });
    const [row] = await h.sql<{ tx: string }[]>`
      select after_tx::text as tx from webhook_endpoints where email = ${address} and deleted_at is null`;
    return row!.tx;
  }

  it('a company gets every notice it may see as a mail, in commit order, none meant for another; a retry keeps the Message-ID', async () => {
    const after = await give('company-01', ADDRESS_01);
    await give('company-02', ADDRESS_02);
    // Giving the same address again keeps the endpoint and its position.
    expect(await give('company-01', ADDRESS_01)).toBe(after);

    const run = await CompetitionRun.sbir(h, { phases: feasibilityOnly() });
    const closes = Date.parse((await run.phase(F)).timeline.submissionsCloseAt);
    mailbox.refuseNext = 1;
    mailbox.refuseFor = ADDRESS_01;
    expect((await run.extend(F, 'submissionsClose', new Date(closes + DAY).toISOString())).status).toBe(200);
    await noticeFor(h, run, 'company-01', 'for-company-01');
    await noticeFor(h, run, 'company-02', 'for-company-02');

    const expected = await expectedNotices(h, { role: 'company', id: 'company-01' }, after);
    expect(expected.length).toBeGreaterThanOrEqual(3);
    await eventually(
      'every notice as a mail',
      async () => mailbox.to(ADDRESS_01).length,
      (n) => n >= expected.length,
    );
    await new Promise((r) => setTimeout(r, 1000));
    const mails = mailbox.to(ADDRESS_01);
    expect(mails.map((m) => m.headers.get('x-phasegate-notice'))).toEqual(expected.map((n) => n.id));
    expect(mails.map((m) => m.headers.get('x-phasegate-kind'))).not.toContain('for-company-02');
    for (const [i, mail] of mails.entries()) {
      const notice = expected[i]!;
      const words = notice.kind.replace(/-/g, ' ');
      expect(mail.headers.get('subject')).toBe(
        `${words.charAt(0).toUpperCase()}${words.slice(1)}: Quiet road surfaces`,
      );
      expect(mail.headers.get('from')).toContain('notices@phasegate.example');
      expect(mail.headers.get('message-id')).toMatch(
        new RegExp(`^<notice-${notice.id}\\.[0-9a-f-]{36}@phasegate\\.example>$`),
      );
      expect(mail.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(mail.text).toContain(`Competition: Quiet road surfaces (${run.id})`);
    }
    const own = mails.find((m) => m.headers.get('x-phasegate-kind') === 'for-company-01')!;
    expect(own.text).toContain('{\n  "to": "company-01"\n}');
    expect(new Set(mails.map((m) => m.headers.get('message-id'))).size).toBe(mails.length);

    // The message turned away with a 451 came again, with the same Message-ID, and the log shows it.
    expect(mailbox.refused).toHaveLength(1);
    expect(mails.map((m) => m.headers.get('message-id'))).toContain(mailbox.refused[0]);
    const log = await h.call('company-01', 'GET', '/me/email/deliveries');
    expect(log.body.deliveries).toHaveLength(expected.length);
    expect(log.body.deliveries.every((d: any) => d.status === 'delivered')).toBe(true);
    expect(Math.max(...log.body.deliveries.map((d: any) => d.attempts))).toBe(2);

    // Company 02 gets its own notice, at its own address, and never company 01's.
    await eventually(
      'company 02’s own notice',
      async () => mailbox.to(ADDRESS_02).map((m) => m.headers.get('x-phasegate-kind')),
      (kinds) => kinds.includes('for-company-02'),
    );
    expect(mailbox.to(ADDRESS_02).map((m) => m.headers.get('x-phasegate-kind'))).not.toContain(
      'for-company-01',
    );

    // Deleted: nothing more arrives.
    expect((await h.call('company-01', 'DELETE', '/me/email')).status).toBe(204);
    expect((await h.call('company-01', 'GET', '/me/email')).body).toMatchObject({ address: null });
    await new Promise((r) => setTimeout(r, 1500));
    await noticeFor(h, run, 'company-01', 'after-deletion');
    await new Promise((r) => setTimeout(r, 1500));
    expect(mailbox.mails.map((m) => m.headers.get('x-phasegate-kind'))).not.toContain('after-deletion');
    // E-mail addresses are not webhooks: the webhook list stays empty.
    expect((await h.call('company-02', 'GET', '/me/webhooks')).body.webhooks).toEqual([]);
  });

  it('officers and jurors may give an address; it must be one; without SMTP the route is refused', async () => {
    expect((await h.call('juror-1', 'PUT', '/me/email', { address: 'juror@example.org' })).status).toBe(200);
    expect((await h.call('officer-1', 'PUT', '/me/email', { address: 'officer@example.org' })).status).toBe(
      200,
    );
    for (const address of ['not an address', 'a@b@c', `${'x'.repeat(250)}@example.org`]) {
      expectProblem(await h.call('company-03', 'PUT', '/me/email', { address }), 400, 'validation-failed');
    }

    const unconfigured = createApp({
      sql: h.sql,
      temporal: h.env.client,
      taskQueue: h.taskQueue,
      tokens,
      keys: h.keys,
      listInTemporalUi: false,
    });
    const response = await unconfigured.request('/me/email', {
      method: 'PUT',
      headers: { authorization: `Bearer ${tokenOf('company-03')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ address: 'bids@company-03.example' }),
    });
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({
      type: 'urn:phasegate:problem:not-configured',
      detail: 'e-mail is not configured',
    });
    expect(await h.sql`select 1 from webhook_endpoints where email = 'bids@company-03.example'`).toHaveLength(
      0,
    );
  });
});
