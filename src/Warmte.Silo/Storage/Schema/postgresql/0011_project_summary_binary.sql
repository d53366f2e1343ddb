-- The project summaries (docs/storage.md, "Project summaries") in a compact binary form: summary
-- holds the row (ProjectSummaryRow) in Orleans' binary serialisation, the same version-tolerant
-- codecs that carry it between grains, so a wide read decodes 1,000 rows in milliseconds instead of
-- parsing 1 MB of JSON with NodaTime's converters. An empty summary is a placeholder (the commit
-- path's, before any summary was computed); a row that does not decode counts as missing.
-- The rows of the release before (jsonb) are not converted: the table is derived data, so it is
-- recreated empty and the start-up step 'project-summaries-built' is forgotten, which makes the
-- first start of this release compute every project's row once (ProjectSummaryStartup).
DROP TABLE warmte_project_summary;
CREATE TABLE warmte_project_summary (
    project_id     text     NOT NULL PRIMARY KEY,
    cooperative_id text     NOT NULL,
    as_of          text     NOT NULL,
    changes        bigint   NOT NULL,
    computed       bigint   NOT NULL,
    summary        bytea    NOT NULL,
    updated_at     text     NOT NULL
);
CREATE INDEX ix_warmte_project_summary_cooperative ON warmte_project_summary (cooperative_id);
DELETE FROM warmte_startup_step WHERE name = 'project-summaries-built';
