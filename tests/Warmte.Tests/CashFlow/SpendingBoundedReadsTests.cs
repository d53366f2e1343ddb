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
/// The last reads of every booking of a project are gone (issue 15): the bookings listing reads a range of months from
/// the journal by tag, and the budget sheet folds the spending per month and kind from the journal a year of booked
/// months at a time (the state keeps nothing per kind). Real cluster, both real engines, the reads recorded on their way
/// to the store.
/// </summary>
public sealed class SpendingBoundedReadsTests
{
    public static TheoryData<string> Backends => ["sqlite", "postgresql"];

    private static readonly FakeClock Clock = new(Instant.FromUtc(2026, 11, 22, 10, 0));

    private static async Task<(InProcessTestCluster Cluster, SpendingCorrectionReadsTests.RecordingStore Store)> Cluster(Warmte.Silo.Storage.StorageSettings settings)
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

    private static SpendingFact Fact(SpendingChange change, string id, int year, int month, WorkKind kind, decimal amount, SpendingBooking? replaced = null, string? corrects = null) =>
        new(change, new SpendingBooking
        {
            Id = id, Month = new YearMonth(year, month), Kind = kind, Amount = amount, BookedBy = "bestuur",
            BookedAt = Instant.FromUtc(2025, 6, 1, 9, 0), Corrects = corrects,
        }, replaced);

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_snapshot_holding_spending_per_kind_still_loads_and_the_budget_sheet_folds_the_journal_in_pages_of_months(string backend)
    {
        var settings = await GrainStorageTests.Storage(backend);
        var raw = new AdoNetJournalStore(new Database(settings));
        // The journal rows and the snapshot as the build of 7-12-2026 wrote them: months, count and spentByKind.
        var total = Fact(SpendingChange.TotalSet, "t-2025-02-organisation", 2025, 2, WorkKind.Organisation, 2_000m);
        SpendingFact[] facts =
        [
            Fact(SpendingChange.Booked, "b-1", 2025, 1, WorkKind.Design, 120.5m),
            Fact(SpendingChange.Booked, "b-2", 2025, 1, WorkKind.Design, 0.50m),
            Fact(SpendingChange.Booked, "b-3", 2025, 1, WorkKind.Advisers, 85_000m),
            Fact(SpendingChange.Booked, "c-1", 2025, 1, WorkKind.Advisers, -5_000.01m, corrects: "b-3"),
            total,
            Fact(SpendingChange.TotalSet, "t-2025-02-organisation", 2025, 2, WorkKind.Organisation, 2_500.25m, replaced: total.Booking),
            Fact(SpendingChange.TotalSet, "t-2025-02-design", 2025, 2, WorkKind.Design, 10m),
            Fact(SpendingChange.TotalRemoved, "t-2025-02-design", 2025, 2, WorkKind.Design, 10m),
            Fact(SpendingChange.Booked, "b-4", 2025, 3, WorkKind.Communication, 99.99m),
        ];
        var oldJson = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(new CashFlowPlanState().With(facts), Warmte.Serialization.WarmteJson.Default))!.AsObject();
        oldJson["spentByKind"] = JsonNode.Parse("""
            {"Design":"2025-01 121.00 0/1/1","Advisers":"2025-01 79999.99 1/0/1","Communication":"2025-03 99.99 1","Organisation":"2025-02 2500.25 1"}
            """);
        await raw.CommitAsync(new JournalCommit("cashplan", "oud-soort", 0, 1, oldJson.ToJsonString(), [.. facts.Select(CashFlowPlanGrain.SpendingEntry)], null, Clock.GetCurrentInstant()));

        var (cluster, store) = await Cluster(settings);
        try
        {
            var plan = cluster.Client.GetGrain<ICashFlowPlanGrain>("oud-soort");
            // As the bookings stand, summed here by month and kind: January design 120.5 + 0.50, advisers 85,000 − 5,000.01;
            // February organisation the replacing total, the design total removed; March communication.
            (YearMonth, WorkKind, string)[] expected =
            [
                (new YearMonth(2025, 1), WorkKind.Design, "121.00"), (new YearMonth(2025, 1), WorkKind.Advisers, "79999.99"),
                (new YearMonth(2025, 2), WorkKind.Organisation, "2500.25"), (new YearMonth(2025, 3), WorkKind.Communication, "99.99"),
            ];
            static string Text(decimal d) => d.ToString(System.Globalization.CultureInfo.InvariantCulture);
            // The snapshot loads (its spending per month answers) and the sheet reads the journal, one page of months.
            Assert.Equal(85_000m + 120.5m + 0.50m - 5_000.01m + 2_500.25m + 99.99m, (await plan.Position(new YearMonth(2025, 6))).TotalSpent);
            var first = await plan.SpendingByKind();
            Assert.Equal(expected, first.Select(r => (r.Month, r.Kind, Text(r.Amount))));
            Assert.Equal(["range 2025-01..2025-03"], store.Reads);

            // The next commit writes the state without it; the sheet follows the new booking, read again from the journal.
            store.Reads.Clear();
            Assert.True((await plan.Book(new BookSpending { Month = new YearMonth(2025, 3), Kind = "Communication", Amount = 0.01m }, "bestuur", null)).IsOk);
            var stored = JsonNode.Parse((await raw.LoadAsync("cashplan", "oud-soort"))!.State)!.AsObject();
            Assert.False(stored.ContainsKey("spentByKind"), stored.ToJsonString());
            Assert.Equal(7, stored["bookingCount"]!.GetValue<int>()); // six standing before, and this one
            await cluster.DeactivateAsync(plan);
            var second = await plan.SpendingByKind();
            Assert.Equal(["range 2025-01..2025-03"], store.Reads);
            Assert.Equal("100.00", Text(second.Single(r => r.Kind == WorkKind.Communication).Amount));
            // To the cent: the rows add up to the spending the cash position counts.
            Assert.Equal((await plan.Position(new YearMonth(2025, 6))).TotalSpent, second.Sum(r => r.Amount));
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task The_budget_sheet_reads_a_year_of_booked_months_at_a_time_never_every_booking_at_once(string backend)
    {
        var settings = await GrainStorageTests.Storage(backend);
        var (cluster, store) = await Cluster(settings);
        try
        {
            var plan = cluster.Client.GetGrain<ICashFlowPlanGrain>("blad-pagina");
            // 30 booked months: 2022-01 … 2022-06, a year and a half without, 2024-01 … 2025-12; a design and an adviser
            // booking a month, and in 2024-05 a correction of the design booking.
            var months = Enumerable.Range(0, 6).Select(i => new YearMonth(2022, 1).PlusMonths(i))
                .Concat(Enumerable.Range(0, 24).Select(i => new YearMonth(2024, 1).PlusMonths(i))).ToList();
            string? corrected = null;
            foreach (var month in months)
            {
                var design = (await plan.Book(new BookSpending { Month = month, Kind = "Design", Amount = 1_000m }, "bestuur", null)).Value!;
                Assert.True((await plan.Book(new BookSpending { Month = month, Kind = "Advisers", Amount = 250.25m }, "bestuur", null)).IsOk);
                if (month == new YearMonth(2024, 5)) corrected = design.Id;
            }
            Assert.True((await plan.Correct(corrected!, new CorrectSpending { Amount = 900m, Reason = "factuur was lager" }, "bestuur", null)).IsOk);
            store.Reads.Clear();

            var rows = await plan.SpendingByKind();
            // Twelve booked months a read, the stall inside the first; no read of every month.
            Assert.Equal(["range 2022-01..2024-06", "range 2024-07..2025-06", "range 2025-07..2025-12"], store.Reads);
            Assert.Equal(60, rows.Length);
            Assert.Equal(months.SelectMany(m => new[] { (m, WorkKind.Design), (m, WorkKind.Advisers) }), rows.Select(r => (r.Month, r.Kind)));
            Assert.Equal(900m, rows.Single(r => r.Month == new YearMonth(2024, 5) && r.Kind == WorkKind.Design).Amount);
            Assert.All(rows.Where(r => r.Kind == WorkKind.Advisers), r => Assert.Equal((250.25m, 1), (r.Amount, r.Bookings)));
            Assert.Equal(30 * 1_000m - 100m + 30 * 250.25m, rows.Sum(r => r.Amount));
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task The_listing_reads_a_range_of_months_by_tag_never_every_booking(string backend)
    {
        var settings = await GrainStorageTests.Storage(backend);
        var (cluster, store) = await Cluster(settings);
        try
        {
            var plan = cluster.Client.GetGrain<ICashFlowPlanGrain>("lijst-bereik");
            // 30 booked months: 2022-01 … 2022-06, a year and a half without, 2024-01 … 2025-12; two bookings a month.
            var months = Enumerable.Range(0, 6).Select(i => new YearMonth(2022, 1).PlusMonths(i))
                .Concat(Enumerable.Range(0, 24).Select(i => new YearMonth(2024, 1).PlusMonths(i))).ToList();
            foreach (var month in months)
                for (var i = 0; i < 2; i++)
                    Assert.True((await plan.Book(new BookSpending { Month = month, Kind = "Design", Amount = 10m + i }, "bestuur", null)).IsOk);
            store.Reads.Clear();

            var recent = (await plan.Spending(null, null, null)).Value!;
            Assert.Equal((new YearMonth(2024, 1), new YearMonth(2025, 12), new YearMonth(2023, 12), (YearMonth?)null), (recent.From, recent.To, recent.EarlierTo, recent.LaterFrom));
            Assert.Equal(48, recent.Items.Length);
            Assert.All(recent.Items, b => Assert.True(b.Month >= new YearMonth(2024, 1)));
            Assert.Equal((60, 60 * 10m + 30 * 1m), (recent.TotalBookings, recent.TotalAmount));
            Assert.Equal(["totals 2024-01..2025-12", "single 2024-01..2025-12 from 0 take 50"], store.Reads);

            store.Reads.Clear();
            var earlier = (await plan.Spending(null, null, recent.EarlierTo)).Value!;
            Assert.Equal((new YearMonth(2022, 1), new YearMonth(2023, 12), (YearMonth?)null, new YearMonth(2024, 1)), (earlier.From, earlier.To, earlier.EarlierTo, earlier.LaterFrom));
            Assert.Equal(12, earlier.Items.Length);
            Assert.Equal(["totals 2022-01..2023-12", "single 2022-01..2023-12 from 0 take 50"], store.Reads);

            // One month is that month's tag range; a range too wide is refused before anything is read.
            store.Reads.Clear();
            Assert.Equal(2, (await plan.Spending(new YearMonth(2022, 3), null, null)).Value!.Items.Length);
            var wide = await plan.Spending(null, new YearMonth(2015, 1), new YearMonth(2025, 12));
            Assert.Equal("to", Assert.Single(wide.Refusal!.Errors).Field);
            Assert.Equal(["totals 2022-03..2022-03", "single 2022-03..2022-03 from 0 take 50"], store.Reads);
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }
}
