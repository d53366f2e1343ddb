using System.Text.Json;
using NodaTime;
using Warmte.CashFlow;
using Warmte.Serialization;

namespace Warmte.Tests.CashFlow;

/// <summary>The KetelhuisWG development under the three regimes, and the simulator's rules on small plans.</summary>
public sealed class CashFlowSimulatorTests
{
    private static readonly CashFlowPlan Ketelhuis = PlanReaderTests.Ketelhuis();

    /// <summary>The lengths of the runs of working months, in order.</summary>
    internal static List<int> WorkingPeriods(CashFlowResult result)
    {
        var periods = new List<int>();
        var run = 0;
        foreach (var m in result.Months)
        {
            if (m.Status == MonthStatus.Working) run++;
            else if (run > 0) { periods.Add(run); run = 0; }
        }
        if (run > 0) periods.Add(run);
        return periods;
    }

    [Fact]
    public void Ketelhuiswg_under_tranches_after_accounting_works_6_to_9_months_then_stands_still_9_to_12_months_over_and_over()
    {
        var result = CashFlowSimulator.Simulate(Ketelhuis, Regime.Tranches);

        Assert.True(result.Summary.Completed);
        Assert.True(result.Stalls.Length >= 5, $"{result.Stalls.Length} stalls");
        Assert.All(result.Stalls, s => Assert.InRange(s.Months, 9, 12));
        Assert.All(result.Stalls, s => Assert.NotNull(s.ResumedIn));
        // Every working period that ended in a stall (the last one ends with the work done) lasted 6-9 months.
        var periods = WorkingPeriods(result);
        Assert.Equal(result.Stalls.Length + 1, periods.Count);
        Assert.All(periods.Take(periods.Count - 1), p => Assert.InRange(p, 6, 9));
        // The stall always stops the variable work while organisation and communication run on.
        Assert.All(result.Stalls, s =>
        {
            Assert.NotEmpty(s.StoppedWork);
            Assert.Equal(18_000m * s.Months, s.FixedCosts);
            Assert.Equal(40_000m, s.RestartCost);
        });
        Assert.Equal(result.Stalls.Sum(s => s.Months), result.Summary.MonthsStalled);
        Assert.Equal(result.Stalls.Sum(s => s.Cost), result.Summary.ExtraCost);
        Assert.Equal(result.Summary.PlannedWorkMonths + result.Summary.MonthsStalled, result.Summary.DurationMonths);
        Assert.Equal(7_700_000m, result.Summary.GrantPaid);
        Assert.Equal(0m, result.Summary.InterestCost);
    }

    [Fact]
    public void Ketelhuiswg_with_pre_financing_per_phase_never_stalls()
    {
        var result = CashFlowSimulator.Simulate(Ketelhuis, Regime.Milestones);

        Assert.True(result.Summary.Completed);
        Assert.Empty(result.Stalls);
        Assert.Equal(0, result.Summary.MonthsStalled);
        Assert.Equal(Ketelhuis.WorkMonths, result.Summary.DurationMonths);
        Assert.Equal(0m, result.Summary.ExtraCost);
        Assert.Equal(Ketelhuis.PlannedCost, result.Summary.WorkSpent);
        // The funder pays the phase budgets, not the whole grant: what the stalls did not eat stays unpaid.
        Assert.Equal(Ketelhuis.Phases.Sum(p => p.Budget), result.Summary.GrantPaid);
        Assert.Equal(
            Ketelhuis.Phases.Select((p, i) => (i + 1, p.Budget)),
            result.Months.SelectMany(m => m.Events).Where(e => e.Kind == EventKind.PhaseBudgetPaid).Select(e => (e.Number!.Value, e.Amount)));
        Assert.Equal(Ketelhuis.Phases.SelectMany(p => p.Milestones).Select(m => m.Name), result.Milestones.Select(m => m.Name));
    }

    [Fact]
    public void The_bridge_loan_removes_the_stalls_at_an_interest_cost_and_a_smaller_one_shortens_them()
    {
        var tranches = CashFlowSimulator.Simulate(Ketelhuis, Regime.Tranches).Summary;
        var bridge = CashFlowSimulator.Simulate(Ketelhuis, Regime.Bridge).Summary;

        Assert.Equal(0, bridge.MonthsStalled);
        Assert.True(bridge.InterestCost > 0m);
        Assert.True(bridge.DurationMonths < tranches.DurationMonths);
        Assert.True(bridge.ExtraCost + bridge.InterestCost < tranches.ExtraCost, "the interest is cheaper than the stalls");

        var small = CashFlowSimulator.Simulate(Ketelhuis with { BridgeLoan = new BridgeLoan(500_000m, 0.03m) }, Regime.Bridge).Summary;
        Assert.InRange(small.MonthsStalled, 1, tranches.MonthsStalled - 1);
        Assert.True(small.InterestCost > 0m);
        Assert.True(small.PeakBridgeOutstanding <= 500_000m + small.InterestCost);
    }

    [Fact]
    public void The_comparison_shows_every_regime_on_the_same_plan()
    {
        var comparison = CashFlowSimulator.Compare(Ketelhuis);

        Assert.Equal([Regime.Tranches, Regime.Milestones, Regime.Bridge], comparison.Results.Select(r => r.Regime));
        Assert.Equal(Ketelhuis.Name, comparison.Name);
        Assert.True(comparison[Regime.Tranches]!.Summary.MonthsStalled > 0);
        Assert.Equal(0, comparison[Regime.Milestones]!.Summary.MonthsStalled);
        Assert.All(comparison.Results, r => Assert.True(r.Summary.PeakExposure > 0m));
    }

    [Fact]
    public void The_outlook_says_how_long_the_money_lasts_and_by_when_the_next_tranche_must_arrive()
    {
        var start = CashFlowSimulator.Simulate(Ketelhuis, Regime.Tranches).Outlook;
        var firstStall = CashFlowSimulator.Simulate(Ketelhuis, Regime.Tranches).Stalls[0];

        Assert.Equal(OutlookState.GapAhead, start.State);
        Assert.Equal(new YearMonth(2019, 1), start.Today);
        Assert.Equal(8, start.RunwayMonths);
        Assert.Equal(firstStall.Start, start.GapStart);
        Assert.Equal(firstStall.Start, start.MoneyNeededBy);
        Assert.Equal(firstStall.ResumedIn, start.MoneyExpected);
        Assert.Equal(firstStall.Start.PlusMonths(-10), start.RequestBy);

        var midway = CashFlowSimulator.Simulate(Ketelhuis, Regime.Tranches, new YearMonth(2019, 6)).Outlook;
        Assert.Equal(3, midway.RunwayMonths);

        var inStall = CashFlowSimulator.Simulate(Ketelhuis, Regime.Tranches, new YearMonth(2019, 12)).Outlook;
        Assert.Equal(OutlookState.InStall, inStall.State);
        Assert.Equal(0, inStall.RunwayMonths);
        Assert.Equal(firstStall.Start, inStall.GapStart);

        var noGap = CashFlowSimulator.Simulate(Ketelhuis, Regime.Milestones, new YearMonth(2020, 1)).Outlook;
        Assert.Equal(OutlookState.NoGapAhead, noGap.State);
        // The money lasts: no runway number (it would read as "runs out then"), the month the work is done instead:
        // 54 work months from January 2019 with no stall ahead end in June 2023 (2019-01 + 53 months).
        Assert.Null(noGap.RunwayMonths);
        Assert.Equal(new YearMonth(2023, 6), noGap.MoneyLastsUntil);
        Assert.Null(noGap.MoneyNeededBy);

        var after = CashFlowSimulator.Simulate(Ketelhuis, Regime.Milestones, new YearMonth(2030, 1)).Outlook;
        Assert.Equal(OutlookState.Finished, after.State);
        Assert.Null(after.RunwayMonths);
    }

    [Fact]
    public void The_same_plan_gives_the_same_result_to_the_cent()
    {
        string Json() => JsonSerializer.Serialize(CashFlowSimulator.Compare(Ketelhuis), WarmteJson.Default);
        Assert.Equal(Json(), Json());
    }

    // --- Small plans that show one rule each ---------------------------------------------------------

    /// <summary>One phase of <paramref name="months"/> months at € 100 a month (€ 10 of it fixed), a grant in tranches of € 300.</summary>
    private static CashFlowPlan Small(int months = 9, int toApproved = 2, int toPaid = 1, decimal restart = 0m, bool waits = true) => new()
    {
        Name = "klein",
        StartMonth = new YearMonth(2024, 1),
        OpeningBalance = 0m,
        CashBuffer = 0m,
        RestartCost = restart,
        Phases = [new PlanPhase("Alles", 1, months, months * 100m, [new PlanMilestone("Klaar", months)])],
        WorkPlan =
        [
            new WorkPackage("Werk", WorkKind.Design, 90m, 1, months, false),
            new WorkPackage("Organisatie", WorkKind.Organisation, 10m, 1, months, true),
        ],
        Grant = new PlanGrant("Subsidie", "Fonds", 900m, [300m, 300m, 300m], waits),
        LeadTimes = FunderLeadTimes.Setting(toApproved, toPaid),
    };

    [Fact]
    public void A_tranche_waits_for_the_accounting_which_goes_out_when_the_money_is_spent()
    {
        var result = CashFlowSimulator.Simulate(Small(restart: 5m), Regime.Tranches);

        // Months 1-3: € 300 pays three months of work, and then it is spent: the accounting and the
        // request for tranche 2 go out at the end of month 3, and it is paid 3 months later, in month 6.
        // The € 20 of fixed costs during the stall and the € 5 restart leave € 175: two months of work.
        // The next request goes out when the work stalls in month 8 (paid in month 11), and after
        // tranche 3 the money runs out for good in month 14.
        Assert.Equal("WWWSSWWSSSWWWS", Pattern(result));
        Assert.Equal([new YearMonth(2024, 4), new YearMonth(2024, 8), new YearMonth(2025, 2)], result.Stalls.Select(s => s.Start));
        Assert.Equal([20m, 30m, 10m], result.Stalls.Select(s => s.FixedCosts));
        Assert.Equal([5m, 5m, 0m], result.Stalls.Select(s => s.RestartCost));
        Assert.Equal(["Werk"], result.Stalls[0].StoppedWork.ToArray());
        Assert.Contains(result.Months[2].Events, e => e.Kind == EventKind.TrancheRequested && e.Number == 2);
        Assert.Contains(result.Months[2].Events, e => e.Kind == EventKind.AccountingSubmitted && e.Amount == 300m);
        Assert.Contains(result.Months[3].Events, e => e.Kind == EventKind.StallStarted);
        Assert.Contains(result.Months[4].Events, e => e.Kind == EventKind.AccountingApproved);
        Assert.Contains(result.Months[5].Events, e => e.Kind == EventKind.TranchePaid && e.Number == 2);
        Assert.Contains(result.Months[5].Events, e => e.Kind == EventKind.WorkResumed && e.Amount == 5m);
        Assert.Contains(result.Months[7].Events, e => e.Kind == EventKind.TrancheRequested && e.Number == 3);
        Assert.Equal(70m, result.Summary.ExtraCost);
        Assert.Equal(900m, result.Summary.GrantPaid);
    }

    [Fact]
    public void When_the_money_runs_out_the_simulation_stops_with_the_work_unfinished()
    {
        var result = CashFlowSimulator.Simulate(Small(restart: 5m), Regime.Tranches);

        Assert.False(result.Summary.Completed);
        Assert.Null(result.Summary.CompletedIn);
        var last = result.Stalls[^1];
        Assert.Null(last.ResumedIn);
        Assert.Equal(result.Months[^1].Month, last.Start);
        Assert.Equal(8, result.Summary.WorkMonthsDone);
        Assert.Equal(OutlookState.OutOfFunding, CashFlowSimulator.Simulate(Small(restart: 5m), Regime.Tranches, new YearMonth(2026, 1)).Outlook.State);
    }

    [Fact]
    public void Without_the_accounting_rule_each_tranche_is_requested_as_soon_as_the_previous_one_is_paid()
    {
        var result = CashFlowSimulator.Simulate(Small(waits: false), Regime.Tranches);

        var paid = result.Months.Where(m => m.GrantReceived > 0m).Select(m => m.Month).ToList();
        Assert.Equal([new YearMonth(2024, 1), new YearMonth(2024, 4), new YearMonth(2024, 7)], paid);
        Assert.Empty(result.Stalls);
        Assert.True(result.Summary.Completed);
    }

    [Fact]
    public void A_payment_arrives_at_the_earliest_the_month_after_the_request()
    {
        var result = CashFlowSimulator.Simulate(Small(toApproved: 0, toPaid: 0), Regime.Tranches);
        Assert.Equal(1, Small(toApproved: 0, toPaid: 0).LeadTimes.RequestToPaidMonths);
        Assert.Empty(result.Stalls);
        Assert.Equal(9, result.Summary.DurationMonths);
    }

    [Fact]
    public void Work_stops_when_it_would_take_cash_below_the_buffer_and_the_fixed_costs_run_on_below_it()
    {
        var plan = Small() with { OpeningBalance = 50m, CashBuffer = 50m };
        var result = CashFlowSimulator.Simulate(plan, Regime.Tranches);

        Assert.All(result.Months.Where(m => m.Status == MonthStatus.Working), m => Assert.True(m.Closing >= 50m));
        var stalled = result.Months.First(m => m.Status == MonthStatus.Stalled);
        Assert.Equal(10m, stalled.StallCost);
        Assert.Equal(0m, stalled.WorkCost);
    }

    [Fact]
    public void In_the_milestone_regime_a_phase_budget_that_is_too_small_ends_in_a_stall_no_payment_can_lift()
    {
        var plan = Small() with
        {
            Phases = [new PlanPhase("Een", 1, 4, 300m, []), new PlanPhase("Twee", 5, 9, 500m, [])],
        };
        var result = CashFlowSimulator.Simulate(plan, Regime.Milestones);

        Assert.False(result.Summary.Completed);
        Assert.Equal(3, result.Summary.WorkMonthsDone);
        Assert.Null(Assert.Single(result.Stalls).ResumedIn);
    }

    [Fact]
    public void The_bridge_is_drawn_to_keep_working_repaid_from_the_next_tranche_and_its_interest_is_booked_in_cents()
    {
        // € 50 of own money pays the interest; without it the grant would fall that much short of the work.
        var plan = Small() with { OpeningBalance = 50m, BridgeLoan = new BridgeLoan(1_000m, 0.05m) };
        var result = CashFlowSimulator.Simulate(plan, Regime.Bridge);

        Assert.Empty(result.Stalls);
        Assert.True(result.Summary.Completed);
        Assert.Equal(50m, result.Months[3].BridgeDrawn);
        Assert.Contains(result.Months.SelectMany(m => m.Events), e => e.Kind == EventKind.BridgeRepaid);
        Assert.All(result.Months, m => Assert.Equal(decimal.Round(m.BridgeInterest, 2), m.BridgeInterest));
        Assert.True(result.Summary.InterestCost >= result.Months.Sum(m => m.BridgeInterest));
        Assert.Equal(0.21m, result.Months[3].BridgeInterest); // € 50 × 5% / 12 = € 0.2083… → € 0.21

        var withoutOwnMoney = CashFlowSimulator.Simulate(Small() with { BridgeLoan = new BridgeLoan(1_000m, 0.05m) }, Regime.Bridge);
        Assert.False(withoutOwnMoney.Summary.Completed, "the interest is paid from the grant, so the last month is short");
    }

    [Fact]
    public void The_bridge_regime_needs_a_bridge_loan()
    {
        Assert.Throws<ArgumentException>(() => CashFlowSimulator.Simulate(Small(), Regime.Bridge));
    }

    [Fact]
    public void Funder_exposure_is_money_paid_and_not_yet_approved_in_an_accounting()
    {
        var result = CashFlowSimulator.Simulate(Small(), Regime.Tranches);
        Assert.Equal(300m, result.Months[0].Exposure);
        // The accounting of € 300 (month 3) is approved two months later, before tranche 2 arrives.
        Assert.Equal(0m, result.Months[4].Exposure);
        Assert.Equal(300m, result.Months[5].Exposure);
        Assert.Equal(result.Months.Max(m => m.Exposure), result.Summary.PeakExposure);
    }

    private static string Pattern(CashFlowResult result) =>
        string.Concat(result.Months.Select(m => m.Status == MonthStatus.Working ? 'W' : 'S'));
}
