using System.Diagnostics;
using System.Net;
using System.Text;
using NodaTime;
using NodaTime.Testing;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Decisions;

/// <summary>
/// tester9b T2: an erased member's name, e-mail and address must leave the SQLite files while the silo runs, the
/// write-ahead log (<c>warmtenet.db-wal</c>) included, not only the tables (<see cref="MemberPrivacyTests"/> scans rows;
/// this reads the bytes of both files). Erasure on request and the retention run both.
/// </summary>
public sealed class ErasedDataInWalTests
{
    private const string Coop = "wal-coop";

    private static readonly string[] Needles =
        ["Marieke Onvindbaar", "Onvindbaar", "marieke.onvindbaar@example.org", "Wisstraat", "Oud Lid Bewaard", "oud.lid.bewaard@example.org", "Geheimstraat"];

    [Fact]
    public async Task An_erased_members_name_email_and_address_are_in_neither_the_database_file_nor_its_wal_while_the_silo_runs()
    {
        var clock = new FakeClock(Instant.FromUtc(2026, 12, 7, 10, 0));
        var dataDir = WarmteServer.NewDataDir();
        await using var server = await WarmteServer.StartAsync(dataDir, clock: clock);
        var admin = server.Client();
        await ApiCalls.SeedCooperativeWithProject(admin, Coop, "wal-project");
        await ApiCalls.SeedMembers(admin, Coop);
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/cooperatives/{Coop}/members/KWG-9003", new
        {
            number = "KWG-9003", name = "Marieke Onvindbaar", category = "huurder", woningequivalenten = 1, postcode = "1091 QZ", huisnummer = 5,
            street = "Wisstraat", town = "Amsterdam", joinedOn = "2020-01-01", email = "marieke.onvindbaar@example.org",
        })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/cooperatives/{Coop}/members/KWG-9005", new
        {
            number = "KWG-9005", name = "Oud Lid Bewaard", category = "eigenaar-bewoner", woningequivalenten = 1, postcode = "1091 QZ", huisnummer = 7,
            street = "Geheimstraat", town = "Amsterdam", joinedOn = "2020-01-01", leftOn = "2025-01-31", email = "oud.lid.bewaard@example.org",
        })).Status);
        var files = new[] { Path.Combine(dataDir, "warmtenet.db"), Path.Combine(dataDir, "warmtenet.db-wal") };
        // Control: the service runs in WAL mode and the data is on disk before anything is erased.
        Assert.True(File.Exists(files[1]), "no WAL file while the silo runs");
        Assert.Contains("Onvindbaar", Found(files));
        Assert.Contains("Oud Lid Bewaard", Found(files));

        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/cooperatives/{Coop}/members/KWG-9003/leave", new { leftOn = "2026-12-01" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/cooperatives/{Coop}/members/KWG-9003/erase", new { })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/cooperatives/{Coop}/privacy", new { formerMemberRetentionMonths = 12 })).Status);
        var run = await admin.Post($"api/cooperatives/{Coop}/privacy/retention-run", new { });
        Assert.Equal(["KWG-9005"], run.Body.GetProperty("erasedMembers").EnumerateArray().Select(e => e.GetString()));

        // The WAL is truncated in the background shortly after each erasing commit; nothing else has to happen first.
        var waited = Stopwatch.StartNew();
        var left = Found(files);
        while (left.Count > 0 && waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(100);
            left = Found(files);
        }
        Assert.Empty(left);
        // The service goes on as before: the register still reads, the erased member is marked so.
        Assert.Equal("(gewist)", (await admin.Get($"api/cooperatives/{Coop}/members/KWG-9003")).Body.GetProperty("name").GetString());
    }

    /// <summary>Which needles occur in the bytes of the files (UTF-8), read while the silo has them open.</summary>
    private static List<string> Found(string[] files)
    {
        var found = new List<string>();
        foreach (var file in files.Where(File.Exists))
        {
            byte[] bytes;
            using (var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            using (var copy = new MemoryStream())
            {
                stream.CopyTo(copy);
                bytes = copy.ToArray();
            }
            foreach (var needle in Needles)
                if (bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(needle)) >= 0) found.Add(needle);
        }
        return [.. found.Distinct()];
    }
}
