-- The PostgreSQL twin of Storage/Sqlite/Migrations/0009_console_audit.sql. Times are Unix milliseconds.
CREATE TABLE console_audit (
    id           BIGSERIAL PRIMARY KEY,
    account_sid  TEXT NOT NULL,
    actor        TEXT NOT NULL,
    at           BIGINT NOT NULL,
    action       TEXT NOT NULL,
    target       TEXT NOT NULL,
    detail       TEXT NULL
);
CREATE INDEX ix_console_audit_account ON console_audit(account_sid, id);
