-- Writes into a phase (offers, declarations, scores, questions) and the phase's transitions exclude
-- each other through advisory locks on the phase: every write holds one of them shared, every
-- transition all of them exclusive, each until its transaction ends. A write therefore commits
-- before the phase moves on (and is in the digest its transition records), or it sees the new
-- state and is refused.
-- Why not a share lock on the phase row: with many writers at once, Postgres made a new multixact
-- for every one of them. Why several locks: writers that all share one lock contend for it in
-- Postgres's lock table; a writer takes the one its session is given (bench/RESULTS.md, intake).

create function phase_lock_key(competition_id text, phase_key text, stripe int) returns bigint
  language sql immutable parallel safe
  return hashtextextended(competition_id || '/' || phase_key || '/' || stripe, 19);

-- How many locks a phase has: a transition takes them all.
create function phase_lock_stripes() returns int
  language sql immutable parallel safe
  return 16;

-- The lock a write of this session takes.
create function phase_write_lock_shared(competition_id text, phase_key text) returns void
  language sql volatile
  return pg_advisory_xact_lock_shared(
    phase_lock_key(competition_id, phase_key, pg_backend_pid() % phase_lock_stripes()));

-- What a transition takes: every lock of the phase, always in the same order.
create function phase_transition_lock(competition_id text, phase_key text) returns void
  language plpgsql volatile
as $$
begin
  for stripe in 0 .. phase_lock_stripes() - 1 loop
    perform pg_advisory_xact_lock(phase_lock_key(competition_id, phase_key, stripe));
  end loop;
end
$$;

-- For a write made by one autocommit statement (offer intake): takes the write lock, then reads the
-- phase. A volatile function reads with a snapshot taken when its query starts, after the lock is
-- held, so it sees a transition that committed while the statement waited for the lock.
create function phase_takes_writes(competition uuid, phase text, states text[]) returns boolean
  language plpgsql volatile
as $$
begin
  perform phase_write_lock_shared(competition::text, phase);
  return exists (
    select 1 from phases p join competitions c on c.id = p.competition_id
    where p.competition_id = competition and p.key = phase and p.state = any (states)
      and c.status = 'running');
end
$$;
