using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Warmte.Tests.Infrastructure;
using Warmte.Tests.Voting;

namespace Warmte.Tests.Http;

/// <summary>
/// tester9b's findings on the running service: what a closed ALV result says about members to whom (T1), the anonymous
/// receipt check as an oracle (T6), the resend of a counted vote after closing (T12) and the headers on answers that carry
/// personal data (T8).
/// </summary>
public sealed class PersonalDataBoundaryTests(OnlineVotingFixture fixture) : IClassFixture<OnlineVotingFixture>
{
    private WarmteServer Server => fixture.Server;

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    private static string Nonce() => Guid.NewGuid().ToString("N");

    private HttpClient Member() => Server.Client(token: null);

    private async Task<HttpClient> As(string role) =>
        Server.Client((await Server.Client().Post("api/tokens", new { name = "Jan Jansen " + role, role })).Text("token"));

    /// <summary>The tester's T1 sequence: L-2 votes by proxy through L-3, L-3 is written out on the meeting date, the proposal is closed.</summary>
    private async Task<(string Coop, string Project)> ClosedWithLeftOutVotes()
    {
        var admin = Server.Client();
        var coop = NewId("coop");
        var project = await ApiCalls.SeedCooperativeWithProject(admin, coop, NewId("proj"));
        await ApiCalls.SeedMembers(admin, coop, 4);
        await ApiCalls.TakeToRealisatieGate(admin, project);
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/cooperatives/{coop}/alv/meetings", new
        {
            id = "alv", title = "ALV vandaag", date = OnlineVotingFixture.MeetingDate, noticeDate = "2027-03-01",
            proposals = new[] { new { id = "q1", title = "Realisatiebesluit", decisionType = "Realisatiebesluit", projectId = project } },
        })).Status);
        var present = await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv/attendance", new { present = new[] { "L-1", "L-3", "L-4" } });
        Assert.True(present.Status == HttpStatusCode.OK, present.Raw);
        foreach (var (member, choice, holder) in new[] { ("L-1", "Voor", (string?)null), ("L-2", "Tegen", "L-3"), ("L-3", "Tegen", null), ("L-4", "Voor", null) })
        {
            var cast = await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals/q1/ballots", new { memberNumber = member, choice, proxyHolder = holder });
            Assert.True(cast.Status == HttpStatusCode.OK, cast.Raw);
        }
        var left = await admin.Post($"api/cooperatives/{coop}/members/L-3/leave", new { leftOn = OnlineVotingFixture.MeetingDate });
        Assert.True(left.Status == HttpStatusCode.OK, left.Raw);
        var closed = await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals/q1/close", new { });
        Assert.True(closed.Status == HttpStatusCode.OK, closed.Raw);
        return (coop, project);
    }

    [Fact]
    public async Task T1_who_was_left_out_of_a_count_and_why_reaches_only_the_own_board_and_admins_every_other_role_gets_counts()
    {
        var (coop, project) = await ClosedWithLeftOutVotes();
        await ApiCalls.SeedCooperativeWithProject(Server.Client(), "other-" + coop, NewId("proj"));
        const string ProxyNote = "lid L-2 stemde bij volmacht via lid L-3, maar lid L-3 is op 20-03-2027 uitgeschreven";

        // The own board and admins: the member numbers and reasons, in the result's notes and its text.
        foreach (var owner in new[] { Server.Client(), await As($"board:{coop}") })
        {
            var meeting = await owner.Get($"api/cooperatives/{coop}/alv/meetings/alv");
            Assert.Equal(HttpStatusCode.OK, meeting.Status);
            var proposal = meeting.Body.GetProperty("proposals")[0];
            Assert.Contains(ProxyNote, proposal.GetProperty("resultText").GetString());
            Assert.Contains(proposal.GetProperty("result").GetProperty("leftOut").EnumerateArray(), n => n.GetString()!.Contains(ProxyNote));
            Assert.Contains(ProxyNote, (await owner.Get($"api/cooperatives/{coop}/alv/meetings")).Raw);
        }

        // Everyone else: how many votes and attendees did not count, no member number, no date of writing out.
        foreach (var role in new[] { "reader", $"board:other-{coop}", "financier", "financier:gemeente-amsterdam", "coordinator" })
        {
            var caller = await As(role);
            var meeting = await caller.Get($"api/cooperatives/{coop}/alv/meetings/alv");
            Assert.Equal(HttpStatusCode.OK, meeting.Status);
            var proposal = meeting.Body.GetProperty("proposals")[0];
            var notes = proposal.GetProperty("result").GetProperty("leftOut").EnumerateArray().Select(n => n.GetString()!).ToList();
            Assert.Equal(
                ["2 stemmen niet meegeteld (lidnummers en redenen alleen voor het bestuur van de coöperatie)",
                 "1 lid op de presentielijst telt niet mee voor het quorum (lidnummers en redenen alleen voor het bestuur van de coöperatie)"],
                notes);
            Assert.Contains("2 stemmen niet meegeteld", proposal.GetProperty("resultText").GetString());
            // The counts themselves are everyone's: L-1 and L-4 for, the two left-out votes against not counted.
            Assert.Equal((2m, 0m), (proposal.GetProperty("result").GetProperty("for").GetDecimal(), proposal.GetProperty("result").GetProperty("against").GetDecimal()));
            foreach (var answer in new[] { meeting.Raw, (await caller.Get($"api/cooperatives/{coop}/alv/meetings")).Raw })
            {
                Assert.DoesNotContain("L-2", answer);
                Assert.DoesNotContain("L-3", answer);
                Assert.DoesNotContain("uitgeschreven", answer);
            }
            // What they were refused before stays refused.
            Assert.Equal(HttpStatusCode.Forbidden, (await caller.Get($"api/cooperatives/{coop}/alv/meetings/alv/proposals/q1/ballots")).Status);
        }

        // The gate checklist (every role reads it, the own board too) carries the decision's text: counts only.
        foreach (var caller in new[] { await As("reader"), await As($"board:{coop}") })
        {
            var gate = await caller.Get($"api/projects/{project}/gate");
            Assert.Equal(HttpStatusCode.OK, gate.Status);
            Assert.Contains("2 stemmen niet meegeteld", gate.Raw);
            Assert.DoesNotContain("L-3", gate.Raw);
        }
    }

    /// <summary>A cooperative with three members, a meeting today with one proposal, online voting open and codes issued.</summary>
    private async Task<(string Coop, HttpClient Board, Dictionary<string, string> Codes)> OnlineOpen(string proposalTitle = "Tarief 2028")
    {
        var admin = Server.Client();
        var coop = NewId("coop");
        await ApiCalls.SeedCooperativeWithProject(admin, coop, NewId("proj"));
        await ApiCalls.SeedMembers(admin, coop);
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/cooperatives/{coop}/alv/meetings", new
        {
            id = "alv", title = "Voorjaars-ALV", date = OnlineVotingFixture.MeetingDate, noticeDate = "2027-03-01",
            proposals = new[] { new { id = "tarief", title = proposalTitle, decisionType = "Tariefbesluit" } },
        })).Status);
        var board = await As($"board:{coop}");
        Assert.Equal(HttpStatusCode.OK, (await board.Put($"api/cooperatives/{coop}/alv/statutes", new { electronic = new { advanceVotingAllowed = true } })).Status);
        var opened = await board.Put($"api/cooperatives/{coop}/alv/meetings/alv/online", new { opens = "2027-03-01", proposals = new[] { new { proposalId = "tarief" } } });
        Assert.True(opened.Status == HttpStatusCode.OK, opened.Raw);
        var issued = await board.Post($"api/cooperatives/{coop}/alv/meetings/alv/online/codes", new { });
        Assert.True(issued.Status == HttpStatusCode.OK, issued.Raw);
        return (coop, board, issued.Body.GetProperty("codes").EnumerateArray().ToDictionary(c => c.GetProperty("memberNumber").GetString()!, c => c.GetProperty("code").GetString()!));
    }

    [Fact]
    public async Task T6_the_receipt_check_answers_a_meeting_still_open_and_one_that_does_not_exist_alike_without_titles()
    {
        const string Title = "Geheim agendapunt Zwanenburgwal";
        var (coop, board, codes) = await OnlineOpen(Title);
        var vote = await Member().Post("api/stem/votes", new { code = codes["L-1"], proposalId = "tarief", choice = "Voor", nonce = Nonce() });
        Assert.True(vote.Status == HttpStatusCode.OK, vote.Raw);
        var receipt = vote.Text("receipt");

        var open = await Member().Post("api/stem/receipt", new { votingKey = $"{coop}/alv", receipt });
        var madeUp = await Member().Post("api/stem/receipt", new { votingKey = $"{coop}/bestaat-niet", receipt });
        var noCoop = await Member().Post("api/stem/receipt", new { votingKey = "geen-cooperatie/alv", receipt = "ZZZZ-ZZZZ" });
        foreach (var answer in new[] { open, madeUp, noCoop })
        {
            Assert.Equal((HttpStatusCode.NotFound, "no-result"), (answer.Status, answer.Code));
            Assert.Equal(open.Text("detail"), answer.Text("detail"));
            Assert.DoesNotContain(Title, answer.Raw);
            Assert.DoesNotContain("Zwanenburgwal", answer.Raw);
        }
        Assert.Contains("de uitslag is er nog niet of deze stemming bestaat niet", open.Text("detail"), StringComparison.OrdinalIgnoreCase);

        // After the result the member's receipt is answered, and an unknown one is said to be unknown.
        Assert.Equal(HttpStatusCode.OK, (await board.Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals/tarief/close", new { })).Status);
        var counted = await Member().Post("api/stem/receipt", new { votingKey = $"{coop}/alv", receipt });
        Assert.True(counted.Status == HttpStatusCode.OK, counted.Raw);
        Assert.Equal("Voor", counted.Body[0].GetProperty("choice").GetString());
        var unknown = await Member().Post("api/stem/receipt", new { votingKey = $"{coop}/alv", receipt = receipt == "AAAA-AAAA" ? "BBBB-BBBB" : "AAAA-AAAA" });
        Assert.Equal((HttpStatusCode.NotFound, "unknown-receipt"), (unknown.Status, unknown.Code));
    }

    [Fact]
    public async Task T12_a_resend_of_a_counted_vote_after_the_online_vote_closed_gets_its_receipt_and_nothing_else_does()
    {
        var (coop, board, codes) = await OnlineOpen();
        var nonce = Nonce();
        var first = await Member().Post("api/stem/votes", new { code = codes["L-1"], proposalId = "tarief", choice = "Tegen", nonce });
        Assert.True(first.Status == HttpStatusCode.OK, first.Raw);

        Assert.Equal(HttpStatusCode.OK, (await board.Post($"api/cooperatives/{coop}/alv/meetings/alv/online/close", new { })).Status);
        async Task SameReceipt()
        {
            var again = await Member().Post("api/stem/votes", new { code = codes["L-1"], proposalId = "tarief", choice = "Tegen", nonce });
            Assert.True(again.Status == HttpStatusCode.OK, again.Raw);
            Assert.Equal((first.Text("receipt"), first.Text("at"), "Tegen"), (again.Text("receipt"), again.Text("at"), again.Text("choice")));
        }
        async Task Refused(object body)
        {
            var refused = await Member().Post("api/stem/votes", body);
            Assert.Equal((HttpStatusCode.NotFound, "unknown-code"), (refused.Status, refused.Code));
        }

        // Codes expired, proposal open: the counted vote's resend gets its receipt; another attempt, choice or member gets the one 404.
        await SameReceipt();
        await Refused(new { code = codes["L-1"], proposalId = "tarief", choice = "Tegen", nonce = Nonce() });
        await Refused(new { code = codes["L-1"], proposalId = "tarief", choice = "Voor", nonce });
        await Refused(new { code = codes["L-1"], proposalId = "tarief", choice = "Tegen" });
        await Refused(new { code = codes["L-2"], proposalId = "tarief", choice = "Tegen", nonce });

        // Proposal closed: the same, and the vote is counted once.
        Assert.Equal(HttpStatusCode.OK, (await board.Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals/tarief/close", new { })).Status);
        await SameReceipt();
        await Refused(new { code = codes["L-1"], proposalId = "tarief", choice = "Tegen", nonce = Nonce() });
        var meeting = await board.Get($"api/cooperatives/{coop}/alv/meetings/alv");
        Assert.Equal((1, 0m, 1m), (meeting.Body.GetProperty("proposals")[0].GetProperty("ballotCount").GetInt32(),
            meeting.Body.GetProperty("proposals")[0].GetProperty("result").GetProperty("for").GetDecimal(),
            meeting.Body.GetProperty("proposals")[0].GetProperty("result").GetProperty("against").GetDecimal()));
    }

    [Fact]
    public async Task T12_while_voting_is_open_a_resend_of_a_counted_vote_on_a_closed_proposal_gets_its_receipt_not_proposal_closed()
    {
        var (coop, board, codes) = await OnlineOpen();
        var nonce = Nonce();
        var first = await Member().Post("api/stem/votes", new { code = codes["L-2"], proposalId = "tarief", choice = "Onthouding", nonce });
        Assert.True(first.Status == HttpStatusCode.OK, first.Raw);
        Assert.Equal(HttpStatusCode.OK, (await board.Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals/tarief/close", new { })).Status);
        var again = await Member().Post("api/stem/votes", new { code = codes["L-2"], proposalId = "tarief", choice = "Onthouding", nonce });
        Assert.True(again.Status == HttpStatusCode.OK, again.Raw);
        Assert.Equal(first.Text("receipt"), again.Text("receipt"));
        var late = await Member().Post("api/stem/votes", new { code = codes["L-3"], proposalId = "tarief", choice = "Voor", nonce = Nonce() });
        Assert.Equal((HttpStatusCode.Conflict, "proposal-closed"), (late.Status, late.Code));
    }

    private static async Task<HttpResponseMessage> Send(HttpClient client, HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(System.Text.Json.JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        return await client.SendAsync(request);
    }

    private static void NoStoreNoSniff(HttpResponseMessage response, string what)
    {
        Assert.True(response.Headers.CacheControl?.NoStore == true, $"{what}: Cache-Control is '{response.Headers.CacheControl}'");
        Assert.True(response.Headers.TryGetValues("X-Content-Type-Options", out var sniff) && sniff.Single() == "nosniff", $"{what}: no nosniff");
    }

    [Fact]
    public async Task T8_answers_with_personal_data_are_not_stored_nor_sniffed_and_the_letters_carry_a_strict_policy()
    {
        var (coop, board, codes) = await OnlineOpen();
        foreach (var (path, what) in new[]
                 {
                     ($"api/cooperatives/{coop}/members", "member list"),
                     ($"api/cooperatives/{coop}/members/L-1", "member"),
                     ($"api/cooperatives/{coop}/members/L-1/export", "member export"),
                     ($"api/cooperatives/{coop}/alv/meetings/alv", "meeting"),
                 })
        {
            using var answer = await Send(board, HttpMethod.Get, path);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            NoStoreNoSniff(answer, what);
        }
        // The ballot paper names its member and is fetched without a token; refusals and a 401 get the same headers.
        using (var paper = await Send(Member(), HttpMethod.Post, "api/stem/paper", new { code = codes["L-1"] }))
        {
            Assert.Equal(HttpStatusCode.OK, paper.StatusCode);
            Assert.Contains("Lid L-1", await paper.Content.ReadAsStringAsync());
            NoStoreNoSniff(paper, "ballot paper");
        }
        using (var forbidden = await Send(await As("reader"), HttpMethod.Get, $"api/cooperatives/{coop}/members"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
            NoStoreNoSniff(forbidden, "403");
        }
        using (var anonymous = await Send(Member(), HttpMethod.Get, $"api/cooperatives/{coop}/members"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            NoStoreNoSniff(anonymous, "401");
        }

        // The letters: inline HTML of this origin with a policy that allows no script, no loads and no framing.
        using var letters = await Send(board, HttpMethod.Post, $"api/cooperatives/{coop}/alv/meetings/alv/online/codes?format=letters", new { members = new[] { "L-1" } });
        Assert.Equal(HttpStatusCode.OK, letters.StatusCode);
        Assert.Equal("text/html", letters.Content.Headers.ContentType?.MediaType);
        NoStoreNoSniff(letters, "letters");
        var policy = Assert.Single(letters.Headers.GetValues("Content-Security-Policy"));
        foreach (var directive in new[] { "default-src 'none'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'none'", "sandbox" })
            Assert.Contains(directive, policy);
        Assert.DoesNotContain("script-src", policy);
        Assert.Contains("Lidnummer L-1", await letters.Content.ReadAsStringAsync());
    }
}
