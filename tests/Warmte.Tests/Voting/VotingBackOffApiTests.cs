using System.Net;
using NodaTime;
using NodaTime.Testing;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Voting;

/// <summary>
/// Review F4 over HTTP: a meeting's receipt check refuses every receipt while it backs off (also a
/// counted one: no lookup), and an address backing off gets only its bucket of lookups — the rest are
/// answered 429 with a one-second wait and no lookup, and a member retrying after that second is served.
/// </summary>
public sealed class VotingBackOffApiTests
{
    [Fact]
    public async Task The_receipt_check_refuses_every_receipt_while_backing_off_and_an_address_backing_off_gets_only_its_bucket_of_lookups()
    {
        var clock = new FakeClock(OnlineVotingFixture.Now);
        await using var server = await WarmteServer.StartAsync(clock: clock, extraArgs:
        [
            "--Voting:FailuresBeforeLockout", "5", "--Voting:ReceiptFailuresPerMeeting", "3", "--Voting:LockoutMinutes", "5",
            "--Voting:BackOffLookupsPerSecond", "1", "--Voting:BackOffBurst", "2",
        ]);
        var admin = server.Client();
        const string coop = "coop-backoff";
        await ApiCalls.SeedCooperativeWithProject(admin, coop, "proj-backoff");
        await ApiCalls.SeedMembers(admin, coop);
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/cooperatives/{coop}/alv/statutes", new { electronic = new { advanceVotingAllowed = true } })).Status);
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/cooperatives/{coop}/alv/meetings", new
        {
            id = "alv", title = "ALV", date = OnlineVotingFixture.MeetingDate, noticeDate = "2027-03-01",
            proposals = new[] { new { id = "tarief", title = "Tarief", decisionType = "Tariefbesluit" } },
        })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/cooperatives/{coop}/alv/meetings/alv/online", new { proposals = new[] { new { proposalId = "tarief" } } })).Status);
        var codes = (await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv/online/codes", new { })).Body.GetProperty("codes");
        var code = codes[0].GetProperty("code").GetString();
        var member = server.Client(token: null);
        var vote = await member.Post("api/stem/votes", new { code, proposalId = "tarief", choice = "Voor", nonce = "backoff-test-nonce-0001" });
        Assert.True(vote.Status == HttpStatusCode.OK, vote.Raw);
        var receipt = vote.Text("receipt");
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals/tarief/close", new { })).Status);
        Assert.Equal(HttpStatusCode.OK, (await member.Post("api/stem/receipt", new { meeting = $"{coop}/alv", receipt })).Status);

        // Receipts: the meeting's budget of 3 unknown ones is spent; then even the counted receipt is refused
        // (not looked up) until the back-off is over — receipts have no hall to lock out.
        foreach (var guess in new[] { "AAAA-AAA0", "AAAA-AAA1", "AAAA-AAA2" })
            Assert.Equal(HttpStatusCode.NotFound, (await member.Post("api/stem/receipt", new { meeting = $"{coop}/alv", receipt = guess })).Status);
        var refused = await member.Post("api/stem/receipt", new { meeting = $"{coop}/alv", receipt });
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.Status);
        Assert.Contains("5 minuten", refused.Raw);
        clock.Advance(Duration.FromMinutes(5));
        Assert.Equal(HttpStatusCode.OK, (await member.Post("api/stem/receipt", new { meeting = $"{coop}/alv", receipt })).Status);

        // Codes: the address's budget of 5 wrong ones is spent (3 receipts expired with their window; 5 codes now).
        for (var i = 0; i < 5; i++)
            Assert.Equal(HttpStatusCode.NotFound, (await member.Post("api/stem/paper", new { code = $"AAAA-BBBB-CCCC-DDD{i}" })).Status);
        // Backing off, the bucket (2) admits two lookups: wrong codes, answered with the rest of the back-off.
        for (var i = 0; i < 2; i++)
        {
            var looked = await member.Post("api/stem/paper", new { code = $"AAAA-BBBB-CCCC-EEE{i}" });
            Assert.Equal(HttpStatusCode.TooManyRequests, looked.Status);
            Assert.Contains("5 minuten", looked.Raw);
        }
        // The bucket is empty (the clock stands still): no lookup, a wait of one second — also for a valid code.
        var notLooked = await member.Post("api/stem/paper", new { code = "AAAA-BBBB-CCCC-FFF0" });
        Assert.Equal(HttpStatusCode.TooManyRequests, notLooked.Status);
        Assert.Contains("1 seconde", notLooked.Raw);
        var valid = await member.Post("api/stem/paper", new { code });
        Assert.Equal(HttpStatusCode.TooManyRequests, valid.Status);
        Assert.Contains("1 seconde", valid.Raw);
        // The member retries after that second: served (and the valid code gives its token back).
        clock.Advance(Duration.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await member.Post("api/stem/paper", new { code })).Status);
        Assert.Equal(HttpStatusCode.OK, (await member.Post("api/stem/paper", new { code })).Status);
        var wrongAgain = await member.Post("api/stem/paper", new { code = "AAAA-BBBB-CCCC-FFF1" });
        Assert.Equal(HttpStatusCode.TooManyRequests, wrongAgain.Status);
        Assert.Contains("minuten", wrongAgain.Raw);
        Assert.Contains("1 seconde", (await member.Post("api/stem/paper", new { code = "AAAA-BBBB-CCCC-FFF2" })).Raw);
    }
}
