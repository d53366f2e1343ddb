using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Warmte.Silo.Storage;
using Warmte.Tests.Infrastructure;
using Warmte.Tests.Operations;

namespace Warmte.Tests.Storage;

/// <summary>
/// Tester8 T12: the upgrade's log line says how many rows of each kind it wrote (bookings as "spending", audit
/// entries, idempotency keys), so an operator can check the figures; compared here with the upgraded database's
/// own rows, counted by SQL (the pre-journal SQLite fixture, Storage/Fixtures/README.md).
/// </summary>
public sealed partial class JournalUpgradeCountsTests
{
    [Fact]
    public async Task The_upgrade_log_line_counts_the_rows_it_wrote_by_kind_as_the_database_holds_them()
    {
        var (dataDir, database) = StoredFixtures.Sqlite("pre-journal.sqlite.db");
        var logs = new CapturedLogs();
        await using (await WarmteServer.StartAsync(dataDir, extraArgs: ["--Logging:LogLevel:Warmte.Silo.Storage.SchemaMigrator", "Information"],
                         configure: b => b.Logging.AddProvider(logs))) { }

        var line = Assert.Single(logs.Entries, e => e.Contains("grain(s) moved from OrleansStorage", StringComparison.Ordinal));
        var match = MovedLine().Match(line);
        Assert.True(match.Success, line);
        var written = match.Groups["journal"].Value.Split(", ").Select(t => t.Split(' ')).ToDictionary(t => t[0], t => int.Parse(t[1], CultureInfo.InvariantCulture));

        var spending = await Count(database, "SELECT COUNT(*) FROM warmte_journal WHERE kind = 'spending'");
        Assert.True(spending >= 40, $"the fixture holds at least 40 bookings, the journal {spending}");
        Assert.Equal(spending, written["spending"]);
        Assert.Equal(await Count(database, "SELECT COUNT(*) FROM warmte_journal WHERE kind = 'audit'"), written["audit"]);
        Assert.Equal(await Count(database, "SELECT COUNT(*) FROM warmte_idempotency"), long.Parse(match.Groups["keys"].Value, CultureInfo.InvariantCulture));
    }

    private static async Task<long> Count(Database database, string sql)
    {
        await using var connection = await database.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"journal rows written by kind: (?<journal>[^;]+); current rows by kind: (?<rows>[^;]+); idempotency keys: (?<keys>\d+)")]
    private static partial Regex MovedLine();
}
