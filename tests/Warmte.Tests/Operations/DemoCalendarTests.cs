using System.Text.Json;
using NodaTime;
using NodaTime.Testing;
using NodaTime.Text;
using Warmte.Silo.Demo;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Operations;

/// <summary>
/// Papercut n: the demo's cash-flow plan started 01-2019 and its work programme ended 06-2023, so on any later today the
/// pre-financing regimes were "finished" years ago and a budget for this year fell outside the plan. The demo's cash
/// story is now dated from the service's today: the plan runs through today in every regime, and tranche 6 still waits.
/// </summary>
public sealed class DemoCalendarTests
{
    [Theory]
    [InlineData(2026, 12, 7)]
    [InlineData(2031, 3, 15)]
    public async Task The_demos_cash_flow_plan_covers_today_in_every_regime(int year, int month, int day)
    {
        var today = new LocalDate(year, month, day);
        await using var server = await WarmteServer.StartAsync(clock: new FakeClock(Instant.FromUtc(year, month, day, 11, 0)));
        var admin = server.Client();
        Assert.True((await admin.Post("api/demo", new { })).Body.GetProperty("loaded").GetBoolean());

        // The work programme (start month + the phases' work months) holds today's month.
        var plan = (await admin.Get("api/projects/wg-terrein/cashflow-plan")).Body.GetProperty("plan");
        var start = YearMonthPattern.Iso.Parse(plan.GetProperty("startMonth").GetString()!).Value;
        var workMonths = plan.GetProperty("phases").EnumerateArray().Sum(p => p.GetProperty("months").GetInt32());
        var thisMonth = today.ToYearMonth();
        Assert.True(start <= thisMonth && thisMonth <= start.PlusMonths(workMonths - 1),
            $"the work programme {start:yyyy-MM} + {workMonths} months does not hold {thisMonth:yyyy-MM}");

        // Every regime's simulation runs through today and is not finished yet (before: Milestones and Bridge "Finished" in 2023).
        var regimes = (await admin.Get("api/projects/wg-terrein/regimes")).Body.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(3, regimes.Count);
        foreach (var regime in regimes)
        {
            var name = regime.GetProperty("regime").GetString();
            var months = regime.GetProperty("months").EnumerateArray().Select(m => m.GetProperty("month").GetString()).ToList();
            Assert.Contains(YearMonthPattern.Iso.Format(thisMonth), months);
            Assert.NotEqual("Finished", regime.GetProperty("outlook").GetProperty("state").GetString());
            Assert.True(regime.GetProperty("summary").GetProperty("completedIn").GetString() is not { } done
                        || string.CompareOrdinal(done, YearMonthPattern.Iso.Format(thisMonth)) > 0, $"{name} completed before today");
        }

        // A budget row for this month fits the plan (the budget import's check): a month total for it is accepted.
        var total = await admin.Put("api/projects/wg-terrein/spending/totals?dryRun=true",
            new { totals = new[] { new { month = YearMonthPattern.Iso.Format(thisMonth), kind = "organisatie", amount = 12_000m } } });
        Assert.Equal(System.Net.HttpStatusCode.OK, total.Status);

        // The tranche story is current too: tranche 6 waits for approval, requested in the last four months.
        var tranches = (await admin.Get("api/projects/wg-terrein/grants")).Body[0].GetProperty("grant").GetProperty("tranches");
        var sixth = tranches[5];
        Assert.Equal("VerantwoordingIngediend", sixth.GetProperty("status").GetString());
        var requested = LocalDatePattern.Iso.Parse(sixth.GetProperty("requestedOn").GetString()!).Value;
        Assert.InRange(Period.Between(requested, today, PeriodUnits.Days).Days, 1, 125);
        // Public facts keep their dates.
        Assert.Equal("2019-12-20", (await admin.Get("api/projects/wg-terrein/grants")).Body[0].GetProperty("grant").GetProperty("decidedOn").GetString());
    }

    [Fact]
    public void The_same_today_gives_the_same_demo_dates()
    {
        var plan = RepoFiles.Read("models", "ketelhuiswg-ontwikkeling.json");
        var today = new LocalDate(2029, 6, 30);
        Assert.Equal(DemoCalendar.WithStart(plan, today), DemoCalendar.WithStart(plan, today));
        Assert.Equal(new LocalDate(2026, 10, 1), DemoCalendar.Story(new LocalDate(2026, 10, 1), new LocalDate(2026, 12, 7)));
        Assert.Equal(new LocalDate(2026, 10, 1), DemoCalendar.Story(new LocalDate(2026, 10, 1), new LocalDate(2025, 3, 1)));
        Assert.Equal(new LocalDate(2029, 3, 1), DemoCalendar.Story(new LocalDate(2026, 10, 1), today));
        using var moved = JsonDocument.Parse(DemoCalendar.WithStart(plan, today));
        Assert.Contains("Demo: het plan begint", moved.RootElement.GetProperty("assumptions").EnumerateArray()
            .Single(a => a.GetProperty("field").GetString() == "startMonth").GetProperty("reasoning").GetString());
    }
}
