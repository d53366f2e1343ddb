using System.Collections.Immutable;
using NodaTime;
using Warmte.Grants;

namespace Warmte.CashFlow;

/// <summary>
/// Everything recorded about a project's money that a cash answer is computed from: the saved plan
/// (as saved, without observed lead times), the project's grants with their tranches, the booked
/// spending per month and the board's progress reports.
/// </summary>
public sealed record CashFacts(
    CashFlowPlan Plan, ImmutableArray<GrantView> Grants, ImmutableArray<MonthSpending> Spent, ImmutableArray<ProgressReport> Progress)
{
    /// <summary>
    /// The work's side of the money was recorded: spending booked or a progress report. Tranche facts alone do not
    /// say how much of the money received is spent; a projection from them would take every euro received as still
    /// in the bank (a project in realisatie without bookings would show no stall at all), so until spending or progress
    /// is recorded the plan's simulation stays the answer (its tranches' payment dates from <see cref="PaymentExpectation"/>).
    /// </summary>
    public bool HasActuals => Spent.Any(m => m.Bookings > 0) || !Progress.IsEmpty;

    /// <summary>The plan with the funder's lead times observed on the project's grants (the plan's own setting until a tranche went from request to payment).</summary>
    public CashFlowPlan PlanWithObservedLeadTimes => ObservedLeadTimes.From(Grants) is { } observed ? Plan with { LeadTimes = observed } : Plan;
}

/// <summary>
/// The one answer to "how long does the money last, and when does the next money come" for a
/// project. Every view derives from it: the cash-flow page and <c>GET …/cashflow</c>'s
/// <c>outlook</c>, the cash timeline, the runway alerts, the portfolio's runway and the exports.
/// Once spending or progress is recorded (<see cref="CashFacts.HasActuals"/>) the answer is projected from
/// the actual state (tranches really requested and paid, spending really booked, progress reported);
/// before that the plan simulated from its start is all there is, and the outlook says so
/// (<see cref="OutlookBasis.Plan"/>). The next payment is always <see cref="PaymentExpectation.Next"/>. Pure.
/// </summary>
public static class ProjectCash
{
    /// <summary>The actual cash line up to <paramref name="month"/>: the plan's opening balance, tranches paid, spending booked.</summary>
    public static ActualCashPosition Position(CashFlowPlan? plan, IEnumerable<GrantView> grants, IEnumerable<MonthSpending> spent, YearMonth month)
    {
        var received = grants.SelectMany(g => g.Grant.Tranches)
            .Where(t => t.PaidAmount is not null && t.DateOf(TrancheStatus.Uitbetaald) is not null)
            .Select(t => (t.DateOf(TrancheStatus.Uitbetaald)!.Value.ToYearMonth(), t.PaidAmount!.Value));
        return ActualCash.Position(plan?.OpeningBalance ?? 0m, plan?.StartMonth, received, spent, month);
    }

    /// <summary>Actual up to <paramref name="today"/>'s month, projected after it from the actual state.</summary>
    public static CashTimeline Timeline(CashFacts facts, Regime regime, LocalDate today) =>
        Timeline(facts, regime, today, PaymentExpectation.Next(facts.Grants, today));

    /// <param name="next">The next payment, <see cref="PaymentExpectation.Next"/> of the facts' grants on <paramref name="today"/> (computed once by the caller).</param>
    private static CashTimeline Timeline(CashFacts facts, Regime regime, LocalDate today, NextPayment? next)
    {
        var month = today.ToYearMonth();
        var plan = facts.PlanWithObservedLeadTimes;
        var actual = Position(plan, facts.Grants, facts.Spent, month);
        var progress = WorkProgress.Latest(facts.Progress, month);
        var state = ActualState.From(plan, actual, facts.Grants, progress, today);
        var projection = CashFlowSimulator.SimulateFrom(plan, state, regime);
        var outlook = projection?.Outlook ?? new Outlook { Today = month, State = OutlookState.Finished, RunwayMonths = 0 };
        return new CashTimeline
        {
            Today = month,
            Regime = regime,
            Actual = actual,
            State = state,
            Progress = progress,
            Projection = projection,
            // The one answer: from the actual state once spending or progress is recorded, else the plan's simulation (as the cash page).
            Outlook = WithoutPastRequestBy(facts.HasActuals || regime == Regime.Milestones
                ? outlook with { Basis = OutlookBasis.Actual, NextPayment = next }
                : CashFlowSimulator.Simulate(plan, regime, month).Outlook with { Basis = OutlookBasis.Plan, NextPayment = next }),
        };
    }

    /// <summary>Today's outlook under the current regime (tranches after accounting).</summary>
    public static Outlook Outlook(CashFacts facts, LocalDate today) => Outlook(facts, today, PaymentExpectation.Next(facts.Grants, today));

    /// <summary>The same, with the next payment the caller already has (<see cref="PaymentExpectation.Next"/> of the facts' grants on <paramref name="today"/>).</summary>
    public static Outlook Outlook(CashFacts facts, LocalDate today, NextPayment? next) => Simulation(facts, Regime.Tranches, today, next).Outlook;

    /// <summary>
    /// The plan simulated from its start under <paramref name="regime"/> (the month table), with the
    /// outlook of the actual state when there is one and the regime can be projected from it
    /// (tranches, bridge); the simulation's own outlook is then kept as <see cref="CashFlowResult.PlanOutlook"/>.
    /// </summary>
    public static CashFlowResult Simulation(CashFacts facts, Regime regime, LocalDate today) =>
        Simulation(facts, regime, today, PaymentExpectation.Next(facts.Grants, today));

    private static CashFlowResult Simulation(CashFacts facts, Regime regime, LocalDate today, NextPayment? next)
    {
        var plan = facts.PlanWithObservedLeadTimes;
        var simulated = CashFlowSimulator.Simulate(plan, regime, today.ToYearMonth());
        var planOutlook = WithoutPastRequestBy(simulated.Outlook with { Basis = OutlookBasis.Plan, NextPayment = next });
        if (regime == Regime.Milestones || !facts.HasActuals) return simulated with { Outlook = planOutlook };
        return simulated with { Outlook = Timeline(facts, regime, today, next).Outlook, PlanOutlook = planOutlook };
    }

    /// <summary>
    /// On the plan basis a "request by" month before this month is left out: it comes from the plan's simulated
    /// requests, not from the tranches really requested (the 2019 plan said "request by 2026-04" in December 2026
    /// next to a tranche requested and paid, review2). From the actual state a past one stays: the request is late,
    /// and the cash page and CLI say "had al … de deur uit gemoeten".
    /// </summary>
    private static Outlook WithoutPastRequestBy(Outlook outlook) =>
        outlook.Basis == OutlookBasis.Plan && outlook.RequestBy is { } by && by < outlook.Today ? outlook with { RequestBy = null } : outlook;
}
