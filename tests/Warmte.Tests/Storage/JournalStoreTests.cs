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
    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_commit_of_a_cash_plan_counts_once_on_its_project_summary_and_a_refused_one_not_at_all(string backend)
    {
        // On PostgreSQL a commit without current rows is one statement (the rows inserted FROM the snapshot's update):
        // the journal rows, the key and the summary count exist exactly when the snapshot moved.
        var store = await Store(backend);
        var project = "p-" + Guid.NewGuid().ToString("N")[..8];
        var type = Warmte.CashFlow.CashFlowPlanGrain.JournalType;
        await store.CommitAsync(new JournalCommit(type, project, 0, 1, """{"n":1}""", [Entry("spending", "2026-01", 1)], new IdempotencyRecord("k1", "f1", """{"id":"b-1"}""", 1), At));
        await store.CommitAsync(new JournalCommit(type, project, 1, 2, """{"n":2}""", [Entry("spending", "2026-02", 2), Entry("spending", "2026-02", 3)], null, At));
        Assert.Equal(2, await store.ProjectChangesAsync(project));

        await Assert.ThrowsAsync<InconsistentStateException>(() => store.CommitAsync(     // stale version
            new JournalCommit(type, project, 1, 4, """{"n":"stale"}""", [Entry("spending", "2026-03", 9)], new IdempotencyRecord("k2", "f2", null, 4), At)));
        await Assert.ThrowsAsync<InconsistentStateException>(() => store.CommitAsync(     // the key is taken: nothing of it stays
            new JournalCommit(type, project, 2, 4, """{"n":"dup"}""", [Entry("spending", "2026-03", 9)], new IdempotencyRecord("k1", "other", null, 4), At)));
        await Assert.ThrowsAsync<InconsistentStateException>(() => store.CommitAsync(     // a second first commit
            new JournalCommit(type, project, 0, 1, """{"n":"first"}""", [Entry("spending", "2026-03", 9)], null, At)));

        Assert.Equal(2, await store.ProjectChangesAsync(project));
        var snapshot = await store.LoadAsync(type, project);
        Assert.Equal((2L, 3L, """{"n": 2}""".Replace(" ", "")), (snapshot!.Version, snapshot.LastSeq, snapshot.State.Replace(" ", "")));
        Assert.Equal([1L, 2, 3], (await store.ReadAsync(type, project, new JournalQuery("spending"))).Select(r => r.Seq));
        Assert.Equal(["2026-01", "2026-02", "2026-02"], (await store.ReadAsync(type, project, new JournalQuery("spending"))).Select(r => r.Tag));
        Assert.Null(await store.FindIdempotencyAsync(type, project, "k2"));
        var key = await store.FindIdempotencyAsync(type, project, "k1");
        Assert.Equal(("f1", 1L), (key!.Fingerprint, key.Seq));
        Assert.Contains("b-1", key.Answer);
        Assert.Equal(120.50m, System.Text.Json.JsonDocument.Parse((await store.ReadAsync(type, project, new JournalQuery("spending", "2026-01")))[0].Payload)
            .RootElement.GetProperty("amount").GetDecimal());
    }
}
