using System.Collections.Concurrent;
using System.Collections.Immutable;
using NodaTime;
using Warmte.Alerts;
using Warmte.BusinessCase.Engine;
using Warmte.BusinessCase.Model;
using Warmte.BusinessCase.Versions;
using Warmte.CashFlow;
using Warmte.Common;
using Warmte.Cooperatives;
using Warmte.Grants;
using Warmte.Projects;
using Warmte.Umbrellas;

namespace Warmte.Spreadsheets.Export;

/// <summary>When and by whom an export was made: shown on the Toelichting sheet.</summary>
public sealed record ExportContext(Instant ExportedAt, string? ExportedBy)
{
    public LocalDate Today => AmsterdamTime.DateOf(ExportedAt);
}

/// <summary>The latest saved business-case version of a project, read back into the engine's inputs.</summary>
public sealed record BusinessCaseExport(int Version, Instant SavedAt, string SavedBy, Inputs Inputs, KpiSummary Kpis);

/// <summary>Everything one project's sheet shows, loaded before any cell is written.</summary>
public sealed record ProjectExport
{
    public required ProjectView Project { get; init; }
    public required string CooperativeName { get; init; }
    public required CooperativeKind Kind { get; init; }
    public BusinessCaseExport? BusinessCase { get; init; }
    public ImmutableArray<GrantView> Grants { get; init; } = [];
    /// <summary>The saved cash-flow plan simulated under today's regime (tranches after accounting); null without a plan.</summary>
    public CashFlowResult? CashFlow { get; init; }
    /// <summary>
    /// The actual cash line (actual up to today, expected after it from the actual state), as <c>warmte cash-timeline</c> shows it:
    /// the project sheet's "Kaspositie per maand" (tester T3). Null without a plan; then the sheet shows the plan's simulation, titled so.
    /// </summary>
    public CashTimeline? CashTimeline { get; init; }
    /// <summary>The project's alerts as the API gives them (<see cref="ProjectFacts.Alerts"/>), the gate-evidence alerts included.</summary>
    public ImmutableArray<Alert> Alerts { get; init; } = [];
    /// <summary>The alerts on the evidence of a passed gate (<see cref="GateEvidence"/>): they do not depend on whose grants are shown.</summary>
    public ImmutableArray<Alert> GateAlerts { get; init; } = [];
    /// <summary>When the alert watch first raised each forecast alert (<see cref="AlertSince"/>), so a funder's scoped alerts keep their dates.</summary>
    public ImmutableDictionary<string, LocalDate>? FirstSeen { get; init; }
    /// <summary>Counts of the cooperative's member register (no personal data in exports).</summary>
    public Members.MemberSummary? Members { get; init; }
    /// <summary>The ALV's realisatiebesluit in force on this project; null when none was taken.</summary>
    public Alv.DecisionStatus? Realisatiebesluit { get; init; }
    /// <summary>Tenant consent per complex, without answers per address.</summary>
    public TenantConsent.ConsentStatus? Consent { get; init; }
    /// <summary>Budget and actual spending per month and category (project export only; see <see cref="BudgetSheet"/>).</summary>
    public ImmutableArray<Import.BudgetRow> Budget { get; init; } = [];

    /// <summary>
    /// What the API's alerts and portfolio row are computed from, with <paramref name="grants"/> (all, or one funder's):
    /// one source for every view (tester T7: the workbooks recomputed the alerts without the gate-evidence ones).
    /// </summary>
    public ProjectFacts Facts(ImmutableArray<GrantView> grants, LocalDate today) => new(Project, grants, CashFlow?.Outlook, today, GateAlerts, FirstSeen);
}

/// <summary>An umbrella's comparison rows plus the detail of each project in it.</summary>
public sealed record UmbrellaExport(UmbrellaComparison Comparison, ImmutableDictionary<string, ProjectExport> Projects);

/// <summary>The financier's portfolio rows plus the detail of each project in it.</summary>
public sealed record PortfolioExport(LocalDate AsOf, ImmutableArray<PortfolioRow> Rows, ImmutableDictionary<string, ProjectExport> Projects);

/// <summary>
/// Reads what an export needs from the grains, read-only and in parallel: the same reads the API's
/// project, business-case, grant, cash-flow and alert endpoints make.
/// </summary>
public static class ExportLoader
{
    /// <summary>
    /// What one export reads once per cooperative, however many of its projects are exported: the
    /// cooperative itself and its member register's summary (an umbrella of 100 cooperatives × 10
    /// projects asked each of them ten times before).
    /// </summary>
    private sealed class PerCooperative(IGrainFactory grains)
    {
        private readonly ConcurrentDictionary<string, Lazy<Task<CooperativeView?>>> _cooperatives = new();
        private readonly ConcurrentDictionary<string, Lazy<Task<Members.MemberSummary>>> _members = new();

        public Task<CooperativeView?> Cooperative(string id) =>
            _cooperatives.GetOrAdd(id, key => new Lazy<Task<CooperativeView?>>(() => grains.GetGrain<ICooperativeGrain>(key).Get())).Value;

        public Task<Members.MemberSummary> Members(string id) =>
            _members.GetOrAdd(id, key => new Lazy<Task<Members.MemberSummary>>(() => grains.GetGrain<Members.IMemberRegisterGrain>(key).Summary())).Value;
    }

    /// <summary>One project, with its budget sheet's rows (the umbrella and portfolio exports leave those out).</summary>
    public static async Task<ProjectExport?> ProjectAsync(IGrainFactory grains, string projectId, LocalDate today)
    {
        if (await ProjectAsync(grains, projectId, today, new PerCooperative(grains)) is not { } project) return null;
        var cashPlan = grains.GetGrain<ICashFlowPlanGrain>(projectId);
        var plan = await cashPlan.Get() is { } info && PlanReader.Read(info.PlanJson) is { IsOk: true } read ? read.Value : null;
        // The budget on the cash timeline's calendar, as the budget import places it (stalls that happened and the forecast ones).
        var calendar = plan is null ? null : (await cashPlan.Timeline(Regime.Tranches, today.ToYearMonth())) is { IsOk: true } line ? line.Value!.Calendar : null;
        return project with { Budget = BudgetSheet.Lines(plan, await cashPlan.SpendingByKind(), calendar) };
    }

    private static async Task<ProjectExport?> ProjectAsync(IGrainFactory grains, string projectId, LocalDate today, PerCooperative shared)
    {
        var factsTask = ProjectFacts.LoadAsync(grains, projectId, today);
        var financingTask = grains.GetGrain<IBusinessCaseGrain>(projectId).Financing();
        var cashTask = grains.GetGrain<ICashFlowPlanGrain>(projectId).Simulate(Regime.Tranches, today.ToYearMonth());
        var timelineTask = grains.GetGrain<ICashFlowPlanGrain>(projectId).Timeline(Regime.Tranches, today.ToYearMonth());
        if (await factsTask is not { } facts) return null;
        var cooperative = await shared.Cooperative(facts.Project.CooperativeId);
        var members = shared.Members(facts.Project.CooperativeId);
        var decision = grains.GetGrain<Alv.IAlvGrain>(facts.Project.CooperativeId).DecisionFor(projectId, Alv.DecisionType.Realisatiebesluit);
        var consent = grains.GetGrain<TenantConsent.ITenantConsentGrain>(projectId).Status(withAddresses: false);
        BusinessCaseExport? businessCase = null;
        if (await financingTask is { } financing
            && await grains.GetGrain<IBusinessCaseGrain>(projectId).Get(financing.Version) is { } version
            && ModelReader.Read(version.ModelJson) is { IsOk: true } read)
            businessCase = new BusinessCaseExport(version.Version, version.SavedAt, version.SavedBy, read.Value!, version.Kpis);
        var cash = await cashTask;
        var timeline = await timelineTask;
        return new ProjectExport
        {
            Project = facts.Project,
            CooperativeName = cooperative?.Cooperative.StatutoryName ?? facts.Project.CooperativeId,
            Kind = cooperative?.Cooperative.Kind ?? CooperativeKind.HeatNetwork,
            BusinessCase = businessCase,
            Grants = facts.Grants,
            CashFlow = cash.IsOk ? cash.Value : null,
            CashTimeline = timeline.IsOk ? timeline.Value : null,
            Alerts = facts.Alerts,
            GateAlerts = facts.GateAlerts.IsDefault ? [] : facts.GateAlerts,
            FirstSeen = facts.FirstSeen,
            Members = await members,
            Realisatiebesluit = await decision,
            Consent = await consent,
        };
    }

    public static async Task<ImmutableDictionary<string, ProjectExport>> ProjectsAsync(IGrainFactory grains, IEnumerable<string> projectIds, LocalDate today)
    {
        var shared = new PerCooperative(grains);
        var loaded = await Task.WhenAll(projectIds.Distinct().Select(id => ProjectAsync(grains, id, today, shared)));
        return loaded.OfType<ProjectExport>().ToImmutableDictionary(p => p.Project.Id);
    }

    /// <summary>The umbrella's comparison and its projects; null when the umbrella does not exist.</summary>
    public static async Task<UmbrellaExport?> UmbrellaAsync(IGrainFactory grains, string umbrellaId, LocalDate today)
    {
        if (await grains.GetGrain<IUmbrellaGrain>(umbrellaId).Compare() is not { } comparison) return null;
        return await UmbrellaAsync(grains, comparison, today);
    }

    /// <summary>The umbrella's projects for a comparison already read (the API counts them first).</summary>
    public static async Task<UmbrellaExport> UmbrellaAsync(IGrainFactory grains, UmbrellaComparison comparison, LocalDate today)
    {
        var projects = await ProjectsAsync(grains, comparison.Rows.Select(r => r.ProjectId).OfType<string>(), today);
        return new UmbrellaExport(comparison, projects);
    }

    /// <summary>Every funded project (one with a grant), most urgent first, as GET /api/portfolio lists them.</summary>
    /// <summary>The portfolio; for a financier of one funder (<paramref name="funderId"/>) only that funder's grants, as the API's portfolio.</summary>
    public static async Task<PortfolioExport> PortfolioAsync(IGrainFactory grains, LocalDate today, string? funderId = null) =>
        await PortfolioAsync(grains, await Registry.ProjectDirectory.AllProjectIdsAsync(grains), today, funderId);

    /// <summary>The portfolio over the projects <paramref name="ids"/> (the API counts them first).</summary>
    public static async Task<PortfolioExport> PortfolioAsync(IGrainFactory grains, ImmutableArray<string> ids, LocalDate today, string? funderId)
    {
        var projects = await ProjectsAsync(grains, ids, today);
        var rows = Portfolio.Sort(projects.Values
            .Select(p => (p, Grants: funderId is null ? p.Grants : [.. p.Grants.Where(g => g.Grant.FunderId == funderId)]))
            .Where(x => !x.Grants.IsEmpty)
            .Select(x => Portfolio.Row(x.p.Facts(x.Grants, today))));
        // The project sheets too: a financier of one funder sees its own grants there, and the alerts they raise, as in
        // its portfolio rows; another funder's grant appears nowhere in its workbook (issue 16).
        return new PortfolioExport(today, rows, projects.Where(p => rows.Any(r => r.ProjectId == p.Key))
            .ToImmutableDictionary(p => p.Key, p => funderId is null ? p.Value : ScopedTo(p.Value, funderId, today)));
    }

    /// <summary>The export with every stored actor name (the business case's "saved by") as <paramref name="shown"/> gives it to the caller.</summary>
    public static ProjectExport ShowingActors(this ProjectExport project, Func<string, string> shown) =>
        project.BusinessCase is { } bc ? project with { BusinessCase = bc with { SavedBy = shown(bc.SavedBy) } } : project;

    public static UmbrellaExport ShowingActors(this UmbrellaExport export, Func<string, string> shown) =>
        export with { Projects = export.Projects.ToImmutableDictionary(p => p.Key, p => p.Value.ShowingActors(shown)) };

    public static PortfolioExport ShowingActors(this PortfolioExport export, Func<string, string> shown) =>
        export with { Projects = export.Projects.ToImmutableDictionary(p => p.Key, p => p.Value.ShowingActors(shown)) };

    /// <summary>A project's sheet data with only <paramref name="funderId"/>'s grants, and the alerts computed from those.</summary>
    public static ProjectExport ScopedTo(ProjectExport project, string funderId, LocalDate today)
    {
        var grants = project.Grants.Where(g => g.Grant.FunderId == funderId).ToImmutableArray();
        return project with { Grants = grants, Alerts = project.Facts(grants, today).Alerts };
    }
}
