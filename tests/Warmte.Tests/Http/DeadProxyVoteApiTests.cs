using System.Net;
using Warmte.Tests.Infrastructure;
using Warmte.Tests.Voting;

namespace Warmte.Tests.Http;

/// <summary>
/// Tester4 T1 through the API, as the tester did it: L-1 gives an online proxy to L-4, L-4 votes for her, then the board
/// writes L-4 out (`warmte member leave … --on` the meeting day). That proxy vote cannot count — and L-1 is free again:
/// her paper says so, she may withdraw the proxy and vote herself (online, or the board enters her vote at the meeting),
/// and the close counts her once. Also T5 (turnout, meeting view and online status agree, counted as closing counts) and
/// T10a (the receipt check takes the paper's votingKey).
/// </summary>
public sealed class DeadProxyVoteApiTests(OnlineVotingFixture fixture) : IClassFixture<OnlineVotingFixture>
{
    private WarmteServer Server => fixture.Server;

    private HttpClient Member() => Server.Client(token: null);

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    private async Task<(int Code, string Out, string Err)> Cli(string token, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await Warmte.Client.WarmteCli.RunAsync(args, stdout, stderr, new Dictionary<string, string?> { ["WARMTE_URL"] = Server.BaseUrl, ["WARMTE_TOKEN"] = token });
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The tester's setup up to the write-out: returns the cooperative, the board's token and the members' codes.</summary>
    private async Task<(string Coop, string Token, Dictionary<string, string> Codes)> HolderWrittenOutAfterVoting()
    {
        var admin = Server.Client();
        var coop = NewId("coop");
        await ApiCalls.SeedCooperativeWithProject(admin, coop, NewId("proj"));
        await ApiCalls.SeedMembers(admin, coop, 4);
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/cooperatives/{coop}/alv/statutes", new
        {
            electronic = new { advanceVotingAllowed = true, advanceVotersCountAsPresent = true, onlineProxiesAllowed = true },
        })).Status);
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/cooperatives/{coop}/alv/meetings", new
        {
            id = "alv", title = "ALV vandaag", date = OnlineVotingFixture.MeetingDate, noticeDate = "2027-03-01",
            proposals = new[] { new { id = "vb", title = "Voorstel B", decisionType = "Overig" } },
        })).Status);
        var opened = await admin.Put($"api/cooperatives/{coop}/alv/meetings/alv/online", new { opens = "2027-03-01", proposals = new[] { new { proposalId = "vb" } } });
        Assert.True(opened.Status == HttpStatusCode.OK, opened.Raw);
        var issued = await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv/online/codes?format=json", new { });
        Assert.True(issued.Status == HttpStatusCode.OK, issued.Raw);
        var codes = issued.Body.GetProperty("codes").EnumerateArray().ToDictionary(c => c.GetProperty("memberNumber").GetString()!, c => c.GetProperty("code").GetString()!);

        var given = await Member().Post("api/stem/proxy", new { code = codes["L-1"], holder = "L-4", proposalIds = new[] { "vb" } });
        Assert.True(given.Status == HttpStatusCode.OK, given.Raw);
        var byHolder = await Member().Post("api/stem/votes", new { code = codes["L-4"], proposalId = "vb", choice = "Voor", forMember = "L-1" });
        Assert.True(byHolder.Status == HttpStatusCode.OK, byHolder.Raw);
        Assert.Equal(HttpStatusCode.OK, (await Member().Post("api/stem/votes", new { code = codes["L-2"], proposalId = "vb", choice = "Tegen" })).Status);
        var token = (await admin.Post("api/tokens", new { name = "Bestuur", role = $"board:{coop}" })).Text("token");
        var left = await Cli(token, "member", "leave", coop, "L-4", "--on", OnlineVotingFixture.MeetingDate);
        Assert.True(left.Code == 0, left.Err);
        return (coop, token, codes);
    }

    /// <summary>Online status, turnout and meeting view of proposal vb: (voters, votesCast), (ballots, online, present), (ballotCount, onlineCount, present).</summary>
    private async Task<((int, int) Online, (int, int, int) Turnout, (int, int, int) View)> Counts(string coop)
    {
        var admin = Server.Client();
        var online = (await admin.Get($"api/cooperatives/{coop}/alv/meetings/alv/online")).Body;
        var turnout = (await admin.Get($"api/cooperatives/{coop}/alv/meetings/alv/proposals/vb/turnout")).Body;
        var view = (await admin.Get($"api/cooperatives/{coop}/alv/meetings/alv")).Body.GetProperty("proposals")[0];
        var listed = (await admin.Get($"api/cooperatives/{coop}/alv/meetings")).Body[0].GetProperty("proposals")[0];
        Assert.Equal(view.GetProperty("ballotCount").GetInt32(), listed.GetProperty("ballotCount").GetInt32());
        return ((online.GetProperty("voters").GetInt32(), online.GetProperty("votesCast").GetInt32()),
            (turnout.GetProperty("ballots").GetInt32(), turnout.GetProperty("online").GetInt32(), turnout.GetProperty("presentOrRepresented").GetInt32()),
            (view.GetProperty("ballotCount").GetInt32(), view.GetProperty("onlineCount").GetInt32(), view.GetProperty("presentOrRepresentedCount").GetInt32()));
    }

    [Fact]
    public async Task The_testers_sequence_the_giver_is_told_her_proxy_vote_does_not_count_withdraws_it_and_votes_herself()
    {
        var (coop, _, codes) = await HolderWrittenOutAfterVoting();

        // T5: one count everywhere, as the close will count it: only L-2's vote (L-4's vote for L-1 cannot count).
        Assert.Equal(((1, 1), (1, 1, 1), (1, 1, 1)), await Counts(coop));

        // Her paper: not "U heeft gestemd" but why the proxy vote does not count, and that she can vote.
        var paper = await Member().Post("api/stem/paper", new { code = codes["L-1"] });
        var item = paper.Body.GetProperty("items")[0];
        Assert.Equal(System.Text.Json.JsonValueKind.Null, item.GetProperty("myVote").ValueKind);
        var why = item.GetProperty("proxyVoteNotCounted").GetString()!;
        Assert.StartsWith("Uw stem bij volmacht via lid L-4 telt niet: lid L-4 is op 20-03-2027 uitgeschreven", why);
        Assert.Contains("U kunt nu zelf stemmen", why);
        Assert.False(paper.Body.GetProperty("proxiesGiven")[0].GetProperty("used").GetBoolean());

        // She withdraws the proxy (before: 409 proxy-used) and votes herself (before: 409 already-voted "… die stem telt").
        var withdrawn = await Member().Post("api/stem/proxy/withdraw", new { code = codes["L-1"], proposalIds = new[] { "vb" } });
        Assert.True(withdrawn.Status == HttpStatusCode.OK, withdrawn.Raw);
        Assert.Equal(0, withdrawn.Body.GetProperty("proxiesGiven").GetArrayLength());
        var own = await Member().Post("api/stem/votes", new { code = codes["L-1"], proposalId = "vb", choice = "Voor" });
        Assert.True(own.Status == HttpStatusCode.OK, own.Raw);
        var receipt = own.Text("receipt");
        // Now her vote counts, and a second one is refused saying so.
        var again = await Member().Post("api/stem/votes", new { code = codes["L-1"], proposalId = "vb", choice = "Tegen" });
        Assert.Equal((HttpStatusCode.Conflict, "already-voted"), (again.Status, again.Code));
        Assert.Equal(((2, 2), (2, 2, 2), (2, 2, 2)), await Counts(coop));

        var closed = await Server.Client().Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals/vb/close", new { });
        Assert.True(closed.Status == HttpStatusCode.OK, closed.Raw);
        var result = (await Server.Client().Get($"api/cooperatives/{coop}/alv/meetings/alv")).Body.GetProperty("proposals")[0].GetProperty("result");
        Assert.Equal((1m, 1m, 2), (result.GetProperty("for").GetDecimal(), result.GetProperty("against").GetDecimal(), result.GetProperty("presentOrRepresented").GetInt32()));
        Assert.Equal("1 stem niet meegeteld: lid L-1 stemde bij volmacht via lid L-4, maar lid L-4 is op 20-03-2027 uitgeschreven; de latere stem van lid L-1 telt wel",
            result.GetProperty("leftOut")[0].GetString());
        Assert.Equal(((2, 2), (2, 2, 2), (2, 2, 2)), await Counts(coop));
        var after = (await Member().Post("api/stem/paper", new { code = codes["L-1"] })).Body.GetProperty("items")[0];
        // Her own vote, counted (the paper shows that she voted, never the choice; the receipt check below does).
        Assert.Equal(("uitgebracht", "online"), (after.GetProperty("myVote").GetString(), after.GetProperty("votedVia").GetString()));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, after.GetProperty("notCounted").ValueKind);

        // T10a: the receipt check takes the field the paper gives (votingKey); "meeting" still works; two different ones are refused.
        var votingKey = paper.Body.GetProperty("votingKey").GetString();
        var check = await Member().Post("api/stem/receipt", new { votingKey, receipt });
        Assert.True(check.Status == HttpStatusCode.OK, check.Raw);
        Assert.Equal("Voor", check.Body[0].GetProperty("choice").GetString());
        Assert.Equal(HttpStatusCode.OK, (await Member().Post("api/stem/receipt", new { meeting = votingKey, receipt })).Status);
        var both = await Member().Post("api/stem/receipt", new { votingKey, meeting = $"{coop}/andere", receipt });
        Assert.Equal(HttpStatusCode.BadRequest, both.Status);
        Assert.Equal(["votingKey"], both.ErrorFields);
    }

    /// <summary>
    /// Tester5 T1, the tester's steps: after L-4 was written out, L-1 withdraws that proxy and gives one to L-3; then the write-out
    /// is undone (`warmte member rejoin`). Before: L-4's withdrawn "Voor" counted again, L-3 was refused 409 already-voted ("die stem
    /// telt"), the close counted the old vote and both papers said L-3 had voted. Now the withdrawn vote stays dead: L-3's vote is the
    /// one that counts, the papers name it, and the close leaves the withdrawn one out, saying why.
    /// </summary>
    [Fact]
    public async Task Tester5_T1_a_withdrawn_proxy_vote_stays_dead_when_its_holder_is_rejoined_and_the_new_holders_vote_counts()
    {
        var (coop, token, codes) = await HolderWrittenOutAfterVoting();
        var withdrawn = await Member().Post("api/stem/proxy/withdraw", new { code = codes["L-1"], proposalIds = new[] { "vb" } });
        Assert.True(withdrawn.Status == HttpStatusCode.OK, withdrawn.Raw);
        Assert.Equal("Uw stem bij volmacht via lid L-4 telt niet: u heeft die volmacht ingetrokken. U kunt zelf stemmen, of een ander lid volmacht geven.",
            withdrawn.Body.GetProperty("items")[0].GetProperty("proxyVoteNotCounted").GetString());
        var given = await Member().Post("api/stem/proxy", new { code = codes["L-1"], holder = "L-3", proposalIds = new[] { "vb" } });
        Assert.True(given.Status == HttpStatusCode.OK, given.Raw);
        var rejoined = await Cli(token, "member", "rejoin", coop, "L-4");
        Assert.True(rejoined.Code == 0, rejoined.Err);

        // Still dead after the rejoin: her paper says so and names no holder as having voted for her.
        var paper = (await Member().Post("api/stem/paper", new { code = codes["L-1"] })).Body;
        Assert.Equal(System.Text.Json.JsonValueKind.Null, paper.GetProperty("items")[0].GetProperty("myVote").ValueKind);
        Assert.Contains("u heeft die volmacht ingetrokken", paper.GetProperty("items")[0].GetProperty("proxyVoteNotCounted").GetString());
        Assert.Equal(("L-3", false), (paper.GetProperty("proxiesGiven")[0].GetProperty("holder").GetString(), paper.GetProperty("proxiesGiven")[0].GetProperty("used").GetBoolean()));
        var held = (await Member().Post("api/stem/paper", new { code = codes["L-3"] })).Body.GetProperty("proxiesHeld")[0];
        Assert.Equal(("L-1", false), (held.GetProperty("giver").GetString(), held.GetProperty("voted").GetBoolean()));
        // The only vote that counts now is L-2's (the count as closing would count it).
        Assert.Equal((1, 1), (await Counts(coop)).Online);

        var byNewHolder = await Member().Post("api/stem/votes", new { code = codes["L-3"], proposalId = "vb", choice = "Tegen", forMember = "L-1" });
        Assert.True(byNewHolder.Status == HttpStatusCode.OK, byNewHolder.Raw);
        paper = (await Member().Post("api/stem/paper", new { code = codes["L-1"] })).Body;
        Assert.Equal(("uitgebracht", "online, bij volmacht door lid L-3"),
            (paper.GetProperty("items")[0].GetProperty("myVote").GetString(), paper.GetProperty("items")[0].GetProperty("votedVia").GetString()));
        Assert.True(paper.GetProperty("proxiesGiven")[0].GetProperty("used").GetBoolean());
        Assert.True((await Member().Post("api/stem/paper", new { code = codes["L-3"] })).Body.GetProperty("proxiesHeld")[0].GetProperty("voted").GetBoolean());
        // L-4, rejoined, holds no proxy of hers and cannot vote for her any more.
        Assert.Equal(0, (await Member().Post("api/stem/paper", new { code = codes["L-4"] })).Body.GetProperty("proxiesHeld").GetArrayLength());

        // Counted: L-2 Tegen and L-1 Tegen through L-3; present or represented: L-1, L-2, L-3 (online), and L-4, who voted online as a holder.
        Assert.Equal(((2, 2), (2, 2, 4), (2, 2, 4)), await Counts(coop));
        var closed = await Cli(token, "alv", "close", coop, "alv", "vb");
        Assert.True(closed.Code == 0, closed.Err);
        Assert.Contains("0 voor, 2 tegen", closed.Out);
        Assert.Contains("lid L-1 stemde bij volmacht via lid L-4, maar trok die volmacht daarna in; de latere stem van lid L-1 telt wel", closed.Out);
        Assert.Equal(((2, 2), (2, 2, 4), (2, 2, 4)), await Counts(coop));
    }

    /// <summary>Tester5 T1 without a new holder: withdrawn, then L-4 rejoined; nobody votes for L-1 and the close leaves the withdrawn vote out.</summary>
    [Fact]
    public async Task Tester5_T1_a_withdrawn_proxy_vote_is_left_out_at_closing_though_its_holder_was_rejoined()
    {
        var (coop, token, codes) = await HolderWrittenOutAfterVoting();
        Assert.Equal(HttpStatusCode.OK, (await Member().Post("api/stem/proxy/withdraw", new { code = codes["L-1"], proposalIds = new[] { "vb" } })).Status);
        Assert.Equal(0, (await Cli(token, "member", "rejoin", coop, "L-4")).Code);
        Assert.Equal((1, 1), (await Counts(coop)).Online);
        var closed = await Cli(token, "alv", "close", coop, "alv", "vb");
        Assert.True(closed.Code == 0, closed.Err);
        Assert.Contains("0 voor, 1 tegen", closed.Out);
        var item = (await Member().Post("api/stem/paper", new { code = codes["L-1"] })).Body.GetProperty("items")[0];
        Assert.Equal("niet-meegeteld", item.GetProperty("myVote").GetString());
        Assert.Contains("u heeft de volmacht aan lid L-4 ingetrokken", item.GetProperty("notCounted").GetString());
    }

    [Fact]
    public async Task The_board_records_the_givers_vote_at_the_meeting_once_her_holder_was_written_out()
    {
        var (coop, token, _) = await HolderWrittenOutAfterVoting();
        // Before: 409 "al gestemd". Her holder may not vote, so her vote is free for the board to enter.
        var voted = await Cli(token, "alv", "vote", coop, "alv", "vb", "--member", "L-1", "--choice", "tegen");
        Assert.True(voted.Code == 0, voted.Err + voted.Out);
        var twice = await Cli(token, "alv", "vote", coop, "alv", "vb", "--member", "L-1", "--choice", "voor");
        Assert.NotEqual(0, twice.Code);
        Assert.Contains("al gestemd", twice.Err + twice.Out);
        Assert.Equal(((1, 1), (2, 1, 2), (2, 1, 2)), await Counts(coop));
        var closed = await Cli(token, "alv", "close", coop, "alv", "vb");
        Assert.True(closed.Code == 0, closed.Err);
        Assert.Contains("0 voor, 2 tegen", closed.Out);
        Assert.Contains("de latere stem van lid L-1 telt wel", closed.Out);
    }

    /// <summary>
    /// The paper tally follows the same rule (tester4 T1, second session): the board enters the paper count with L-1 on the
    /// attendance list. Before: 400 "present[0]: lid L-1 heeft al gestemd (online, bij volmacht door lid L-4)", though that vote
    /// cannot count. Now the list is taken, her vote on paper is the one that counts, the three views agree before and after
    /// closing, and her page offers nothing for the proxy any more (no withdraw that would answer 409).
    /// </summary>
    [Fact]
    public async Task The_board_puts_the_freed_giver_on_the_paper_tallys_list()
    {
        var (coop, _, codes) = await HolderWrittenOutAfterVoting();
        var admin = Server.Client();
        var tally = await admin.Put($"api/cooperatives/{coop}/alv/meetings/alv/proposals/vb/tally", new { @for = 1, against = 0, abstain = 1, present = new[] { "L-1", "L-3" } });
        Assert.True(tally.Status == HttpStatusCode.OK, tally.Raw);
        // L-2 voted online (she counts, so the list refuses her); L-1 and L-3 on paper; L-4's vote for L-1 does not count.
        var refused = await admin.Put($"api/cooperatives/{coop}/alv/meetings/alv/proposals/vb/tally", new { @for = 1, against = 1, abstain = 1, present = new[] { "L-1", "L-2", "L-3" } });
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal(["present[1]"], refused.ErrorFields);
        // Online: L-2 only (L-1 voted on paper). Turnout and view: 1 ballot (L-2), present L-1, L-3 (list) and L-2 (advance voter).
        Assert.Equal(((1, 1), (1, 1, 3), (1, 1, 3)), await Counts(coop));

        var paper = (await Member().Post("api/stem/paper", new { code = codes["L-1"] })).Body;
        Assert.Equal(("uitgebracht", "op de vergadering, bij de papieren stemming"), (paper.GetProperty("items")[0].GetProperty("myVote").GetString(), paper.GetProperty("items")[0].GetProperty("votedVia").GetString()));
        var given = paper.GetProperty("proxiesGiven")[0];
        Assert.Equal((false, true), (given.GetProperty("used").GetBoolean(), given.GetProperty("votedSelf").GetBoolean()));
        Assert.Equal(HttpStatusCode.Conflict, (await Member().Post("api/stem/proxy/withdraw", new { code = codes["L-1"], proposalIds = new[] { "vb" } })).Status);

        var closed = await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals/vb/close", new { });
        Assert.True(closed.Status == HttpStatusCode.OK, closed.Raw);
        var result = (await admin.Get($"api/cooperatives/{coop}/alv/meetings/alv")).Body.GetProperty("proposals")[0].GetProperty("result");
        Assert.Equal((1m, 1m, 1m, 3), (result.GetProperty("for").GetDecimal(), result.GetProperty("against").GetDecimal(), result.GetProperty("abstain").GetDecimal(), result.GetProperty("presentOrRepresented").GetInt32()));
        Assert.Equal("1 stem niet meegeteld: lid L-1 stemde bij volmacht via lid L-4, maar lid L-4 is op 20-03-2027 uitgeschreven; de latere stem van lid L-1 telt wel",
            result.GetProperty("leftOut")[0].GetString());
        Assert.Equal(((1, 1), (1, 1, 3), (1, 1, 3)), await Counts(coop));
        var after = (await Member().Post("api/stem/paper", new { code = codes["L-1"] })).Body.GetProperty("items")[0];
        Assert.Equal(("uitgebracht", System.Text.Json.JsonValueKind.Null), (after.GetProperty("myVote").GetString(), after.GetProperty("notCounted").ValueKind));
    }
}
