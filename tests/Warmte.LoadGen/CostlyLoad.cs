using System.Diagnostics;
using System.Text.Json;

namespace Warmte.LoadGen;

/// <summary>
/// `costly` (issue 16): many parallel costly requests (Monte Carlo, loan grid, portfolio workbook, and one that
/// asks more than a reader may) with reader tokens, against one silo, while a separate client reads a project's
/// status at a fixed rate. Reports the costly answers by status, the status read's latencies (open loop, from the
/// due time), the silo's resident memory sampled during the run and its peak (VmHWM, when the silo runs on this
/// machine), and the machine's load average before and after. Speed is reported, never asserted.
/// </summary>
public sealed class CostlyLoad(ServiceClient admin, IReadOnlyList<string> urls, string prefix)
{
    public string CooperativeId => prefix + "-costly";

    public string ProjectId => prefix + "-costly-p";

    /// <summary>A cooperative, a project and one business-case version (idempotent), and reader tokens.</summary>
    public async Task<(string[] CostlyTokens, string StatusToken)> PrepareAsync(string modelPath, int tokens)
    {
        await admin.PostAsync("api/cooperatives", new
        {
            id = CooperativeId, statutoryName = "Coöperatie Kostbaar U.A.", kind = "HeatNetwork", municipality = "Amsterdam", foundedOn = "2019-12-18",
        });
        await admin.PostAsync($"api/cooperatives/{CooperativeId}/projects", new
        {
            id = ProjectId, name = "Warmtenet Kostbaar", woningequivalenten = 1500, plannedConnections = 1000, startedOn = "2018-01-01",
        });
        var versions = await admin.GetAsync($"api/projects/{ProjectId}/business-cases", readBody: true);
        if (!versions.Ok) throw new InvalidOperationException("business cases: " + versions.Describe());
        if (versions.Json().GetArrayLength() == 0)
        {
            var model = JsonDocument.Parse(await File.ReadAllTextAsync(modelPath)).RootElement;
            var saved = await admin.PostAsync($"api/projects/{ProjectId}/business-cases", new { note = "load test", model });
            if (!saved.Ok) throw new InvalidOperationException("business case: " + saved.Describe());
        }
        async Task<string> Token(string name)
        {
            var created = await admin.PostAsync("api/tokens", new { name, role = "reader" }, readBody: true);
            if (!created.Ok) throw new InvalidOperationException("token: " + created.Describe());
            return created.Json().GetProperty("token").GetString()!;
        }
        var costly = new string[tokens];
        for (var i = 0; i < tokens; i++) costly[i] = await Token($"loadgen costly {i}");
        return (costly, await Token("loadgen status"));
    }

    public async Task<MeasurementResult> RunAsync(
        string[] costlyTokens, string statusToken, int clients, TimeSpan duration, double statusRate, int runs, TimeSpan pauseOnRefusal, string label, TextWriter log)
    {
        var pid = await SiloPidAsync();
        var loadBefore = LoadAverage();
        var rssBefore = pid is { } p0 ? ReadStatusKb(p0, "VmRSS") : null;
        var cpuBefore = pid is { } c0 ? SiloCpu(c0) : null;
        var ownCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var costlyClients = costlyTokens.Select(t => new ServiceClient(urls, t, maxConnectionsPerSilo: Math.Max(1, clients), timeout: TimeSpan.FromMinutes(2))).ToArray();
        using var status = new ServiceClient(urls, statusToken);
        var path = $"api/projects/{ProjectId}/business-cases/1";
        byte[] MonteCarlo(int n) => ServiceClient.Json(new { runs = n, seed = 7 });
        var grid = ServiceClient.Json(new
        {
            rates = Enumerable.Range(0, 10).Select(i => 0.01m + i * 0.005m).ToArray(),
            terms = Enumerable.Range(0, 10).Select(i => 15 + i * 2).ToArray(),
            types = new[] { "Annuity", "Linear" },
        });

        long peakRssKb = rssBefore ?? 0;
        using var sampling = new CancellationTokenSource();
        var sampler = pid is { } pid1 ? Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                if (ReadStatusKb(pid1, "VmRSS") is { } kb) peakRssKb = Math.Max(peakRssKb, kb);
                try { await Task.Delay(100, sampling.Token); } catch (OperationCanceledException) { }
            }
        }) : Task.CompletedTask;

        log.WriteLine($"costly: {clients} clients with {costlyTokens.Length} reader token(s), {duration.TotalSeconds:0} s; status read at {statusRate:0}/s; silo pid {pid?.ToString() ?? "unknown (not on this machine)"}");
        var costlyRun = LoadRunners.ClosedLoopAsync(async rng =>
        {
            var client = costlyClients[rng.Next(costlyClients.Length)];
            var (op, answer) = rng.Next(10) switch
            {
                < 5 => ("montecarlo", await client.SendAsync(HttpMethod.Post, path + "/montecarlo", MonteCarlo(runs))),
                < 8 => ("loan-grid (200 cells)", await client.SendAsync(HttpMethod.Post, path + "/loan-grid", grid)),
                8 => ("portfolio.xlsx", await client.SendAsync(HttpMethod.Get, "api/portfolio/export.xlsx")),
                _ => ("montecarlo 100,000 runs (over a reader's limit)", await client.SendAsync(HttpMethod.Post, path + "/montecarlo", MonteCarlo(100_000))),
            };
            // A polite client waits after 429/503 before its next request; an abusive one (pause 0) does not.
            if (pauseOnRefusal > TimeSpan.Zero && answer.Status is 429 or 503) await Task.Delay(pauseOnRefusal);
            return (op, answer);
        }, clients, duration, TimeSpan.Zero);
        var statusRun = LoadRunners.OpenLoopAsync(async _ => ("status read (GET project)", await status.GetAsync($"api/projects/{ProjectId}")),
            statusRate, duration, TimeSpan.Zero);
        var (costlyRecorder, seconds) = await costlyRun;
        var (statusRecorder, _, sent) = await statusRun;
        await sampling.CancelAsync();
        await sampler;
        foreach (var c in costlyClients) c.Dispose();

        var cpuAfter = pid is { } c1 ? SiloCpu(c1) : null;
        var ownCpu = (Process.GetCurrentProcess().TotalProcessorTime - ownCpuBefore).TotalSeconds;
        var rssAfter = pid is { } p2 ? ReadStatusKb(p2, "VmRSS") : null;
        var hwm = pid is { } p3 ? ReadStatusKb(p3, "VmHWM") : null;
        var alive = await status.GetAsync("health/ready");
        var figures = new Dictionary<string, object?>
        {
            ["costly clients"] = clients,
            ["reader tokens for them"] = costlyTokens.Length,
            ["Monte Carlo runs asked"] = runs,
            ["client pause after 429/503 (s)"] = pauseOnRefusal.TotalSeconds,
            ["status reads sent"] = sent,
            ["silo answers /health/ready afterwards"] = alive.Status,
            ["load average (1 min) before"] = loadBefore,
            ["load average (1 min) after"] = LoadAverage(),
        };
        if (pid is not null)
        {
            figures["silo RSS before (MB)"] = rssBefore / 1024.0;
            figures["silo RSS peak during the run (MB, sampled every 100 ms)"] = peakRssKb / 1024.0;
            figures["silo RSS after (MB)"] = rssAfter / 1024.0;
            figures["silo peak RSS since its start (VmHWM, MB)"] = hwm / 1024.0;
        }
        if (cpuBefore is { } cb && cpuAfter is { } ca)
        {
            // Where the silo's CPU went: the costly lane's threads (they live as long as the silo, so their counters
            // cover the run) and everything else (HTTP, refusals, grains, GC). Per answered request, outside the lane.
            var answered = costlyRecorder.Results(seconds).Sum(o => o.Requests) + sent;
            figures["silo CPU during the run (s)"] = ca.Total - cb.Total;
            figures["of which on the costly lane's threads (s)"] = ca.Lane - cb.Lane;
            figures["silo CPU outside the lane per answered request (ms)"] = answered > 0 ? (ca.Total - ca.Lane - (cb.Total - cb.Lane)) * 1000 / answered : null;
        }
        figures["load generator CPU (s, this process)"] = ownCpu;
        return new MeasurementResult
        {
            Kind = "costly", Label = label, StartedAt = DateTimeOffset.UtcNow - TimeSpan.FromSeconds(seconds), Seconds = seconds, Urls = urls,
            Concurrency = clients, OfferedRate = statusRate,
            Operations = [.. costlyRecorder.Results(seconds), .. statusRecorder.Results(duration.TotalSeconds)],
            Figures = figures,
        };
    }

    /// <summary>The silo's process id when it runs on this machine (GET /api/diagnostics/memory, admin), else null.</summary>
    private async Task<int?> SiloPidAsync()
    {
        var memory = await admin.GetAsync("api/diagnostics/memory", readBody: true);
        if (!memory.Ok) return null;
        var pid = memory.Json().GetProperty("processId").GetInt32();
        return File.Exists($"/proc/{pid}/status") ? pid : null;
    }

    /// <summary>
    /// The silo's CPU seconds (user + system) from /proc, in total and on the threads named warmte-costly-* (the lane:
    /// its threads live as long as the silo, so their counters are cumulative). Null where /proc is not readable.
    /// </summary>
    private static (double Total, double Lane)? SiloCpu(int pid)
    {
        try
        {
            var total = Ticks(File.ReadAllText($"/proc/{pid}/stat"));
            double lane = 0;
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                string stat;
                try { stat = File.ReadAllText(Path.Combine(task, "stat")); }
                catch (IOException) { continue; } // the thread ended meanwhile
                var name = stat[(stat.IndexOf('(') + 1)..stat.LastIndexOf(')')];
                if (name.StartsWith("warmte-costly", StringComparison.Ordinal)) lane += Ticks(stat);
            }
            // Linux counts in clock ticks of 1/100 s (USER_HZ, the same on every architecture .NET runs on).
            return (total / 100.0, lane / 100.0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { return null; }

        static long Ticks(string stat)
        {
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // Fields 14 and 15 (utime, stime), counted from the pid; the list here starts at field 3.
            return long.Parse(fields[14 - 3], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[15 - 3], System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    private static long? ReadStatusKb(int pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith(field + ":", StringComparison.Ordinal))
                    return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException) { }
        return null;
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ')[..3]) : "?";
}
