using System.Net;
using Warmte.Tests.Infrastructure;
using Warmte.Tests.Voting;

namespace Warmte.Tests.Http;

/// <summary>
/// Tester 3's findings on recounts and online voting, end to end over HTTP and the CLI: T4 (a recount keeps the online
/// votes and the receipt check says the decision was replaced), T1 (a dead proxy takes no slot), T8.1 (a recorded tally
/// is not "0 stemmen"), T8.4 (online turnout before closing as closing counts), T8.10 (a stored ballot in a dry run),
/// T8.11 (the paper of a vote left out says so).
/// </summary>
public sealed class RecountOnlineApiTests(OnlineVotingFixture fixture) : IClassFixture<OnlineVotingFixture>
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

    /// <summary>A cooperative with members L-1..L-<paramref name="members"/>, online voting (and proxies) open on 'begroting', codes for everyone.</summary>
    private async Task<(HttpClient Admin, string Coop, Dictionary<string, string> Codes, string Token)> Setup(int members = 4)
    {
        var admin = Server.Client();
        var coop = NewId("coop");
        await ApiCalls.SeedCooperativeWithProject(admin, coop, NewId("proj"));
        await ApiCalls.SeedMembers(admin, coop, members);
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/cooperatives/{coop}/alv/meetings", new
        {
            id = "alv", title = "ALV", date = OnlineVotingFixture.MeetingDate, noticeDate = "2027-03-01",
            proposals = new[] { new { id = "begroting", title = "Begroting 2028", decisionType = "Overig" } },
        })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/cooperatives/{coop}/alv/statutes", new { electronic = new { advanceVotingAllowed = true, onlineProxiesAllowed = true } })).Status);
        var opened = await admin.Put($"api/cooperatives/{coop}/alv/meetings/alv/online", new { opens = "2027-03-01", proposals = new[] { new { proposalId = "begroting" } } });
        Assert.True(opened.Status == HttpStatusCode.OK, opened.Raw);
        var issued = await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv/online/codes", new { });
        Assert.True(issued.Status == HttpStatusCode.OK, issued.Raw);
        var codes = issued.Body.GetProperty("codes").EnumerateArray().ToDictionary(c => c.GetProperty("memberNumber").GetString()!, c => c.GetProperty("code").GetString()!);
        var token = (await admin.Post("api/tokens", new { name = "Bestuur", role = $"board:{coop}" })).Text("token");
        return (admin, coop, codes, token);
    }

    private Task<ApiCalls.Answer> Vote(string code, string choice, string? forMember = null) =>
        Server.Client(token: null).Post("api/stem/votes", new { code, proposalId = "begroting", choice, forMember, nonce = Guid.NewGuid().ToString("N") });

    [Fact]
    public async Task T4_a_recount_keeps_the_online_votes_and_the_receipt_check_says_the_decision_was_replaced()
    {
        var (admin, coop, codes, _) = await Setup();
        var online = await Vote(codes["L-1"], "Voor");
        Assert.True(online.Status == HttpStatusCode.OK, online.Raw);
        var receipt = online.Text("receipt");
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals/begroting/ballots", new { memberNumber = "L-2", choice = "Tegen" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals/begroting/ballots", new { memberNumber = "L-3", choice = "Voor" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals/begroting/close", new { })).Status);

        var added = await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals", new { id = "hertel", title = "Hertelling", decisionType = "Overig", corrects = "alv/begroting", correctionReason = "telfout" });
        Assert.True(added.Status is HttpStatusCode.OK or HttpStatusCode.Created, added.Raw);
        // The tester's step 3: another choice for the online voter is refused, naming the member; the online vote stands.
        var flipped = await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals/hertel/ballots", new { memberNumber = "L-1", choice = "Tegen" });
        Assert.Equal((HttpStatusCode.Conflict, "online-vote-stands"), (flipped.Status, flipped.Code));
        Assert.Contains("Lid L-1 stemde online over alv/begroting", flipped.Raw);
        // The meeting's counting error: L-3 was Tegen.
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals/hertel/ballots", new { memberNumber = "L-2", choice = "Tegen" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals/hertel/ballots", new { memberNumber = "L-3", choice = "Tegen" })).Status);
        var closed = await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals/hertel/close", new { });
        Assert.True(closed.Status == HttpStatusCode.OK, closed.Raw);
        var meeting = await admin.Get($"api/cooperatives/{coop}/alv/meetings/alv");
        var original = meeting.Body.GetProperty("proposals")[0].GetProperty("result");
        var recount = meeting.Body.GetProperty("proposals")[1].GetProperty("result");
        Assert.Equal((1m, 2m, "Verworpen"), (recount.GetProperty("for").GetDecimal(), recount.GetProperty("against").GetDecimal(), recount.GetProperty("outcome").GetString()));
        Assert.True(recount.GetProperty("presentOrRepresented").GetInt32() <= original.GetProperty("presentOrRepresented").GetInt32());

        // The member's receipt check: still "Voor" on begroting, and that the recount replaced it, what it decided and how it counted the receipt.
        var check = await Server.Client(token: null).Post("api/stem/receipt", new { meeting = $"{coop}/alv", receipt });
        Assert.True(check.Status == HttpStatusCode.OK, check.Raw);
        var answer = check.Body[0];
        Assert.Equal(("begroting", "Voor", "alv/hertel"), (answer.GetProperty("proposalId").GetString(), answer.GetProperty("choice").GetString(), answer.GetProperty("replacedBy").GetString()));
        var note = answer.GetProperty("note").GetString()!;
        Assert.StartsWith("Dit besluit geldt niet meer: het is vervangen door de hertelling 'hertel'", note);
        Assert.Contains("Verworpen: 1 voor, 2 tegen", note);
        Assert.EndsWith("In de hertelling is uw stem met deze ontvangstcode geteld als Voor.", note);
        // The online turnout does not count the carried ballot twice.
        var status = await admin.Get($"api/cooperatives/{coop}/alv/meetings/alv/online");
        Assert.Equal((1, 1), (status.Body.GetProperty("voters").GetInt32(), status.Body.GetProperty("votesCast").GetInt32()));
    }

    [Fact]
    public async Task T1_a_proxy_used_for_a_member_written_out_later_does_not_block_the_holders_next_proxy()
    {
        var (admin, coop, codes, token) = await Setup();
        var anon = Server.Client(token: null);
        Assert.Equal(HttpStatusCode.OK, (await anon.Post("api/stem/proxy", new { code = codes["L-3"], holder = "L-1", proposalIds = new[] { "begroting" } })).Status);
        var first = await Vote(codes["L-1"], "Tegen", forMember: "L-3");
        Assert.True(first.Status == HttpStatusCode.OK, first.Raw);
        var left = await Cli(token, "member", "leave", coop, "L-3", "--on", "2027-03-19");
        Assert.True(left.Code == 0, left.Err);
        var given = await anon.Post("api/stem/proxy", new { code = codes["L-4"], holder = "L-1", proposalIds = new[] { "begroting" } });
        Assert.True(given.Status == HttpStatusCode.OK, given.Raw);
        var paper = await anon.Post("api/stem/paper", new { code = codes["L-1"] });
        Assert.Equal("L-4", Assert.Single(paper.Body.GetProperty("proxiesHeld").EnumerateArray()).GetProperty("giver").GetString());
        // Before: 409 too-many-proxies ("heeft al 1 volmacht uitgeoefend"), the dead proxy filling the slot.
        var second = await Vote(codes["L-1"], "Voor", forMember: "L-4");
        Assert.True(second.Status == HttpStatusCode.OK, second.Raw);
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals/begroting/close", new { })).Status);
        var result = (await admin.Get($"api/cooperatives/{coop}/alv/meetings/alv")).Body.GetProperty("proposals")[0].GetProperty("result");
        Assert.Equal((1m, 0m), (result.GetProperty("for").GetDecimal(), result.GetProperty("against").GetDecimal()));
    }

    /// <summary>
    /// Review R5: the paper tally counts a holder's slots by the same rule as the online path. L-1 exercised L-3's proxy
    /// online; the statutes allow one proxy per attendee. When L-3 was written out before the meeting that proxy is dead,
    /// so the tally may give L-1 L-4's proxy; while L-3 may still vote, L-1 would carry two and the tally is refused.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task R5_a_tally_gives_a_holder_whose_only_proxy_is_dead_the_freed_slot_and_refuses_it_while_the_proxy_lives(bool giverLeft)
    {
        var (admin, coop, codes, token) = await Setup();
        var anon = Server.Client(token: null);
        Assert.Equal(HttpStatusCode.OK, (await anon.Post("api/stem/proxy", new { code = codes["L-3"], holder = "L-1", proposalIds = new[] { "begroting" } })).Status);
        var online = await Vote(codes["L-1"], "Tegen", forMember: "L-3");
        Assert.True(online.Status == HttpStatusCode.OK, online.Raw);
        if (giverLeft)
        {
            var left = await Cli(token, "member", "leave", coop, "L-3", "--on", "2027-03-19");
            Assert.True(left.Code == 0, left.Err);
        }

        var tally = await admin.Put($"api/cooperatives/{coop}/alv/meetings/alv/proposals/begroting/tally", new
        {
            @for = 2, against = 1, abstain = 0, present = new[] { "L-1", "L-2" },
            proxies = new[] { new { member = "L-4", holder = "L-1" } },
        });
        if (giverLeft)
        {
            // Before the fix: 400 "lid L-1 draagt 2 volmachten", the dead proxy filling the slot.
            Assert.True(tally.Status == HttpStatusCode.OK, tally.Raw);
            var stored = await admin.Get($"api/cooperatives/{coop}/alv/meetings/alv/proposals/begroting/tally");
            Assert.True(stored.Status == HttpStatusCode.OK, stored.Raw);
            var proxy = Assert.Single(stored.Body.GetProperty("proxies").EnumerateArray());
            Assert.Equal(("L-4", "L-1"), (proxy.GetProperty("member").GetString(), proxy.GetProperty("holder").GetString()));
        }
        else
        {
            Assert.Equal(HttpStatusCode.BadRequest, tally.Status);
            Assert.Contains("lid L-1 draagt 2 volmachten; de statuten staan er maximaal 1 toe.", tally.Raw);
            // Nothing was recorded.
            Assert.Equal(HttpStatusCode.NotFound, (await admin.Get($"api/cooperatives/{coop}/alv/meetings/alv/proposals/begroting/tally")).Status);
        }
    }

    [Fact]
    public async Task T8_4_and_T8_11_a_member_written_out_leaves_the_turnout_at_once_and_their_paper_says_the_vote_was_not_counted()
    {
        var (admin, coop, codes, token) = await Setup();
        Assert.Equal(HttpStatusCode.OK, (await Vote(codes["L-1"], "Voor")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Vote(codes["L-2"], "Tegen")).Status);
        var left = await Cli(token, "member", "leave", coop, "L-2", "--on", OnlineVotingFixture.MeetingDate);
        Assert.True(left.Code == 0, left.Err);
        // Before closing: as closing will count (before the fix: voters 2, votesCast 2 until the close).
        var status = await admin.Get($"api/cooperatives/{coop}/alv/meetings/alv/online");
        Assert.Equal((1, 1), (status.Body.GetProperty("voters").GetInt32(), status.Body.GetProperty("votesCast").GetInt32()));
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals/begroting/close", new { })).Status);
        status = await admin.Get($"api/cooperatives/{coop}/alv/meetings/alv/online");
        Assert.Equal((1, 1), (status.Body.GetProperty("voters").GetInt32(), status.Body.GetProperty("votesCast").GetInt32()));

        var paper = await Server.Client(token: null).Post("api/stem/paper", new { code = codes["L-2"] });
        Assert.True(paper.Status == HttpStatusCode.OK, paper.Raw);
        var item = paper.Body.GetProperty("items")[0];
        Assert.Equal("niet-meegeteld", item.GetProperty("myVote").GetString());
        Assert.Equal("Uw stem (online) is niet meegeteld bij de uitslag: lid L-2 is op 20-03-2027 uitgeschreven. Daarom staat uw ontvangstcode niet bij de getelde stemmen.",
            item.GetProperty("notCounted").GetString());
        // A counted vote's paper stays as it was.
        var counted = (await Server.Client(token: null).Post("api/stem/paper", new { code = codes["L-1"] })).Body.GetProperty("items")[0];
        Assert.Equal("uitgebracht", counted.GetProperty("myVote").GetString());
    }

    [Fact]
    public async Task T8_1_an_open_recount_with_its_tally_recorded_says_so_and_T8_10_a_stored_ballot_is_not_one_to_read_in()
    {
        var (admin, coop, _, token) = await Setup();
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals/begroting/ballots", new { memberNumber = "L-2", choice = "Tegen" })).Status);

        // T8.10: the dry run of a list whose ballot is stored already.
        var file = Path.Combine(Path.GetTempPath(), $"{NewId("stemmen")}.csv");
        await File.WriteAllTextAsync(file, "Lidnummer;Stem\nL-2;Tegen\nL-3;Voor\n");
        try
        {
            var dry = await Cli(token, "import", "ballots", coop, "alv", "begroting", file, "--dry-run");
            Assert.True(dry.Code == 0, dry.Err + dry.Out);
            Assert.Contains("Deze rijen zouden worden ingelezen:\n  rij 3: lid L-3: Voor\n", dry.Out.ReplaceLineEndings("\n"));
            Assert.Contains("Deze rijen staan er al precies zo in (er verandert niets):\n  rij 2: lid L-2: Tegen\n", dry.Out.ReplaceLineEndings("\n"));
        }
        finally { File.Delete(file); }

        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals/begroting/close", new { })).Status);
        Assert.True((await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals", new { id = "hertel", title = "Hertelling", decisionType = "Overig", corrects = "alv/begroting", correctionReason = "telfout" })).Status
            is HttpStatusCode.OK or HttpStatusCode.Created);
        var tally = await admin.Put($"api/cooperatives/{coop}/alv/meetings/alv/proposals/hertel/tally", new { @for = 1, against = 0, abstain = 0, present = new[] { "L-2" } });
        Assert.True(tally.Status == HttpStatusCode.OK, tally.Raw);
        var shown = await Cli(token, "alv", "show", coop);
        Assert.True(shown.Code == 0, shown.Err);
        Assert.Contains("Open: telling van de papieren stemming vastgelegd (de cijfers blijven verzegeld tot het sluiten).", shown.Out);
        Assert.DoesNotContain("Open: 0 stemmen", shown.Out);
    }
}
