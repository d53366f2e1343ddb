-- Warmtenet: one-time start-up steps, one row per step done on this database.
-- 'alert-watches-registered': every project's alert watch has registered its (stored) reminder;
-- later starts skip that pass (AlertWatchStartup). A database without the row, new or from a
-- release before this script, gets the pass once at its first start.
CREATE TABLE warmte_startup_step
(
    name     TEXT NOT NULL PRIMARY KEY,
    done_at  TEXT NOT NULL,
    detail   TEXT NOT NULL
);
