using System.Text.Json;
using NodaTime;
using Warmte.CashFlow;
using Warmte.Common;
using Warmte.Serialization;

namespace Warmte.Tests.CashFlow;

/// <summary>
/// Which months a bookings listing reads (<see cref="SpendingRanges.Resolve"/>), and the spending per month and kind of
/// work the cash plan's state keeps for the budget sheet (<see cref="SpendingLedger.ApplyByKind"/>): pure rules.
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

    private static SpendingBooking Booking(string id, int month, WorkKind kind, decimal amount, string? corrects = null) => new()
    {
        Id = id, Month = M(2025, month), Kind = kind, Amount = amount, BookedBy = "bestuur", BookedAt = Instant.FromUtc(2025, 6, 1, 0, 0), Corrects = corrects,
    };

    /// <summary>
    /// Bookings, corrections and month totals set, replaced and removed, in a random order per seed: the spending per
    /// month and kind the state keeps (fact by fact, and stored and read back as JSON) is, to the last digit, the sum of
    /// the bookings as they then stand (<see cref="SpendingLedger.Bookings"/>), grouped by month and kind; and per month
    /// it adds up to the month's spending the cash position uses.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void The_spending_per_kind_equals_the_bookings_summed_by_month_and_kind(int seed)
    {
        var rng = new Random(seed);
        var kinds = Enum.GetValues<WorkKind>();
        var facts = new List<SpendingFact>();
        var totals = new Dictionary<string, SpendingBooking>();
        var state = new CashFlowPlanState();
        for (var i = 0; i < 300; i++)
        {
            var month = 1 + rng.Next(6);
            var kind = kinds[rng.Next(kinds.Length)];
            // Amounts with 0, 1 or 2 decimals, some negative (a correction's difference).
            var amount = Math.Round((decimal)(rng.NextDouble() * 20_000 - 2_000), rng.Next(3));
            SpendingFact fact;
            var totalId = $"t-2025-{month:00}-{kind.ToString().ToLowerInvariant()}";
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
                case 1:
                    fact = new SpendingFact(SpendingChange.Booked, Booking($"c-{i}", month, kind, amount, corrects: "b-x"));
                    break;
                default:
                    fact = new SpendingFact(SpendingChange.Booked, Booking($"b-{i}", month, kind, Math.Abs(amount)));
                    break;
            }
            if (fact.Booking.Id.StartsWith("t-", StringComparison.Ordinal))
            {
                if (fact.Change == SpendingChange.TotalRemoved) totals.Remove(fact.Booking.Id);
                else totals[fact.Booking.Id] = fact.Booking;
            }
            facts.Add(fact);
            state = state.With([fact]);
            if (i % 50 == 0) state = JsonSerializer.Deserialize<CashFlowPlanState>(JsonSerializer.Serialize(state, WarmteJson.Default), WarmteJson.Default)!;
        }

        var expected = SpendingLedger.Bookings(facts).GroupBy(b => (b.Month, b.Kind)).OrderBy(g => g.Key.Month).ThenBy(g => g.Key.Kind)
            .Select(g => (g.Key.Month, g.Key.Kind, Amount: g.Sum(b => b.Amount).ToString(System.Globalization.CultureInfo.InvariantCulture), Bookings: g.Count()))
            .ToList();
        string Text(decimal d) => d.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(expected, SpendingLedger.Rows(state.SpentByKind!).Select(r => (r.Month, r.Kind, Text(r.Amount), r.Bookings)));
        Assert.Equal(expected, SpendingLedger.Rows(SpendingLedger.ByKind(facts)).Select(r => (r.Month, r.Kind, Text(r.Amount), r.Bookings)));
        foreach (var month in state.Spent)
            Assert.Equal(month.Amount, SpendingLedger.Rows(state.SpentByKind!).Where(r => r.Month == month.Month).Sum(r => r.Amount));
    }

    [Fact]
    public void A_snapshot_without_spending_per_kind_reads_as_unknown_and_stays_unknown_through_a_booking()
    {
        // As the release before stored it: months and count, no spentByKind.
        var old = JsonSerializer.Deserialize<CashFlowPlanState>("""{"planInJournal":false,"bookingCount":2,"spent":"2025-01 121.00 0/1/1","progress":[]}""", WarmteJson.Default)!;
        Assert.Null(old.SpentByKind);
        Assert.Null(old.KnownSpentByKind());
        var after = old.With([new SpendingFact(SpendingChange.Booked, Booking("b-9", 2, WorkKind.Design, 5m))]);
        Assert.Null(after.SpentByKind);
        Assert.DoesNotContain("spentByKind", JsonSerializer.Serialize(after, WarmteJson.Default));
        // A state with nothing booked knows it has nothing per kind, so a new cash plan keeps it from its first booking.
        var fresh = new CashFlowPlanState().With([new SpendingFact(SpendingChange.Booked, Booking("b-1", 2, WorkKind.Design, 5.50m))]);
        Assert.Contains("\"spentByKind\":{\"Design\":\"2025-02 5.50 1\"}", JsonSerializer.Serialize(fresh, WarmteJson.Default));
    }
}
