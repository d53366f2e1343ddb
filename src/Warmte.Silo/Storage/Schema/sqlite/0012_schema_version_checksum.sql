-- Warmtenet: the checksum (SHA-256 of the text, LF line ends) of each schema script beside its number and
-- file name. The migrator refuses to start when a number was recorded under another file name or with
-- other text (a database migrated by another build); rows recorded before this column are accepted by
-- name and backfilled (SchemaMigrator, docs/operations.md "Schema versions").
ALTER TABLE warmte_schema_version ADD COLUMN checksum TEXT;
