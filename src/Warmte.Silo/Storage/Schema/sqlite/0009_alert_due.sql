-- Warmtenet: when each project's alerts are next re-evaluated without a change (issue 15, docs/storage.md,
-- "Alert sweeps"). One row per project; slice = the project's alert sweep (AlertSweepSchedule.SliceOf:
-- FNV-1a of the id, 0-31), due_at = milliseconds since 1970-01-01 UTC. A fixed number of sweep grains,
-- each with one stored reminder, read their slice's due rows through the index instead of one reminder
-- per project. Filled for existing projects at the first start from their per-project reminders, which
-- are then removed (AlertSweepUpgrade, start-up step 'alert-sweep-due-times').
CREATE TABLE warmte_alert_due
(
    project_id TEXT    NOT NULL PRIMARY KEY,
    slice      INTEGER NOT NULL,
    due_at     INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX ix_warmte_alert_due_slice ON warmte_alert_due (slice, due_at);
