using System.Net;
using FsCheck;
using FsCheck.Xunit;
using NodaTime;
using NodaTime.Testing;
using Warmte.Tests.Infrastructure;
using Warmte.Voting;

namespace Warmte.Tests.Voting;

/// <summary>The counting rule of failed code attempts (pure), and the lockout holding across the silos of one cluster.</summary>
public sealed class VotingAttemptsTests
{
    private static readonly Instant Start = Instant.FromUtc(2027, 3, 20, 11, 0);

    /// <summary>
    /// Within one window: never more "wrong" answers than the limit, never more in flight than the cap, and
    /// a valid code is always answered as valid — also while the scope backs off (one person behind the
    /// hall's address must not be able to lock every member there out).
    /// </summary>
    [Property(MaxTest = 300)]
    public bool Within_one_window_a_scope_never_gets_more_wrong_answers_than_the_limit_and_a_valid_code_is_always_served(
        PositiveInt limitSeed, PositiveInt inFlightSeed, PositiveInt[] bursts, bool[] outcomes)
    {
        var limit = 1 + limitSeed.Get % 40;
        var inFlight = 1 + inFlightSeed.Get % 40;
        var limits = new AttemptLimits(limit, TimeSpan.FromMinutes(15), inFlight);
        var window = new AttemptWindow();
        var now = Start;
        var wrongAnswers = 0;
        var validRefused = 0;
        var next = 0;
        // Each burst: that many requests arrive together (all admitted before any is answered), one second apart; all within 15 minutes.
        foreach (var burst in bursts.Take(800))
        {
            var admitted = Enumerable.Range(0, 1 + burst.Get % 30).Count(_ => window.Begin(now, limits) is null);
            if (admitted > inFlight) return false;
            for (var k = 0; k < admitted; k++)
            {
                var failed = outcomes.Length == 0 || outcomes[next++ % outcomes.Length];
                // A wrong attempt settled after the lockout began is answered with the lockout, not as wrong.
                var answer = window.Settle(now, failed, limits);
                if (answer is null && failed) wrongAnswers++;
                if (answer is not null && !failed) validRefused++;
            }
            now += Duration.FromSeconds(1);
        }
        return wrongAnswers <= limit && validRefused == 0;
    }

    [Fact]
    public void Valid_attempts_never_count_however_many_are_in_flight_up_to_the_cap()
    {
        var limits = new AttemptLimits(10, TimeSpan.FromMinutes(15), MaxInFlight: 200);
        var window = new AttemptWindow();
        // A hall: 150 members behind one address, all in flight together, all with valid codes.
        Assert.All(Enumerable.Range(0, 150), _ => Assert.Null(window.Begin(Start, limits)));
        for (var i = 0; i < 150; i++) Assert.Null(window.Settle(Start, failed: false, limits));
        Assert.Equal(0, window.Failures);
        Assert.Null(window.Begin(Start, limits));
    }

    [Fact]
    public void The_lockout_ends_after_its_time_successes_do_not_count_and_an_attempt_never_settled_stops_counting_after_a_minute()
    {
        var limits = new AttemptLimits(3, TimeSpan.FromMinutes(10), MaxInFlight: 2);
        var window = new AttemptWindow();
        var now = Start;
        for (var i = 0; i < 5; i++) { Assert.Null(window.Begin(now, limits)); Assert.Null(window.Settle(now, failed: false, limits)); }
        for (var i = 0; i < 2; i++) { Assert.Null(window.Begin(now, limits)); Assert.Null(window.Settle(now, failed: true, limits)); }
        // Two in flight (their silo dies before they are answered): the in-flight cap is reached.
        Assert.Null(window.Begin(now, limits));
        Assert.Null(window.Begin(now, limits));
        Assert.Equal(TimeSpan.FromSeconds(1), window.Begin(now, limits));
        Assert.Null(window.Begin(now + Duration.FromMinutes(1), limits));
        // The third wrong one is still answered as wrong, and starts the back-off of 10 minutes: attempts are still
        // admitted, a valid one is served, a wrong one is answered with the time left, not as wrong.
        Assert.Null(window.Settle(now + Duration.FromMinutes(1), failed: true, limits));
        Assert.Null(window.Begin(now + Duration.FromMinutes(1), limits));
        Assert.Null(window.Settle(now + Duration.FromMinutes(1), failed: false, limits));
        Assert.Null(window.Begin(now + Duration.FromMinutes(10), limits));
        Assert.Equal(TimeSpan.FromMinutes(1), window.Settle(now + Duration.FromMinutes(10), failed: true, limits));
        // After it, a new budget: wrong codes are answered as wrong again.
        Assert.Null(window.Begin(now + Duration.FromMinutes(11), limits));
        Assert.Null(window.Settle(now + Duration.FromMinutes(11), failed: true, limits));
    }

    [Fact]
    public void A_wrong_attempt_that_raced_past_the_limit_is_answered_with_the_lockout()
    {
        var limits = new AttemptLimits(2, TimeSpan.FromMinutes(10), MaxInFlight: 10);
        var window = new AttemptWindow();
        for (var i = 0; i < 3; i++) Assert.Null(window.Begin(Start, limits));
        Assert.Null(window.Settle(Start, failed: true, limits));
        Assert.Null(window.Settle(Start, failed: true, limits)); // the limit-th: answered as wrong, lockout starts
        Assert.Equal(TimeSpan.FromMinutes(10), window.Settle(Start, failed: true, limits));
    }

    [Fact]
    public void An_ipv6_client_is_counted_by_its_64_network_and_an_ipv4_mapped_address_as_ipv4()
    {
        Assert.Equal(VotingAttempts.AddressKey(IPAddress.Parse("2001:db8:1:2::1")), VotingAttempts.AddressKey(IPAddress.Parse("2001:db8:1:2:ffff:1:2:3")));
        Assert.NotEqual(VotingAttempts.AddressKey(IPAddress.Parse("2001:db8:1:2::1")), VotingAttempts.AddressKey(IPAddress.Parse("2001:db8:1:3::1")));
        Assert.Equal(VotingAttempts.AddressKey(IPAddress.Parse("192.0.2.7")), VotingAttempts.AddressKey(IPAddress.Parse("::ffff:192.0.2.7")));
        Assert.NotEqual(VotingAttempts.AddressKey(IPAddress.Parse("192.0.2.7")), VotingAttempts.AddressKey(IPAddress.Parse("192.0.2.8")));
    }

    [Fact]
    public async Task Unknown_codes_spread_over_two_silos_of_one_cluster_reach_the_same_lockout()
    {
        var pg = await PostgresServer.GetAsync();
        var database = await pg.CreateDatabaseAsync();
        var clock = new FakeClock(OnlineVotingFixture.Now);
        string[] args = ["--Orleans:ClusterId", "lockout-" + Guid.NewGuid().ToString("N")[..6], "--Voting:FailuresBeforeLockout", "4", "--Voting:LockoutMinutes", "10"];
        var starts = await Task.WhenAll(WarmteServer.StartAsync(postgres: database, clock: clock, extraArgs: args), WarmteServer.StartAsync(postgres: database, clock: clock, extraArgs: args));
        await using var a = starts[0];
        await using var b = starts[1];
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while ((await b.Client().Get("api/status")).Body.GetProperty("activeSilos").GetInt32() != 2)
        {
            Assert.True(DateTime.UtcNow < deadline, "the two silos did not form one cluster within 90 s");
            await Task.Delay(500);
        }

        var admin = a.Client();
        const string coop = "coop-lockout";
        await ApiCalls.SeedCooperativeWithProject(admin, coop, "proj-lockout");
        await ApiCalls.SeedMembers(admin, coop);
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/cooperatives/{coop}/alv/statutes", new { electronic = new { advanceVotingAllowed = true } })).Status);
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/cooperatives/{coop}/alv/meetings", new
        {
            id = "alv", title = "ALV", date = OnlineVotingFixture.MeetingDate, noticeDate = "2027-03-01",
            proposals = new[] { new { id = "tarief", title = "Tarief", decisionType = "Tariefbesluit" } },
        })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/cooperatives/{coop}/alv/meetings/alv/online", new { proposals = new[] { new { proposalId = "tarief" } } })).Status);
        var code = (await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv/online/codes", new { })).Body.GetProperty("codes")[0].GetProperty("code").GetString();

        var members = new[] { a.Client(token: null), b.Client(token: null) };
        // A code issued through silo a works on both (one key for the cluster).
        foreach (var member in members) Assert.Equal(HttpStatusCode.OK, (await member.Post("api/stem/paper", new { code })).Status);
        // Four unknown codes, alternating between the silos: each silo alone saw only two.
        var unknown = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var answer = await members[i % 2].Post("api/stem/paper", new { code = $"AAAA-BBBB-CCCC-DDD{i}" });
            Assert.Equal(HttpStatusCode.NotFound, answer.Status);
            unknown.Add(answer.Raw);
        }
        Assert.Single(unknown.Distinct()); // the same answer every time: nothing about which codes exist
        // The address backs off on both silos: a fifth unknown code is answered with the back-off, on either silo,
        // while the member's valid code is served on both (no one behind the same address can lock a member out).
        foreach (var member in members)
        {
            var locked = await member.Post("api/stem/paper", new { code = "AAAA-BBBB-CCCC-DDD9" });
            Assert.Equal(HttpStatusCode.TooManyRequests, locked.Status);
            Assert.Equal("too-many-attempts", locked.Code);
            Assert.Equal(HttpStatusCode.OK, (await member.Post("api/stem/paper", new { code })).Status);
        }
        // After the back-off an unknown code is answered as unknown again, on either silo.
        clock.Advance(Duration.FromMinutes(11));
        Assert.Equal(HttpStatusCode.NotFound, (await members[1].Post("api/stem/paper", new { code = "AAAA-BBBB-CCCC-DDD9" })).Status);
    }
}
