-- The journal's snapshot row (docs/storage.md, "The journal"; docs/performance.md, the write
-- comparison) is rewritten by every commit. Three settings cut PostgreSQL's work per commit:
--
-- 1. state as text instead of jsonb. The state is only ever read and written whole (the grain
--    deserialises it); as jsonb every commit made PostgreSQL parse it (a cash plan's is ~5 kB of
--    JSON: months of spending), which was the largest part of the database's CPU per booking.
--    History (warmte_journal.payload) and idempotency answers stay jsonb, queryable as before;
--    the snapshot can still be queried with state::jsonb.
-- 2. lz4 instead of pglz for the state's compression (a row over ~2 kB is compressed on every
--    update; lz4 costs a fraction of pglz's CPU). Where the server lacks lz4 the default stays.
-- 3. fillfactor 80: room on each page for the next version of its rows, so the update stays a HOT
--    update (no index entry, no page elsewhere) instead of one in five or so moving.
--
-- The column change rewrites the table once (every grain's one row); existing rows keep their
-- compression until they are next written.
ALTER TABLE warmte_snapshot ALTER COLUMN state TYPE text USING state::text;
DO $$
BEGIN
    EXECUTE 'ALTER TABLE warmte_snapshot ALTER COLUMN state SET COMPRESSION lz4';
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value OR syntax_error THEN
    NULL; -- a server built without lz4 (or before PostgreSQL 14): pglz, as before
END
$$;
ALTER TABLE warmte_snapshot SET (fillfactor = 80);
