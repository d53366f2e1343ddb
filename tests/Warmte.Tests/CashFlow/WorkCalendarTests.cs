using System.Collections.Immutable;
using System.Text.Json.Nodes;
using NodaTime;
using Warmte.CashFlow;
using Warmte.Spreadsheets.Export;
using Warmte.Spreadsheets.Import;

namespace Warmte.Tests.CashFlow;

/// <summary>
/// Budgetframe: the work programme on the cash timeline's calendar, the one calendar the budget import places a budget on.
/// The demo's 54 work months ended 08-2024 when laid on the calendar without stalls, so a board's budget for 2025-2026 was
/// refused as "na het einde van het werkprogramma" while the cash line had the work running (and standing still) until 2028.
/// Every calendar below is worked out by hand from the months given.
/// </summary>
public sealed class WorkCalendarTests
{
    // Six work months from 01-2025; only the start month and the number of work months matter to the calendar.
    private static readonly CashFlowPlan Plan = PlanReaderTests.Read(JsonNode.Parse("""
        { "formatVersion": 1, "name": "Zes maanden", "startMonth": "2025-01",
          "phases": [ {"name":"Ontwerp","months":6,"budget":60000} ],
          "workPlan": [ {"name":"Ontwerp","kind":"design","monthlyCost":10000} ],
          "grant": {"name":"Subsidie","funder":"Gemeente","amount":60000,"tranches":[30000,30000]},
          "leadTimes": {"requestToApprovedMonths":3,"approvedToPaidMonths":1} }
        """)!.AsObject());

    private static readonly YearMonth Today = new(2025, 6);

    private static MonthResult Month(int year, int month, MonthStatus status, int workMonth) => new()
    {
        Month = new YearMonth(year, month), Status = status, WorkMonth = workMonth, Phase = "Ontwerp", Opening = 0m, GrantReceived = 0m,
        BridgeDrawn = 0m, Received = 0m, WorkCost = 0m, StallCost = 0m, RestartCost = 0m, BridgeRepaid = 0m, Spent = 0m, Closing = 0m,
        BridgeInterest = 0m, BridgeOutstanding = 0m, Exposure = 0m, Events = [],
    };

    // The plan simulated from its start up to today: work, work, two months stalled, work, work (4 work months).
    private static readonly MonthResult[] Past =
    [
        Month(2025, 1, MonthStatus.Working, 1), Month(2025, 2, MonthStatus.Working, 2), Month(2025, 3, MonthStatus.Stalled, 3),
        Month(2025, 4, MonthStatus.Stalled, 3), Month(2025, 5, MonthStatus.Working, 3), Month(2025, 6, MonthStatus.Working, 4),
    ];

    private static CashFlowResult Projection(params MonthResult[] months) =>
        CashFlowSimulator.Simulate(Plan, Regime.Tranches) with { Months = [.. months] };

    private static string Shape(WorkCalendar calendar) =>
        string.Join(" ", calendar.Months.Select(m => $"{m.Month.Month:00}:{(m.Working ? "w" : "s")}{m.WorkMonth}"));

    [Fact]
    public void The_past_holds_the_work_months_done_where_the_plans_simulation_worked()
    {
        var calendar = WorkCalendar.From(Plan, Past, done: 4, Today, projection: null);
        Assert.Equal("01:w1 02:w2 03:s3 04:s3 05:w3 06:w4", Shape(calendar));
        Assert.Equal(new Placement(PlacementKind.Standstill, 3, null), calendar.Place(new YearMonth(2025, 4)));
        Assert.Equal(PlacementKind.Work, calendar.Place(new YearMonth(2025, 5)).Kind);
        Assert.Equal(3, calendar.Place(new YearMonth(2025, 5)).WorkMonth);
        Assert.Equal(PlacementKind.BeforeStart, calendar.Place(new YearMonth(2024, 12)).Kind);
    }

    [Fact]
    public void Work_ahead_of_the_simulation_works_in_its_latest_stalled_months_and_work_behind_it_keeps_its_months()
    {
        // 5 done (reported, or estimated from the spending) where the simulation did 4: April, the latest month it stood still, was worked.
        Assert.Equal("01:w1 02:w2 03:s3 04:w3 05:w4 06:w5", Shape(WorkCalendar.From(Plan, Past, done: 5, Today, projection: null)));
        // 3 done: the past stays as simulated (spending booked below the plan would otherwise turn budgeted months into standstill),
        // and the projection does work month 4 again.
        var behind = WorkCalendar.From(Plan, Past, done: 3, Today, Projection(Month(2025, 7, MonthStatus.Working, 4), Month(2025, 8, MonthStatus.Working, 5),
            Month(2025, 9, MonthStatus.Working, 6)));
        Assert.Equal("01:w1 02:w2 03:s3 04:s3 05:w3 06:w4 07:w4 08:w5 09:w6", Shape(behind));
        Assert.Equal(new YearMonth(2025, 6), behind.MonthOf(4));

        // A budget for both months of work month 4 would pay it twice: the later row is refused, saying why and what to do.
        var placed = BudgetImport.WorkPlan([Row(2, 6, WorkKind.Design, 10_000m), Row(3, 7, WorkKind.Design, 10_000m), Row(4, 8, WorkKind.Design, 10_000m)], behind);
        var problem = Assert.Single(placed.Problems);
        Assert.Equal(3, problem.Row);
        Assert.StartsWith("07-2025 is volgens de kaslijn opnieuw werkmaand 4, die al in 06-2025 viel (rij 2)", problem.Reason);
        Assert.Equal([(4, 5)], placed.Packages.Select(p => (p.Entry.FromMonth, p.Entry.ToMonth!.Value)));
    }

    [Fact]
    public void After_today_the_projection_places_the_work_with_its_stalls_and_the_end_is_the_last_work_months_month()
    {
        var calendar = WorkCalendar.From(Plan, Past, done: 4, Today, Projection(
            Month(2025, 7, MonthStatus.Stalled, 5), Month(2025, 8, MonthStatus.Waiting, 5),
            Month(2025, 9, MonthStatus.Working, 5), Month(2025, 10, MonthStatus.Working, 6)));
        Assert.Equal("01:w1 02:w2 03:s3 04:s3 05:w3 06:w4 07:s5 08:s5 09:w5 10:w6", Shape(calendar));
        Assert.Equal(new YearMonth(2025, 10), calendar.LastWorkMonth);
        Assert.Equal(new YearMonth(2025, 9), calendar.MonthOf(5));
        // Without the stalls the sixth work month would have been 06-2025.
        Assert.Equal(new Placement(PlacementKind.AfterEnd, 6, new YearMonth(2025, 10)), calendar.Place(new YearMonth(2025, 11)));
        Assert.Equal(PlacementKind.Standstill, calendar.Place(new YearMonth(2025, 8)).Kind);
    }

    [Fact]
    public void A_line_that_ends_with_the_work_unfinished_goes_on_with_the_remaining_work_months_marked_unfunded()
    {
        // review19 #2: the line stops at "stalled, no money coming"; the calendar used to stop there too, so the budget rows after it
        // were refused and the export dropped them. Work months 5 and 6 now follow the line's last month (08-2025), one a month.
        var calendar = WorkCalendar.From(Plan, Past, done: 4, Today, Projection(Month(2025, 7, MonthStatus.Stalled, 5), Month(2025, 8, MonthStatus.Stalled, 5)));
        Assert.Equal("01:w1 02:w2 03:s3 04:s3 05:w3 06:w4 07:s5 08:s5 09:w5 10:w6", Shape(calendar));
        Assert.Equal([new YearMonth(2025, 9), new YearMonth(2025, 10)], calendar.Months.Where(m => m.Unfunded).Select(m => m.Month));
        Assert.Equal(new YearMonth(2025, 10), calendar.LastWorkMonth);
        Assert.Equal(new Placement(PlacementKind.Work, 5, new YearMonth(2025, 10), Unfunded: true), calendar.Place(new YearMonth(2025, 9)));
        Assert.Equal(PlacementKind.AfterEnd, calendar.Place(new YearMonth(2026, 1)).Kind);

        // The rows there are placed and named in one warning: in the plan, without money.
        var placed = BudgetImport.WorkPlan([Row(2, 6, WorkKind.Design, 10_000m), Row(3, 9, WorkKind.Design, 10_000m), Row(4, 10, WorkKind.Design, 10_000m)], calendar);
        Assert.Empty(placed.Problems);
        Assert.Equal([(4, 6)], placed.Packages.Select(p => (p.Entry.FromMonth!.Value, p.Entry.ToMonth!.Value)));
        var warning = Assert.Single(placed.Warnings);
        Assert.Equal([3, 4], warning.Rows.ToArray());
        Assert.StartsWith("09-2025 t/m 10-2025: na 08-2025, de laatste maand van de kaslijn, komt er volgens de kaslijn geen geld meer", warning.Text);
    }

    [Fact]
    public void An_unchanged_export_of_an_under_funded_plan_imports_as_the_same_work_plan()
    {
        // Six months of 10.000 and 30.000 of subsidy in one tranche: the money runs out halfway and no more comes. The work plan is
        // written as an import stores it (explicit work months), so "the same" is the import's own comparison.
        var json = JsonNode.Parse("""
            { "formatVersion": 1, "name": "Te weinig geld", "startMonth": "2025-01",
              "phases": [ {"name":"Ontwerp","months":6,"budget":60000} ],
              "workPlan": [ {"name":"Ontwerp","kind":"design","monthlyCost":10000,"fromMonth":1,"toMonth":6,"runsDuringStall":false} ],
              "grant": {"name":"Subsidie","funder":"Gemeente","amount":30000,"tranches":[30000]},
              "leadTimes": {"requestToApprovedMonths":3,"approvedToPaidMonths":1} }
            """)!.AsObject();
        var plan = PlanReaderTests.Read(json);
        var line = CashFlowSimulator.Simulate(plan, Regime.Tranches);
        Assert.True(line.Months.Count(m => m.Status == MonthStatus.Working) < 6, "the plan must run out of money before its sixth work month");
        var calendar = WorkCalendar.From(plan, [], 0, plan.StartMonth.PlusMonths(-1), line);

        var rows = BudgetSheet.Lines(plan, [], calendar);
        Assert.Equal(6, rows.Count(r => r.Planned == 10_000m));
        var placed = BudgetImport.WorkPlan([.. rows.Select((r, i) => new ImportedRow<BudgetRow>(i + 2, r))], calendar);
        Assert.Empty(placed.Problems);
        Assert.True(BudgetImport.SameWorkPlan(BudgetImport.Frame(json.ToJsonString()).Value.WorkPlan, placed.Packages));
        Assert.Equal(60_000m, placed.Packages.Sum(p => p.Entry.MonthlyCost!.Value * (p.Entry.ToMonth!.Value - p.Entry.FromMonth!.Value + 1)));
    }

    private static ImportedRow<BudgetRow> Row(int row, int month, WorkKind kind, decimal planned, decimal? actual = null) =>
        new(row, new BudgetRow(new YearMonth(2025, month), kind, planned, actual, BudgetImport.RunsDuringStallByDefault(kind), null));

    [Fact]
    public void A_budget_is_placed_on_the_calendar_a_standstill_month_is_a_warning_and_a_month_after_the_end_names_the_last_work_month()
    {
        var calendar = WorkCalendar.From(Plan, Past, done: 4, Today, Projection(
            Month(2025, 7, MonthStatus.Stalled, 5), Month(2025, 8, MonthStatus.Stalled, 5),
            Month(2025, 9, MonthStatus.Working, 5), Month(2025, 10, MonthStatus.Working, 6)));
        var placed = BudgetImport.WorkPlan(
        [
            Row(2, 5, WorkKind.Design, 10_000m), Row(3, 6, WorkKind.Design, 10_000m), Row(4, 9, WorkKind.Design, 10_000m),
            Row(5, 7, WorkKind.Organisation, 2_000m), Row(6, 8, WorkKind.Organisation, 2_000m, actual: 1_950m),
            Row(7, 3, WorkKind.Organisation, 2_000m), Row(8, 11, WorkKind.Design, 10_000m),
        ], calendar);

        // 05-2025, 06-2025 and 09-2025 are work months 3, 4 and 5: one package (consecutive work months, same amount).
        var package = Assert.Single(placed.Packages);
        Assert.Equal((3, 5, 10_000m), (package.Entry.FromMonth, package.Entry.ToMonth!.Value, package.Entry.MonthlyCost));
        Assert.Equal([2, 3, 4], package.Rows.ToArray());

        // 11-2025 is after the sixth work month, which the line has in 10-2025 (not 06-2025, where it would fall without stalls).
        var problem = Assert.Single(placed.Problems);
        Assert.Equal((8, "month"), (problem.Row, problem.Field));
        Assert.StartsWith("11-2025 ligt na het einde van het werkprogramma (6 werkmaanden, t/m 10-2025 volgens de kaslijn", problem.Reason);

        // Standing still: 03-2025 (past: "stond") and 07-2025 t/m 08-2025 (forecast: "staat"), one warning per stretch, rows named.
        Assert.Equal(2, placed.Warnings.Length);
        Assert.Equal([7], placed.Warnings[0].Rows.ToArray());
        Assert.StartsWith("03-2025: volgens de kaslijn stond het werk dan stil (het wacht op werkmaand 3 van 6); de Begroot (€ 2.000,00) gaat niet in het werkplan.",
            placed.Warnings[0].Text);
        Assert.Equal([5, 6], placed.Warnings[1].Rows.ToArray());
        Assert.StartsWith("07-2025 t/m 08-2025: volgens de kaslijn staat het werk dan stil (het wacht op werkmaand 5 van 6); de Begroot (€ 4.000,00)",
            placed.Warnings[1].Text);
    }

    [Fact]
    public void Without_stalls_the_calendar_is_the_start_month_plus_the_work_month()
    {
        var straight = WorkCalendar.Straight(new YearMonth(2020, 3), 54);
        Assert.Equal(new YearMonth(2024, 8), straight.LastWorkMonth);
        Assert.Equal(new Placement(PlacementKind.Work, 12, new YearMonth(2024, 8)), straight.Place(new YearMonth(2021, 2)));
        Assert.Equal(PlacementKind.AfterEnd, straight.Place(new YearMonth(2025, 1)).Kind);
        var (_, problems) = BudgetImport.WorkPlan([Row(2, 1, WorkKind.Design, 1m)], new YearMonth(2020, 3), 54);
        Assert.Equal("01-2025 ligt na het einde van het werkprogramma (54 werkmaanden, t/m 08-2024); verleng eerst de fasen van het plan.", Assert.Single(problems).Reason);
    }
}
