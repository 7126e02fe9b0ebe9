-- E-mail: an address is one more kind of endpoint of the notices relay (013_webhooks.sql). The same
-- workflow keeps its position in the outbox and the same delivery log records each message; only
-- the last leg differs (SMTP instead of an HTTP POST). Jurors may give an address too.

alter table webhook_endpoints
  alter column url drop not null,
  add column email text check (email ~ '^[^@\s]+@[^@\s]+$' and length(email) <= 254),
  add constraint webhook_endpoints_url_or_email check ((url is null) <> (email is null)),
  drop constraint webhook_endpoints_owner_role_check,
  add constraint webhook_endpoints_owner_role_check check (
    owner_role in ('officer', 'company') or (owner_role = 'juror' and email is not null)
  );

-- One live address per person.
create unique index webhook_endpoints_one_email on webhook_endpoints (owner_role, owner_id)
  where email is not null and deleted_at is null;
