-- The admin console's audit log (issue #17): who (the account SID or the API key SID that signed in),
-- when (Unix milliseconds, from the server's clock), what (the action) and on what (the target's SIDs),
-- for every change made through the console. Listed per account, newest first.
CREATE TABLE console_audit (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    account_sid  TEXT NOT NULL,
    actor        TEXT NOT NULL,
    at           INTEGER NOT NULL,
    action       TEXT NOT NULL,
    target       TEXT NOT NULL,
    detail       TEXT NULL
);
CREATE INDEX ix_console_audit_account ON console_audit(account_sid, id);
