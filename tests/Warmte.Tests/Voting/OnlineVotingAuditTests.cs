using System.Net;
using System.Text.Json;
using NodaTime.Testing;
using Warmte.Tests.Infrastructure;
using Warmte.Voting;

namespace Warmte.Tests.Voting;

/// <summary>
/// The online-voting trail through <c>GET …/online/audit</c> (tester10 T7, T2): codes issued per channel (downloaded, letter,
/// mailed), a mailing's start, restart and end, read per role: member numbers for the own board and admins, counts for others.
/// Real SMTP server, real SQLite file.
/// </summary>
public sealed class OnlineVotingAuditTests
{
    private const string PublicUrl = "https://stem.voorbeeld.nl";

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    private static Task<WarmteServer> Start(SmtpMaildir smtp) =>
        WarmteServer.StartAsync(clock: new FakeClock(OnlineVotingFixture.Now), extraArgs:
        [
            "--Mail:Host", "127.0.0.1", "--Mail:Port", smtp.Port.ToString(), "--Mail:Security", "None",
            "--Mail:From", "Bestuur Warmtenet <bestuur@warmtenet.example>", "--Voting:PublicUrl", PublicUrl,
        ]);

    private static string AuditPath(string coop, string query = "") => $"api/cooperatives/{coop}/alv/meetings/alv/online/audit{query}";

    private sealed record Line(string Action, string? Channel, string Summary);

    private static async Task<List<Line>> Trail(HttpClient client, string coop)
    {
        var page = await client.Get(AuditPath(coop, "?pageSize=200"));
        Assert.True(page.Status == HttpStatusCode.OK, page.Raw);
        return [.. page.Body.GetProperty("entries").EnumerateArray().Select(e => new Line(
            e.GetProperty("action").GetString()!,
            e.TryGetProperty("channel", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null,
            e.GetProperty("summary").GetString()!))];
    }

    private static async Task<HttpClient> Token(WarmteServer server, string role) =>
        server.Client((await server.Client().Post("api/tokens", new { name = "Lezer " + role, role })).Text("token"));

    [Fact]
    public async Task The_trail_tells_a_mailing_from_a_download_and_a_letter_and_names_members_only_to_the_own_board_and_admins()
    {
        await using var smtp = await SmtpMaildir.StartAsync();
        await using var server = await Start(smtp);
        var coop = NewId("coop");
        var board = await OnlineVotingMailTests.Opened(server, coop);
        var online = $"api/cooperatives/{coop}/alv/meetings/alv/online";

        Assert.Equal(HttpStatusCode.OK, (await board.Post($"{online}/codes", new { members = new[] { "M-1" } })).Status);
        using (var letters = await board.PostAsync($"{online}/codes?format=letters", System.Net.Http.Json.JsonContent.Create(new { members = new[] { "M-3" } })))
            Assert.Equal(HttpStatusCode.OK, letters.StatusCode);
        using (var mail = new HttpRequestMessage(HttpMethod.Post, $"{online}/mail") { Content = System.Net.Http.Json.JsonContent.Create(new { members = new[] { "M-2", "M-3" } }) })
        {
            mail.Headers.Add("Idempotency-Key", "mail-" + Guid.NewGuid().ToString("N"));
            using var mailed = await board.SendAsync(mail);
            Assert.Equal(HttpStatusCode.OK, mailed.StatusCode);
        }
        Assert.Single(smtp.Messages());

        // The own board: every line, newest first, with the channel and the member numbers.
        var trail = await Trail(board, coop);
        Assert.Equal(["online.codes-issued", "online.mail-started", "online.codes-issued", "online.codes-issued", "online.opened"], trail.Select(l => l.Action));
        Assert.Equal(["mailed", "mailed", "letter", "downloaded", null], trail.Select(l => l.Channel));
        Assert.Contains("per mail voor 1 lid: M-2", trail[0].Summary);
        Assert.Contains("afgerond", trail[0].Summary);
        // The start names who the mail was for: M-2 only, since M-3 has no address and gets no mail.
        Assert.Contains("gestart aan 1 lid: M-2", trail[1].Summary);
        Assert.Contains("als brief voor 1 lid: M-3", trail[2].Summary);
        Assert.Contains("als download (json of xlsx) voor 1 lid: M-1", trail[3].Summary);
        Assert.Equal(trail, await Trail(server.Client(), coop));

        // Every other role: the same lines and channels, counts instead of member numbers.
        foreach (var role in new[] { "financier", "coordinator", "reader", "board:" + NewId("ander") })
        {
            var other = await Trail(await Token(server, role), coop);
            Assert.Equal(trail.Select(l => (l.Action, l.Channel)), other.Select(l => (l.Action, l.Channel)));
            Assert.All(other, l => Assert.DoesNotMatch(@"M-\d", l.Summary));
            Assert.Contains("1 lid (lidnummers alleen voor het bestuur van de coöperatie)", other[0].Summary);
            Assert.Contains("per mail", other[0].Summary);
            Assert.Equal(trail[^1].Summary, other[^1].Summary);
        }

        // Paged like the other audit reads.
        var first = await board.Get(AuditPath(coop, "?page=2&pageSize=2"));
        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(5, first.Body.GetProperty("total").GetInt32());
        Assert.Equal(["online.codes-issued", "online.codes-issued"], first.Body.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("action").GetString()));
        var bad = await board.Get(AuditPath(coop, "?pageSize=0"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.Contains("pageSize", bad.Raw);
        Assert.Equal(HttpStatusCode.NotFound, (await board.Get($"api/cooperatives/{coop}/alv/meetings/geen-vergadering/online/audit")).Status);
    }

    [Fact]
    public async Task A_restarted_mailing_that_fails_is_said_as_failed_after_naming_who_may_hold_a_dead_code()
    {
        await using var smtp = await SmtpMaildir.StartAsync();
        await using var server = await Start(smtp);
        var coop = NewId("coop");
        var board = await OnlineVotingMailTests.Opened(server, coop);
        var key = "mail-" + Guid.NewGuid().ToString("N");
        // What a silo that died mid-mailing leaves: the durable mark naming a silo that is no member of the cluster.
        await VotingMailRetryTests.Sql(server, "INSERT INTO warmte_voting_mailing (voting_key, idempotency_key, fingerprint, silo, started_at) VALUES (@v, @k, @f, @s, @at)",
            ("v", $"{coop}/alv"), ("k", key), ("f", VotingMailRetry.Fingerprint(new IssueCodes())), ("s", "127.0.0.1:1@1"), ("at", "2027-03-20T10:55:00Z"));
        // The restart finds no mail server.
        await smtp.StopAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/cooperatives/{coop}/alv/meetings/alv/online/mail")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { restartInterrupted = true }),
        };
        request.Headers.Add("Idempotency-Key", key);
        using var restart = await board.SendAsync(request);
        Assert.Equal(HttpStatusCode.Conflict, restart.StatusCode);
        Assert.Contains("mail-unreachable", await restart.Content.ReadAsStringAsync());

        var trail = await Trail(board, coop);
        Assert.Equal(["online.mail-ended", "online.mail-restarted", "online.opened"], trail.Select(l => l.Action));
        // The restart line names who may hold a code that never became valid (the members with an address) and does not say it worked.
        Assert.Contains("Onderbroken mailing van 20-03-2027 11:55", trail[1].Summary);
        Assert.Contains("hooguit 3 leden: M-1, M-2, M-4", trail[1].Summary);
        Assert.DoesNotContain("M-3", trail[1].Summary);
        Assert.Contains("of die is afgerond, zegt een volgende regel", trail[1].Summary);
        // The next line says what happened.
        Assert.Contains("niet afgerond", trail[0].Summary);
        Assert.Contains("niet bereikbaar", trail[0].Summary);
        Assert.Contains(key, trail[0].Summary);

        var financier = await Trail(await Token(server, "financier"), coop);
        Assert.Contains("hooguit 3 leden (lidnummers alleen voor het bestuur van de coöperatie)", financier[1].Summary);
        Assert.All(financier, l => Assert.DoesNotMatch(@"M-\d", l.Summary));
        Assert.Contains("niet afgerond", financier[0].Summary);
    }
}
