using System.Net;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using Warmte.Alerts;
using Warmte.BusinessCase.Versions;
using Warmte.Common;
using Warmte.Cooperatives;
using Warmte.Registry;
using Warmte.Serialization;
using Warmte.Silo.Storage;
using Warmte.Tests.Infrastructure;
using Warmte.Umbrellas;

namespace Warmte.Tests.Umbrellas;

/// <summary>
/// The umbrella comparison and the portfolio read the project summaries (warmte_project_summary)
/// and answer exactly what the per-project computation gives — the old path, reading every
/// project's grains, done here — for every role scope; a change to one project shows in the
/// very next read; the summaries are stored fresh after a read, on SQLite and PostgreSQL.
/// </summary>
public sealed class WideViewSummaryTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_wide_views_from_the_summaries_answer_what_each_project_computes(bool postgres)
    {
        var clock = new FakeClock(Instant.FromUtc(2026, 6, 15, 9, 0));
        string? connectionString = postgres ? await (await PostgresServer.GetAsync()).CreateDatabaseAsync() : null;
        await using var server = await WarmteServer.StartAsync(postgres: connectionString, clock: clock);
        var admin = server.Client();
        var grains = server.App.Services.GetRequiredService<IGrainFactory>();

        Assert.Equal(HttpStatusCode.Created, (await admin.Post("api/umbrellas", new { id = "koepel", name = "Koepel" })).Status);
        foreach (var (coop, name) in new[] { ("coop-a", "Coöperatie Alfa U.A."), ("coop-b", "Coöperatie Beta U.A."), ("coop-c", "Coöperatie Gamma U.A.") })
            Assert.Equal(HttpStatusCode.Created, (await admin.Post("api/cooperatives", new
            {
                id = coop, statutoryName = name, kind = "HeatNetwork", municipality = "Amsterdam", foundedOn = "2019-12-18", umbrellas = new[] { "koepel" },
            })).Status);
        foreach (var (coop, project, name) in new[] { ("coop-a", "alfa-zuid", "Zuid"), ("coop-a", "alfa-noord", "Noord"), ("coop-b", "beta-1", "Beta één") })
            Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/cooperatives/{coop}/projects", new
            {
                id = project, name, woningequivalenten = 400, plannedConnections = 300, startedOn = "2024-01-01",
            })).Status);

        // Grants of two funders on alfa-zuid, one on alfa-noord; a tranche requested long ago (alerts, next payment).
        await Grant(admin, "alfa-zuid", "lening", "gemeente", 100_000.10m);
        await Grant(admin, "alfa-zuid", "paw", "rijk", 50_000m);
        await Grant(admin, "alfa-noord", "paw", "rijk", 70_000.55m);
        Assert.Equal(HttpStatusCode.OK, (await admin.Post("api/projects/alfa-zuid/grants/lening/tranches/1/request", new { on = "2026-01-05" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Post("api/projects/alfa-noord/grants/paw/tranches/1/request", new { on = "2026-05-20" })).Status);
        // An overdue milestone (an alert) and a business case (the comparison's money side).
        Assert.Equal(HttpStatusCode.OK, (await admin.Put("api/projects/beta-1/milestones/start-bouw", new { name = "Start bouw", plannedOn = "2026-03-01" })).Status);
        Assert.Equal(HttpStatusCode.Created, (await admin.Post("api/projects/alfa-noord/business-cases",
            new { note = "eerste", model = JsonNode.Parse(RepoFiles.Read("models", "zonnedak-sporthal.json")) })).Status);

        var gemeente = server.Client((await admin.Post("api/tokens", new { name = "gemeente", role = "financier:gemeente" })).Text("token"));
        var rijk = server.Client((await admin.Post("api/tokens", new { name = "rijk", role = "financier:rijk" })).Text("token"));

        async Task SameAsPerProject(string why)
        {
            foreach (var (client, scope) in new[] { (admin, (string?)null), (gemeente, "gemeente"), (rijk, "rijk") })
            {
                var portfolio = await client.Get("api/portfolio");
                Assert.Equal(HttpStatusCode.OK, portfolio.Status);
                AssertJsonEqual(await PortfolioPerProject(grains, clock, scope), portfolio.Raw, $"{why}: portfolio for {scope ?? "all"}");
            }
            var comparison = await admin.Get("api/umbrellas/koepel");
            Assert.Equal(HttpStatusCode.OK, comparison.Status);
            AssertJsonEqual(await ComparisonPerProject(grains, clock, "koepel"), comparison.Raw, $"{why}: comparison");
        }

        await SameAsPerProject("first read");
        // After a read every project has a fresh summary of today.
        var stored = await server.App.Services.GetRequiredService<Journal.IJournalStore>().ReadProjectSummariesAsync();
        Assert.Equal(["alfa-noord", "alfa-zuid", "beta-1"], stored.Select(s => s.ProjectId).Order());
        Assert.All(stored, s => Assert.False(s.Stale));
        Assert.All(stored, s => Assert.Equal(new LocalDate(2026, 6, 15), s.AsOf));
        await SameAsPerProject("second read");

        // A change to one project shows in the very next read: a tranche paid, a milestone done, a business case saved.
        Assert.Equal(HttpStatusCode.OK, (await admin.Post("api/projects/alfa-zuid/grants/lening/tranches/1/accounting",
            new { on = "2026-01-06", amount = 1_000m, periodFrom = "2025-12-01", periodTo = "2025-12-31" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Post("api/projects/alfa-zuid/grants/lening/tranches/1/approve", new { on = "2026-01-10" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Post("api/projects/alfa-zuid/grants/lening/tranches/1/pay", new { on = "2026-01-20", amount = 40_000.05m })).Status);
        var paid = (await gemeente.Get("api/portfolio")).Body;
        Assert.Equal(40_000.05m, paid.GetProperty("paid").GetDecimal());
        await SameAsPerProject("after a payment");

        Assert.Equal(HttpStatusCode.OK, (await admin.Put("api/projects/beta-1/milestones/start-bouw",
            new { name = "Start bouw", plannedOn = "2026-03-01", actualOn = "2026-06-01" })).Status);
        var beta = (await admin.Get("api/umbrellas/koepel")).Body.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("projectId").GetString() == "beta-1");
        Assert.Equal(0, beta.GetProperty("finance").GetProperty("openAlerts").GetInt32());
        Assert.Equal(HttpStatusCode.Created, (await admin.Post("api/projects/alfa-zuid/business-cases",
            new { note = "tweede", model = JsonNode.Parse(RepoFiles.Read("models", "ketelhuiswg.json")) })).Status);
        var zuid = (await admin.Get("api/umbrellas/koepel")).Body.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("projectId").GetString() == "alfa-zuid");
        Assert.Equal(30_000_000m, zuid.GetProperty("finance").GetProperty("investment").GetDecimal());
        await SameAsPerProject("after a milestone and a business case");

        // A new day: the summaries of yesterday are not shown (days overdue, months in phase move on).
        clock.AdvanceDays(40);
        await SameAsPerProject("forty days later");

        // A new project with nothing stored yet shows at once.
        Assert.Equal(HttpStatusCode.Created, (await admin.Post("api/cooperatives/coop-c/projects", new
        {
            id = "gamma-1", name = "Gamma", woningequivalenten = 10, plannedConnections = 10, startedOn = "2025-01-01",
        })).Status);
        await Grant(admin, "gamma-1", "paw", "rijk", 1m);
        await SameAsPerProject("a new project");
        Assert.Contains((await rijk.Get("api/portfolio")).Body.GetProperty("projects").EnumerateArray(), p => p.GetProperty("projectId").GetString() == "gamma-1");
    }

    /// <summary>
    /// The day's figures are derived from the stored rows, so the calendar alone recomputes nothing:
    /// across midnight, a milestone's planned date passing, a month in phase completing and a
    /// tranche's accounting falling due, the views still answer exactly what the per-project
    /// computation answers, and their read asks no grain for any project (a recording grain
    /// factory sees every call). A change to one project recomputes that project only.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_summaries_follow_the_calendar_without_recomputing_a_project(bool postgres)
    {
        // 23:59 in Amsterdam on 15 June (summer time: UTC+2).
        var clock = new FakeClock(Instant.FromUtc(2026, 6, 15, 21, 59));
        string? connectionString = postgres ? await (await PostgresServer.GetAsync()).CreateDatabaseAsync() : null;
        await using var server = await WarmteServer.StartAsync(postgres: connectionString, clock: clock);
        var admin = server.Client();
        var grains = server.App.Services.GetRequiredService<IGrainFactory>();
        var store = server.App.Services.GetRequiredService<Journal.IJournalStore>();

        Assert.Equal(HttpStatusCode.Created, (await admin.Post("api/umbrellas", new { id = "koepel", name = "Koepel" })).Status);
        Assert.Equal(HttpStatusCode.Created, (await admin.Post("api/cooperatives", new
        {
            id = "coop-a", statutoryName = "Coöperatie Alfa U.A.", kind = "HeatNetwork", municipality = "Amsterdam", foundedOn = "2019-12-18", umbrellas = new[] { "koepel" },
        })).Status);
        string[] projects = ["rustig", "zuid", "noord"];
        foreach (var project in projects)
            Assert.Equal(HttpStatusCode.Created, (await admin.Post("api/cooperatives/coop-a/projects", new
            {
                id = project, name = project, woningequivalenten = 100, plannedConnections = 80, startedOn = "2026-01-16",
            })).Status);
        // In phase since 16 January: 4 whole months on the 15th of June, 5 from the 16th.
        // zuid: a tranche requested on 20 May (its accounting is overdue after 60 days: from 20 July) and
        // a milestone planned for 16 June (overdue from the 17th). noord: a grant with nothing requested.
        // A declaration scheme (tester T3): its first tranche waits for the board's accounting, so the alert comes with the calendar.
        await Grant(admin, "zuid", "paw", "rijk", 80_000m, firstTrancheAdvance: false);
        Assert.Equal(HttpStatusCode.OK, (await admin.Post("api/projects/zuid/grants/paw/tranches/1/request", new { on = "2026-05-20" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Put("api/projects/zuid/milestones/start-bouw", new { name = "Start bouw", plannedOn = "2026-06-16" })).Status);
        await Grant(admin, "noord", "lening", "gemeente", 25_000.25m);
        var rijk = server.Client((await admin.Post("api/tokens", new { name = "rijk", role = "financier:rijk" })).Text("token"));

        async Task SameAsPerProject(string why)
        {
            foreach (var (client, scope) in new[] { (admin, (string?)null), (rijk, "rijk") })
                AssertJsonEqual(await PortfolioPerProject(grains, clock, scope), (await client.Get("api/portfolio")).Raw, $"{why}: portfolio for {scope ?? "all"}");
            AssertJsonEqual(await ComparisonPerProject(grains, clock, "koepel"), (await admin.Get("api/umbrellas/koepel")).Raw, $"{why}: comparison");
        }
        // The projects the read asked a grain for (none while the stored rows cover the day).
        async Task<string[]> AskedByRead()
        {
            var recording = RecordingGrainFactory.Wrap(grains);
            var rows = await ProjectSummaries.ReadAsync(store, recording.Factory, projects, AmsterdamTime.Today(clock));
            Assert.Equal(projects.Order(), rows.Keys.Order());
            return [.. recording.Keys.Distinct().Order()];
        }
        async Task<JsonElement> Zuid() => (await admin.Get("api/umbrellas/koepel")).Body.GetProperty("rows").EnumerateArray()
            .Single(r => r.GetProperty("projectId").GetString() == "zuid");

        await SameAsPerProject("first read, 23:59");
        Assert.Equal(0, (await Zuid()).GetProperty("finance").GetProperty("openAlerts").GetInt32());
        Assert.Equal(4, (await Zuid()).GetProperty("monthsInPhase").GetInt32());

        (Instant At, string Why, int MonthsInPhase, int Alerts)[] moments =
        [
            (Instant.FromUtc(2026, 6, 15, 22, 1), "00:01 the next day: a month in phase more", 5, 0),
            (Instant.FromUtc(2026, 6, 17, 8, 0), "the milestone's planned date passed", 5, 1),
            (Instant.FromUtc(2026, 7, 15, 8, 0), "a month later, a day short of a month in phase", 5, 1),
            (Instant.FromUtc(2026, 7, 20, 8, 0), "the tranche's accounting fell due", 6, 2),
            (Instant.FromUtc(2026, 9, 1, 8, 0), "two months on", 7, 2),
        ];
        foreach (var (at, why, months, alerts) in moments)
        {
            clock.Reset(at);
            Assert.Empty(await AskedByRead());
            await SameAsPerProject(why);
            var zuid = await Zuid();
            Assert.Equal(months, zuid.GetProperty("monthsInPhase").GetInt32());
            Assert.Equal(alerts, zuid.GetProperty("finance").GetProperty("openAlerts").GetInt32());
        }

        // A change to one project: that one only is recomputed (by the read, unless the change's own
        // one-way refresh came first).
        Assert.Equal(HttpStatusCode.OK, (await admin.Put("api/projects/zuid/milestones/start-bouw",
            new { name = "Start bouw", plannedOn = "2026-06-16", actualOn = "2026-08-01" })).Status);
        Assert.Subset(new HashSet<string> { "zuid" }, (await AskedByRead()).ToHashSet());
        Assert.Empty(await AskedByRead());
        await SameAsPerProject("after a change");
        Assert.Equal(1, (await Zuid()).GetProperty("finance").GetProperty("openAlerts").GetInt32());
    }

    internal static async Task Grant(HttpClient admin, string project, string id, string funderId, decimal amount, bool firstTrancheAdvance = true)
    {
        var created = await admin.Post($"api/projects/{project}/grants", new
        {
            id, funder = funderId, scheme = "Regeling " + id, funderId, amountGranted = amount, decidedOn = "2025-12-01",
            tranches = new[] { new { amount } }, firstTrancheAdvance,
        });
        Assert.Equal(HttpStatusCode.Created, created.Status);
    }

    internal static void AssertJsonEqual(object expected, string actualJson, string why)
    {
        var e = JsonNode.Parse(JsonSerializer.Serialize(expected, WarmteJson.Default));
        var a = JsonNode.Parse(actualJson);
        Assert.True(JsonNode.DeepEquals(e, a), $"{why}\nexpected: {e!.ToJsonString()}\nactual:   {a!.ToJsonString()}");
    }

    /// <summary>The portfolio as the endpoint computed it before the summaries: every project's grains, every call.</summary>
    internal static async Task<object> PortfolioPerProject(IGrainFactory grains, IClock clock, string? scope)
    {
        var today = AmsterdamTime.Today(clock);
        var facts = await Task.WhenAll((await ProjectDirectory.AllProjectIdsAsync(grains)).Select(id => ProjectFacts.LoadAsync(grains, id, today)));
        var funded = facts.OfType<ProjectFacts>()
            .Select(f => scope is null ? f : f with { Grants = [.. f.Grants.Where(g => g.Grant.FunderId == scope)] })
            .Where(f => !f.Grants.IsEmpty).Select(Portfolio.Row).ToList();
        // Each row names its cooperative by its statutory name (tester T8.7), from the cooperative's own grain.
        var names = new Dictionary<string, string?>();
        foreach (var id in funded.Select(r => r.CooperativeId).Distinct())
            names[id] = (await grains.GetGrain<ICooperativeGrain>(id).Get())?.Cooperative.StatutoryName;
        funded = [.. funded.Select(r => r with { CooperativeName = names[r.CooperativeId] })];
        return new
        {
            asOf = today, funderId = scope,
            granted = funded.Sum(r => r.Granted), paid = funded.Sum(r => r.Paid), outstanding = funded.Sum(r => r.Outstanding),
            projects = Portfolio.Sort(funded),
        };
    }

    /// <summary>The comparison as the umbrella grain computed it before the summaries: every member's and project's grains.</summary>
    private static async Task<UmbrellaComparison> ComparisonPerProject(IGrainFactory grains, IClock clock, string umbrellaId)
    {
        var umbrella = (await grains.GetGrain<IUmbrellaGrain>(umbrellaId).Get())!;
        var today = AmsterdamTime.Today(clock);
        var views = (await Task.WhenAll(umbrella.Members.Select(m => grains.GetGrain<ICooperativeGrain>(m).Get()))).OfType<CooperativeView>().ToList();
        var finance = await Task.WhenAll(views.SelectMany(v => v.Projects).Select(async p =>
        {
            var businessCase = await grains.GetGrain<IBusinessCaseGrain>(p.Id).Financing();
            var facts = await ProjectFacts.LoadAsync(grains, p.Id, today);
            return (p.Id, UmbrellaRules.Finance(facts?.Grants ?? [], businessCase, facts?.Alerts.Length ?? 0) with
            {
                RunwayMonths = facts?.Outlook?.RunwayMonths, CashShortFrom = facts?.Outlook?.CashShortFrom, Shortfall = facts?.Outlook?.Shortfall,
            });
        }));
        var registers = await Task.WhenAll(umbrella.Members.Select(async m => (m, (await grains.GetGrain<Members.IMemberRegisterGrain>(m).Summary()).Members)));
        return new UmbrellaComparison
        {
            Id = umbrella.Id, Name = umbrella.Name, AsOf = today,
            Rows = UmbrellaRules.Rows(views, finance.ToDictionary(f => f.Item1, f => f.Item2), registers.ToDictionary(r => r.m, r => r.Members)),
        };
    }
}

/// <summary>An <see cref="IGrainFactory"/> that forwards every call and records the string keys of the grains asked for.</summary>
public class RecordingGrainFactory : DispatchProxy
{
    private IGrainFactory _inner = null!;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _keys = new();

    public IEnumerable<string> Keys => _keys;

    public IGrainFactory Factory => (IGrainFactory)(object)this;

    public static RecordingGrainFactory Wrap(IGrainFactory inner)
    {
        var proxy = Create<IGrainFactory, RecordingGrainFactory>();
        var recording = (RecordingGrainFactory)(object)proxy;
        recording._inner = inner;
        return recording;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        if (targetMethod!.Name == nameof(IGrainFactory.GetGrain) && args is { Length: > 0 } && args[0] is string key) _keys.Enqueue(key);
        try { return targetMethod.Invoke(_inner, args); }
        catch (TargetInvocationException e) { throw e.InnerException!; }
    }
}
