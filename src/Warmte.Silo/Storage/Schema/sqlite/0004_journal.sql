-- The journal (docs/storage.md, "The journal"): a grain's current aggregate in one small snapshot
-- row, its history in append-only journal rows, and its idempotency keys, all written in one
-- transaction by the grain's commit. One service per database, as for the API tokens.

-- The current aggregate of one grain. version goes up by one per commit: a commit updates the row
-- only where version is what the grain loaded, so a rule is checked against exactly the state it
-- commits on. last_seq is the seq of the grain's newest journal row.
CREATE TABLE warmte_snapshot (
    grain_type  TEXT    NOT NULL,
    grain_key   TEXT    NOT NULL,
    version     INTEGER NOT NULL,
    last_seq    INTEGER NOT NULL,
    state       TEXT    NOT NULL,
    modified_at TEXT    NOT NULL,
    PRIMARY KEY (grain_type, grain_key)
) WITHOUT ROWID;

-- History, never updated or deleted: one row per fact. seq counts 1, 2, 3, ... per grain. kind names
-- the fact's family ("audit", "spending", "progress"), tag narrows it for paged reads (a month, a
-- grant). at is the instant as ISO text with its full precision, as the API shows it.
CREATE TABLE warmte_journal (
    grain_type  TEXT    NOT NULL,
    grain_key   TEXT    NOT NULL,
    seq         INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    tag         TEXT    NULL,
    at          TEXT    NOT NULL,
    actor       TEXT    NULL,
    payload     TEXT    NOT NULL,
    PRIMARY KEY (grain_type, grain_key, seq)
) WITHOUT ROWID;
CREATE INDEX ix_warmte_journal_kind ON warmte_journal (grain_type, grain_key, kind, seq);
CREATE INDEX ix_warmte_journal_tag ON warmte_journal (grain_type, grain_key, kind, tag, seq);

-- Idempotency keys: committed with the fact they made, so a retried request is exactly once.
-- answer is what a replay needs (JSON: what was created, or the remembered refusal); seq the
-- journal row of the fact, when there is one.
CREATE TABLE warmte_idempotency (
    grain_type  TEXT    NOT NULL,
    grain_key   TEXT    NOT NULL,
    idem_key    TEXT    NOT NULL,
    fingerprint TEXT    NOT NULL,
    answer      TEXT    NULL,
    seq         INTEGER NULL,
    at          TEXT    NOT NULL,
    PRIMARY KEY (grain_type, grain_key, idem_key)
) WITHOUT ROWID;
