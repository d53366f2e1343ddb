using System.Text.Json;
using NodaTime;
using NodaTime.Testing;
using NodaTime.Text;
using Warmte.CashFlow;
using Warmte.Silo.Demo;
using Warmte.Spreadsheets.Import;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Operations;

/// <summary>
/// The demo's cash story on one calendar. Papercut n dated the demo's plan from today (start = today − 42 months) so it
/// would not look stale; that put the plan and the PAW tranche history on different calendars (democal): the plan had 3
/// tranches paid by 12-2026, the history 5, and the cash chart showed the actual line € 2 mln above the plan. The plan
/// now starts in the month the first tranche was paid; the tranche history still moves with today, so tranche 6 waits.
/// </summary>
public sealed class DemoCalendarTests
{
    [Theory]
    [InlineData(2026, 12, 7)]
    [InlineData(2031, 3, 15)]
    public async Task The_demos_plan_starts_with_the_first_tranche_and_its_what_ifs_are_history(int year, int month, int day)
    {
        var today = new LocalDate(year, month, day);
        await using var server = await WarmteServer.StartAsync(clock: new FakeClock(Instant.FromUtc(year, month, day, 11, 0)));
        var admin = server.Client();
        Assert.True((await admin.Post("api/demo", new { })).Body.GetProperty("loaded").GetBoolean());

        // The tranche story is current: tranches 1-5 paid, tranche 6 waits for approval, requested in the last four months.
        var grant = (await admin.Get("api/projects/wg-terrein/grants")).Body[0].GetProperty("grant");
        var tranches = grant.GetProperty("tranches");
        var paid = Enumerable.Range(0, 5).Select(i => LocalDatePattern.Iso.Parse(tranches[i].GetProperty("paidOn").GetString()!).Value).ToList();
        var sixth = tranches[5];
        Assert.Equal("VerantwoordingIngediend", sixth.GetProperty("status").GetString());
        var requested = LocalDatePattern.Iso.Parse(sixth.GetProperty("requestedOn").GetString()!).Value;
        Assert.InRange(Period.Between(requested, today, PeriodUnits.Days).Days, 1, 125);
        // Public facts keep their dates.
        Assert.Equal("2019-12-20", grant.GetProperty("decidedOn").GetString());

        // The plan starts in the month the money started: the first tranche's payment.
        var planBody = (await admin.Get("api/projects/wg-terrein/cashflow-plan")).Body.GetProperty("plan");
        var start = YearMonthPattern.Iso.Parse(planBody.GetProperty("startMonth").GetString()!).Value;
        Assert.Equal(paid[0].ToYearMonth(), start);
        var workMonths = planBody.GetProperty("phases").EnumerateArray().Sum(p => p.GetProperty("months").GetInt32());
        var lastWorkMonth = start.PlusMonths(workMonths - 1);
        var thisMonth = today.ToYearMonth();

        // What a board reading the demo sees: the what-ifs are history. Pre-financing per phase (Milestones) never stalls,
        // so it would have finished the 54 work months in the programme's last month, years before today; the bridge loan
        // too, and no later. Only the tranche regime, the one that really ran, is not done today: tranche 6 is still waited for.
        var regimes = (await admin.Get("api/projects/wg-terrein/regimes")).Body.GetProperty("results").EnumerateArray()
            .ToDictionary(r => r.GetProperty("regime").GetString()!);
        Assert.Equal(new[] { "Bridge", "Milestones", "Tranches" }, regimes.Keys.Order(StringComparer.Ordinal).ToArray());
        YearMonth? Completed(string regime) => regimes[regime].GetProperty("summary").GetProperty("completedIn").GetString() is { } done
            ? YearMonthPattern.Iso.Parse(done).Value : null;
        Assert.Equal(lastWorkMonth, Completed("Milestones"));
        Assert.Equal("Finished", regimes["Milestones"].GetProperty("outlook").GetProperty("state").GetString());
        Assert.True(Completed("Bridge") is { } bridgeDone && bridgeDone >= lastWorkMonth && bridgeDone < thisMonth, $"Bridge completed in {Completed("Bridge")}");
        Assert.Equal("Finished", regimes["Bridge"].GetProperty("outlook").GetProperty("state").GetString());
        Assert.True(Completed("Tranches") is not { } tranchesDone || tranchesDone > thisMonth, $"Tranches completed in {Completed("Tranches")}");
        Assert.NotEqual("Finished", regimes["Tranches"].GetProperty("outlook").GetProperty("state").GetString());

        // The budget import places a budget on the plan's calendar: its frame is the stored plan's, so a budget row for the
        // month of the first payment is work month 1, one for the month before is refused as before the plan's start.
        var frame = BudgetImport.Frame(planBody.GetRawText());
        Assert.True(frame.IsOk);
        Assert.Equal(start, frame.Value.Start);
        Assert.Equal(workMonths, frame.Value.WorkMonths);
        var (packages, problems) = BudgetImport.WorkPlan(
        [
            new ImportedRow<BudgetRow>(2, new BudgetRow(paid[0].ToYearMonth(), WorkKind.Design, 75_000m, null, false, "Ontwerp")),
            new ImportedRow<BudgetRow>(3, new BudgetRow(paid[0].ToYearMonth().PlusMonths(-1), WorkKind.Design, 75_000m, null, false, "Ontwerp")),
        ], frame.Value.Start, frame.Value.WorkMonths);
        Assert.Equal(1, Assert.Single(packages).Entry.FromMonth);
        var problem = Assert.Single(problems);
        Assert.Equal(3, problem.Row);
        Assert.Contains("vóór de start van het kasstroomplan", problem.Reason);

        // Actual spending for this month is still accepted (the budget import's check of month totals before it sends).
        var total = await admin.Put("api/projects/wg-terrein/spending/totals?dryRun=true",
            new { totals = new[] { new { month = YearMonthPattern.Iso.Format(thisMonth), kind = "organisatie", amount = 12_000m } } });
        Assert.Equal(System.Net.HttpStatusCode.OK, total.Status);
    }

    [Fact]
    public void The_same_today_gives_the_same_demo_dates()
    {
        var plan = RepoFiles.Read("models", "ketelhuiswg-ontwikkeling.json");
        var today = new LocalDate(2029, 6, 30);
        Assert.Equal(DemoCalendar.WithStart(plan, today), DemoCalendar.WithStart(plan, today));
        Assert.Equal(new LocalDate(2026, 10, 1), DemoCalendar.Story(new LocalDate(2026, 10, 1), new LocalDate(2026, 12, 7)));
        Assert.Equal(new LocalDate(2026, 10, 1), DemoCalendar.Story(new LocalDate(2026, 10, 1), new LocalDate(2025, 3, 1)));
        // 29 months after the story's 01-2027, every date of the story is 29 months later: the plan's start too.
        Assert.Equal(new LocalDate(2029, 3, 1), DemoCalendar.Story(new LocalDate(2026, 10, 1), today));
        using var moved = JsonDocument.Parse(DemoCalendar.WithStart(plan, today));
        Assert.Equal("2022-08", moved.RootElement.GetProperty("startMonth").GetString());
        Assert.Equal("2020-03", JsonDocument.Parse(DemoCalendar.WithStart(plan, new LocalDate(2026, 12, 7))).RootElement.GetProperty("startMonth").GetString());
        Assert.Contains("de maand waarin de eerste PAW-tranche werd uitbetaald", moved.RootElement.GetProperty("assumptions").EnumerateArray()
            .Single(a => a.GetProperty("field").GetString() == "startMonth").GetProperty("reasoning").GetString());
    }
}

/// <summary>
/// Democal: the demo's cash chart (cash page) draws the plan's simulated line and, from the cash timeline, the actual line.
/// With the plan and the tranche history on different calendars the actual line ran € 2 mln above the plan in 12-2026.
/// </summary>
public sealed class DemoCashChartTests
{
    [Fact]
    public async Task The_demos_cash_chart_draws_the_actual_line_on_the_plans_line()
    {
        await using var server = await WarmteServer.StartAsync(clock: new FakeClock(Instant.FromUtc(2026, 12, 7, 11, 0)));
        var admin = server.Client();
        Assert.True((await admin.Post("api/demo", new { })).Body.GetProperty("loaded").GetBoolean());

        var plan = (await admin.Get("api/projects/wg-terrein/cashflow")).Body.GetProperty("months").EnumerateArray()
            .ToDictionary(m => m.GetProperty("month").GetString()!, m => (Closing: m.GetProperty("closing").GetDecimal(), Received: m.GetProperty("grantReceived").GetDecimal()));
        var actual = (await admin.Get("api/projects/wg-terrein/cash-timeline")).Body.GetProperty("actual").GetProperty("months").EnumerateArray()
            .Select(m => (Month: m.GetProperty("month").GetString()!, Closing: m.GetProperty("closing").GetDecimal(), Received: m.GetProperty("received").GetDecimal()))
            .ToList();
        var tranche = (await admin.Get("api/projects/wg-terrein/grants")).Body[0].GetProperty("grant").GetProperty("tranches")[0].GetProperty("paidAmount").GetDecimal();

        // The chart's months up to today: the plan's line holds all of them.
        var booked = actual.Where(m => plan.ContainsKey(m.Month)).ToList();
        Assert.Equal(actual.Count, booked.Count);
        Assert.Equal("2026-12", booked[^1].Month);
        // Nothing is booked in the demo, so the actual line counts the plan's spending for every month: with the same tranches
        // received, both lines hold the same euros, and the tolerance is rounding only (€ 1). A paid tranche may land within a
        // month of the plan's simulated payment: then, and only in that month, the lines differ by exactly that tranche.
        const decimal Tolerance = 1m;
        decimal planReceived = 0m, actualReceived = 0m;
        var offByATranche = new List<string>();
        foreach (var m in booked)
        {
            planReceived += plan[m.Month].Received;
            actualReceived += m.Received;
            var gap = m.Closing - plan[m.Month].Closing;
            Assert.True(Math.Abs(gap - (actualReceived - planReceived)) <= Tolerance, $"{m.Month}: actual {m.Closing}, plan {plan[m.Month].Closing}");
            if (actualReceived == planReceived) continue;
            Assert.Equal(tranche, Math.Abs(actualReceived - planReceived));
            offByATranche.Add(m.Month);
        }
        // Never two months in a row (a payment more than a month from the plan's), at most one month per paid tranche (5).
        Assert.True(offByATranche.Count <= 5, string.Join(", ", offByATranche));
        Assert.DoesNotContain(offByATranche, m => offByATranche.Contains(YearMonthPattern.Iso.Format(YearMonthPattern.Iso.Parse(m).Value.PlusMonths(1))));
        // Today the lines meet (before: € 2.331.000 actual against € 331.000 planned), and the actual line never went below zero
        // (before tranche 5 moved to 03-2026 it dipped in 04-2026).
        Assert.True(Math.Abs(booked[^1].Closing - plan["2026-12"].Closing) <= Tolerance, $"12-2026: actual {booked[^1].Closing}, plan {plan["2026-12"].Closing}");
        Assert.All(booked, m => Assert.True(m.Closing >= 0m, $"{m.Month}: {m.Closing}"));
    }
}
