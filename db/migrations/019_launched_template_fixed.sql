-- A competition runs on the procedure template it was launched with: the rules its companies and
-- jurors were told. API processes and workers keep each phase's element of it after the first read
-- (db/phase-guard.ts), so a change would not only rewrite the rules midway but reach some processes
-- and not others. Postgres refuses it.
create function competition_template_fixed() returns trigger
  language plpgsql
as $$
begin
  raise exception 'the procedure template of competition % is fixed at launch', old.id
    using errcode = 'raise_exception';
end
$$;

create trigger competition_template_fixed
  before update of template on competitions
  for each row when (old.template is distinct from new.template)
  execute function competition_template_fixed();
