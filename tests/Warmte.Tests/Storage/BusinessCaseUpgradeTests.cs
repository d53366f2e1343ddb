using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Warmte.Silo.Storage;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Storage;

/// <summary>
/// Business-case versions and the alert watch's history move from their one Orleans grain-storage
/// row into the journal at first start, from a database of the current release (ba5f89c, several
/// versions per project) and of the pre-journal release, on SQLite and PostgreSQL: every version is
/// two journal rows, the API answers each version as the old row held it (read here from the old
/// JSON, not through the service's classes), the old row is gone and the snapshot is small.
/// </summary>
public sealed class BusinessCaseUpgradeTests
{
    private const string FixtureToken = "fixture-admin-token-0123456789abcdef0123456789";

    [Theory]
    [InlineData("release-ba5f89c-businesscase")]
    [InlineData("pre-journal")]
    public async Task A_sqlite_file_upgrades_every_business_case_version(string fixture)
    {
        var dataDir = WarmteServer.NewDataDir();
        Directory.CreateDirectory(dataDir);
        File.Copy(RepoFiles.Path("tests", "Warmte.Tests", "Storage", "Fixtures", fixture + ".sqlite.db"), Path.Combine(dataDir, "warmtenet.db"));
        var settings = StorageSettings.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["DataDir"] = dataDir }).Build());
        await UpgradesEveryVersion(settings, () => WarmteServer.StartAsync(dataDir), fixture);
    }

    [Theory]
    [InlineData("release-ba5f89c-businesscase")]
    [InlineData("pre-journal")]
    public async Task A_postgresql_dump_upgrades_every_business_case_version(string fixture)
    {
        var pg = await PostgresServer.GetAsync();
        var connectionString = await pg.CreateDatabaseAsync();
        await StoredFixtures.Psql(new Npgsql.NpgsqlConnectionStringBuilder(connectionString), RepoFiles.Path("tests", "Warmte.Tests", "Storage", "Fixtures", fixture + ".postgresql.sql"));
        var settings = StorageSettings.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "PostgreSQL", ["Storage:ConnectionString"] = connectionString,
        }).Build());
        await UpgradesEveryVersion(settings, () => WarmteServer.StartAsync(postgres: connectionString), fixture);
    }

    private static async Task UpgradesEveryVersion(StorageSettings settings, Func<Task<WarmteServer>> start, string fixture)
    {
        var database = new Database(settings);
        var old = await OldRows(database, "businesscase");
        var watches = await OldRows(database, "alertwatch");
        Assert.Contains("wg-terrein", old.Keys);
        if (fixture.StartsWith("release", StringComparison.Ordinal))
        {
            // The fixture's story: nine versions of wg-terrein, three of zonnedak-sporthal.
            Assert.Equal(9, old["wg-terrein"].Json.GetProperty("versions").GetArrayLength());
            Assert.Equal(3, old["zonnedak-sporthal"].Json.GetProperty("versions").GetArrayLength());
        }

        await using (var server = await start())
        {
            var api = server.Client(FixtureToken);
            Assert.Empty(await OldRows(database, "businesscase"));
            Assert.Empty(await OldRows(database, "alertwatch"));
            foreach (var (project, (json, bytes)) in old)
            {
                var versions = json.GetProperty("versions").EnumerateArray().ToList();
                Assert.Equal(2 * versions.Count, await StoredFixtures.Count(database, "warmte_journal", "businesscase", project));
                // The old row held every model; the snapshot holds the count and the latest version's figures.
                var snapshot = await SnapshotLength(database, "businesscase", project);
                Assert.True(snapshot < 2_000 && (versions.Count == 1 || snapshot < bytes), $"{project}: snapshot of {snapshot} bytes, old row {bytes}");

                // The listing: every version, oldest first, field by field as stored.
                var list = await api.Get($"api/projects/{project}/business-cases");
                Assert.Equal(HttpStatusCode.OK, list.Status);
                Assert.Equal(versions.Select(Info), list.Body.EnumerateArray().Select(Info));
                // Old rows never stored the cash gap (tester F15): the listing derives it from the stored lowest balance.
                Assert.Equal(versions.Select(v => Math.Max(0m, -v.GetProperty("kpis").GetProperty("lowestCashBalance").GetDecimal())),
                    list.Body.EnumerateArray().Select(v => v.GetProperty("kpis").GetProperty("bridgingNeeded").GetDecimal()));

                foreach (var v in versions)
                {
                    var number = v.GetProperty("version").GetInt32();
                    var one = await api.Get($"api/projects/{project}/business-cases/{number}");
                    Assert.Equal(HttpStatusCode.OK, one.Status);
                    Assert.Equal(Info(v), Info(one.Body.GetProperty("version")));
                    // The model exactly as the old row kept it (its text, parsed).
                    Assert.True(JsonNode.DeepEquals(JsonNode.Parse(v.GetProperty("modelJson").GetString()!), JsonNode.Parse(one.Body.GetProperty("model").GetRawText())));
                    // Its evaluation now gives the KPIs stored with it then.
                    var kpis = one.Body.GetProperty("result").GetProperty("evaluation").GetProperty("kpis");
                    Assert.Equal(v.GetProperty("kpis").GetProperty("npv").GetDecimal(), kpis.GetProperty("npv").GetDecimal());
                }

                // The gate and the comparison read the latest version's verdict.
                var latest = versions[^1];
                var next = await api.Post($"api/projects/{project}/business-cases", new
                {
                    note = "na de upgrade",
                    model = JsonDocument.Parse(latest.GetProperty("modelJson").GetString()!).RootElement,
                });
                Assert.Equal(HttpStatusCode.Created, next.Status);
                Assert.Equal(versions.Count + 1, next.Body.GetProperty("version").GetInt32());
            }

            // The alert watches: active alerts as they were, cleared ones in order.
            foreach (var (project, (json, _)) in watches)
            {
                var history = (await api.Get($"api/projects/{project}/alerts/history")).Body;
                var cleared = json.TryGetProperty("cleared", out var c) ? c.EnumerateArray().Select(Key).ToList() : [];
                var clearedNow = history.GetProperty("cleared").EnumerateArray().Select(Key).ToList();
                Assert.Equal(cleared.TakeLast(200), clearedNow.Take(cleared.Count));
                // After them only alerts that were active before the upgrade and that this release's rules no longer raise
                // at its first evaluation (the cash outlook now starts from the recorded facts: a plan-simulated stall clears).
                var active = json.TryGetProperty("active", out var a) ? a.EnumerateArray().Select(Key).ToHashSet() : [];
                Assert.All(clearedNow.Skip(cleared.Count), key => Assert.Contains(key, active));
                Assert.Equal(clearedNow.Count, await StoredFixtures.Count(database, "warmte_journal", "alertwatch", project));
            }
        }

        // A second start moves nothing.
        var rows = await StoredFixtures.Count(database, "warmte_journal", "businesscase", "wg-terrein");
        await using (var again = await start())
        {
            Assert.Equal(rows, await StoredFixtures.Count(database, "warmte_journal", "businesscase", "wg-terrein"));
            Assert.Equal(old["wg-terrein"].Json.GetProperty("versions").GetArrayLength() + 1,
                (await again.Client(FixtureToken).Get("api/projects/wg-terrein/business-cases")).Body.GetArrayLength());
        }
    }

    private static string Key(JsonElement watched) => watched.GetProperty("key").GetString() + "@" + watched.GetProperty("raisedAt").GetString();

    /// <summary>A version's listing fields; instants compared as instants, KPIs as their JSON without nulls.</summary>
    private static string Info(JsonElement v) => string.Join("|",
        v.GetProperty("version").GetInt32(), v.GetProperty("name").GetString(),
        v.TryGetProperty("note", out var note) && note.ValueKind == JsonValueKind.String ? note.GetString() : "",
        v.GetProperty("savedBy").GetString(),
        NodaTime.Text.InstantPattern.ExtendedIso.Parse(v.GetProperty("savedAt").GetString()!).Value,
        Kpis(v.GetProperty("kpis")));

    /// <remarks><c>bridgingNeeded</c> is derived, never stored: left out here, checked against the stored lowest balance above.</remarks>
    private static string Kpis(JsonElement kpis) => string.Join(",", kpis.EnumerateObject()
        .Where(p => p.Value.ValueKind != JsonValueKind.Null && p.Name != "bridgingNeeded")
        .OrderBy(p => p.Name, StringComparer.Ordinal)
        .Select(p => p.Name + "=" + (p.Value.ValueKind == JsonValueKind.Number ? p.Value.GetDecimal().ToString(CultureInfo.InvariantCulture) : p.Value.GetRawText())));

    private static async Task<Dictionary<string, (JsonElement Json, int Bytes)>> OldRows(Database database, string type)
    {
        await using var connection = await database.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT GrainIdExtensionString, PayloadBinary FROM OrleansStorage WHERE GrainTypeString = @type";
        Database.Parameter(cmd, "type", type);
        var rows = new Dictionary<string, (JsonElement, int)>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var bytes = (byte[])reader.GetValue(1);
            rows[reader.GetString(0)] = (JsonDocument.Parse(bytes).RootElement.Clone(), bytes.Length);
        }
        return rows;
    }

    private static async Task<long> SnapshotLength(Database database, string type, string key)
    {
        await using var connection = await database.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = database.IsPostgres
            ? "SELECT octet_length(state::text) FROM warmte_snapshot WHERE grain_type = @type AND grain_key = @key"
            : "SELECT length(state) FROM warmte_snapshot WHERE grain_type = @type AND grain_key = @key";
        Database.Parameter(cmd, "type", type);
        Database.Parameter(cmd, "key", key);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }


}
