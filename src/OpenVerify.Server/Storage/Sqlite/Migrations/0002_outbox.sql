-- The transactional outbox: push jobs and events are written in the same transaction as the change
-- that causes them, then delivered by the outbox worker. Times here are Unix milliseconds.
CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    kind         TEXT NOT NULL,
    subject      TEXT NULL,
    partition_key TEXT NULL,
    payload      TEXT NOT NULL,
    state        TEXT NOT NULL,
    attempts     INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    due_at       INTEGER NOT NULL,
    expires_at   INTEGER NULL,
    lease_owner  TEXT NULL,
    lease_until  INTEGER NULL,
    last_error   TEXT NULL,
    completed_at INTEGER NULL
);
CREATE INDEX ix_outbox_due ON outbox(state, kind, due_at);
CREATE INDEX ix_outbox_partition ON outbox(partition_key, state, id);
CREATE INDEX ix_outbox_subject ON outbox(subject, id);

CREATE TABLE outbox_attempts (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    outbox_id    INTEGER NOT NULL,
    attempt      INTEGER NOT NULL,
    at           INTEGER NOT NULL,
    outcome      TEXT NOT NULL,
    detail       TEXT NULL
);
CREATE INDEX ix_outbox_attempts_message ON outbox_attempts(outbox_id, id);
