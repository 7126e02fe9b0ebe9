-- Idempotency-Key (draft-ietf-httpapi-idempotency-key-header): the first answer to a POST, kept so a
-- retry with the same key gets it again instead of doing the work twice.
--
-- A key belongs to one caller, one method and one path (competition and phase included): the same key
-- elsewhere is another key. The fingerprint is the sha256 of the exact request body bytes; the same
-- key with another body is refused (422). The row is claimed ('in-flight') in the same transaction as
-- the write it guards and set to 'done' with the answer before that transaction commits, so a crash
-- leaves either both or neither. Keys expire after 24 hours; expired rows are purged as new keys come.
create table idempotency_keys (
  caller text not null,
  method text not null,
  path text not null,
  key text not null check (length(key) between 1 and 255),
  fingerprint text not null check (fingerprint ~ '^[0-9a-f]{64}$'),
  state text not null default 'in-flight' check (state in ('in-flight', 'done')),
  -- The answer as first sent: status code and JSON body text (byte for byte, so not jsonb).
  status int check (status between 200 and 599),
  body text,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  primary key (caller, method, path, key),
  check (state = 'in-flight' or (status is not null and body is not null))
);
create index idempotency_keys_expiry on idempotency_keys (expires_at);

-- Offers kept their key in a column of their own, per competition and company only, so the same key
-- in another phase or with another body found the first offer. idempotency_keys replaces it.
alter table offers drop column idempotency_key;
