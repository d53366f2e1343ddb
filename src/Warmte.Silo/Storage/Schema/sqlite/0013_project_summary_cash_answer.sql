-- The cash outlook became one answer per project (docs/cashflow-plan.md, "One answer: how long the
-- money lasts"): from the recorded tranches and spending once there are any, no longer always the
-- plan's simulation. Summary rows computed by the release before hold the old outlook, so every row
-- is marked stale (a read recomputes a stale row, never answers it) and the start-up step
-- 'project-summaries-built' is forgotten, so the first start recomputes them in the background.
UPDATE warmte_project_summary SET computed = -1;
DELETE FROM warmte_startup_step WHERE name = 'project-summaries-built';
