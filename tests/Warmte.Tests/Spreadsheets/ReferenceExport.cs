using System.Collections.Immutable;
using NodaTime;
using Warmte.Alerts;
using Warmte.BusinessCase.Engine;
using Warmte.BusinessCase.Model;
using Warmte.BusinessCase.Versions;
using Warmte.CashFlow;
using Warmte.Cooperatives;
using Warmte.Gates;
using Warmte.Grants;
using Warmte.Projects;
using Warmte.Spreadsheets.Export;
using Warmte.Tests.Domain;
using Warmte.Tests.Grants;
using Warmte.Tests.Infrastructure;
using Warmte.Umbrellas;

namespace Warmte.Tests.Spreadsheets;

/// <summary>
/// An umbrella built in memory from the reference models: KetelhuisWG (heat network, the PAW grant
/// with one tranche paid and one waiting, the development cash-flow plan), a solar roof (its own
/// model, no grant, no plan), and a communication cooperative without a project.
/// </summary>
public static class ReferenceExport
{
    public static readonly LocalDate Today = new(2026, 11, 22);
    public static readonly Instant Now = Instant.FromUtc(2026, 11, 22, 12, 0);
    public static readonly ExportContext Context = new(Now, "coordinator-test");

    public static Inputs Model(string file) => ModelReader.Read(RepoFiles.Read("models", file)).Value!;

    public static ProjectExport KetelhuisWg()
    {
        var record = ProjectRulesTests.NewProject();
        var grant = GrantRulesTests.Through(GrantRulesTests.Through(GrantRulesTests.Paw(), 1, new LocalDate(2024, 1, 10), TrancheStatus.Uitbetaald),
            2, new LocalDate(2026, 3, 1), TrancheStatus.VerantwoordingIngediend);
        ImmutableArray<GrantView> grants = [GrantView.Of(grant)];
        var plan = PlanReader.Read(RepoFiles.Read("models", "ketelhuiswg-ontwikkeling.json")).Value!;
        var cash = CashFlowSimulator.Simulate(plan, Regime.Tranches, Today.ToYearMonth());
        // The project sheet shows the actual cash line (tester T3): tranche 1 paid, nothing booked, then the projection.
        var timeline = ProjectCash.Timeline(new CashFacts(plan, grants, [], []), Regime.Tranches, Today);
        return Project(record, "Coöperatie KetelhuisWG U.A.", CooperativeKind.HeatNetwork, Model("ketelhuiswg.json"), grants, cash)
            with { CashTimeline = timeline };
    }

    public static ProjectExport Zonnedak()
    {
        var record = ProjectRulesTests.NewProject() with { Id = "zonnedak-sporthal", CooperativeId = "zon-oost", Name = "Zonnedak sporthal Oost", Woningequivalenten = 450 };
        return Project(record, "Energiecoöperatie Zon Oost U.A.", CooperativeKind.LocalGeneration, Model("zonnedak-sporthal.json"), [], null);
    }

    public static ProjectExport Project(ProjectRecord record, string cooperative, CooperativeKind kind, Inputs inputs,
        ImmutableArray<GrantView> grants, CashFlowResult? cash)
    {
        var view = ProjectView.Of(record, GateRules.Default, Today);
        return new ProjectExport
        {
            Project = view,
            CooperativeName = cooperative,
            Kind = kind,
            BusinessCase = new BusinessCaseExport(1, Now.Minus(Duration.FromDays(30)), "board:" + record.CooperativeId, inputs,
                KpiSummary.Of(inputs, BusinessCaseEngine.Evaluate(inputs).Kpis)),
            Grants = grants,
            CashFlow = cash,
            Alerts = AlertRules.For(view, grants, Today, cash?.Outlook),
        };
    }

    /// <summary>The umbrella of the given projects (each in its own cooperative) plus one cooperative without a project.</summary>
    public static UmbrellaExport Umbrella(params ProjectExport[] projects)
    {
        var views = projects.Select(p => new CooperativeView
        {
            Cooperative = Cooperative(p.Project.CooperativeId, p.CooperativeName, p.Kind, [p.Project.Id]),
            Projects =
            [
                new ProjectSummary
                {
                    Id = p.Project.Id, Name = p.Project.Name, Phase = p.Project.Phase, PhaseSince = p.Project.PhaseSince,
                    MonthsInPhase = p.Project.MonthsInPhase, Woningequivalenten = p.Project.Woningequivalenten,
                    NextUnmetCondition = p.Project.NextUnmetCondition, LastChangeAt = Now.Minus(Duration.FromHours(5)),
                },
            ],
        }).Append(new CooperativeView { Cooperative = Cooperative("oranje-energie", "Oranje Energie", CooperativeKind.Communication, []), Projects = [] });
        var finance = projects.ToDictionary(p => p.Project.Id, p => UmbrellaRules.Finance(p.Grants,
            new FinancingStatus(p.BusinessCase!.Version, p.BusinessCase.SavedAt, p.BusinessCase.Kpis), p.Alerts.Length) with
            {
                RunwayMonths = p.CashFlow?.Outlook?.RunwayMonths, CashShortFrom = p.CashFlow?.Outlook?.CashShortFrom, Shortfall = p.CashFlow?.Outlook?.Shortfall,
            });
        var registers = projects.Where(p => p.Members is not null).ToDictionary(p => p.Project.CooperativeId, p => p.Members!.Members);
        var comparison = new UmbrellaComparison { Id = "apec", Name = "APEC", AsOf = Today, Rows = UmbrellaRules.Rows(views, finance, registers) };
        return new UmbrellaExport(comparison, projects.ToImmutableDictionary(p => p.Project.Id));
    }

    private static CooperativeRecord Cooperative(string id, string name, CooperativeKind kind, ImmutableArray<string> projects) => new()
    {
        Id = id, StatutoryName = name, Kind = kind, Municipality = "Amsterdam", Umbrellas = ["apec"], Projects = projects, CreatedAt = Now,
    };
}
