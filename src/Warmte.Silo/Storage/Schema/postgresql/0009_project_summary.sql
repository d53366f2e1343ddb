-- Read model of the wide views (docs/storage.md, "Project summaries"): per project the figures the
-- umbrella comparison and the financier's portfolio show, as of one day (as_of, ISO date), so that
-- those views read every project in one query instead of activating four grains per project.
-- changes counts the commits that concern the project: the journal's commit path adds one in the
-- same transaction (grains keyed by the project; an ALV commit for every project of the
-- cooperative), inserting a placeholder row when there is none. computed is the value of changes
-- the summary was computed against: the row is current when computed = changes and as_of is today.
-- A read recomputes any other row through the project's summary grain. Derived data only:
-- deleting every row loses nothing.
CREATE TABLE warmte_project_summary (
    project_id     text     NOT NULL PRIMARY KEY,
    cooperative_id text     NOT NULL,
    as_of          text     NOT NULL,
    changes        bigint   NOT NULL,
    computed       bigint   NOT NULL,
    summary        jsonb    NOT NULL,
    updated_at     text     NOT NULL
);
CREATE INDEX ix_warmte_project_summary_cooperative ON warmte_project_summary (cooperative_id);
