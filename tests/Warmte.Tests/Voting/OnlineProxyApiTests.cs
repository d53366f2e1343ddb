using System.Net;
using System.Text.Json;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Voting;

/// <summary>Online proxies (volmacht): a member gives one with their code, the holder votes for them with their own code.</summary>
public sealed class OnlineProxyApiTests(OnlineVotingFixture fixture) : IClassFixture<OnlineVotingFixture>
{
    private WarmteServer Server => fixture.Server;

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    private HttpClient Member() => Server.Client(token: null);

    /// <summary>Three members (L-1..L-3), a meeting today with two proposals, online voting open, codes issued.</summary>
    private async Task<(string Coop, HttpClient Board, Dictionary<string, string> Codes)> Opened(bool proxiesAllowed = true)
    {
        var admin = Server.Client();
        var coop = NewId("coop");
        var project = await ApiCalls.SeedCooperativeWithProject(admin, coop, NewId("proj"));
        await ApiCalls.SeedMembers(admin, coop);
        var created = await admin.Post($"api/cooperatives/{coop}/alv/meetings", new
        {
            id = "alv", title = "Voorjaars-ALV", date = OnlineVotingFixture.MeetingDate, noticeDate = "2027-03-01",
            proposals = new object[]
            {
                new { id = "realisatiebesluit", title = "Realisatiebesluit warmtenet", decisionType = "Realisatiebesluit", projectId = project },
                new { id = "tarief", title = "Tarief 2028", decisionType = "Tariefbesluit" },
            },
        });
        Assert.Equal(HttpStatusCode.Created, created.Status);
        var board = Server.Client((await admin.Post("api/tokens", new { name = "Bestuur", role = $"board:{coop}" })).Text("token"));
        var statutes = await board.Put($"api/cooperatives/{coop}/alv/statutes",
            new { electronic = new { advanceVotingAllowed = true, onlineProxiesAllowed = proxiesAllowed } });
        Assert.True(statutes.Status == HttpStatusCode.OK, statutes.Raw);
        var opened = await board.Put($"api/cooperatives/{coop}/alv/meetings/alv/online", new
        {
            opens = "2027-03-01", proposals = new[] { new { proposalId = "realisatiebesluit" }, new { proposalId = "tarief" } },
        });
        Assert.True(opened.Status == HttpStatusCode.OK, opened.Raw);
        var issued = await board.Post($"api/cooperatives/{coop}/alv/meetings/alv/online/codes", new { });
        Assert.True(issued.Status == HttpStatusCode.OK, issued.Raw);
        var codes = issued.Body.GetProperty("codes").EnumerateArray().ToDictionary(c => c.GetProperty("memberNumber").GetString()!, c => c.GetProperty("code").GetString()!);
        return (coop, board, codes);
    }

    [Fact]
    public async Task A_member_gives_a_proxy_and_the_holder_votes_for_them_with_their_own_code()
    {
        var (coop, board, codes) = await Opened();
        var given = await Member().Post("api/stem/proxy", new { code = codes["L-1"], holder = "l-2", proposalIds = new[] { "realisatiebesluit" } });
        Assert.True(given.Status == HttpStatusCode.OK, given.Raw);
        var mine = given.Body.GetProperty("proxiesGiven");
        Assert.Equal(1, mine.GetArrayLength());
        Assert.Equal("L-2", mine[0].GetProperty("holder").GetString());
        Assert.False(mine[0].GetProperty("used").GetBoolean());

        // The holder sees, with their own code, the giver's proposal they may vote on.
        var holderPaper = await Member().Post("api/stem/paper", new { code = codes["L-2"] });
        var held = holderPaper.Body.GetProperty("proxiesHeld");
        Assert.Equal(1, held.GetArrayLength());
        Assert.Equal("L-1", held[0].GetProperty("giver").GetString());
        Assert.Equal("Lid L-1", held[0].GetProperty("giverName").GetString());
        Assert.Equal("realisatiebesluit", held[0].GetProperty("proposalId").GetString());
        Assert.False(held[0].GetProperty("voted").GetBoolean());
        // Not for the other proposal: no proxy there.
        var notGiven = await Member().Post("api/stem/votes", new { code = codes["L-2"], proposalId = "tarief", choice = "Voor", forMember = "L-1" });
        Assert.Equal(HttpStatusCode.BadRequest, notGiven.Status);
        Assert.Equal(["forMember"], notGiven.ErrorFields);

        var vote = await Member().Post("api/stem/votes", new { code = codes["L-2"], proposalId = "realisatiebesluit", choice = "Tegen", forMember = "L-1" });
        Assert.True(vote.Status == HttpStatusCode.OK, vote.Raw);
        Assert.Equal("Tegen", vote.Text("choice"));

        // The ALV holds it as L-1's online ballot with L-2 as proxy holder; L-2's own vote is still free.
        var ballots = await board.Get($"api/cooperatives/{coop}/alv/meetings/alv/proposals/realisatiebesluit/ballots");
        Assert.Equal(1, ballots.Body.GetProperty("total").GetInt32());
        var ballot = ballots.Body.GetProperty("items")[0];
        Assert.Equal("L-1", ballot.GetProperty("memberNumber").GetString());
        Assert.Equal("L-2", ballot.GetProperty("proxyHolder").GetString());
        Assert.Equal("Online", ballot.GetProperty("channel").GetString());
        var own = await Member().Post("api/stem/votes", new { code = codes["L-2"], proposalId = "realisatiebesluit", choice = "Voor" });
        Assert.True(own.Status == HttpStatusCode.OK, own.Raw);

        // Once used: the giver cannot withdraw it nor vote again, the holder cannot vote twice.
        var withdraw = await Member().Post("api/stem/proxy/withdraw", new { code = codes["L-1"], proposalIds = new[] { "realisatiebesluit" } });
        Assert.Equal(HttpStatusCode.Conflict, withdraw.Status);
        Assert.Equal("proxy-used", withdraw.Code);
        Assert.Equal(["proposalIds[0]"], withdraw.ErrorFields);
        var giverVotes = await Member().Post("api/stem/votes", new { code = codes["L-1"], proposalId = "realisatiebesluit", choice = "Voor" });
        Assert.Equal(HttpStatusCode.Conflict, giverVotes.Status);
        Assert.Equal("already-voted", giverVotes.Code);
        Assert.Contains("volmacht door lid L-2", giverVotes.Raw);
        var twice = await Member().Post("api/stem/votes", new { code = codes["L-2"], proposalId = "realisatiebesluit", choice = "Voor", forMember = "L-1" });
        Assert.Equal(HttpStatusCode.Conflict, twice.Status);
        Assert.Equal("already-voted", twice.Code);

        var giverPaper = await Member().Post("api/stem/paper", new { code = codes["L-1"] });
        Assert.True(giverPaper.Body.GetProperty("proxiesGiven")[0].GetProperty("used").GetBoolean());
        // Two ballots now: L-1's by proxy and L-2's own.
        Assert.Equal(2, (await board.Get($"api/cooperatives/{coop}/alv/meetings/alv/proposals/realisatiebesluit/ballots")).Body.GetProperty("total").GetInt32());
    }

    /// <summary>
    /// Tester6 T9: an agenda whose ids sort the other way round ("tarief", "statuten", "benoeming"), opened online in yet another
    /// order. The giver's "proxiesGiven", the holder's "proxiesHeld" and both papers' own items follow the agenda.
    /// </summary>
    [Fact]
    public async Task Own_ballots_proxies_given_and_proxies_held_all_follow_the_agenda()
    {
        var admin = Server.Client();
        var coop = NewId("coop");
        await ApiCalls.SeedCooperativeWithProject(admin, coop, NewId("proj"));
        await ApiCalls.SeedMembers(admin, coop);
        string[] agenda = ["tarief", "statuten", "benoeming"];
        var created = await admin.Post($"api/cooperatives/{coop}/alv/meetings", new
        {
            id = "alv", title = "Najaars-ALV", date = OnlineVotingFixture.MeetingDate, noticeDate = "2027-03-01",
            proposals = new object[]
            {
                new { id = "tarief", title = "Tarief 2028", decisionType = "Tariefbesluit" },
                new { id = "statuten", title = "Wijziging huishoudelijk reglement", decisionType = "Overig" },
                new { id = "benoeming", title = "Benoeming kascommissie", decisionType = "Overig" },
            },
        });
        Assert.True(created.Status == HttpStatusCode.Created, created.Raw);
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/cooperatives/{coop}/alv/statutes",
            new { electronic = new { advanceVotingAllowed = true, onlineProxiesAllowed = true } })).Status);
        var opened = await admin.Put($"api/cooperatives/{coop}/alv/meetings/alv/online", new
        {
            opens = "2027-03-01", proposals = new[] { new { proposalId = "benoeming" }, new { proposalId = "tarief" }, new { proposalId = "statuten" } },
        });
        Assert.True(opened.Status == HttpStatusCode.OK, opened.Raw);
        var issued = await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv/online/codes", new { });
        var codes = issued.Body.GetProperty("codes").EnumerateArray().ToDictionary(c => c.GetProperty("memberNumber").GetString()!, c => c.GetProperty("code").GetString()!);

        // Given one at a time, last item first, so neither the order of giving nor the ids decide.
        foreach (var id in agenda.Reverse())
            Assert.Equal(HttpStatusCode.OK, (await Member().Post("api/stem/proxy", new { code = codes["L-1"], holder = "L-2", proposalIds = new[] { id } })).Status);
        var giver = await Member().Post("api/stem/paper", new { code = codes["L-1"] });
        Assert.Equal(agenda, giver.Body.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("proposalId").GetString()));
        Assert.Equal(agenda, giver.Body.GetProperty("proxiesGiven").EnumerateArray().Select(g => g.GetProperty("proposalId").GetString()));
        var holder = await Member().Post("api/stem/paper", new { code = codes["L-2"] });
        Assert.Equal(agenda, holder.Body.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("proposalId").GetString()));
        Assert.Equal(agenda, holder.Body.GetProperty("proxiesHeld").EnumerateArray().Select(h => h.GetProperty("proposalId").GetString()));
    }

    [Fact]
    public async Task The_giver_withdraws_an_unused_proxy_and_the_holder_can_no_longer_vote_with_it()
    {
        var (_, _, codes) = await Opened();
        Assert.Equal(HttpStatusCode.OK, (await Member().Post("api/stem/proxy", new { code = codes["L-1"], holder = "L-2", proposalIds = new[] { "realisatiebesluit", "tarief" } })).Status);
        var withdrawn = await Member().Post("api/stem/proxy/withdraw", new { code = codes["L-1"], proposalIds = new[] { "tarief" } });
        Assert.True(withdrawn.Status == HttpStatusCode.OK, withdrawn.Raw);
        Assert.Equal(["realisatiebesluit"], withdrawn.Body.GetProperty("proxiesGiven").EnumerateArray().Select(g => g.GetProperty("proposalId").GetString()));
        var refused = await Member().Post("api/stem/votes", new { code = codes["L-2"], proposalId = "tarief", choice = "Voor", forMember = "L-1" });
        Assert.Equal(["forMember"], refused.ErrorFields);
        // The giver votes themselves on it.
        Assert.Equal(HttpStatusCode.OK, (await Member().Post("api/stem/votes", new { code = codes["L-1"], proposalId = "tarief", choice = "Voor" })).Status);
        // All at once: the remaining one.
        var all = await Member().Post("api/stem/proxy/withdraw", new { code = codes["L-1"] });
        Assert.True(all.Status == HttpStatusCode.OK, all.Raw);
        Assert.Equal(0, all.Body.GetProperty("proxiesGiven").GetArrayLength());
        Assert.Equal(0, (await Member().Post("api/stem/paper", new { code = codes["L-2"] })).Body.GetProperty("proxiesHeld").GetArrayLength());
        var nothing = await Member().Post("api/stem/proxy/withdraw", new { code = codes["L-1"] });
        Assert.Equal("no-proxy", nothing.Code);
        Assert.Equal(["proposalIds"], nothing.ErrorFields);
    }

    [Fact]
    public async Task Refusals_name_the_field_in_dutch_and_change_nothing()
    {
        var (_, _, codes) = await Opened();
        async Task<ApiCalls.Answer> Give(string code, object? holder, params string[] proposals) =>
            await Member().Post("api/stem/proxy", new { code, holder, proposalIds = proposals });

        var self = await Give(codes["L-1"], "L-1", "tarief");
        Assert.Equal(HttpStatusCode.BadRequest, self.Status);
        Assert.Equal(["holder"], self.ErrorFields);
        Assert.Contains("uzelf", self.Raw);
        var stranger = await Give(codes["L-1"], "L-99", "tarief");
        Assert.Equal(["holder"], stranger.ErrorFields);
        Assert.Contains("geen stemgerechtigd lid", stranger.Raw);
        Assert.Equal(["holder"], (await Give(codes["L-1"], null, "tarief")).ErrorFields);
        Assert.Equal(["proposalIds"], (await Give(codes["L-1"], "L-2")).ErrorFields);
        Assert.Equal(["proposalIds[0]"], (await Give(codes["L-1"], "L-2", "begroting")).ErrorFields);

        // The statutes' maximum (1 per holder by default): a second giver to the same holder is refused.
        Assert.Equal(HttpStatusCode.OK, (await Give(codes["L-1"], "L-2", "tarief")).Status);
        var over = await Give(codes["L-3"], "L-2", "tarief");
        Assert.Equal(HttpStatusCode.Conflict, over.Status);
        Assert.Equal("too-many-proxies", over.Code);
        Assert.Equal(["holder"], over.ErrorFields);
        Assert.Contains("maximaal 1", over.Raw);
        // Having given a proxy, L-1 cannot receive one on the same proposal; a holder cannot pass it on.
        Assert.Equal("proxy-holder-represented", (await Give(codes["L-3"], "L-1", "tarief")).Code);
        Assert.Equal("proxy-holder-represented", (await Give(codes["L-2"], "L-3", "tarief")).Code);

        // A giver who voted already cannot give a proxy for that proposal.
        Assert.Equal(HttpStatusCode.OK, (await Member().Post("api/stem/votes", new { code = codes["L-3"], proposalId = "realisatiebesluit", choice = "Voor" })).Status);
        var voted = await Give(codes["L-3"], "L-1", "realisatiebesluit");
        Assert.Equal("already-voted", voted.Code);
        Assert.Equal(["proposalIds[0]"], voted.ErrorFields);

        foreach (var raw in new[] { "", "{", "[]", "{\"code\": 12}", "null", "{\"code\":\"" + codes["L-1"] + "\",\"proposalIds\":\"x\"}" })
        {
            var answer = await Member().PostRaw("api/stem/proxy", raw);
            Assert.True((int)answer.Status is 400 or 404, $"{raw}: {answer.Status} {answer.Raw}");
            Assert.Equal("application/problem+json", answer.ContentType);
        }
        // Only the one proxy given stands.
        var paper = await Member().Post("api/stem/paper", new { code = codes["L-2"] });
        Assert.Equal(["L-1"], paper.Body.GetProperty("proxiesHeld").EnumerateArray().Select(h => h.GetProperty("giver").GetString()));
    }

    [Fact]
    public async Task Without_online_proxies_in_the_statutes_giving_one_is_refused()
    {
        var (_, _, codes) = await Opened(proxiesAllowed: false);
        var paper = await Member().Post("api/stem/paper", new { code = codes["L-1"] });
        Assert.False(paper.Body.GetProperty("proxiesAllowed").GetBoolean());
        var refused = await Member().Post("api/stem/proxy", new { code = codes["L-1"], holder = "L-2", proposalIds = new[] { "tarief" } });
        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Equal("online-proxy-off", refused.Code);
        Assert.Equal(["holder"], refused.ErrorFields);
        Assert.Contains("statuten", refused.Raw);
        Assert.Equal(0, (await Member().Post("api/stem/paper", new { code = codes["L-1"] })).Body.GetProperty("proxiesGiven").GetArrayLength());
    }
    [Fact]
    public async Task Online_proxies_follow_each_proposals_fixed_rules_like_the_holders_ballot()
    {
        // Review19 #4: 'tarief' got its first vote while the statutes allowed no online proxy; then the statutes turned them on.
        var (coop, board, codes) = await Opened(proxiesAllowed: false);
        Assert.Equal(HttpStatusCode.OK, (await Member().Post("api/stem/votes", new { code = codes["L-3"], proposalId = "tarief", choice = "Voor" })).Status);
        var turnedOn = await board.Put($"api/cooperatives/{coop}/alv/statutes",
            new { electronic = new { advanceVotingAllowed = true, onlineProxiesAllowed = true } });
        Assert.True(turnedOn.Status == HttpStatusCode.OK, turnedOn.Raw);

        Assert.True((await Member().Post("api/stem/paper", new { code = codes["L-1"] })).Body.GetProperty("proxiesAllowed").GetBoolean());
        // Not for 'tarief': its rules were fixed at its first vote, and the holder's vote would be refused.
        var refused = await Member().Post("api/stem/proxy", new { code = codes["L-1"], holder = "L-2", proposalIds = new[] { "realisatiebesluit", "tarief" } });
        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Equal("online-proxy-off", refused.Code);
        Assert.Equal(["proposalIds[1]"], refused.ErrorFields);
        Assert.Contains("'tarief'", refused.Raw);
        // The proposal without votes follows the statutes now: the proxy is given and the holder votes with it.
        var given = await Member().Post("api/stem/proxy", new { code = codes["L-1"], holder = "L-2", proposalIds = new[] { "realisatiebesluit" } });
        Assert.True(given.Status == HttpStatusCode.OK, given.Raw);
        var vote = await Member().Post("api/stem/votes", new { code = codes["L-2"], proposalId = "realisatiebesluit", choice = "Voor", forMember = "L-1" });
        Assert.True(vote.Status == HttpStatusCode.OK, vote.Raw);
    }

    [Fact]
    public async Task An_online_proxy_stays_possible_on_a_proposal_fixed_with_proxies_after_the_statutes_turn_them_off()
    {
        var (coop, board, codes) = await Opened(proxiesAllowed: true);
        Assert.Equal(HttpStatusCode.OK, (await Member().Post("api/stem/votes", new { code = codes["L-3"], proposalId = "realisatiebesluit", choice = "Voor" })).Status);
        var turnedOff = await board.Put($"api/cooperatives/{coop}/alv/statutes", new { electronic = new { advanceVotingAllowed = true, onlineProxiesAllowed = false } });
        Assert.True(turnedOff.Status == HttpStatusCode.OK, turnedOff.Raw);

        var given = await Member().Post("api/stem/proxy", new { code = codes["L-1"], holder = "L-2", proposalIds = new[] { "realisatiebesluit" } });
        Assert.True(given.Status == HttpStatusCode.OK, given.Raw);
        var vote = await Member().Post("api/stem/votes", new { code = codes["L-2"], proposalId = "realisatiebesluit", choice = "Tegen", forMember = "L-1" });
        Assert.True(vote.Status == HttpStatusCode.OK, vote.Raw);
        // 'tarief' has no vote yet: it follows the statutes now.
        var refused = await Member().Post("api/stem/proxy", new { code = codes["L-1"], holder = "L-2", proposalIds = new[] { "tarief" } });
        Assert.Equal("online-proxy-off", refused.Code);
    }
}
