-- A juror who recognises an entry under anonymous review declares a conflict after having declared
-- none. The first statement is kept as it was made (the jury's digest in the audit chain covers it);
-- the recognition's own statement goes beside it.
alter table conflict_declarations add column recognition_statement text;
