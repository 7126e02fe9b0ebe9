-- An officer's template changes by new versions; a running competition keeps the version it
-- started with (its template is copied into the competition at launch, and its number recorded).
alter table procedure_templates add column version int not null default 1 check (version >= 1);
alter table procedure_templates drop constraint procedure_templates_pkey;
alter table procedure_templates add primary key (id, version);
alter table competitions add column procedure_version int;
