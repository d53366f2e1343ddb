using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using NodaTime.Testing;
using Warmte.Tests.Infrastructure;
using Warmte.Tests.Operations;

namespace Warmte.Tests.Voting;

/// <summary>
/// Issue 17: for a secret ballot, nothing the silo logs — at Debug, on every path a vote takes (online
/// with a resend, the board's ballot at the meeting, a repeat refused, closing, the receipt check) —
/// names a member together with a choice, and no log line holds a receipt, which after closing is
/// published under its choice. (The tables are inspected by OnlineVoteRetryTests and AlvJournalTests.)
/// </summary>
public sealed class SecretBallotLogTests
{
    private static string Nonce() => Convert.ToBase64String(Guid.NewGuid().ToByteArray()).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [Fact]
    public async Task A_secret_ballot_leaves_no_log_line_that_links_a_member_to_a_choice_or_a_receipt()
    {
        var logs = new CapturedLogs();
        await using var server = await WarmteServer.StartAsync(clock: new FakeClock(OnlineVotingFixture.Now),
            extraArgs: ["--Logging:LogLevel:Default", "Debug", "--Logging:LogLevel:Microsoft.AspNetCore", "Debug", "--Logging:LogLevel:Orleans", "Information"],
            configure: builder => builder.Logging.AddProvider(logs));
        var admin = server.Client();
        const string coop = "geheim-coop";
        await ApiCalls.SeedCooperativeWithProject(admin, coop, "geheim-proj");
        await ApiCalls.SeedMembers(admin, coop);
        var board = server.Client((await admin.Post("api/tokens", new { name = "Bestuur", role = $"board:{coop}" })).Text("token"));
        Assert.Equal(HttpStatusCode.OK, (await board.Put($"api/cooperatives/{coop}/alv/statutes", new
        {
            electronic = new { advanceVotingAllowed = true, secretBallotTypes = new[] { "Bestuursverkiezing" } },
        })).Status);
        Assert.Equal(HttpStatusCode.Created, (await board.Post($"api/cooperatives/{coop}/alv/meetings", new
        {
            id = "alv", title = "Voorjaars-ALV", date = OnlineVotingFixture.MeetingDate, noticeDate = "2027-03-01",
            proposals = new object[] { new { id = "bestuur", title = "Benoeming bestuurslid", decisionType = "Bestuursverkiezing" } },
        })).Status);
        Assert.Equal(HttpStatusCode.OK, (await board.Put($"api/cooperatives/{coop}/alv/meetings/alv/online", new
        {
            opens = "2027-03-01", proposals = new[] { new { proposalId = "bestuur" } },
        })).Status);
        var issued = await board.Post($"api/cooperatives/{coop}/alv/meetings/alv/online/codes", new { });
        var codes = issued.Body.GetProperty("codes").EnumerateArray().ToDictionary(c => c.GetProperty("memberNumber").GetString()!, c => c.GetProperty("code").GetString()!);
        var member = server.Client(token: null);

        // L-1 votes Tegen online and resends it; L-2 votes Onthouding online; L-3 votes Voor at the meeting, entered by the board.
        var receipts = new List<string>();
        var nonce = Nonce();
        for (var i = 0; i < 2; i++)
        {
            var vote = await member.Post("api/stem/votes", new { code = codes["L-1"], proposalId = "bestuur", choice = "Tegen", nonce });
            Assert.Equal(HttpStatusCode.OK, vote.Status);
            receipts.Add(vote.Text("receipt"));
        }
        var second = await member.Post("api/stem/votes", new { code = codes["L-2"], proposalId = "bestuur", choice = "Onthouding", nonce = Nonce() });
        Assert.Equal(HttpStatusCode.OK, second.Status);
        receipts.Add(second.Text("receipt"));
        Assert.Equal(HttpStatusCode.Conflict, (await member.Post("api/stem/votes", new { code = codes["L-2"], proposalId = "bestuur", choice = "Voor", nonce = Nonce() })).Status);
        var atMeeting = await board.Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals/bestuur/ballots", new { memberNumber = "L-3", choice = "Voor" });
        Assert.True(atMeeting.Status == HttpStatusCode.OK, atMeeting.Raw);
        Assert.Equal(HttpStatusCode.OK, (await board.Post($"api/cooperatives/{coop}/alv/meetings/alv/online/close", new { })).Status);
        Assert.Equal(HttpStatusCode.OK, (await board.Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals/bestuur/close", new { })).Status);
        var published = await board.Get($"api/cooperatives/{coop}/alv/meetings/alv/proposals/bestuur/receipts");
        Assert.Equal(HttpStatusCode.OK, published.Status);
        Assert.Contains(receipts[0], published.Raw);
        var check = await member.Post("api/stem/receipt", new { meeting = $"{coop}/alv", receipt = receipts[0] });
        Assert.True(check.Status == HttpStatusCode.OK, check.Raw);

        var lines = logs.Entries.ToList();
        Assert.Contains(lines, l => l.Contains("/api/stem/votes", StringComparison.Ordinal)); // the votes were logged, at all
        foreach (var receipt in receipts.Distinct())
            Assert.DoesNotContain(lines, l => l.Contains(receipt, StringComparison.OrdinalIgnoreCase));
        var choice = new Regex(@"\b(Voor|Tegen|Onthouding)\b", RegexOptions.IgnoreCase);
        var anyMember = new Regex(@"\bL-[123]\b");
        var linking = lines.Where(l => choice.IsMatch(l) && anyMember.IsMatch(l)).ToList();
        Assert.True(linking.Count == 0, string.Join("\n", linking));
        foreach (var code in codes.Values)
            Assert.DoesNotContain(lines, l => l.Contains(code, StringComparison.OrdinalIgnoreCase));
    }
}
