using Microsoft.Extensions.Logging;
using Warmte.Silo.Storage;
using Warmte.Tests.Infrastructure;
using Warmte.Tests.Operations;

namespace Warmte.Tests.Storage;

/// <summary>
/// The journal upgrade's scan of consent and ALV snapshots for the shapes of release ba5f89c runs until
/// a database is upgraded, which it records in warmte_startup_step ('journal-upgraded'); later starts
/// skip the scan (issue 15: a LIKE over every such snapshot at every start). Observed from outside: a
/// snapshot put back in the old shape after the step is left alone by the next start (the scan did not
/// run), and the same database without the record is upgraded again. SQLite file and PostgreSQL dump of
/// release ba5f89c.
/// </summary>
public sealed class JournalUpgradeStepTests
{
    [Fact]
    public async Task A_sqlite_file_is_scanned_until_it_is_recorded_as_upgraded()
    {
        var (dataDir, database) = StoredFixtures.Sqlite("release-ba5f89c-members.sqlite.db");
        await ScannedOnce(database, logs => WarmteServer.StartAsync(dataDir, extraArgs: Verbose, configure: b => b.Logging.AddProvider(logs)));
    }

    [Fact]
    public async Task A_postgresql_dump_is_scanned_until_it_is_recorded_as_upgraded()
    {
        var (connectionString, database) = await StoredFixtures.PostgresAsync("release-ba5f89c-members.postgresql.sql");
        await ScannedOnce(database, logs => WarmteServer.StartAsync(postgres: connectionString, extraArgs: Verbose, configure: b => b.Logging.AddProvider(logs)));
    }

    private static readonly string[] Verbose = ["--Logging:LogLevel:Warmte.Silo.Storage.SchemaMigrator", "Information"];

    private static async Task ScannedOnce(Database database, Func<CapturedLogs, Task<WarmteServer>> start)
    {
        // The fixture: the consent snapshot of release ba5f89c holds every answer inside.
        var old = await State(database);
        Assert.Contains("\"declarations\":", old.Replace(" ", ""));
        Assert.Equal("", await Step(database));

        // First start: the answers move out (MemberConsentUpgradeTests checks them one by one) and the step is recorded.
        await using (await start(new CapturedLogs())) { }
        var upgraded = await State(database);
        Assert.True(upgraded.Length * 10 < old.Length, $"{old.Length} → {upgraded.Length} bytes");
        Assert.Contains("1 consent", await Step(database));

        // Put the old shape back, as only a silo of the old release could write it: a start that scanned would split it again.
        await SetState(database, old);
        var second = new CapturedLogs();
        await using (await start(second)) { }
        Assert.Equal(old.Length, (await State(database)).Length);
        Assert.Contains(second.Entries, e => e.Contains("snapshot scan skipped", StringComparison.Ordinal));

        // Without the record (a database of the release before), the start scans and upgrades it.
        await Execute(database, $"DELETE FROM warmte_startup_step WHERE name = '{JournalUpgrade.StepName}'");
        var third = new CapturedLogs();
        await using (await start(third)) { }
        Assert.True((await State(database)).Length * 10 < old.Length);
        Assert.Contains("1 consent", await Step(database));
        Assert.DoesNotContain(third.Entries, e => e.Contains("snapshot scan skipped", StringComparison.Ordinal));
    }

    private static string Text(Database database) => database.IsPostgres ? "state::text" : "state";

    private static async Task<string> State(Database database)
    {
        await using var connection = await database.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = $"SELECT {Text(database)} FROM warmte_snapshot WHERE grain_type = 'consent' AND grain_key = 'wg-terrein'";
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    private static async Task SetState(Database database, string state)
    {
        await using var connection = await database.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "UPDATE warmte_snapshot SET state = " + (database.IsPostgres ? "CAST(@s AS jsonb)" : "@s") + " WHERE grain_type = 'consent' AND grain_key = 'wg-terrein'";
        Database.Parameter(cmd, "s", state);
        Assert.Equal(1, await cmd.ExecuteNonQueryAsync());
    }

    private static async Task<string> Step(Database database)
    {
        await using var connection = await database.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = $"SELECT detail FROM warmte_startup_step WHERE name = '{JournalUpgrade.StepName}'";
        try { return (string?)await cmd.ExecuteScalarAsync() ?? ""; }
        catch (System.Data.Common.DbException) { return ""; } // no such table yet: a database of the release before
    }

    private static async Task Execute(Database database, string sql)
    {
        await using var connection = await database.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync();
    }
}
