-- The live channel (issue #16): every change to a challenge takes the next number of its factor's
-- change sequence (factors.challenge_seq, bumped in the same unit of work), so a device stream can
-- resume after the last event it saw (Last-Event-ID) without losing or repeating one.
ALTER TABLE factors ADD COLUMN challenge_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE challenges ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;
CREATE INDEX ix_challenges_changes ON challenges(factor_sid, change_seq);
