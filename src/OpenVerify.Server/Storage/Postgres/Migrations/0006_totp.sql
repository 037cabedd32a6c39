-- The PostgreSQL twin of Storage/Sqlite/Migrations/0006_totp.sql: TOTP secret (sealed), config, and
-- the replay (last accepted step) and brute-force (failures, lock) bookkeeping. Null on push factors.
ALTER TABLE factors ADD COLUMN totp_secret TEXT NULL;
ALTER TABLE factors ADD COLUMN totp_alg TEXT NULL;
ALTER TABLE factors ADD COLUMN totp_time_step INTEGER NULL;
ALTER TABLE factors ADD COLUMN totp_code_length INTEGER NULL;
ALTER TABLE factors ADD COLUMN totp_skew INTEGER NULL;
ALTER TABLE factors ADD COLUMN totp_last_step BIGINT NULL;
ALTER TABLE factors ADD COLUMN totp_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE factors ADD COLUMN totp_locked_until BIGINT NULL;
