-- Procedures that officers define themselves, beside the built-in ones.
create table procedure_templates (
  id text primary key,
  template jsonb not null,
  created_by text not null,
  created_at timestamptz not null default now()
);
