using NodaTime;
using Warmte.Journal;
using Warmte.Silo.Storage;
using Warmte.Tests.Grains;

namespace Warmte.Tests.Storage;

/// <summary>
/// The journal store's two narrow reads, on both engines against real databases: a spending row by its booking's id
/// (a correction's one indexed lookup instead of every booking) and the snapshot versions of several grains in one
/// query (what the gate evidence is kept by).
/// </summary>
public sealed class JournalLookupTests
{
    public static TheoryData<string> Backends => ["sqlite", "postgresql"];

    private static readonly Instant At = Instant.FromUtc(2026, 11, 22, 10, 0);

    private static async Task<(AdoNetJournalStore Store, Database Database)> Store(string backend)
    {
        var database = new Database(await GrainStorageTests.Storage(backend));
        return (new AdoNetJournalStore(database), database);
    }

    private static JournalAppend Spending(string change, string id, string month, decimal amount) =>
        new("spending", month, At, "bestuur", $$$"""{"change":"{{{change}}}","booking":{"id":"{{{id}}}","month":"{{{month}}}","kind":"Advisers","amount":{{{amount.ToString(System.Globalization.CultureInfo.InvariantCulture)}}},"bookedBy":"bestuur","bookedAt":"2026-11-22T10:00:00Z"}}""");

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_booking_is_found_by_its_id_within_its_own_grain_and_kind_only(string backend)
    {
        var (store, _) = await Store(backend);
        await store.CommitAsync(new JournalCommit("cashplan", "p1", 0, 1, "{}",
        [
            Spending("Booked", "b-1", "2026-09", 100m), Spending("Booked", "b-2", "2026-10", 200m),
            Spending("TotalSet", "t-2026-10-Design", "2026-10", 50m),
        ], null, At));
        await store.CommitAsync(new JournalCommit("cashplan", "p1", 1, 4, "{}",
        [
            Spending("TotalSet", "t-2026-10-Design", "2026-10", 60m), Spending("Booked", "c-1", "2026-10", -20m),
            // Another kind whose payload has the same shape is not a booking.
            new("audit", null, At, null, """{"booking":{"id":"b-audit"}}"""),
        ], null, At));
        await store.CommitAsync(new JournalCommit("cashplan", "p2", 0, 1, "{}", [Spending("Booked", "b-3", "2026-11", 300m)], null, At));

        var found = await store.FindBookingAsync("cashplan", "p1", "b-2");
        Assert.Equal((2L, "spending", "2026-10"), (found!.Seq, found.Kind, found.Tag));
        Assert.Contains("\"b-2\"", found.Payload);
        Assert.Equal("2026-10", (await store.FindBookingAsync("cashplan", "p1", "t-2026-10-Design"))!.Tag); // a total set twice: its month
        Assert.Equal(5L, (await store.FindBookingAsync("cashplan", "p1", "c-1"))!.Seq);
        Assert.Null(await store.FindBookingAsync("cashplan", "p1", "b-3")); // another project's booking
        Assert.Null(await store.FindBookingAsync("cashplan", "p1", "b-audit"));
        Assert.Null(await store.FindBookingAsync("cashplan", "p1", "b-bestaat-niet"));
        Assert.Null(await store.FindBookingAsync("cashplan", "p1", "' OR 1=1 --"));
        Assert.Equal(1L, (await store.FindBookingAsync("cashplan", "p2", "b-3"))!.Seq);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task The_lookup_is_answered_by_the_booking_index(string backend)
    {
        var (store, database) = await Store(backend);
        // Enough rows of a few projects that a scan would be the wrong plan.
        for (var p = 0; p < 4; p++)
            await store.CommitAsync(new JournalCommit("cashplan", $"p{p}", 0, 1, "{}",
                [.. Enumerable.Range(0, 300).Select(i => Spending("Booked", $"b-{p}-{i}", $"2026-{1 + i % 12:00}", i))], null, At));
        await using var connection = await database.OpenAsync();
        if (database.IsPostgres)
            await using (var analyze = connection.CreateCommand())
            {
                analyze.CommandText = "ANALYZE warmte_journal";
                await analyze.ExecuteNonQueryAsync();
            }
        await using var explain = connection.CreateCommand();
        explain.CommandText = (database.IsPostgres ? "EXPLAIN " : "EXPLAIN QUERY PLAN ") + AdoNetJournalStore.FindBookingSql(database.IsPostgres);
        Database.Parameter(explain, "type", "cashplan");
        Database.Parameter(explain, "key", "p2");
        Database.Parameter(explain, "id", "b-2-150");
        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                plan.Add(reader.GetValue(reader.FieldCount - 1)?.ToString() ?? "");
        Assert.Contains(plan, line => line.Contains("ix_warmte_journal_booking", StringComparison.Ordinal));
        Assert.Equal("2026-07", (await store.FindBookingAsync("cashplan", "p2", "b-2-150"))!.Tag);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Snapshot_versions_come_in_the_order_asked_with_zero_for_a_grain_never_committed(string backend)
    {
        var (store, _) = await Store(backend);
        await store.CommitAsync(new JournalCommit("alv", "coop", 0, 1, "{}", [], null, At));
        await store.CommitAsync(new JournalCommit("alv", "coop", 1, 1, "{}", [], null, At));
        await store.CommitAsync(new JournalCommit("consent", "p1", 0, 1, "{}", [], null, At));
        // Same key, other type: not confused.
        await store.CommitAsync(new JournalCommit("consent", "coop", 0, 1, "{}", [], null, At));

        Assert.Equal([2L, 1L, 0L], await store.SnapshotVersionsAsync([("alv", "coop"), ("consent", "p1"), ("consent", "p2")]));
        Assert.Equal([1L, 2L], await store.SnapshotVersionsAsync([("consent", "p1"), ("alv", "coop")]));
        await store.CommitAsync(new JournalCommit("consent", "p1", 1, 1, "{}", [], null, At));
        Assert.Equal([2L, 2L], await store.SnapshotVersionsAsync([("alv", "coop"), ("consent", "p1")]));
        Assert.Empty(await store.SnapshotVersionsAsync([]));
    }
}
