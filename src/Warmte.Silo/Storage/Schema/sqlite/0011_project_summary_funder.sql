-- Which funders a project's summary concerns (docs/storage.md, "Project summaries"), so a financier's
-- portfolio reads only that funder's rows instead of every project's. One row per (funder, project):
-- the distinct funder ids (Grant.FunderId, compared byte for byte, as the portfolio does) of the
-- project's grants in its stored summary. Written with the summary, in its transaction
-- (WriteProjectSummaryAsync); funders_indexed = 1 says the funder rows belong to the summary row.
-- Rows that are stale (changes <> computed) or not indexed (funders_indexed = 0: every row at this
-- upgrade, a placeholder) are read by every portfolio through the partial index below and filtered
-- in memory as before, so an answer never depends on the funder rows being complete. Existing rows
-- are indexed after the first start from their stored bytes, without activating a grain
-- (ProjectSummaryStartup); until then the portfolio reads them as before.
ALTER TABLE warmte_project_summary ADD COLUMN funders_indexed INTEGER NOT NULL DEFAULT 0;
CREATE TABLE warmte_project_summary_funder (
    funder     TEXT NOT NULL,
    project_id TEXT NOT NULL,
    PRIMARY KEY (funder, project_id)
) WITHOUT ROWID;
CREATE INDEX ix_warmte_project_summary_funder_project ON warmte_project_summary_funder (project_id);
CREATE INDEX ix_warmte_project_summary_unsettled ON warmte_project_summary (project_id)
    WHERE changes <> computed OR funders_indexed = 0;
