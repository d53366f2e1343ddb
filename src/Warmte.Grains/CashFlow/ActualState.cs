using System.Collections.Immutable;
using NodaTime;
using Warmte.Grants;

namespace Warmte.CashFlow;

/// <summary>Where the work stands: as the board reported it, or estimated from the money spent.</summary>
public enum ProgressSource
{
    /// <summary>The board's latest progress report.</summary>
    Reported,
    /// <summary>
    /// No report: the work months whose planned cost the booked spending covers, on top of where the plan has the work
    /// before the first booked month when bookings start after the plan's start (<see cref="ActualState.PlannedBeforeBookings"/>).
    /// </summary>
    EstimatedFromSpending,
    /// <summary>No spending booked and no report, only tranches paid: where the plan's simulation has the work today (tester A7).</summary>
    Planned,
}

/// <summary>The board's statement of how far the work programme is: work months done by the end of a month.</summary>
[GenerateSerializer, Immutable]
public sealed record ProgressReport(
    [property: Id(0)] YearMonth Month,
    [property: Id(1)] int WorkMonthsDone,
    [property: Id(2)] bool Stalled,
    [property: Id(3)] string ReportedBy,
    [property: Id(4)] Instant ReportedAt);

/// <summary>
/// A payment on its way: the month it is expected in, its amount, and which tranche it is — the tranche's own
/// <see cref="Number"/> within its grant (<see cref="GrantId"/>, shown by its <see cref="Scheme"/>), so two grants'
/// tranches 1 are told apart. The grant is null only in a state built by hand (tests).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ExpectedPayment(
    [property: Id(0)] YearMonth Month, [property: Id(1)] decimal Amount, [property: Id(2)] int Number,
    [property: Id(3)] string? GrantId = null, [property: Id(4)] string? Scheme = null,
    [property: Id(5)] LocalDate? ExpectedOn = null)
{
    /// <summary>
    /// The expected date (<see cref="PaymentExpectation.ExpectedOn"/>, the portfolio's "next payment") lies in a month before
    /// <see cref="Month"/>: it is due today or overdue, and today's month is actual, so the projection has it next month
    /// (tester T16: the portfolio said 07-12-2026, the cash timeline 01-2027, without a word why).
    /// </summary>
    public bool DueBeforeProjection => ExpectedOn is { } on && on.ToYearMonth() < Month;

    /// <summary>"PAW, tranche 6" (or "tranche 6" without a grant): how people name the tranche.</summary>
    public string Tranche => Scheme is { } scheme ? $"{scheme}, tranche {Number}" : $"tranche {Number}";
}

/// <summary>An accounting under review: the month its approval is expected, the cumulative amount it brings the approved total to, and the tranche (its own number in its grant).</summary>
[GenerateSerializer, Immutable]
public sealed record ExpectedApproval(
    [property: Id(0)] YearMonth Month, [property: Id(1)] decimal AccountedTotal, [property: Id(2)] int Number,
    [property: Id(3)] string? GrantId = null, [property: Id(4)] string? Scheme = null);

/// <summary>
/// The state of a project's development at the end of <see cref="Month"/>, as it actually is: the
/// cash, how far the work is, what the funder paid, what was accounted for and what is on its way.
/// The simulator projects forward from it (<see cref="CashFlowSimulator.SimulateFrom"/>).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ActualState
{
    /// <summary>The last month with actual figures (today); the projection starts the month after.</summary>
    [Id(0)] public required YearMonth Month { get; init; }
    [Id(1)] public required decimal Cash { get; init; }
    [Id(2)] public required int WorkMonthsDone { get; init; }
    [Id(3)] public required ProgressSource ProgressSource { get; init; }
    /// <summary>
    /// The work stands still at the end of <see cref="Month"/>: resuming costs the plan's restart cost. Set by the board's stall report for
    /// <see cref="Month"/>, and by the cash timeline whenever <see cref="StalledSince"/> dates a stall that goes on today (one rule for the
    /// outlook's "stil sinds" and the restart cost).
    /// </summary>
    [Id(4)] public required bool Stalled { get; init; }
    [Id(5)] public required decimal GrantPaid { get; init; }
    [Id(6)] public required decimal Spent { get; init; }
    /// <summary>Accounted for so far (cumulative), approved or under review.</summary>
    [Id(7)] public required decimal AccountingSubmitted { get; init; }
    [Id(8)] public required decimal AccountingApproved { get; init; }
    /// <summary>Tranches requested or further along; the plan's later tranches are still to be requested.</summary>
    [Id(9)] public required int TranchesStarted { get; init; }
    [Id(10)] public ImmutableArray<ExpectedPayment> ExpectedPayments { get; init; } = [];
    [Id(11)] public ImmutableArray<ExpectedApproval> ExpectedApprovals { get; init; } = [];
    /// <summary>
    /// With <see cref="ProgressSource.EstimatedFromSpending"/> when the bookings start after the plan's start: the work months
    /// the plan's simulation has done before <see cref="BookedFrom"/>, the first month with a booking. The months before it
    /// have no bookings, so nothing measures their work but the plan (tester T8); the booked spending counts from there on.
    /// </summary>
    [Id(12)] public int? PlannedBeforeBookings { get; init; }
    /// <summary>The first month with booked spending, when <see cref="PlannedBeforeBookings"/> is set.</summary>
    [Id(13)] public YearMonth? BookedFrom { get; init; }
    /// <summary>
    /// What the plan's later tranches (those not yet requested) may still bring together: what is left of the project's grants
    /// after what was paid and the payments on their way (the plan's grant amount when no grant is recorded). The projection
    /// caps them at it, in order (tester T1). Null: no cap (a state built by hand).
    /// </summary>
    [Id(14)] public decimal? GrantLeft { get; init; }
    /// <summary>The tranches the projection counts on for less than planned, because that is all that is left of the grant (tester T1).</summary>
    [Id(15)] public ImmutableArray<TrancheCap> CappedTranches { get; init; } = [];
    /// <summary>
    /// When the work stands still at the end of <see cref="Month"/>: the month it began to (<see cref="StallStart"/>), so a stall that
    /// goes on is dated from when it began and not from the first projected month (tester T3). Null when nothing recorded says so.
    /// </summary>
    [Id(16)] public YearMonth? StalledSince { get; init; }

    /// <summary>
    /// The month the work began to stand still, walking back from <paramref name="today"/>: a month stood still when the board reported
    /// it stalled, or (without a report for it) when what was booked in it is no more than the fixed costs of the work month waited on
    /// (only the costs that run on in a stall were paid). A month reported not stalled, or with more than the fixed costs booked, ends
    /// the walk; so does a month with neither a report nor a booking (nothing says), except today's month, which is still under way
    /// (its bookings of no more than the fixed costs carry a stall on, but do not begin one).
    /// Null when no month stood still by that rule, or the work is done.
    /// </summary>
    public static YearMonth? StallStart(CashFlowPlan plan, IEnumerable<MonthSpending> spent, IEnumerable<ProgressReport> reports, int workMonthsDone, YearMonth today)
    {
        if (workMonthsDone >= plan.WorkMonths) return null;
        var fixedCost = plan.WorkMonthCosts(fixedOnly: true)[Math.Max(workMonthsDone, 0) + 1];
        var booked = spent.Where(m => m.Bookings > 0).GroupBy(m => m.Month).ToDictionary(g => g.Key, g => g.Sum(m => m.Amount));
        var reported = reports.GroupBy(r => r.Month).ToDictionary(g => g.Key, g => g.OrderBy(r => r.ReportedAt).Last());
        YearMonth? since = null;
        for (var m = today; m >= plan.StartMonth; m = m.PlusMonths(-1))
        {
            if (reported.TryGetValue(m, out var report))
            {
                if (!report.Stalled) break;
                since = m;
            }
            else if (booked.TryGetValue(m, out var amount))
            {
                if (amount > fixedCost) break;
                // Today's month is still under way: fixed costs booked early in it (rent, insurance) do not make it a stalled month on
                // their own; it only carries on a stall that began before it (or one the board reported).
                if (m != today) since = m;
            }
            else if (m != today) break;
        }
        return since;
    }

    /// <summary>
    /// Builds the state from what was recorded: the actual cash line up to today (<paramref name="today"/>'s
    /// month), the project's grants with their tranches (in order), and the board's latest progress report if
    /// any. A payment on its way is expected in the month <see cref="PaymentExpectation.ExpectedOn"/> gives for
    /// <paramref name="today"/> — the one stage-aware rule the portfolio's "next payment" and the outlook use —
    /// and at the earliest next month (this month is actual). An accounting under review is expected to be
    /// approved after the plan's request-to-approved lead, next month at the earliest.
    /// </summary>
    public static ActualState From(
        CashFlowPlan plan, ActualCashPosition position, IReadOnlyList<GrantView> grants, ProgressReport? progress, LocalDate today)
    {
        var month = position.Today;
        var next = month.PlusMonths(1);
        var lead = plan.LeadTimes;
        YearMonth NotBefore(YearMonth m) => m < next ? next : m;
        var tranches = grants.SelectMany(g => g.Grant.Tranches.OrderBy(t => t.Number).Select(t => (View: g, Tranche: t))).ToList();

        decimal submitted = 0m, approved = 0m;
        var payments = ImmutableArray.CreateBuilder<ExpectedPayment>();
        var approvals = ImmutableArray.CreateBuilder<ExpectedApproval>();
        var started = 0;
        foreach (var (_, tranche) in tranches)
        {
            if (tranche.Status == TrancheStatus.Gepland) continue;
            started++;
            var accounted = tranche.Accounting?.AmountSpent ?? 0m;
            if (tranche.Status is TrancheStatus.VerantwoordingIngediend or TrancheStatus.Goedgekeurd or TrancheStatus.Uitbetaald)
                submitted += accounted;
            if (tranche.Status is TrancheStatus.Goedgekeurd or TrancheStatus.Uitbetaald)
                approved += accounted;
        }
        var underReview = approved;
        var projected = grants.ToDictionary(g => g, g => GrantRemainder.Projected(g.Grant));
        var onTheWay = 0m;
        foreach (var (view, tranche) in tranches)
        {
            if (PaymentExpectation.ExpectedOn(view, tranche, today) is not { } expectedOn) continue;
            // Never more than is left of the grant (tester T1); a tranche nothing is left for brings nothing.
            var amount = projected[view].GetValueOrDefault(tranche.Number, tranche.PlannedAmount);
            if (tranche.Status == TrancheStatus.VerantwoordingIngediend)
            {
                var accountedIn = tranche.DateOf(TrancheStatus.VerantwoordingIngediend)!.Value.ToYearMonth();
                underReview += tranche.Accounting?.AmountSpent ?? 0m;
                approvals.Add(new ExpectedApproval(NotBefore(accountedIn.PlusMonths(lead.RequestToApprovedMonths)), underReview, tranche.Number,
                    view.Grant.Id, view.Grant.Scheme));
            }
            if (amount <= 0m) continue;
            onTheWay += amount;
            payments.Add(new ExpectedPayment(NotBefore(expectedOn.ToYearMonth()), amount, tranche.Number, view.Grant.Id, view.Grant.Scheme, expectedOn));
        }

        // The plan's later tranches, capped in order at what is left (the simulator applies the same cap as it requests them).
        var left = grants.Count == 0
            ? Math.Max(0m, plan.Grant.Amount - position.TotalReceived - onTheWay)
            : grants.Sum(g => GrantRemainder.Left(g.Grant)) - onTheWay;
        left = Math.Max(0m, left);
        var caps = ImmutableArray.CreateBuilder<TrancheCap>();
        caps.AddRange(grants.SelectMany(g => g.CappedTranches).Where(c => grants.Any(g => g.Grant.Id == c.GrantId
            && g.Grant.Tranches.Any(t => t.Number == c.Number && t.Status != TrancheStatus.Gepland))));
        var remaining = left;
        var single = grants.Count == 1 ? grants[0].Grant : null;
        for (var i = Math.Min(started, plan.Grant.Tranches.Length); i < plan.Grant.Tranches.Length; i++)
        {
            var planned = plan.Grant.Tranches[i];
            var amount = Math.Min(planned, remaining);
            remaining -= amount;
            if (amount < planned) caps.Add(new TrancheCap(single?.Id, single?.Scheme, i + 1, planned, amount));
        }

        var (done, source) = progress is { } p
            ? (Math.Min(p.WorkMonthsDone, plan.WorkMonths), ProgressSource.Reported)
            : (WorkMonthsCoveredBy(plan, position.TotalSpent), ProgressSource.EstimatedFromSpending);
        return new ActualState
        {
            Month = month,
            Cash = position.Balance,
            WorkMonthsDone = done,
            ProgressSource = source,
            Stalled = progress is { Stalled: true } && progress.Month == month,
            GrantPaid = position.TotalReceived,
            Spent = position.TotalSpent,
            AccountingSubmitted = submitted,
            AccountingApproved = approved,
            TranchesStarted = started,
            ExpectedPayments = payments.ToImmutable(),
            ExpectedApprovals = approvals.ToImmutable(),
            GrantLeft = left,
            CappedTranches = caps.ToImmutable(),
        };
    }

    /// <summary>
    /// Without a progress report: the most work months, counted from the first, whose planned cost the
    /// money spent covers. An estimate that reads fixed costs paid in a stall as progress; a report
    /// from the board replaces it.
    /// </summary>
    public static int WorkMonthsCoveredBy(CashFlowPlan plan, decimal spent) => WorkMonthsCoveredBy(plan, spent, 0);

    /// <summary>
    /// The same, counted on from <paramref name="doneBefore"/> work months already done (the plan's estimate for the
    /// months before the bookings start): the most work months after those whose planned cost the spending covers.
    /// </summary>
    public static int WorkMonthsCoveredBy(CashFlowPlan plan, decimal spent, int doneBefore)
    {
        var costs = plan.WorkMonthCosts();
        var total = 0m;
        for (var w = Math.Max(doneBefore, 0) + 1; w <= plan.WorkMonths; w++)
        {
            total += costs[w];
            if (total > spent) return w - 1;
        }
        return plan.WorkMonths;
    }
}

/// <summary>A request to record progress, as it comes in.</summary>
[GenerateSerializer, Immutable]
public sealed record ReportProgress
{
    [Id(0)] public YearMonth? Month { get; init; }
    [Id(1)] public int? WorkMonthsDone { get; init; }
    [Id(2)] public bool? Stalled { get; init; }
}

/// <summary>The rules for the board's progress reports: pure.</summary>
public static class WorkProgress
{
    public const int MaxReports = 1_000;

    /// <summary>
    /// A report is for a month from the plan's start up to this month; the work done is within the
    /// plan and never less than an earlier month's report (work done is not undone; a later report
    /// for the same month replaces it).
    /// </summary>
    public static Common.Outcome<ProgressReport> Check(
        CashFlowPlan plan, IReadOnlyList<ProgressReport> earlier, ReportProgress command, YearMonth thisMonth, string actor, Instant now)
    {
        var v = new Common.Validation();
        if (command.Month is not { } month) { v.Add("month", "is verplicht (JJJJ-MM)."); month = thisMonth; }
        else if (month > thisMonth) v.Add("month", "ligt in de toekomst; meld voortgang als het werk gedaan is.");
        else if (month < plan.StartMonth) v.Add("month", $"ligt vóór de start van het plan ({plan.StartMonth:yyyy-MM}).");
        if (command.WorkMonthsDone is not { } done) { v.Add("workMonthsDone", "is verplicht."); done = 0; }
        else if (done < 0 || done > plan.WorkMonths)
            v.Add("workMonthsDone", $"moet tussen 0 en {plan.WorkMonths} liggen (de werkmaanden van het plan).");
        else if (earlier.Where(r => r.Month < month).Select(r => r.WorkMonthsDone).DefaultIfEmpty(0).Max() is var before && done < before)
            v.Add("workMonthsDone", $"is lager dan eerder gemeld ({before}); gedaan werk gaat niet terug.");
        else if (earlier.Where(r => r.Month > month).Select(r => r.WorkMonthsDone).DefaultIfEmpty(int.MaxValue).Min() is var after && done > after)
            v.Add("workMonthsDone", $"is hoger dan voor een latere maand gemeld ({after}).");
        if (earlier.Count >= MaxReports && earlier.All(r => r.Month != month)) v.Add("month", $"een project heeft maximaal {MaxReports} voortgangsmeldingen.");
        if (v.HasErrors) return v.ToRefusal();
        return Common.Outcome<ProgressReport>.Ok(new ProgressReport(month, done, command.Stalled ?? false, actor, now));
    }

    /// <summary>The report in force at <paramref name="today"/>: the latest for a month up to it.</summary>
    public static ProgressReport? Latest(IEnumerable<ProgressReport> reports, YearMonth today) =>
        reports.Where(r => r.Month <= today).OrderBy(r => r.Month).LastOrDefault();
}

/// <summary>
/// One cash line for a project: actual up to today (tranches paid, spending booked) and projected
/// after it from that actual state, under a tranche regime, with the funder's lead times.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record CashTimeline
{
    [Id(0)] public required YearMonth Today { get; init; }
    [Id(1)] public required Regime Regime { get; init; }
    [Id(2)] public required ActualCashPosition Actual { get; init; }
    [Id(3)] public required ActualState State { get; init; }
    [Id(4)] public ProgressReport? Progress { get; init; }
    /// <summary>The months after today; null when the work is done.</summary>
    [Id(5)] public CashFlowResult? Projection { get; init; }
    [Id(6)] public required Outlook Outlook { get; init; }
    /// <summary>
    /// The work programme on the calendar as this line has it (<see cref="WorkCalendar"/>): the budget frame of the budget import and export.
    /// </summary>
    [Id(7)] public WorkCalendar? Calendar { get; init; }
}
