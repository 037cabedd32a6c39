-- The PostgreSQL twin of Storage/Sqlite/Migrations/0001_initial.sql: the same tables and column
-- names, so the shared Dapper stores run unchanged. Times are Unix seconds (BIGINT); booleans stay
-- INTEGER 0/1 as in SQLite, because the stores bind them as integers; ids are BIGSERIAL (not
-- GENERATED ALWAYS: the factor limit's row lock is "UPDATE entities SET id = id").
CREATE TABLE accounts (
    sid          TEXT PRIMARY KEY,
    auth_token   TEXT NOT NULL,
    friendly_name TEXT NOT NULL,
    date_created BIGINT NOT NULL
);

CREATE TABLE api_keys (
    sid          TEXT PRIMARY KEY,
    account_sid  TEXT NOT NULL REFERENCES accounts(sid),
    secret_hash  TEXT NOT NULL,
    friendly_name TEXT NOT NULL,
    date_created BIGINT NOT NULL
);

CREATE TABLE services (
    id           BIGSERIAL PRIMARY KEY,
    sid          TEXT NOT NULL UNIQUE,
    account_sid  TEXT NOT NULL,
    friendly_name TEXT NOT NULL,
    settings     TEXT NOT NULL,
    date_created BIGINT NOT NULL,
    date_updated BIGINT NOT NULL
);
CREATE INDEX ix_services_account ON services(account_sid, id);

CREATE TABLE entities (
    id           BIGSERIAL PRIMARY KEY,
    sid          TEXT NOT NULL UNIQUE,
    account_sid  TEXT NOT NULL,
    service_sid  TEXT NOT NULL,
    identity     TEXT NOT NULL,
    date_created BIGINT NOT NULL,
    date_updated BIGINT NOT NULL,
    UNIQUE (service_sid, identity)
);

CREATE TABLE factors (
    id           BIGSERIAL PRIMARY KEY,
    sid          TEXT NOT NULL UNIQUE,
    account_sid  TEXT NOT NULL,
    service_sid  TEXT NOT NULL,
    entity_sid   TEXT NOT NULL,
    identity     TEXT NOT NULL,
    friendly_name TEXT NOT NULL,
    factor_type  TEXT NOT NULL,
    status       TEXT NOT NULL,
    credential_sid TEXT NOT NULL UNIQUE,
    public_key   TEXT NOT NULL,
    binding_alg  TEXT NOT NULL,
    sdk_version  TEXT NOT NULL,
    app_id       TEXT NOT NULL,
    notification_platform TEXT NOT NULL,
    notification_token TEXT NULL,
    metadata     TEXT NULL,
    date_created BIGINT NOT NULL,
    date_updated BIGINT NOT NULL
);
CREATE INDEX ix_factors_entity ON factors(entity_sid, id);
CREATE INDEX ix_factors_unverified ON factors(status, date_created);

CREATE TABLE challenges (
    id           BIGSERIAL PRIMARY KEY,
    sid          TEXT NOT NULL UNIQUE,
    account_sid  TEXT NOT NULL,
    service_sid  TEXT NOT NULL,
    entity_sid   TEXT NOT NULL,
    identity     TEXT NOT NULL,
    factor_sid   TEXT NOT NULL,
    factor_type  TEXT NOT NULL,
    status       TEXT NOT NULL,
    responded_reason TEXT NOT NULL,
    message      TEXT NOT NULL,
    fields       TEXT NULL,
    include_date INTEGER NOT NULL,
    hidden_details TEXT NULL,
    metadata     TEXT NULL,
    date_created BIGINT NOT NULL,
    date_updated BIGINT NOT NULL,
    date_responded BIGINT NULL,
    expiration_date BIGINT NOT NULL
);
CREATE INDEX ix_challenges_entity ON challenges(entity_sid, id);
CREATE INDEX ix_challenges_factor ON challenges(factor_sid, id);
CREATE INDEX ix_challenges_pending ON challenges(status, expiration_date);

CREATE TABLE notifications (
    sid          TEXT PRIMARY KEY,
    account_sid  TEXT NOT NULL,
    service_sid  TEXT NOT NULL,
    entity_sid   TEXT NOT NULL,
    identity     TEXT NOT NULL,
    challenge_sid TEXT NOT NULL,
    priority     TEXT NOT NULL,
    ttl          INTEGER NOT NULL,
    date_created BIGINT NOT NULL
);
CREATE INDEX ix_notifications_challenge ON notifications(challenge_sid);

CREATE TABLE webhooks (
    id           BIGSERIAL PRIMARY KEY,
    sid          TEXT NOT NULL UNIQUE,
    account_sid  TEXT NOT NULL,
    service_sid  TEXT NOT NULL,
    friendly_name TEXT NOT NULL,
    event_types  TEXT NOT NULL,
    webhook_url  TEXT NOT NULL,
    status       TEXT NOT NULL,
    version      TEXT NOT NULL,
    webhook_method TEXT NOT NULL,
    date_created BIGINT NOT NULL,
    date_updated BIGINT NOT NULL
);
CREATE INDEX ix_webhooks_service ON webhooks(service_sid, id);

CREATE TABLE access_tokens (
    sid          TEXT PRIMARY KEY,
    account_sid  TEXT NOT NULL,
    service_sid  TEXT NOT NULL,
    identity     TEXT NOT NULL,
    factor_type  TEXT NOT NULL,
    factor_friendly_name TEXT NULL,
    secret       TEXT NOT NULL,
    ttl          INTEGER NOT NULL,
    date_created BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    consumed_at  BIGINT NULL
);
