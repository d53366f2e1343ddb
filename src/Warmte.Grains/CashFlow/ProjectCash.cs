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
    /// Real money facts were recorded: spending booked, a progress report, or a tranche paid (tester A7). Then the one
    /// answer is projected from the actual state (the actual balance); before any of them the plan simulated from its
    /// start is all there is (<see cref="OutlookBasis.Plan"/>). A paid tranche alone counts: a financier who paid
    /// € 1 mln must not be shown the plan's stall that payment removed, while the cash timeline shows the money.
    /// </summary>
    public bool HasActuals => HasBookedWork
        || Grants.Any(g => g.Grant.Tranches.Any(t => t.PaidAmount is not null && t.DateOf(TrancheStatus.Uitbetaald) is not null));

    /// <summary>
    /// The work's side of the money was recorded: spending booked or a progress report. Without it the money received
    /// is all still in the balance and nothing says how far the work is: the projection then takes the work where the
    /// plan's simulation has it today and the plan's spending from there on, on top of the actual balance
    /// (<see cref="ProgressSource.Planned"/>, <see cref="Outlook.WorkFromPlan"/>).
    /// </summary>
    public bool HasBookedWork => Spent.Any(m => m.Bookings > 0) || !Progress.IsEmpty;

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
        // Nothing booked about the work (only tranches paid): the work stands where the plan's simulation has it today, and
        // its planned spending runs from there on top of the actual balance (tester A7). Estimating it from the spending
        // booked (none) would restart the whole work programme today.
        var workFromPlan = facts.HasActuals && !facts.HasBookedWork;
        // The plan's spending counted where nothing is booked: it goes into the cash line's months (marked Planned) so the line and
        // the projection from it stay one line that adds up, month by month.
        var planned = new Dictionary<YearMonth, decimal>();
        List<MonthResult>? simulatedPast = null;
        if (workFromPlan)
        {
            // The work where the plan has it today, and so the plan's spending up to today too (tester T2: the work of three planned
            // months at € 30.000 was taken from the plan but the € 90.000 was not, so the balance kept the whole tranche and the
            // projection spent those months' money again on months 4-6).
            var simulated = simulatedPast = SimulatedUpTo(plan, regime, month);
            state = state with { WorkMonthsDone = simulated.Count(m => m.Status == MonthStatus.Working), ProgressSource = ProgressSource.Planned };
            foreach (var m in simulated) planned[m.Month] = m.WorkCost + m.StallCost + m.RestartCost;
        }
        else if (state.ProgressSource == ProgressSource.EstimatedFromSpending && FirstBookedMonth(facts.Spent, month) is { } first && first > plan.StartMonth)
        {
            // Bookings that start late cover only their own months: the work before them stays where the plan has it
            // (tester T8: a first € 98k booked after 41 planned work months reset the estimate to 0 and moved the end 3½ years).
            var before = PlannedWorkMonthsDone(plan, regime, first.PlusMonths(-1));
            state = state with
            {
                WorkMonthsDone = ActualState.WorkMonthsCoveredBy(plan, state.Spent, before),
                PlannedBeforeBookings = before, BookedFrom = first,
            };
        }
        if (!workFromPlan && month >= plan.StartMonth && state.WorkMonthsDone < plan.WorkMonths)
        {
            // Today's month is under way: its fixed costs come whatever is booked so far (tester T3: with nothing booked yet this
            // month the stall's € 3.000 of December was lost, and the shortfall understated). It costs the larger of what is booked
            // and those fixed costs; its work (the variable costs) counts only as booked or reported, so it comes with its work month
            // in the projection and is not paid twice.
            var bookedToday = facts.Spent.Where(m => m.Month == month && m.Bookings > 0).Sum(m => m.Amount);
            var fixedToday = plan.WorkMonthCosts(fixedOnly: true)[state.WorkMonthsDone + 1];
            if (fixedToday > bookedToday) planned[month] = fixedToday - bookedToday;
        }
        actual = actual.WithPlanned(planned);
        var stalledSince = ActualState.StallStart(plan, facts.Spent, facts.Progress, state.WorkMonthsDone, month);
        state = state with
        {
            Cash = actual.Balance,
            Spent = actual.TotalSpent,
            StalledSince = stalledSince,
            // One rule for "stands still today": the stall the outlook dates (stalledSince) is the one whose resumption pays the restart
            // cost, not only a stall the board reported for today's month (a stall reported for last month, or read from the bookings).
            Stalled = state.Stalled || stalledSince is not null,
        };
        var projection = CashFlowSimulator.SimulateFrom(plan, state, regime);
        var outlook = projection?.Outlook ?? new Outlook { Today = month, State = OutlookState.Finished };
        // The budget frame: work months on the calendar as this line has them (past: where the plan's simulation worked, as many as
        // are done today; after today: the projection with its stalls). Before anything is recorded, or before the plan's start,
        // the plan simulated from its start is all there is (as for the outlook below).
        var fromStart = !facts.HasActuals || month < plan.StartMonth
            ? CashFlowSimulator.Simulate(plan, regime == Regime.Milestones ? Regime.Tranches : regime, month)
            : null;
        var calendar = fromStart is not null
            ? WorkCalendar.From(plan, [], 0, plan.StartMonth.PlusMonths(-1), fromStart) with { Today = month }
            : WorkCalendar.From(plan, simulatedPast ?? SimulatedUpTo(plan, regime, month), state.WorkMonthsDone, month, projection);
        return new CashTimeline
        {
            Today = month,
            Regime = regime,
            Actual = actual,
            State = state,
            Progress = progress,
            Projection = projection,
            Calendar = calendar,
            // The one answer: from the actual state once spending or progress is recorded, else the plan's simulation (as the cash page).
            Outlook = WithoutPastRequestBy(facts.HasActuals || regime == Regime.Milestones
                ? outlook with { Basis = OutlookBasis.Actual, NextPayment = next, WorkFromPlan = workFromPlan }
                : (fromStart ?? CashFlowSimulator.Simulate(plan, regime, month)).Outlook with { Basis = OutlookBasis.Plan, NextPayment = next }),
        };
    }

    /// <summary>The first month up to <paramref name="month"/> with booked spending; null when none.</summary>
    public static YearMonth? FirstBookedMonth(IEnumerable<MonthSpending> spent, YearMonth month) =>
        spent.Where(m => m.Bookings > 0 && m.Month <= month).Select(m => (YearMonth?)m.Month).Min();

    /// <summary>The work months the plan simulated from its start has done by the end of <paramref name="month"/> (0 before its start).</summary>
    public static int PlannedWorkMonthsDone(CashFlowPlan plan, Regime regime, YearMonth month) =>
        SimulatedUpTo(plan, regime, month).Count(m => m.Status == MonthStatus.Working);

    /// <summary>The months of the plan simulated from its start up to and including <paramref name="month"/> (the milestone regime as tranches).</summary>
    private static List<MonthResult> SimulatedUpTo(CashFlowPlan plan, Regime regime, YearMonth month) =>
        [.. CashFlowSimulator.Simulate(plan, regime == Regime.Milestones ? Regime.Tranches : regime, month).Months.Where(m => m.Month <= month)];

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
