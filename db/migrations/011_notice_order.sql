-- The transaction that wrote each notice. Ids are handed out before commit, so they do not come in
-- commit order; an event stream delivers only notices of transactions that have ended (below the
-- snapshot's xmin), ordered by (tx, id), so a client resuming after the last one it saw misses none.
alter table notifications add column tx xid8 not null default pg_current_xact_id();
create index notifications_stream on notifications (competition_id, tx, id);
