-- A phase whose step failed for good waits, visibly, for an officer: state `needs-attention` with the
-- failed step and its reason; `attention_from` is the state an officer's resume puts back.

alter table phases drop constraint phases_state_check;
alter table phases add constraint phases_state_check
  check (state in ('pending', 'questions-open', 'submissions-open', 'evaluation', 'consensus', 'gate',
                   'standstill', 'execution', 'completed', 'no-award', 'cancelled', 'needs-attention'));
alter table phases
  add column attention_from text,
  add column attention_step text,
  add column attention_reason text,
  add column attention_since timestamptz,
  add column attention_raised_by text check (attention_raised_by in ('phase', 'competition'));
