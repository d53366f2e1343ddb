using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using NodaTime.Testing;
using Npgsql;
using Warmte.Journal;
using Warmte.Silo.Storage;
using Warmte.Tests.Grains;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Storage;

/// <summary>
/// The journal store's count by tag prefix (the online marks of one meeting, tag "meeting/member"), against real
/// databases: SQLite, PostgreSQL, and PostgreSQL in a database whose default collation is Dutch (ICU nl-NL), where a
/// range on tag in the database's own order would skip or add tags. Ids with '%' and '_' (LIKE's wildcards) count as
/// the characters they are.
/// </summary>
public sealed class JournalTagPrefixTests
{
    public static TheoryData<string> Backends => ["sqlite", "postgresql", "postgresql-nl"];

    private static readonly Instant At = Instant.FromUtc(2026, 11, 22, 10, 0);

    private static async Task<Database> DatabaseFor(string backend)
    {
        if (backend != "postgresql-nl") return new Database(await GrainStorageTests.Storage(backend));
        var server = await PostgresServer.GetAsync();
        var name = "wt_nl_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(server.ConnectionString("postgres")))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand(
                $"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8' LOCALE_PROVIDER icu ICU_LOCALE 'nl-NL'", connection);
            await create.ExecuteNonQueryAsync();
        }
        var settings = StorageSettings.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "PostgreSQL", ["Storage:ConnectionString"] = server.ConnectionString(name),
        }).Build());
        var database = new Database(settings);
        await new SchemaMigrator(database, new FakeClock(At), NullLogger<SchemaMigrator>.Instance).MigrateAsync();
        return database;
    }

    private static JournalAppend Mark(string tag) => new("alv-online", tag, At, null, """{"memberNumber":"x"}""");

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Only_tags_that_start_with_the_prefix_as_written_are_counted(string backend)
    {
        var database = await DatabaseFor(backend);
        var store = new AdoNetJournalStore(database);
        if (backend == "postgresql-nl")
        {
            // The database's own order is not byte order: '%' sorts after '/' there (before it in bytes), so a range in
            // that order would count "m_1%x/1" among "m_1/...". The test only means something if that holds.
            await using var connection = await database.OpenAsync();
            await using var probe = connection.CreateCommand();
            probe.CommandText = "SELECT 'm_1%x/1' > 'm_1/' AND 'm_1%x/1' < 'm_10'";
            Assert.True((bool)(await probe.ExecuteScalarAsync())!);
        }
        await store.CommitAsync(new JournalCommit("alv", "coop", 0, 1, "{}",
        [
            Mark("m_1/L-1"), Mark("m_1/L-2"), Mark("m_1/Ædel-3"),   // meeting m_1: three marks
            Mark("mx1/L-1"),                                          // LIKE 'm_1/%' would count it ('_' any character)
            Mark("m_1%x/L-1"), Mark("m_1-b/L-1"), Mark("m_1.b/L-1"),  // other meetings whose id starts with m_1
            Mark("m_10/L-1"), Mark("m_1"), Mark("M_1/L-1"),           // next past the range's end; no slash; other case
            Mark("m%/L-1"), Mark("m%x/L-2"),                          // meeting m%: one mark (LIKE 'm%/%' would count both)
        ], null, At));
        // The same tags in another kind and in another cooperative are not counted.
        await store.CommitAsync(new JournalCommit("alv", "coop", 1, 13, "{}", [new("alv-present", "m_1/L-9", At, null, "{}")], null, At));
        await store.CommitAsync(new JournalCommit("alv", "other", 0, 1, "{}", [Mark("m_1/L-1"), Mark("m%/L-1")], null, At));

        Assert.Equal(3, await store.CountByTagPrefixAsync("alv", "coop", "alv-online", "m_1/"));
        Assert.Equal(1, await store.CountByTagPrefixAsync("alv", "coop", "alv-online", "m%/"));
        Assert.Equal(1, await store.CountByTagPrefixAsync("alv", "coop", "alv-online", "mx1/"));
        Assert.Equal(1, await store.CountByTagPrefixAsync("alv", "coop", "alv-online", "m_1%x/"));
        Assert.Equal(0, await store.CountByTagPrefixAsync("alv", "coop", "alv-online", "m_/"));
        Assert.Equal(1, await store.CountByTagPrefixAsync("alv", "coop", "alv-present", "m_1/"));
        Assert.Equal(1, await store.CountByTagPrefixAsync("alv", "other", "alv-online", "m_1/"));
        // Every tag of the kind: twelve marks.
        Assert.Equal(12, await store.CountByTagPrefixAsync("alv", "coop", "alv-online", ""));
        // Equality on tag means the same as before the column's collation changed.
        Assert.Equal(1, await store.CountAsync("alv", "coop", "alv-online", "m_1"));
        Assert.Equal(["m_1/L-2"], (await store.ReadAsync("alv", "coop", new JournalQuery("alv-online", "m_1/L-2"))).Select(r => r.Tag));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task The_count_is_a_range_on_the_tag_index(string backend)
    {
        var database = await DatabaseFor(backend);
        var store = new AdoNetJournalStore(database);
        // Marks of twenty meetings, sixty each: one meeting's are a twentieth of the kind's.
        for (var m = 0; m < 20; m++)
            await store.CommitAsync(new JournalCommit("alv", "coop", m, m * 60 + 1, "{}",
                [.. Enumerable.Range(0, 60).Select(i => Mark($"alv-{m}/L-{i}"))], null, At));
        await using var connection = await database.OpenAsync();
        if (database.IsPostgres)
            await using (var analyze = connection.CreateCommand())
            {
                // What is asked is whether the index can serve the tag's range (an index of another collation could
                // not: the range would be a filter), not whether a table this small is worth an index: no sequential scan.
                analyze.CommandText = "ANALYZE warmte_journal; SET enable_seqscan = off";
                await analyze.ExecuteNonQueryAsync();
            }
        await using var explain = connection.CreateCommand();
        explain.CommandText = (database.IsPostgres ? "EXPLAIN " : "EXPLAIN QUERY PLAN ") + AdoNetJournalStore.CountByTagPrefixSql(bounded: true);
        Database.Parameter(explain, "type", "alv");
        Database.Parameter(explain, "key", "coop");
        Database.Parameter(explain, "kind", "alv-online");
        Database.Parameter(explain, "from", "alv-2/");
        Database.Parameter(explain, "to", "alv-20");
        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                plan.Add(reader.GetValue(reader.FieldCount - 1)?.ToString() ?? "");
        var text = string.Join("\n", plan);
        Assert.Contains("ix_warmte_journal_tag", text);
        // The tag's range is part of the index search, not a filter over every mark of the kind.
        Assert.Matches(database.IsPostgres ? @"Index Cond: .*tag >= " : @"tag>\? AND tag<\?", text);
        Assert.Equal(60, await store.CountByTagPrefixAsync("alv", "coop", "alv-online", "alv-2/"));
    }

    /// <summary>
    /// The bookings listing's read of a range of months (<see cref="AdoNetJournalStore.ReadTagRangeAsync"/>): the rows of
    /// those months and no others, in seq order, and a range on the tag index in the engine's plan.
    /// </summary>
    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_range_of_months_is_read_by_a_range_on_the_tag_index(string backend)
    {
        var database = await DatabaseFor(backend);
        var store = new AdoNetJournalStore(database);
        // Thirty months, twenty rows each, committed month after month and then once more across them.
        var months = Enumerable.Range(0, 30).Select(i => new YearMonth(2024, 1).PlusMonths(i)).Select(m => NodaTime.Text.YearMonthPattern.Iso.Format(m)).ToList();
        long seq = 1, version = 0;
        foreach (var month in months)
        {
            await store.CommitAsync(new JournalCommit("cashplan", "p", version++, seq, "{}",
                [.. Enumerable.Range(0, 20).Select(_ => new JournalAppend("spending", month, At, null, "{}"))], null, At));
            seq += 20;
        }
        await store.CommitAsync(new JournalCommit("cashplan", "p", version, seq, "{}", [.. months.Select(m => new JournalAppend("spending", m, At, null, "{}"))], null, At));
        // Other kinds and grains with the same tags are not read.
        await store.CommitAsync(new JournalCommit("cashplan", "q", 0, 1, "{}", [new JournalAppend("spending", "2024-06", At, null, "{}")], null, At));
        await store.CommitAsync(new JournalCommit("cashplan", "p", version + 1, seq + 30, "{}", [new JournalAppend("progress", "2024-06", At, null, "{}")], null, At));

        var read = await store.ReadTagRangeAsync("cashplan", "p", "spending", "2024-06", "2025-05");
        Assert.Equal(12 * 21, read.Count);
        Assert.All(read, r => Assert.InRange(string.CompareOrdinal(r.Tag, "2024-06"), 0, int.MaxValue));
        Assert.All(read, r => Assert.InRange(string.CompareOrdinal(r.Tag, "2025-05"), int.MinValue, 0));
        Assert.Equal(read.Select(r => r.Seq).Order(), read.Select(r => r.Seq));
        Assert.Equal(21, (await store.ReadTagRangeAsync("cashplan", "p", "spending", "2026-06", "2026-06")).Count);
        Assert.Empty(await store.ReadTagRangeAsync("cashplan", "p", "spending", "2026-07", "2030-01"));

        await using var connection = await database.OpenAsync();
        if (database.IsPostgres)
            await using (var analyze = connection.CreateCommand())
            {
                analyze.CommandText = "ANALYZE warmte_journal; SET enable_seqscan = off";
                await analyze.ExecuteNonQueryAsync();
            }
        await using var explain = connection.CreateCommand();
        explain.CommandText = (database.IsPostgres ? "EXPLAIN " : "EXPLAIN QUERY PLAN ") + AdoNetJournalStore.ReadTagRangeSql(database.IsPostgres ? "payload::text" : "payload");
        Database.Parameter(explain, "type", "cashplan");
        Database.Parameter(explain, "key", "p");
        Database.Parameter(explain, "kind", "spending");
        Database.Parameter(explain, "from", "2024-06");
        Database.Parameter(explain, "to", "2025-05");
        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                plan.Add(reader.GetValue(reader.FieldCount - 1)?.ToString() ?? "");
        var text = string.Join("\n", plan);
        Assert.Contains("ix_warmte_journal_tag", text);
        // The months' range is part of the index search, not a filter over every booking of the project.
        Assert.Matches(database.IsPostgres ? @"Index Cond: .*tag >= .*tag <= " : @"tag>\? AND tag<\?", text);
    }

    [Theory]
    [InlineData("m/", "m0")]
    [InlineData("alv-2026/", "alv-20260")]
    [InlineData("a\U0010FFFF", "b")]
    [InlineData("\uD7FF", "\uE000")]
    [InlineData("é", "ê")]
    public void The_range_ends_at_the_prefix_with_its_last_character_one_up(string prefix, string end) =>
        Assert.Equal((prefix, end), JournalTags.PrefixRange(prefix));

    [Fact]
    public void An_empty_prefix_has_no_end() => Assert.Equal(("", (string?)null), JournalTags.PrefixRange(""));
}
