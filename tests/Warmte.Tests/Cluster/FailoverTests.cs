using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Warmte.Serialization;
using Warmte.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Warmte.Tests.Cluster;

/// <summary>
/// Three real silo processes on one PostgreSQL database under a steady write load (ALV ballots,
/// members' own online votes with their codes, tranche steps, spending bookings). One silo is killed
/// like a crash; clients retry on the other silos with the same idempotency keys (for a vote: the same
/// nonce). Afterwards every acknowledged write is there exactly once, every acknowledged online vote is
/// counted once under its receipt (none twice), and the money reconciles to the cent; the killed
/// silo is started again and rejoins.
/// </summary>
public sealed class FailoverTests(ITestOutputHelper output)
{
    /// <summary>Seconds instead of Orleans' production defaults, so the test sees the dead silo quickly.</summary>
    private static readonly string[] FastFailureDetection =
    [
        "--Orleans:Membership:ProbeTimeout", "00:00:02",
        "--Orleans:Membership:NumMissedProbesLimit", "2",
        "--Orleans:Membership:TableRefreshTimeout", "00:00:02",
    ];

    private const int Workers = 4;
    private const int Members = 300;
    /// <summary>Members with a voting code per cooperative (the online meeting's electorate is all members; codes for these).</summary>
    private const int OnlineMembers = 120;
    private const int Tranches = 100;
    private const string StepDate = "2021-01-04";

    // Orleans' SiloStatus values as stored in OrleansMembershipTable.Status.
    private const int Active = 3;
    private const int Dead = 6;

    [Fact]
    public async Task A_silo_killed_under_write_load_loses_and_duplicates_nothing_and_rejoins_after_a_restart()
    {
        var pg = await PostgresServer.GetAsync();
        var database = await pg.CreateDatabaseAsync();
        var clusterId = "failover-" + Guid.NewGuid().ToString("N")[..6];
        // All members' requests come from this one address: the per-address flood filter is not what this test is about.
        var silos = Enumerable.Range(1, 3).Select(i => SiloProcess.OnPostgres($"silo {i}", database, clusterId,
            [.. FastFailureDetection, "--Voting:RequestsPerMinutePerAddress", "1000000",
             "--" + Warmte.Silo.Hosting.TestClockOffset.Key, ServiceClock.OffsetSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)])).ToArray();
        // The clock offset is honoured only in the Testing environment (a silo elsewhere refuses to start with it).
        foreach (var silo in silos) silo.HostEnvironment = Warmte.Silo.Hosting.TestClockOffset.Environment;
        var clients = silos.Select(s => s.Client()).ToArray();
        try
        {
            var clock = Stopwatch.StartNew();
            foreach (var silo in silos) silo.Start();
            await Task.WhenAll(silos.Select(s => s.WaitHealthyAsync(TimeSpan.FromSeconds(240))));
            await WaitFor("three active silos", () => ActiveSilos(clients[0], 3), TimeSpan.FromSeconds(120));
            output.WriteLine($"3 silo processes up and joined after {clock.Elapsed.TotalSeconds:0.0} s (machine under load)");

            var projects = await Task.WhenAll(Enumerable.Range(0, Workers).Select(w => Setup(clients[w % 3], w)));
            var log = new LoadLog();
            using var stop = new CancellationTokenSource();
            var workers = projects.Select(p => Task.Run(() => RunWorker(p, clients, log, stop.Token))).ToArray();

            await WaitFor("load warmed up", () => Task.FromResult(log.Acknowledged >= Workers * 6), TimeSpan.FromSeconds(60), workers);
            var victim = silos[1];
            var killedAt = Stopwatch.StartNew();
            var ackedAtKill = log.Acknowledged;
            victim.Kill();
            await WaitFor("the killed silo marked Dead in the membership table",
                async () => (await MembershipStatuses(database, victim.SiloPort)).LastOrDefault() == Dead, TimeSpan.FromSeconds(60), workers);
            var detected = killedAt.Elapsed;
            var ackedAtDeath = log.Acknowledged;
            await WaitFor("load continuing on the surviving silos", () => Task.FromResult(log.Acknowledged >= ackedAtDeath + Workers * 8),
                TimeSpan.FromSeconds(60), workers);
            var recovered = killedAt.Elapsed;
            stop.Cancel();
            await Task.WhenAll(workers);
            output.WriteLine($"kill -9 → marked Dead after {detected.TotalSeconds:0.0} s; {log.Acknowledged - ackedAtKill} writes acknowledged since the kill, "
                             + $"{log.Acknowledged - ackedAtDeath} after the death was known ({recovered.TotalSeconds:0.0} s after the kill)");
            output.WriteLine($"{log.Acknowledged} writes acknowledged; answers on the way: {log.Describe()}");
            Assert.Empty(log.Unexpected);
            // Members voted online before the kill and while the cluster recovered from it.
            var onlineVotes = projects.SelectMany(p => p.Done.Where(w => w.Kind == Kind.OnlineVote)).ToList();
            output.WriteLine($"{onlineVotes.Count} online votes acknowledged: {onlineVotes.Count(w => w.AckedAfter < ackedAtKill)} before the kill, "
                             + $"{onlineVotes.Count(w => w.AckedAfter >= ackedAtKill)} after it");
            Assert.Contains(onlineVotes, w => w.AckedAfter < ackedAtKill);
            Assert.Contains(onlineVotes, w => w.AckedAfter >= ackedAtKill);

            // The answer of a stored write may have been lost with the silo: the client sends it again
            // with the same key. Do that deliberately for every retried write and the last few of each
            // worker, on a surviving silo: each must be a no-op that answers success.
            var replays = projects.SelectMany(p => p.Done.Where(w => w.Retried).Concat(p.Done.TakeLast(5))
                .Concat(p.Done.Where(w => w.Kind == Kind.OnlineVote).TakeLast(3))).Distinct().ToList();
            foreach (var write in replays)
            {
                var again = await Deliver(write, [clients[2]], 0, log, TimeSpan.FromSeconds(60));
                // An online vote resent with its nonce answers the receipt it got the first time (and counts nothing new).
                if (write.Kind == Kind.OnlineVote) Assert.Equal(write.Receipt, again.Text("receipt"));
            }
            output.WriteLine($"{replays.Count} acknowledged writes sent again with the same key/ballot/nonce (lost-answer case), "
                             + $"{replays.Count(w => w.Kind == Kind.OnlineVote)} of them online votes");

            // The killed silo comes back with the same settings, joins as a new generation and serves grains.
            var restartedAt = Stopwatch.StartNew();
            victim.Start();
            await victim.WaitHealthyAsync(TimeSpan.FromSeconds(240));
            await WaitFor("the restarted silo Active in the membership table",
                async () => (await MembershipStatuses(database, victim.SiloPort)).LastOrDefault() == Active, TimeSpan.FromSeconds(60));
            await WaitFor("three active silos again", () => ActiveSilos(clients[1], 3), TimeSpan.FromSeconds(60));
            output.WriteLine($"restarted silo healthy and Active after {restartedAt.Elapsed.TotalSeconds:0.0} s");
            var statuses = await MembershipStatuses(database, victim.SiloPort);
            Assert.Equal([Dead, Active], statuses);
            var through = await clients[1].Get($"api/projects/{projects[0].Project}");
            Assert.Equal(HttpStatusCode.OK, through.Status);
            var booking = projects[0].NextBooking(log);
            var booked = await Deliver(booking, [clients[1]], 0, log, TimeSpan.FromSeconds(60));
            Assert.Equal(HttpStatusCode.Created, booked.Status);
            projects[0].Done.Add(booking);
            // And online votes after the restart, through the silo that came back.
            foreach (var project in projects)
                if (project.NextOnlineVote() is { } vote)
                {
                    vote.Receipt = (await Deliver(vote, [clients[1]], 0, log, TimeSpan.FromSeconds(60))).Text("receipt");
                    project.Done.Add(vote);
                }

            foreach (var project in projects) await Verify(project, clients[0]);
            Assert.Empty(log.Unexpected);
        }
        finally
        {
            foreach (var client in clients) client.Dispose();
            foreach (var silo in silos) await silo.DisposeAsync();
        }
    }

    // ---- the workload -------------------------------------------------------------------------

    private enum Kind { Ballot, Booking, TrancheStep, OnlineVote }

    private sealed record Write(Kind Kind, string Path, object Body, string? Key, decimal Amount, int Tranche, string Step, string? Member)
    {
        public bool Retried { get; set; }

        /// <summary>An online vote: the choice made and the receipt of the first acknowledgement.</summary>
        public string? Choice { get; init; }
        public string? Receipt { get; set; }

        /// <summary>How many writes were acknowledged before this one (its place in the run: before or after the kill).</summary>
        public int AckedAfter { get; set; }
    }

    /// <summary>The meeting members vote on online (today, so its proposal can be closed after the load), and its one proposal.</summary>
    private const string OnlineMeeting = "alv-online";
    private const string OnlineProposal = "tarief";

    private sealed class ProjectLoad(int worker, string cooperative, string project, string meeting, IReadOnlyList<(string Member, string Code)> codes)
    {
        private static readonly string[] Steps = ["request", "accounting", "approve", "pay"];
        private static readonly string[] Choices = ["Voor", "Tegen", "Voor", "Onthouding"];
        private int _ballots;
        private int _online;
        private int _bookings;
        private int _steps;

        public int Worker { get; } = worker;
        public string Cooperative { get; } = cooperative;
        public string Project { get; } = project;
        public string Meeting { get; } = meeting;
        public List<Write> Done { get; } = [];

        public Write? Next(int sequence, LoadLog log) => (sequence % 4) switch
        {
            0 when _ballots < Members => NextBallot(),
            1 when NextOnlineVote() is { } vote => vote,
            2 when _steps < Tranches * Steps.Length => NextStep(log),
            _ => NextBooking(log),
        };

        /// <summary>The next member's own vote through the member API: their code, a choice and one nonce per attempt (resent unchanged).</summary>
        public Write? NextOnlineVote()
        {
            if (_online >= codes.Count) return null;
            var (member, code) = codes[_online];
            var choice = Choices[_online++ % Choices.Length];
            var nonce = $"failover-{Worker}-{member}-{Guid.NewGuid():N}";
            return new Write(Kind.OnlineVote, "api/stem/votes", new { code, proposalId = OnlineProposal, choice, nonce }, null, 0m, 0, "", member) { Choice = choice };
        }

        private Write NextBallot()
        {
            var member = $"L-{++_ballots}";
            return new Write(Kind.Ballot, $"api/cooperatives/{Cooperative}/alv/meetings/{Meeting}/proposals/realisatiebesluit/ballots",
                new { memberNumber = member, choice = _ballots % 4 == 0 ? "Tegen" : "Voor" }, null, 0m, 0, "", member);
        }

        public Write NextBooking(LoadLog log)
        {
            var n = ++_bookings;
            var key = $"booking-{Project}-{n}-{log.RunId}";
            // Odd cents, so the totals have to add up to the cent.
            var amount = 100m + n * 7.13m + Worker * 0.01m;
            return new Write(Kind.Booking, $"api/projects/{Project}/spending",
                new { month = "2024-0" + (1 + n % 9), kind = "Design", amount, note = key }, key, amount, 0, "", null);
        }

        private Write NextStep(LoadLog log)
        {
            var tranche = _steps / Steps.Length + 1;
            var step = Steps[_steps % Steps.Length];
            _steps++;
            var key = $"step-{Project}-{tranche}-{step}-{log.RunId}";
            var paid = 1_000m + tranche * 0.01m;
            object body = step switch
            {
                "accounting" => new { on = StepDate, amount = 999.99m, periodFrom = "2020-06-01", periodTo = StepDate },
                "pay" => new { on = StepDate, amount = paid },
                _ => new { on = StepDate },
            };
            return new Write(Kind.TrancheStep, $"api/projects/{Project}/grants/paw/tranches/{tranche}/{step}", body, key,
                step == "pay" ? paid : 0m, tranche, step, null);
        }
    }

    private sealed class LoadLog
    {
        private int _acknowledged;
        private readonly ConcurrentDictionary<string, int> _answers = new();

        public string RunId { get; } = Guid.NewGuid().ToString("N")[..6];
        public int Acknowledged => Volatile.Read(ref _acknowledged);
        public ConcurrentQueue<string> Unexpected { get; } = new();

        public void Acknowledge() => Interlocked.Increment(ref _acknowledged);
        public void Count(string what) => _answers.AddOrUpdate(what, 1, (_, n) => n + 1);
        public string Describe() => string.Join(", ", _answers.OrderBy(a => a.Key).Select(a => $"{a.Key}: {a.Value}"));
    }

    private static async Task<ProjectLoad> Setup(HttpClient admin, int worker)
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var cooperative = $"coop-{worker}-{suffix}";
        var project = await ApiCalls.SeedCooperativeWithProject(admin, cooperative, $"proj-{worker}-{suffix}");
        Expect(await admin.Post($"api/cooperatives/{cooperative}/members", new
        {
            members = Enumerable.Range(1, Members).Select(i => new
            {
                number = $"L-{i}", name = $"Lid {i}", category = "eigenaar-bewoner", woningequivalenten = 1,
                postcode = "1054 AB", huisnummer = i, joinedOn = "2020-01-01",
            }),
        }), HttpStatusCode.OK);
        Expect(await admin.Post($"api/cooperatives/{cooperative}/alv/meetings", new
        {
            id = "alv-2024", title = "ALV", date = "2024-12-14", noticeDate = "2024-11-30",
            proposals = new[] { new { id = "realisatiebesluit", title = "Realisatiebesluit", decisionType = "Realisatiebesluit", projectId = project } },
        }), HttpStatusCode.Created);
        Expect(await admin.Post($"api/projects/{project}/grants", new
        {
            id = "paw", funder = "Rijk", scheme = "PAW", amountGranted = Tranches * 1_001m, decidedOn = "2020-01-02",
            tranches = Enumerable.Range(1, Tranches).Select(_ => new { amount = 1_000m }),
        }), HttpStatusCode.Created);
        // Online voting on a meeting held on the silos' today (Amsterdam), so its proposal can be closed and the receipts
        // checked after the load; odd workers' proposal is a secret ballot (no choice kept per member). The silos'
        // clock starts at noon of that day (ServiceClock), so the date stays the same for the whole run even when
        // the machine's clock passes midnight in Amsterdam during it.
        var today = ServiceClock.Today;
        var secret = worker % 2 == 1;
        Expect(await admin.Put($"api/cooperatives/{cooperative}/alv/statutes", new
        {
            electronic = new { advanceVotingAllowed = true, secretBallotTypes = new[] { "Bestuursverkiezing" } },
        }), HttpStatusCode.OK);
        Expect(await admin.Post($"api/cooperatives/{cooperative}/alv/meetings", new
        {
            id = OnlineMeeting, title = "ALV online", date = today.ToString("yyyy-MM-dd", null), noticeDate = today.PlusDays(-14).ToString("yyyy-MM-dd", null),
            proposals = new[] { new { id = OnlineProposal, title = secret ? "Bestuur" : "Tarief", decisionType = secret ? "Bestuursverkiezing" : "Tariefbesluit" } },
        }), HttpStatusCode.Created);
        Expect(await admin.Put($"api/cooperatives/{cooperative}/alv/meetings/{OnlineMeeting}/online",
            new { proposals = new[] { new { proposalId = OnlineProposal } } }), HttpStatusCode.OK);
        var issued = await admin.Post($"api/cooperatives/{cooperative}/alv/meetings/{OnlineMeeting}/online/codes",
            new { members = Enumerable.Range(1, OnlineMembers).Select(i => $"L-{i}") });
        Expect(issued, HttpStatusCode.OK);
        var codes = issued.Body.GetProperty("codes").EnumerateArray()
            .Select(c => (c.GetProperty("memberNumber").GetString()!, c.GetProperty("code").GetString()!)).ToList();
        return new ProjectLoad(worker, cooperative, project, "alv-2024", codes);
    }

    /// <summary>
    /// The silos' clock (Testing:ClockOffsetSeconds, the same offset for every silo and the restarted one): 12:00 in
    /// Amsterdam on the day the test class was loaded, then running at the real pace. A run would have to last
    /// twelve hours to reach the silos' midnight; the meeting's date is that day.
    /// </summary>
    private static class ServiceClock
    {
        private static readonly NodaTime.DateTimeZone Amsterdam = NodaTime.DateTimeZoneProviders.Tzdb["Europe/Amsterdam"];
        private static readonly NodaTime.Instant RealStart = NodaTime.SystemClock.Instance.GetCurrentInstant();
        public static readonly NodaTime.LocalDate Today = RealStart.InZone(Amsterdam).Date;
        public static readonly long OffsetSeconds =
            (long)(Today.At(new NodaTime.LocalTime(12, 0)).InZoneLeniently(Amsterdam).ToInstant() - RealStart).TotalSeconds;
    }

    private static void Expect(ApiCalls.Answer answer, HttpStatusCode status)
    {
        if (answer.Status != status) throw new InvalidOperationException($"setup: {answer.Status} {answer.Raw}");
    }

    private static async Task RunWorker(ProjectLoad load, HttpClient[] clients, LoadLog log, CancellationToken stop)
    {
        for (var sequence = 0; !stop.IsCancellationRequested; sequence++)
        {
            if (load.Next(sequence, log) is not { } write) break;
            // Spread over all silos, the dead one too: a client does not know which silo died.
            var answer = await Deliver(write, clients, sequence + load.Worker, log, TimeSpan.FromSeconds(90));
            if (write.Kind == Kind.OnlineVote) write.Receipt = answer.Text("receipt");
            write.AckedAfter = log.Acknowledged;
            load.Done.Add(write);
            log.Acknowledge();
        }
    }

    /// <summary>
    /// Sends a write until a silo acknowledges it, moving to the next silo on a broken connection,
    /// a 503 or a 409 concurrent-change, always with the same idempotency key and body. Any other
    /// answer (a 500, a refusal) is recorded as unexpected and ends the attempt.
    /// </summary>
    private static async Task<ApiCalls.Answer> Deliver(Write write, HttpClient[] clients, int start, LoadLog log, TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        for (var attempt = 0; ; attempt++)
        {
            var client = clients[(start + attempt) % clients.Length];
            try
            {
                var answer = await Send(client, write);
                if ((int)answer.Status is >= 200 and < 300)
                {
                    if (attempt > 0) write.Retried = true;
                    return answer;
                }
                if (answer.Status == HttpStatusCode.ServiceUnavailable || answer is { Status: HttpStatusCode.Conflict, Code: "concurrent-change" })
                    log.Count($"{(int)answer.Status} {answer.Code}");
                else
                {
                    log.Unexpected.Enqueue($"{write.Path} [{write.Key ?? write.Member}] → {(int)answer.Status} {answer.Raw}");
                    throw new InvalidOperationException($"unexpected answer {(int)answer.Status} to {write.Path}: {answer.Raw}");
                }
            }
            catch (HttpRequestException) { log.Count("connection failed"); }
            catch (TaskCanceledException) { log.Count("client time-out"); }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{write.Path} not acknowledged within {patience}");
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(100 * (attempt + 1), 1000)));
        }
    }

    private static async Task<ApiCalls.Answer> Send(HttpClient client, Write write)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, write.Path) { Content = JsonContent.Create(write.Body, options: WarmteJson.Default) };
        if (write.Key is not null) request.Headers.Add("Idempotency-Key", write.Key);
        using var response = await client.SendAsync(request);
        var raw = await response.Content.ReadAsStringAsync();
        var body = string.IsNullOrWhiteSpace(raw) ? default : JsonDocument.Parse(raw).RootElement.Clone();
        return new ApiCalls.Answer(response.StatusCode, body, raw, response.Content.Headers.ContentType?.MediaType);
    }

    // ---- checks -------------------------------------------------------------------------------

    private static async Task Verify(ProjectLoad load, HttpClient client)
    {
        var done = load.Done;

        // Spending: each acknowledged booking exactly once (its note is its key), the sum to the cent.
        var bookings = (await client.SpendingItems($"api/projects/{load.Project}/spending"))
            .Select(b => (Note: b.GetProperty("note").GetString()!, Amount: b.GetProperty("amount").GetDecimal())).ToList();
        var ackedBookings = done.Where(w => w.Kind == Kind.Booking).ToList();
        Assert.Equal(ackedBookings.Select(w => w.Key!).Order(), bookings.Select(b => b.Note).Order());
        var spent = ackedBookings.Sum(w => w.Amount);
        Assert.Equal(spent, bookings.Sum(b => b.Amount));

        // Tranches: every acknowledged step once, in order; paid tranches and amounts as acknowledged.
        var grant = (await client.Get($"api/projects/{load.Project}/grants/paw")).Body;
        var tranches = grant.GetProperty("grant").GetProperty("tranches").EnumerateArray().ToList();
        var ackedSteps = done.Where(w => w.Kind == Kind.TrancheStep).ToList();
        foreach (var tranche in tranches)
        {
            var number = tranche.GetProperty("number").GetInt32();
            Assert.Equal(ackedSteps.Count(s => s.Tranche == number), tranche.GetProperty("steps").GetArrayLength());
        }
        var pays = ackedSteps.Where(s => s.Step == "pay").ToList();
        Assert.Equal(pays.Count, tranches.Count(t => t.GetProperty("status").GetString() == "Uitbetaald"));
        var paid = pays.Sum(s => s.Amount);
        Assert.Equal(paid, grant.GetProperty("totalPaid").GetDecimal());

        // The money the API reports reconciles with what was acknowledged, to the cent.
        var cash = (await client.Get($"api/projects/{load.Project}/cash-position")).Body;
        Assert.Equal(spent, cash.GetProperty("totalSpent").GetDecimal());
        Assert.Equal(paid, cash.GetProperty("totalReceived").GetDecimal());

        // Ballots: each acknowledged member's ballot once.
        // (the ballots are journal rows, read page by page from the ballots endpoint)
        var voted = new List<string>();
        for (var page = 1; ; page++)
        {
            var items = (await client.Get($"api/cooperatives/{load.Cooperative}/alv/meetings/{load.Meeting}/proposals/realisatiebesluit/ballots?page={page}&pageSize=200")).Body
                .GetProperty("items").EnumerateArray().Select(b => b.GetProperty("memberNumber").GetString()!).ToList();
            if (items.Count == 0) break;
            voted.AddRange(items);
        }
        Assert.Equal(done.Where(w => w.Kind == Kind.Ballot).Select(w => w.Member!).Order(), voted.Order());

        // Online votes: the status's turnout is exactly the acknowledged votes (one commit per vote, no
        // second count to fall behind); after closing each acknowledged receipt is published once, under
        // the choice made, and nothing else is (none counted twice, none lost).
        var online = done.Where(w => w.Kind == Kind.OnlineVote).ToList();
        Assert.NotEmpty(online);
        var status = (await client.Get($"api/cooperatives/{load.Cooperative}/alv/meetings/{OnlineMeeting}/online")).Body;
        Assert.Equal(online.Count, status.GetProperty("votesCast").GetInt32());
        Assert.Equal(online.Count, status.GetProperty("voters").GetInt32());
        var closed = await client.Post($"api/cooperatives/{load.Cooperative}/alv/meetings/{OnlineMeeting}/proposals/{OnlineProposal}/close", new { });
        Assert.True(closed.Status == HttpStatusCode.OK, closed.Raw);
        var published = (await client.Get($"api/cooperatives/{load.Cooperative}/alv/meetings/{OnlineMeeting}/proposals/{OnlineProposal}/receipts")).Body;
        var receipts = new[] { "Voor", "Tegen", "Onthouding" }
            .SelectMany(choice => published.GetProperty(choice.ToLowerInvariant()).EnumerateArray().Select(r => (Receipt: r.GetString()!, Choice: choice))).ToList();
        Assert.Equal(online.Select(w => (w.Receipt!, w.Choice!)).Order(), receipts.Order());
        // What a member does: check their receipt on the member page's API.
        foreach (var vote in online.Take(10))
        {
            var check = await client.Post("api/stem/receipt", new { meeting = $"{load.Cooperative}/{OnlineMeeting}", receipt = vote.Receipt });
            Assert.True(check.Status == HttpStatusCode.OK, check.Raw);
            Assert.Equal(vote.Choice, check.Body[0].GetProperty("choice").GetString());
        }
    }

    private static async Task<bool> ActiveSilos(HttpClient client, int expected)
    {
        try
        {
            var status = await client.Get("api/status");
            return status.Status == HttpStatusCode.OK && status.Body.GetProperty("activeSilos").GetInt32() == expected;
        }
        catch (HttpRequestException) { return false; }
    }

    /// <summary>The statuses of every generation of the silo on <paramref name="siloPort"/>, oldest first.</summary>
    private static async Task<List<int>> MembershipStatuses(string database, int siloPort)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT status FROM orleansmembershiptable WHERE port = @port ORDER BY generation", connection);
        cmd.Parameters.AddWithValue("port", siloPort);
        var statuses = new List<int>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) statuses.Add(reader.GetInt32(0));
        return statuses;
    }

    /// <summary>Polls <paramref name="condition"/>; fails early if a load worker has failed.</summary>
    private static async Task WaitFor(string what, Func<Task<bool>> condition, TimeSpan timeout, Task[]? workers = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (workers?.FirstOrDefault(w => w.IsFaulted) is { } failed) await failed;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"waited {timeout} for {what}");
            await Task.Delay(200);
        }
    }
}
