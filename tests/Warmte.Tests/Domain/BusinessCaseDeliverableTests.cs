using System.Collections.Immutable;
using NodaTime;
using Warmte.BusinessCase.Versions;
using Warmte.Gates;
using Warmte.Phases;
using Warmte.Projects;

namespace Warmte.Tests.Domain;

/// <summary>
/// Tester T6: "Eerste business case: Nog niet aanwezig" stood next to two saved versions, and "Financiering rond (BC2)" could be
/// ticked while the computed line said bridging was needed. The checklist now reads what the service holds.
/// </summary>
public sealed class BusinessCaseDeliverableTests
{
    private static readonly LocalDate Today = new(2026, 12, 7);
    private static readonly Instant Now = Instant.FromUtc(2026, 12, 7, 12, 0);

    private static KpiSummary Kpis(bool closes, decimal lowestCash) => new()
    {
        Uses = 30_000_000m, Sources = closes ? 30_500_000m : 29_000_000m, Surplus = closes ? 500_000m : -1_000_000m, Npv = 1m,
        MinDscr = 1.75m, MinDscrYear = 2028, LenderMinDscr = 1.2m, FinancingCloses = closes,
        LowestCashBalance = lowestCash, LowestCashBalanceYear = 2027, CovenantBreaches = [],
    };

    private static readonly Instant FirstSaved = Instant.FromUtc(2026, 10, 5, 10, 0);

    private static GateFacts Saved(int versions, KpiSummary latest) => new(
        Financing: new FinancingStatus(versions, Instant.FromUtc(2026, 11, 20, 10, 0), latest),
        FirstBusinessCase: new BusinessCaseVersionInfo(1, "Dapperbuurt", null, "Bestuur", FirstSaved, latest));

    private static ProjectRecord InHaalbaarheid() => ProjectRulesTests.NewProject() with { Phase = Phase.Haalbaarheid, PhaseSince = new LocalDate(2026, 2, 1) };

    private static ConditionResult Condition(GateChecklist checklist, string key) => checklist.Conditions.Single(c => c.Key == key);

    [Fact]
    public void A_saved_business_case_is_the_first_business_case_naming_the_version()
    {
        var checklist = GateRules.Default.NextGate(new GateContext(InHaalbaarheid(), Today, Saved(2, Kpis(true, 0m))))!;
        var first = Condition(checklist, "eerste-businesscase");
        Assert.True(first.Met);
        Assert.Contains("versie 1 ('Dapperbuurt'), bewaard op 05-10-2026 door Bestuur", first.Evidence);
        Assert.Contains("2 versies, de nieuwste versie 2 van 20-11-2026", first.Evidence);
    }

    [Fact]
    public void A_business_case_saved_after_the_decision_date_does_not_carry_a_go_dated_before_it()
    {
        var first = Condition(GateRules.Default.Evaluate(Phase.Haalbaarheid, Phase.Ontwikkeling,
            new GateContext(InHaalbaarheid(), new LocalDate(2026, 9, 1), Saved(2, Kpis(true, 0m)))), "eerste-businesscase");
        Assert.False(first.Met);
        Assert.Equal(new LocalDate(2026, 10, 5), first.MetFrom);
        Assert.Contains("Op 01-09-2026 nog niet in het systeem", first.Evidence);
        Assert.Contains("warmte project deliverable wg-terrein eerste-businesscase --on JJJJ-MM-DD", first.Evidence);
    }

    [Fact]
    public void Without_a_saved_version_the_checklist_says_how_to_save_one_and_a_mark_still_counts()
    {
        var none = Condition(GateRules.Default.NextGate(new GateContext(InHaalbaarheid(), Today, GateFacts.None))!, "eerste-businesscase");
        Assert.False(none.Met);
        Assert.Contains("er is nog geen business case bewaard (warmte business-case save", none.Evidence);

        var marked = ProjectRules.RecordDeliverable(InHaalbaarheid(), "eerste-businesscase", new RecordDeliverable { PresentOn = new LocalDate(2026, 3, 1), Reference = "Excel v3" },
            Today, "test", Now).Value!.Value;
        var byHand = Condition(GateRules.Default.NextGate(new GateContext(marked, Today, GateFacts.None))!, "eerste-businesscase");
        Assert.True(byHand.Met);
        Assert.Equal("Aanwezig sinds 01-03-2026 (Excel v3).", byHand.Evidence);
    }

    [Fact]
    public void Financial_close_ticked_while_the_latest_business_case_needs_bridging_counts_with_a_warning()
    {
        var project = ProjectRulesTests.NewProject() with { Phase = Phase.Ontwikkeling, PhaseSince = new LocalDate(2026, 2, 1) };
        project = ProjectRules.RecordDeliverable(project, "financial-close", new RecordDeliverable { PresentOn = new LocalDate(2026, 12, 1) }, Today, "test", Now).Value!.Value;

        var bridging = Condition(GateRules.Default.NextGate(new GateContext(project, Today, Saved(2, Kpis(true, -420_605.66m))))!, "financial-close");
        Assert.True(bridging.Met);
        Assert.Contains("Let op: de laatst bewaarde business case (versie 2 van 20-11-2026) sluit op papier, maar in 2027 € 420.605,66 tekort (overbrugging nodig).", bridging.Evidence);

        var notClosing = Condition(GateRules.Default.NextGate(new GateContext(project, Today, Saved(2, Kpis(false, 0m))))!, "financial-close");
        Assert.True(notClosing.Met);
        Assert.Contains("sluit niet: bronnen € 29.000.000,00, bestedingen € 30.000.000,00", notClosing.Evidence);

        var fine = Condition(GateRules.Default.NextGate(new GateContext(project, Today, Saved(2, Kpis(true, 0m))))!, "financial-close");
        Assert.Equal("Aanwezig sinds 01-12-2026.", fine.Evidence);
    }

    [Fact]
    public void An_unmarked_financing_proposal_names_the_saved_versions_and_how_to_record_the_decision()
    {
        var project = ProjectRulesTests.NewProject() with { Phase = Phase.Ontwikkeling, PhaseSince = new LocalDate(2026, 2, 1) };
        var proposal = Condition(GateRules.Default.NextGate(new GateContext(project, Today, Saved(2, Kpis(true, 0m))))!, "businesscase-financieringsvoorstel");
        Assert.False(proposal.Met);
        Assert.Contains("Er zijn business-caseversies (2 versies, de nieuwste versie 2 van 20-11-2026); leg het besluit vast met warmte project deliverable wg-terrein businesscase-financieringsvoorstel --on JJJJ-MM-DD --reference \"versie 2\"", proposal.Evidence);
    }

    [Fact]
    public void The_warning_with_a_ticked_deliverable_is_given_only_where_the_facts_contradict_it()
    {
        var latest = new FinancingStatus(2, Instant.FromUtc(2026, 11, 20, 10, 0), Kpis(true, -1m));
        Assert.Contains("overbrugging nodig", BusinessCaseDeliverables.Contradiction("financial-close", latest));
        Assert.Null(BusinessCaseDeliverables.Contradiction("financial-close", latest with { Kpis = Kpis(true, 0m) }));
        Assert.Contains("er is nog geen business case bewaard", BusinessCaseDeliverables.Contradiction("eerste-businesscase", null));
        Assert.Null(BusinessCaseDeliverables.Contradiction("eerste-businesscase", latest));
        Assert.Null(BusinessCaseDeliverables.Contradiction("vergunningen", null));
    }

    [Fact]
    public void A_model_of_another_size_than_the_project_gets_a_warning_naming_both_numbers()
    {
        Assert.Equal("Let op: dit model rekent met 1.500 woningequivalenten, project dapperbuurt heeft er 420. Klopt het model bij dit project? "
                     + "Pas anders het model aan (revenues.woningequivalenten) of het project (PATCH /api/projects/dapperbuurt met woningequivalenten).",
            Assert.Single(BusinessCaseRules.Warnings("dapperbuurt", 420, 1500)));
        Assert.Empty(BusinessCaseRules.Warnings("dapperbuurt", 420, 420));
    }
}
