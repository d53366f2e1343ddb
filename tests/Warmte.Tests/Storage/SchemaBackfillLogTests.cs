using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Warmte.Silo.Storage;
using Warmte.Tests.Infrastructure;
using Warmte.Tests.Operations;

namespace Warmte.Tests.Storage;

/// <summary>
/// "Schema versions recorded before checksums: N rows backfilled" is for a database an earlier release migrated
/// (rows without checksums): a fresh database's first start records its first scripts before the script that adds
/// the checksum column and completes them itself, which is no backfill and must not be reported as one. SQLite and
/// PostgreSQL (the same migrator). Every row ends with its checksum either way.
/// </summary>
public sealed class SchemaBackfillLogTests
{
    private const string Backfill = "Schema versions recorded before checksums";

    [Fact]
    public async Task A_fresh_sqlite_database_claims_no_backfill_and_records_every_checksum()
    {
        var dataDir = WarmteServer.NewDataDir();
        Directory.CreateDirectory(dataDir);
        await FreshStartClaimsNoBackfill(Settings(new() { ["DataDir"] = dataDir }));
    }

    [Fact]
    public async Task A_fresh_postgresql_database_claims_no_backfill_and_records_every_checksum()
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync();
        await FreshStartClaimsNoBackfill(Settings(new() { ["Storage:Provider"] = "PostgreSQL", ["Storage:ConnectionString"] = connectionString }));
    }

    [Fact]
    public async Task An_earlier_releases_sqlite_database_reports_the_rows_it_had_recorded_without_checksums()
    {
        var (_, database) = StoredFixtures.Sqlite("release-ba5f89c-members.sqlite.db");
        await UpgradeReportsTheEarlierRows(database);
    }

    [Fact]
    public async Task An_earlier_releases_postgresql_database_reports_the_rows_it_had_recorded_without_checksums()
    {
        var (_, database) = await StoredFixtures.PostgresAsync("release-ba5f89c-members.postgresql.sql");
        await UpgradeReportsTheEarlierRows(database);
    }

    private static async Task FreshStartClaimsNoBackfill(StorageSettings settings)
    {
        var database = new Database(settings);
        var (logs, migrator) = Migrator(database);
        var applied = await migrator.MigrateAsync();

        var scripts = SchemaMigrator.ScriptsFor(settings.Provider);
        Assert.Equal(scripts.Select(s => s.Name), applied);
        Assert.DoesNotContain(logs.Entries, e => e.Contains(Backfill, StringComparison.Ordinal));
        // Completed all the same: the rows recorded before the checksum column existed have theirs.
        Assert.Equal(scripts.Select(s => $"{s.Version}|{s.Name}|{s.Checksum}"), await VersionRows(database));
    }

    private static async Task UpgradeReportsTheEarlierRows(Database database)
    {
        var before = await VersionRows(database);   // this release's rows: "version|name|" (no checksum column yet)
        Assert.NotEmpty(before);
        var (logs, migrator) = Migrator(database);
        var applied = await migrator.MigrateAsync();
        Assert.Contains(applied, name => name.Contains("schema_version_checksum", StringComparison.Ordinal));

        var line = Assert.Single(logs.Entries, e => e.Contains(Backfill, StringComparison.Ordinal));
        // Only the rows the earlier release had recorded, not the ones this start added before the checksum column.
        Assert.Contains($"{before.Count} rows backfilled", line);
        var scripts = SchemaMigrator.ScriptsFor(database.Settings.Provider);
        Assert.True(scripts.Count > before.Count, "this build has scripts the earlier release did not");
    }

    private static (CapturedLogs Logs, SchemaMigrator Migrator) Migrator(Database database)
    {
        var logs = new CapturedLogs();
        var factory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        return (logs, new SchemaMigrator(database, NodaTime.SystemClock.Instance, factory.CreateLogger<SchemaMigrator>()));
    }

    private static StorageSettings Settings(Dictionary<string, string?> values) =>
        StorageSettings.From(new ConfigurationBuilder().AddInMemoryCollection(values).Build());

    /// <summary>warmte_schema_version as "version|name|checksum" (checksum empty before its column exists), by version.</summary>
    private static async Task<List<string>> VersionRows(Database database)
    {
        await using var connection = await database.OpenAsync();
        await using var probe = connection.CreateCommand();
        probe.CommandText = database.IsPostgres
            ? "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'warmte_schema_version' AND column_name = 'checksum'"
            : "SELECT COUNT(*) FROM pragma_table_info('warmte_schema_version') WHERE name = 'checksum'";
        var hasChecksum = Convert.ToInt64(await probe.ExecuteScalarAsync()) > 0;
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = $"SELECT version, name, {(hasChecksum ? "checksum" : "NULL")} FROM warmte_schema_version ORDER BY version";
        var rows = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            rows.Add($"{Convert.ToInt32(reader.GetValue(0))}|{(reader.IsDBNull(1) ? "" : reader.GetString(1))}|{(reader.IsDBNull(2) ? "" : reader.GetString(2))}");
        return rows;
    }
}
