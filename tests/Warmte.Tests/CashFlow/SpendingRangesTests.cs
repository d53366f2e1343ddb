using System.Text.Json;
using NodaTime;
using Warmte.CashFlow;
using Warmte.Common;
using Warmte.Serialization;

namespace Warmte.Tests.CashFlow;

/// <summary>
/// Which months a bookings listing reads (<see cref="SpendingRanges.Resolve"/>), the pages of months the budget sheet's
/// fold reads (<see cref="SpendingRanges.Pages"/>), and the spending per month and kind of work folded from the bookings
/// (<see cref="SpendingLedger.ByKind"/>): pure rules.
/// </summary>
public sealed class SpendingRangesTests
{
    private static YearMonth M(int year, int month) => new(year, month);

    /// <summary>Thirty booked months: 2020-01 … 2020-06, a stall of a year, then 2021-07 … 2023-06.</summary>
    private static readonly IReadOnlyList<YearMonth> Booked =
        [.. Enumerable.Range(0, 6).Select(i => M(2020, 1).PlusMonths(i)), .. Enumerable.Range(0, 24).Select(i => M(2021, 7).PlusMonths(i))];

    private static SpendingRange Ok(Outcome<SpendingRange> outcome)
    {
        Assert.True(outcome.IsOk, outcome.Refusal?.Message);
        return outcome.Value!;
    }

    private static string Refused(Outcome<SpendingRange> outcome)
    {
        Assert.False(outcome.IsOk);
        Assert.Equal(RefusalKind.Invalid, outcome.Refusal!.Kind);
        return Assert.Single(outcome.Refusal.Errors).Field;
    }

    [Fact]
    public void Without_a_month_the_last_24_booked_months_end_at_the_latest_booked_month_and_say_where_earlier_ones_are()
    {
        var range = Ok(SpendingRanges.Resolve(Booked, null, null, null));
        // The 24 months from 2021-07 to 2023-06 are booked; 2020-06 is the latest before them.
        Assert.Equal(new SpendingRange(M(2021, 7), M(2023, 6), M(2021, 6), null), range);

        // Asking up to the month before: the six months of 2020 (fewer than 24), nothing earlier, later ones from 2021-07.
        var earlier = Ok(SpendingRanges.Resolve(Booked, null, null, range.EarlierTo));
        Assert.Equal(new SpendingRange(M(2020, 1), M(2021, 6), null, M(2021, 7)), earlier);
    }

    [Fact]
    public void Booked_months_across_a_stall_count_as_months_with_bookings_not_as_calendar_months()
    {
        // 2020-01 … 2020-06 and 2021-07 … 2021-12 (a year's stall between): twelve booked months, all in the default.
        IReadOnlyList<YearMonth> booked = [.. Booked.Take(12)];
        Assert.Equal(new SpendingRange(M(2020, 1), M(2021, 12), null, null), Ok(SpendingRanges.Resolve(booked, null, null, null)));
    }

    [Fact]
    public void From_alone_answers_the_first_24_booked_months_from_it()
    {
        var range = Ok(SpendingRanges.Resolve(Booked, null, M(2020, 3), null));
        // 2020-03 … 2020-06 (4) and 2021-07 … 2023-02 (20).
        Assert.Equal(new SpendingRange(M(2020, 3), M(2023, 2), M(2020, 2), M(2023, 3)), range);
        // After every booking: that month alone, nothing later.
        Assert.Equal(new SpendingRange(M(2024, 1), M(2024, 1), M(2023, 12), null), Ok(SpendingRanges.Resolve(Booked, null, M(2024, 1), null)));
    }

    [Fact]
    public void From_and_to_answer_those_calendar_months_up_to_120()
    {
        Assert.Equal(new SpendingRange(M(2020, 4), M(2021, 8), M(2020, 3), M(2021, 9)), Ok(SpendingRanges.Resolve(Booked, null, M(2020, 4), M(2021, 8))));
        Assert.Equal(new SpendingRange(M(2015, 1), M(2024, 12), null, null), Ok(SpendingRanges.Resolve(Booked, null, M(2015, 1), M(2024, 12))));
        Assert.Equal(120, SpendingRanges.MonthsFrom(M(2015, 1), M(2024, 12)));
        // 121 months, and an end before the start: refused, naming to.
        Assert.Equal("to", Refused(SpendingRanges.Resolve(Booked, null, M(2015, 1), M(2025, 1))));
        Assert.Equal("to", Refused(SpendingRanges.Resolve(Booked, null, M(2021, 1), M(2020, 12))));
        // A single month as from and to.
        Assert.Equal(new SpendingRange(M(2020, 2), M(2020, 2), M(2020, 1), M(2020, 3)), Ok(SpendingRanges.Resolve(Booked, null, M(2020, 2), M(2020, 2))));
    }

    [Fact]
    public void One_month_alone_and_not_with_from_or_to()
    {
        Assert.Equal(new SpendingRange(M(2021, 1), M(2021, 1), M(2020, 12), M(2021, 2)), Ok(SpendingRanges.Resolve(Booked, M(2021, 1), null, null)));
        Assert.Equal("month", Refused(SpendingRanges.Resolve(Booked, M(2021, 1), M(2020, 1), null)));
        Assert.Equal("month", Refused(SpendingRanges.Resolve(Booked, M(2021, 1), null, M(2022, 1))));
    }

    [Fact]
    public void Nothing_booked_answers_no_months_and_nothing_earlier_or_later()
    {
        Assert.Equal(new SpendingRange(null, null, null, null), Ok(SpendingRanges.Resolve([], null, null, null)));
        Assert.Equal(new SpendingRange(M(2026, 1), M(2026, 1), null, null), Ok(SpendingRanges.Resolve([], null, null, M(2026, 1))));
    }

    [Fact]
    public void Pages_of_booked_months_follow_each_other_from_the_first_booked_month_to_the_last_stalls_included()
    {
        // Twelve booked months a page: 2020-01 … 2020-06 and 2021-07 … 2021-12 (the stall between in the first page),
        // then 2022-01 … 2022-12, then what is left up to the last booked month.
        Assert.Equal([(M(2020, 1), M(2021, 12)), (M(2022, 1), M(2022, 12)), (M(2023, 1), M(2023, 6))], SpendingRanges.Pages(Booked, 12).AsEnumerable());
        // One booked month a page: each page ends the month before the next booked month.
        var single = SpendingRanges.Pages(Booked, 1);
        Assert.Equal(30, single.Length);
        Assert.Equal((M(2020, 6), M(2021, 6)), single[5]);
        Assert.Equal((M(2023, 6), M(2023, 6)), single[^1]);
        // Everything in one page; nothing booked, no page; no page size of zero.
        Assert.Equal([(M(2020, 1), M(2023, 6))], SpendingRanges.Pages(Booked, 100).AsEnumerable());
        Assert.Empty(SpendingRanges.Pages([], 12));
        Assert.Throws<ArgumentOutOfRangeException>(() => SpendingRanges.Pages(Booked, 0));
    }

    private static SpendingBooking Booking(string id, YearMonth month, WorkKind kind, decimal amount, string? corrects = null) => new()
    {
        Id = id, Month = month, Kind = kind, Amount = amount, BookedBy = "bestuur", BookedAt = Instant.FromUtc(2025, 6, 1, 0, 0), Corrects = corrects,
    };

    private static SpendingBooking Booking(string id, int month, WorkKind kind, decimal amount, string? corrects = null) =>
        Booking(id, M(2025, month), kind, amount, corrects);

    /// <summary>
    /// Bookings, corrections and month totals set, replaced and removed, in a random order per seed, over months with
    /// stalls between them: the budget sheet's spending per month and kind — folded from the facts in pages of booked
    /// months, as <see cref="CashFlowPlanGrain.SpendingByKind"/> reads the journal (each page the facts tagged with its
    /// months, in journal order) — is, to the last digit, the sum of the bookings as they then stand
    /// (<see cref="SpendingLedger.Bookings"/>) grouped by month and kind, whatever the page size; and per month it adds up
    /// to the month's spending the state keeps for the cash position.
    /// </summary>
    [FsCheck.Xunit.Property(MaxTest = 60)]
    public FsCheck.Property The_spending_per_kind_folded_in_pages_of_months_equals_the_bookings_summed_by_month_and_kind() =>
        FsCheck.Fluent.Prop.ForAll(
            FsCheck.Fluent.Arb.From(FsCheck.Fluent.Gen.Choose(0, int.MaxValue)),
            FsCheck.Fluent.Arb.From(FsCheck.Fluent.Gen.Choose(1, 14)),
            (seed, pageSize) => PagedFoldAgrees(seed, pageSize));

    private static void PagedFoldAgrees(int seed, int pageSize)
    {
        var rng = new Random(seed);
        var kinds = Enum.GetValues<WorkKind>();
        // A few months out of four years, so pages cross stalls.
        var months = Enumerable.Range(0, 2 + rng.Next(20)).Select(_ => M(2023, 1).PlusMonths(rng.Next(48))).Distinct().ToArray();
        var facts = new List<SpendingFact>();
        var totals = new Dictionary<string, SpendingBooking>();
        var booked = new List<SpendingBooking>();
        var state = new CashFlowPlanState();
        for (var i = 0; i < 300; i++)
        {
            var month = months[rng.Next(months.Length)];
            var kind = kinds[rng.Next(kinds.Length)];
            // Amounts with 0, 1 or 2 decimals, some negative (a correction's difference).
            var amount = Math.Round((decimal)(rng.NextDouble() * 20_000 - 2_000), rng.Next(3));
            SpendingFact fact;
            var totalId = $"t-{SpendingLedger.Tag(month)}-{kind.ToString().ToLowerInvariant()}";
            switch (rng.Next(4))
            {
                case 0 when totals.TryGetValue(totalId, out var before):
                    fact = rng.Next(2) == 0
                        ? new SpendingFact(SpendingChange.TotalSet, Booking(totalId, month, kind, Math.Abs(amount)), before)
                        : new SpendingFact(SpendingChange.TotalRemoved, before);
                    break;
                case 0:
                    fact = new SpendingFact(SpendingChange.TotalSet, Booking(totalId, month, kind, Math.Abs(amount)));
                    break;
                case 1 when booked.Count > 0:
                    // A correction: a booking of its own in the corrected booking's month and kind.
                    var corrected = booked[rng.Next(booked.Count)];
                    fact = new SpendingFact(SpendingChange.Booked, Booking($"c-{i}", corrected.Month, corrected.Kind, amount, corrects: corrected.Id));
                    break;
                default:
                    fact = new SpendingFact(SpendingChange.Booked, Booking($"b-{i}", month, kind, Math.Abs(amount)));
                    booked.Add(fact.Booking);
                    break;
            }
            if (fact.Booking.Id.StartsWith("t-", StringComparison.Ordinal))
            {
                if (fact.Change == SpendingChange.TotalRemoved) totals.Remove(fact.Booking.Id);
                else totals[fact.Booking.Id] = fact.Booking;
            }
            facts.Add(fact);
            state = state.With([fact]);
            // The grain folds onto the state it loaded: through the stored form now and then.
            if (i % 50 == 0) state = JsonSerializer.Deserialize<CashFlowPlanState>(JsonSerializer.Serialize(state, WarmteJson.Default), WarmteJson.Default)!;
        }

        static string Text(decimal d) => d.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var expected = SpendingLedger.Bookings(facts).GroupBy(b => (b.Month, b.Kind)).OrderBy(g => g.Key.Month).ThenBy(g => g.Key.Kind)
            .Select(g => (g.Key.Month, g.Key.Kind, Amount: Text(g.Sum(b => b.Amount)), Bookings: g.Count()))
            .ToList();
        var paged = SpendingRanges.Pages(state.BookedMonths(), pageSize)
            .SelectMany(p => SpendingLedger.ByKind(facts.Where(f => f.Booking.Month >= p.From && f.Booking.Month <= p.To)))
            .ToList();
        Assert.Equal(expected, paged.Select(r => (r.Month, r.Kind, Text(r.Amount), r.Bookings)));
        Assert.Equal(expected, SpendingLedger.ByKind(facts).Select(r => (r.Month, r.Kind, Text(r.Amount), r.Bookings)));
        foreach (var month in state.Spent)
            Assert.Equal(month.Amount, paged.Where(r => r.Month == month.Month).Sum(r => r.Amount));
        Assert.All(paged, r => Assert.Contains(r.Month, state.BookedMonths()));
    }

    [Fact]
    public void A_snapshot_with_spending_per_kind_from_the_build_before_still_loads_and_is_written_without_it()
    {
        // As the build of 7-12-2026 stored it: months, count, and the spending per kind of work.
        var old = JsonSerializer.Deserialize<CashFlowPlanState>(
            """{"planInJournal":false,"bookingCount":2,"spent":"2025-01 121.00 0/1/1","progress":[],"spentByKind":{"Design":"2025-01 121.00 0/1/1"}}""",
            WarmteJson.Default)!;
        Assert.Equal((2, "2025-01 121.00 0/1/1"), (old.BookingCount, MonthSpendingJson.Format(old.Spent)));
        Assert.DoesNotContain("spentByKind", JsonSerializer.Serialize(old, WarmteJson.Default), StringComparison.OrdinalIgnoreCase);
        var after = old.With([new SpendingFact(SpendingChange.Booked, Booking("b-9", 2, WorkKind.Design, 5m))]);
        Assert.Equal("""{"planInJournal":false,"bookingCount":3,"spent":"2025-01 121.00 0/1/1;5 1","progress":[]}""", JsonSerializer.Serialize(after, WarmteJson.Default));

        // The upgrade from Orleans' grain storage writes no spending per kind either.
        var upgraded = CashFlowPlanUpgrade.From(
            """{"bookings":[{"id":"b-1","month":"2025-01","kind":"Design","amount":120.5,"bookedBy":"bestuur","bookedAt":"2025-06-01T00:00:00Z"},{"id":"b-2","month":"2025-01","kind":"Advisers","amount":0.50,"bookedBy":"bestuur","bookedAt":"2025-06-01T00:00:00Z"}]}""");
        Assert.Equal("""{"planInJournal":false,"bookingCount":2,"spent":"2025-01 121.00 0/1/1","progress":[]}""", upgraded.State);
    }
}
