-- Warmtenet: Orleans ADO.NET grain storage for PostgreSQL (invariant "Npgsql").
-- Written against Microsoft.Orleans.Persistence.AdoNet 10.4.2.
--
-- Contract (what the 10.4.2 provider binds and reads):
--   parameters : GrainIdHash int, GrainIdN0 bigint, GrainIdN1 bigint, GrainTypeHash int,
--                GrainTypeString text, GrainIdExtensionString text (nullable),
--                ServiceId text, GrainStateVersion int (nullable), PayloadBinary bytea (write only)
--   results    : read  -> columns PayloadBinary, Version (read by name)
--                write -> one column NewGrainStateVersion
--                clear/delete -> first column of the single row is the new version
--   A conflict is signalled by returning the caller's own version (or NULL).
--   Returning *no row* when the caller had a version would be read as success,
--   so the write/clear/delete queries always return exactly one row.
--
-- Query texts are dollar-quoted so they need no quote doubling. They carry no
-- comments, so Npgsql's placeholder rewriting only ever sees plain SQL.

-- Orleans reads its SQL from this table at start-up (the name and the two
-- column names are hard-coded in the providers). Clustering and reminders
-- (0002, 0003) add their rows to the same table.
CREATE TABLE OrleansQuery
(
    QueryKey  varchar(64) NOT NULL,
    QueryText text        NOT NULL,
    CONSTRAINT PK_OrleansQuery PRIMARY KEY (QueryKey)
);

-- One row per (service, grain type, grain id). The two hash columns come first
-- so lookups stay narrow; the natural key columns follow so that hash
-- collisions are resolved and, being UNIQUE, so that a grain can never end up
-- with two rows (a second row would make every later write ambiguous).
-- NULL extension strings are distinct in a plain unique index, hence the
-- COALESCE plus the IS NULL flag ('' and NULL stay different keys).
CREATE TABLE OrleansStorage
(
    GrainIdHash            integer      NOT NULL,
    GrainIdN0              bigint       NOT NULL,
    GrainIdN1              bigint       NOT NULL,
    GrainTypeHash          integer      NOT NULL,
    GrainTypeString        varchar(512) NOT NULL,
    GrainIdExtensionString varchar(512) NULL,
    ServiceId              varchar(150) NOT NULL,
    PayloadBinary          bytea        NULL,
    ModifiedOn             timestamptz  NOT NULL DEFAULT now(),
    Version                integer      NOT NULL
);

CREATE UNIQUE INDEX UX_OrleansStorage_Grain ON OrleansStorage
(
    GrainIdHash,
    GrainTypeHash,
    GrainIdN0,
    GrainIdN1,
    ServiceId,
    GrainTypeString,
    (GrainIdExtensionString IS NULL),
    (COALESCE(GrainIdExtensionString, ''))
);

-- Write = optimistic update or first insert, in one statement (atomic without
-- a function or an explicit transaction):
--   * known version  -> UPDATE only the row still at that version; the new
--     version comes back. If another writer got there first, nothing matches
--     and the caller's own version is returned -> InconsistentStateException.
--   * no version yet -> INSERT version 1. If the row already exists the
--     unique index makes ON CONFLICT skip it and NULL is returned, which
--     Orleans also treats as a conflict.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('WriteToStorageKey', $q$
WITH updated AS (
    UPDATE OrleansStorage
    SET PayloadBinary = @PayloadBinary,
        ModifiedOn = now(),
        Version = Version + 1
    WHERE GrainIdHash = @GrainIdHash
      AND GrainTypeHash = @GrainTypeHash
      AND GrainIdN0 = @GrainIdN0
      AND GrainIdN1 = @GrainIdN1
      AND ServiceId = @ServiceId
      AND GrainTypeString = @GrainTypeString
      AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
      AND Version = @GrainStateVersion
    RETURNING Version
), inserted AS (
    INSERT INTO OrleansStorage
        (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString,
         GrainIdExtensionString, ServiceId, PayloadBinary, ModifiedOn, Version)
    SELECT @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
           @GrainIdExtensionString, @ServiceId, @PayloadBinary, now(), 1
    WHERE @GrainStateVersion IS NULL
    ON CONFLICT DO NOTHING
    RETURNING Version
)
SELECT COALESCE((SELECT Version FROM updated),
                (SELECT Version FROM inserted),
                @GrainStateVersion) AS NewGrainStateVersion;
$q$);

-- Read: at most one row thanks to the unique index. A row whose payload was
-- cleared still returns its Version, so the grain keeps a valid ETag.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadFromStorageKey', $q$
SELECT PayloadBinary, Version
FROM OrleansStorage
WHERE GrainIdHash = @GrainIdHash
  AND GrainTypeHash = @GrainTypeHash
  AND GrainIdN0 = @GrainIdN0
  AND GrainIdN1 = @GrainIdN1
  AND ServiceId = @ServiceId
  AND GrainTypeString = @GrainTypeString
  AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString;
$q$);

-- Clear (default, DeleteStateOnClear = false): keep the row, drop the payload
-- and bump the version, so a stale activation cannot resurrect old state.
-- Stale version -> the caller's own version comes back -> conflict.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ClearStorageKey', $q$
WITH cleared AS (
    UPDATE OrleansStorage
    SET PayloadBinary = NULL,
        ModifiedOn = now(),
        Version = Version + 1
    WHERE GrainIdHash = @GrainIdHash
      AND GrainTypeHash = @GrainTypeHash
      AND GrainIdN0 = @GrainIdN0
      AND GrainIdN1 = @GrainIdN1
      AND ServiceId = @ServiceId
      AND GrainTypeString = @GrainTypeString
      AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
      AND Version = @GrainStateVersion
    RETURNING Version
)
SELECT COALESCE((SELECT Version FROM cleared), @GrainStateVersion) AS NewGrainStateVersion;
$q$);

-- Optional: only used when AdoNetGrainStorageOptions.DeleteStateOnClear = true
-- (10.4.2 reads this key if present and refuses that option without it).
-- Removes the row when the version still matches. Success must return
-- something other than the caller's version (Orleans then resets the ETag to
-- null, so the next write inserts); a stale version returns itself.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteStorageKey', $q$
WITH deleted AS (
    DELETE FROM OrleansStorage
    WHERE GrainIdHash = @GrainIdHash
      AND GrainTypeHash = @GrainTypeHash
      AND GrainIdN0 = @GrainIdN0
      AND GrainIdN1 = @GrainIdN1
      AND ServiceId = @ServiceId
      AND GrainTypeString = @GrainTypeString
      AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
      AND Version = @GrainStateVersion
    RETURNING Version
)
SELECT COALESCE((SELECT Version + 1 FROM deleted), @GrainStateVersion) AS NewGrainStateVersion;
$q$);
