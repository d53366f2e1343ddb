using NodaTime;
using Orleans.Storage;
using Warmte.Journal;
using Warmte.Silo.Storage;
using Warmte.Tests.Grains;

namespace Warmte.Tests.Storage;

/// <summary>The journal store on both engines, against real databases: one commit is all or nothing.</summary>
public sealed class JournalStoreTests
{
    // "postgresql-grouped": the store as the silo builds it on PostgreSQL, with group commit (PgGroupCommit).
    public static TheoryData<string> Backends => ["sqlite", "postgresql", "postgresql-grouped"];

    private static readonly Instant At = Instant.FromUtc(2026, 11, 22, 10, 0) + Duration.FromTicks(1234567);

    private static async Task<AdoNetJournalStore> Store(string backend) => backend == "postgresql-grouped"
        ? new(new Database(await GrainStorageTests.Storage("postgresql")), groupCommit: true)
        : new(new Database(await GrainStorageTests.Storage(backend)));

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

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_state_is_stored_exactly_as_written_and_repeated_commits_keep_every_refusal(string backend)
    {
        // The snapshot's state is text on both engines (postgresql/0013): a cash plan's state of several kB
        // comes back byte for byte (jsonb would reorder and respace it). On PostgreSQL the commit is a
        // prepared statement reused on the pooled connection (a generic plan after five runs): commit
        // after commit, a stale version and a taken key must still write nothing at all.
        var store = await Store(backend);
        var project = "p-" + Guid.NewGuid().ToString("N")[..8];
        var type = Warmte.CashFlow.CashFlowPlanGrain.JournalType;
        static string State(int n) => "{\"z\":" + n + ",\"spent\":[" +
            string.Join(",", Enumerable.Range(0, 120).Select(m => $"{{\"month\":\"20{20 + m / 12}-{1 + m % 12:00}\",\"amount\":{n * 1000 + m}.50,\"bookings\":{n}}}")) + "],\"a\":null}";
        Assert.True(State(1).Length > 6000); // over PostgreSQL's 2 kB threshold: stored compressed
        await store.CommitAsync(new JournalCommit(type, project, 0, 1, State(1), [Entry("spending", "2026-01", 1)], new IdempotencyRecord("k1", "f", null, 1), At));
        var committed = 1;
        for (var n = 2; n <= 24; n++)
        {
            if (n % 4 == 0) // another activation committed first: this one is refused whole
                await Assert.ThrowsAsync<InconsistentStateException>(() => store.CommitAsync(
                    new JournalCommit(type, project, committed - 1, committed + 1, State(-n), [Entry("spending", "2026-09", 900 + n)], new IdempotencyRecord("s" + n, "f", null, committed + 1), At)));
            if (n % 5 == 0) // the key was used: refused whole
                await Assert.ThrowsAsync<InconsistentStateException>(() => store.CommitAsync(
                    new JournalCommit(type, project, committed, committed + 1, State(-n), [Entry("spending", "2026-09", 900 + n)], new IdempotencyRecord("k1", "other", null, committed + 1), At)));
            await store.CommitAsync(new JournalCommit(type, project, committed, committed + 1, State(n), [Entry("spending", "2026-02", n)], new IdempotencyRecord("k" + n, "f", null, committed + 1), At));
            committed++;
            Assert.Equal(State(n), (await store.LoadAsync(type, project))!.State);
        }

        var snapshot = await store.LoadAsync(type, project);
        Assert.Equal((24L, 24L, State(24)), (snapshot!.Version, snapshot.LastSeq, snapshot.State));
        Assert.Equal(Enumerable.Range(1, 24).Select(n => (long)n), (await store.ReadAsync(type, project, new JournalQuery("spending"))).Select(r => r.Seq));
        Assert.Equal(0, await store.CountAsync(type, project, "spending", "2026-09"));
        Assert.Null(await store.FindIdempotencyAsync(type, project, "s8"));
        Assert.Equal("f", (await store.FindIdempotencyAsync(type, project, "k1"))!.Fingerprint);
        Assert.NotNull(await store.FindIdempotencyAsync(type, project, "k24"));
        Assert.Equal(24, await store.ProjectChangesAsync(project)); // counted once per commit that went in, never for a refused one
        Assert.Equal([State(24)], (await store.LoadManyAsync(type, [project])).Values.Select(s => s.State));
    }

    [Fact]
    public async Task Postgresql_0013_turns_stored_jsonb_states_into_text_and_every_grain_loads_as_before()
    {
        // A database of the release before: state jsonb. The script converts the column in place,
        // keeps every state (as jsonb wrote it out), and sets lz4 and the fillfactor on the table.
        var settings = await GrainStorageTests.Storage("postgresql");
        var database = new Database(settings);
        await using (var connection = await database.OpenAsync())
        {
            await Execute(connection, """
                ALTER TABLE warmte_snapshot RESET (fillfactor);
                ALTER TABLE warmte_snapshot ALTER COLUMN state TYPE jsonb USING state::jsonb;
                DELETE FROM warmte_schema_version WHERE version = 13;
                INSERT INTO warmte_snapshot (grain_type, grain_key, version, last_seq, state, modified_at)
                VALUES ('cashplan', 'oud', 7, 9, CAST('{"bookingCount": 9, "spent": [{"month": "2026-01", "amount": 120.50}]}' AS jsonb), '2026-01-01T00:00:00Z');
                """);
            Assert.Equal("jsonb", await Scalar(connection, "SELECT data_type FROM information_schema.columns WHERE table_name = 'warmte_snapshot' AND column_name = 'state'"));
        }
        Assert.Contains("0013_snapshot_state_text.sql", await new SchemaMigrator(database, new NodaTime.Testing.FakeClock(At), Microsoft.Extensions.Logging.Abstractions.NullLogger<SchemaMigrator>.Instance).MigrateAsync());

        await using (var connection = await database.OpenAsync())
        {
            Assert.Equal("text", await Scalar(connection, "SELECT data_type FROM information_schema.columns WHERE table_name = 'warmte_snapshot' AND column_name = 'state'"));
            Assert.Contains("fillfactor=80", await Scalar(connection, "SELECT array_to_string(reloptions, ',') FROM pg_class WHERE relname = 'warmte_snapshot'"));
            // lz4 where the server was built with it (the script falls back to the default, pglz, where not).
            var hasLz4 = await Scalar(connection, "SELECT CASE WHEN 'lz4' = ANY(enumvals) THEN 'yes' ELSE 'no' END FROM pg_settings WHERE name = 'default_toast_compression'") == "yes";
            Assert.Equal(hasLz4 ? "l" : "", await Scalar(connection, "SELECT attcompression::text FROM pg_attribute WHERE attrelid = 'warmte_snapshot'::regclass AND attname = 'state'"));
        }
        var store = new AdoNetJournalStore(database);
        var old = await store.LoadAsync("cashplan", "oud");
        Assert.Equal((7L, 9L), (old!.Version, old.LastSeq));
        var state = System.Text.Json.JsonDocument.Parse(old.State).RootElement;
        Assert.Equal(9, state.GetProperty("bookingCount").GetInt32());
        Assert.Equal("120.50", state.GetProperty("spent")[0].GetProperty("amount").GetRawText()); // the digits as stored
        // And it commits on from there.
        await store.CommitAsync(new JournalCommit("cashplan", "oud", 7, 10, """{"bookingCount":10}""", [Entry("spending", "2026-02", 10)], null, At));
        Assert.Equal((8L, """{"bookingCount":10}"""), ((await store.LoadAsync("cashplan", "oud"))!.Version, (await store.LoadAsync("cashplan", "oud"))!.State));
    }

    private static async Task Execute(System.Data.Common.DbConnection connection, string sql)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<string?> Scalar(System.Data.Common.DbConnection connection, string sql)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return (await cmd.ExecuteScalarAsync())?.ToString();
    }
}
