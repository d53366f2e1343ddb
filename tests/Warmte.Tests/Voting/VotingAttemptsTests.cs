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
    /// Within one window: never more "wrong" answers than the limit, never more in flight than the cap; and
    /// while the scope backs off, the lookups it admits never exceed its bucket: the burst, plus the rate
    /// times the time since the back-off began, plus the valid codes served in it (each gives its token
    /// back; a guesser cannot make valid codes) — review F4: before, every guess was looked up.
    /// </summary>
    [Property(MaxTest = 300)]
    public bool Lookups_while_backing_off_are_bounded_by_the_bucket_and_wrong_answers_by_the_limit(
        PositiveInt limitSeed, PositiveInt inFlightSeed, PositiveInt rateSeed, PositiveInt burstSeed, PositiveInt[] bursts, bool[] outcomes, PositiveInt[] gaps)
    {
        var limit = 1 + limitSeed.Get % 40;
        var inFlight = 1 + inFlightSeed.Get % 40;
        var limits = new AttemptLimits(limit, TimeSpan.FromMinutes(5), inFlight, 1 + rateSeed.Get % 5, 1 + burstSeed.Get % 20);
        var window = new AttemptWindow();
        var now = Start;
        Instant? backOffStart = null;
        Instant? until = null;
        int wrongAnswers = 0, admittedInBackOff = 0, validInBackOff = 0, step = 0, next = 0;
        var windowStart = now;
        // Each burst: that many requests arrive together (all admitted before any is answered), then a gap of 1-2,000 ms.
        foreach (var burst in bursts.Take(800))
        {
            var backingOff = until is { } u && u > now;
            if (!backingOff && backOffStart is not null) { backOffStart = null; admittedInBackOff = validInBackOff = 0; }
            if (!backingOff && now - windowStart >= Duration.FromMinutes(5)) { windowStart = now; wrongAnswers = 0; }
            var admitted = Enumerable.Range(0, 1 + burst.Get % 30).Count(_ => window.Begin(now, limits) is null);
            if (admitted > inFlight) return false;
            if (backingOff) admittedInBackOff += admitted;
            for (var k = 0; k < admitted; k++)
            {
                var failed = outcomes.Length == 0 || outcomes[next++ % outcomes.Length];
                // A wrong attempt settled while backing off is answered with the back-off, not as wrong.
                var answer = window.Settle(now, failed, limits);
                if (answer is null && failed) wrongAnswers++;
                if (answer is not null && !failed) return false; // a valid code that was looked up is always served
                if (!failed && backingOff) validInBackOff++;
                if (window.BackingOffUntil != until)
                {
                    // A new back-off began with this answer: its bucket starts now; the wrong answers start a new window.
                    until = window.BackingOffUntil;
                    backOffStart = now;
                    admittedInBackOff = validInBackOff = 0;
                    if (wrongAnswers > limit) return false;
                    wrongAnswers = 0;
                    windowStart = now;
                }
            }
            if (wrongAnswers > limit) return false;
            if (backingOff && backOffStart is { } began)
            {
                // burst + rate × elapsed (the interval is rounded up, so never more than the rate) + valid codes served.
                var elapsed = (now - began).TotalNanoseconds;
                var bound = limits.BackOffBurst + (long)(elapsed / limits.BackOffInterval!.Value.TotalNanoseconds) + validInBackOff;
                if (admittedInBackOff > bound) return false;
            }
            now += Duration.FromMilliseconds(1 + (gaps.Length == 0 ? 1000 : gaps[step++ % gaps.Length].Get % 2000));
        }
        return true;
    }

    /// <summary>
    /// Whatever came before (any number of wrong and valid codes, in any bursts): a member whose valid code
    /// is refused while the address backs off is told to wait at most one token's interval (1/rate seconds,
    /// never the rest of the back-off), and retrying once after that wait — with only valid codes of other
    /// members in between — is served.
    /// </summary>
    [Property(MaxTest = 300)]
    public bool A_member_refused_while_backing_off_is_served_when_retrying_once_after_the_wait_given(
        PositiveInt limitSeed, PositiveInt rateSeed, PositiveInt burstSeed, PositiveInt[] history, bool[] outcomes, PositiveInt othersSeed, PositiveInt gapSeed)
    {
        var limit = 1 + limitSeed.Get % 20;
        var limits = new AttemptLimits(limit, TimeSpan.FromMinutes(5), 200, 1 + rateSeed.Get % 5, 1 + burstSeed.Get % 10);
        var window = new AttemptWindow();
        var now = Start;
        // Enough wrong codes to start a back-off, then the history: bursts 0-250 ms apart, each request wrong or valid.
        for (var i = 0; i < limit; i++) { window.Begin(now, limits); window.Settle(now, failed: true, limits); }
        var next = 0;
        foreach (var burst in history.Take(200))
        {
            var admitted = Enumerable.Range(0, 1 + burst.Get % 20).Count(_ => window.Begin(now, limits) is null);
            for (var k = 0; k < admitted; k++) window.Settle(now, outcomes.Length == 0 || outcomes[next++ % outcomes.Length], limits);
            now += Duration.FromMilliseconds(burst.Get % 250);
        }
        if (window.BackingOffUntil is not { } until || until <= now + Duration.FromSeconds(2)) return true; // the back-off is (nearly) over: nothing to show here
        if (window.Begin(now, limits) is not { } wait)
            return window.Settle(now, failed: false, limits) is null; // admitted at once: served
        if (wait > limits.BackOffInterval!.Value.ToTimeSpan()) return false;
        // Other members' valid codes in the meantime (they give their tokens back), then the retry.
        var retryAt = now + Duration.FromTimeSpan(wait);
        for (var i = 0; i < othersSeed.Get % 30; i++)
        {
            var at = now + Duration.FromTicks((long)((retryAt - now).TotalTicks * (gapSeed.Get % 100) / 100.0));
            if (window.Begin(at, limits) is null) window.Settle(at, failed: false, limits);
        }
        return window.Begin(retryAt, limits) is null && window.Settle(retryAt, failed: false, limits) is null;
    }

    [Fact]
    public void The_receipt_scope_without_a_bucket_refuses_every_attempt_while_backing_off_also_a_valid_one()
    {
        var limits = new AttemptLimits(3, TimeSpan.FromMinutes(5), MaxInFlight: 1000); // no bucket: BackOffLookupsPerSecond 0
        var window = new AttemptWindow();
        for (var i = 0; i < 3; i++) { Assert.Null(window.Begin(Start, limits)); Assert.Null(window.Settle(Start, failed: true, limits)); }
        Assert.Equal(TimeSpan.FromMinutes(5), window.Begin(Start, limits));
        Assert.Equal(TimeSpan.FromMinutes(1), window.Begin(Start + Duration.FromMinutes(4), limits));
        Assert.Null(window.Begin(Start + Duration.FromMinutes(5), limits));
    }

    [Fact]
    public void A_flood_while_backing_off_gets_the_burst_then_one_lookup_per_interval_and_the_rest_a_wait_of_at_most_that_interval()
    {
        var limits = new AttemptLimits(2, TimeSpan.FromMinutes(5), MaxInFlight: 200, BackOffLookupsPerSecond: 2, BackOffBurst: 3);
        var window = new AttemptWindow();
        for (var i = 0; i < 2; i++) { Assert.Null(window.Begin(Start, limits)); Assert.Null(window.Settle(Start, failed: true, limits)); }
        // 100 wrong codes at once: 3 looked up (answered with the back-off), 97 refused with half a second, no lookup.
        var waits = Enumerable.Range(0, 100).Select(_ => window.Begin(Start, limits)).ToList();
        Assert.Equal(3, waits.Count(w => w is null));
        Assert.All(waits.Where(w => w is not null), w => Assert.Equal(TimeSpan.FromMilliseconds(500), w));
        for (var i = 0; i < 3; i++) Assert.Equal(TimeSpan.FromMinutes(5), window.Settle(Start, failed: true, limits));
        // A second later: two more lookups (the rate), not more.
        var later = Start + Duration.FromSeconds(1);
        Assert.Equal(2, Enumerable.Range(0, 50).Count(_ => window.Begin(later, limits) is null));
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
        var limits = new AttemptLimits(3, TimeSpan.FromMinutes(10), MaxInFlight: 2, BackOffLookupsPerSecond: 1, BackOffBurst: 10);
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
        // admitted from its bucket, a valid one is served, a wrong one is answered with the time left, not as wrong.
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
