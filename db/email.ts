import { ALL_EVENT_TYPES, type WebhookOwner } from './webhooks.ts';
import type { Sql, TransactionSql } from './sql.ts';

/**
 * A person's e-mail address is an endpoint of the notices relay like a webhook (014_email.sql): the
 * same workflow, position and delivery log (db/webhooks.ts). One live address per person, for every
 * notice kind.
 */
export interface EmailEndpoint {
  id: string;
  address: string;
  createdAt: Date;
}

export async function emailEndpointOf(
  sql: Sql | TransactionSql,
  owner: WebhookOwner,
): Promise<EmailEndpoint | undefined> {
  const [row] = await sql<EmailEndpoint[]>`
    select id, email as address, created_at as "createdAt"
    from webhook_endpoints
    where owner_role = ${owner.role} and owner_id = ${owner.id} and email is not null and deleted_at is null`;
  return row;
}

/**
 * Sets the owner's address: the same address keeps its endpoint (and its position); another one
 * replaces it, and the new endpoint starts after this transaction. `created` says whether a delivery
 * workflow has to start.
 */
export async function setEmailEndpoint(
  sql: Sql,
  endpoint: { id: string; owner: WebhookOwner; address: string; secret: string },
): Promise<EmailEndpoint & { created: boolean }> {
  return sql.begin(async (tx) => {
    // Serialises two changes of one person's address (the unique index is the last guard).
    await tx`select pg_advisory_xact_lock(hashtext(${`email:${endpoint.owner.role}:${endpoint.owner.id}`}))`;
    const current = await emailEndpointOf(tx, endpoint.owner);
    if (current?.address === endpoint.address) return { ...current, created: false };
    if (current) await tx`update webhook_endpoints set deleted_at = now() where id = ${current.id}`;
    const [row] = await tx<{ createdAt: Date }[]>`
      insert into webhook_endpoints (id, owner_role, owner_id, email, event_types, secret)
      values (${endpoint.id}, ${endpoint.owner.role}, ${endpoint.owner.id}, ${endpoint.address},
              ${[ALL_EVENT_TYPES]}, ${endpoint.secret})
      returning created_at as "createdAt"`;
    return { id: endpoint.id, address: endpoint.address, createdAt: row!.createdAt, created: true };
  });
}

/** Removes the owner's address; its delivery workflow stops at its next look. False if there was none. */
export async function deleteEmailEndpoint(sql: Sql, owner: WebhookOwner, id?: string): Promise<boolean> {
  const rows = await sql`
    update webhook_endpoints set deleted_at = now()
    where owner_role = ${owner.role} and owner_id = ${owner.id} and email is not null and deleted_at is null
      and (${id ?? null}::uuid is null or id = ${id ?? null}::uuid)
    returning id`;
  return rows.length > 0;
}

/** The competition's title, for a message's subject. */
export async function competitionTitle(sql: Sql, competitionId: string): Promise<string | undefined> {
  const [row] = await sql<{ title: string }[]>`select title from competitions where id = ${competitionId}`;
  return row?.title;
}
