using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using Orleans.TestingHost;
using Warmte.CashFlow;
using Warmte.Journal;
using Warmte.Silo.Hosting;
using Warmte.Silo.Storage;
using Warmte.Tests.Grains;

namespace Warmte.Tests.CashFlow;

/// <summary>
/// Tester8 T7 and T2 on a real cluster and both real engines. The spending listing is paged by count within its months:
/// walking every page, at any page size, gives every booking once and in the order the listing has always had (made one
/// by one and corrections in the order made, a replacing month total in the place of the one it replaced, a removed
/// total gone), and a later page reads the journal from near its own start, not from the months' first row. A project has
/// no cap on its bookings: a cash plan whose state already counts 10,000 takes the next booking, a correction and a month
/// total.
/// </summary>
public sealed class SpendingPagesTests
{
    public static TheoryData<string> Backends => ["sqlite", "postgresql"];

    private static readonly FakeClock Clock = new(Instant.FromUtc(2026, 11, 22, 10, 0));

    private static async Task<(InProcessTestCluster Cluster, SpendingCorrectionReadsTests.RecordingStore Store)> Cluster(StorageSettings settings)
    {
        var store = new SpendingCorrectionReadsTests.RecordingStore(new AdoNetJournalStore(new Database(settings)));
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddWarmteGrainStorage(settings).UseInMemoryReminderService();
            silo.Services.AddSingleton<IJournalStore>(store);
        });
        builder.ConfigureSiloHost((_, host) => host.Services.AddSingleton<IClock>(Clock));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return (cluster, store);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Walking_every_page_gives_every_booking_once_in_the_listings_order(string backend)
    {
        var settings = await GrainStorageTests.Storage(backend);
        var (cluster, store) = await Cluster(settings);
        try
        {
            var plan = cluster.Client.GetGrain<ICashFlowPlanGrain>("pagina-net");
            // The listing as the API has always described it, kept here by hand: a booking or a new month total goes to the
            // end, a replacing total takes the place of the one it replaces, a removed total leaves.
            var expected = new List<(string Id, YearMonth Month, decimal Amount)>();
            async Task Total(int month, string kind, decimal amount)
            {
                var outcome = await plan.SetTotals([new MonthTotal { Month = new YearMonth(2025, month), Kind = kind, Amount = amount }], "bestuur");
                Assert.True(outcome.IsOk, outcome.Refusal?.ToString());
                var id = ActualCash.TotalId(new YearMonth(2025, month), ActualCash.ParseKind(kind)!.Value);
                var at = expected.FindIndex(b => b.Id == id);
                if (amount == 0m) expected.RemoveAt(at);
                else if (at >= 0) expected[at] = (id, new YearMonth(2025, month), amount);
                else expected.Add((id, new YearMonth(2025, month), amount));
            }

            string? corrected = null;
            for (var i = 0; i < 60; i++)
            {
                // Months interleaved (2025-01 … 2025-06 in turn), so the order made is not the order of the months.
                var month = new YearMonth(2025, 1 + i * 5 % 6);
                var booked = await plan.Book(new BookSpending { Month = month, Kind = i % 2 == 0 ? "Advisers" : "Organisation", Amount = 100m + i }, "bestuur", null);
                Assert.True(booked.IsOk);
                expected.Add((booked.Value!.Id, month, 100m + i));
                if (i == 3) corrected = booked.Value.Id;
                if (i == 10) await Total(2, "communicatie", 500m);          // a new total: at the end
                if (i == 15)
                {
                    var correction = await plan.Correct(corrected!, new CorrectSpending { Amount = 90m, Reason = "factuur was lager" }, "bestuur", null);
                    Assert.True(correction.IsOk);
                    expected.Add((correction.Value!.Id, correction.Value.Month, correction.Value.Amount));
                }
                if (i == 20) await Total(2, "communicatie", 600m);          // replaces it, in its place
                if (i == 25) await Total(3, "ontwerp", 700m);
                if (i == 30) await Total(3, "ontwerp", 0m);                // removed
                if (i == 35) await Total(3, "ontwerp", 800m);              // set again: at the end of then
                if (i == 40) await Total(5, "communicatie", 900m);
            }
            Assert.Equal(64, expected.Count); // 60 bookings, a correction, three month totals standing

            foreach (var size in new[] { 1, 7, 50, 200 })
            {
                var walked = new List<SpendingBooking>();
                for (var page = 1; ; page++)
                {
                    var listing = (await plan.Spending(null, new YearMonth(2025, 1), new YearMonth(2025, 6), page, size)).Value!;
                    Assert.Equal((expected.Count, page, size), (listing.Total, listing.Page, listing.PageSize));
                    Assert.Equal((expected.Count, expected.Sum(b => b.Amount)), (listing.TotalBookings, listing.TotalAmount));
                    walked.AddRange(listing.Items);
                    if (!listing.HasNextPage) { Assert.True((long)page * size >= expected.Count); break; }
                    Assert.Equal(size, listing.Items.Length);
                }
                Assert.Equal(expected.Select(b => (b.Id, b.Month, b.Amount)), walked.Select(b => (b.Id, b.Month, b.Amount)));
                // After the last page: nothing, and nothing read.
                store.Reads.Clear();
                Assert.Empty((await plan.Spending(null, new YearMonth(2025, 1), new YearMonth(2025, 6), expected.Count / size + 2, size)).Value!.Items);
                Assert.Empty(store.Reads);
            }

            // One month, paged the same way: that month's part of the list, in the same order.
            var february = new List<SpendingBooking>();
            for (var page = 1; page <= 6; page++)
                february.AddRange((await plan.Spending(new YearMonth(2025, 2), null, null, page, 3)).Value!.Items);
            Assert.Equal(expected.Where(b => b.Month == new YearMonth(2025, 2)).Select(b => b.Id), february.Select(b => b.Id));

            // A later page reads all month-total rows (a handful) and of the rest only a window near the page: page 5 of 7
            // skips 28 bookings; three totals stand, so at most three of the rows before it are read, from row 25 on.
            store.Reads.Clear();
            var fifth = (await plan.Spending(null, new YearMonth(2025, 1), new YearMonth(2025, 6), 5, 7)).Value!;
            Assert.Equal(expected.Skip(28).Take(7).Select(b => b.Id), fifth.Items.Select(b => b.Id));
            Assert.Equal(["totals 2025-01..2025-06", "single 2025-01..2025-06 from 25 take 10"], store.Reads);

            // The default: the first page of 50.
            var first = (await plan.Spending(null, null, null)).Value!;
            Assert.Equal((1, 50, 64, true), (first.Page, first.PageSize, first.Total, first.HasNextPage));
            Assert.Equal(expected.Take(50).Select(b => b.Id), first.Items.Select(b => b.Id));
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_project_that_counts_ten_thousand_bookings_takes_the_next_booking_a_correction_and_a_month_total(string backend)
    {
        var settings = await GrainStorageTests.Storage(backend);
        var raw = new AdoNetJournalStore(new Database(settings));
        // A cash plan whose state counts 10,000 bookings (the old cap), committed as the grain commits it; one of them is in
        // the journal, to correct. Writing the other 9,999 would only make the test slow: the rules see the state's count.
        var typo = new SpendingFact(SpendingChange.Booked, new SpendingBooking
        {
            Id = "b-tikfout", Month = new YearMonth(2026, 10), Kind = WorkKind.Advisers, Amount = 850_000m, BookedBy = "bestuur",
            BookedAt = Instant.FromUtc(2026, 10, 30, 9, 0),
        });
        var state = new CashFlowPlanState().With([typo]) with { BookingCount = 10_000 };
        await raw.CommitAsync(new JournalCommit("cashplan", "vol-net", 0, 1,
            System.Text.Json.JsonSerializer.Serialize(state, Warmte.Serialization.WarmteJson.Default), [CashFlowPlanGrain.SpendingEntry(typo)], null, Clock.GetCurrentInstant()));

        var (cluster, _) = await Cluster(settings);
        try
        {
            var plan = cluster.Client.GetGrain<ICashFlowPlanGrain>("vol-net");
            var booked = await plan.Book(new BookSpending { Month = new YearMonth(2026, 11), Kind = "ontwerp", Amount = 1_234.56m }, "bestuur", "boeking-10001");
            Assert.True(booked.IsOk, booked.Refusal?.ToString());
            var corrected = await plan.Correct("b-tikfout", new CorrectSpending { Amount = 85_000m, Reason = "tikfout" }, "bestuur", "correctie-1");
            Assert.True(corrected.IsOk, corrected.Refusal?.ToString());
            Assert.Equal(-765_000m, corrected.Value!.Amount);
            var total = await plan.SetTotals([new MonthTotal { Month = new YearMonth(2026, 9), Kind = "communicatie", Amount = 2_500m }], "bestuur");
            Assert.True(total.IsOk, total.Refusal?.ToString());

            var stored = JsonNode.Parse((await raw.LoadAsync("cashplan", "vol-net"))!.State)!.AsObject();
            Assert.Equal(10_003, stored["bookingCount"]!.GetValue<int>());
            Assert.Equal(850_000m - 765_000m + 1_234.56m + 2_500m, (await plan.Position(new YearMonth(2026, 11))).TotalSpent);
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }
}
