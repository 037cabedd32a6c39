-- Push credentials (Twilio's Credentials resource). The key material is sealed with AES-GCM by the
-- server (secret column); the key is not in the database.
CREATE TABLE push_credentials (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    sid          TEXT NOT NULL UNIQUE,
    account_sid  TEXT NOT NULL,
    friendly_name TEXT NOT NULL,
    type         TEXT NOT NULL,
    sandbox      INTEGER NOT NULL,
    secret       TEXT NOT NULL,
    date_created INTEGER NOT NULL,
    date_updated INTEGER NOT NULL
);
CREATE INDEX ix_push_credentials_account ON push_credentials(account_sid, id);
