-- Current rows (docs/storage.md, "Current rows and personal data"): one row per entity of a grain
-- (a member of a register, a consent answer at an address), replaced or deleted in place, written in
-- the same transaction as the grain's snapshot. They keep grain state small where the current
-- aggregate itself is large (5,000 members), and they are the only place personal data (names,
-- addresses) is stored, so erasure and retention can remove it; the journal stays append-only.
-- kind names the entity family ("member", "declaration"), entity_id the entity within the grain,
-- tag narrows paged reads (a complex).
CREATE TABLE warmte_row (
    grain_type  TEXT NOT NULL,
    grain_key   TEXT NOT NULL,
    kind        TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    tag         TEXT NULL,
    data        TEXT NOT NULL,
    modified_at TEXT NOT NULL,
    PRIMARY KEY (grain_type, grain_key, kind, entity_id)
) WITHOUT ROWID;
CREATE INDEX ix_warmte_row_tag ON warmte_row (grain_type, grain_key, kind, tag, entity_id);
