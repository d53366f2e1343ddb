using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Warmte.Tests.Cli;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Voting;

/// <summary>
/// Tester10 T1, T3, T4 and T13 against the real service (API, and the built <c>warmte</c> as its own process): the rule for a
/// statute change follows the default quorum, a proposal's rules are fixed at its first vote and a statutes change says which
/// open proposals it does not reach, and online voters who do not count for the quorum are said before anyone votes.
/// </summary>
public sealed class DecisionRulesApiTests(OnlineVotingFixture fixture) : IClassFixture<OnlineVotingFixture>
{
    private WarmteServer Server => fixture.Server;

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>A cooperative with <paramref name="members"/> members, a meeting on the fixture's today with these proposals; returns (coop, board token, board client).</summary>
    private async Task<(string Coop, string Token, HttpClient Board)> Meeting(int members, params (string Id, string Type)[] proposals)
    {
        var admin = Server.Client();
        var coop = NewId("coop");
        await ApiCalls.SeedCooperativeWithProject(admin, coop, NewId("proj"));
        await ApiCalls.SeedMembers(admin, coop, members);
        var created = await admin.Post($"api/cooperatives/{coop}/alv/meetings", new
        {
            id = "alv", title = "ALV", date = OnlineVotingFixture.MeetingDate, noticeDate = "2027-03-01",
            proposals = proposals.Select(p => new { id = p.Id, title = p.Id, decisionType = p.Type }).ToArray(),
        });
        Assert.True(created.Status == HttpStatusCode.Created, created.Raw);
        var token = (await admin.Post("api/tokens", new { name = NewId("bestuur"), role = $"board:{coop}" })).Text("token");
        return (coop, token, Server.Client(token));
    }

    private static async Task Ballot(HttpClient board, string coop, string proposal, string member, string choice = "Voor")
    {
        var cast = await board.Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals/{proposal}/ballots", new { memberNumber = member, choice });
        Assert.True(cast.Status == HttpStatusCode.OK, cast.Raw);
    }

    /// <summary>Closes the proposal and returns (outcome, resultText) as the meeting shows them.</summary>
    private static async Task<(string Outcome, string Text)> Close(HttpClient board, string coop, string proposal)
    {
        var closed = await board.Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals/{proposal}/close", new { });
        Assert.True(closed.Status == HttpStatusCode.OK, closed.Raw);
        var meeting = await board.Get($"api/cooperatives/{coop}/alv/meetings/alv");
        var shown = meeting.Body.GetProperty("proposals").EnumerateArray().Single(p => p.GetProperty("id").GetString() == proposal);
        return (shown.GetProperty("result").GetProperty("outcome").GetString()!, shown.GetProperty("resultText").GetString()!);
    }

    private static JsonElement StatuteChangeRule(ApiCalls.Answer statutes) =>
        statutes.Body.GetProperty("overrides").EnumerateArray().Single(o => o.GetProperty("type").GetString() == "Statutenwijziging");

    private static string Quorum(JsonElement rule) =>
        $"{rule.GetProperty("quorum").GetProperty("numerator").GetInt32()}/{rule.GetProperty("quorum").GetProperty("denominator").GetInt32()}";

    private Task<CliResult> Warmte(string token, params string[] args) =>
        BuiltProgram.Run("dotnet", [BuiltProgram.WarmteDll, .. args], new Dictionary<string, string?>
        {
            ["WARMTE_URL"] = Server.BaseUrl, ["WARMTE_TOKEN"] = token, ["WARMTE_CONFIG"] = "/nonexistent/warmte-config",
        }, TimeSpan.FromSeconds(180));

    [Fact]
    public async Task The_cli_sets_a_quorum_and_a_statute_change_needs_it_too()
    {
        var (coop, token, board) = await Meeting(4, ("statuten", "Statutenwijziging"));

        var set = await Warmte(token, "alv", "statutes", coop, "--quorum", "1/2");
        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.Contains("Statutenwijziging (volgt de standaardregel; de wet vraagt minstens 2/3): quorum 1/2, minstens 2/3", set.Out);
        var statutes = await board.Get($"api/cooperatives/{coop}/alv/statutes");
        Assert.Equal("1/2", Quorum(StatuteChangeRule(statutes).GetProperty("rule")));
        Assert.True(StatuteChangeRule(statutes).GetProperty("derived").GetBoolean());

        // A second change through the CLI (read input, change, send back) still does not freeze it.
        var again = await Warmte(token, "alv", "statutes", coop, "--max-proxies", "2");
        Assert.True(again.ExitCode == 0, again.ToString());
        var three = await Warmte(token, "alv", "statutes", coop, "--quorum", "3/4");
        Assert.True(three.ExitCode == 0, three.ToString());
        Assert.Contains("Statutenwijziging (volgt de standaardregel; de wet vraagt minstens 2/3): quorum 3/4", three.Out);

        // One of four members votes for a statute change: no quorum (before, a statute change needed none).
        await Ballot(board, coop, "statuten", "L-1");
        var (outcome, text) = await Close(board, coop, "statuten");
        Assert.Equal("GeenQuorum", outcome);
        Assert.Contains("quorum 3/4", text);
    }

    [Fact]
    public async Task The_documented_round_trip_follows_a_new_default_and_an_explicit_statute_change_rule_stays()
    {
        var (coop, _, board) = await Meeting(3, ("jaarrekening", "Overig"));
        var read = await board.Get($"api/cooperatives/{coop}/alv/statutes");
        var input = JsonNode.Parse(read.Body.GetProperty("input").GetRawText())!;
        Assert.Empty(input["overrides"]!.AsArray());
        Assert.Equal("Statutenwijziging", read.Body.GetProperty("derivedOverrides")[0].GetProperty("decisionType").GetString());

        input["default"]!["quorum"] = "1/3";
        var put = await board.Put($"api/cooperatives/{coop}/alv/statutes", input);
        Assert.True(put.Status == HttpStatusCode.OK, put.Raw);
        Assert.Equal("1/3", Quorum(StatuteChangeRule(put).GetProperty("rule")));
        Assert.Equal("1/3", Quorum(StatuteChangeRule(await board.Get($"api/cooperatives/{coop}/alv/statutes")).GetProperty("rule")));

        // The board sets a statute change rule of its own, with no quorum: its explicit choice, kept and sent back in input.
        var own = await board.Put($"api/cooperatives/{coop}/alv/statutes", new
        {
            @default = new { quorum = "1/3" }, overrides = new[] { new { decisionType = "Statutenwijziging", quorum = "0" } },
        });
        Assert.True(own.Status == HttpStatusCode.OK, own.Raw);
        Assert.False(StatuteChangeRule(own).GetProperty("derived").GetBoolean());
        Assert.Equal(0, StatuteChangeRule(own).GetProperty("rule").GetProperty("quorum").GetProperty("numerator").GetInt32());
        Assert.Equal("Statutenwijziging", own.Body.GetProperty("input").GetProperty("overrides")[0].GetProperty("decisionType").GetString());
    }

    [Fact]
    public async Task A_quorum_change_after_the_first_vote_does_not_reach_that_proposal_and_the_answer_says_so()
    {
        var (coop, _, board) = await Meeting(3, ("tarief", "Tariefbesluit"), ("jaarrekening", "Overig"));
        await Ballot(board, coop, "tarief", "L-1");

        var changed = await board.Put($"api/cooperatives/{coop}/alv/statutes", new { @default = new { quorum = "1/2" } });
        Assert.True(changed.Status == HttpStatusCode.OK, changed.Raw);
        var warning = changed.Body.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()!).Single(w => w.Contains("al gestemd"));
        Assert.Contains("gelden niet voor het open voorstel waarop al gestemd is: alv/tarief", warning);
        Assert.Contains("wel voor de open voorstellen waarop nog niet is gestemd: alv/jaarrekening", warning);

        // Closed with the rules of its first vote (no quorum): one of three voting passes it.
        var (outcome, text) = await Close(board, coop, "tarief");
        Assert.Equal("Aangenomen", outcome);
        Assert.DoesNotContain("quorum", text);
        // The other had no vote when the statutes changed: their quorum of 1/2 applies.
        await Ballot(board, coop, "jaarrekening", "L-1");
        var (other, otherText) = await Close(board, coop, "jaarrekening");
        Assert.Equal("GeenQuorum", other);
        Assert.Contains("1 van 3 stemgerechtigden aanwezig of vertegenwoordigd, quorum 1/2", otherText);
    }

    [Fact]
    public async Task Online_voters_not_counting_for_the_quorum_is_said_before_voting_and_a_later_change_does_not_reach_cast_votes()
    {
        var (coop, token, board) = await Meeting(3, ("tarief", "Tariefbesluit"));
        var statutes = await Warmte(token, "alv", "statutes", coop, "--quorum", "1/2", "--online-voting", "ja");
        Assert.True(statutes.ExitCode == 0, statutes.ToString());
        Assert.Contains("Let op: Online stemmers tellen onder deze statuten niet mee voor het quorum", statutes.Out);
        Assert.Contains($"warmte alv statutes {coop} --online-present ja", statutes.Out);

        var opened = await Warmte(token, "alv", "online", "open", coop, "alv", "--proposals", "tarief", "--opens", "2027-03-01");
        Assert.True(opened.ExitCode == 0, opened.ToString());
        Assert.Contains("Let op: Online stemmers tellen onder deze statuten niet mee voor het quorum van tarief (quorum 1/2)", opened.Out);
        var status = await board.Get($"api/cooperatives/{coop}/alv/meetings/alv/online");
        Assert.Contains("niet mee voor het quorum", status.Text("quorumNote"));

        var issued = await board.Post($"api/cooperatives/{coop}/alv/meetings/alv/online/codes", new { });
        var codes = issued.Body.GetProperty("codes").EnumerateArray().ToDictionary(c => c.GetProperty("memberNumber").GetString()!, c => c.GetProperty("code").GetString()!);
        foreach (var member in new[] { "L-1", "L-2" })
        {
            var vote = await Server.Client(token: null).Post("api/stem/votes", new { code = codes[member], proposalId = "tarief", choice = "Voor" });
            Assert.True(vote.Status == HttpStatusCode.OK, vote.Raw);
        }

        // Now the board says online voters count as present: not for tarief, whose rules were fixed at its first vote.
        var later = await Warmte(token, "alv", "statutes", coop, "--online-present", "ja");
        Assert.True(later.ExitCode == 0, later.ToString());
        Assert.Contains("Let op: Deze besluitregels gelden niet voor het open voorstel waarop al gestemd is: alv/tarief", later.Out);
        var after = await board.Get($"api/cooperatives/{coop}/alv/meetings/alv/online");
        Assert.Contains("Voor tarief is al gestemd", after.Text("quorumNote"));

        var (outcome, text) = await Close(board, coop, "tarief");
        Assert.Equal("GeenQuorum", outcome);
        Assert.Contains("0 van 3 stemgerechtigden aanwezig", text);

        // The ALV audit names a member's online vote as the online voting, for the board as for an admin (T13).
        var audit = await board.Get($"api/cooperatives/{coop}/alv/audit?pageSize=100");
        var ballots = audit.Body.GetProperty("entries").EnumerateArray().Where(e => e.GetProperty("action").GetString() == "alv.ballot-cast").ToList();
        Assert.Equal(2, ballots.Count);
        Assert.All(ballots, e => Assert.Equal("online-stemming", e.GetProperty("actor").GetString()));
    }
}
