-- The PostgreSQL twin of Storage/Sqlite/Migrations/0003_push_credentials.sql: push credentials, key
-- material sealed by the server (secret column). Booleans stay INTEGER 0/1, as the stores bind them.
CREATE TABLE push_credentials (
    id           BIGSERIAL PRIMARY KEY,
    sid          TEXT NOT NULL UNIQUE,
    account_sid  TEXT NOT NULL,
    friendly_name TEXT NOT NULL,
    type         TEXT NOT NULL,
    sandbox      INTEGER NOT NULL,
    secret       TEXT NOT NULL,
    date_created BIGINT NOT NULL,
    date_updated BIGINT NOT NULL
);
CREATE INDEX ix_push_credentials_account ON push_credentials(account_sid, id);
