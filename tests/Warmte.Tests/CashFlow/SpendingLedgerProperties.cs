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
/// The journaled cash plan keeps facts and a per-month aggregate instead of the list of bookings.
/// For any sequence of bookings and month-total imports, the facts fold back into exactly the list
/// the old list rules give (same bookings, same order), and the cash position from the aggregate
/// equals the one from the list to the cent and to the last written decimal (120.5 stays 120.5).
/// </summary>
public sealed class SpendingLedgerProperties
{
    private static readonly YearMonth Today = new(2026, 11);
    private static readonly YearMonth Start = new(2025, 1);
    private static readonly Instant Now = Instant.FromUtc(2026, 11, 22, 12, 0);
    private static readonly string[] Kinds = ["Design", "Advisers", "Organisation"];

    /// <summary>One step: a booking (Totals empty) or a month-totals import.</summary>
    public sealed record Step(int Month, int Kind, int Cents, int Scale, (int Month, int Kind, int Cents, int Scale, bool Noted)[] Totals);

    private static decimal Amount(int cents, int scale) => scale switch
    {
        // The same money written with 0, 1, 2 or 3 decimals (whole euros only for scale 0).
        0 => cents / 100,
        1 => Math.Round(cents / 100m, 1) + 0.0m,
        2 => cents / 100m + 0.00m,
        _ => cents / 100m + 0.000m,
    };

    private static Gen<Step> Steps() =>
        from month in Gen.Choose(0, 5)
        from kind in Gen.Choose(0, 2)
        from cents in Gen.Choose(1, 2_000_000)
        from scale in Gen.Choose(0, 3)
        from totals in (from m in Gen.Choose(0, 5) from k in Gen.Choose(0, 2) from c in Gen.Frequency((1, Gen.Constant(0)), (3, Gen.Choose(1, 500_000)))
                        from s in Gen.Choose(0, 3) from noted in Gen.Elements(true, false) select (m, k, c, s, noted)).ArrayOf()
        from isImport in Gen.Elements(true, false)
        select new Step(month, kind, cents, scale, isImport ? totals : []);

    [Property(MaxTest = 300)]
    public Property Facts_fold_into_the_old_list_and_the_position_reconciles_to_the_cent() =>
        Prop.ForAll(Steps().ArrayOf().ToArbitrary(), steps =>
        {
            var list = ImmutableArray<SpendingBooking>.Empty;
            var facts = new List<SpendingFact>();
            var state = new CashFlowPlanState();
            var n = 0;
            foreach (var step in steps)
            {
                if (step.Totals.Length == 0)
                {
                    var amount = Amount(step.Cents, step.Scale);
                    if (amount <= 0m) continue;
                    var booked = ActualCash.Book(new BookSpending { Month = Start.PlusMonths(step.Month), Kind = Kinds[step.Kind], Amount = amount },
                        Today, $"b-{n++}", "t", Now);
                    Assert.True(booked.IsOk, booked.Refusal?.Message);
                    list = list.Add(booked.Value!);
                    var fact = new SpendingFact(SpendingChange.Booked, booked.Value!);
                    facts.Add(fact);
                    state = state.With([fact]);
                    continue;
                }
                ImmutableArray<MonthTotal?> totals = [.. step.Totals.Select(t => (MonthTotal?)new MonthTotal
                {
                    Month = Start.PlusMonths(t.Month), Kind = Kinds[t.Kind], Amount = Amount(t.Cents, t.Scale), Note = t.Noted ? "n" + t.Cents % 3 : null,
                })];
                var old = ActualCash.SetTotals(list, totals, Today, "t", Now.PlusTicks(n++));
                var months = totals.Select(t => t!.Month!.Value).ToHashSet();
                var existing = list.Where(b => months.Contains(b.Month)).ToList();
                var @new = SpendingLedger.SetTotals(existing, totals, Today, "t", Now.PlusTicks(n - 1));
                Assert.Equal(old.IsOk, @new.IsOk);
                if (!old.IsOk) { Assert.Equal(Json(old.Refusal), Json(@new.Refusal)); continue; }
                Assert.Equal(old.Value.Result, @new.Value.Result);
                list = old.Value.Bookings;
                facts.AddRange(@new.Value.Facts);
                state = state.With(@new.Value.Facts);
            }

            // Through JSON, as the journal stores them.
            var stored = facts.Select(f => JsonSerializer.Deserialize<SpendingFact>(Json(f), WarmteJson.Default)!).ToList();
            var restoredState = JsonSerializer.Deserialize<CashFlowPlanState>(Json(state), WarmteJson.Default)!;
            Assert.Equal(Json(list), Json(SpendingLedger.Bookings(stored)));
            Assert.Equal(list.Length, restoredState.BookingCount);
            for (var m = 0; m < 6; m++)
            {
                var month = Start.PlusMonths(m);
                Assert.Equal(Json(list.Where(b => b.Month == month)), Json(SpendingLedger.Bookings(stored.Where(f => f.Booking.Month == month))));
            }
            var received = new[] { (Start.PlusMonths(2), 1_000.10m) };
            Assert.Equal(Json(ActualCash.Position(500m, Start, received, list, Today)),
                Json(ActualCash.Position(500m, Start, received, restoredState.Spent, Today)));
        });

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, WarmteJson.Default);
}
