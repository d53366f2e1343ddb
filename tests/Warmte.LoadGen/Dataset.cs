using System.Diagnostics;

namespace Warmte.LoadGen;

/// <summary>
/// The shape of a generated data set: <see cref="Cooperatives"/> heat cooperatives with
/// <see cref="ProjectsPerCooperative"/> projects each, members, one grant per project with a
/// tranche plan, and umbrellas grouping the cooperatives. Ids derive from the prefix and the
/// numbers, so the same shape always means the same ids.
/// </summary>
public sealed record Dataset(string Prefix, int Cooperatives, int ProjectsPerCooperative, int MembersPerCooperative = 40, bool Grants = true, int CooperativesPerUmbrella = 10,
    int BookingsPerProject = 0)
{
    /// <summary>Tranches in each generated grant: the most a grant may have, so a project has 400 tranche steps before it needs another grant.</summary>
    public const int TranchesPerGrant = 100;

    public const decimal TrancheAmount = 10_000m;

    public string CooperativeId(int c) => $"{Prefix}-c{c:D4}";

    public string ProjectId(int c, int p) => $"{Prefix}-c{c:D4}-p{p:D2}";

    public string UmbrellaId(int u) => $"{Prefix}-u{u:D3}";

    public int UmbrellaOf(int c) => c / Math.Max(1, CooperativesPerUmbrella);

    public int Umbrellas => (Cooperatives + Math.Max(1, CooperativesPerUmbrella) - 1) / Math.Max(1, CooperativesPerUmbrella);

    public int Projects => Cooperatives * ProjectsPerCooperative;

    public static string MemberNumber(int m) => $"L-{m + 1}";

    public IEnumerable<string> AllProjectIds() =>
        Enumerable.Range(0, Cooperatives).SelectMany(c => Enumerable.Range(0, ProjectsPerCooperative).Select(p => ProjectId(c, p)));

    public static string GrantId(int k) => $"load-{k}";

    /// <summary>
    /// Spending booking b of a project (issue 15's 100,000-project set: "a few bookings" each). Month, kind
    /// and amount follow from the numbers, and the idempotency key from the project and b, so a re-run books
    /// nothing twice and the same shape always means the same bookings.
    /// </summary>
    public static (object Body, string Key) BookingBody(string project, int c, int p, int b)
    {
        string[] kinds = ["Design", "BusinessCase", "Contracts", "Communication", "Organisation", "Advisers"];
        var month = new DateOnly(2020, 1, 1).AddMonths((c * 7 + p * 3 + b * 5) % 72);
        var amount = 1_000m + (c * 131 + p * 17 + b * 1_009) % 90_000 + 0.50m;
        return (new { month = month.ToString("yyyy-MM"), kind = kinds[(c + p + b) % kinds.Length], amount, note = "schaalproef" }, $"{project}-booking-{b}");
    }

    /// <summary>The funder of the data set's grants (a financier token <c>financier:&lt;FunderId&gt;</c> sees this set's portfolio only).</summary>
    public string FunderId => $"{Prefix}-funder";

    public static object GrantBody(int k, string? funderId = null) => new
    {
        id = GrantId(k), funder = "Rijk via gemeente", funderId, scheme = "PAW (belasting)", amountGranted = TranchesPerGrant * TrancheAmount,
        decidedOn = "2019-01-01",
        tranches = Enumerable.Range(0, TranchesPerGrant).Select(_ => new { amount = TrancheAmount }).ToArray(),
    };
}

/// <summary>
/// Creates a data set over the HTTP API, cooperatives in parallel. Idempotent: what exists
/// already (409 already-exists / already a member) is left as it is, so re-running on the same
/// database is fine and quick.
/// </summary>
public static class DatasetSetup
{
    public static async Task<MeasurementResult> RunAsync(ServiceClient api, Dataset set, int parallel, TextWriter log, string label = "setup")
    {
        var recorder = new Recorder();
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();

        async Task Expect(string operation, Task<Answer> call, bool conflictIsFine = true)
        {
            var answer = await call;
            recorder.For(operation).Record(answer.Status, answer.Micros);
            if (answer.Ok || (conflictIsFine && answer.Status == 409)) return;
            throw new InvalidOperationException($"Setup '{operation}' failed: {answer.Describe()}");
        }

        for (var u = 0; u < set.Umbrellas; u++)
            await Expect("umbrella", api.PostAsync("api/umbrellas", new { id = set.UmbrellaId(u), name = $"Belastingkoepel {set.Prefix} {u + 1}" }));

        var done = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, set.Cooperatives), new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (c, _) =>
        {
            var coop = set.CooperativeId(c);
            if (set.MembersPerCooperative == 0 && !set.Grants)
            {
                // Projects only (the 10,000-project set): when the cooperative's last project exists, so does the rest.
                var last = await api.GetAsync($"api/projects/{set.ProjectId(c, set.ProjectsPerCooperative - 1)}");
                recorder.For("exists?").Record(last.Status == 404 ? 200 : last.Status, last.Micros);
                if (last.Ok)
                {
                    Interlocked.Increment(ref done);
                    return;
                }
            }
            var umbrella = set.UmbrellaId(set.UmbrellaOf(c));
            var created = await api.PostAsync("api/cooperatives", new
            {
                id = coop, statutoryName = $"Coöperatie Belasting {set.Prefix} {c + 1} U.A.", kind = "HeatNetwork",
                municipality = "Amsterdam", foundedOn = "2019-12-18", umbrellas = new[] { umbrella },
            });
            recorder.For("cooperative").Record(created.Status, created.Micros);
            if (created.Status == 409) await Expect("umbrella-join", api.PostAsync($"api/cooperatives/{coop}/umbrellas", new { umbrellaId = umbrella }));
            else if (!created.Ok) throw new InvalidOperationException($"Setup 'cooperative' failed: {created.Describe()}");

            for (var p = 0; p < set.ProjectsPerCooperative; p++)
            {
                var project = set.ProjectId(c, p);
                await Expect("project", api.PostAsync($"api/cooperatives/{coop}/projects", new
                {
                    id = project, name = $"Warmtenet {project}", woningequivalenten = 1500, plannedConnections = 1000, startedOn = "2018-01-01",
                }));
                if (set.Grants) await Expect("grant", api.PostAsync($"api/projects/{project}/grants", Dataset.GrantBody(1, set.FunderId)));
                for (var b = 0; b < set.BookingsPerProject; b++)
                {
                    var (body, key) = Dataset.BookingBody(project, c, p, b);
                    await Expect("booking", api.PostAsync($"api/projects/{project}/spending", body, key: key));
                }
            }

            if (set.MembersPerCooperative > 0)
                await Expect("members", api.PostAsync($"api/cooperatives/{coop}/members", new
                {
                    members = Enumerable.Range(0, set.MembersPerCooperative).Select(m => new
                    {
                        number = Dataset.MemberNumber(m), name = $"Lid {m + 1}", category = "eigenaar-bewoner", woningequivalenten = 1,
                        postcode = "1054 AB", huisnummer = m + 1, joinedOn = "2020-01-01",
                    }).ToArray(),
                }), conflictIsFine: false);

            var n = Interlocked.Increment(ref done);
            if (n % Math.Max(1, set.Cooperatives / 10) == 0) log.WriteLine($"  setup {set.Prefix}: {n}/{set.Cooperatives} cooperatives");
        });

        var seconds = clock.Elapsed.TotalSeconds;
        return new MeasurementResult
        {
            Kind = "setup", Label = label, StartedAt = started, Seconds = seconds, Urls = api.BaseUrls, Concurrency = parallel,
            Operations = recorder.Results(seconds),
            Figures = new() { ["cooperatives"] = set.Cooperatives, ["projects"] = set.Projects, ["membersPerCooperative"] = set.MembersPerCooperative },
        };
    }
}
