using NodaTime;
using Warmte.CashFlow;

namespace Warmte.Tests.CashFlow;

/// <summary>
/// Why "a faster funder never means more stall months" does not hold for every plan (see
/// docs/cashflow-plan.md, "Does a faster funder always help?"). Both cases are small versions of
/// counterexamples FsCheck found; neither has a milestone delay: the waits were not the cause.
/// </summary>
public sealed class FasterFunderTests
{
    // 15 work months of advisers at € 12.700; organisation (€ 1.900, a fixed cost) from month 6; in the
    // last month the tender team (€ 25.000) starts, and it is kept on during a stall. Five tranches of
    // € 70.000, each requested as soon as the previous one is paid (no accounting rule).
    private static CashFlowPlan ExpensiveLastMonth(int leadMonths) => PlanReader.Read($$"""
        {
          "formatVersion": 1, "name": "Dure laatste maand", "startMonth": "2026-01", "openingBalance": 0,
          "phases": [ { "name": "Ontwerp", "months": 5, "budget": 63500 }, { "name": "Uitwerking", "months": 10, "budget": 196000 } ],
          "workPlan": [
            { "name": "Adviseurs", "kind": "advisers", "monthlyCost": 12700 },
            { "name": "Organisatie", "kind": "organisation", "monthlyCost": 1900, "phase": "Uitwerking", "runsDuringStall": true },
            { "name": "Aanbesteding", "kind": "contracts", "monthlyCost": 25000, "fromMonth": 15, "runsDuringStall": true }
          ],
          "grant": { "name": "PAW", "funder": "Rijk", "amount": 350000, "trancheSize": 70000, "waitsForAccounting": false },
          "leadTimes": { "requestToApprovedMonths": {{leadMonths - 1}}, "approvedToPaidMonths": 1 }
        }
        """).Value!;

    [Fact]
    public void A_faster_funder_can_move_the_stall_onto_a_month_whose_fixed_costs_eat_the_next_tranche()
    {
        var slow = CashFlowSimulator.Simulate(ExpensiveLastMonth(9), Regime.Tranches);
        var fast = CashFlowSimulator.Simulate(ExpensiveLastMonth(8), Regime.Tranches);

        // Nine months: the work waits for the fourth tranche before work month 14, where only organisation
        // runs on, and finishes after 14 months stalled.
        Assert.True(slow.Summary.Completed);
        Assert.Equal(14, slow.Summary.MonthsStalled);
        Assert.Equal([6, 10, 14], slow.Stalls.Select(s => s.WorkMonth));
        Assert.Equal(1_900m, slow.Months.Where(m => m.Status == MonthStatus.Stalled).Max(m => m.StallCost));

        // Eight months: every tranche comes a month earlier, so less went to fixed costs and the third tranche
        // reaches one work month further; the stall then waits on month 15, where the tender team is kept on:
        // € 26.900 a month, more than a tranche brings in its lead time. The work is never finished.
        Assert.False(fast.Summary.Completed);
        Assert.Equal(14, fast.Summary.WorkMonthsDone);
        var last = fast.Stalls[^1];
        Assert.Equal(15, last.WorkMonth);
        Assert.Equal(new YearMonth(2027, 10), last.Start);
        Assert.Null(last.ResumedIn);
        Assert.All(fast.Months.Where(m => m.Month >= last.Start), m => Assert.Equal(26_900m, m.StallCost));
        // Its stall months count only until the money ran out (19): the last stall has no end.
        Assert.Equal(19, fast.Summary.MonthsStalled);
    }

    // Eight months of design (€ 22.000 of advisers and € 2.000 organisation, the fixed cost); two work
    // months that cost nothing (the permit application, done by volunteers); five months of contracts at
    // € 26.000. € 58.000 own money, a restart costs € 7.500, four tranches of € 110.000 after accounting.
    private static CashFlowPlan AccountingRule(int leadMonths) => PlanReader.Read($$"""
        {
          "formatVersion": 1, "name": "Verantwoording", "startMonth": "2026-01", "openingBalance": 58000, "restartCost": 7500,
          "phases": [ { "name": "Ontwerp", "months": 8, "budget": 192000 }, { "name": "Vergunningaanvraag", "months": 2, "budget": 1 }, { "name": "Contracten", "months": 5, "budget": 130000 } ],
          "workPlan": [
            { "name": "Adviseurs", "kind": "advisers", "monthlyCost": 22000, "phase": "Ontwerp" },
            { "name": "Organisatie", "kind": "organisation", "monthlyCost": 2000, "phase": "Ontwerp", "runsDuringStall": true },
            { "name": "Contracten", "kind": "contracts", "monthlyCost": 26000, "phase": "Contracten" }
          ],
          "grant": { "name": "PAW", "funder": "Rijk", "amount": 440000, "trancheSize": 110000 },
          "leadTimes": { "requestToApprovedMonths": {{leadMonths - 2}}, "approvedToPaidMonths": 2 }
        }
        """).Value!;

    private static YearMonth RequestOf(CashFlowResult result, int tranche) =>
        result.Months.Single(m => m.Events.Any(e => e.Kind == EventKind.TrancheRequested && e.Number == tranche)).Month;

    [Fact]
    public void Under_the_accounting_rule_a_shorter_stall_can_leave_money_unspent_and_the_next_request_waits_for_it()
    {
        var slow = CashFlowSimulator.Simulate(AccountingRule(14), Regime.Tranches);
        var fast = CashFlowSimulator.Simulate(AccountingRule(13), Regime.Tranches);

        // Fourteen months: the first stall (11 months, € 22.000 of organisation) and the restart bring the
        // spending past the € 220.000 paid in the month the second tranche arrives: tranche 3 is requested
        // at once, in July 2027.
        Assert.Equal(new YearMonth(2027, 7), RequestOf(slow, 3));
        // Thirteen months: a stall one month shorter leaves € 500 of the tranches unspent; the next two work
        // months cost nothing, so the accounting of the whole € 220.000, and the request, wait until
        // September: two months later, with a lead time only one month shorter.
        Assert.Equal(new YearMonth(2027, 9), RequestOf(fast, 3));
        Assert.Equal([11, 9], slow.Stalls.Select(s => s.Months));
        Assert.Equal([10, 11], fast.Stalls.Select(s => s.Months));
        Assert.Equal(20, slow.Summary.MonthsStalled);
        Assert.Equal(21, fast.Summary.MonthsStalled);
        Assert.True(slow.Summary.Completed && fast.Summary.Completed);
    }
}
