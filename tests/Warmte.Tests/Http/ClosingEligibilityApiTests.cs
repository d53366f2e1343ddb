using System.Net;
using Warmte.Tests.Infrastructure;
using Warmte.Tests.Voting;

namespace Warmte.Tests.Http;

/// <summary>
/// Tester A2 = review3 F3 through the API: a member votes online, the board then writes the member out with the
/// meeting's date; closing leaves that ballot out of the totals, the turnout and the published receipts, and says so.
/// </summary>
public sealed class ClosingEligibilityApiTests(OnlineVotingFixture fixture) : IClassFixture<OnlineVotingFixture>
{
    private WarmteServer Server => fixture.Server;

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    private async Task<(int Code, string Out, string Err)> Cli(string token, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await Warmte.Client.WarmteCli.RunAsync(args, stdout, stderr, new Dictionary<string, string?> { ["WARMTE_URL"] = Server.BaseUrl, ["WARMTE_TOKEN"] = token });
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task The_testers_sequence_an_online_vote_of_a_member_written_out_on_the_meeting_date_is_not_counted()
    {
        var admin = Server.Client();
        var coop = NewId("coop");
        await ApiCalls.SeedCooperativeWithProject(admin, coop, NewId("proj"));
        await ApiCalls.SeedMembers(admin, coop);
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/cooperatives/{coop}/alv/meetings", new
        {
            id = "alv", title = "ALV vandaag", date = OnlineVotingFixture.MeetingDate, noticeDate = "2027-03-01",
            proposals = new[] { new { id = "jaarrekening", title = "Jaarrekening 2026", decisionType = "Overig" } },
        })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/cooperatives/{coop}/alv/statutes", new { electronic = new { advanceVotingAllowed = true } })).Status);
        var opened = await admin.Put($"api/cooperatives/{coop}/alv/meetings/alv/online", new { opens = "2027-03-01", proposals = new[] { new { proposalId = "jaarrekening" } } });
        Assert.True(opened.Status == HttpStatusCode.OK, opened.Raw);
        var codes = await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv/online/codes", new { members = new[] { "L-2" } });
        var code = codes.Body.GetProperty("codes")[0].GetProperty("code").GetString();
        var vote = await Server.Client(token: null).Post("api/stem/votes", new { code, proposalId = "jaarrekening", choice = "Voor" });
        Assert.True(vote.Status == HttpStatusCode.OK, vote.Raw);
        var receipt = vote.Text("receipt");

        // The board, with the CLI as the tester did: writes L-2 out as of the meeting date (L-2 may no longer vote),
        // L-1 votes at the meeting, the proposal is closed.
        var token = (await admin.Post("api/tokens", new { name = "Bestuur", role = $"board:{coop}" })).Text("token");
        var left = await Cli(token, "member", "leave", coop, "L-2", "--on", OnlineVotingFixture.MeetingDate);
        Assert.True(left.Code == 0, left.Err);
        var refused = await Cli(token, "alv", "vote", coop, "alv", "jaarrekening", "--member", "L-2", "--choice", "tegen");
        Assert.NotEqual(0, refused.Code);
        Assert.Contains("lid L-2 is op 20-03-2027 uitgeschreven", refused.Err + refused.Out);
        Assert.Equal(0, (await Cli(token, "alv", "vote", coop, "alv", "jaarrekening", "--member", "L-1", "--choice", "tegen")).Code);
        var closedByCli = await Cli(token, "alv", "close", coop, "alv", "jaarrekening");
        Assert.True(closedByCli.Code == 0, closedByCli.Err);
        Assert.Contains("0 voor, 1 tegen", closedByCli.Out);
        Assert.Contains("1 van 2 stemgerechtigden aanwezig of vertegenwoordigd", closedByCli.Out);
        Assert.Contains("1 stem niet meegeteld: lid L-2 is op 20-03-2027 uitgeschreven.", closedByCli.Out);

        var closed = await admin.Get($"api/cooperatives/{coop}/alv/meetings/alv");
        var result = closed.Body.GetProperty("proposals")[0].GetProperty("result");
        Assert.Equal((0m, 1m), (result.GetProperty("for").GetDecimal(), result.GetProperty("against").GetDecimal()));
        Assert.Equal((1, 2), (result.GetProperty("presentOrRepresented").GetInt32(), result.GetProperty("eligibleMembers").GetInt32()));
        Assert.Equal("1 stem niet meegeteld: lid L-2 is op 20-03-2027 uitgeschreven", result.GetProperty("leftOut")[0].GetString());

        // The meeting view, the audit and the online result say the same.
        var meeting = await admin.Get($"api/cooperatives/{coop}/alv/meetings/alv");
        var proposal = meeting.Body.GetProperty("proposals")[0];
        Assert.Equal((1, 0), (proposal.GetProperty("ballotCount").GetInt32(), proposal.GetProperty("onlineCount").GetInt32()));
        Assert.Contains("lid L-2 is op 20-03-2027 uitgeschreven", proposal.GetProperty("resultText").GetString());
        var online = await admin.Get($"api/cooperatives/{coop}/alv/meetings/alv/online");
        Assert.Equal((0, 0), (online.Body.GetProperty("votesCast").GetInt32(), online.Body.GetProperty("voters").GetInt32()));
        var audit = await admin.Get($"api/cooperatives/{coop}/alv/audit?pageSize=100");
        Assert.Contains("1 stem niet meegeteld: lid L-2 is op 20-03-2027 uitgeschreven", audit.Raw);
        var check = await Server.Client(token: null).Post("api/stem/receipt", new { meeting = $"{coop}/alv", receipt });
        Assert.Equal((HttpStatusCode.NotFound, "unknown-receipt"), (check.Status, check.Code));
    }
}
