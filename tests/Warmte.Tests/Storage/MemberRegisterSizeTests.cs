using System.Net;
using Microsoft.Extensions.Configuration;
using Warmte.Silo.Storage;
using Warmte.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Warmte.Tests.Storage;

/// <summary>
/// A register of 5,000 members with names and addresses on a real SQLite file: the member
/// register's stored grain state (its snapshot) stays under a kilobyte and does not grow with the
/// register or its history; the members are one current row each. The sizes measured are written
/// to the test output (docs/storage.md quotes them).
/// </summary>
public sealed class MemberRegisterSizeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Five_thousand_members_keep_the_register_snapshot_small_with_one_row_per_member()
    {
        var dataDir = WarmteServer.NewDataDir();
        await using var server = await WarmteServer.StartAsync(dataDir);
        var admin = server.Client();
        await ApiCalls.SeedCooperativeWithProject(admin, "groot", "groot-net");
        var members = Enumerable.Range(1, 5000).Select(i => new
        {
            number = $"G-{i:00000}", name = $"Voornaam{i} van Achternaam-Dubbelnaam{i}", category = i % 3 == 0 ? "huurder" : "eigenaar-bewoner",
            woningequivalenten = 1, postcode = $"10{i % 90 + 10} AB", huisnummer = i % 400 + 1, toevoeging = i % 5 == 0 ? "H" : null, joinedOn = "2021-03-01",
        }).ToList();
        foreach (var chunk in members.Chunk(1000)) // the request body limit takes about a thousand at a time
            Assert.Equal(HttpStatusCode.OK, (await admin.Post("api/cooperatives/groot/members", new { members = chunk })).Status);
        var database = new Database(StorageSettings.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["DataDir"] = dataDir }).Build()));

        var snapshot = await Snapshot(database);
        var (rows, rowBytes, largestRow) = await Rows(database);
        var listed = (await admin.Get("api/cooperatives/groot/members")).Raw.Length;
        output.WriteLine($"5,000 members: snapshot {snapshot} B; {rows} current rows, {rowBytes} B in total, largest {largestRow} B; the list as one JSON document {listed} B");
        Assert.Equal(5000, rows);
        Assert.True(snapshot < 1024, $"snapshot {snapshot} B");
        Assert.True(largestRow < 1024, $"largest row {largestRow} B");
        Assert.True(listed > 500_000, $"the register itself is large ({listed} B): what would have been one state row");
        Assert.Equal(0, await MemberConsentUpgradeTests.Count(database, "SELECT COUNT(*) FROM OrleansStorage WHERE GrainTypeString = 'members'"));

        // Twenty more rounds of changes (history grows): the snapshot keeps its size; only changed members' rows are written.
        for (var round = 1; round <= 20; round++)
        {
            var changed = members.Take(50).Select(m => m with { name = m.name + " r" + round }).ToList();
            Assert.Equal(HttpStatusCode.OK, (await admin.Post("api/cooperatives/groot/members", new { members = changed })).Status);
        }
        var after = await Snapshot(database);
        output.WriteLine($"after 20 more registrations of 50 members: snapshot {after} B, {await MemberConsentUpgradeTests.Count(database, "SELECT COUNT(*) FROM warmte_journal WHERE grain_type = 'members' AND grain_key = 'groot'")} journal rows");
        Assert.InRange(after, snapshot - 8, snapshot + 8); // a timestamp's digits may differ
        Assert.Equal(5000 + 5 + 20 * 51, await MemberConsentUpgradeTests.Count(database, "SELECT COUNT(*) FROM warmte_journal WHERE grain_type = 'members' AND grain_key = 'groot'"));
        Assert.Equal(5000, (await admin.Get("api/cooperatives/groot/members/summary")).Body.GetProperty("members").GetInt32());
    }

    private static async Task<long> Snapshot(Database database) =>
        await MemberConsentUpgradeTests.Count(database, "SELECT length(state) FROM warmte_snapshot WHERE grain_type = 'members' AND grain_key = 'groot'");

    private static async Task<(long Rows, long Bytes, long Largest)> Rows(Database database)
    {
        await using var connection = await database.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*), SUM(length(data)), MAX(length(data)) FROM warmte_row WHERE grain_type = 'members' AND grain_key = 'groot'";
        await using var reader = await cmd.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }
}
