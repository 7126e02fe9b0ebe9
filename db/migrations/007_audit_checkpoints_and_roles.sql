-- Signed checkpoints of each competition's audit chain (Certificate Transparency's idea): a
-- position, the chain's head hash there and the time, signed with the server's Ed25519 key. Once
-- a checkpoint is published (the audit export, every receipt), no rewrite or truncation of the
-- chain up to it can go unseen, even by someone who can recompute every hash.
create table audit_checkpoints (
  competition_id uuid not null references competitions (id),
  position bigint not null check (position >= 1),
  head_hash text not null,
  at timestamptz not null,
  signature text not null,
  primary key (competition_id, position)
);

create trigger audit_checkpoints_append_only before update or delete on audit_checkpoints
  for each row execute function audit_log_is_append_only();

-- The application runs as phasegate_app, which owns no table: it cannot drop or alter them, nor
-- disable their triggers, nor change or delete a line of the audit log. Only the owner, who runs
-- these migrations, can. The role is cluster-wide; it logs in once its password is set.
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'phasegate_app') then
    create role phasegate_app nologin nosuperuser nocreatedb nocreaterole noreplication nobypassrls;
  end if;
end $$;

grant usage on schema public to phasegate_app;
grant select, insert, update, delete on all tables in schema public to phasegate_app;
grant usage, select on all sequences in schema public to phasegate_app;
alter default privileges in schema public grant select, insert, update, delete on tables to phasegate_app;
alter default privileges in schema public grant usage, select on sequences to phasegate_app;

revoke update, delete, truncate on audit_log, audit_checkpoints from phasegate_app;
revoke all on schema_migrations from phasegate_app;
