-- Warmtenet: no schema change. From the build that applies this script on, cash plan snapshots are
-- written with their months in the compact form (warmte_snapshot.state, "spent" as one string;
-- MonthSpendingJson), which release 61e553b and every later build read, and no build before it.
-- This row in warmte_schema_version records that, and since when (applied_at): the oldest build
-- the binaries may be rolled back to on this database is 61e553b. An older build would still
-- start (it logs "Schema version … (…_min_reader_61e553b.sql) is recorded in the database but
-- unknown to this build") and then fail to load every cash plan booked since; restore a backup
-- made before applied_at instead (docs/operations.md, "Rolling back the binaries").
SELECT 1;
