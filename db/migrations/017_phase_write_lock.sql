-- Writes into a phase (offers, declarations, scores, questions) and the phase's transitions exclude
-- each other through an advisory lock on the phase: every write holds it shared, every transition
-- exclusive, each until its transaction ends. A write therefore commits before the phase moves on
-- (and is in the digest its transition records), or it sees the new state and is refused.
-- This replaces a share lock on the phase row: with many writers at once, Postgres made a new
-- multixact for every one of them and rewrote the row's page each time (bench/RESULTS.md, intake).

create function phase_lock_key(competition_id text, phase_key text) returns bigint
  language sql immutable parallel safe
  return hashtextextended(competition_id || '/' || phase_key, 19);

-- For a write made by one autocommit statement (offer intake): takes the shared lock, then reads the
-- phase. A volatile function reads with a snapshot taken when its query starts, after the lock is
-- held, so it sees a transition that committed while the statement waited for the lock.
create function phase_takes_writes(competition uuid, phase text, states text[]) returns boolean
  language plpgsql volatile
as $$
begin
  perform pg_advisory_xact_lock_shared(phase_lock_key(competition::text, phase));
  return exists (
    select 1 from phases p join competitions c on c.id = p.competition_id
    where p.competition_id = competition and p.key = phase and p.state = any (states)
      and c.status = 'running');
end
$$;
