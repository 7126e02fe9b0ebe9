import { TestWorkflowEnvironment } from '@temporalio/testing';
import { expect, inject } from 'vitest';
import { notify } from '../../db/notifications.ts';
import { noticeAudiences } from '../../domain/rules/visibility.ts';
import { F, type CompetitionRun } from './drive.ts';
import { harnessOn, type Harness } from './support.ts';

/**
 * The notices a viewer may see after a position in the outbox, in commit order: what a webhook
 * receiver, a mailbox or an event stream must get, no more, no less, in this order.
 */
export async function expectedNotices(
  h: Pick<Harness, 'sql'>,
  viewer: { role: 'company' | 'officer'; id: string },
  after: string,
) {
  return h.sql<{ id: string; kind: string }[]>`
    select id::text as id, kind from notifications
    where recipient in ${h.sql(noticeAudiences(viewer))} and tx > ${after}::xid8
    order by tx, id`;
}

/** A notice meant for one company only: no one else's delivery may carry it. */
export const noticeFor = (h: Pick<Harness, 'sql'>, run: CompetitionRun, company: string, kind: string) =>
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

/**
 * The real stack on the dev server, in real time, delivering webhooks to receivers on 127.0.0.1: the
 * delivery activity waits for notices, which the time-skipping server's env.sleep does not get along
 * with (it stalls), and nothing here needs time to jump.
 */
export async function webhookHarness(): Promise<Harness> {
  const env = await TestWorkflowEnvironment.createFromExistingServer({ address: inject('temporalAddress') });
  return harnessOn(env, {
    webhooks: {
      webhookPrivateHosts: ['127.0.0.1'],
      webhookWaitMs: 1000,
      webhookPollMs: 50,
      webhookTimeoutMs: 2000,
    },
  });
}

/** Registers a webhook as `as`; the answer's secret and the outbox position it starts after. */
export async function registerWebhook(h: Harness, as: string, url: string, eventTypes = ['*']) {
  const response = await h.call(as, 'POST', '/me/webhooks', { url, eventTypes });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  expect(response.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  const [row] = await h.sql<{ tx: string }[]>`
    select after_tx::text as tx from webhook_endpoints where id = ${response.body.id}`;
  return { id: response.body.id as string, secret: response.body.secret as string, after: row!.tx };
}
