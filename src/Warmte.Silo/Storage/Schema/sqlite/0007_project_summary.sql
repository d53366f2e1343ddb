-- Read model of the wide views (docs/storage.md, "Project summaries"): per project the figures the
-- umbrella comparison and the financier's portfolio show, as of one day (as_of, ISO date), so that
-- those views read every project in one query instead of activating four grains per project.
-- stale = 1: the project changed after the summary was computed (set by ProjectChanged); a read
-- recomputes a stale row, a row of an earlier day, or a missing one through the project's
-- summary grain. Derived data only: deleting every row loses nothing.
CREATE TABLE warmte_project_summary (
    project_id     TEXT    NOT NULL PRIMARY KEY,
    cooperative_id TEXT    NOT NULL,
    as_of          TEXT    NOT NULL,
    stale          INTEGER NOT NULL,
    summary        TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL
) WITHOUT ROWID;
