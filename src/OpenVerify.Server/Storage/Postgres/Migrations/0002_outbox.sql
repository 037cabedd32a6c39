-- The PostgreSQL twin of Storage/Sqlite/Migrations/0002_outbox.sql. Times here are Unix milliseconds.
-- Instances claim side by side with FOR UPDATE SKIP LOCKED and a lease (lease_owner, lease_until).
CREATE TABLE outbox (
    id           BIGSERIAL PRIMARY KEY,
    kind         TEXT NOT NULL,
    subject      TEXT NULL,
    partition_key TEXT NULL,
    payload      TEXT NOT NULL,
    state        TEXT NOT NULL,
    attempts     INTEGER NOT NULL,
    created_at   BIGINT NOT NULL,
    due_at       BIGINT NOT NULL,
    expires_at   BIGINT NULL,
    lease_owner  TEXT NULL,
    lease_until  BIGINT NULL,
    last_error   TEXT NULL,
    completed_at BIGINT NULL
);
CREATE INDEX ix_outbox_due ON outbox(state, kind, due_at);
CREATE INDEX ix_outbox_partition ON outbox(partition_key, state, id);
CREATE INDEX ix_outbox_subject ON outbox(subject, id);

CREATE TABLE outbox_attempts (
    id           BIGSERIAL PRIMARY KEY,
    outbox_id    BIGINT NOT NULL,
    attempt      INTEGER NOT NULL,
    at           BIGINT NOT NULL,
    outcome      TEXT NOT NULL,
    detail       TEXT NULL
);
CREATE INDEX ix_outbox_attempts_message ON outbox_attempts(outbox_id, id);
