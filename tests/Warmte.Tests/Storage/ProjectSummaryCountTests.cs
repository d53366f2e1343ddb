using NodaTime;
using Npgsql;
using Warmte.Journal;
using Warmte.Silo.Storage;
using Warmte.Tests.Grains;

namespace Warmte.Tests.Storage;

/// <summary>
/// Every journal commit of a project's grains counts itself on the project's summary row
/// (warmte_project_summary.changes, docs/storage.md "Project summaries"). On PostgreSQL that count
/// must be an update in place on the row's page (HOT): while the row is stale anyway, a commit
/// changes no value any index refers to. Before postgresql/0019 the partial index of unsettled rows
/// named `changes` in its predicate, so every booking wrote a new row version with an entry in each of
/// the table's three indexes (measured under load: 188,425 updates, 1 in place). A schema change that
/// brings that back fails here.
/// </summary>
public sealed class ProjectSummaryCountTests
{
    private static readonly Instant At = Instant.FromUtc(2026, 12, 7, 2, 0);

    [Fact]
    public async Task A_commit_while_the_summary_is_stale_updates_the_row_in_place_and_stale_follows_the_counts()
    {
        var settings = await GrainStorageTests.Storage("postgresql");
        var store = new AdoNetJournalStore(new Database(settings));
        const string project = "hot-project";

        // 20 bookings (the first inserts the placeholder row), a summary computed, 20 more.
        var version = 0L;
        async Task Book(int n)
        {
            await store.CommitAsync(new JournalCommit("cashplan", project, version, version + 1, $$"""{"v":{{version + 1}}}""",
                [new JournalAppend("spending", "2026-12", At + Duration.FromSeconds(n), "bestuur", $$"""{"n":{{n}}}""")],
                new IdempotencyRecord("k" + n, "f", null, version + 1), At));
            version++;
        }
        for (var n = 1; n <= 20; n++) await Book(n);
        Assert.Equal((20L, 0L, true), await Row(settings, project));

        var changes = await store.ProjectChangesAsync(project);
        await store.WriteProjectSummaryAsync(project, "coop", new LocalDate(2026, 12, 7), [1, 2, 3], changes, At, funders: ["paw"]);
        Assert.Equal((20L, 20L, false), await Row(settings, project));
        // A current, indexed row is not in the partial index's set; the portfolio reads it through the funder index.
        Assert.Empty(await store.ReadUnindexedProjectSummariesAsync(null, 10));

        for (var n = 21; n <= 40; n++) await Book(n);
        Assert.Equal((40L, 20L, true), await Row(settings, project));
        var read = await store.ReadFunderProjectSummariesAsync("other-funder");
        Assert.Contains(read.Rows, r => r.ProjectId == project && r.Stale); // stale: read by every funder until recomputed

        // 39 commits updated the row and the summary write once: 40 updates. Not in place: the summary write
        // (computed and the funder stamp change) and the first commit after it (stale turns true) — 2.
        var (updates, inPlace) = await UpdateCounts(settings, expectedUpdates: 40);
        Assert.Equal(40, updates);
        Assert.True(updates - inPlace <= 2, $"{updates} updates of the summary row, only {inPlace} in place (HOT)");
    }

    private static async Task<NpgsqlConnection> Open(StorageSettings settings)
    {
        var connection = new NpgsqlConnection(settings.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task<(long Changes, long Computed, bool Stale)> Row(StorageSettings settings, string project)
    {
        await using var connection = await Open(settings);
        await using var cmd = new NpgsqlCommand("SELECT changes, computed, stale FROM warmte_project_summary WHERE project_id = @p", connection);
        cmd.Parameters.AddWithValue("p", project);
        await using var reader = await cmd.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetBoolean(2));
    }

    /// <summary>
    /// The table's update counts from the statistics; every backend reports its counts when it goes
    /// idle, at most once a second (and after 10 s at the latest), so they are polled until complete.
    /// </summary>
    private static async Task<(long Updates, long InPlace)> UpdateCounts(StorageSettings settings, long expectedUpdates)
    {
        NpgsqlConnection.ClearAllPools(); // closed connections report their counts as they end
        (long, long) counts = default;
        for (var i = 0; i < 150; i++)
        {
            await using var connection = await Open(settings);
            await using var cmd = new NpgsqlCommand(
                "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = 'warmte_project_summary'", connection);
            await using var reader = await cmd.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            counts = (reader.GetInt64(0), reader.GetInt64(1));
            if (counts.Item1 >= expectedUpdates) return counts;
            await Task.Delay(100);
        }
        return counts;
    }
}
