-- Warmtenet: Orleans ADO.NET grain storage for SQLite.
-- Written against Microsoft.Orleans.Persistence.AdoNet 10.4.2, invariant
-- "System.Data.SQLite". Despite its name, Orleans maps that invariant to the
-- Microsoft.Data.Sqlite assembly (Microsoft.Data.Sqlite.SqliteFactory), so these
-- query texts are executed by Microsoft.Data.Sqlite: statements run in order,
-- every statement that returns columns is a result set, and Orleans reads all
-- result sets. Orleans opens no transaction around a query.
--
-- Contract (same as for every vendor):
--   parameters : GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString,
--                GrainIdExtensionString (nullable), ServiceId,
--                GrainStateVersion (nullable), PayloadBinary (write only)
--   results    : read  -> columns PayloadBinary, Version (by name)
--                write -> column NewGrainStateVersion
--                clear/delete -> first column of the row is the new version
--   Across all result sets a write/clear must yield at most ONE row (Orleans
--   calls SingleOrDefault). A conflict is signalled by returning the caller's
--   own version, or NULL / no row when the caller had no version. Returning no
--   row while the caller HAD a version would be taken as success, so that case
--   always produces a row.
--
-- changes() is per connection and reports the rows touched by the most recent
-- INSERT/UPDATE/DELETE on it; a SELECT leaves it as it was. Each SELECT below
-- reads it right after the statement it reports on.

-- Orleans reads its SQL from this table at start-up (name and columns are
-- hard-coded in the provider).
CREATE TABLE OrleansQuery
(
    QueryKey  TEXT NOT NULL PRIMARY KEY,
    QueryText TEXT NOT NULL
);

-- One row per (service, grain type, grain id). The unique index starts with
-- the two hashes so lookups stay narrow, and its natural-key columns resolve
-- hash collisions and make a duplicate row for one grain impossible (a second
-- row would make every later write ambiguous). NULL extension strings would be
-- distinct in a plain unique index, hence the IS NULL flag plus IFNULL.
CREATE TABLE OrleansStorage
(
    GrainIdHash            INTEGER NOT NULL,
    GrainIdN0              INTEGER NOT NULL,
    GrainIdN1              INTEGER NOT NULL,
    GrainTypeHash          INTEGER NOT NULL,
    GrainTypeString        TEXT    NOT NULL,
    GrainIdExtensionString TEXT    NULL,
    ServiceId              TEXT    NOT NULL,
    PayloadBinary          BLOB    NULL,
    ModifiedOn             TEXT    NOT NULL,
    Version                INTEGER NOT NULL
);

CREATE UNIQUE INDEX UX_OrleansStorage_Grain ON OrleansStorage
(
    GrainIdHash,
    GrainTypeHash,
    GrainIdN0,
    GrainIdN1,
    ServiceId,
    GrainTypeString,
    GrainIdExtensionString IS NULL,
    IFNULL(GrainIdExtensionString, '')
);

-- Write. The two branches exclude each other (the caller either holds a
-- version or not), and each branch is a single atomic statement:
--   1. known version: UPDATE only the row still at that version;
--   2. report it: version + 1 if the update hit, otherwise the caller's own
--      version (-> InconsistentStateException);
--   3. no version: INSERT version 1, skipped by the unique index if the row
--      already exists;
--   4. report it: 1 if inserted, otherwise no row (null == null -> conflict).
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('WriteToStorageKey', '
UPDATE OrleansStorage
SET PayloadBinary = @PayloadBinary,
    ModifiedOn = strftime(''%Y-%m-%dT%H:%M:%fZ'', ''now''),
    Version = Version + 1
WHERE GrainIdHash = @GrainIdHash
  AND GrainTypeHash = @GrainTypeHash
  AND GrainIdN0 = @GrainIdN0
  AND GrainIdN1 = @GrainIdN1
  AND ServiceId = @ServiceId
  AND GrainTypeString = @GrainTypeString
  AND GrainIdExtensionString IS @GrainIdExtensionString
  AND Version = @GrainStateVersion;

SELECT CASE WHEN changes() > 0 THEN @GrainStateVersion + 1 ELSE @GrainStateVersion END AS NewGrainStateVersion
WHERE @GrainStateVersion IS NOT NULL;

INSERT INTO OrleansStorage
    (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString,
     GrainIdExtensionString, ServiceId, PayloadBinary, ModifiedOn, Version)
SELECT @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
       @GrainIdExtensionString, @ServiceId, @PayloadBinary,
       strftime(''%Y-%m-%dT%H:%M:%fZ'', ''now''), 1
WHERE @GrainStateVersion IS NULL
ON CONFLICT DO NOTHING;

SELECT 1 AS NewGrainStateVersion
WHERE @GrainStateVersion IS NULL AND changes() > 0;
');

-- Read: at most one row (unique index). A cleared row still returns its
-- Version so the grain keeps a valid ETag.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadFromStorageKey', '
SELECT PayloadBinary, Version
FROM OrleansStorage
WHERE GrainIdHash = @GrainIdHash
  AND GrainTypeHash = @GrainTypeHash
  AND GrainIdN0 = @GrainIdN0
  AND GrainIdN1 = @GrainIdN1
  AND ServiceId = @ServiceId
  AND GrainTypeString = @GrainTypeString
  AND GrainIdExtensionString IS @GrainIdExtensionString;
');

-- Clear (default, DeleteStateOnClear = false): keep the row, drop the payload
-- and bump the version. Always exactly one row: the new version, or the
-- caller's own version when it was stale.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ClearStorageKey', '
UPDATE OrleansStorage
SET PayloadBinary = NULL,
    ModifiedOn = strftime(''%Y-%m-%dT%H:%M:%fZ'', ''now''),
    Version = Version + 1
WHERE GrainIdHash = @GrainIdHash
  AND GrainTypeHash = @GrainTypeHash
  AND GrainIdN0 = @GrainIdN0
  AND GrainIdN1 = @GrainIdN1
  AND ServiceId = @ServiceId
  AND GrainTypeString = @GrainTypeString
  AND GrainIdExtensionString IS @GrainIdExtensionString
  AND Version = @GrainStateVersion;

SELECT CASE WHEN changes() > 0 THEN @GrainStateVersion + 1 ELSE @GrainStateVersion END AS NewGrainStateVersion;
');

-- Optional: only used with AdoNetGrainStorageOptions.DeleteStateOnClear = true
-- (10.4.2 reads this key if present and refuses that option without it).
-- Success returns a value different from the caller's version (Orleans then
-- resets the ETag to null, so the next write inserts); stale returns itself.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteStorageKey', '
DELETE FROM OrleansStorage
WHERE GrainIdHash = @GrainIdHash
  AND GrainTypeHash = @GrainTypeHash
  AND GrainIdN0 = @GrainIdN0
  AND GrainIdN1 = @GrainIdN1
  AND ServiceId = @ServiceId
  AND GrainTypeString = @GrainTypeString
  AND GrainIdExtensionString IS @GrainIdExtensionString
  AND Version = @GrainStateVersion;

SELECT CASE WHEN changes() > 0 THEN @GrainStateVersion + 1 ELSE @GrainStateVersion END AS NewGrainStateVersion;
');
