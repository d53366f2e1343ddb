using Warmte.CashFlow;

namespace Warmte.Tests.CashFlow;

/// <summary>
/// Pre-financing per phase holds "as long as milestones are met within the agreed margins": a phase
/// that closes later than the margin gets its next budget only after the approved accounting.
/// </summary>
public sealed class MilestoneMarginTests
{
    // Two phases of 4 work months at € 10.000 (of which € 2.000 organisation, a fixed cost); each
    // phase budget is its cost, and € 20.000 own money pays the fixed costs of any waiting. The permit
    // at the end of phase 1 takes `delay` months to arrive.
    private static CashFlowPlan Plan(int delay, int? margin) => PlanReader.Read($$"""
        {
          "formatVersion": 1, "name": "Proef", "startMonth": "2026-01", "openingBalance": 20000,
          {{(margin is { } m ? $"\"milestoneMarginMonths\": {m}," : "")}}
          "phases": [
            { "name": "Ontwerp", "months": 4, "budget": 40000, "milestones": [ { "name": "Vergunning", "delayMonths": {{delay}} } ] },
            { "name": "Contracten", "months": 4, "budget": 40000 }
          ],
          "workPlan": [
            { "name": "Ontwerp en contracten", "kind": "design", "monthlyCost": 8000 },
            { "name": "Organisatie", "kind": "organisation", "monthlyCost": 2000, "runsDuringStall": true }
          ],
          "grant": { "name": "PAW", "funder": "Rijk", "amount": 100000, "trancheSize": 40000 },
          "leadTimes": { "requestToApprovedMonths": 5, "approvedToPaidMonths": 1 }
        }
        """).Value!;

    [Fact]
    public void A_wait_within_the_margin_keeps_the_next_budget_at_the_start_of_the_phase()
    {
        var result = CashFlowSimulator.Simulate(Plan(delay: 2, margin: 2), Regime.Milestones);

        // Work months 1-4 in Jan-Apr, waiting for the permit in May and June (met in June), phase 2 from July.
        Assert.Equal([MonthStatus.Working, MonthStatus.Working, MonthStatus.Working, MonthStatus.Working, MonthStatus.Waiting, MonthStatus.Waiting,
                      MonthStatus.Working, MonthStatus.Working, MonthStatus.Working, MonthStatus.Working],
            result.Months.Select(m => m.Status));
        Assert.Equal(new NodaTime.YearMonth(2026, 6), Assert.Single(result.Milestones, m => m.Name == "Vergunning").Month);
        Assert.Contains(result.Months[6].Events, e => e.Kind == EventKind.PhaseBudgetPaid && e.Number == 2);
        Assert.DoesNotContain(result.Months.SelectMany(m => m.Events), e => e.Kind == EventKind.BudgetWithheld);
        Assert.Equal(0, result.Summary.MonthsStalled);
        Assert.Equal(2, result.Summary.MonthsWaiting);
        // Two months of organisation while waiting: € 4.000 more than planned, paid from own money.
        Assert.Equal(4_000m, result.Summary.WaitingCosts);
        Assert.Equal(4_000m, result.Summary.ExtraCost);
    }

    [Fact]
    public void A_phase_closing_later_than_the_margin_waits_for_the_approved_accounting()
    {
        var result = CashFlowSimulator.Simulate(Plan(delay: 3, margin: 2), Regime.Milestones);

        // Phase 1 closes in July, three months late: the budget of phase 2 is withheld and paid after the
        // funder's lead time of 6 months, in January 2027. Own money carries August; the work stalls from
        // September to December.
        var july = result.Months.Single(m => m.Month == new NodaTime.YearMonth(2026, 7));
        Assert.Contains(july.Events, e => e.Kind == EventKind.BudgetWithheld && e.Number == 2 && e.Name == "Ontwerp");
        var paid = result.Months.Single(m => m.Events.Any(e => e.Kind == EventKind.PhaseBudgetPaid && e.Number == 2));
        Assert.Equal(new NodaTime.YearMonth(2027, 1), paid.Month);
        Assert.Equal(new NodaTime.YearMonth(2026, 9), Assert.Single(result.Stalls).Start);
        Assert.Equal(4, result.Summary.MonthsStalled);
        Assert.Equal(3, result.Summary.MonthsWaiting);
    }

    [Fact]
    public void Without_an_agreed_margin_the_budget_follows_the_milestones_however_late()
    {
        var result = CashFlowSimulator.Simulate(Plan(delay: 6, margin: null), Regime.Milestones);
        Assert.DoesNotContain(result.Months.SelectMany(m => m.Events), e => e.Kind == EventKind.BudgetWithheld);
        Assert.Equal(0, result.Summary.MonthsStalled);
        Assert.Equal(6, result.Summary.MonthsWaiting);
    }

    [Fact]
    public void A_wait_costs_every_regime_the_same_months_but_only_the_tranche_regime_also_waits_for_money()
    {
        var plan = Plan(delay: 2, margin: 2);
        var tranches = CashFlowSimulator.Simulate(plan, Regime.Tranches);
        Assert.Equal(2, tranches.Summary.MonthsWaiting);
        Assert.True(tranches.Summary.MonthsStalled > 0);
    }

    [Theory]
    [InlineData("\"delayMonths\": -1", "phases[0].milestones[0].delayMonths")]
    [InlineData("\"delayMonths\": 61", "phases[0].milestones[0].delayMonths")]
    public void A_delay_outside_its_range_is_refused_by_field(string delay, string field)
    {
        var read = PlanReader.Read($$"""
            {
              "formatVersion": 1, "name": "Proef", "startMonth": "2026-01",
              "phases": [ { "name": "Ontwerp", "months": 4, "budget": 40000, "milestones": [ { "name": "Vergunning", {{delay}} } ] } ],
              "workPlan": [ { "name": "Ontwerp", "kind": "design", "monthlyCost": 8000 } ],
              "grant": { "name": "PAW", "funder": "Rijk", "amount": 100000, "trancheSize": 40000 },
              "leadTimes": { "requestToApprovedMonths": 5, "approvedToPaidMonths": 1 }
            }
            """);
        Assert.False(read.IsOk);
        Assert.Equal([field], read.Refusal!.Errors.Select(e => e.Field));
        Assert.False(PlanReader.Read("""{ "formatVersion": 1, "milestoneMarginMonths": -3 }""").Refusal!.Errors.All(e => e.Field != "milestoneMarginMonths"));
    }
}
