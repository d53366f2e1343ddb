using System.Net;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Voting;

/// <summary>
/// Tester5 T3, T6 and T10 (a, h, i): re-opening online voting keeps what members rely on (explanations, proposals with
/// online votes), a planned online voting does not block correcting the meeting, and three messages name the right thing.
/// Through the HTTP API and the CLI; the server's clock is 20-03-2027 (<see cref="OnlineVotingFixture"/>).
/// </summary>
public sealed class OnlineVotingSetupTests(OnlineVotingFixture fixture) : IClassFixture<OnlineVotingFixture>
{
    private WarmteServer Server => fixture.Server;

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    private static string Nonce() => Guid.NewGuid().ToString("N");

    private async Task<(int Code, string Out, string Err)> Cli(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await Warmte.Client.WarmteCli.RunAsync(args, stdout, stderr,
            new Dictionary<string, string?> { ["WARMTE_URL"] = Server.BaseUrl, ["WARMTE_TOKEN"] = WarmteServer.BootstrapAdminToken });
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Three members (L-1..L-3), a meeting today with three proposals, online voting (and proxies) open on two, codes for all.</summary>
    private async Task<(string Coop, HttpClient Admin, Dictionary<string, string> Codes)> Opened()
    {
        var admin = Server.Client();
        var coop = NewId("coop");
        await ApiCalls.SeedCooperativeWithProject(admin, coop, NewId("proj"));
        await ApiCalls.SeedMembers(admin, coop);
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/cooperatives/{coop}/alv/meetings", new
        {
            id = "alv", title = "Voorjaars-ALV", date = OnlineVotingFixture.MeetingDate, noticeDate = "2027-03-01",
            proposals = new object[]
            {
                new { id = "jaarrekening", title = "Jaarrekening 2026", decisionType = "Overig" },
                new { id = "tarief", title = "Tarief 2028", decisionType = "Overig" },
                new { id = "begroting", title = "Begroting 2027", decisionType = "Overig" },
            },
        })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/cooperatives/{coop}/alv/statutes",
            new { electronic = new { advanceVotingAllowed = true, onlineProxiesAllowed = true } })).Status);
        var opened = await admin.Put($"api/cooperatives/{coop}/alv/meetings/alv/online", new
        {
            opens = "2027-03-01",
            proposals = new[]
            {
                new { proposalId = "jaarrekening", explanation = "De jaarrekening is gecontroleerd." },
                new { proposalId = "tarief", explanation = "Het vastrecht stijgt met 3%." },
            },
        });
        Assert.True(opened.Status == HttpStatusCode.OK, opened.Raw);
        var issued = await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv/online/codes", new { });
        Assert.True(issued.Status == HttpStatusCode.OK, issued.Raw);
        return (coop, admin, issued.Body.GetProperty("codes").EnumerateArray()
            .ToDictionary(c => c.GetProperty("memberNumber").GetString()!, c => c.GetProperty("code").GetString()!));
    }

    private static async Task<Dictionary<string, string?>> Explanations(HttpClient admin, string coop)
    {
        var view = await admin.Get($"api/cooperatives/{coop}/alv/meetings/alv/online");
        Assert.True(view.Status == HttpStatusCode.OK, view.Raw);
        return view.Body.GetProperty("proposals").EnumerateArray().ToDictionary(
            p => p.GetProperty("proposalId").GetString()!,
            p => p.TryGetProperty("explanation", out var e) && e.ValueKind == System.Text.Json.JsonValueKind.String ? e.GetString() : null);
    }

    [Fact]
    public async Task T3_a_reopen_keeps_explanations_it_is_not_given_and_never_drops_a_proposal_with_online_votes()
    {
        var (coop, admin, codes) = await Opened();
        var member = Server.Client(token: null);
        var vote = await member.Post("api/stem/votes", new { code = codes["L-1"], proposalId = "tarief", choice = "Voor", nonce = Nonce() });
        Assert.True(vote.Status == HttpStatusCode.OK, vote.Raw);
        var path = $"api/cooperatives/{coop}/alv/meetings/alv/online";

        // Taking 'tarief' off (it has an online vote) is refused, naming it; nothing changes.
        var drop = await admin.Put(path, new { proposals = new[] { new { proposalId = "begroting" } } });
        Assert.Equal((HttpStatusCode.Conflict, "online-proposal-has-votes"), (drop.Status, drop.Code));
        Assert.Contains("'tarief' kan niet van de online stemming af", drop.Raw);
        Assert.Contains("1 online stem", drop.Raw);
        Assert.DoesNotContain("'jaarrekening' kan niet", drop.Raw);
        Assert.Equal(new Dictionary<string, string?> { ["jaarrekening"] = "De jaarrekening is gecontroleerd.", ["tarief"] = "Het vastrecht stijgt met 3%." },
            await Explanations(admin, coop));
        var paper = await member.Post("api/stem/paper", new { code = codes["L-2"] });
        Assert.Contains("Het vastrecht stijgt met 3%.", paper.Raw);

        // Moving the first day and adding a proposal without explanations keeps the stored ones.
        var moved = await admin.Put(path, new
        {
            opens = "2027-03-05",
            proposals = new[] { new { proposalId = "jaarrekening" }, new { proposalId = "tarief" }, new { proposalId = "begroting" } },
        });
        Assert.True(moved.Status == HttpStatusCode.OK, moved.Raw);
        Assert.Equal("2027-03-05", moved.Text("opens"));
        Assert.Equal(new Dictionary<string, string?>
        {
            ["jaarrekening"] = "De jaarrekening is gecontroleerd.", ["tarief"] = "Het vastrecht stijgt met 3%.", ["begroting"] = null,
        }, await Explanations(admin, coop));

        // The CLI: a proposal without online votes may go, an explanation is given with --explanation, the others stay.
        var cli = await Cli("alv", "online", "open", coop, "alv", "--proposals", "tarief,begroting", "--explanation", "begroting=Nieuwe begroting.", "--opens", "2027-03-05");
        Assert.True(cli.Code == 0, cli.Out + cli.Err);
        Assert.Contains("tarief (met toelichting), begroting (met toelichting)", cli.Out);
        Assert.Equal(new Dictionary<string, string?> { ["tarief"] = "Het vastrecht stijgt met 3%.", ["begroting"] = "Nieuwe begroting." },
            await Explanations(admin, coop));
        var refused = await Cli("alv", "online", "open", coop, "alv", "--proposals", "begroting");
        Assert.Equal(1, refused.Code);
        Assert.Contains("'tarief' kan niet van de online stemming af", refused.Err);
        var wrong = await Cli("alv", "online", "open", coop, "alv", "--proposals", "tarief", "--explanation", "begroting=Tekst");
        Assert.Equal(1, wrong.Code);
        Assert.Contains("'begroting', dat niet in --proposals staat", wrong.Err);

        // An explicit empty explanation clears it; the vote on 'tarief' still stands on the member's paper.
        var cleared = await admin.Put(path, new { proposals = new object[] { new { proposalId = "tarief", explanation = "" }, new { proposalId = "begroting" } } });
        Assert.True(cleared.Status == HttpStatusCode.OK, cleared.Raw);
        Assert.Equal(new Dictionary<string, string?> { ["tarief"] = null, ["begroting"] = "Nieuwe begroting." }, await Explanations(admin, coop));
        var again = await member.Post("api/stem/votes", new { code = codes["L-2"], proposalId = "tarief", choice = "Tegen", nonce = Nonce() });
        Assert.True(again.Status == HttpStatusCode.OK, again.Raw);
    }

    [Fact]
    public async Task T6_a_planned_online_voting_does_not_block_correcting_or_removing_the_meeting()
    {
        var admin = Server.Client();
        var coop = NewId("coop");
        await ApiCalls.SeedCooperativeWithProject(admin, coop, NewId("proj"));
        await ApiCalls.SeedMembers(admin, coop);
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/cooperatives/{coop}/alv/statutes", new { electronic = new { advanceVotingAllowed = true } })).Status);
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/cooperatives/{coop}/alv/meetings", new
        {
            id = "alv-apr", title = "ALV april", date = "2027-04-10", noticeDate = "2027-03-01",
            proposals = new[] { new { id = "jaarplan", title = "Jaarplan", decisionType = "Overig" } },
        })).Status);
        var online = $"api/cooperatives/{coop}/alv/meetings/alv-apr/online";
        var planned = await admin.Put(online, new { opens = "2027-03-25", proposals = new[] { new { proposalId = "jaarplan", explanation = "Het plan." } } });
        Assert.Equal("gepland", planned.Text("status"));

        // A week later: the first day (25-03) still fits the window (from 18-03), so the planned voting follows the date.
        var moved = await Cli("alv", "update", coop, "alv-apr", "--date", "17-04-2027");
        Assert.True(moved.Code == 0, moved.Out + moved.Err);
        var view = await admin.Get(online);
        Assert.Equal(("2027-04-17", "2027-03-25", "gepland"), (view.Text("meetingDate"), view.Text("opens"), view.Text("status")));

        // To 01-05: online voting could start on 01-04 at the earliest, so the planned voting lapses and is opened again.
        Assert.Equal(HttpStatusCode.OK, (await admin.Patch($"api/cooperatives/{coop}/alv/meetings/alv-apr", new { date = "2027-05-01" })).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Get(online)).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Put(online, new { opens = "2027-04-01", proposals = new[] { new { proposalId = "jaarplan" } } })).Status);

        // Closed without a code ever issued: it may open again, and the meeting can still be removed.
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"{online}/close", new { })).Status);
        var reopened = await admin.Put(online, new { opens = "2027-04-01", proposals = new[] { new { proposalId = "jaarplan" } } });
        Assert.True(reopened.Status == HttpStatusCode.OK, reopened.Raw);
        Assert.Equal("gepland", reopened.Text("status"));
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"{online}/close", new { })).Status);
        var deleted = await Cli("alv", "delete", coop, "alv-apr");
        Assert.True(deleted.Code == 0, deleted.Out + deleted.Err);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Get(online)).Status);

        // A meeting under the same id starts without the old online voting.
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/cooperatives/{coop}/alv/meetings", new
        {
            id = "alv-apr", title = "ALV april", date = "2027-04-10", noticeDate = "2027-03-01",
            proposals = new[] { new { id = "jaarplan", title = "Jaarplan", decisionType = "Overig" } },
        })).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Get(online)).Status);
    }

    [Fact]
    public async Task T10a_alv_update_with_only_a_date_blames_the_date_not_the_notice_date()
    {
        var admin = Server.Client();
        var coop = NewId("coop");
        await ApiCalls.SeedCooperativeWithProject(admin, coop, NewId("proj"));
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/cooperatives/{coop}/alv/meetings", new
        {
            id = "alv", title = "ALV", date = "2027-04-10", noticeDate = "2027-03-01",
            proposals = new[] { new { id = "jaarplan", title = "Jaarplan", decisionType = "Overig" } },
        })).Status);
        var api = await admin.Patch($"api/cooperatives/{coop}/alv/meetings/alv", new { date = "2027-02-20" });
        Assert.Equal(HttpStatusCode.BadRequest, api.Status);
        Assert.Equal(["date"], api.ErrorFields);
        Assert.Contains("20-02-2027 ligt vóór de oproep van 01-03-2027", api.Raw);
        var cli = await Cli("alv", "update", coop, "alv", "--date", "20-02-2027");
        Assert.Equal(1, cli.Code);
        Assert.Contains("ligt vóór de oproep van 01-03-2027", cli.Err);
        Assert.DoesNotContain("noticeDate is --notice-date", cli.Err);
        // Both given: a notice after the date is still the notice date's fault.
        var both = await admin.Patch($"api/cooperatives/{coop}/alv/meetings/alv", new { date = "2027-03-05", noticeDate = "2027-03-10" });
        Assert.Equal(["noticeDate"], both.ErrorFields);
    }

    [Fact]
    public async Task T10h_member_leave_names_the_online_votes_that_no_longer_count_and_T10i_the_receipt_error_is_under_votingKey()
    {
        var (coop, _, codes) = await Opened();
        var member = Server.Client(token: null);
        Assert.Equal(HttpStatusCode.OK, (await member.Post("api/stem/votes", new { code = codes["L-1"], proposalId = "tarief", choice = "Voor", nonce = Nonce() })).Status);
        var proxy = await member.Post("api/stem/proxy", new { code = codes["L-2"], holder = "L-3", proposalIds = new[] { "jaarrekening" } });
        Assert.True(proxy.Status == HttpStatusCode.OK, proxy.Raw);
        var forL2 = await member.Post("api/stem/votes", new { code = codes["L-3"], proposalId = "jaarrekening", choice = "Tegen", forMember = "L-2", nonce = Nonce() });
        Assert.True(forL2.Status == HttpStatusCode.OK, forL2.Raw);

        var own = await Cli("member", "leave", coop, "L-1", "--on", "20-03-2027");
        Assert.True(own.Code == 0, own.Out + own.Err);
        Assert.Contains("Let op: 1 stem telt daardoor niet meer mee", own.Out);
        Assert.Contains("de stem van lid L-1 op voorstel 'tarief' van vergadering 'alv'", own.Out);
        var holder = await Cli("member", "leave", coop, "L-3", "--on", "20-03-2027");
        Assert.True(holder.Code == 0, holder.Out + holder.Err);
        Assert.Contains("bij volmacht uitbracht voor lid L-2 op voorstel 'jaarrekening'", holder.Out);
        // A member who did not vote: nothing to say.
        var quiet = await Cli("member", "leave", coop, "L-2", "--on", "21-03-2027");
        Assert.True(quiet.Code == 0, quiet.Out + quiet.Err);
        Assert.DoesNotContain("Let op", quiet.Out);

        var receipt = await member.Post("api/stem/receipt", new { receipt = "K7QD-3MXP" });
        Assert.Equal(HttpStatusCode.BadRequest, receipt.Status);
        Assert.Equal(["votingKey"], receipt.ErrorFields);
        var old = await member.Post("api/stem/receipt", new { meeting = "geen-sleutel", receipt = "K7QD-3MXP" });
        Assert.Equal(["meeting"], old.ErrorFields);
    }
}
