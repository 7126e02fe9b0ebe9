-- Webhooks (Standard Webhooks): the notices outbox relayed to endpoints that officers and companies
-- register. Each relay keeps its position in the outbox by (transaction, id),
-- the order the event stream uses (011_notice_order.sql), so a receiver that was down gets every
-- notice it missed, in commit order, once.

create table webhook_endpoints (
  id uuid primary key,
  owner_role text not null check (owner_role in ('officer', 'company')),
  owner_id text not null check (length(owner_id) between 1 and 200),
  url text not null check (url ~ '^https?://' and length(url) <= 2000),
  event_types text[] not null check (cardinality(event_types) between 1 and 100),
  -- whsec_… (base64 of 32 random bytes): the key that signs every delivery.
  secret text not null check (secret like 'whsec\_%'),
  created_at timestamptz not null default now(),
  deleted_at timestamptz,
  -- The last notice delivered. A new endpoint starts after its own registration's transaction.
  after_tx xid8 not null default pg_current_xact_id(),
  after_id bigint not null default 0
);
create index webhook_endpoints_owner on webhook_endpoints (owner_role, owner_id) where deleted_at is null;

create table webhook_deliveries (
  id uuid primary key default gen_random_uuid(),
  endpoint_id uuid not null references webhook_endpoints (id),
  notification_id bigint not null references notifications (id),
  status text not null default 'pending' check (status in ('pending', 'delivered', 'failing')),
  attempts integer not null default 0 check (attempts >= 0),
  last_attempt_at timestamptz,
  next_attempt_at timestamptz,
  last_error text check (length(last_error) <= 1000),
  last_status_code integer,
  delivered_at timestamptz,
  replay_requested_at timestamptz,
  created_at timestamptz not null default now(),
  unique (endpoint_id, notification_id)
);
create index webhook_deliveries_log on webhook_deliveries (endpoint_id, created_at desc);
create index webhook_deliveries_replays on webhook_deliveries (endpoint_id) where replay_requested_at is not null;

-- A relay reads one person's audiences across all competitions, in commit order.
create index notifications_audience_order on notifications (recipient, tx, id);
