-- Anonymous review (design-contest rules, Directive 2014/24/EU art. 82): the jury judges entries
-- without knowing who sent them, until its ranking is fixed and two officers open the identities.

-- An offer in an anonymous phase has a second sealed part: the company, its team, its declarations.
-- AES-256-GCM bound to "<offer id>/identity"; its sha256 is in the signed receipt.
alter table offers add column sealed_identity bytea;
alter table offers add column identity_sha256 text;
alter table offers add constraint offers_identity_whole
  check ((sealed_identity is null) = (identity_sha256 is null));
-- What jurors (and officers, until the identities open) call the offer: "Entry 7". Given when the
-- evaluation opens, in an order that follows neither the company nor the time of submission.
alter table offers add column entry_number int check (entry_number >= 1);
create unique index offers_entry_number on offers (competition_id, phase_key, entry_number)
  where entry_number is not null;

-- Consents to open the identity parts; with two distinct officers they open.
create table identity_openings (
  competition_id uuid not null,
  phase_key text not null,
  officer_id text not null,
  consented_at timestamptz not null,
  primary key (competition_id, phase_key, officer_id),
  foreign key (competition_id, phase_key) references phases (competition_id, key)
);
alter table phases add column identities_opened_at timestamptz;

-- A juror who declared no conflict may still recognise the work on reading it: the declaration then
-- becomes a conflict, and when that happened is kept here.
alter table conflict_declarations add column recognised_at timestamptz;
