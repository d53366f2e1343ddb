using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Warmte.Silo.Storage;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Storage;

/// <summary>
/// A database written by release ba5f89c (fixtures release-ba5f89c-alv.*, see Fixtures/README.md)
/// kept every ballot, tally and attendance list inside the alv snapshot. At first start they move to
/// journal rows: compared here with the fixture's own JSON (not through the service's classes), the
/// counts and weighted totals reconcile, the closed results stay, the open proposal closes to the
/// result its stored ballots give, the snapshot shrinks, and a second start moves nothing.
/// </summary>
public sealed class AlvHistoryUpgradeTests
{
    private const string FixtureToken = "fixture-admin-token-0123456789abcdef0123456789";

    [Fact]
    public async Task A_sqlite_file_of_release_ba5f89c_moves_its_alv_history_to_the_journal()
    {
        var (dataDir, database) = StoredFixtures.Sqlite("release-ba5f89c-alv.sqlite.db");
        await MovesAndReconciles(database, () => WarmteServer.StartAsync(dataDir));
    }

    [Fact]
    public async Task A_postgresql_dump_of_release_ba5f89c_moves_its_alv_history_to_the_journal()
    {
        var (connectionString, database) = await StoredFixtures.PostgresAsync("release-ba5f89c-alv.postgresql.sql");
        await MovesAndReconciles(database, () => WarmteServer.StartAsync(postgres: connectionString));
    }

    [Fact]
    public async Task The_pre_journal_fixture_moves_its_demo_tally_out_of_the_snapshot_too()
    {
        var dataDir = WarmteServer.NewDataDir();
        Directory.CreateDirectory(dataDir);
        File.Copy(RepoFiles.Path("tests", "Warmte.Tests", "Storage", "Fixtures", "pre-journal.sqlite.db"), Path.Combine(dataDir, "warmtenet.db"));
        var settings = StorageSettings.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["DataDir"] = dataDir }).Build());
        var database = new Database(settings);
        JsonElement old;
        await using (var connection = await database.OpenAsync())
        await using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = "SELECT PayloadBinary FROM OrleansStorage WHERE GrainTypeString = 'alv' AND GrainIdExtensionString = 'ketelhuiswg'";
            old = JsonDocument.Parse((byte[])(await cmd.ExecuteScalarAsync())!).RootElement.Clone();
        }
        var tally = old.GetProperty("record").GetProperty("meetings")[0].GetProperty("proposals")[0].GetProperty("tally");
        await using var server = await WarmteServer.StartAsync(dataDir);
        var (_, state) = await Snapshot(database);
        Assert.DoesNotContain("\"present\":[\"", state);
        var shown = (await server.Client(FixtureToken).Get("api/cooperatives/ketelhuiswg/alv/meetings/alv-2024-12-14/proposals/realisatiebesluit/tally")).Body;
        Assert.Equal(tally.GetProperty("present").EnumerateArray().Select(p => p.GetString()), shown.GetProperty("present").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(tally.GetProperty("for").GetDecimal(), shown.GetProperty("for").GetDecimal());
    }

    private static async Task MovesAndReconciles(Database database, Func<Task<WarmteServer>> start)
    {
        var (version, before) = await Snapshot(database);
        var old = JsonDocument.Parse(before).RootElement.GetProperty("record");
        Assert.Contains("\"ballots\"", before);

        await using (var server = await start())
        {
            var api = server.Client(FixtureToken);
            var (upgradedVersion, after) = await Snapshot(database);
            Assert.Equal(version + 1, upgradedVersion);
            Assert.True(after.Length < before.Length / 2, $"snapshot {before.Length} → {after.Length} characters");
            var record = JsonDocument.Parse(after).RootElement.GetProperty("record");
            foreach (var meeting in old.GetProperty("meetings").EnumerateArray())
            {
                var m = meeting.GetProperty("id").GetString()!;
                var present = meeting.GetProperty("present").EnumerateArray().Select(p => p.GetString()!).ToList();
                var newMeeting = record.GetProperty("meetings").EnumerateArray().Single(x => x.GetProperty("id").GetString() == m);
                Assert.Equal(0, newMeeting.GetProperty("present").GetArrayLength());
                Assert.Equal(present.Count, await Rows(database, "attendance", m));
                var attendance = (await api.Get($"api/cooperatives/ketelhuiswg/alv/meetings/{m}/attendance?pageSize=200")).Body;
                Assert.Equal(present.Order(), attendance.GetProperty("items").EnumerateArray().Select(x => x.GetString()!).Order());

                foreach (var proposal in meeting.GetProperty("proposals").EnumerateArray())
                {
                    var p = proposal.GetProperty("id").GetString()!;
                    var ballots = proposal.GetProperty("ballots").EnumerateArray().ToList();
                    Assert.Equal(ballots.Count, await Rows(database, "ballot", $"{m}/{p}"));
                    var hasTally = proposal.GetProperty("tally").ValueKind == JsonValueKind.Object;
                    Assert.Equal(hasTally ? 1 : 0, await Rows(database, "tally", $"{m}/{p}"));
                    var closed = proposal.GetProperty("closed").ValueKind == JsonValueKind.Object;

                    // The ballots, in the order cast, through the paged endpoint; choices shown once closed.
                    var page = (await api.Get($"api/cooperatives/ketelhuiswg/alv/meetings/{m}/proposals/{p}/ballots?pageSize=200")).Body;
                    Assert.Equal(ballots.Count, page.GetProperty("total").GetInt32());
                    Assert.Equal(ballots.Select(b => (b.GetProperty("memberNumber").GetString(), closed ? b.GetProperty("choice").GetString() : null, b.GetProperty("weight").GetDecimal())),
                        page.GetProperty("items").EnumerateArray().Select(b => (b.GetProperty("memberNumber").GetString(),
                            b.GetProperty("choice").ValueKind == JsonValueKind.Null ? null : b.GetProperty("choice").GetString(), b.GetProperty("weight").GetDecimal())));

                    var view = (await api.Get($"api/cooperatives/ketelhuiswg/alv/meetings/{m}")).Body.GetProperty("proposals").EnumerateArray()
                        .Single(x => x.GetProperty("id").GetString() == p);
                    Assert.Equal(ballots.Count, view.GetProperty("ballotCount").GetInt32());
                    // Present or represented, as the old release computed it: the list (or the tally's list) with voters and holders.
                    var attending = hasTally
                        ? proposal.GetProperty("tally").GetProperty("present").EnumerateArray().Select(x => x.GetString()!)
                            .Concat(proposal.GetProperty("tally").GetProperty("proxies").EnumerateArray().Select(x => x.GetProperty("member").GetString()!)).Distinct().Count()
                        : present.Concat(ballots.Select(b => b.GetProperty("memberNumber").GetString()!))
                            .Concat(ballots.Where(b => b.GetProperty("proxyHolder").ValueKind == JsonValueKind.String).Select(b => b.GetProperty("proxyHolder").GetString()!))
                            .Distinct().Count();
                    Assert.Equal(attending, view.GetProperty("presentOrRepresentedCount").GetInt32());

                    var expected = hasTally
                        ? (proposal.GetProperty("tally").GetProperty("for").GetDecimal(), proposal.GetProperty("tally").GetProperty("against").GetDecimal(), proposal.GetProperty("tally").GetProperty("abstain").GetDecimal())
                        : (Sum(ballots, "Voor"), Sum(ballots, "Tegen"), Sum(ballots, "Onthouding"));
                    if (closed)
                    {
                        // The stored result stays exactly as it was.
                        var result = proposal.GetProperty("closed").GetProperty("result");
                        Assert.Equal(Fields(result), Fields(view.GetProperty("result")));
                        Assert.Equal(expected, (result.GetProperty("for").GetDecimal(), result.GetProperty("against").GetDecimal(), result.GetProperty("abstain").GetDecimal()));
                    }
                    else
                    {
                        // Sealed while open; closing now counts exactly the stored ballots.
                        Assert.Equal(JsonValueKind.Null, view.GetProperty("result").ValueKind);
                        var close = await api.Post($"api/cooperatives/ketelhuiswg/alv/meetings/{m}/proposals/{p}/close", new { });
                        Assert.Equal(HttpStatusCode.OK, close.Status);
                        var result = close.Body.GetProperty("closed").GetProperty("result");
                        Assert.Equal(expected, (result.GetProperty("for").GetDecimal(), result.GetProperty("against").GetDecimal(), result.GetProperty("abstain").GetDecimal()));
                        Assert.Equal(attending, result.GetProperty("presentOrRepresented").GetInt32());
                    }
                }
            }
        }

        // A second start moves nothing.
        var (v, _) = await Snapshot(database);
        var journal = await Rows(database, "ballot", null);
        await using (await start())
        {
            Assert.Equal(v, (await Snapshot(database)).Version);
            Assert.Equal(journal, await Rows(database, "ballot", null));
        }
    }

    /// <summary>A result's fields (jsonb reorders keys, so no raw-text comparison).</summary>
    private static string Fields(JsonElement r) => string.Join("|",
        r.GetProperty("outcome").GetString(), r.GetProperty("for").GetDecimal(), r.GetProperty("against").GetDecimal(), r.GetProperty("abstain").GetDecimal(),
        r.GetProperty("denominator").GetDecimal(), r.GetProperty("eligibleMembers").GetInt32(), r.GetProperty("presentOrRepresented").GetInt32(),
        r.GetProperty("represented").GetInt32(), r.GetProperty("quorumMet").GetBoolean(), r.GetProperty("quorumWaived").GetBoolean(), r.GetProperty("forPercent").GetDecimal(),
        r.GetProperty("rule").GetProperty("majority").GetRawText().Replace(" ", ""));

    private static decimal Sum(List<JsonElement> ballots, string choice) =>
        ballots.Where(b => b.GetProperty("choice").GetString() == choice).Sum(b => b.GetProperty("weight").GetDecimal());

    private static async Task<(long Version, string State)> Snapshot(Database database)
    {
        await using var connection = await database.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT version, " + (database.IsPostgres ? "state::text" : "state") + " FROM warmte_snapshot WHERE grain_type = 'alv' AND grain_key = 'ketelhuiswg'";
        await using var reader = await cmd.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        // PostgreSQL's jsonb text has spaces after colons: normalised by a round trip.
        var state = reader.GetString(1);
        return (Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture), JsonSerializer.Serialize(JsonDocument.Parse(state).RootElement));
    }

    private static async Task<long> Rows(Database database, string kind, string? tag)
    {
        await using var connection = await database.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM warmte_journal WHERE grain_type = 'alv' AND grain_key = 'ketelhuiswg' AND kind = @kind" + (tag is null ? "" : " AND tag = @tag");
        Database.Parameter(cmd, "kind", kind);
        if (tag is not null) Database.Parameter(cmd, "tag", tag);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

}
