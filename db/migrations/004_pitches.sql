-- Pitch and interview slots of phases whose template plans pitches.
create table pitch_slots (
  offer_id uuid primary key references offers (id),
  competition_id uuid not null,
  phase_key text not null,
  round int not null,
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  held_at timestamptz,
  held_by text,
  foreign key (competition_id, phase_key) references phases (competition_id, key)
);
create index pitch_slots_phase on pitch_slots (competition_id, phase_key, starts_at);
