-- Warmtenet: the commit's count against a project's summary becomes a HOT update (docs/storage.md,
-- "Project summaries"). Every journal commit of a project's grains adds one to
-- warmte_project_summary.changes. The partial index of unsettled rows named `changes` in its
-- predicate, and PostgreSQL cannot update a row in place on its page (HOT) when a column an index
-- refers to changes — also a predicate's column — so every booking wrote a new row version with an
-- entry in all three indexes of the table, and bloated them (measured: 188,425 updates, 1 HOT).
-- The predicate now reads a stored generated column, `stale`, which changes only when a row goes
-- from current to stale and back: the commits after the first one since the last summary leave
-- every indexed value as it was, and their update stays on the page (HOT, no index entry).
-- PostgreSQL computes `stale` on every write, also a write by an older build that knows nothing of
-- it, so it can never disagree with changes and computed.
-- Room on each page for the row's next versions (set before the rewrite ADD COLUMN does, so it applies).
ALTER TABLE warmte_project_summary SET (fillfactor = 70);
ALTER TABLE warmte_project_summary ADD COLUMN stale boolean GENERATED ALWAYS AS (changes <> computed) STORED;
DROP INDEX ix_warmte_project_summary_unsettled;
CREATE INDEX ix_warmte_project_summary_unsettled ON warmte_project_summary (project_id)
    WHERE stale OR funders_indexed <> computed + 1;
