-- What happens inside a phase: jurors, admissions, offers, questions, scores, gates, awards.

create table phase_jurors (
  competition_id uuid not null,
  phase_key text not null,
  juror_id text not null,
  primary key (competition_id, phase_key, juror_id),
  foreign key (competition_id, phase_key) references phases (competition_id, key)
);

-- Companies allowed to offer in a phase that admits only the winners of an earlier one.
create table admissions (
  competition_id uuid not null,
  phase_key text not null,
  company_id text not null,
  from_phase text not null,
  primary key (competition_id, phase_key, company_id),
  foreign key (competition_id, phase_key) references phases (competition_id, key)
);

create table offers (
  id uuid primary key,
  competition_id uuid not null,
  phase_key text not null,
  company_id text not null,
  version int not null check (version >= 1),
  status text not null default 'active' check (status in ('active', 'superseded', 'withdrawn')),
  price numeric check (price >= 0),
  -- The second envelope: where the template seals prices, the price stays encrypted here until the
  -- gate ranks the offers, after quality scoring; then it is written to price.
  sealed_price bytea,
  requested_amount numeric not null check (requested_amount >= 0),
  -- AES-256-GCM: nobody reads the content before the opening.
  sealed_content bytea not null,
  content_sha256 text not null,
  receipt jsonb not null,
  idempotency_key text,
  submitted_at timestamptz not null default now(),
  withdrawn_at timestamptz,
  unique (competition_id, phase_key, company_id, version),
  unique (competition_id, company_id, idempotency_key),
  foreign key (competition_id, phase_key) references phases (competition_id, key)
);
create unique index offers_one_active on offers (competition_id, phase_key, company_id) where status = 'active';
create index offers_phase on offers (competition_id, phase_key, status);

create table offer_openings (
  competition_id uuid not null,
  phase_key text not null,
  officer_id text not null,
  consented_at timestamptz not null default now(),
  primary key (competition_id, phase_key, officer_id),
  foreign key (competition_id, phase_key) references phases (competition_id, key)
);

create table questions (
  id uuid primary key,
  competition_id uuid not null,
  phase_key text not null,
  company_id text not null,
  question text not null,
  answer text,
  answered_by text,
  asked_at timestamptz not null default now(),
  answered_at timestamptz,
  published_at timestamptz,
  foreign key (competition_id, phase_key) references phases (competition_id, key)
);
create index questions_phase on questions (competition_id, phase_key);

create table conflict_declarations (
  offer_id uuid not null references offers (id),
  juror_id text not null,
  has_conflict boolean not null,
  statement text not null default '',
  declared_at timestamptz not null default now(),
  primary key (offer_id, juror_id)
);

create table scores (
  offer_id uuid not null references offers (id),
  juror_id text not null,
  criterion text not null,
  round int not null,
  score numeric not null,
  reason text not null check (length(trim(reason)) > 0),
  submitted_at timestamptz not null default now(),
  primary key (offer_id, juror_id, criterion, round)
);

create table consensus_scores (
  offer_id uuid not null references offers (id),
  criterion text not null,
  round int not null,
  score numeric not null,
  reason text not null check (length(trim(reason)) > 0),
  chair_id text not null,
  recorded_at timestamptz not null default now(),
  primary key (offer_id, criterion, round)
);

-- A juror's word that they have scored everything they will score in this round.
create table juror_completions (
  competition_id uuid not null,
  phase_key text not null,
  juror_id text not null,
  round int not null,
  completed_at timestamptz not null default now(),
  primary key (competition_id, phase_key, juror_id, round)
);

create table gate_rankings (
  competition_id uuid not null,
  phase_key text not null,
  round int not null,
  revision int not null,
  seed text not null,
  -- A retried ranking of the same scores finds its revision instead of adding an identical one.
  input_sha256 text not null,
  ranking jsonb not null,
  created_at timestamptz not null default now(),
  primary key (competition_id, phase_key, round, revision),
  foreign key (competition_id, phase_key) references phases (competition_id, key)
);

create table awards (
  competition_id uuid not null,
  phase_key text not null,
  offer_id uuid not null references offers (id),
  company_id text not null,
  amount numeric not null,
  rank int not null,
  status text not null check (status in ('intended', 'final', 'withdrawn', 'revoked')),
  deliverable_status text not null default 'pending'
    check (deliverable_status in ('pending', 'accepted', 'rejected')),
  deliverable_note text,
  deliverable_decided_by text,
  deliverable_decided_at timestamptz,
  updated_at timestamptz not null default now(),
  primary key (competition_id, phase_key, offer_id),
  foreign key (competition_id, phase_key) references phases (competition_id, key)
);

create table objections (
  id uuid primary key,
  competition_id uuid not null,
  phase_key text not null,
  company_id text not null,
  reason text not null check (length(trim(reason)) > 0),
  filed_at timestamptz not null default now(),
  decision text check (decision in ('upheld', 'rejected')),
  reopen text check (reopen in ('evaluation', 'gate')),
  decision_reason text,
  decided_by text,
  decided_at timestamptz,
  foreign key (competition_id, phase_key) references phases (competition_id, key)
);

create table notifications (
  id bigserial primary key,
  competition_id uuid not null references competitions (id),
  phase_key text,
  recipient text not null,
  kind text not null,
  body jsonb not null,
  -- One notice per event and recipient, however often the activity that sends it is retried.
  dedupe_key text not null unique,
  created_at timestamptz not null default now()
);
create index notifications_recipient on notifications (recipient, created_at desc);
