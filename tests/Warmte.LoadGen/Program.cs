using System.Diagnostics;
using System.Text.Json;

namespace Warmte.LoadGen;

/// <summary>
/// warmte-loadgen: sets up data and measures the service over HTTP (issue 8). See
/// docs/performance.md, "Issue 8: cluster under load", for the commands and what they measure.
/// </summary>
public static class Program
{
    private const string Usage = """
        Usage: dotnet tests/Warmte.LoadGen/bin/Release/net10.0/Warmte.LoadGen.dll <command> [options]

        Commands:
          setup          create cooperatives × projects with members, grants (tranche plans) and umbrellas (idempotent)
          mixed          closed-loop mixed read/write workload for a fixed time
          rate           open-loop fixed-rate load of one operation (default: view) — latency from the due time
          write-compare  spending bookings through the service vs raw Npgsql inserts of one booking row (journal-shaped, indexed), same database, same clients;
                         with --floor-url a third phase: the same requests to a floor-server (the raw insert behind HTTP)
          floor-server   the HTTP floor: a bare Kestrel app on --urls URL with only POST /api/projects/{id}/spending (bearer --token,
                         positive amount, the raw insert's row and statement into --pg CONNSTR, 201 with the booking id); runs until stopped
          journal-compare  the service's journal store alone (a booking's commit, group commit on and off) vs the same raw inserts, same database, same writers
          activate       read every project of a data set once (activates them), with silo memory before/after
          umbrella       the umbrella comparison (and optionally its .xlsx export) over one umbrella
          costly         --clients parallel costly requests (Monte Carlo, loan grid, workbook) with reader tokens while a
                         status read runs at --rate/s; silo memory (RSS, peak) and load average (issue 16)
          portfolio      the financier's portfolio (GET /api/portfolio) over every project
          scale-out      copy block 0 (the first --umbrella-size cooperatives, written by `setup`) in the SQLite file
                         --db FILE (silo stopped) until there are --cooperatives; renumbered ids (issue 15, 100,000 projects);
                         --pg CONNSTR instead: the same in that PostgreSQL database (binary COPY, one transaction per block)
          scale-check    read copies through the service and compare them with block 0's answers, renumbered
          report DIR     fold the JSON results in DIR into markdown tables (medians over repeated runs)
          vote           issue 17: a cooperative of --members members, an ALV today with an open and a secret proposal, online
                         voting open, codes; every member votes on both, open loop at --rate votes/s over the --url silos
                         (a vote without answer or with a 5xx is resent with the same nonce, at most --attempts times);
                         then closes and checks every acknowledged vote counted once. --midway-command CMD runs (sh -c)
                         when half the votes are due (scripts/bench-votes.sh kills a silo there). Exit 3 unless all checks hold.
                         Each send goes as through a load balancer: a refused or broken connection goes to the next silo at
                         once (--client direct: each send to one silo, the generator before). --votes-log FILE: every
                         vote's sends (silo, time, status, why), one JSON line per vote.

        Options:
          --url URL[,URL…]        silo base URLs, used round robin (default http://127.0.0.1:5081); repeatable
          --token T               admin token (default: $WARMTE_ADMIN_TOKEN, or --token-file FILE)
          --prefix P              data set id prefix (default load)
          --cooperatives N        (default 20)   --projects M per cooperative (default 5)
          --members K             members per cooperative (default 40)  --no-grants  --umbrella-size U (default 10)
          --bookings B            setup: spending bookings per project (default 0), each with its own idempotency key
          --clients C             concurrent clients (default 32)       --parallel S setup parallelism (default 16)
          --duration S            measured seconds (default 30)         --warmup S (default 5)
          --rate R                requests/s for rate (default 1000)    --op NAME operation for rate (default view)
          --mix op=w,…            weights (default view=40,cash-position=10,spending=15,ballot=10,tranche-step=10,evaluate=5,umbrella=5)
          --pg CONNSTR            PostgreSQL connection string (write-compare, journal-compare)
          --silo-pid P --pg-pid Q write-compare: also CPU ms per operation of the silo and PostgreSQL (Q: the postmaster)
          --floor-url URL [--floor-pid F]  write-compare: also the HTTP floor (a floor-server at URL; F: its pid, for its CPU ms per request)
          --urls URL              floor-server: where it listens (e.g. http://127.0.0.1:5131); --clients sizes its connection pool as the raw clients'
          --umbrella ID           umbrella for `umbrella` (default <prefix>-u000)  --requests N (default 10)  --export
          --view V                activate: read api/projects/{id}/V instead of the project (e.g. alerts: all its grains)
          --settle S              activate: wait at most S s for the start-up activations to settle (default 180)
          --label TEXT            label in the report (e.g. "1 silo")
          --json FILE             also write the result as JSON (the report command reads these)
          --note TEXT             activate: a remark carried into the report
          costly: --tokens N reader tokens shared by the clients (default 1)  --runs R Monte Carlo runs (default 10000)
                  --model FILE business-case model (default models/ketelhuiswg.json); --rate is the status reads/s (default 20)
                  --pause-on-refusal S  a client waits S seconds after a 429 or 503 (default 0: an abusive client)
        """;

    public static async Task<int> Main(string[] argv)
    {
        if (argv.Length > 0 && argv[0] == "scale-out")
        {
            var so = Options.Parse(argv[1..]);
            var scaled = new Dataset(so.Value("prefix") ?? "load", so.Int("cooperatives", 20), so.Int("projects", 5), so.Int("members", 40),
                !so.Flag("no-grants"), so.Int("umbrella-size", 10), so.Int("bookings", 0));
            var outcome = so.Value("pg") is { Length: > 0 } pg
                ? await ScaleOut.RunAsync(pg, scaled, Console.Out, postgres: true)
                : await ScaleOut.RunAsync(so.Value("db") ?? throw new ArgumentException("scale-out needs --db FILE or --pg CONNSTR."), scaled, Console.Out);
            Console.Write(Report.Markdown([outcome]));
            return 0;
        }
        if (argv.Length > 0 && argv[0] == "floor-server")
        {
            try
            {
                return await FloorServer.RunAsync(Options.Parse(argv[1..]));
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine(e.Message);
                return 2;
            }
        }
        if (argv.Length == 0 || argv[0] is "-h" or "--help" or "help")
        {
            Console.WriteLine(Usage);
            return argv.Length == 0 ? 2 : 0;
        }
        ThreadPool.SetMinThreads(Math.Max(64, Environment.ProcessorCount * 8), 64);
        try
        {
            var options = Options.Parse(argv[1..]);
            if (argv[0] == "report")
            {
                var folder = options.Positional.FirstOrDefault() ?? throw new ArgumentException("report needs a folder of JSON results.");
                Console.Write(Report.Markdown(Report.ReadFolder(folder)));
                return 0;
            }
            var result = await RunAsync(argv[0], options, Console.Out);
            Console.WriteLine();
            Console.Write(Report.Markdown([result]));
            if (options.Value("json") is { } file)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
                await File.WriteAllTextAsync(file, JsonSerializer.Serialize(result, Report.Json));
            }
            if (result.Kind == "vote") return result.Figures?["ok"] is true ? 0 : 3;
            return result.Operations.Sum(o => o.ServerErrors5xx) == 0 ? 0 : 3;
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(Usage);
            return 2;
        }
    }

    public static async Task<MeasurementResult> RunAsync(string command, Options o, TextWriter log)
    {
        var urls = o.Values("url").SelectMany(u => u.Split(',', StringSplitOptions.RemoveEmptyEntries)).ToList();
        if (urls.Count == 0) urls.Add("http://127.0.0.1:5081");
        var token = Token(o);
        using var api = new ServiceClient(urls, token);
        var set = new Dataset(o.Value("prefix") ?? "load", o.Int("cooperatives", 20), o.Int("projects", 5), o.Int("members", 40),
            !o.Flag("no-grants"), o.Int("umbrella-size", 10), o.Int("bookings", 0));
        var clients = o.Int("clients", 32);
        var duration = TimeSpan.FromSeconds(o.Double("duration", 30));
        var warmup = TimeSpan.FromSeconds(o.Double("warmup", 5));
        var label = o.Value("label") ?? $"{urls.Count} silo URL(s)";
        var mix = o.Value("mix") is { } m ? MixedWorkload.ParseMix(m) : null;
        var started = DateTimeOffset.UtcNow;

        switch (command)
        {
            case "setup":
                log.WriteLine($"setup {set.Prefix}: {set.Cooperatives} cooperatives × {set.ProjectsPerCooperative} projects, {set.MembersPerCooperative} members each");
                return await DatasetSetup.RunAsync(api, set, o.Int("parallel", 16), log, label);

            case "mixed":
            {
                var workload = new MixedWorkload(api, set, mix);
                await workload.PrepareAsync(o.Int("parallel", 16));
                log.WriteLine($"mixed: {clients} clients, {warmup.TotalSeconds:0} s warm-up + {duration.TotalSeconds:0} s against {string.Join(", ", urls)}");
                var (recorder, seconds) = await LoadRunners.ClosedLoopAsync(workload.RunOneAsync, clients, duration, warmup);
                return new MeasurementResult
                {
                    Kind = "mixed", Label = label, StartedAt = started, Seconds = seconds, Urls = urls, Concurrency = clients,
                    Operations = recorder.Results(seconds),
                    Figures = new() { ["projects"] = set.Projects, ["mix"] = string.Join(",", (mix ?? MixedWorkload.DefaultMix).Select(kv => $"{kv.Key}={kv.Value}")) },
                };
            }

            case "rate":
            {
                var rate = o.Double("rate", 1000);
                var op = o.Value("op") ?? "view";
                var workload = new MixedWorkload(api, set, new Dictionary<string, int> { [op] = 1 });
                await workload.PrepareAsync(o.Int("parallel", 16));
                log.WriteLine($"rate: {op} at {rate:0}/s for {warmup.TotalSeconds:0} s warm-up + {duration.TotalSeconds:0} s against {string.Join(", ", urls)}");
                var (recorder, seconds, sent) = await LoadRunners.OpenLoopAsync(rng => workload.RunAsync(op, rng), rate, duration, warmup);
                return new MeasurementResult
                {
                    Kind = "rate", Label = label, StartedAt = started, Seconds = seconds, Urls = urls, OfferedRate = rate,
                    Operations = recorder.Results(seconds),
                    Figures = new() { ["sent"] = sent, ["projects"] = set.Projects },
                };
            }

            case "write-compare":
            {
                var pg = o.Value("pg") ?? throw new ArgumentException("write-compare needs --pg CONNSTR (the service's database).");
                var workload = new MixedWorkload(api, set, new Dictionary<string, int> { ["spending"] = 1 });
                log.WriteLine($"write-compare: service spending bookings, {clients} clients, {duration.TotalSeconds:0} s");
                // CPU per operation (--silo-pid, --pg-pid: the postmaster): what a booking costs whatever else runs on the machine.
                int? siloPid = o.Value("silo-pid") is { } sp ? int.Parse(sp) : null, pgPid = o.Value("pg-pid") is { } pp ? int.Parse(pp) : null;
                var (service, serviceSeconds, serviceCpu) = await WithCpu(siloPid, pgPid, warmup,
                    () => LoadRunners.ClosedLoopAsync(rng => workload.RunAsync("spending", rng), clients, duration, warmup), pg);
                // The same bytes the service stored for its last booking (a typical booking when none is stored yet).
                var payload = await PostgresBaseline.BookingPayloadAsync(pg)
                    ?? """{"Booking":{"Id":"b-1","Month":"2026-03","Kind":"aanleg","Amount":1234.56,"Description":"Graafwerk fase 2","BookedBy":"loadgen","BookedAt":"2026-03-01T10:00:00Z"}}""";
                log.WriteLine($"write-compare: raw inserts of one booking row ({payload.Length} bytes, journal indexes, fsync on), {clients} connections, {duration.TotalSeconds:0} s");
                var (raw, rawSeconds, rawCpu) = await WithCpu(siloPid, pgPid, warmup,
                    () => PostgresBaseline.RunAsync(pg, clients, duration, warmup, payload, set.Projects), pg);
                var serviceOps = service.Results(serviceSeconds);
                var rawOps = raw.Results(rawSeconds);
                // The HTTP floor (--floor-url, a floor-server): the same clients send the same requests (same seeds, same HttpClient
                // setup) to the least HTTP service that stores the booking row, into a fresh table as the raw phase had.
                IReadOnlyList<OperationResult> floorOps = [];
                var floorFigures = new Dictionary<string, object?>();
                if (o.Value("floor-url") is { Length: > 0 } floorUrl)
                {
                    int? floorPid = o.Value("floor-pid") is { } fp ? int.Parse(fp) : null;
                    await PostgresBaseline.RecreateTableAsync(pg);
                    using var floorApi = new ServiceClient([floorUrl], token);
                    var floorWorkload = new MixedWorkload(floorApi, set, new Dictionary<string, int> { ["spending"] = 1 });
                    log.WriteLine($"write-compare: http floor (raw insert behind HTTP) at {floorUrl}, {clients} clients, {duration.TotalSeconds:0} s");
                    var (floor, floorSeconds, floorCpu) = await WithCpu(floorPid, pgPid, warmup,
                        () => LoadRunners.ClosedLoopAsync(rng => floorWorkload.RunAsync("spending", rng), clients, duration, warmup), pg);
                    floorOps = [.. floor.Results(floorSeconds).Select(r => r with { Operation = FloorServer.Operation })];
                    var floorPerSecond = floorOps.Sum(x => x.PerSecond);
                    var floorCount = floorOps.Sum(x => x.Succeeded);
                    var rawRate = rawOps.Sum(x => x.PerSecond);
                    var serviceRate = serviceOps.Where(x => x.Operation == "spending").Sum(x => x.PerSecond);
                    floorFigures["http floor requests/s (raw insert behind HTTP)"] = floorPerSecond;
                    floorFigures["http floor / raw"] = rawRate > 0 ? floorPerSecond / rawRate : 0;
                    floorFigures["service / http floor"] = floorPerSecond > 0 ? serviceRate / floorPerSecond : 0;
                    double PerFloor(double seconds) => floorCount > 0 ? Math.Round(seconds * 1000 / floorCount, 3) : 0;
                    if (floorPid is not null) floorFigures["cpu ms per http floor request: floor server"] = PerFloor(floorCpu.Silo);
                    if (pgPid is not null) floorFigures["cpu ms per http floor request: PostgreSQL"] = PerFloor(floorCpu.Postgres);
                    floorFigures["cpu ms per http floor request: load generator"] = PerFloor(floorCpu.LoadGen);
                    floorFigures["PostgreSQL transactions per http floor request"] = floorCount > 0 ? Math.Round((double)floorCpu.Db.Commits / floorCount, 2) : 0;
                    floorFigures["load average (1 min) at start of http floor"] = floorCpu.LoadAverage;
                }
                var servicePerSecond = serviceOps.Where(x => x.Operation == "spending").Sum(x => x.PerSecond);
                var rawPerSecond = rawOps.Sum(x => x.PerSecond);
                var serviceCount = serviceOps.Where(x => x.Operation == "spending").Sum(x => x.Succeeded);
                var rawCount = rawOps.Sum(x => x.Succeeded);
                var cpu = new Dictionary<string, object?>();
                if (siloPid is not null || pgPid is not null)
                {
                    // Milliseconds of CPU per operation, over the measured window only (warm-up excluded).
                    double Per(double seconds, long count) => count > 0 ? Math.Round(seconds * 1000 / count, 3) : 0;
                    cpu["cpu ms per booking: silo"] = Per(serviceCpu.Silo, serviceCount);
                    cpu["cpu ms per booking: PostgreSQL"] = Per(serviceCpu.Postgres, serviceCount);
                    cpu["cpu ms per booking: load generator"] = Per(serviceCpu.LoadGen, serviceCount);
                    cpu["cpu ms per raw insert: PostgreSQL"] = Per(rawCpu.Postgres, rawCount);
                    cpu["cpu ms per raw insert: load generator (Npgsql client)"] = Per(rawCpu.LoadGen, rawCount);
                    cpu["cpu ms per raw insert: silo (idle)"] = Per(rawCpu.Silo, rawCount);
                }
                // The database's own count of its work (pg_stat_database; includes everything the silo did meanwhile: summaries, alerts).
                double Each(long n, long count) => count > 0 ? Math.Round((double)n / count, 2) : 0;
                cpu["PostgreSQL transactions per booking / per raw insert"] = $"{Each(serviceCpu.Db.Commits, serviceCount)} / {Each(rawCpu.Db.Commits, rawCount)}";
                cpu["PostgreSQL rows written per booking / per raw insert"] = $"{Each(serviceCpu.Db.RowsWritten, serviceCount)} / {Each(rawCpu.Db.RowsWritten, rawCount)}";
                cpu["PostgreSQL rows read per booking / per raw insert"] = $"{Each(serviceCpu.Db.RowsRead, serviceCount)} / {Each(rawCpu.Db.RowsRead, rawCount)}";
                cpu["load average (1 min) at start of service / raw"] = $"{serviceCpu.LoadAverage:0.0} / {rawCpu.LoadAverage:0.0}";
                return new MeasurementResult
                {
                    Kind = "write-compare", Label = label, StartedAt = started, Seconds = serviceSeconds, Urls = urls, Concurrency = clients,
                    Operations = [.. serviceOps, .. rawOps, .. floorOps],
                    Figures = new Dictionary<string, object?>()
                    {
                        ["service writes/s (spending booking)"] = servicePerSecond,
                        ["raw booking inserts/s"] = rawPerSecond,
                        ["service / raw (goal ≥ 0.8)"] = rawPerSecond > 0 ? servicePerSecond / rawPerSecond : 0,
                        ["payload bytes (one booking row)"] = payload.Length,
                        ["grains (raw) = projects (service)"] = set.Projects,
                    }.Concat(cpu).Concat(floorFigures).ToDictionary(),
                };
            }

            case "journal-compare":
            {
                var pg = o.Value("pg") ?? throw new ArgumentException("journal-compare needs --pg CONNSTR (a service database: its journal tables).");
                int? siloPid = o.Value("silo-pid") is { } sp ? int.Parse(sp) : null, pgPid = o.Value("pg-pid") is { } pp ? int.Parse(pp) : null;
                var payload = await PostgresBaseline.BookingPayloadAsync(pg)
                    ?? """{"Booking":{"Id":"b-1","Month":"2026-03","Kind":"aanleg","Amount":1234.56,"Description":"Graafwerk fase 2","BookedBy":"loadgen","BookedAt":"2026-03-01T10:00:00Z"}}""";
                var round = started.ToUnixTimeSeconds().ToString();
                var figures = new Dictionary<string, object?>();
                var operations = new List<OperationResult>();
                double Per(double seconds, long count) => count > 0 ? Math.Round(seconds * 1000 / count, 3) : 0;
                double Each(long n, long count) => count > 0 ? Math.Round((double)n / count, 2) : 0;
                var rates = new Dictionary<string, double>();
                foreach (var (name, phase) in new (string, Func<Task<(Recorder, double)>>)[]
                {
                    ("journal commit (group)", () => JournalCompare.RunAsync(pg, true, clients, duration, warmup, payload, set.Projects, round)),
                    ("journal commit (alone)", () => JournalCompare.RunAsync(pg, false, clients, duration, warmup, payload, set.Projects, round)),
                    ("raw booking insert", () => PostgresBaseline.RunAsync(pg, clients, duration, warmup, payload, set.Projects)),
                })
                {
                    log.WriteLine($"journal-compare: {name}, {clients} writers, {duration.TotalSeconds:0} s");
                    var (recorder, seconds, cpu) = await WithCpu(siloPid, pgPid, warmup, phase, pg);
                    var ops = recorder.Results(seconds);
                    operations.AddRange(ops);
                    var count = ops.Sum(x => x.Succeeded);
                    rates[name] = ops.Sum(x => x.PerSecond);
                    figures[$"{name}/s"] = rates[name];
                    figures[$"cpu ms per {name}: PostgreSQL / load generator"] = $"{Per(cpu.Postgres, count)} / {Per(cpu.LoadGen, count)}";
                    figures[$"PostgreSQL transactions per {name}"] = Each(cpu.Db.Commits, count);
                    figures[$"load average (1 min) at start of {name}"] = cpu.LoadAverage;
                }
                var raw = rates["raw booking insert"];
                figures["journal commit (group) / raw insert"] = raw > 0 ? rates["journal commit (group)"] / raw : 0;
                figures["journal commit (alone) / raw insert"] = raw > 0 ? rates["journal commit (alone)"] / raw : 0;
                return new MeasurementResult
                {
                    Kind = "journal-compare", Label = label, StartedAt = started, Seconds = duration.TotalSeconds, Urls = urls, Concurrency = clients,
                    Operations = operations, Figures = figures,
                };
            }

            case "activate":
            {
                var parallel = o.Int("clients", 64);
                var projects = set.AllProjectIds().ToArray();
                // --view alerts: read api/projects/{id}/alerts instead (all of a project's grains, as the daily evaluation does).
                var view = o.Value("view") is { Length: > 0 } v ? "/" + v.Trim('/') : "";
                // A silo start activates no project by itself (32 alert sweeps, Hosting/AlertWatchStartup.cs), but a sweep
                // that finds projects due evaluates them (several grains each): wait until the activation count stops moving.
                var settleClock = Stopwatch.StartNew(); // from the moment the silo answers /health (the script waits for that)
                var before = await MemoryAsync(api);
                for (var previous = -1L; settleClock.Elapsed < TimeSpan.FromSeconds(o.Double("settle", 180)) && before.Count > 0;)
                {
                    var count = before.Count == 0 ? 0 : ActivationCounts(before[0]).Values.Sum();
                    if (count == previous) break;
                    previous = count;
                    await Task.Delay(TimeSpan.FromSeconds(5));
                    before = await MemoryAsync(api);
                }
                var settleSeconds = settleClock.Elapsed.TotalSeconds;
                log.WriteLine($"activate: {projects.Length} projects, {parallel} at a time; silo memory before: {Describe(before)}");
                var recorder = new Recorder();
                var clock = Stopwatch.StartNew();
                await Parallel.ForEachAsync(projects, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (p, _) =>
                {
                    var answer = await api.GetAsync($"api/projects/{p}{view}");
                    recorder.For("first view (activates)").Record(answer.Status, answer.Micros);
                });
                var activateSeconds = clock.Elapsed.TotalSeconds;
                var after = await MemoryAsync(api);
                log.WriteLine($"activate: {activateSeconds:0.0} s; silo memory after: {Describe(after)}");
                clock.Restart();
                await Parallel.ForEachAsync(projects, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (p, _) =>
                {
                    var answer = await api.GetAsync($"api/projects/{p}{view}");
                    recorder.For("second view (all active)").Record(answer.Status, answer.Micros);
                });
                var warmSeconds = clock.Elapsed.TotalSeconds;
                var results = recorder.Results(activateSeconds).Select(r => r.Operation.StartsWith("second", StringComparison.Ordinal)
                    ? r with { PerSecond = r.Succeeded / warmSeconds } : r).ToList();
                var figures = new Dictionary<string, object?>
                {
                    ["note"] = o.Value("note"),
                    ["projects"] = projects.Length,
                    ["read"] = $"GET api/projects/{{id}}{view}",
                    ["time to activate all (s)"] = activateSeconds,
                    ["time to read all again, active (s)"] = warmSeconds,
                };
                if (before.Count > 0 && after.Count > 0)
                {
                    long Sum(List<JsonElement> m, string field) => m.Sum(x => x.GetProperty(field).GetInt64());
                    figures["managed heap before (MB, after full GC, all silos)"] = Sum(before, "managedHeapBytes") / 1048576.0;
                    figures["managed heap after (MB)"] = Sum(after, "managedHeapBytes") / 1048576.0;
                    figures["RSS before (MB, all silo processes)"] = Sum(before, "workingSetBytes") / 1048576.0;
                    figures["RSS after (MB)"] = Sum(after, "workingSetBytes") / 1048576.0;
                    figures["managed heap per project (KB)"] = (Sum(after, "managedHeapBytes") - Sum(before, "managedHeapBytes")) / 1024.0 / projects.Length;
                    figures["RSS per project (KB)"] = (Sum(after, "workingSetBytes") - Sum(before, "workingSetBytes")) / 1024.0 / projects.Length;
                    var grew = ActivationCounts(after[0]).Select(kv => (kv.Key, kv.Value - ActivationCounts(before[0]).GetValueOrDefault(kv.Key)))
                        .Where(kv => kv.Item2 > 0).OrderByDescending(kv => kv.Item2).ToList();
                    figures["activations added (cluster, by grain type)"] = string.Join(", ", grew.Select(kv => $"{kv.Key.Split(',')[0].Split('.').Last()} {kv.Item2}"));
                    figures["activations added per project"] = grew.Sum(kv => kv.Item2) / (double)projects.Length;
                    figures["activations before the views (after start-up settled, by grain type)"] =
                        string.Join(", ", ActivationCounts(before[0]).OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key.Split(',')[0].Split('.').Last()} {kv.Value}"));
                    figures["seconds until start-up activations settled (from the first poll)"] = settleSeconds;
                    figures["managed heap after / projects (upper bound per project, KB)"] = Sum(after, "managedHeapBytes") / 1024.0 / projects.Length;
                    figures["RSS after / projects (upper bound per project, KB)"] = Sum(after, "workingSetBytes") / 1024.0 / projects.Length;
                }
                return new MeasurementResult
                {
                    Kind = "activate", Label = label, StartedAt = started, Seconds = activateSeconds, Urls = urls, Concurrency = parallel,
                    Operations = results, Figures = figures,
                };
            }

            case "scale-check":
                return await ScaleOut.CheckAsync(api, set, log);

            case "costly":
            {
                var load = new CostlyLoad(api, urls, set.Prefix);
                var (costlyTokens, statusToken) = await load.PrepareAsync(o.Value("model") ?? "models/ketelhuiswg.json", o.Int("tokens", 1));
                return await load.RunAsync(costlyTokens, statusToken, clients, duration, o.Double("rate", 20), o.Int("runs", 10_000),
                    TimeSpan.FromSeconds(o.Double("pause-on-refusal", 0)), label, log);
            }

            case "umbrella":
            {
                var id = o.Value("umbrella") ?? set.UmbrellaId(0);
                // Not timed: this process's own first request (its HTTP stack's JIT, the connection), so the
                // first timed call is the service's first call of the view, not the generator's start-up.
                await api.GetAsync("health");
                var recorder = new Recorder();
                var clock = Stopwatch.StartNew();
                int rows = 0;
                for (var i = 0; i < o.Int("requests", 10); i++)
                {
                    var answer = await api.GetAsync($"api/umbrellas/{id}", readBody: i == 0);
                    recorder.For(i == 0 ? "comparison (first)" : "comparison").Record(answer.Status, answer.Micros);
                    if (i == 0 && answer.Ok) rows = CountRows(answer.Json());
                }
                var figures = new Dictionary<string, object?> { ["umbrella"] = id, ["project rows"] = rows };
                if (o.Flag("export"))
                {
                    var answer = await api.SendAsync(HttpMethod.Get, $"api/umbrellas/{id}/export.xlsx", readBody: false);
                    recorder.For("export.xlsx").Record(answer.Status, answer.Micros);
                    figures["export.xlsx (s)"] = answer.Elapsed.TotalSeconds;
                }
                var seconds = clock.Elapsed.TotalSeconds;
                return new MeasurementResult
                {
                    Kind = "umbrella", Label = label, StartedAt = started, Seconds = seconds, Urls = urls, Concurrency = 1,
                    Operations = recorder.Results(seconds), Figures = figures,
                };
            }

            case "portfolio":
            {
                // The financier's portfolio over every project (the admin's view: all funders; a financier's token: its funder's).
                await api.GetAsync("health"); // not timed: the generator's own first request (see "umbrella")
                var recorder = new Recorder();
                var clock = Stopwatch.StartNew();
                int rows = 0;
                for (var i = 0; i < o.Int("requests", 10); i++)
                {
                    var answer = await api.GetAsync("api/portfolio", readBody: i == 0);
                    recorder.For(i == 0 ? "portfolio (first)" : "portfolio").Record(answer.Status, answer.Micros);
                    if (i == 0 && answer.Ok) rows = answer.Json().GetProperty("projects").GetArrayLength();
                }
                var seconds = clock.Elapsed.TotalSeconds;
                return new MeasurementResult
                {
                    Kind = "portfolio", Label = label, StartedAt = started, Seconds = seconds, Urls = urls, Concurrency = 1,
                    Operations = recorder.Results(seconds), Figures = new Dictionary<string, object?> { ["project rows"] = rows },
                };
            }

            case "vote":
            {
                var members = o.Int("members", 5000);
                var load = new VoteLoad(api, $"{set.Prefix}-stem", members, log);
                log.WriteLine($"vote: setting up {set.Prefix}-stem with {members} members, online voting and codes");
                var setup = Stopwatch.StartNew();
                var codes = await load.PrepareAsync();
                var setupSeconds = setup.Elapsed.TotalSeconds;
                log.WriteLine($"vote: set up in {setupSeconds:0} s");
                Func<Task>? midway = o.Value("midway-command") is { } cmd ? () => Shell(cmd, log) : null;
                var result = await load.RunAsync(codes, o.Double("rate", 20), o.Int("attempts", 5), midway, label, urls, o.Value("votes-log"),
                    throughProxy: (o.Value("client") ?? "proxy") switch { "proxy" => true, "direct" => false, var c => throw new ArgumentException($"--client {c}: proxy or direct.") });
                result.Figures!["set-up (s)"] = setupSeconds;
                result.Figures["midway command"] = o.Value("midway-command");
                return result;
            }

            default:
                throw new ArgumentException($"Unknown command '{command}'.");
        }
    }

    /// <summary>The admin token: --token, else --token-file, else $WARMTE_ADMIN_TOKEN.</summary>
    public static string Token(Options o) =>
        o.Value("token")
        ?? (o.Value("token-file") is { } tf ? File.ReadAllText(tf).Trim() : null)
        ?? Environment.GetEnvironmentVariable("WARMTE_ADMIN_TOKEN")
        ?? throw new ArgumentException("An admin token is needed: --token, --token-file or WARMTE_ADMIN_TOKEN.");

    private static async Task Shell(string command, TextWriter log)
    {
        using var process = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", command]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        log.WriteLine($"midway command exited {process.ExitCode}: {output.Trim()}");
    }

    /// <summary>One phase of write-compare, with the CPU the silo, PostgreSQL and this process used after its warm-up, and the load average then.</summary>
    private static async Task<(Recorder Recorder, double Seconds, (double Silo, double Postgres, double LoadGen, double LoadAverage, PgStats.Reading Db) Cpu)> WithCpu(
        int? siloPid, int? pgPid, TimeSpan warmup, Func<Task<(Recorder Recorder, double Seconds)>> phase, string? pg = null)
    {
        var running = phase();
        await Task.WhenAny(running, Task.Delay(warmup));
        var before = ProcessCpu.Read(siloPid, pgPid);
        var statsBefore = pg is null ? default : await PgStats.ReadAsync(pg);
        var load = LoadAverage();
        var (recorder, seconds) = await running;
        var after = ProcessCpu.Read(siloPid, pgPid);
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // the backends flush their statistics within a second of going idle
        var statsAfter = pg is null ? default : await PgStats.ReadAsync(pg);
        return (recorder, seconds, (after.Silo - before.Silo, after.Postgres - before.Postgres, after.LoadGen - before.LoadGen, load,
            new PgStats.Reading(statsAfter.Commits - statsBefore.Commits, statsAfter.RowsWritten - statsBefore.RowsWritten, statsAfter.RowsRead - statsBefore.RowsRead)));
    }

    private static double LoadAverage()
    {
        try { return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { return 0; }
    }

    private static int CountRows(JsonElement comparison)
    {
        // The comparison lists cooperatives with their projects; count project rows wherever they sit.
        var count = 0;
        void Walk(JsonElement e, string? name)
        {
            if (e.ValueKind == JsonValueKind.Object)
                foreach (var p in e.EnumerateObject()) Walk(p.Value, p.Name);
            else if (e.ValueKind == JsonValueKind.Array)
            {
                if (name is "projects" or "rows") count += e.GetArrayLength();
                foreach (var item in e.EnumerateArray()) Walk(item, null);
            }
        }
        Walk(comparison, null);
        return count;
    }

    /// <summary>Each silo's own memory figures (GET /api/diagnostics/memory forces a full GC on that silo first).</summary>
    private static async Task<List<JsonElement>> MemoryAsync(ServiceClient api)
    {
        var list = new List<JsonElement>();
        for (var i = 0; i < api.BaseUrls.Count; i++)
        {
            // Right after a start the silo may be too busy to answer within the client's time-out: try again.
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    using var response = await api.Silo(i).GetAsync("api/diagnostics/memory");
                    if (!response.IsSuccessStatusCode) return [];
                    list.Add(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
                    break;
                }
                catch (Exception e) when (attempt < 5 && e is HttpRequestException or TaskCanceledException)
                {
                    await Task.Delay(TimeSpan.FromSeconds(2));
                }
            }
        }
        return list;
    }

    private static Dictionary<string, long> ActivationCounts(JsonElement memory) =>
        memory.GetProperty("activations").EnumerateArray().ToDictionary(a => a.GetProperty("grainType").GetString()!, a => a.GetProperty("count").GetInt64());

    private static string Describe(List<JsonElement> memory) => memory.Count == 0
        ? "(no /api/diagnostics/memory)"
        : string.Join("; ", memory.Select(m => $"pid {m.GetProperty("processId")}: RSS {m.GetProperty("workingSetBytes").GetInt64() / 1048576} MB, managed {m.GetProperty("managedHeapBytes").GetInt64() / 1048576} MB"));
}

/// <summary>`--name value` options (repeatable), `--flag` switches and positional arguments.</summary>
public sealed class Options
{
    private static readonly HashSet<string> Switches = ["no-grants", "export"];
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    public List<string> Positional { get; } = [];

    public static Options Parse(IReadOnlyList<string> args)
    {
        var o = new Options();
        for (var i = 0; i < args.Count; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) { o.Positional.Add(args[i]); continue; }
            var name = args[i][2..];
            if (Switches.Contains(name)) { o._flags.Add(name); continue; }
            if (i + 1 >= args.Count) throw new ArgumentException($"--{name} needs a value.");
            if (!o._values.TryGetValue(name, out var list)) o._values[name] = list = [];
            list.Add(args[++i]);
        }
        return o;
    }

    public static Options Of(params string[] args) => Parse(args);

    public string? Value(string name) => _values.TryGetValue(name, out var list) ? list[^1] : null;

    public IEnumerable<string> Values(string name) => _values.TryGetValue(name, out var list) ? list : [];

    public bool Flag(string name) => _flags.Contains(name);

    public int Int(string name, int fallback) => Value(name) is { } v
        ? int.TryParse(v, out var n) ? n : throw new ArgumentException($"--{name}: '{v}' is not a whole number.")
        : fallback;

    public double Double(string name, double fallback) => Value(name) is { } v
        ? double.TryParse(v, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : throw new ArgumentException($"--{name}: '{v}' is not a number.")
        : fallback;
}
