-- The PostgreSQL twin of Storage/Sqlite/Migrations/0008_challenge_changes.sql. The bump of
-- factors.challenge_seq also takes the factor's row lock until commit, so one factor's changes
-- commit in the order of their numbers, even when several instances write them.
ALTER TABLE factors ADD COLUMN challenge_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE challenges ADD COLUMN change_seq BIGINT NOT NULL DEFAULT 0;
CREATE INDEX ix_challenges_changes ON challenges(factor_sid, change_seq);
