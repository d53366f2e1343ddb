using System.Net;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Voting;

/// <summary>
/// A member written out on or before the meeting date (tester A1): the code opens a paper that says so
/// at once with nothing to choose, a proxy is refused, a vote is refused with one Dutch sentence, and a
/// proxy they gave before leaving neither blocks the holder's one proxy slot nor can be voted with.
/// </summary>
public sealed class FormerMemberOnlineVotingTests(OnlineVotingFixture fixture) : IClassFixture<OnlineVotingFixture>
{
    private WarmteServer Server => fixture.Server;

    private HttpClient Member() => Server.Client(token: null);

    // The fixture's today and meeting date: 20-03-2027; L-3 is written out per that day.
    private const string WrittenOut =
        "U bent per 20-03-2027 geen lid meer en kunt bij de vergadering van 20-03-2027 niet stemmen en geen volmacht geven. Heeft u vragen, neem dan contact op met het bestuur.";

    private async Task<(string Coop, HttpClient Admin, Dictionary<string, string> Codes)> Opened()
    {
        var admin = Server.Client();
        var coop = $"oudlid-{Guid.NewGuid().ToString("N")[..8]}";
        await ApiCalls.SeedCooperativeWithProject(admin, coop, $"p-{Guid.NewGuid().ToString("N")[..8]}");
        await ApiCalls.SeedMembers(admin, coop);
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/cooperatives/{coop}/alv/statutes",
            new { electronic = new { advanceVotingAllowed = true, onlineProxiesAllowed = true } })).Status);
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/cooperatives/{coop}/alv/meetings", new
        {
            id = "alv", title = "Voorjaars-ALV", date = OnlineVotingFixture.MeetingDate, noticeDate = "2027-03-01",
            proposals = new object[]
            {
                new { id = "tarief", title = "Tarief 2028", decisionType = "Tariefbesluit" },
                new { id = "jaarrekening", title = "Jaarrekening 2026", decisionType = "Overig" },
            },
        })).Status);
        var opened = await admin.Put($"api/cooperatives/{coop}/alv/meetings/alv/online",
            new { opens = "2027-03-01", proposals = new[] { new { proposalId = "tarief" }, new { proposalId = "jaarrekening" } } });
        Assert.True(opened.Status == HttpStatusCode.OK, opened.Raw);
        var issued = await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv/online/codes", new { });
        Assert.True(issued.Status == HttpStatusCode.OK, issued.Raw);
        return (coop, admin, issued.Body.GetProperty("codes").EnumerateArray()
            .ToDictionary(c => c.GetProperty("memberNumber").GetString()!, c => c.GetProperty("code").GetString()!));
    }

    private static async Task WriteOut(HttpClient admin, string coop, string number, string leftOn)
    {
        var left = await admin.Post($"api/cooperatives/{coop}/members/{number}/leave", new { leftOn });
        Assert.True(left.Status == HttpStatusCode.OK, left.Raw);
    }

    [Fact]
    public async Task The_paper_of_a_member_written_out_per_the_meeting_date_says_so_at_once_and_offers_nothing()
    {
        var (coop, admin, codes) = await Opened();
        var before = await Member().Post("api/stem/paper", new { code = codes["L-3"] });
        Assert.True(before.Body.GetProperty("eligible").GetBoolean());
        Assert.True(!before.Body.TryGetProperty("notEligibleReason", out var none) || none.ValueKind == System.Text.Json.JsonValueKind.Null);

        await WriteOut(admin, coop, "L-3", OnlineVotingFixture.MeetingDate);
        var paper = await Member().Post("api/stem/paper", new { code = codes["L-3"] });
        Assert.True(paper.Status == HttpStatusCode.OK, paper.Raw);
        Assert.False(paper.Body.GetProperty("eligible").GetBoolean());
        Assert.Equal(WrittenOut, paper.Body.GetProperty("notEligibleReason").GetString());

        // Written out the day after the meeting: still a member on the meeting date, a normal paper.
        await WriteOut(admin, coop, "L-2", "2027-03-21");
        Assert.True((await Member().Post("api/stem/paper", new { code = codes["L-2"] })).Body.GetProperty("eligible").GetBoolean());
    }

    [Fact]
    public async Task A_former_member_cannot_vote_nor_give_a_proxy_and_is_told_in_one_dutch_sentence_with_nothing_stored()
    {
        var (coop, admin, codes) = await Opened();
        await WriteOut(admin, coop, "L-3", "2027-03-15");
        const string Left = "U bent per 15-03-2027 geen lid meer en kunt bij de vergadering van 20-03-2027 niet stemmen en geen volmacht geven. Heeft u vragen, neem dan contact op met het bestuur.";

        var vote = await Member().Post("api/stem/votes", new { code = codes["L-3"], proposalId = "tarief", choice = "Voor", nonce = "former-member-nonce-0001" });
        Assert.Equal(HttpStatusCode.Conflict, vote.Status);
        Assert.Equal("not-eligible", vote.Code);
        Assert.Equal(Left, vote.Body.GetProperty("detail").GetString());
        Assert.Equal(["code"], vote.ErrorFields);

        var proxy = await Member().Post("api/stem/proxy", new { code = codes["L-3"], holder = "L-1", proposalIds = new[] { "tarief" } });
        Assert.Equal(HttpStatusCode.Conflict, proxy.Status);
        Assert.Equal("not-eligible", proxy.Code);
        Assert.Equal(Left, proxy.Body.GetProperty("detail").GetString());
        Assert.Equal(["code"], proxy.ErrorFields);

        // Nothing stored: no ballot, no proxy given, none held by L-1.
        Assert.Equal(0, (await admin.Get($"api/cooperatives/{coop}/alv/meetings/alv/proposals/tarief/ballots")).Body.GetProperty("total").GetInt32());
        Assert.Equal(0, (await Member().Post("api/stem/paper", new { code = codes["L-3"] })).Body.GetProperty("proxiesGiven").GetArrayLength());
        Assert.Equal(0, (await Member().Post("api/stem/paper", new { code = codes["L-1"] })).Body.GetProperty("proxiesHeld").GetArrayLength());
    }

    [Fact]
    public async Task A_proxy_given_before_leaving_is_dead_it_cannot_be_voted_with_and_does_not_take_the_holders_one_slot()
    {
        var (coop, admin, codes) = await Opened();
        // L-3 gives L-2 a proxy while still a member (the statutes allow one proxy per holder per proposal).
        Assert.Equal(HttpStatusCode.OK, (await Member().Post("api/stem/proxy", new { code = codes["L-3"], holder = "L-2", proposalIds = new[] { "tarief" } })).Status);
        await WriteOut(admin, coop, "L-3", "2027-03-15");

        // The holder is not offered a ballot for L-3, and voting with it is refused in one sentence.
        var holderPaper = await Member().Post("api/stem/paper", new { code = codes["L-2"] });
        Assert.Equal(0, holderPaper.Body.GetProperty("proxiesHeld").GetArrayLength());
        var forGiver = await Member().Post("api/stem/votes", new { code = codes["L-2"], proposalId = "tarief", choice = "Tegen", forMember = "L-3", nonce = "holder-for-former-0001" });
        Assert.Equal(HttpStatusCode.Conflict, forGiver.Status);
        Assert.Equal("not-eligible", forGiver.Code);
        Assert.Equal(["forMember"], forGiver.ErrorFields);
        Assert.Equal("Lid L-3 is per 15-03-2027 geen lid meer en mag bij de vergadering van 20-03-2027 niet stemmen, dus met die volmacht kunt u niet stemmen.",
            forGiver.Body.GetProperty("detail").GetString());
        Assert.Equal(0, (await admin.Get($"api/cooperatives/{coop}/alv/meetings/alv/proposals/tarief/ballots")).Body.GetProperty("total").GetInt32());

        // A current member can still give L-2 their proxy for that proposal: the dead one takes no slot.
        var given = await Member().Post("api/stem/proxy", new { code = codes["L-1"], holder = "L-2", proposalIds = new[] { "tarief" } });
        Assert.True(given.Status == HttpStatusCode.OK, given.Raw);
        Assert.Equal(["L-1"], (await Member().Post("api/stem/paper", new { code = codes["L-2"] })).Body.GetProperty("proxiesHeld")
            .EnumerateArray().Select(h => h.GetProperty("giver").GetString()));
    }
}
