using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;
using Warmte.Tests.Infrastructure;
using Warmte.Tests.Voting;
using Xunit.Abstractions;

namespace Warmte.Tests.Cluster;

/// <summary>
/// Two real silo processes on one PostgreSQL database and a real, slow SMTP server: the silo running a keyed voting mail
/// is killed mid-mailing. A retry through the other silo is "still being sent" while the cluster does not yet know the
/// silo is dead, then "interrupted" in Dutch, mails nobody until the board asks for the restart, and the restart mails
/// everyone again with new codes that work (the first mails' codes never became valid), with an audit line.
/// </summary>
public sealed class VotingMailFailoverTests(ITestOutputHelper output)
{
    private const string PublicUrl = "https://stem.voorbeeld.nl";

    private static readonly string[] FastFailureDetection =
    [
        "--Orleans:Membership:ProbeTimeout", "00:00:02",
        "--Orleans:Membership:NumMissedProbesLimit", "2",
        "--Orleans:Membership:TableRefreshTimeout", "00:00:02",
    ];

    [Fact]
    public async Task A_mailing_whose_silo_is_killed_is_named_interrupted_on_the_other_silo_and_restarted_only_on_request_with_working_codes()
    {
        var pg = await PostgresServer.GetAsync();
        var database = await pg.CreateDatabaseAsync();
        var clusterId = "mailfail-" + Guid.NewGuid().ToString("N")[..6];
        // Several seconds per message: the mailing is certainly still going when its silo is killed.
        await using var smtp = await SmtpMaildir.StartAsync(secondsPerMessage: 4);
        var silos = Enumerable.Range(1, 2).Select(i => SiloProcess.OnPostgres($"silo {i}", database, clusterId,
            [.. FastFailureDetection, "--Voting:RequestsPerMinutePerAddress", "1000000",
             "--Mail:Host", "127.0.0.1", "--Mail:Port", smtp.Port.ToString(), "--Mail:Security", "None",
             "--Mail:From", "Bestuur Warmtenet <bestuur@warmtenet.example>", "--Voting:PublicUrl", PublicUrl,
             "--" + Warmte.Silo.Hosting.TestClockOffset.Key, ServiceClock.OffsetSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)])).ToArray();
        foreach (var silo in silos) silo.HostEnvironment = Warmte.Silo.Hosting.TestClockOffset.Environment;
        var (victim, survivor) = (silos[0], silos[1]);
        try
        {
            foreach (var silo in silos) silo.Start();
            await Task.WhenAll(silos.Select(s => s.WaitHealthyAsync(TimeSpan.FromSeconds(240))));
            using var admin = survivor.Client();
            await WaitFor("two active silos", () => ActiveSilos(admin, 2), TimeSpan.FromSeconds(120));
            var coop = "mailfail-" + Guid.NewGuid().ToString("N")[..6];
            var token = await Setup(admin, coop);
            using var viaVictim = victim.Client(token);
            viaVictim.Timeout = TimeSpan.FromMinutes(5);
            using var viaSurvivor = survivor.Client(token);
            var key = "mail-" + Guid.NewGuid().ToString("N");

            // The mailing runs in the victim (it took the request); killed once the first mail has arrived.
            var first = Mail(viaVictim, coop, key, new { });
            await WaitFor("the first mail of the first try", () => Task.FromResult(smtp.Messages().Count >= 1), TimeSpan.FromSeconds(60));
            victim.Kill();
            await Assert.ThrowsAnyAsync<Exception>(() => first);
            var stored = await Rows(database, "SELECT silo FROM warmte_voting_mailing WHERE voting_key = @v", $"{coop}/alv");
            Assert.Single(stored); // the durable mark of the interrupted mailing

            // Through the survivor: 409 mail-in-progress while the victim still counts as a member, then mail-interrupted.
            (HttpStatusCode Status, string Body, string? Code) retry = default;
            var seen = new List<string?>();
            await WaitFor("the retry to be told the mailing was interrupted", async () =>
            {
                try
                {
                    retry = await Mail(viaSurvivor, coop, key, new { });
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    seen.Add(e.GetType().Name); // the cluster still finding out (a call to a grain on the dead silo)
                    return false;
                }
                seen.Add(retry.Code ?? ((int)retry.Status).ToString(System.Globalization.CultureInfo.InvariantCulture));
                return retry.Code != "mail-in-progress" && (int)retry.Status < 500;
            }, TimeSpan.FromSeconds(120));
            output.WriteLine($"answers to the retry: {string.Join(", ", seen)}");
            Assert.Equal((HttpStatusCode.Conflict, "mail-interrupted"), (retry.Status, retry.Code));
            Assert.Contains("begonnen en onderbroken", retry.Body);
            Assert.Contains("restartInterrupted", retry.Body);
            // What the first try mailed before it died (a message in the server's hands may still land): no more after that.
            await Task.Delay(TimeSpan.FromSeconds(5));
            var firstTry = CodesIn(smtp);
            Assert.InRange(firstTry.Count, 1, 2);
            var again = await Mail(viaSurvivor, coop, key, new { });
            Assert.Equal("mail-interrupted", again.Code);
            Assert.Equal(firstTry.Count, smtp.Messages().Count);

            // The board asks for the restart: everyone is mailed again; the new codes vote, the first try's never became valid.
            var restarted = await Mail(viaSurvivor, coop, key, new { restartInterrupted = true });
            Assert.True(restarted.Status == HttpStatusCode.OK, restarted.Body);
            Assert.Equal(firstTry.Count + 3, smtp.Messages().Count);
            var fresh = CodesIn(smtp).Except(firstTry).ToList();
            Assert.Equal(3, fresh.Count);
            using var member = survivor.Client(token: null);
            foreach (var code in fresh)
            {
                var vote = await member.PostAsJsonAsync("api/stem/votes", new { code, proposalId = "tarief", choice = "Voor" });
                Assert.True(vote.StatusCode == HttpStatusCode.OK, code + ": " + await vote.Content.ReadAsStringAsync());
            }
            foreach (var code in firstTry)
            {
                var vote = await member.PostAsJsonAsync("api/stem/votes", new { code, proposalId = "tarief", choice = "Voor" });
                Assert.NotEqual(HttpStatusCode.OK, vote.StatusCode);
            }
            var audit = await Rows(database, "SELECT payload::text FROM warmte_journal WHERE grain_type = 'online-voting' AND grain_key = @v AND kind = 'audit'", $"{coop}/alv");
            Assert.Single(audit, a => a.Contains("online.mail-restarted", StringComparison.Ordinal));
            Assert.Empty(await Rows(database, "SELECT silo FROM warmte_voting_mailing WHERE voting_key = @v", $"{coop}/alv"));
            var later = await Mail(viaSurvivor, coop, key, new { });
            Assert.Equal((HttpStatusCode.OK, restarted.Body), (later.Status, later.Body));
            Assert.Equal(firstTry.Count + 3, smtp.Messages().Count);
        }
        finally
        {
            foreach (var silo in silos) await silo.DisposeAsync();
        }
    }

    /// <summary>
    /// One silo on SQLite, killed mid-mailing and started again on its file: the new process is another silo (another
    /// generation), so the retry hears at once that the mailing was interrupted, and the restart mails working codes.
    /// </summary>
    [Fact]
    public async Task On_sqlite_a_mailing_cut_off_by_a_crash_is_named_interrupted_after_the_restart_and_restarted_only_on_request()
    {
        await using var smtp = await SmtpMaildir.StartAsync(secondsPerMessage: 4);
        var silo = SiloProcess.OnSqlite("sqlite silo",
            "--Voting:RequestsPerMinutePerAddress", "1000000",
            "--Mail:Host", "127.0.0.1", "--Mail:Port", smtp.Port.ToString(), "--Mail:Security", "None",
            "--Mail:From", "Bestuur Warmtenet <bestuur@warmtenet.example>", "--Voting:PublicUrl", PublicUrl,
            "--" + Warmte.Silo.Hosting.TestClockOffset.Key, ServiceClock.OffsetSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        silo.HostEnvironment = Warmte.Silo.Hosting.TestClockOffset.Environment;
        try
        {
            silo.Start();
            await silo.WaitHealthyAsync(TimeSpan.FromSeconds(240));
            string token;
            using (var admin = silo.Client()) token = await Setup(admin, "mailcrash");
            var key = "mail-" + Guid.NewGuid().ToString("N");
            using (var board = silo.Client(token))
            {
                board.Timeout = TimeSpan.FromMinutes(5);
                var first = Mail(board, "mailcrash", key, new { });
                await WaitFor("the first mail of the first try", () => Task.FromResult(smtp.Messages().Count >= 1), TimeSpan.FromSeconds(60));
                silo.Kill();
                await Assert.ThrowsAnyAsync<Exception>(() => first);
            }
            silo.Start();
            await silo.WaitHealthyAsync(TimeSpan.FromSeconds(240));
            using var after = silo.Client(token);
            var retry = await Mail(after, "mailcrash", key, new { });
            Assert.Equal((HttpStatusCode.Conflict, "mail-interrupted"), (retry.Status, retry.Code));
            await Task.Delay(TimeSpan.FromSeconds(5));
            var firstTry = CodesIn(smtp);
            Assert.InRange(firstTry.Count, 1, 2);

            var restarted = await Mail(after, "mailcrash", key, new { restartInterrupted = true });
            Assert.True(restarted.Status == HttpStatusCode.OK, restarted.Body);
            Assert.Equal(firstTry.Count + 3, smtp.Messages().Count);
            using var member = silo.Client(token: null);
            foreach (var code in CodesIn(smtp).Except(firstTry))
            {
                var vote = await member.PostAsJsonAsync("api/stem/votes", new { code, proposalId = "tarief", choice = "Voor" });
                Assert.True(vote.StatusCode == HttpStatusCode.OK, code + ": " + await vote.Content.ReadAsStringAsync());
            }
        }
        finally
        {
            await silo.DisposeAsync();
        }
    }

    /// <summary>A cooperative with four members (three with an e-mail address), a meeting today and online voting open; the board's token.</summary>
    private static async Task<string> Setup(HttpClient admin, string coop)
    {
        await ApiCalls.SeedCooperativeWithProject(admin, coop, coop + "-p");
        string?[] emails = ["anna@voorbeeld.nl", "bram@voorbeeld.nl", null, "dirk@bakker.example"];
        for (var i = 0; i < emails.Length; i++)
        {
            var put = await admin.Put($"api/cooperatives/{coop}/members/M-{i + 1}", new
            {
                number = $"M-{i + 1}", name = $"Lid {i + 1}", category = "huurder", woningequivalenten = 1, postcode = "1091 GM", huisnummer = i + 1,
                street = "Stemstraat", town = "Amsterdam", joinedOn = "2020-01-01", email = emails[i],
            });
            Assert.True(put.Status == HttpStatusCode.OK, put.Raw);
        }
        var today = ServiceClock.Today;
        var created = await admin.Post($"api/cooperatives/{coop}/alv/meetings", new
        {
            id = "alv", title = "Voorjaars-ALV", date = today.ToString("uuuu-MM-dd", null), noticeDate = today.PlusDays(-20).ToString("uuuu-MM-dd", null),
            proposals = new object[] { new { id = "tarief", title = "Tarief 2028", decisionType = "Tariefbesluit" } },
        });
        Assert.True(created.Status == HttpStatusCode.Created, created.Raw);
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/cooperatives/{coop}/alv/statutes", new { electronic = new { advanceVotingAllowed = true } })).Status);
        var opened = await admin.Put($"api/cooperatives/{coop}/alv/meetings/alv/online",
            new { opens = today.PlusDays(-10).ToString("uuuu-MM-dd", null), proposals = new[] { new { proposalId = "tarief" } } });
        Assert.True(opened.Status == HttpStatusCode.OK, opened.Raw);
        return (await admin.Post("api/tokens", new { name = "Bestuur", role = $"board:{coop}" })).Text("token");
    }

    private static async Task<(HttpStatusCode Status, string Body, string? Code)> Mail(HttpClient board, string coop, string key, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/cooperatives/{coop}/alv/meetings/alv/online/mail") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await board.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        string? code = null;
        if (!response.IsSuccessStatusCode && text.Length > 0 && JsonDocument.Parse(text).RootElement.TryGetProperty("code", out var c)) code = c.GetString();
        return (response.StatusCode, text, code);
    }

    private static List<string> CodesIn(SmtpMaildir smtp) =>
        [.. smtp.Messages().Select(m => Regex.Match(m.TextBody ?? "", Regex.Escape(PublicUrl) + @"/stem#([0-9A-Z-]+)").Groups[1].Value)];

    private static async Task<List<string>> Rows(string database, string sql, string votingKey)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        cmd.Parameters.AddWithValue("v", votingKey);
        var rows = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        return rows;
    }

    private static async Task<bool> ActiveSilos(HttpClient client, int expected)
    {
        try
        {
            var status = await client.Get("api/status");
            return status.Status == HttpStatusCode.OK && status.Body.GetProperty("activeSilos").GetInt32() == expected;
        }
        catch (HttpRequestException) { return false; }
    }

    private static async Task WaitFor(string what, Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"waited {timeout} for {what}");
            await Task.Delay(500);
        }
    }

    /// <summary>The services' clock at noon today (Amsterdam), so a meeting today is open all test long.</summary>
    private static class ServiceClock
    {
        private static readonly NodaTime.DateTimeZone Amsterdam = NodaTime.DateTimeZoneProviders.Tzdb["Europe/Amsterdam"];
        private static readonly NodaTime.Instant RealStart = NodaTime.SystemClock.Instance.GetCurrentInstant();
        public static readonly NodaTime.LocalDate Today = RealStart.InZone(Amsterdam).Date;
        public static readonly long OffsetSeconds =
            (long)(Today.At(new NodaTime.LocalTime(12, 0)).InZoneLeniently(Amsterdam).ToInstant() - RealStart).TotalSeconds;
    }
}
