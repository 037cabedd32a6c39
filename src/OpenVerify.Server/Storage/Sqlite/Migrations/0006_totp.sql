-- TOTP factors (issue #15): the shared secret sealed by the server (the key is not in the database),
-- the factor's config, and the replay and brute-force bookkeeping, which every instance updates
-- conditionally in the unit of work that accepts or refuses a code. Null on push factors.
ALTER TABLE factors ADD COLUMN totp_secret TEXT NULL;
ALTER TABLE factors ADD COLUMN totp_alg TEXT NULL;
ALTER TABLE factors ADD COLUMN totp_time_step INTEGER NULL;
ALTER TABLE factors ADD COLUMN totp_code_length INTEGER NULL;
ALTER TABLE factors ADD COLUMN totp_skew INTEGER NULL;
ALTER TABLE factors ADD COLUMN totp_last_step INTEGER NULL;
ALTER TABLE factors ADD COLUMN totp_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE factors ADD COLUMN totp_locked_until INTEGER NULL;
