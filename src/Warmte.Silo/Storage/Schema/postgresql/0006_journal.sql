-- The journal (docs/storage.md, "The journal"): a grain's current aggregate in one small snapshot
-- row, its history in append-only journal rows, and its idempotency keys, all written in one
-- transaction by the grain's commit. One service per database, as for the API tokens.
-- JSON columns are jsonb, so history can be queried in SQL (payload->>'amount'); jsonb keeps a
-- number's digits (numeric), so amounts come back to the cent as they went in. Instants are ISO
-- text with .NET's full precision (timestamptz would drop the seventh decimal the API shows).

-- The current aggregate of one grain. version goes up by one per commit: a commit updates the row
-- only where version is what the grain loaded, so a rule is checked against exactly the state it
-- commits on. last_seq is the seq of the grain's newest journal row.
CREATE TABLE warmte_snapshot (
    grain_type  text   NOT NULL,
    grain_key   text   NOT NULL,
    version     bigint NOT NULL,
    last_seq    bigint NOT NULL,
    state       jsonb  NOT NULL,
    modified_at text   NOT NULL,
    PRIMARY KEY (grain_type, grain_key)
);

-- History, never updated or deleted: one row per fact. seq counts 1, 2, 3, ... per grain. kind names
-- the fact's family ("audit", "spending", "progress"), tag narrows it for paged reads (a month, a grant).
CREATE TABLE warmte_journal (
    grain_type  text   NOT NULL,
    grain_key   text   NOT NULL,
    seq         bigint NOT NULL,
    kind        text   NOT NULL,
    tag         text   NULL,
    at          text   NOT NULL,
    actor       text   NULL,
    payload     jsonb  NOT NULL,
    PRIMARY KEY (grain_type, grain_key, seq)
);
CREATE INDEX ix_warmte_journal_kind ON warmte_journal (grain_type, grain_key, kind, seq);
CREATE INDEX ix_warmte_journal_tag ON warmte_journal (grain_type, grain_key, kind, tag, seq);

-- Idempotency keys: committed with the fact they made, so a retried request is exactly once.
-- answer is what a replay needs (what was created, or the remembered refusal); seq the journal
-- row of the fact, when there is one.
CREATE TABLE warmte_idempotency (
    grain_type  text   NOT NULL,
    grain_key   text   NOT NULL,
    idem_key    text   NOT NULL,
    fingerprint text   NOT NULL,
    answer      jsonb  NULL,
    seq         bigint NULL,
    at          text   NOT NULL,
    PRIMARY KEY (grain_type, grain_key, idem_key)
);
