using NodaTime;
using Warmte.BusinessCase.Versions;
using Warmte.Gates;
using Warmte.Projects;

namespace Warmte.Tests.Domain;

/// <summary>
/// F15: the Realisatie gate condition <c>financiering-sluit</c> keeps its definition (sources ≥ uses, DSCR, debt repaid —
/// docs/business-case-model.md) but its explanation warns of a cash gap in time: a year whose cash balance is below zero.
/// </summary>
public sealed class FinancingConditionTests
{
    private static readonly LocalDate Today = new(2026, 11, 22);
    private static readonly Instant Now = Instant.FromUtc(2026, 11, 22, 12, 0);

    private static ProjectRecord Project() =>
        ProjectRules.Create("c", new CreateProject { Id = "p3", Name = "P3", Woningequivalenten = 100, StartedOn = new LocalDate(2024, 6, 1) }, Today, Now).Value!.Value;

    private static ConditionResult Evaluate(bool closes, decimal lowestCash, int lowestYear) =>
        new FinancingClosedCondition().Evaluate(new GateContext(Project(), Today, new GateFacts(Financing: new FinancingStatus(2, Now, new KpiSummary
        {
            Uses = 30_000_000m, Sources = closes ? 30_400_000m : 29_000_000m, Surplus = closes ? 400_000m : -1_000_000m, Npv = 1m,
            MinDscr = 1.87m, MinDscrYear = 2028, LenderMinDscr = 1.2m, FinancingCloses = closes,
            LowestCashBalance = lowestCash, LowestCashBalanceYear = lowestYear, CovenantBreaches = [],
        }))));

    [Fact]
    public void Closing_on_paper_with_a_cash_gap_passes_and_warns_with_the_year_and_the_bridging_needed()
    {
        var result = Evaluate(closes: true, lowestCash: -343_905.66m, lowestYear: 2027);

        Assert.True(result.Met);
        Assert.EndsWith("Let op: de financiering sluit op papier, maar in 2027 € 343.905,66 tekort (overbrugging nodig).", result.Evidence);
    }

    [Fact]
    public void Without_a_cash_gap_there_is_no_warning()
    {
        var result = Evaluate(closes: true, lowestCash: 0m, lowestYear: 2027);

        Assert.True(result.Met);
        Assert.DoesNotContain("tekort (overbrugging", result.Evidence);
        Assert.DoesNotContain("Let op", result.Evidence);
    }

    [Fact]
    public void Not_closing_with_a_cash_gap_is_unmet_and_names_the_gap_too()
    {
        var result = Evaluate(closes: false, lowestCash: -12_000.5m, lowestYear: 2030);

        Assert.False(result.Met);
        Assert.EndsWith("Bovendien in 2030 € 12.000,50 tekort (overbrugging nodig).", result.Evidence);
        Assert.DoesNotContain("op papier", result.Evidence);
    }
}
