-- The funder index said "indexed" with a flag (funders_indexed = 1). A build that knows nothing of
-- the index (an older release started on this database, which the migrator allows with a warning)
-- rewrites a summary row without touching the flag or the funder rows, so a grant of a new funder
-- added meanwhile left the row looking indexed with the old funders, and that funder's portfolio
-- left the project out (found in review, 6-12-2026). funders_indexed now holds computed + 1 of the
-- summary whose funders the funder rows hold (0: not indexed): a rewrite by any other build moves
-- computed and the row is read by every funder again until this build indexes it. Every row is
-- set to 0 here; the start-up step (ProjectSummaryStartup.IndexFundersAsync) indexes them again
-- from their stored bytes, without activating a grain.
UPDATE warmte_project_summary SET funders_indexed = 0;
DROP INDEX ix_warmte_project_summary_unsettled;
CREATE INDEX ix_warmte_project_summary_unsettled ON warmte_project_summary (project_id)
    WHERE changes <> computed OR funders_indexed <> computed + 1;
