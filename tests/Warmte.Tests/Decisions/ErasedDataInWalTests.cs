using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using NodaTime;
using NodaTime.Testing;
using Warmte.Tests.Infrastructure;
using Warmte.Tests.Operations;

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

    /// <summary>
    /// A long read open during the erasure (a backup, a report, a second process on the file): the erasing commit and the
    /// commits after it complete while the read is still open, the checkpoint logs that the data has not left the WAL yet
    /// and retries, and once the read ends the bytes leave both files without anything else happening.
    /// </summary>
    [Fact]
    public async Task An_erasure_during_a_long_read_commits_while_the_read_is_open_and_its_bytes_leave_the_wal_after_it()
    {
        var clock = new FakeClock(Instant.FromUtc(2026, 12, 7, 10, 0));
        var dataDir = WarmteServer.NewDataDir();
        var logs = new CapturedLogs();
        await using var server = await WarmteServer.StartAsync(dataDir, clock: clock,
            extraArgs: ["--Logging:LogLevel:Warmte.Silo.Storage.WalCheckpoint", "Information"],
            configure: builder => builder.Logging.AddProvider(logs));
        var admin = server.Client();
        await ApiCalls.SeedCooperativeWithProject(admin, Coop, "wal-project");
        await ApiCalls.SeedMembers(admin, Coop);
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/cooperatives/{Coop}/members/KWG-9003", new
        {
            number = "KWG-9003", name = "Marieke Onvindbaar", category = "huurder", woningequivalenten = 1, postcode = "1091 QZ", huisnummer = 5,
            street = "Wisstraat", town = "Amsterdam", joinedOn = "2020-01-01", email = "marieke.onvindbaar@example.org",
        })).Status);
        var files = new[] { Path.Combine(dataDir, "warmtenet.db"), Path.Combine(dataDir, "warmtenet.db-wal") };
        Assert.Contains("Onvindbaar", Found(files));

        // The long read: another connection on the silo's file, in a read transaction that has read (its snapshot is taken).
        await using (var reader = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = files[0], Pooling = false }.ToString()))
        {
            await reader.OpenAsync();
            using var read = reader.BeginTransaction(deferred: true);
            using (var count = reader.CreateCommand())
            {
                count.Transaction = read;
                count.CommandText = "SELECT count(*) FROM warmte_row";
                Assert.True((long)count.ExecuteScalar()! > 0);
            }

            Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/cooperatives/{Coop}/members/KWG-9003/leave", new { leftOn = "2026-12-01" })).Status);
            Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/cooperatives/{Coop}/members/KWG-9003/erase", new { })).Status);
            // Commits after the erasure, while the checkpoint is retrying behind the open read, complete as well.
            Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/cooperatives/{Coop}/members/KWG-9007", new
            {
                number = "KWG-9007", name = "Nieuw Lid", category = "huurder", woningequivalenten = 1, postcode = "1091 QZ", huisnummer = 9, street = "Nieuwstraat",
                town = "Amsterdam", joinedOn = "2026-01-01",
            })).Status);
            Assert.Equal("(gewist)", (await admin.Get($"api/cooperatives/{Coop}/members/KWG-9003")).Body.GetProperty("name").GetString());
            await Eventually(() => logs.Entries.Any(e => e.StartsWith("Information Warmte.Silo.Storage.WalCheckpoint: Erased personal data could not leave", StringComparison.Ordinal)),
                "the log line that the erased data has not left the WAL yet");
            // Control: while the older snapshot is read, its pages stay (in the WAL, or in the database file not yet overwritten).
            Assert.Contains("Onvindbaar", Found(files));
            read.Commit();
        }

        var left = Found(files);
        var waited = Stopwatch.StartNew();
        while (left.Count > 0 && waited.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(100);
            left = Found(files);
        }
        Assert.Empty(left);
        await Eventually(() => logs.Entries.Any(e => e.Contains("the erased personal data is gone from warmtenet.db-wal", StringComparison.Ordinal)),
            "the log line that the WAL is truncated");
        Assert.DoesNotContain(logs.Entries, e => e.StartsWith("Warning Warmte.Silo.Storage.WalCheckpoint", StringComparison.Ordinal));
    }

    private static async Task Eventually(Func<bool> condition, string what)
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            if (DateTime.UtcNow > until) throw new Xunit.Sdk.XunitException("Not reached in 60 s: " + what);
            await Task.Delay(100);
        }
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
