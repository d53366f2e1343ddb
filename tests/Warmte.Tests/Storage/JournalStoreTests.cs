using NodaTime;
using Orleans.Storage;
using Warmte.Journal;
using Warmte.Silo.Storage;
using Warmte.Tests.Grains;

namespace Warmte.Tests.Storage;

/// <summary>The journal store on both engines, against real databases: one commit is all or nothing.</summary>
public sealed class JournalStoreTests
{
    public static TheoryData<string> Backends => ["sqlite", "postgresql"];

    private static readonly Instant At = Instant.FromUtc(2026, 11, 22, 10, 0) + Duration.FromTicks(1234567);

    private static async Task<AdoNetJournalStore> Store(string backend) =>
        new(new Database(await GrainStorageTests.Storage(backend)));

    private static JournalAppend Entry(string kind, string? tag, int n) =>
        new(kind, tag, At + Duration.FromSeconds(n), n % 2 == 0 ? "bestuur" : null, $$"""{"n":{{n}},"amount":120.50}""");

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_commit_stores_state_entries_and_key_and_reads_page_by_kind_and_tag(string backend)
    {
        var store = await Store(backend);
        Assert.Null(await store.LoadAsync("t", "p1"));
        await store.CommitAsync(new JournalCommit("t", "p1", 0, 1, """{"count":2}""",
            [Entry("spending", "2025-01", 1), Entry("audit", null, 2)], new IdempotencyRecord("k1", "f1", """{"id":"b-1"}""", 1), At));
        await store.CommitAsync(new JournalCommit("t", "p1", 1, 3, """{"count":4}""",
            [Entry("spending", "2025-02", 3), Entry("spending", "2025-01", 4)], null, At));

        var snapshot = await store.LoadAsync("t", "p1");
        Assert.Equal(2, snapshot!.Version);
        Assert.Equal(4, snapshot.LastSeq);
        Assert.Equal(4, System.Text.Json.JsonDocument.Parse(snapshot.State).RootElement.GetProperty("count").GetInt32());

        var spending = await store.ReadAsync("t", "p1", new JournalQuery("spending"));
        Assert.Equal([1L, 3, 4], spending.Select(r => r.Seq));
        Assert.Equal(At + Duration.FromSeconds(1), spending[0].At); // the instant to the tick, on both engines
        Assert.Null(spending[0].Actor);
        Assert.Contains("120.50", spending[0].Payload); // jsonb keeps the decimals as written
        Assert.Equal([4L, 1], (await store.ReadAsync("t", "p1", new JournalQuery("spending", "2025-01", NewestFirst: true))).Select(r => r.Seq));
        Assert.Equal([3L], (await store.ReadAsync("t", "p1", new JournalQuery("spending", NewestFirst: true, Skip: 1, Take: 1))).Select(r => r.Seq));
        Assert.Equal(3, await store.CountAsync("t", "p1", "spending"));
        Assert.Equal(2, await store.CountAsync("t", "p1", "spending", "2025-01"));
        Assert.Equal(0, await store.CountAsync("t", "p2", "spending"));

        var key = await store.FindIdempotencyAsync("t", "p1", "k1");
        Assert.Equal(("f1", 1L), (key!.Fingerprint, key.Seq!.Value));
        Assert.Contains("b-1", key.Answer);
        Assert.Null(await store.FindIdempotencyAsync("t", "p1", "k2"));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_stale_version_or_a_taken_key_writes_nothing_at_all(string backend)
    {
        var store = await Store(backend);
        await store.CommitAsync(new JournalCommit("t", "p1", 0, 1, """{"v":1}""", [Entry("audit", null, 1)], new IdempotencyRecord("k1", "f", null, 1), At));

        // A second first commit, a commit on a stale version, a commit with a key already used:
        // each refused as a conflict, and none of its rows stays behind.
        await Assert.ThrowsAsync<InconsistentStateException>(() => store.CommitAsync(
            new JournalCommit("t", "p1", 0, 1, """{"v":"x"}""", [Entry("audit", null, 9)], null, At)));
        await store.CommitAsync(new JournalCommit("t", "p1", 1, 2, """{"v":2}""", [Entry("audit", null, 2)], null, At));
        await Assert.ThrowsAsync<InconsistentStateException>(() => store.CommitAsync(
            new JournalCommit("t", "p1", 1, 3, """{"v":"stale"}""", [Entry("audit", null, 9)], new IdempotencyRecord("k2", "f", null, 3), At)));
        await Assert.ThrowsAsync<InconsistentStateException>(() => store.CommitAsync(
            new JournalCommit("t", "p1", 2, 3, """{"v":"dup"}""", [Entry("audit", null, 9)], new IdempotencyRecord("k1", "other", null, 3), At)));

        var snapshot = await store.LoadAsync("t", "p1");
        Assert.Equal((2L, 2L), (snapshot!.Version, snapshot.LastSeq));
        Assert.DoesNotContain("stale", snapshot.State);
        Assert.DoesNotContain("dup", snapshot.State);
        Assert.Equal([1L, 2], (await store.ReadAsync("t", "p1", new JournalQuery("audit"))).Select(r => r.Seq));
        Assert.Null(await store.FindIdempotencyAsync("t", "p1", "k2"));
        Assert.Equal("f", (await store.FindIdempotencyAsync("t", "p1", "k1"))!.Fingerprint);

        // The next commit on the current version goes through.
        await store.CommitAsync(new JournalCommit("t", "p1", 2, 3, """{"v":3}""", [Entry("audit", null, 3)], new IdempotencyRecord("k2", "f", null, 3), At));
        Assert.Equal(3, (await store.LoadAsync("t", "p1"))!.Version);
    }
}
