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
/// The cash plan snapshot's months in their compact stored form (<see cref="MonthSpendingJson"/>), which
/// this release writes (release 61e553b read it and still wrote the array): whatever bookings, totals and
/// removals made them, they are stored as one string and read back the same to the last digit; the array
/// form of earlier releases still reads; and a project booked over six years stays under PostgreSQL's
/// 2 kB TOAST threshold, which the old form did not.
/// </summary>
public sealed class MonthSpendingJsonTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly Instant At = Instant.FromUtc(2026, 12, 6, 12, 0);

    /// <summary>One step of a spending history: a booking, a month total set or replaced, a total removed.</summary>
    public sealed record Step(int Month, long Units, int Scale, bool Negative, int What, int Total);

    private static Gen<Step> Steps() =>
        from month in Gen.Choose(0, 80)
        from units in Gen.Choose(0, 1_000_000_000).Select(u => (long)u)
        from scale in Gen.Choose(0, 4)
        from negative in Gen.Elements(false, false, false, true)
        from what in Gen.Choose(0, 9)
        from total in Gen.Choose(0, 3)
        select new Step(month, units, scale, negative, what, total);

    private static Arbitrary<Step[]> Histories() => Gen.ArrayOf(Steps()).Select(s => s.Take(300).ToArray()).ToArbitrary();

    /// <summary>The months after a history, folded by the ledger's own rules (as the grain does).</summary>
    private static ImmutableArray<MonthSpending> Fold(IEnumerable<Step> steps)
    {
        var state = new CashFlowPlanState();
        var totals = new Dictionary<string, SpendingBooking>();
        var n = 0;
        foreach (var s in steps)
        {
            var month = new YearMonth(2020, 1).PlusMonths(s.Month);
            var amount = new decimal((int)(s.Units & 0x7FFFFFFF), 0, 0, s.Negative, (byte)s.Scale);
            SpendingFact fact;
            var totalId = $"t-{s.Month}-{s.Total}";
            if (s.What < 6)
                fact = new SpendingFact(SpendingChange.Booked, Booking($"b-{n++}", month, amount));
            else if (s.What < 9)
            {
                var booking = Booking(totalId, month, amount);
                fact = new SpendingFact(SpendingChange.TotalSet, booking, totals.GetValueOrDefault(totalId));
                totals[totalId] = booking;
            }
            else if (totals.Remove(totalId, out var removed))
                fact = new SpendingFact(SpendingChange.TotalRemoved, removed);
            else continue;
            state = state.With([fact]);
        }
        return state.Spent;
    }

    private static SpendingBooking Booking(string id, YearMonth month, decimal amount) =>
        new() { Id = id, Month = month, Kind = WorkKind.Design, Amount = amount, BookedBy = "bestuur", BookedAt = At };

    /// <summary>Equal as stored data: the same months, the same digits of each amount (its scale too), the same counts.</summary>
    private static void AssertSame(ImmutableArray<MonthSpending> expected, ImmutableArray<MonthSpending> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Month, actual[i].Month);
            Assert.Equal(expected[i].Amount.ToString(System.Globalization.CultureInfo.InvariantCulture),
                actual[i].Amount.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(expected[i].Bookings, actual[i].Bookings);
            Assert.Equal(expected[i].Scales.AsEnumerable(), actual[i].Scales.AsEnumerable());
        }
    }

    private static CashFlowPlanState RoundTrip(CashFlowPlanState state) =>
        JsonSerializer.Deserialize<CashFlowPlanState>(JsonSerializer.Serialize(state, WarmteJson.Default), WarmteJson.Default)!;

    [Property(MaxTest = 300)]
    public Property Any_spending_history_reads_back_from_the_stored_form_to_the_last_digit() =>
        Prop.ForAll(Histories(), steps =>
        {
            var months = Fold(steps);
            var state = new CashFlowPlanState { BookingCount = 7, PlanInJournal = true, Spent = months };
            // Written in the compact form: one string, the months' text.
            var spent = JsonDocument.Parse(JsonSerializer.Serialize(state, WarmteJson.Default)).RootElement.GetProperty("spent");
            Assert.Equal(JsonValueKind.String, spent.ValueKind);
            Assert.Equal(MonthSpendingJson.Format(months), spent.GetString());
            var back = RoundTrip(state);
            AssertSame(months, back.Spent);
            Assert.Equal((7, true), (back.BookingCount, back.PlanInJournal));
            // And the array form reads the same months (a snapshot written by release 61e553b or before,
            // not yet rewritten by a booking).
            AssertSame(months, JsonSerializer.Deserialize<CashFlowPlanState>(OldForm(state), WarmteJson.Default)!.Spent);
        });

    [Property(MaxTest = 100)]
    public Property Bookings_folded_onto_read_back_months_end_where_they_would_have_in_memory() =>
        Prop.ForAll(Histories(), Histories(), (first, second) =>
        {
            // The grain folds new facts onto the state it loaded: loading must not change what later facts do.
            var facts = second.Select(s => new SpendingFact(SpendingChange.Booked, Booking("x", new YearMonth(2020, 1).PlusMonths(s.Month),
                new decimal((int)(s.Units & 0x7FFFFFFF), 0, 0, s.Negative, (byte)s.Scale)))).ToList();
            var inMemory = new CashFlowPlanState { Spent = Fold(first) };
            AssertSame(inMemory.With(facts).Spent, RoundTrip(inMemory).With(facts).Spent);
        });

    [Fact]
    public void The_stored_form_is_one_token_per_month_with_the_scales_only_when_unusual()
    {
        var state = new CashFlowPlanState
        {
            BookingCount = 5,
            Spent =
            [
                new MonthSpending(new YearMonth(2026, 1), 120.50m, 2, [0, 1, 1]),  // 120.5 + 0.00: mixed decimals
                new MonthSpending(new YearMonth(2026, 2), 300.00m, 3, [0, 0, 3]),  // every booking in cents: the usual
                new MonthSpending(new YearMonth(2026, 3), -5m, 0, []),             // as an old snapshot may hold it
                new MonthSpending(new YearMonth(2026, 6), 7m, 2, [1]),             // counts that disagree: both kept
            ],
        };
        Assert.Equal("2026-01 120.50 0/1/1;300.00 3;-5 0 -;2026-06 7 2 1", MonthSpendingJson.Format(state.Spent));
        AssertSame(state.Spent, MonthSpendingJson.Parse(MonthSpendingJson.Format(state.Spent)));
        // Stored as exactly that string (release 61e553b and every build after it read it).
        Assert.Equal("""{"planInJournal":false,"bookingCount":5,"spent":"2026-01 120.50 0/1/1;300.00 3;-5 0 -;2026-06 7 2 1","progress":[]}""",
            JsonSerializer.Serialize(state, WarmteJson.Default)); // no "plan": null in every snapshot either
        AssertSame(state.Spent, RoundTrip(state).Spent);
        // No months: the empty string, read back as no months.
        var empty = JsonSerializer.Serialize(new CashFlowPlanState(), WarmteJson.Default);
        Assert.Equal("", JsonDocument.Parse(empty).RootElement.GetProperty("spent").GetString());
        Assert.Empty(JsonSerializer.Deserialize<CashFlowPlanState>(empty, WarmteJson.Default)!.Spent);
    }

    [Fact]
    public void The_form_before_reads_with_missing_counts_as_the_old_reader_took_them()
    {
        var old = """{"bookingCount": 9, "spent": [{"month": "2026-01", "amount": 120.50}, {"month": "2026-02", "amount": 7, "bookings": 1, "scales": [1]}]}""";
        var state = JsonSerializer.Deserialize<CashFlowPlanState>(old, WarmteJson.Default)!;
        AssertSame([new MonthSpending(new YearMonth(2026, 1), 120.50m, 0, []), new MonthSpending(new YearMonth(2026, 2), 7m, 1, [1])], state.Spent);
        Assert.Equal("2026-01 120.50 0 -;7 1", MonthSpendingJson.Format(state.Spent));
    }

    [Theory]
    [InlineData("2026-01 12")]                 // no bookings count
    [InlineData("12 3")]                       // no month to follow on
    [InlineData("2026-13 1 1")]                // no such month
    [InlineData("2026-01 1,5 1")]              // a comma is not the decimal point
    [InlineData("2026-01 1 1 0/x")]            // scales that are not counts
    [InlineData("2026-01 1 -1")]               // a negative count
    public void A_malformed_stored_form_is_refused_not_guessed(string spent) =>
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<CashFlowPlanState>($$"""{"spent": "{{spent}}"}""", WarmteJson.Default));

    /// <summary>What the load generator books: months from 2020-01 (<paramref name="months"/> of them), amounts of € 100.00 to € 99,999.99.</summary>
    private static CashFlowPlanState Booked(CashFlowPlanState state, Random rng, int bookings, int months, WorkKind[] kinds)
    {
        for (var i = 0; i < bookings; i++)
            state = state.With([new SpendingFact(SpendingChange.Booked,
                Booking("b-" + i, new YearMonth(2020, 1).PlusMonths(rng.Next(months)), rng.Next(10_000, 10_000_000) / 100m) with { Kind = kinds[rng.Next(kinds.Length)] })]);
        return state;
    }

    [Fact]
    public void Six_years_of_bookings_of_every_kind_stay_under_the_2_kB_TOAST_threshold_where_the_array_is_over_it()
    {
        // 72 months, many bookings a month, all six kinds of work: the whole stored state (not only its months) stays
        // under PostgreSQL's ~2 kB threshold, so it is not compressed at every booking (docs/storage.md). It kept the
        // months once more per kind (spentByKind, 7-12-2026 until it was taken out again) and was ~2.7 kB for one kind.
        var state = Booked(new CashFlowPlanState { PlanInJournal = true }, new Random(15), 5_000, 72, Enum.GetValues<WorkKind>());
        var stored = JsonSerializer.Serialize(state, WarmteJson.Default);
        var old = OldForm(state);
        Assert.Equal((72, 5_000), (state.Spent.Length, state.BookingCount));
        // The size of the stored state, both forms (docs/performance.md, the write comparison).
        output.WriteLine($"stored state of a 72-month plan, 5,000 bookings: {stored.Length} bytes compact, {old.Length} bytes as the array");
        Assert.True(stored.Length < 2_000, $"{stored.Length} characters");
        Assert.True(old.Length > 2 * stored.Length, $"old {old.Length}, new {stored.Length}");
    }

    [Fact]
    public void More_bookings_in_months_already_booked_do_not_grow_the_stored_state_whatever_their_kind()
    {
        // Six years of design bookings, then as many again in the same months of every kind of work: the state keeps
        // one sum per month, so the second half adds no month and no part per kind. What may grow is a month's digits:
        // its sum and its counts per number of decimals (0, 1 and 2 here) a digit each, and a month whose bookings all had
        // two decimals may start to list its counts per decimals: bounded on average by four characters a month.
        var rng = new Random(16);
        var first = Booked(new CashFlowPlanState { PlanInJournal = true }, rng, 3_000, 72, [WorkKind.Design]);
        var second = Booked(first, rng, 3_000, 72, Enum.GetValues<WorkKind>());
        var (before, after) = (JsonSerializer.Serialize(first, WarmteJson.Default).Length, JsonSerializer.Serialize(second, WarmteJson.Default).Length);
        output.WriteLine($"72 months: {before} bytes after 3,000 design bookings, {after} after 3,000 more of every kind");
        Assert.Equal(72, first.Spent.Length);
        Assert.True(after - before <= 72 * 4, $"{before} → {after} characters");
    }

    /// <summary>The snapshot as release 61e553b and before wrote it: the months as an array of objects.</summary>
    internal static string OldForm(CashFlowPlanState state)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(JsonSerializer.Serialize(state, WarmteJson.Default))!.AsObject();
        node["spent"] = System.Text.Json.Nodes.JsonNode.Parse(JsonSerializer.Serialize(state.Spent.ToArray(), WarmteJson.Default));
        return node.ToJsonString();
    }
}
