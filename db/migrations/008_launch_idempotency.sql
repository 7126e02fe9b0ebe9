-- A launch's Idempotency-Key now lives in idempotency_keys like every other (per caller, method and
-- path, with the body's fingerprint); the old column made one officer's key return another's launch.
alter table competitions drop column idempotency_key;
