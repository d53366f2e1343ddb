using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;

namespace Warmte.LoadGen;

/// <summary>
/// The online-voting load of issue 17: a cooperative with many members, an ALV today with an open and
/// a secret proposal, online voting open and a code per member (board API); then every member votes on
/// every proposal, open loop at a fixed rate over the silos' HTTP ports, retrying a vote whose answer
/// did not come (no answer or 5xx) with the same nonce, as the member page does. At the end voting is
/// closed and checked: every acknowledged vote counted exactly once (totals per choice, published
/// receipts), none counted twice. Latency runs from the vote's due time to its acknowledgement,
/// retries included. See docs/performance.md, "Issue 17: 5,000 members vote online, one silo killed".
/// </summary>
public sealed class VoteLoad(ServiceClient api, string cooperativeId, int members, TextWriter log)
{
    public const string Meeting = "alv-online";

    /// <summary>The proposals: one open ballot, one secret (board election).</summary>
    public static readonly (string Id, string Title, string Type)[] Proposals =
    [
        ("begroting", "Begroting 2028", "Overig"),
        ("bestuur", "Verkiezing bestuurslid", "Bestuursverkiezing"),
    ];

    private static readonly string[] Choices = ["Voor", "Tegen", "Onthouding"];

    private string Coop => cooperativeId;

    private string Board => $"api/cooperatives/{Coop}/alv/meetings/{Meeting}";

    /// <summary>Member number of member i (0-based).</summary>
    public static string Number(int i) => $"S-{i + 1:00000}";

    /// <summary>Cooperative, members, statutes, meeting today, online voting open, codes: answers the codes per member number.</summary>
    public async Task<Dictionary<string, string>> PrepareAsync()
    {
        var today = AmsterdamToday();
        await Expect("cooperative", api.PostAsync("api/cooperatives", new
        {
            id = Coop, statutoryName = $"Coöperatie {Coop} U.A. (stembelasting)", kind = "HeatNetwork", municipality = "Amsterdam", foundedOn = "2020-01-01",
        }));
        const int batch = 500; // under the 256 kB request limit
        for (var from = 0; from < members; from += batch)
        {
            await Expect("members", api.PostAsync($"api/cooperatives/{Coop}/members", new
            {
                members = Enumerable.Range(from, Math.Min(batch, members - from)).Select(m => new
                {
                    number = Number(m), name = $"Lid {m + 1}", category = "eigenaar-bewoner", woningequivalenten = 1,
                    postcode = "1054 AB", huisnummer = m + 1, joinedOn = "2020-01-01",
                }).ToArray(),
            }));
        }
        await Expect("statutes", api.PutAsync($"api/cooperatives/{Coop}/alv/statutes", new
        {
            electronic = new { advanceVotingAllowed = true, advanceVotersCountAsPresent = true, secretBallotTypes = new[] { "Bestuursverkiezing" } },
        }));
        await Expect("meeting", api.PostAsync($"api/cooperatives/{Coop}/alv/meetings", new
        {
            id = Meeting, title = "ALV (stembelasting)", date = today.ToString("yyyy-MM-dd"), noticeDate = today.AddDays(-20).ToString("yyyy-MM-dd"),
            proposals = Proposals.Select(p => new { id = p.Id, title = p.Title, decisionType = p.Type }).ToArray(),
        }));
        await Expect("open", api.PutAsync(Board + "/online", new
        {
            opens = today.ToString("yyyy-MM-dd"), proposals = Proposals.Select(p => new { proposalId = p.Id, explanation = p.Title }).ToArray(),
        }));
        // Issuing 5,000 codes is one long call: on a busy machine it can meet Orleans' 30-s response time-out (503).
        // Issuing again is safe: the codes of the last successful answer are the valid ones.
        var issued = await ExpectEventually("codes", () => api.PostAsync(Board + "/online/codes?format=json", new { }, readBody: true));
        var codes = issued.Json().GetProperty("codes").EnumerateArray()
            .ToDictionary(c => c.GetProperty("memberNumber").GetString()!, c => c.GetProperty("code").GetString()!);
        if (codes.Count != members) throw new InvalidOperationException($"codes: {codes.Count} issued for {members} members.");
        return codes;
    }

    private static DateOnly AmsterdamToday() =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeBySystemTimeZoneId(DateTime.UtcNow, "Europe/Amsterdam"));

    private async Task<Answer> ExpectEventually(string what, Func<Task<Answer>> call)
    {
        for (var attempt = 1; ; attempt++)
        {
            var answer = await call();
            if (answer.Ok || attempt >= 5 || answer.Status is not (0 or 503)) return await Expect(what, Task.FromResult(answer));
            log.WriteLine($"vote: set-up {what}: {answer.Status}, again in 5 s");
            await Task.Delay(TimeSpan.FromSeconds(5));
        }
    }

    private async Task<Answer> Expect(string what, Task<Answer> call)
    {
        var answer = await call;
        if (!answer.Ok) throw new InvalidOperationException($"{what}: {answer.Describe()}");
        return answer;
    }

    /// <summary>One acknowledged vote.</summary>
    public sealed record Acknowledged(string Member, string Proposal, string Choice, string Receipt, int Attempts);

    /// <summary>One send of a vote as the member's browser saw it: which silo answered (1-based; with the proxy's
    /// next-upstream tries before it), when it left (ms after the vote was due), how long it took, its status
    /// (0: no answer), why no answer came (refused, reset, timeout) and the problem code of a refusal.</summary>
    public sealed record Send(int Silo, double AtMs, double Ms, int Status, string? Failure, string? Code, int[] TriedSilos);

    /// <summary>One vote's history, a line of the per-vote log (--votes-log).</summary>
    public sealed record VoteTrace(int K, string Member, string Proposal, double DueS, bool Acknowledged, double Ms, IReadOnlyList<Send> Sends);

    /// <summary>
    /// Every member votes on every proposal, open loop: vote k (member k / P, proposal k % P) is due at
    /// start + k / rate. Each send goes through what a load balancer does (<see cref="ServiceClient.SendThroughProxyAsync"/>:
    /// a refused or broken connection goes to the next silo at once); a vote without an answer or with a
    /// 5xx is sent again with the same nonce, as the member page does, at most <paramref name="maxAttempts"/>
    /// times; <paramref name="midway"/> runs once when half the votes are due. With <paramref name="votesLog"/>
    /// every vote's sends are written there, one JSON line per vote.
    /// </summary>
    public async Task<MeasurementResult> RunAsync(Dictionary<string, string> codes, double rate, int maxAttempts, Func<Task>? midway, string label,
        IReadOnlyList<string> urls, string? votesLog = null, bool throughProxy = true)
    {
        var started = DateTimeOffset.UtcNow;
        var loadBefore = LoadAverage();
        var recorder = new Recorder();
        var acknowledged = new ConcurrentBag<Acknowledged>();
        var unacknowledged = new ConcurrentBag<(string Member, string Proposal, string Choice, string Last)>();
        var refused = new ConcurrentBag<string>();
        var traces = new ConcurrentBag<VoteTrace>();
        long retries = 0, nextUpstream = 0;
        var total = members * Proposals.Length;
        var pending = new List<Task>(total);
        var clock = Stopwatch.StartNew();
        double? midwayAt = null, midwayDone = null;
        Task midwayTask = Task.CompletedTask;

        async Task Vote(int k, TimeSpan due)
        {
            var member = Number(k / Proposals.Length);
            var proposal = Proposals[k % Proposals.Length].Id;
            // A member's choice: the same on every run (no randomness needed beyond the nonce).
            var choice = Choices[(int)((uint)(k * 2654435761u) % 3)];
            var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            var body = ServiceClient.Json(new { code = codes[member], proposalId = proposal, choice, nonce });
            // Each member votes from an address of their own, as 5,000 homes would: the generator speaks as a
            // proxy on loopback (X-Forwarded-For), so the silos' per-address limits stay as in production.
            var home = k / Proposals.Length;
            var address = $"10.{(home >> 16) & 255}.{(home >> 8) & 255}.{home & 255}";
            Answer answer = new(0, null, TimeSpan.Zero);
            var sends = new List<Send>(1);
            var attempts = 0;
            for (var attempt = 1; attempt <= maxAttempts; attempt++)
            {
                attempts = attempt;
                if (attempt > 1)
                {
                    Interlocked.Increment(ref retries);
                    // The member page's resend: a 503 or no answer backs off a little (through the proxy, a refused or
                    // broken connection already went to the next silo). Without it (--client direct, the generator
                    // before issue 17's load work) only a fast failure (a refused connection) is resent at once.
                    if (throughProxy || answer.Elapsed > TimeSpan.FromMilliseconds(50))
                        await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 250 * attempt)));
                }
                var at = clock.Elapsed - due;
                IReadOnlyList<Answer> tries = throughProxy
                    ? await api.SendThroughProxyAsync(HttpMethod.Post, "api/stem/votes", body, readBody: true, forwardedFor: address)
                    : [await api.SendAsync(HttpMethod.Post, "api/stem/votes", body, readBody: true, forwardedFor: address)];
                answer = tries[^1];
                if (tries.Count > 1) Interlocked.Add(ref nextUpstream, tries.Count - 1);
                var ms = tries.Sum(t => t.Elapsed.TotalMilliseconds);
                sends.Add(new Send(answer.Silo + 1, Math.Round(at.TotalMilliseconds, 1), Math.Round(ms, 1), answer.Status,
                    tries.Count > 1 ? string.Join(",", tries.Select(t => t.Failure ?? t.Status.ToString())) : answer.Failure, ProblemCode(answer),
                    [.. tries.Select(t => t.Silo + 1)]));
                recorder.For("vote attempt (service time)").Record(answer.Status, (long)(ms * 1000));
                // 429 (the per-meeting limit, or "too many attempts") says when to try again: the page's member would.
                if (answer.Status == 429) { await Task.Delay(TimeSpan.FromSeconds(1)); continue; }
                if (answer.Status != 0 && answer.Status < 500) break;
            }
            var fromDue = clock.Elapsed - due;
            recorder.For("vote (from due time, retries included)").Record(answer.Status, (long)(fromDue.TotalMilliseconds * 1000));
            traces.Add(new VoteTrace(k, member, proposal, Math.Round(due.TotalSeconds, 3), answer.Ok, Math.Round(fromDue.TotalMilliseconds, 1), sends));
            if (answer.Ok)
            {
                var receipt = answer.Json().GetProperty("receipt").GetString()!;
                acknowledged.Add(new Acknowledged(member, proposal, choice, receipt, attempts));
            }
            else if (answer.Status is 0 or 429 or >= 500) unacknowledged.Add((member, proposal, choice, answer.Describe()));
            else refused.Add($"{member}/{proposal}: {answer.Describe()}");
        }

        log.WriteLine($"vote: {members} members × {Proposals.Length} proposals = {total} votes at {rate:0.##}/s ({total / rate:0} s) against {string.Join(", ", urls)}");
        var scheduler = new Thread(() =>
        {
            for (var i = 0; i < total;)
            {
                var dueCount = Math.Min(total, (int)(clock.Elapsed.TotalSeconds * rate) + 1);
                for (; i < dueCount; i++)
                {
                    pending.Add(Vote(i, TimeSpan.FromSeconds(i / rate)));
                    if (midway is not null && midwayAt is null && i >= total / 2)
                    {
                        midwayAt = clock.Elapsed.TotalSeconds;
                        log.WriteLine($"vote: midway ({i} of {total} due, {midwayAt:0.0} s, {DateTime.UtcNow:HH:mm:ss.fff} UTC): running the midway command");
                        midwayTask = Task.Run(async () => { await midway(); midwayDone = clock.Elapsed.TotalSeconds; });
                    }
                }
                var wait = TimeSpan.FromSeconds(i / rate) - clock.Elapsed;
                Thread.Sleep(wait > TimeSpan.FromMilliseconds(1) ? wait : TimeSpan.FromMilliseconds(1));
            }
        }) { IsBackground = true, Priority = ThreadPriority.AboveNormal, Name = "vote schedule" };
        scheduler.Start();
        await Task.Run(scheduler.Join);
        await Task.WhenAll(pending);
        await midwayTask;
        var seconds = clock.Elapsed.TotalSeconds;
        var loadAfter = LoadAverage();
        log.WriteLine($"vote: {acknowledged.Count} acknowledged, {unacknowledged.Count} without answer, {refused.Count} refused, {retries} retries, "
                      + $"{nextUpstream} next-silo tries after a refused or broken connection, {seconds:0} s");
        var ordered = traces.OrderBy(t => t.K).ToList();
        if (votesLog is not null)
        {
            await using var file = File.CreateText(votesLog);
            foreach (var trace in ordered) await file.WriteLineAsync(JsonSerializer.Serialize(trace, ServiceClient.JsonOptions));
            log.WriteLine($"vote: every vote's sends in {votesLog} (one JSON line per vote)");
        }
        var slow = SlowVotes(ordered, midwayAt, midwayDone);
        log.WriteLine(slow.Text);

        var check = await CloseAndCheckAsync([.. acknowledged], unacknowledged.Count);
        var vote = recorder.Results(seconds).First(r => r.Operation.StartsWith("vote (", StringComparison.Ordinal));
        var figures = new Dictionary<string, object?>
        {
            ["members"] = members,
            ["votes (members × proposals)"] = total,
            ["offered rate (votes/s)"] = rate,
            ["acknowledged"] = acknowledged.Count,
            ["without answer after retries"] = unacknowledged.Count,
            ["refused (4xx)"] = refused.Count,
            ["retries"] = retries,
            ["p50 from due (ms)"] = vote.P50Ms,
            ["p99 from due (ms)"] = vote.P99Ms,
            ["max from due (ms)"] = vote.MaxMs,
            ["midway command at (s)"] = midwayAt,
            ["midway command done at (s)"] = midwayDone,
            ["next-silo tries (refused or broken connection)"] = nextUpstream,
            ["p95 from due (ms)"] = vote.P95Ms,
            ["load average before (1/5/15 min)"] = loadBefore,
            ["load average after (1/5/15 min)"] = loadAfter,
            ["first refusals"] = string.Join(" | ", refused.Take(3)),
            ["first left without answer"] = string.Join(" | ", unacknowledged.Take(3).Select(u => $"{u.Member}/{u.Proposal}: {u.Last}")),
        };
        foreach (var (k, v) in slow.Figures) figures[k] = v;
        foreach (var (k, v) in check) figures[k] = v;
        // A refusal (409) is a member told "already voted" for their own vote: as bad as a lost one.
        figures["ok"] = check["ok"] is true && refused.IsEmpty;
        figures["acknowledged after a retry"] = acknowledged.Count(a => a.Attempts > 1);
        return new MeasurementResult
        {
            Kind = "vote", Label = label, StartedAt = started, Seconds = seconds, Urls = urls, OfferedRate = rate,
            Operations = recorder.Results(seconds), Figures = figures,
        };
    }

    /// <summary>
    /// Closes online voting and every proposal, then compares: per proposal the totals per choice with
    /// the acknowledged choices, and the published receipts with the acknowledged receipts. "lost" and
    /// "counted twice" must be 0; with votes left without an answer, those may or may not have counted.
    /// </summary>
    public async Task<Dictionary<string, object?>> CloseAndCheckAsync(IReadOnlyList<Acknowledged> acknowledged, int unanswered)
    {
        await WithRetries(HttpMethod.Post, Board + "/online/close");
        long lost = 0, twice = 0, unexpected = 0;
        var mismatches = new List<string>();
        foreach (var (id, _, _) in Proposals)
        {
            var closed = await WithRetries(HttpMethod.Post, $"api/cooperatives/{Coop}/alv/meetings/{Meeting}/proposals/{id}/close");
            var result = closed.Json().GetProperty("closed").GetProperty("result");
            var published = await WithRetries(HttpMethod.Get, $"api/cooperatives/{Coop}/alv/meetings/{Meeting}/proposals/{id}/receipts");
            var receipts = published.Json();
            var mine = acknowledged.Where(a => a.Proposal == id).ToList();
            foreach (var (choice, field, resultField) in new[] { ("Voor", "voor", "for"), ("Tegen", "tegen", "against"), ("Onthouding", "onthouding", "abstain") })
            {
                var list = receipts.GetProperty(field).EnumerateArray().Select(e => e.GetString()!).ToList();
                var set = new HashSet<string>(list, StringComparer.Ordinal);
                var ack = mine.Where(a => a.Choice == choice).ToList();
                lost += ack.Count(a => !set.Contains(a.Receipt));
                twice += list.Count - set.Count;
                var counted = result.GetProperty(resultField).GetDecimal();
                var extra = (long)counted - ack.Count;
                if (extra < 0 || extra > unanswered) mismatches.Add($"{id} {choice}: counted {counted}, acknowledged {ack.Count}");
                unexpected += Math.Max(0, list.Count - ack.Count);
            }
            // Receipts under another choice than acknowledged would be lost above; a member's vote twice shows as more ballots than members.
            var turnout = await WithRetries(HttpMethod.Get, $"api/cooperatives/{Coop}/alv/meetings/{Meeting}/proposals/{id}/turnout");
            var ballots = turnout.Json().GetProperty("ballots").GetInt32();
            if (ballots < mine.Count || ballots > mine.Count + unanswered) mismatches.Add($"{id}: {ballots} ballots for {mine.Count} acknowledged");
        }
        var perMember = acknowledged.GroupBy(a => (a.Member, a.Proposal)).Count(g => g.Count() > 1);
        return new Dictionary<string, object?>
        {
            ["acknowledged votes lost (not counted under their choice)"] = lost,
            ["receipts published twice"] = twice,
            ["members acknowledged twice on one proposal"] = perMember,
            ["counted beyond acknowledged (votes without answer that did count)"] = unexpected,
            ["count mismatches"] = mismatches.Count == 0 ? "none" : string.Join("; ", mismatches),
            ["ok"] = lost == 0 && twice == 0 && perMember == 0 && mismatches.Count == 0,
        };
    }

    /// <summary>Closing and reading right after a silo died may meet the cluster still settling: try again for a while.</summary>
    private async Task<Answer> WithRetries(HttpMethod method, string path)
    {
        Answer answer = new(0, null, TimeSpan.Zero);
        for (var attempt = 0; attempt < 30; attempt++)
        {
            answer = await api.SendAsync(method, path, method == HttpMethod.Post ? ServiceClient.Json(new { }) : null, readBody: true);
            if (answer.Ok) return answer;
            if (answer.Status is not (0 or >= 500)) break;
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
        throw new InvalidOperationException($"{path}: {answer.Describe()}");
    }

    private static string? ProblemCode(Answer answer)
    {
        if (answer.Status < 400 || answer.Body is not { Length: > 0 } body || body[0] != '{') return null;
        try { return JsonDocument.Parse(body).RootElement.TryGetProperty("code", out var code) ? code.GetString() : null; }
        catch (JsonException) { return null; }
    }

    /// <summary>
    /// What the votes slower than 300 ms (issue 17's p99 goal) waited on: where they were due relative to the
    /// kill, which silo their first send went to, what their sends got back (status and problem code, or why no
    /// answer came), and how their time splits into sends and the page's back-off between resends.
    /// </summary>
    public static (string Text, Dictionary<string, object?> Figures) SlowVotes(IReadOnlyList<VoteTrace> traces, double? killAt, double? killDone)
    {
        const double goalMs = 300;
        var slow = traces.Where(t => t.Ms > goalMs).ToList();
        var figures = new Dictionary<string, object?> { ["votes over 300 ms"] = slow.Count, ["votes over 300 ms (% of all)"] = traces.Count == 0 ? 0 : Math.Round(100.0 * slow.Count / traces.Count, 2) };
        var text = new System.Text.StringBuilder();
        text.AppendLine($"slow votes: {slow.Count} of {traces.Count} over {goalMs} ms from due ({(traces.Count == 0 ? 0 : 100.0 * slow.Count / traces.Count):0.00} %; the p99 goal allows 1 %)");
        if (slow.Count == 0) return (text.ToString(), figures);
        string Outcome(Send s) => s.Status == 0 ? $"no answer ({s.Failure})" : s.Code is { } c ? $"{s.Status} {c}" : s.Status.ToString();
        // Around the kill: the slow votes due in the window [kill - 60 s, kill + 60 s], by due time relative to the kill.
        if (killAt is { } kill)
        {
            var near = slow.Where(t => Math.Abs(t.DueS - kill) <= 60).ToList();
            var far = slow.Count - near.Count;
            text.AppendLine($"  kill at {kill:0.0} s (command done {killDone:0.0} s): {near.Count} slow votes due within 60 s of it, {far} elsewhere");
            if (near.Count > 0)
            {
                var first = near.Min(t => t.DueS) - kill; var last = near.Max(t => t.DueS) - kill;
                var answered = near.Where(t => t.Acknowledged).Select(t => t.DueS + t.Ms / 1000 - kill).DefaultIfEmpty().Max();
                text.AppendLine($"  those were due from {first:+0.0;-0.0} s to {last:+0.0;-0.0} s after the kill; the last of them acknowledged {answered:0.0} s after it");
                figures["slow votes near the kill: due from/to (s after kill)"] = $"{first:0.0} / {last:0.0}";
                figures["slow votes near the kill: last acknowledged (s after kill)"] = Math.Round(answered, 1);
            }
            figures["slow votes due within 60 s of the kill"] = near.Count;
            figures["slow votes elsewhere"] = far;
        }
        var byFirstSilo = slow.GroupBy(t => t.Sends.Count == 0 ? 0 : t.Sends[0].TriedSilos[0]).OrderBy(g => g.Key).Select(g => $"silo {g.Key}: {g.Count()}");
        text.AppendLine($"  first send went to: {string.Join(", ", byFirstSilo)}");
        var outcomes = slow.SelectMany(t => t.Sends).GroupBy(Outcome).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} × {g.Count()}");
        text.AppendLine($"  their sends got: {string.Join(", ", outcomes)}");
        var firstOutcome = slow.GroupBy(t => t.Sends.Count == 0 ? "-" : Outcome(t.Sends[0])).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} × {g.Count()}");
        text.AppendLine($"  their first send got: {string.Join(", ", firstOutcome)}");
        double Median(IEnumerable<double> xs) { var a = xs.OrderBy(x => x).ToArray(); return a.Length == 0 ? 0 : a[a.Length / 2]; }
        var inSends = slow.Select(t => t.Sends.Sum(s => s.Ms)).ToList();
        var waiting = slow.Select(t => t.Ms - t.Sends.Sum(s => s.Ms)).ToList();
        var failedSendMs = slow.SelectMany(t => t.Sends.Where(s => s.Status is 0 or >= 500)).Select(s => s.Ms).ToList();
        text.AppendLine($"  time in sends p50 {Median(inSends):0} ms, max {inSends.Max():0} ms; between sends (back-off, 429 waits, queueing in the client) p50 {Median(waiting):0} ms, max {waiting.Max():0} ms");
        if (failedSendMs.Count > 0)
            text.AppendLine($"  a failed send (no answer or 5xx) took p50 {Median(failedSendMs):0} ms, max {failedSendMs.Max():0} ms ({failedSendMs.Count} of them)");
        var slowest = slow.OrderByDescending(t => t.Ms).Take(3).Select(t =>
            $"#{t.K} due {t.DueS:0.0} s, {t.Ms:0} ms: " + string.Join(" → ", t.Sends.Select(s => $"[{string.Join("→", s.TriedSilos)}] +{s.AtMs:0} ms {Outcome(s)} in {s.Ms:0} ms")));
        foreach (var line in slowest) text.AppendLine($"  slowest {line}");
        figures["slow votes: first send to silo"] = string.Join(", ", byFirstSilo);
        figures["slow votes: sends got"] = string.Join(", ", outcomes);
        figures["slow votes: time in sends p50/max (ms)"] = $"{Median(inSends):0} / {inSends.Max():0}";
        figures["slow votes: time between sends p50/max (ms)"] = $"{Median(waiting):0} / {waiting.Max():0}";
        return (text.ToString().TrimEnd(), figures);
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
}
