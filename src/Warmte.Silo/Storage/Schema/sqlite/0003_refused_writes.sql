-- Refused writes of authenticated callers (4xx on POST/PUT/PATCH/DELETE): who tried what and why
-- it was refused. Never a token or a request body. at_ms is the instant in Unix milliseconds (for
-- "since" queries and pruning), at the same instant as ISO text for people reading the table.
CREATE TABLE warmte_refused_write (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at_ms       INTEGER NOT NULL,
    at          TEXT NOT NULL,
    token_id    TEXT NOT NULL,
    role        TEXT NOT NULL,
    method      TEXT NOT NULL,
    path        TEXT NOT NULL,
    status      INTEGER NOT NULL,
    code        TEXT NULL,
    target_id   TEXT NULL
);
CREATE INDEX ix_warmte_refused_write_at ON warmte_refused_write (at_ms);
