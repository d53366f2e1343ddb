using System.Net;
using NodaTime.Testing;
using Warmte.Tests.Infrastructure;
using Warmte.Tests.Voting;

namespace Warmte.Tests.Cli;

/// <summary>
/// Tester finding A14: a CLI user is told the CLI's own way out (<c>--out brieven.html</c>, <c>--members … --out</c>),
/// not the API path the service names for integrators.
/// </summary>
public sealed class OnlineCodesCliMessageTests
{
    /// <summary>A cooperative with three members (no e-mail addresses) and a meeting with online voting open; returns the board's token.</summary>
    private static async Task<(string Coop, string Board)> Opened(WarmteServer server)
    {
        var admin = server.Client();
        var coop = $"coop-{Guid.NewGuid().ToString("N")[..8]}";
        await ApiCalls.SeedCooperativeWithProject(admin, coop, $"proj-{Guid.NewGuid().ToString("N")[..8]}");
        await ApiCalls.SeedMembers(admin, coop);
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/cooperatives/{coop}/alv/meetings", new
        {
            id = "alv", title = "Voorjaars-ALV", date = OnlineVotingFixture.MeetingDate, noticeDate = "2027-03-01",
            proposals = new object[] { new { id = "tarief", title = "Tarief 2028", decisionType = "Tariefbesluit" } },
        })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/cooperatives/{coop}/alv/statutes", new { electronic = new { advanceVotingAllowed = true } })).Status);
        var opened = await admin.Put($"api/cooperatives/{coop}/alv/meetings/alv/online", new { opens = "2027-03-01", proposals = new[] { new { proposalId = "tarief" } } });
        Assert.True(opened.Status == HttpStatusCode.OK, opened.Raw);
        return (coop, (await admin.Post("api/tokens", new { name = "Bestuur", role = $"board:{coop}" })).Text("token"));
    }

    [Fact]
    public async Task Without_a_mail_server_the_cli_names_its_own_out_option_not_the_api_path()
    {
        await using var server = await WarmteServer.StartAsync(clock: new FakeClock(OnlineVotingFixture.Now));
        var (coop, board) = await Opened(server);
        var refused = await CliHarness.Run(CliHarness.Env(server.BaseUrl, board), null, "alv", "online", "codes", coop, "alv", "--mail");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("Mail:Host is niet ingesteld", refused.Err);
        Assert.Contains($"warmte alv online codes {coop} alv --out brieven.html (of --out stemcodes.xlsx)", refused.Err);
        Assert.DoesNotContain("?format=", refused.Err);
        Assert.DoesNotContain("…/", refused.Err);
    }

    [Fact]
    public async Task Members_without_an_email_address_are_given_the_cli_command_for_their_letter()
    {
        // A mail host is set, but no member has an e-mail address: nothing is sent, every member needs a letter.
        await using var server = await WarmteServer.StartAsync(clock: new FakeClock(OnlineVotingFixture.Now), extraArgs:
        [
            "--Mail:Host", "127.0.0.1", "--Mail:Port", "7199", "--Mail:Security", "None",
            "--Mail:From", "Bestuur <bestuur@warmtenet.example>", "--Voting:PublicUrl", "https://stem.voorbeeld.nl",
        ]);
        var (coop, board) = await Opened(server);
        var mailed = await CliHarness.Run(CliHarness.Env(server.BaseUrl, board), null, "alv", "online", "codes", coop, "alv", "--mail");
        // Nobody was reached: no code is made (none would be in any mail or letter) and the CLI exits 3, "done, letters
        // needed" (tester5 T4), not 1, which a script reads as failed and retries (tester9a T2).
        Assert.True(mailed.ExitCode == 3, mailed.ToString());
        Assert.Contains("0 uitgegeven, 0 gemaild", mailed.Out);
        Assert.Contains($"warmte alv online codes {coop} alv --members L-1,L-2,L-3 --out brieven.html", mailed.Out);
        Assert.Contains("3 leden hebben geen mail ontvangen", mailed.Out);
        Assert.DoesNotContain("POST", mailed.Out);
        Assert.DoesNotContain("?format=", mailed.Out);
    }

    /// <summary>Tester finding A10: codes for a meeting whose online proposals are all closed gave members an empty paper.</summary>
    [Fact]
    public async Task Codes_for_a_meeting_whose_proposals_are_all_closed_are_refused_before_any_code_is_replaced()
    {
        await using var server = await WarmteServer.StartAsync(clock: new FakeClock(OnlineVotingFixture.Now));
        var (coop, board) = await Opened(server);
        var client = server.Client(board);
        var issued = await client.Post($"api/cooperatives/{coop}/alv/meetings/alv/online/codes", new { });
        Assert.Equal(HttpStatusCode.OK, issued.Status);
        var code = issued.Body.GetProperty("codes")[0].GetProperty("code").GetString();

        var closed = await server.Client().Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals/tarief/close", new { });
        Assert.True(closed.Status == HttpStatusCode.OK, closed.Raw);
        var refused = await client.Post($"api/cooperatives/{coop}/alv/meetings/alv/online/codes", new { members = new[] { "L-1" } });
        Assert.Equal((HttpStatusCode.Conflict, "no-open-proposals"), (refused.Status, refused.Code));
        Assert.Contains("tarief", refused.Raw);

        var target = Path.Combine(Path.GetTempPath(), $"brieven-{Guid.NewGuid():N}.html");
        var cli = await CliHarness.Run(CliHarness.Env(server.BaseUrl, board), null, "alv", "online", "codes", coop, "alv", "--out", target);
        Assert.Equal(1, cli.ExitCode);
        Assert.Contains("al gesloten", cli.Err);
        Assert.False(File.Exists(target));
        // The earlier code was not replaced: it still opens the member's paper.
        Assert.Equal(HttpStatusCode.OK, (await server.Client(token: null).Post("api/stem/paper", new { code })).Status);
    }
}
