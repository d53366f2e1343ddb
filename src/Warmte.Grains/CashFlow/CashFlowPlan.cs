using System.Collections.Immutable;
using NodaTime;

namespace Warmte.CashFlow;

// The validated development plan one simulation runs on: what PlanReader makes of a plan file, or
// what a grain builds from a project's recorded grants and spending plan. Time inside the work
// programme is counted in *work months* (1..WorkMonths): a stall does not move the work forward,
// so the calendar month a work month falls in is only known after simulating.

/// <summary>What a work package pays for; the six kinds of development work in a cooperative's expenditure plan.</summary>
public enum WorkKind
{
    Design,
    BusinessCase,
    Contracts,
    Communication,
    Organisation,
    Advisers,
}

/// <summary>
/// One line of the expenditure plan: a monthly cost over a range of work months. A package that
/// <see cref="RunsDuringStall"/> (organisation, communication) is a fixed cost: it is also paid in
/// stalled months, for as long as the stall waits on a work month inside its range.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record WorkPackage(
    [property: Id(0)] string Name,
    [property: Id(1)] WorkKind Kind,
    [property: Id(2)] decimal MonthlyCost,
    [property: Id(3)] int FromMonth,
    [property: Id(4)] int ToMonth,
    [property: Id(5)] bool RunsDuringStall)
{
    public bool ActiveIn(int workMonth) => workMonth >= FromMonth && workMonth <= ToMonth;
}

/// <summary>
/// A milestone, reached at the end of work month <paramref name="WorkMonth"/> (counted over the whole
/// programme) and met <paramref name="DelayMonths"/> calendar months later: an expected wait the work
/// cannot shorten (a permit, a vote, tenant consent), during which it stands and the fixed costs run on.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record PlanMilestone([property: Id(0)] string Name, [property: Id(1)] int WorkMonth, [property: Id(2)] int DelayMonths = 0);

/// <summary>
/// A phase of the development: a run of work months with the budget a funder pre-finances at its
/// start in the milestone regime, and the milestones that close it.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record PlanPhase(
    [property: Id(0)] string Name,
    [property: Id(1)] int FirstMonth,
    [property: Id(2)] int LastMonth,
    [property: Id(3)] decimal Budget,
    [property: Id(4)] ImmutableArray<PlanMilestone> Milestones)
{
    public int Months => LastMonth - FirstMonth + 1;

    public bool Contains(int workMonth) => workMonth >= FirstMonth && workMonth <= LastMonth;
}

/// <summary>The grant: its amount and the tranches it is paid in (they add up to the amount).</summary>
[GenerateSerializer, Immutable]
public sealed record PlanGrant(
    [property: Id(0)] string Name,
    [property: Id(1)] string Funder,
    [property: Id(2)] decimal Amount,
    [property: Id(3)] ImmutableArray<decimal> Tranches,
    [property: Id(4)] bool WaitsForAccounting);

/// <summary>Where the lead times come from: a setting, or the median of what the funder did so far.</summary>
public enum LeadTimeSource
{
    Setting,
    ObservedMedian,
}

/// <summary>One tranche as it went: the months of request, approval of the accounting, and payment.</summary>
[GenerateSerializer, Immutable]
public sealed record LeadTimeObservation(
    [property: Id(0)] YearMonth Requested,
    [property: Id(1)] YearMonth Approved,
    [property: Id(2)] YearMonth Paid)
{
    public int RequestToApprovedMonths => MonthsBetween(Requested, Approved);

    public int ApprovedToPaidMonths => MonthsBetween(Approved, Paid);

    internal static int MonthsBetween(YearMonth from, YearMonth to) => (to.Year - from.Year) * 12 + to.Month - from.Month;
}

/// <summary>
/// How long the funder takes, in whole months: from the request (with the accounting of the previous
/// tranche) to the approved accounting, and from approval to payment.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record FunderLeadTimes(
    [property: Id(0)] int RequestToApprovedMonths,
    [property: Id(1)] int ApprovedToPaidMonths,
    [property: Id(2)] LeadTimeSource Source,
    [property: Id(3)] int Observations)
{
    /// <summary>
    /// Months from the request to the payment. A payment lands at the earliest in the month after the
    /// request: the simulation decides a month's work before that month's requests are sent.
    /// </summary>
    public int RequestToPaidMonths => Math.Max(1, RequestToApprovedMonths + ApprovedToPaidMonths);

    public static FunderLeadTimes Setting(int requestToApprovedMonths, int approvedToPaidMonths) =>
        new(requestToApprovedMonths, approvedToPaidMonths, LeadTimeSource.Setting, 0);

    /// <summary>
    /// The median of each step over the observations (<see cref="Median"/>: for an even count the mean of the two middle
    /// values), kept as <see cref="RequestToApprovedMedian"/> and <see cref="ApprovedToPaidMedian"/>; the simulation moves by
    /// whole months, so it uses each median rounded up (a gap warning should rather err on the late side).
    /// </summary>
    public static FunderLeadTimes FromObservations(IReadOnlyCollection<LeadTimeObservation> observations)
    {
        if (observations.Count == 0) throw new ArgumentException("At least one observation is needed.", nameof(observations));
        var toApproved = Median.Of(observations.Select(o => o.RequestToApprovedMonths))!.Value;
        var toPaid = Median.Of(observations.Select(o => o.ApprovedToPaidMonths))!.Value;
        return new(Median.Whole(toApproved), Median.Whole(toPaid), LeadTimeSource.ObservedMedian, observations.Count)
        {
            RequestToApprovedMedian = toApproved,
            ApprovedToPaidMedian = toPaid,
        };
    }

    /// <summary>The average length of a month in days (365,25 / 12), to turn a duration in days into the simulation's months.</summary>
    public const decimal DaysPerMonth = 365.25m / 12m;

    /// <summary>
    /// The lead times of real tranches (tester T11): durations in days, one per tranche that went from request to payment —
    /// the same measure as the grant's lead times and the payment dates (<see cref="Grants.LeadTimes"/>). The medians stay in
    /// days (<see cref="RequestToApprovedDays"/>, <see cref="RequestToPaidDays"/>); the simulation, which moves by months,
    /// takes each as whole months rounded up (a gap warning should rather err on the late side), and approval to payment
    /// as what the total adds. A month-number difference counted 19 days as 0 months and 11 days as 1.
    /// </summary>
    public static FunderLeadTimes FromDays(IReadOnlyCollection<(int RequestToApproved, int RequestToPaid)> observations)
    {
        if (observations.Count == 0) throw new ArgumentException("At least one observation is needed.", nameof(observations));
        var toApproved = Median.Of(observations.Select(o => o.RequestToApproved))!.Value;
        var toPaid = Median.Of(observations.Select(o => o.RequestToPaid))!.Value;
        var approvedMonths = WholeMonths(toApproved);
        return new(approvedMonths, Math.Max(0, WholeMonths(toPaid) - approvedMonths), LeadTimeSource.ObservedMedian, observations.Count)
        {
            RequestToApprovedDays = toApproved,
            RequestToPaidDays = toPaid,
        };
    }

    /// <summary>A duration in days as the whole months a simulated month moves by: rounded up (30 days is 1 month, 31 days 2).</summary>
    public static int WholeMonths(decimal days) => (int)Math.Ceiling(days / DaysPerMonth);

    /// <summary>Observed from real tranches (<see cref="FromDays"/>): the median days from request to approved accounting.</summary>
    [Id(6)] public decimal? RequestToApprovedDays { get; init; }

    /// <summary>Observed from real tranches (<see cref="FromDays"/>): the median days from request to payment.</summary>
    [Id(7)] public decimal? RequestToPaidDays { get; init; }

    /// <summary>With <see cref="LeadTimeSource.ObservedMedian"/>: the median months from request to approval, before rounding up (may be a half).</summary>
    [Id(4)] public decimal? RequestToApprovedMedian { get; init; }

    /// <summary>With <see cref="LeadTimeSource.ObservedMedian"/>: the median months from approval to payment, before rounding up.</summary>
    [Id(5)] public decimal? ApprovedToPaidMedian { get; init; }
}

/// <summary>A bridge loan (overbruggingslening): drawn up to <see cref="Size"/> when cash would fall below the buffer.</summary>
[GenerateSerializer, Immutable]
public sealed record BridgeLoan([property: Id(0)] decimal Size, [property: Id(1)] decimal AnnualRate);

/// <summary>A value that is not taken from a source, with its reasoning; shown wherever the plan is shown.</summary>
[GenerateSerializer, Immutable]
public sealed record PlanAssumption([property: Id(0)] string Field, [property: Id(1)] string Reasoning, [property: Id(2)] string? Source);

/// <summary>A validated development plan. Amounts in euros with at most two decimals.</summary>
[GenerateSerializer, Immutable]
public sealed record CashFlowPlan
{
    [Id(0)] public required string Name { get; init; }
    [Id(1)] public string? Description { get; init; }
    /// <summary>The calendar month of work month 1; the first tranche (or phase budget) is paid in it.</summary>
    [Id(2)] public required YearMonth StartMonth { get; init; }
    /// <summary>The month the runway outlook is taken at, unless the caller gives another; null = the start.</summary>
    [Id(3)] public YearMonth? Today { get; init; }
    [Id(4)] public required decimal OpeningBalance { get; init; }
    /// <summary>Work only proceeds if cash stays at or above this after the month's spending.</summary>
    [Id(5)] public required decimal CashBuffer { get; init; }
    /// <summary>Paid in the month work resumes after a stall (re-mobilising advisers, updating stale work).</summary>
    [Id(6)] public required decimal RestartCost { get; init; }
    [Id(7)] public required ImmutableArray<PlanPhase> Phases { get; init; }
    [Id(8)] public required ImmutableArray<WorkPackage> WorkPlan { get; init; }
    [Id(9)] public required PlanGrant Grant { get; init; }
    [Id(10)] public required FunderLeadTimes LeadTimes { get; init; }
    [Id(11)] public BridgeLoan? BridgeLoan { get; init; }
    [Id(12)] public ImmutableArray<PlanAssumption> Assumptions { get; init; } = [];
    /// <summary>
    /// The milestone regime's agreed margin: a phase's next budget comes at the start of the next phase
    /// only when the phase closed at most this many months later than planned; later, it waits for the
    /// approved accounting (the funder's lead time). Null: no margin is agreed, budgets always follow.
    /// </summary>
    [Id(13)] public int? MilestoneMarginMonths { get; init; }

    /// <summary>Length of the work programme: the last work month of the last phase.</summary>
    public int WorkMonths => Phases[^1].LastMonth;

    /// <summary>What the planned work costs when nothing stalls: every package over its work months.</summary>
    public decimal PlannedCost => WorkPlan.Sum(p => p.MonthlyCost * (Math.Min(p.ToMonth, WorkMonths) - p.FromMonth + 1));

    /// <summary>
    /// The cost of each work month (index = work month, 1-based; two spare slots so a caller may look one
    /// past the end): all packages, or only the fixed ones that run on during a stall.
    /// </summary>
    public decimal[] WorkMonthCosts(bool fixedOnly = false)
    {
        var costs = new decimal[WorkMonths + 2];
        foreach (var package in WorkPlan)
            if (!fixedOnly || package.RunsDuringStall)
                for (var w = package.FromMonth; w <= Math.Min(package.ToMonth, WorkMonths); w++)
                    costs[w] += package.MonthlyCost;
        return costs;
    }

    /// <summary>
    /// What the phase budgets ask beyond the grant (0 when they fit). Allowed (tester T10): a cooperative often pays part of the
    /// development from member money or a second grant, as a work plan above the grant is allowed. The milestone regime pays
    /// the budgets in full, so this is money still to find.
    /// </summary>
    public decimal BudgetsAboveGrant => Math.Max(0m, Phases.Sum(p => p.Budget) - Grant.Amount);

    /// <summary>What the planned work costs beyond the grant and the opening balance together (0 when they cover it).</summary>
    public decimal CostAboveFunding => Math.Max(0m, PlannedCost - Grant.Amount - OpeningBalance);

    /// <summary>Money still to find: the larger of <see cref="BudgetsAboveGrant"/> and <see cref="CostAboveFunding"/> (one shortfall, not their sum).</summary>
    public decimal MoneyToFind => Math.Max(BudgetsAboveGrant, CostAboveFunding);

    /// <summary>The plan's money still to find in words (Dutch), one sentence per cause; empty when the grant covers the plan.</summary>
    public ImmutableArray<string> MoneyToFindNotes
    {
        get
        {
            var notes = ImmutableArray.CreateBuilder<string>();
            if (BudgetsAboveGrant > 0m)
                notes.Add($"De fasebudgetten samen ({DutchFormat.Money(Phases.Sum(p => p.Budget))}) zijn {DutchFormat.Money(BudgetsAboveGrant)} meer dan de subsidie "
                          + $"({DutchFormat.Money(Grant.Amount)}): dat geld is nog te vinden, bijvoorbeeld uit ledengeld of een tweede subsidie. "
                          + "De voorfinanciering per fase rekent met de volle budgetten.");
            if (CostAboveFunding > 0m)
                notes.Add($"De geplande kosten ({DutchFormat.Money(PlannedCost)}) zijn {DutchFormat.Money(CostAboveFunding)} meer dan de subsidie en het beginsaldo samen "
                          + $"({DutchFormat.Money(Grant.Amount + OpeningBalance)}): dat geld is nog te vinden; zonder dat komt het werk niet af.");
            return notes.ToImmutable();
        }
    }

    public PlanPhase PhaseOf(int workMonth) => Phases.First(p => p.Contains(Math.Clamp(workMonth, 1, WorkMonths)));
}
