-- Push-fatigue defences (issue #13). number_match: the two-digit number the backend shows next to the
-- login; number_choices: the JSON array of three numbers (one of them number_match) the device offers;
-- denial_reason: why a denial happened when the device did not simply deny (wrong_number, reported).
ALTER TABLE challenges ADD COLUMN number_match INTEGER NULL;
ALTER TABLE challenges ADD COLUMN number_choices TEXT NULL;
ALTER TABLE challenges ADD COLUMN denial_reason TEXT NULL;
-- The pending limit counts a factor's pending challenges and the cool-down reads its recent denials,
-- on every CreateChallenge: both from this index, never from the factor's whole history.
CREATE INDEX ix_challenges_factor_status ON challenges(factor_sid, status, date_responded);
-- The service's fatigue counters.
CREATE INDEX ix_challenges_service_denial ON challenges(service_sid, denial_reason);
