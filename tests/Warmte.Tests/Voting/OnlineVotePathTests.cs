using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using Warmte.Alv;
using Warmte.Silo.Api;
using Warmte.Tests.Infrastructure;
using Warmte.Voting;

namespace Warmte.Tests.Voting;

/// <summary>
/// The vote path's correctness (issue 17's gaps): an online vote is one commit, the online status's
/// turnout is the ALV's (exact after any crash); the board cannot learn a sealed choice by repeating a
/// ballot; wrong codes and errors are counted by one rule on every member path; a hall of members
/// behind one address votes at once while wrong codes from it still lock it out.
/// </summary>
public sealed class OnlineVotePathTests
{
    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>A cooperative with <paramref name="members"/> members, a meeting today with two proposals, online voting open; codes per member.</summary>
    private static async Task<(string Coop, HttpClient Board, Dictionary<string, string> Codes)> Opened(
        WarmteServer server, int members = 3, string[]? secretTypes = null)
    {
        var admin = server.Client();
        var coop = NewId("coop");
        await ApiCalls.SeedCooperativeWithProject(admin, coop, NewId("proj"));
        await ApiCalls.SeedMembers(admin, coop, members);
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/cooperatives/{coop}/alv/meetings", new
        {
            id = "alv", title = "Voorjaars-ALV", date = OnlineVotingFixture.MeetingDate, noticeDate = "2027-03-01",
            proposals = new object[]
            {
                new { id = "bestuur", title = "Bestuursverkiezing", decisionType = "Bestuursverkiezing" },
                new { id = "tarief", title = "Tarief 2028", decisionType = "Tariefbesluit" },
            },
        })).Status);
        var board = server.Client((await admin.Post("api/tokens", new { name = "Bestuur", role = $"board:{coop}" })).Text("token"));
        Assert.Equal(HttpStatusCode.OK, (await board.Put($"api/cooperatives/{coop}/alv/statutes",
            new { electronic = new { advanceVotingAllowed = true, secretBallotTypes = secretTypes ?? [] } })).Status);
        var opened = await board.Put($"api/cooperatives/{coop}/alv/meetings/alv/online", new
        {
            opens = "2027-03-01", proposals = new[] { new { proposalId = "bestuur" }, new { proposalId = "tarief" } },
        });
        Assert.True(opened.Status == HttpStatusCode.OK, opened.Raw);
        var issued = await board.Post($"api/cooperatives/{coop}/alv/meetings/alv/online/codes", new { });
        Assert.True(issued.Status == HttpStatusCode.OK, issued.Raw);
        var codes = issued.Body.GetProperty("codes").EnumerateArray().ToDictionary(c => c.GetProperty("memberNumber").GetString()!, c => c.GetProperty("code").GetString()!);
        return (coop, board, codes);
    }

    private static async Task<(long Version, long Rows)> Stored(string dataDir, string grainType, string key)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDir, "warmtenet.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        var command = connection.CreateCommand();
        command.CommandText = "SELECT (SELECT COALESCE(MAX(version), 0) FROM warmte_snapshot WHERE grain_type = $t AND grain_key = $k), "
                              + "(SELECT COUNT(*) FROM warmte_journal WHERE grain_type = $t AND grain_key = $k)";
        command.Parameters.AddWithValue("$t", grainType);
        command.Parameters.AddWithValue("$k", key);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    // ---- 1. one commit per online vote ------------------------------------------------------------

    [Fact]
    public async Task An_online_vote_is_one_commit_in_the_ALV_and_the_online_turnout_is_read_from_there_exact_after_a_restart()
    {
        var dataDir = WarmteServer.NewDataDir();
        var clock = new FakeClock(OnlineVotingFixture.Now);
        string coop;
        Dictionary<string, string> codes;
        await using (var server = await WarmteServer.StartAsync(dataDir: dataDir, clock: clock))
        {
            HttpClient board;
            (coop, board, codes) = await Opened(server, members: 4, secretTypes: ["Bestuursverkiezing"]);
            var member = server.Client(token: null);

            // A secret and an open vote: the online-voting grain's snapshot and journal do not move; the ALV's do (once each).
            var onlineBefore = await Stored(dataDir, OnlineVotingGrain.JournalType, $"{coop}/alv");
            var alvBefore = await Stored(dataDir, AlvGrain.JournalType, coop);
            Assert.Equal(HttpStatusCode.OK, (await member.Post("api/stem/votes", new { code = codes["L-1"], proposalId = "bestuur", choice = "Voor", nonce = "nonce-0000000000001" })).Status);
            Assert.Equal(HttpStatusCode.OK, (await member.Post("api/stem/votes", new { code = codes["L-1"], proposalId = "tarief", choice = "Tegen", nonce = "nonce-0000000000002" })).Status);
            Assert.Equal(onlineBefore, await Stored(dataDir, OnlineVotingGrain.JournalType, $"{coop}/alv"));
            var alvAfter = await Stored(dataDir, AlvGrain.JournalType, coop);
            Assert.Equal(alvBefore.Version + 2, alvAfter.Version);

            // What a silo dying right after the ALV's commit leaves behind: the ALV's ballot and nothing
            // else. Cast straight into the ALV grain (as the online grain does), with no online grain involved.
            var grains = server.App.Services.GetRequiredService<IGrainFactory>();
            var direct = await grains.GetGrain<IAlvGrain>(coop).Cast("alv", "tarief",
                new CastBallot { MemberNumber = "L-2", Choice = "Voor", Channel = BallotChannel.Online, Receipt = "ABCD-EFGH-JKMN" }, OnlineVotingGrain.OnlineActor);
            Assert.True(direct.IsOk, direct.Refusal?.Message);

            var view = await board.Get($"api/cooperatives/{coop}/alv/meetings/alv/online");
            Assert.Equal(2, view.Body.GetProperty("voters").GetInt32());      // L-1 (twice, counted once) and L-2
            Assert.Equal(3, view.Body.GetProperty("votesCast").GetInt32());
            var turnout = (await board.Get($"api/cooperatives/{coop}/alv/meetings/alv/proposals/tarief/turnout")).Body;
            Assert.Equal(2, turnout.GetProperty("online").GetInt32());
            // A ballot the board enters at the meeting (today) is not an online vote.
            Assert.Equal(HttpStatusCode.OK, (await board.Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals/tarief/ballots",
                new { memberNumber = "L-3", choice = "Voor" })).Status);
            Assert.Equal(3, (await board.Get($"api/cooperatives/{coop}/alv/meetings/alv/online")).Body.GetProperty("votesCast").GetInt32());
        }

        // After a restart (every activation gone) the same figures, from the stored ALV aggregate alone.
        await using (var again = await WarmteServer.StartAsync(dataDir: dataDir, clock: clock))
        {
            var view = await again.Client().Get($"api/cooperatives/{coop}/alv/meetings/alv/online");
            Assert.Equal(2, view.Body.GetProperty("voters").GetInt32());
            Assert.Equal(3, view.Body.GetProperty("votesCast").GetInt32());
            // The member whose vote was counted without an answer resends it: refused naming the channel, counted once.
            var resent = await again.Client(token: null).Post("api/stem/votes", new { code = codes["L-2"], proposalId = "tarief", choice = "Voor", nonce = "nonce-0000000000003" });
            Assert.Equal(HttpStatusCode.Conflict, resent.Status);
            Assert.Contains("(online)", resent.Raw);
            Assert.Equal(3, (await again.Client().Get($"api/cooperatives/{coop}/alv/meetings/alv/online")).Body.GetProperty("votesCast").GetInt32());
        }
    }

    // ---- 4. the board repeating a ballot learns nothing -------------------------------------------

    [Fact]
    public async Task A_board_token_repeating_an_online_ballot_gets_409_naming_the_channel_whatever_the_choice_or_receipt()
    {
        await using var server = await WarmteServer.StartAsync(clock: new FakeClock(OnlineVotingFixture.Now));
        var (coop, board, codes) = await Opened(server, secretTypes: ["Bestuursverkiezing"]);
        var member = server.Client(token: null);
        foreach (var proposal in new[] { "bestuur", "tarief" }) // secret, then open (sealed while open)
        {
            var vote = await member.Post("api/stem/votes", new { code = codes["L-1"], proposalId = proposal, choice = "Tegen", nonce = $"nonce-{proposal}-000000000" });
            Assert.True(vote.Status == HttpStatusCode.OK, vote.Raw);
            var receipt = vote.Text("receipt");
            var answers = new List<ApiCalls.Answer>();
            foreach (var choice in new[] { "Tegen", "Voor", "Onthouding" })
            foreach (var withReceipt in new[] { true, false })
                answers.Add(await board.Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals/{proposal}/ballots",
                    withReceipt ? new { memberNumber = "L-1", choice, channel = "Online", receipt } : (object)new { memberNumber = "L-1", choice, channel = "Online" }));
            foreach (var answer in answers)
            {
                Assert.True(answer.Status == HttpStatusCode.Conflict, answer.Raw);
                Assert.Equal("already-voted", answer.Code);
                Assert.Contains("(online)", answer.Raw);
                // The same bytes whether the choice matched or not: nothing about the choice.
                Assert.Equal(answers[0].Raw, answer.Raw);
            }
            // The member's own resend (same nonce) is still the first answer.
            var resent = await member.Post("api/stem/votes", new { code = codes["L-1"], proposalId = proposal, choice = "Tegen", nonce = $"nonce-{proposal}-000000000" });
            Assert.True(resent.Status == HttpStatusCode.OK, resent.Raw);
            Assert.Equal(receipt, resent.Text("receipt"));
            Assert.Equal(1, (await board.Get($"api/cooperatives/{coop}/alv/meetings/alv/proposals/{proposal}/turnout")).Body.GetProperty("online").GetInt32());
        }
        // The board's own ballot at the meeting, sent again after a lost answer, stays a harmless retry.
        Assert.Equal(HttpStatusCode.OK, (await board.Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals/tarief/ballots", new { memberNumber = "L-2", choice = "Voor" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await board.Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals/tarief/ballots", new { memberNumber = "L-2", choice = "Voor" })).Status);
    }

    // ---- 5. a hall behind one address ------------------------------------------------------------

    [Fact]
    public async Task Fifty_members_behind_one_address_with_twenty_typos_all_vote_while_a_guesser_there_gets_a_hundred_wrong_answers_per_five_minutes()
    {
        // The defaults: nothing lifted for the hall.
        var clock = new FakeClock(OnlineVotingFixture.Now);
        await using var server = await WarmteServer.StartAsync(clock: clock);
        var (coop, board, codes) = await Opened(server, members: 50);
        // Twenty members mistype their code first (a wrong last character), then type it right: all at once, one address.
        var results = await Task.WhenAll(codes.Select(async (c, i) =>
        {
            var client = server.Client(token: null);
            HttpStatusCode? typo = null;
            if (i < 20)
            {
                var last = c.Value[^1] == 'A' ? 'B' : 'A';
                typo = (await client.Post("api/stem/paper", new { code = c.Value[..^1] + last })).Status;
            }
            var paper = await client.Post("api/stem/paper", new { code = c.Value });
            var vote = await client.Post("api/stem/votes", new { code = c.Value, proposalId = "tarief", choice = "Voor", nonce = $"hall-{c.Key}-0000000000" });
            return (typo, paper, vote);
        }));
        Assert.Equal(20, results.Count(r => r.typo == HttpStatusCode.NotFound));
        Assert.All(results, r =>
        {
            Assert.True(r.paper.Status == HttpStatusCode.OK, r.paper.Raw);
            Assert.True(r.vote.Status == HttpStatusCode.OK, r.vote.Raw);
        });
        Assert.Equal(50, (await board.Get($"api/cooperatives/{coop}/alv/meetings/alv/online")).Body.GetProperty("votesCast").GetInt32());

        // A guesser at the same address: the budget is 100 wrong answers per 5 minutes (20 already spent by the typos),
        // so 80 more are answered "unknown", the next finds the address backing off for at most 5 minutes — while
        // every member behind the address goes on voting with a valid code (the guesser cannot lock the hall out).
        var member = server.Client(token: null);
        for (var i = 0; i < 80; i++)
        {
            var wrong = await member.Post("api/stem/paper", new { code = $"AAAA-BBBB-CCCC-D{i:000}" });
            Assert.True(wrong.Status == HttpStatusCode.NotFound, $"wrong code {i + 1}: {wrong.Raw}");
        }
        var next = await member.Post("api/stem/paper", new { code = "AAAA-BBBB-CCCC-E000" });
        Assert.Equal(HttpStatusCode.TooManyRequests, next.Status);
        Assert.Equal("too-many-attempts", next.Code);
        Assert.Contains("5 minuten", next.Raw);
        Assert.Equal(HttpStatusCode.OK, (await member.Post("api/stem/paper", new { code = codes["L-1"] })).Status);
        var resent = await member.Post("api/stem/votes", new { code = codes["L-2"], proposalId = "tarief", choice = "Voor", nonce = "hall-L-2-0000000000" });
        Assert.True(resent.Status == HttpStatusCode.OK, resent.Raw);
        // Four minutes later still backing off for unknown codes; after five the guesser starts a new budget of 100.
        clock.Advance(Duration.FromMinutes(4));
        Assert.Equal(HttpStatusCode.TooManyRequests, (await member.Post("api/stem/paper", new { code = "AAAA-BBBB-CCCC-E001" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await member.Post("api/stem/paper", new { code = codes["L-1"] })).Status);
        clock.Advance(Duration.FromMinutes(1));
        Assert.Equal(HttpStatusCode.NotFound, (await member.Post("api/stem/paper", new { code = "AAAA-BBBB-CCCC-E002" })).Status);
    }

    // ---- 3. one rule for errors on every member path ---------------------------------------------

    /// <summary>The cluster-wide counter, in memory here: the real pure rule behind the grain's interface.</summary>
    private sealed class Scope(AttemptWindow window, Func<Instant> now) : IVotingAttemptsGrain
    {
        public bool SettleFails { get; set; }

        public Task<TimeSpan?> Begin(AttemptLimits limits) => Task.FromResult(window.Begin(now(), limits));

        public Task<TimeSpan?> Settle(bool failed, AttemptLimits limits) =>
            SettleFails ? throw new TimeoutException("the scope's silo died") : Task.FromResult(window.Settle(now(), failed, limits));
    }

    [Fact]
    public async Task An_attempt_that_ends_in_an_error_never_counts_towards_the_lockout_and_a_lost_settle_never_changes_the_answer()
    {
        // The address scope backs off with a bucket of lookups (a valid code is served); the meeting's receipt scope has none.
        var limits = new AttemptLimits(3, TimeSpan.FromMinutes(15), MaxInFlight: 50, BackOffLookupsPerSecond: 1, BackOffBurst: 10);
        var receiptLimits = new AttemptLimits(3, TimeSpan.FromMinutes(15), MaxInFlight: 50);
        var at = Instant.FromUtc(2027, 3, 20, 11, 0);
        var http = new DefaultHttpContext { RequestServices = new ServiceCollection().BuildServiceProvider() };
        foreach (var nested in new[] { false, true }) // the vote/paper path (one scope) and the receipt path (address, then meeting)
        {
            var address = new Scope(new AttemptWindow(), () => at);
            var meeting = new Scope(new AttemptWindow(), () => at);
            Task<(IResult Result, bool Wrong)> Call(Func<Task<(IResult, bool)>> attempt) => nested
                ? OnlineVotingEndpoints.Attempt(http, address, limits, () => OnlineVotingEndpoints.Attempt(http, meeting, receiptLimits, attempt))
                : OnlineVotingEndpoints.Attempt(http, address, limits, attempt);

            // Twenty attempts that end in an error (failover): each error goes on to the caller, none is counted.
            for (var i = 0; i < 20; i++)
                await Assert.ThrowsAsync<TimeoutException>(() => Call(() => throw new TimeoutException("silo killed")));
            var ok = Results.Ok();
            Assert.Same(ok, (await Call(() => Task.FromResult<(IResult, bool)>((ok, false)))).Result);

            // A settle that fails (the counter's silo died) does not turn a counted vote into an error.
            address.SettleFails = true;
            Assert.Same(ok, (await Call(() => Task.FromResult<(IResult, bool)>((ok, false)))).Result);
            address.SettleFails = false;

            // Wrong codes count: three are answered as wrong, then the address backs off: a valid code is still
            // served, a wrong one is answered with the back-off. The receipt path backs off for the meeting too,
            // and that scope refuses every receipt, a counted one too, without looking it up (review F4).
            var wrongAnswer = Results.NotFound();
            for (var i = 0; i < 3; i++) Assert.Same(wrongAnswer, (await Call(() => Task.FromResult<(IResult, bool)>((wrongAnswer, true)))).Result);
            var lookedUp = false;
            var valid = (await Call(() => { lookedUp = true; return Task.FromResult<(IResult, bool)>((ok, false)); })).Result;
            if (nested) { Assert.NotSame(ok, valid); Assert.False(lookedUp); continue; }
            Assert.Same(ok, valid);
            var locked = (await Call(() => Task.FromResult<(IResult, bool)>((wrongAnswer, true)))).Result;
            Assert.NotSame(wrongAnswer, locked);
            var probe = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider() };
            probe.Response.Body = new MemoryStream();
            await locked.ExecuteAsync(probe);
            Assert.Equal(StatusCodes.Status429TooManyRequests, probe.Response.StatusCode);
        }
    }
}
