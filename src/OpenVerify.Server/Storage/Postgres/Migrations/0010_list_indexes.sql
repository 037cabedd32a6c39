-- The PostgreSQL twin of Storage/Sqlite/Migrations/0010_list_indexes.sql: the list queries filter on
-- (service_sid, identity) and page by id.
CREATE INDEX ix_factors_list ON factors(service_sid, identity, id);
CREATE INDEX ix_challenges_list ON challenges(service_sid, identity, id);
