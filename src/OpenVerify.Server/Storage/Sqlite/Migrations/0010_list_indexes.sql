-- Issue #18: ListFactor and ListChallenge select one entity's rows by (service_sid, identity), the
-- path's keys, and page them by id; the (entity_sid, id) indexes could not serve that, so a list read
-- every factor of the table (or every challenge of the service). These serve the filter and the order
-- together. The entity_sid indexes stay: deleting an entity removes its rows by entity_sid.
CREATE INDEX ix_factors_list ON factors(service_sid, identity, id);
CREATE INDEX ix_challenges_list ON challenges(service_sid, identity, id);
