using System.Collections.Immutable;
using NodaTime;

namespace Warmte.CashFlow;

/// <summary>
/// One calendar month of the work programme: the work month done in it, or the one waited on while the work stands still.
/// <paramref name="Unfunded"/>: after the cash line's last month (the money runs out, or the simulation's cap) with the work
/// unfinished; the work month is placed there as if the money came, so the whole budget has a month (<see cref="WorkCalendar.From"/>).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record CalendarMonth(
    [property: Id(0)] YearMonth Month,
    [property: Id(1)] int WorkMonth,
    [property: Id(2)] bool Working,
    [property: Id(3)] bool Unfunded = false);

/// <summary>Where a calendar month falls in the work programme (<see cref="WorkCalendar.Place"/>).</summary>
public enum PlacementKind
{
    /// <summary>Before the plan's start month.</summary>
    BeforeStart,
    /// <summary>The work month <see cref="Placement.WorkMonth"/> is done in this month.</summary>
    Work,
    /// <summary>The work stands still (a windstilte or a wait for a milestone), waiting for <see cref="Placement.WorkMonth"/>.</summary>
    Standstill,
    /// <summary>After the month of the last work month (<see cref="Placement.LastWorkMonth"/>).</summary>
    AfterEnd,
    /// <summary>
    /// After the last month the calendar reaches while the work is unfinished. <see cref="WorkCalendar.From"/> never leaves the work
    /// unfinished (months after the cash line's end are <see cref="CalendarMonth.Unfunded"/> work); kept for a calendar built otherwise.
    /// </summary>
    BeyondTimeline,
}

/// <summary><paramref name="Unfunded"/>: a work month placed after the cash line's last month, as if the money came (<see cref="CalendarMonth.Unfunded"/>).</summary>
public sealed record Placement(PlacementKind Kind, int WorkMonth = 0, YearMonth? LastWorkMonth = null, bool Unfunded = false);

/// <summary>
/// The work programme on the calendar, as the cash timeline has it: the months from the plan's start up to today hold the work
/// months done today, the months after today are the projection from the actual state (stalls and waits included). The one
/// calendar the budget import places a budget on and the budget export writes a budget from (the "budget frame"); built by
/// <see cref="ProjectCash.Timeline(CashFacts, Regime, LocalDate)"/>, so no view has a second idea of when work happens. Pure.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record WorkCalendar
{
    [Id(0)] public required YearMonth Start { get; init; }
    [Id(1)] public required int WorkMonths { get; init; }
    /// <summary>
    /// Every month from <see cref="Start"/> on, in order, as far as the cash line reaches and, when the work is unfinished there,
    /// on to the last work month (<see cref="CalendarMonth.Unfunded"/>).
    /// </summary>
    [Id(2)] public required ImmutableArray<CalendarMonth> Months { get; init; }
    /// <summary>The cash line's today: the months up to it are actual, those after it projected. Null for <see cref="Straight"/>.</summary>
    [Id(3)] public YearMonth? Today { get; init; }

    /// <summary>The calendar month of the last work month; null only for a calendar built otherwise than by <see cref="From"/> or <see cref="Straight"/> that stops short.</summary>
    public YearMonth? LastWorkMonth => Months.LastOrDefault(m => m.Working && m.WorkMonth == WorkMonths)?.Month;

    /// <summary>The (first) calendar month work month <paramref name="workMonth"/> is done in; null when the calendar does not reach it.</summary>
    public YearMonth? MonthOf(int workMonth) => Months.FirstOrDefault(m => m.Working && m.WorkMonth == workMonth)?.Month;

    public Placement Place(YearMonth month)
    {
        if (month < Start) return new Placement(PlacementKind.BeforeStart);
        var index = (month.Year - Start.Year) * 12 + month.Month - Start.Month;
        if (index < Months.Length)
        {
            var at = Months[index];
            // After the last work month the cash line may go on (it ends with the projection's last month): no work there.
            if (LastWorkMonth is { } end && month > end) return new Placement(PlacementKind.AfterEnd, WorkMonths, end);
            return new Placement(at.Working ? PlacementKind.Work : PlacementKind.Standstill, at.WorkMonth, LastWorkMonth, at.Unfunded);
        }
        return LastWorkMonth is { } last
            ? new Placement(PlacementKind.AfterEnd, WorkMonths, last)
            : new Placement(PlacementKind.BeyondTimeline, Months.IsEmpty ? 1 : Months[^1].WorkMonth, null);
    }

    /// <summary>A plan's work months one after the other from its start, nothing standing still (a plan that never stalls).</summary>
    public static WorkCalendar Straight(YearMonth start, int workMonths) => new()
    {
        Start = start, WorkMonths = workMonths,
        Months = [.. Enumerable.Range(1, Math.Max(workMonths, 0)).Select(w => new CalendarMonth(start.PlusMonths(w - 1), w, true))],
    };

    /// <summary>
    /// The calendar of a cash timeline. <paramref name="past"/>: the plan simulated from its start up to today (which months it
    /// worked); <paramref name="done"/>: the work months done today (the actual state's); <paramref name="projection"/>: the months
    /// after today, projected from the actual state (null when the work is done). The past months are where the plan's simulation
    /// worked and stood still — nothing else records which past month the work was done in. Work ahead of the simulation (more
    /// done than it did) turns its latest stalled months into work. Work behind it keeps the simulation's months: the projection
    /// then does again work months the past already has (a budget for both is refused by the import, <see cref="Spreadsheets.Import.BudgetImport"/>);
    /// turning the past into standstill instead would refuse a budget the board has been booking along (spending below the plan
    /// reads as work not done). When the line ends with the work unfinished (an under-funded plan stalls with no money coming), the
    /// remaining work months follow its last month one a month, marked <see cref="CalendarMonth.Unfunded"/>: a board can import and
    /// export its whole budget before it has the money, and the shortfall stays in the plan instead of being cut off.
    /// </summary>
    public static WorkCalendar From(CashFlowPlan plan, IReadOnlyList<MonthResult> past, int done, YearMonth today, CashFlowResult? projection)
    {
        var months = ImmutableArray.CreateBuilder<CalendarMonth>();
        var simulated = past.ToDictionary(m => m.Month, m => m.Status == MonthStatus.Working);
        var pastMonths = new List<YearMonth>();
        for (var m = plan.StartMonth; m <= today; m = m.PlusMonths(1)) pastMonths.Add(m);
        var working = pastMonths.Select(m => simulated.GetValueOrDefault(m)).ToArray();
        var count = working.Count(w => w);
        for (var i = working.Length - 1; i >= 0 && count < done; i--)
            if (!working[i]) { working[i] = true; count++; }
        var workMonth = 0;
        for (var i = 0; i < pastMonths.Count; i++)
        {
            if (working[i]) workMonth++;
            months.Add(new CalendarMonth(pastMonths[i], working[i] ? workMonth : Math.Min(workMonth + 1, plan.WorkMonths), working[i]));
        }
        if (projection is not null)
            foreach (var m in projection.Months.Where(m => m.Month > today))
                months.Add(new CalendarMonth(m.Month, m.WorkMonth, m.Status == MonthStatus.Working));
        // The work months the line does not reach: after its last month, as if the money came (the line itself keeps its end).
        if (projection is not null)
        {
            var reached = months.Where(m => m.Working).Select(m => m.WorkMonth).DefaultIfEmpty(0).Max();
            var next = months.Count == 0 ? plan.StartMonth : months[^1].Month.PlusMonths(1);
            for (var w = reached + 1; w <= plan.WorkMonths; w++, next = next.PlusMonths(1))
                months.Add(new CalendarMonth(next, w, true, Unfunded: true));
        }
        return new WorkCalendar { Start = plan.StartMonth, WorkMonths = plan.WorkMonths, Months = months.ToImmutable(), Today = today < plan.StartMonth ? null : today };
    }
}
