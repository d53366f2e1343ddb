-- The portfolio says when a project's cash goes below zero (Outlook.CashShortFrom, Shortfall, ShortfallMonth:
-- docs/cashflow-plan.md). Summary rows computed before those fields existed hold outlooks that read them as
-- null, which means "the cash stays above zero": the portfolio would show no shortage for a project that
-- runs short. Such rows also lack the stamp SummaryCalendar.OutlookVersion, so a read never answers them
-- (ProjectSummaryRow.Covers); here every row is marked stale and the start-up step 'project-summaries-built'
-- forgotten, so the first start recomputes them in the background and no read waits on many of them.
UPDATE warmte_project_summary SET computed = -1;
DELETE FROM warmte_startup_step WHERE name = 'project-summaries-built';
