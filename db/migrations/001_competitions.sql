-- The record of every competition. The workflows move phase state; the API writes guarded rows.

create table competitions (
  id uuid primary key,
  title text not null,
  buyer text not null,
  challenge text not null default '',
  procedure text not null,
  template jsonb not null,
  status text not null default 'running'
    check (status in ('running', 'completed', 'no-award', 'cancelled')),
  outcome text,
  current_phase text,
  created_by text not null,
  idempotency_key text unique,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index competitions_status on competitions (status, created_at desc);

create table phases (
  competition_id uuid not null references competitions (id),
  key text not null,
  position int not null,
  name text not null,
  state text not null default 'pending'
    check (state in ('pending', 'questions-open', 'submissions-open', 'evaluation', 'consensus', 'gate',
                     'standstill', 'execution', 'completed', 'no-award', 'cancelled')),
  evaluation_round int not null default 1,
  -- Offers stay sealed, for officers and jurors alike, until two distinct officers open them.
  offers_opened_at timestamptz,
  published_at timestamptz,
  questions_close_at timestamptz,
  answers_due_at timestamptz,
  answers_published_at timestamptz,
  submissions_close_at timestamptz,
  evaluation_close_at timestamptz,
  intended_award_due_at timestamptz,
  intended_award_at timestamptz,
  standstill_ends_at timestamptz,
  -- Set by the workflow when its standstill timer fires: objections after that are late, whatever the clocks say.
  standstill_closed_at timestamptz,
  final_award_at timestamptz,
  deliverables_due_at timestamptz,
  outcome text,
  updated_at timestamptz not null default now(),
  primary key (competition_id, key),
  unique (competition_id, position)
);

-- Append-only, hash-chained per competition: each row's hash covers the previous row's hash.
create table audit_log (
  competition_id uuid not null references competitions (id),
  seq bigint not null,
  at timestamptz not null default clock_timestamp(),
  actor text not null,
  action text not null,
  data jsonb not null default '{}',
  prev_hash text not null,
  hash text not null,
  primary key (competition_id, seq)
);

create function audit_log_is_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_log is append-only';
end $$;
create trigger audit_log_append_only before update or delete on audit_log
  for each row execute function audit_log_is_append_only();
