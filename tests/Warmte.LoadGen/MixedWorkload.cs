using System.Text.Json;

namespace Warmte.LoadGen;

/// <summary>
/// The mixed read/write workload over a data set made by <see cref="DatasetSetup"/>: project
/// views, cash positions, spending bookings, ALV ballots, tranche steps, business-case
/// evaluations and umbrella comparisons, chosen at random by weight. Writes are chosen so that
/// the API accepts them (each ballot is a new member/proposal pair, each tranche step is the
/// next legal step of that tranche): any 4xx in a report is a generator bug or a service bug.
/// </summary>
public sealed class MixedWorkload
{
    public static readonly IReadOnlyDictionary<string, int> DefaultMix = new Dictionary<string, int>
    {
        ["view"] = 40, ["cash-position"] = 10, ["spending"] = 15, ["ballot"] = 10, ["tranche-step"] = 10, ["evaluate"] = 5, ["umbrella"] = 5,
    };

    /// <summary>Proposals on each run's meeting; with the members of the data set this bounds the distinct ballots per cooperative and run.</summary>
    public const int ProposalsPerMeeting = 20;

    private static readonly string[] SpendingKinds = ["Design", "BusinessCase", "Contracts", "Communication", "Organisation", "Advisers"];
    private static readonly string[] Choices = ["Voor", "Voor", "Voor", "Voor", "Voor", "Voor", "Voor", "Tegen", "Tegen", "Onthouding"];

    private readonly ServiceClient _api;
    private readonly Dataset _set;
    private readonly string[] _projects;
    private readonly (string Operation, int Weight)[] _mix;
    private readonly int _totalWeight;
    private readonly TrancheCursor[] _tranches;
    private readonly int[] _ballots;
    private readonly byte[] _evaluateBody;
    private readonly string _meetingId;

    public MixedWorkload(ServiceClient api, Dataset set, IReadOnlyDictionary<string, int>? mix = null, string? runId = null)
    {
        _api = api;
        _set = set;
        _projects = [.. set.AllProjectIds()];
        _mix = [.. (mix ?? DefaultMix).Where(kv => kv.Value > 0).Select(kv => (kv.Key, kv.Value))];
        foreach (var (op, _) in _mix)
            if (!DefaultMix.ContainsKey(op)) throw new ArgumentException($"Unknown operation '{op}'; known: {string.Join(", ", DefaultMix.Keys)}.");
        _totalWeight = _mix.Sum(m => m.Weight);
        _tranches = [.. _projects.Select(_ => new TrancheCursor())];
        _ballots = new int[set.Cooperatives];
        _evaluateBody = Utf8.Bytes("{\"model\":" + File.ReadAllText(ModelPath()) + "}");
        _meetingId = runId ?? "run-" + DateTimeOffset.UtcNow.ToString("yyMMddHHmmss") + "-" + Random.Shared.Next(1000, 9999);
    }

    public IReadOnlyList<string> Operations => [.. _mix.Select(m => m.Operation)];

    /// <summary>The reference model next to the program (copied at build), else found from the working directory up.</summary>
    public static string ModelPath()
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "ketelhuiswg.json");
        if (File.Exists(beside)) return beside;
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "models", "ketelhuiswg.json");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("models/ketelhuiswg.json not found.");
    }

    /// <summary>Before the clock starts: one ALV meeting per cooperative for this run, so the ballots have fresh proposals.</summary>
    public async Task PrepareAsync(int parallel)
    {
        if (!_mix.Any(m => m.Operation == "ballot")) return;
        await Parallel.ForEachAsync(Enumerable.Range(0, _set.Cooperatives), new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (c, _) =>
        {
            var answer = await _api.PostAsync($"api/cooperatives/{_set.CooperativeId(c)}/alv/meetings", new
            {
                id = _meetingId, title = "Belastingproef", date = "2024-06-15", noticeDate = "2024-05-01",
                proposals = Enumerable.Range(1, ProposalsPerMeeting).Select(p => new { id = $"p{p:D2}", title = $"Voorstel {p}", decisionType = "Overig" }).ToArray(),
            });
            if (!answer.Ok && answer.Status != 409) throw new InvalidOperationException($"Meeting for the ballots not created: {answer.Describe()}");
        });
    }

    /// <summary>Runs one operation chosen by weight and answers its name and outcome.</summary>
    public async Task<(string Operation, Answer Answer)> RunOneAsync(Random rng)
    {
        var pick = rng.Next(_totalWeight);
        var op = _mix[^1].Operation;
        foreach (var (name, weight) in _mix)
        {
            if (pick < weight) { op = name; break; }
            pick -= weight;
        }
        return await RunAsync(op, rng);
    }

    public async Task<(string Operation, Answer Answer)> RunAsync(string op, Random rng)
    {
        switch (op)
        {
            case "view":
                return (op, await _api.GetAsync($"api/projects/{RandomProject(rng)}"));
            case "cash-position":
                return (op, await _api.GetAsync($"api/projects/{RandomProject(rng)}/cash-position"));
            case "spending":
                return (op, await Spending(RandomProject(rng), rng));
            case "ballot":
                return (op, await Ballot(rng));
            case "tranche-step":
                return await TrancheStep(rng);
            case "evaluate":
                return (op, await _api.SendAsync(HttpMethod.Post, "api/business-cases/evaluate", _evaluateBody));
            case "umbrella":
                return (op, await _api.GetAsync($"api/umbrellas/{_set.UmbrellaId(rng.Next(_set.Umbrellas))}"));
            default:
                throw new ArgumentException($"Unknown operation '{op}'.");
        }
    }

    private string RandomProject(Random rng) => _projects[rng.Next(_projects.Length)];

    /// <summary>One spending booking: one grain state write (the project's cash plan), with a fresh idempotency key as a careful client sends.</summary>
    public Task<Answer> Spending(string project, Random rng)
    {
        var month = new DateOnly(2020, 1, 1).AddMonths(rng.Next(72));
        return _api.PostAsync($"api/projects/{project}/spending", new
        {
            month = month.ToString("yyyy-MM"), kind = SpendingKinds[rng.Next(SpendingKinds.Length)],
            amount = rng.Next(10_000, 10_000_000) / 100m, note = "belastingproef",
        }, key: Guid.NewGuid().ToString("N"));
    }

    public string RandomProjectId(Random rng) => RandomProject(rng);

    private Task<Answer> Ballot(Random rng)
    {
        var c = rng.Next(_set.Cooperatives);
        var members = Math.Max(1, _set.MembersPerCooperative);
        // Each ballot a new (member, proposal) pair; past the end the pairs repeat, which the API answers as a no-op.
        var index = Interlocked.Increment(ref _ballots[c]) - 1;
        var member = index % members;
        var proposal = index / members % ProposalsPerMeeting;
        return _api.PostAsync(
            $"api/cooperatives/{_set.CooperativeId(c)}/alv/meetings/{_meetingId}/proposals/p{proposal + 1:D2}/ballots",
            new { memberNumber = Dataset.MemberNumber(member), choice = Choices[(member * 7 + proposal) % Choices.Length] });
    }

    private async Task<(string, Answer)> TrancheStep(Random rng)
    {
        // One in-flight step per project: a second concurrent step on the same tranche would be refused (409) by the rules.
        var i = -1;
        for (var attempt = 0; attempt < 32 && i < 0; attempt++)
        {
            var candidate = rng.Next(_tranches.Length);
            if (Interlocked.CompareExchange(ref _tranches[candidate].Busy, 1, 0) == 0) i = candidate;
        }
        if (i < 0) return ("view", await _api.GetAsync($"api/projects/{RandomProject(rng)}"));
        var cursor = _tranches[i];
        try
        {
            var project = _projects[i];
            if (cursor.Next is null)
            {
                var known = await Locate(project, cursor);
                if (!known.Ok) return ("tranche-locate", known);
            }
            object body = cursor.Next switch
            {
                "accounting" => new { on = "2021-01-04", amount = 5_000m, periodFrom = "2020-01-01", periodTo = "2020-12-31", documents = new[] { "BELASTING-1" } },
                "pay" => new { on = "2021-01-04", amount = Dataset.TrancheAmount },
                _ => new { on = "2021-01-04" },
            };
            var answer = await _api.PostAsync($"api/projects/{project}/grants/{Dataset.GrantId(cursor.Grant)}/tranches/{cursor.Number}/{cursor.Next}", body,
                key: Guid.NewGuid().ToString("N"));
            if (answer.Ok) cursor.Advance();
            else cursor.Next = null; // read the state again next time
            return ("tranche-step", answer);
        }
        finally
        {
            Volatile.Write(ref cursor.Busy, 0);
        }
    }

    /// <summary>Finds the next step from the stored grants (after a restart or a re-run), recording a new grant when all are paid.</summary>
    private async Task<Answer> Locate(string project, TrancheCursor cursor)
    {
        var read = await _api.GetAsync($"api/projects/{project}/grants", readBody: true);
        if (!read.Ok) return read;
        var highest = 0;
        foreach (var view in read.Json().EnumerateArray().Select(v => v.GetProperty("grant"))
                     .Where(g => g.GetProperty("id").GetString()!.StartsWith("load-", StringComparison.Ordinal))
                     .OrderBy(g => int.Parse(g.GetProperty("id").GetString()!["load-".Length..])))
        {
            var k = int.Parse(view.GetProperty("id").GetString()!["load-".Length..]);
            highest = Math.Max(highest, k);
            foreach (var tranche in view.GetProperty("tranches").EnumerateArray())
            {
                var next = NextAction(tranche.GetProperty("status").GetString());
                if (next is null) continue;
                (cursor.Grant, cursor.Number, cursor.Next) = (k, tranche.GetProperty("number").GetInt32(), next);
                return read;
            }
        }
        var created = await _api.PostAsync($"api/projects/{project}/grants", Dataset.GrantBody(highest + 1));
        if (created.Ok) (cursor.Grant, cursor.Number, cursor.Next) = (highest + 1, 1, "request");
        return created;
    }

    private static string? NextAction(string? status) => status switch
    {
        "Gepland" => "request",
        "Aangevraagd" or "Afgekeurd" => "accounting",
        "VerantwoordingIngediend" => "approve",
        "Goedgekeurd" => "pay",
        _ => null,
    };

    private sealed class TrancheCursor
    {
        public int Busy;
        public int Grant;
        public int Number;
        public string? Next;

        public void Advance()
        {
            Next = Next switch { "request" => "accounting", "accounting" => "approve", "approve" => "pay", _ => "request" };
            if (Next != "request") return;
            Number++;
            if (Number > Dataset.TranchesPerGrant) Next = null; // all paid: the next locate records a new grant
        }
    }

    public static IReadOnlyDictionary<string, int> ParseMix(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Split('='))
            .ToDictionary(p => p[0], p => p.Length > 1 ? int.Parse(p[1]) : 1);

    internal static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
