-- The runway became a number only when money runs out (docs/cashflow-plan.md; Outlook.RunwayMonths is
-- null when the money lasts to the end of the work, with MoneyLastsUntil the month the work is done).
-- Summary rows computed by the release before hold the outlook in Orleans' binary form with the old
-- meaning (the months to the end of the work; 0 for a finished project), which the nullable field
-- reads as a number: the portfolio would show "nog 53 maanden" where the money lasts. So every row is
-- marked stale (a read recomputes a stale row, never answers it) and the start-up step
-- 'project-summaries-built' is forgotten, so the first start recomputes them in the background.
UPDATE warmte_project_summary SET computed = -1;
DELETE FROM warmte_startup_step WHERE name = 'project-summaries-built';
