import { randomBytes } from 'node:crypto';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { Webhook } from 'standardwebhooks';
import {
  deliveryFor,
  outboxAfter,
  recordDelivered,
  recordFailedAttempt,
  replaysRequested,
  webhookEndpoint,
  type OutboxNotice,
  type WebhookEndpoint,
} from '../db/webhooks.ts';
import { competitionTitle } from '../db/email.ts';
import type { Sql } from '../db/sql.ts';
import { noticeAudiences } from '../domain/rules/visibility.ts';
import { nextWebhookAttemptAt } from '../workflows/activity-options.ts';
import { createMailer, type EmailDeps } from './email.ts';
import { postJson, type PostResult } from './webhook-http.ts';

/** E-mail addresses are endpoints too (014_email.sql): the same relay, sent by SMTP. */
export interface WebhookDeps extends EmailDeps {
  sql: Sql;
  /** Hosts that may be private or loopback addresses (PHASEGATE_WEBHOOK_PRIVATE_HOSTS). */
  webhookPrivateHosts?: readonly string[];
  /** How long one activity waits for new notices before it hands back to the workflow. */
  webhookWaitMs?: number;
  /** How often it looks for them meanwhile. */
  webhookPollMs?: number;
  /** How long a receiver has to answer a delivery. */
  webhookTimeoutMs?: number;
}

const BATCH = 20;

/** A new endpoint's signing secret: `whsec_` and 32 random bytes in base64 (Standard Webhooks). */
export const newWebhookSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

/** The Standard Webhooks payload of a notice: `type`, `timestamp`, `data`. */
export function webhookPayload(notice: OutboxNotice): string {
  return JSON.stringify({
    type: notice.kind,
    timestamp: notice.createdAt.toISOString(),
    data: {
      noticeId: notice.id,
      competitionId: notice.competitionId,
      phase: notice.phase,
      body: notice.body,
    },
  });
}

/** The same notice always has the same webhook-id, however often it is sent: receivers dedupe on it. */
export const webhookIdOf = (notice: Pick<OutboxNotice, 'id'>) => `msg_notice_${notice.id}`;

/** What one worker's relay works with: its dependencies and its mailer (undefined with e-mail off). */
interface Relay {
  deps: WebhookDeps;
  mail: ReturnType<typeof createMailer>;
}

/** A webhook's signed POST. */
async function post(deps: WebhookDeps, endpoint: WebhookEndpoint & { url: string }, notice: OutboxNotice) {
  const payload = webhookPayload(notice);
  const msgId = webhookIdOf(notice);
  const now = new Date();
  const signature = new Webhook(endpoint.secret).sign(msgId, now, payload);
  return postJson(
    endpoint.url,
    payload,
    {
      'webhook-id': msgId,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': signature,
    },
    { timeoutMs: deps.webhookTimeoutMs ?? 10_000, privateHosts: deps.webhookPrivateHosts ?? [] },
  );
}

/** An address's message; with e-mail off on this worker, a failure the log shows until it is on. */
async function email(
  relay: Relay,
  to: string,
  endpoint: WebhookEndpoint,
  notice: OutboxNotice,
): Promise<PostResult> {
  if (!relay.mail) return { statusCode: null, error: 'e-mail is not configured (PHASEGATE_SMTP_URL)' };
  return relay.mail(to, notice, endpoint.id, await competitionTitle(relay.deps.sql, notice.competitionId));
}

/** Sends one notice and records the attempt; throws (retryably) when it did not arrive. */
async function send(
  relay: Relay,
  endpoint: WebhookEndpoint,
  notice: OutboxNotice,
  delivery: { id: string; advance: boolean },
) {
  const { sql } = relay.deps;
  const outcome =
    endpoint.email !== null
      ? await email(relay, endpoint.email, endpoint, notice)
      : await post(relay.deps, { ...endpoint, url: endpoint.url! }, notice);
  if (!outcome.error) {
    await recordDelivered(sql, {
      id: delivery.id,
      endpointId: endpoint.id,
      statusCode: outcome.statusCode!,
      ...(delivery.advance ? { advanceTo: { tx: notice.tx, id: notice.id } } : {}),
    });
    return;
  }
  const attempt = Context.current().info.attempt;
  await recordFailedAttempt(sql, {
    id: delivery.id,
    error: outcome.error,
    statusCode: outcome.statusCode,
    nextAttemptAt: nextWebhookAttemptAt(new Date(), attempt),
  });
  throw ApplicationFailure.retryable(
    `${endpoint.email === null ? 'webhook' : 'e-mail'} ${endpoint.id}: ${outcome.error}`,
    'webhook-not-delivered',
  );
}

/** Waits for replays asked for or notices after the endpoint's position; undefined once deleted. */
async function nextWork({ deps }: Relay, endpointId: string) {
  const { sql } = deps;
  const until = Date.now() + (deps.webhookWaitMs ?? 20_000);
  for (;;) {
    const endpoint = await webhookEndpoint(sql, endpointId);
    if (!endpoint || endpoint.deletedAt) return undefined;
    const audiences = noticeAudiences({ role: endpoint.ownerRole, id: endpoint.ownerId });
    const replays = await replaysRequested(sql, endpointId);
    const notices = await outboxAfter(sql, audiences, endpoint.eventTypes, endpoint, BATCH);
    if (replays.length > 0 || notices.length > 0 || Date.now() >= until) {
      return { endpoint, replays, notices };
    }
    Context.current().heartbeat();
    // Rejects when the activity is cancelled (a worker shutting down): the next attempt resumes.
    await Context.current().sleep(deps.webhookPollMs ?? 1000);
  }
}

/**
 * Delivers the endpoint's next notices in commit order, each after the one before arrived; stops
 * at the first failure (the retry starts there again, so nothing overtakes a notice). Replays go
 * first and do not move the position.
 */
async function deliverWebhooks(
  relay: Relay,
  endpointId: string,
): Promise<{ gone: boolean; delivered: number }> {
  const work = await nextWork(relay, endpointId);
  if (!work) return { gone: true, delivered: 0 };
  const { endpoint, replays, notices } = work;
  for (const replay of replays)
    await send(relay, endpoint, replay, { id: replay.deliveryId, advance: false });
  for (const notice of notices) {
    Context.current().heartbeat();
    const id = await deliveryFor(relay.deps.sql, endpoint.id, notice.id);
    await send(relay, endpoint, notice, { id, advance: true });
  }
  return { gone: false, delivered: replays.length + notices.length };
}

export function createWebhookActivities(deps: WebhookDeps) {
  const relay: Relay = { deps, mail: createMailer(deps) };
  return {
    deliverWebhooks: (endpointId: string) => deliverWebhooks(relay, endpointId),
  };
}
