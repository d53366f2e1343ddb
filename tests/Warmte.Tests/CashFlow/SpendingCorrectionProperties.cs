using System.Collections.Immutable;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using Warmte.CashFlow;
using Warmte.Serialization;

namespace Warmte.Tests.CashFlow;

/// <summary>
/// Tester finding A21: a mistyped booking is corrected by a new booking of the difference (the journal
/// is never rewritten), and a budget sheet's "Werkelijk" is the month's total for its kind, never added
/// on top of the bookings made one by one. For any sequence of bookings, corrections and month-total
/// imports, money is conserved to the cent: each booking made one by one stands at what it was last
/// corrected to, the month totals are the sums of what stands, an accepted sheet total is exactly
/// what stands for its month and kind afterwards, and a sheet total below the bookings made one by one
/// is refused (changing nothing).
/// </summary>
public sealed class SpendingCorrectionProperties
{
    private static readonly YearMonth Today = new(2026, 12);
    private static readonly YearMonth Start = new(2026, 9);
    private static readonly Instant Now = Instant.FromUtc(2026, 12, 6, 12, 0);
    private static readonly string[] Kinds = ["Design", "Advisers"];

    /// <summary>0: a booking; 1: a correction of the <c>Pick</c>-th booking made one by one; 2: a sheet with one or two totals.</summary>
    public sealed record Step(int What, int Month, int Kind, int Cents, int Pick, int Month2, int Cents2);

    private static Gen<Step> Steps() =>
        from what in Gen.Frequency((4, Gen.Constant(0)), (3, Gen.Constant(1)), (2, Gen.Constant(2)))
        from month in Gen.Choose(0, 3)
        from kind in Gen.Choose(0, 1)
        from cents in Gen.Frequency((1, Gen.Constant(0)), (6, Gen.Choose(1, 100_000_000)))
        from pick in Gen.Choose(0, 1000)
        from month2 in Gen.Choose(-1, 3)
        from cents2 in Gen.Choose(0, 100_000_000)
        select new Step(what, month, kind, cents, pick, month2, cents2);

    private static decimal Euros(int cents) => cents / 100m;

    [Property(MaxTest = 300)]
    public Property Month_totals_are_the_sum_of_what_stands_to_the_cent() =>
        Prop.ForAll(Steps().ArrayOf().ToArbitrary(), steps =>
        {
            var facts = new List<SpendingFact>();
            var state = new CashFlowPlanState();
            // The model: what each booking made one by one should stand at, by id.
            var single = new Dictionary<string, (YearMonth Month, string Kind, decimal Amount)>();
            var order = new List<string>();
            var n = 0;
            ImmutableArray<SpendingBooking> List() => SpendingLedger.Bookings(facts);
            void Append(IEnumerable<SpendingFact> more) { foreach (var f in more) { facts.Add(f); state = state.With([f]); } }
            decimal SingleSum(YearMonth m, string k) => single.Values.Where(b => b.Month == m && b.Kind == k).Sum(b => b.Amount);

            foreach (var step in steps)
            {
                var month = Start.PlusMonths(step.Month);
                switch (step.What)
                {
                    case 0 when step.Cents > 0:
                    {
                        var booked = ActualCash.Book(new BookSpending { Month = month, Kind = Kinds[step.Kind], Amount = Euros(step.Cents) },
                            Today, $"b-{n++}", "bestuur", Now);
                        Assert.True(booked.IsOk);
                        Append([new SpendingFact(SpendingChange.Booked, booked.Value!)]);
                        single[booked.Value!.Id] = (month, Kinds[step.Kind], Euros(step.Cents));
                        order.Add(booked.Value!.Id);
                        break;
                    }
                    case 1 when order.Count > 0:
                    {
                        var id = order[step.Pick % order.Count];
                        var before = single[id];
                        var target = Euros(step.Cents);
                        var corrected = SpendingLedger.Correct(id, new CorrectSpending { Amount = target, Reason = "tikfout" }, List(),
                            $"c-{n++}", "bestuur", Now);
                        if (target == before.Amount)
                        {
                            // Nothing to correct: refused, nothing changes.
                            Assert.False(corrected.IsOk);
                            Assert.Equal("amount", Assert.Single(corrected.Refusal!.Errors).Field);
                            break;
                        }
                        Assert.True(corrected.IsOk, corrected.Refusal?.Errors.FirstOrDefault()?.Reason);
                        var c = corrected.Value!;
                        Assert.Equal((id, before.Month, before.Kind), (c.Corrects!, c.Month, c.Kind.ToString()));
                        Append([new SpendingFact(SpendingChange.Booked, c)]);
                        single[id] = before with { Amount = target };
                        // A correction is not corrected itself: its booking is.
                        var again = SpendingLedger.Correct(c.Id, new CorrectSpending { Amount = 1m, Reason = "x" }, List(), "c-x", "bestuur", Now);
                        Assert.Equal("bookingId", Assert.Single(again.Refusal!.Errors).Field);
                        break;
                    }
                    case 2:
                    {
                        var sheet = new List<(YearMonth Month, string Kind, decimal Amount)> { (month, Kinds[step.Kind], Euros(step.Cents)) };
                        if (step.Month2 >= 0 && Start.PlusMonths(step.Month2) != month)
                            sheet.Add((Start.PlusMonths(step.Month2), Kinds[step.Kind], Euros(step.Cents2)));
                        ImmutableArray<MonthTotal?> totals = [.. sheet.Select(t => (MonthTotal?)new MonthTotal { Month = t.Month, Kind = t.Kind, Amount = t.Amount })];
                        var months = sheet.Select(t => t.Month).ToHashSet();
                        var bookingsBefore = List();
                        var set = SpendingLedger.SetTotals([.. bookingsBefore.Where(b => months.Contains(b.Month))], totals, Today, "bestuur", Now);
                        var below = sheet.Select((t, i) => (t, i)).Where(x => x.t.Amount < SingleSum(x.t.Month, x.t.Kind)).Select(x => $"totals[{x.i}].amount").ToList();
                        if (below.Count > 0)
                        {
                            Assert.False(set.IsOk);
                            Assert.Equal(below, set.Refusal!.Errors.Select(e => e.Field));
                            break;
                        }
                        Assert.True(set.IsOk, set.Refusal?.Errors.FirstOrDefault()?.Reason);
                        Append(set.Value.Facts);
                        // The sheet's amount is what stands for its month and kind now, whatever was booked before.
                        foreach (var (m, k, amount) in sheet)
                            Assert.Equal(amount, List().Where(b => b.Month == m && b.Kind.ToString() == k).Sum(b => b.Amount));
                        // The same sheet again changes nothing.
                        var again = SpendingLedger.SetTotals([.. List().Where(b => months.Contains(b.Month))], totals, Today, "bestuur", Now);
                        Assert.True(again.IsOk);
                        Assert.Empty(again.Value.Facts);
                        break;
                    }
                }

                // After every step: the bookings made one by one (with their corrections) hold exactly what the model says,
                // no total is negative, and the per-month aggregate is the sum of every booking as it stands.
                var list = List();
                foreach (var m in Enumerable.Range(0, 4).Select(i => Start.PlusMonths(i)))
                {
                    foreach (var k in Kinds)
                        Assert.Equal(SingleSum(m, k), list.Where(b => b.Month == m && b.Kind.ToString() == k && !ActualCash.IsTotal(b)).Sum(b => b.Amount));
                    Assert.Equal(list.Where(b => b.Month == m).Sum(b => b.Amount), state.Spent.Where(s => s.Month == m).Sum(s => s.Amount));
                }
                Assert.All(list.Where(ActualCash.IsTotal), t => Assert.True(t.Amount > 0m));
                foreach (var id in order) Assert.Equal(single[id].Amount, SpendingLedger.Stands(id, list));
                Assert.Equal(list.Length, state.BookingCount);
            }

            // Through JSON, as the journal and the snapshot keep them: the cash line from the aggregate equals the one from the bookings.
            var stored = facts.Select(f => JsonSerializer.Deserialize<SpendingFact>(JsonSerializer.Serialize(f, WarmteJson.Default), WarmteJson.Default)!).ToList();
            var restored = JsonSerializer.Deserialize<CashFlowPlanState>(JsonSerializer.Serialize(state, WarmteJson.Default), WarmteJson.Default)!;
            var received = new[] { (Start, 2_000_000m) };
            var fromList = ActualCash.Position(0m, Start, received, SpendingLedger.Bookings(stored), Today);
            var fromState = ActualCash.Position(0m, Start, received, restored.Spent, Today);
            Assert.Equal(fromList.Balance, fromState.Balance);
            Assert.Equal(fromList.Months.Select(m => m.Spent), fromState.Months.Select(m => m.Spent));
            Assert.Equal(2_000_000m - single.Values.Sum(b => b.Amount) - SpendingLedger.Bookings(stored).Where(ActualCash.IsTotal).Sum(b => b.Amount), fromState.Balance);
        });

    [Fact]
    public void The_testers_typo_is_corrected_and_the_sheet_total_is_the_months_total()
    {
        var november = new YearMonth(2026, 11);
        var typo = ActualCash.Book(new BookSpending { Month = november, Kind = "adviseurs", Amount = 850_000.00m, Note = "typo, moest 85.000 zijn" },
            Today, "b-typo", "bestuur", Now).Value!;
        ImmutableArray<SpendingBooking> bookings = [typo];

        // The sheet says 85.000 for November's advisers: refused, naming the booking, instead of 935.000.
        ImmutableArray<MonthTotal?> sheet = [new MonthTotal { Month = november, Kind = "adviseurs", Amount = 85_000.00m }];
        var refused = SpendingLedger.SetTotals(bookings, sheet, Today, "bestuur", Now);
        var error = Assert.Single(refused.Refusal!.Errors);
        Assert.Equal("totals[0].amount", error.Field);
        Assert.Contains("b-typo € 850.000,00", error.Reason);
        Assert.Contains("11-2026 adviseurs", error.Reason);

        // A negative or missing reason is refused; the correction books the difference.
        Assert.Equal(["amount"], SpendingLedger.Correct("b-typo", new CorrectSpending { Amount = -500m, Reason = "x" }, bookings, "c-1", "bestuur", Now).Refusal!.Errors.Select(e => e.Field));
        Assert.Equal(["reason"], SpendingLedger.Correct("b-typo", new CorrectSpending { Amount = 85_000m, Reason = " " }, bookings, "c-1", "bestuur", Now).Refusal!.Errors.Select(e => e.Field));
        Assert.Equal("not-found", SpendingLedger.Correct("b-other", new CorrectSpending { Amount = 1m, Reason = "x" }, bookings, "c-1", "bestuur", Now).Refusal!.Code);
        var correction = SpendingLedger.Correct("b-typo", new CorrectSpending { Amount = 85_000.00m, Reason = "tikfout" }, bookings, "c-1", "bestuur", Now).Value!;
        Assert.Equal(-765_000.00m, correction.Amount);
        Assert.Equal((november, WorkKind.Advisers, "b-typo", "tikfout"), (correction.Month, correction.Kind, correction.Corrects, correction.Note));
        bookings = bookings.Add(correction);
        Assert.Equal(85_000m, SpendingLedger.Stands("b-typo", bookings));

        // Now the sheet agrees with what stands: no total booking is needed, and a higher sheet books only the rest.
        var agrees = SpendingLedger.SetTotals(bookings, sheet, Today, "bestuur", Now);
        Assert.Empty(agrees.Value.Facts);
        Assert.Equal(new MonthTotalsResult(0, 0, 1, 0), agrees.Value.Result with { Message = null });
        var higher = SpendingLedger.SetTotals(bookings, [new MonthTotal { Month = november, Kind = "adviseurs", Amount = 100_000m }], Today, "bestuur", Now);
        var total = Assert.Single(higher.Value.Facts).Booking;
        Assert.Equal(("t-2026-11-advisers", 15_000.00m), (total.Id, total.Amount));
        // A month total is changed by the sheet, not by a correction.
        Assert.Equal("bookingId", Assert.Single(SpendingLedger.Correct(total.Id, new CorrectSpending { Amount = 1m, Reason = "x" }, bookings.Add(total), "c-2", "bestuur", Now).Refusal!.Errors).Field);
    }
}
