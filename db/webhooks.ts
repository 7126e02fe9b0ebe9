import type { Sql } from './sql.ts';

/**
 * Who owns an endpoint: an officer or a company, as `noticeAudiences` names them; a juror may own an
 * e-mail address (db/email.ts), not a webhook.
 */
export interface WebhookOwner {
  role: 'officer' | 'company' | 'juror';
  id: string;
}

export interface WebhookEndpoint {
  id: string;
  ownerRole: WebhookOwner['role'];
  ownerId: string;
  /** A webhook's URL, or null for an e-mail address (014_email.sql): exactly one is set. */
  url: string | null;
  email: string | null;
  eventTypes: string[];
  secret: string;
  createdAt: Date;
  deletedAt: Date | null;
  afterTx: string;
  afterId: string;
}

/** Every event type: `*` in `eventTypes` subscribes to all notice kinds, present and future. */
export const ALL_EVENT_TYPES = '*';

export async function createWebhookEndpoint(
  sql: Sql,
  endpoint: { id: string; owner: WebhookOwner; url: string; eventTypes: string[]; secret: string },
) {
  const [row] = await sql<{ createdAt: Date }[]>`
    insert into webhook_endpoints (id, owner_role, owner_id, url, event_types, secret)
    values (${endpoint.id}, ${endpoint.owner.role}, ${endpoint.owner.id}, ${endpoint.url},
            ${endpoint.eventTypes}, ${endpoint.secret})
    returning created_at as "createdAt"`;
  return row!;
}

/** The owner's live endpoints, without their secrets (those are shown once, at registration). */
export async function listWebhookEndpoints(sql: Sql, owner: WebhookOwner) {
  return sql<{ id: string; url: string; eventTypes: string[]; createdAt: Date }[]>`
    select id, url, event_types as "eventTypes", created_at as "createdAt"
    from webhook_endpoints
    where owner_role = ${owner.role} and owner_id = ${owner.id} and deleted_at is null and url is not null
    order by created_at, id`;
}

/** Marks the endpoint deleted; its delivery workflow stops at its next look. False if not the owner's. */
export async function deleteWebhookEndpoint(sql: Sql, owner: WebhookOwner, id: string): Promise<boolean> {
  const rows = await sql`
    update webhook_endpoints set deleted_at = now()
    where id = ${id} and owner_role = ${owner.role} and owner_id = ${owner.id} and deleted_at is null
      and url is not null
    returning id`;
  return rows.length === 1;
}

export async function webhookEndpoint(sql: Sql, id: string): Promise<WebhookEndpoint | undefined> {
  const [row] = await sql<WebhookEndpoint[]>`
    select id, owner_role as "ownerRole", owner_id as "ownerId", url, email, event_types as "eventTypes", secret,
           created_at as "createdAt", deleted_at as "deletedAt", after_tx::text as "afterTx",
           after_id::text as "afterId"
    from webhook_endpoints where id = ${id}`;
  return row;
}

export async function ownsWebhookEndpoint(sql: Sql, owner: WebhookOwner, id: string): Promise<boolean> {
  const rows = await sql`
    select 1 from webhook_endpoints
    where id = ${id} and owner_role = ${owner.role} and owner_id = ${owner.id} and deleted_at is null
      and url is not null`;
  return rows.length === 1;
}

export interface OutboxNotice {
  id: string;
  tx: string;
  competitionId: string;
  phase: string | null;
  kind: string;
  body: Record<string, unknown>;
  createdAt: Date;
}

/**
 * The next notices for these audiences after (afterTx, afterId), oldest first, from ended
 * transactions only, of the kinds asked for: the same order as the event stream (noticesAfter).
 */
export async function outboxAfter(
  sql: Sql,
  audiences: string[],
  kinds: string[],
  after: { afterTx: string; afterId: string },
  limit: number,
) {
  return sql<OutboxNotice[]>`
    select id::text as id, tx::text as tx, competition_id as "competitionId", phase_key as phase, kind, body,
           created_at as "createdAt"
    from notifications
    where recipient in ${sql(audiences)}
      and (${kinds.includes(ALL_EVENT_TYPES)} or kind in ${sql(kinds)})
      and tx < pg_snapshot_xmin(pg_current_snapshot())
      and (tx, id) > (${after.afterTx}::xid8, ${after.afterId}::bigint)
    order by tx, id
    limit ${limit}`;
}

/** The delivery row of a notice to an endpoint, made on its first attempt. */
export async function deliveryFor(sql: Sql, endpointId: string, noticeId: string): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    insert into webhook_deliveries (endpoint_id, notification_id) values (${endpointId}, ${noticeId})
    on conflict (endpoint_id, notification_id) do update set endpoint_id = excluded.endpoint_id
    returning id`;
  return row!.id;
}

/** A delivered notice moves the endpoint's position past it, in the same transaction. */
export async function recordDelivered(
  sql: Sql,
  delivery: { id: string; endpointId: string; statusCode: number; advanceTo?: { tx: string; id: string } },
) {
  await sql.begin(async (tx) => {
    await tx`
      update webhook_deliveries
      set status = 'delivered', attempts = attempts + 1, last_attempt_at = now(), delivered_at = now(),
          next_attempt_at = null, last_status_code = ${delivery.statusCode}, replay_requested_at = null
      where id = ${delivery.id}`;
    if (delivery.advanceTo) {
      await tx`
        update webhook_endpoints set after_tx = ${delivery.advanceTo.tx}::xid8, after_id = ${delivery.advanceTo.id}
        where id = ${delivery.endpointId}`;
    }
  });
}

export async function recordFailedAttempt(
  sql: Sql,
  failure: { id: string; error: string; statusCode: number | null; nextAttemptAt: Date },
) {
  await sql`
    update webhook_deliveries
    set status = case when status = 'delivered' then status else 'failing' end,
        attempts = attempts + 1, last_attempt_at = now(), last_error = ${failure.error.slice(0, 1000)},
        last_status_code = ${failure.statusCode}, next_attempt_at = ${failure.nextAttemptAt}
    where id = ${failure.id}`;
}

/** Deliveries the owner asked to send again, oldest request first. */
export async function replaysRequested(sql: Sql, endpointId: string) {
  return sql<(OutboxNotice & { deliveryId: string })[]>`
    select d.id as "deliveryId", n.id::text as id, n.tx::text as tx, n.competition_id as "competitionId",
           n.phase_key as phase, n.kind, n.body, n.created_at as "createdAt"
    from webhook_deliveries d join notifications n on n.id = d.notification_id
    where d.endpoint_id = ${endpointId} and d.replay_requested_at is not null
    order by d.replay_requested_at, n.tx, n.id
    limit 20`;
}

export async function requestReplay(sql: Sql, endpointId: string, deliveryId: string): Promise<boolean> {
  const rows = await sql`
    update webhook_deliveries set replay_requested_at = now()
    where id = ${deliveryId} and endpoint_id = ${endpointId}
    returning id`;
  return rows.length === 1;
}

/** The delivery log of an endpoint, newest first. */
export async function deliveryLog(sql: Sql, endpointId: string, limit: number) {
  return sql`
    select d.id, d.notification_id::text as "noticeId", n.kind as "eventType", d.status, d.attempts,
           d.last_attempt_at as "lastAttemptAt", d.next_attempt_at as "nextAttemptAt",
           d.last_error as "lastError", d.last_status_code as "lastStatusCode",
           d.delivered_at as "deliveredAt", d.replay_requested_at as "replayRequestedAt",
           d.created_at as "createdAt"
    from webhook_deliveries d join notifications n on n.id = d.notification_id
    where d.endpoint_id = ${endpointId}
    order by d.created_at desc, d.notification_id desc
    limit ${limit}`;
}
