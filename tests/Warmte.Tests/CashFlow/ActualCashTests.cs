using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using Warmte.CashFlow;

namespace Warmte.Tests.CashFlow;

public sealed class ActualCashTests
{
    /// <summary>Tester finding F6: the spending accepts the Dutch kind names the budget import accepts (one parser), and the English names as before.</summary>
    [Theory]
    [InlineData("ontwerp", WorkKind.Design)]
    [InlineData("Design", WorkKind.Design)]
    [InlineData("businesscase", WorkKind.BusinessCase)]
    [InlineData("contracten", WorkKind.Contracts)]
    [InlineData("communicatie", WorkKind.Communication)]
    [InlineData("Organisatie", WorkKind.Organisation)]
    [InlineData("adviseurs", WorkKind.Advisers)]
    public void A_kind_of_work_may_be_typed_in_dutch(string typed, WorkKind expected)
    {
        Assert.Equal(expected, ActualCash.Book(new BookSpending { Month = Today, Kind = typed, Amount = 10m }, Today, "b", "t", Now).Value!.Kind);
        Assert.Equal(expected, Warmte.Spreadsheets.Import.BudgetImport.Kind(typed) ?? ActualCash.ParseKind(typed));
    }

    private static readonly YearMonth Today = new(2026, 11);
    private static readonly Instant Now = Instant.FromUtc(2026, 11, 22, 12, 0);

    private static SpendingBooking Booking(YearMonth month, decimal amount) =>
        ActualCash.Book(new BookSpending { Month = month, Kind = "Organisation", Amount = amount }, Today, "b", "t", Now).Value!;

    [Fact]
    public void Bookings_are_refused_for_future_months_bad_amounts_and_unknown_kinds()
    {
        var refused = ActualCash.Book(new BookSpending { Month = Today.PlusMonths(1), Kind = "Koffie", Amount = 1.005m }, Today, "b", "t", Now);
        Assert.Equal(["amount", "kind", "month"], refused.Refusal!.Errors.Select(e => e.Field).Order());
    }

    [Fact]
    public void The_line_starts_at_the_plan_and_runs_to_today_with_tranches_in_and_bookings_out()
    {
        var position = ActualCash.Position(150_000m, new YearMonth(2026, 6),
            [(new YearMonth(2026, 7), 1_000_000m)], [Booking(new YearMonth(2026, 8), 120_000m), Booking(new YearMonth(2026, 8), 30_000.50m)], Today);
        Assert.Equal(6, position.Months.Length); // June .. November
        Assert.Equal(1_150_000m, position.Months[1].Closing);
        Assert.Equal(150_000.50m, position.Months[2].Spent);
        Assert.Equal(999_999.50m, position.Balance);
    }

    /// <summary>Money is conserved: every month, opening + received − spent = closing, and the totals reconcile to the cent.</summary>
    [Property(MaxTest = 200)]
    public Property Received_minus_spent_is_the_change_in_cash_to_the_cent() =>
        Prop.ForAll(
            (from opening in Gen.Choose(0, 5_000_000)
             from ins in (from m in Gen.Choose(0, 40) from c in Gen.Choose(1, 200_000_000) select (m, c)).ArrayOf()
             from outs in (from m in Gen.Choose(0, 40) from c in Gen.Choose(1, 50_000_000) select (m, c)).ArrayOf()
             select (opening, ins, outs)).ToArbitrary(),
            input =>
            {
                var start = new YearMonth(2023, 1);
                var received = input.ins.Select(i => (start.PlusMonths(i.m), i.c / 100m)).ToArray();
                var bookings = input.outs.Select(o => Booking(start.PlusMonths(o.m), o.c / 100m)).ToArray();
                var p = ActualCash.Position(input.opening, start, received, bookings, Today);
                foreach (var m in p.Months) Assert.Equal(m.Opening + m.Received - m.Spent, m.Closing);
                Assert.Equal(input.opening + p.TotalReceived - p.TotalSpent, p.Balance);
                Assert.Equal(received.Sum(r => r.Item2), p.TotalReceived);
                Assert.Equal(bookings.Sum(b => b.Amount), p.TotalSpent);
            });
}
