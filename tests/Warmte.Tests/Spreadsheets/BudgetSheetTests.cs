using NodaTime;
using Warmte.CashFlow;
using Warmte.Spreadsheets.Export;

namespace Warmte.Tests.Spreadsheets;

/// <summary>The export's "Begroting" rows: the plan per calendar month and category, the booked spending beside it.</summary>
public sealed class BudgetSheetTests
{
    private static readonly CashFlowPlan Plan = PlanReader.Read("""
        {
          "formatVersion": 1, "name": "Proef", "startMonth": "2026-01",
          "phases": [ { "name": "Ontwerp", "months": 3, "budget": 30000 } ],
          "workPlan": [
            { "name": "Ontwerpbureau", "kind": "design", "monthlyCost": 8000, "fromMonth": 2, "toMonth": 3 },
            { "name": "Projectleiding", "kind": "organisation", "monthlyCost": 2000, "runsDuringStall": true }
          ],
          "grant": { "name": "PAW", "funder": "Rijk", "amount": 30000, "trancheSize": 30000 },
          "leadTimes": { "requestToApprovedMonths": 1, "approvedToPaidMonths": 1 }
        }
        """).Value!;

    private static SpendingBooking Booked(int month, WorkKind kind, decimal amount) => new()
    {
        Id = Guid.NewGuid().ToString("N"), Month = new YearMonth(2026, month), Kind = kind, Amount = amount, BookedBy = "bestuur", BookedAt = Instant.FromUtc(2026, 6, 1, 0, 0),
    };

    /// <summary>The spending per month and kind as the cash plan folds it from these bookings' journal rows.</summary>
    private static IEnumerable<MonthKindSpending> Spent(params SpendingBooking[] bookings) =>
        SpendingLedger.ByKind(bookings.Select(b => new SpendingFact(SpendingChange.Booked, b)));

    [Fact]
    public void Planned_months_are_calendar_months_and_spending_joins_the_row_of_its_month_and_category()
    {
        var lines = BudgetSheet.Lines(Plan, Spent(Booked(2, WorkKind.Design, 7_500m), Booked(2, WorkKind.Design, 250m), Booked(1, WorkKind.Advisers, 900m)));

        // January: organisation (planned) and advisers (booked only); February and March: design and organisation.
        Assert.Equal(6, lines.Length);
        var februaryDesign = Assert.Single(lines, l => l.Month == new YearMonth(2026, 2) && l.Kind == WorkKind.Design);
        Assert.Equal((8_000m, 7_750m, "Ontwerpbureau", false), (februaryDesign.Planned, februaryDesign.Actual, februaryDesign.Name, februaryDesign.RunsDuringStall));
        var advisers = Assert.Single(lines, l => l.Kind == WorkKind.Advisers);
        Assert.Equal((new YearMonth(2026, 1), (decimal?)null, 900m), (advisers.Month, advisers.Planned, advisers.Actual));
        Assert.All(lines.Where(l => l.Kind == WorkKind.Organisation), l => Assert.True(l.RunsDuringStall));
        Assert.Empty(BudgetSheet.Lines(null, []));
    }
}
