-- Offer intake takes no lock per company (db/offers.ts): two versions of one company sent at once
-- both read the same last version, and the unique key on the version number (there since 002)
-- refuses the second, which is then numbered again. Intake recognises that refusal by the key's
-- name, so the key gets a name of its own instead of the one Postgres generated.
alter table offers
  rename constraint offers_competition_id_phase_key_company_id_version_key to offers_one_version;
