using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using Warmte.CashFlow;
using Warmte.Grants;

namespace Warmte.Tests.CashFlow;

/// <summary>
/// Tester T8: a board that starts booking spending late (the plan ran for years, the first € 98k is booked for the last
/// two months) must not see the work done fall from the plan's 41 work months to 0 and the end move 3½ years. Without a
/// progress report the months before the first booking stay where the plan has them; the bookings count from there.
/// </summary>
public sealed class LateBookingsProgressProperties
{
    private static readonly ImmutableArray<GrantView> NoGrants = [];

    private static CashTimeline Timeline(CashFlowPlan plan, IEnumerable<(YearMonth Month, decimal Amount)> bookings, YearMonth today) =>
        ProjectCash.Timeline(new CashFacts(plan, NoGrants,
            [.. bookings.GroupBy(b => b.Month).OrderBy(g => g.Key).Select(g => new MonthSpending(g.Key, g.Sum(b => b.Amount), g.Count(), []))], []),
            Regime.Tranches, today.OnDayOfMonth(15));

    /// <summary>Bookings from month <c>from</c> after the plan's start, today <c>after</c> months after that, amounts in whole euros.</summary>
    private static Gen<(int From, int After, (int Offset, int Amount)[] Bookings, (int Offset, int Amount) Extra)> Histories() =>
        from start in Gen.Choose(0, 40)
        from after in Gen.Choose(0, 12)
        from count in Gen.Choose(1, 6)
        from bookings in Gen.ArrayOf(Gen.Choose(0, after).SelectMany(o => Gen.Choose(1, 400_000).Select(a => (o, a))), count)
        from extra in Gen.Choose(0, after).SelectMany(o => Gen.Choose(1, 400_000).Select(a => (o, a)))
        select (start, after, bookings.Append((0, 1)).ToArray(), extra); // the first booked month is `from`

    [Property(MaxTest = 150)]
    public Property Once_bookings_started_another_booking_never_lowers_the_work_done_and_the_plan_stands_for_the_months_before_them() =>
        Prop.ForAll(CashFlowProperties.AnyPlan(), Histories().ToArbitrary(), (shape, h) =>
        {
            var plan = CashFlowProperties.Plan(shape);
            var first = plan.StartMonth.PlusMonths(h.From);
            var today = first.PlusMonths(h.After);
            var bookings = h.Bookings.Select(b => (first.PlusMonths(b.Offset), (decimal)b.Amount)).ToList();
            var before = Timeline(plan, bookings, today).State;
            var after = Timeline(plan, bookings.Append((first.PlusMonths(h.Extra.Offset), (decimal)h.Extra.Amount)), today).State;

            Assert.Equal(ProgressSource.EstimatedFromSpending, before.ProgressSource);
            Assert.True(after.WorkMonthsDone >= before.WorkMonthsDone, $"a booking lowered the work done from {before.WorkMonthsDone} to {after.WorkMonthsDone}");
            var planned = h.From == 0 ? 0 : ProjectCash.PlannedWorkMonthsDone(plan, Regime.Tranches, first.PlusMonths(-1));
            Assert.True(before.WorkMonthsDone >= planned, $"work done {before.WorkMonthsDone} below the plan's {planned} before the first booking");
            Assert.True(before.WorkMonthsDone <= plan.WorkMonths);
            Assert.Equal(h.From == 0 ? null : planned, before.PlannedBeforeBookings);
        });

    /// <summary>
    /// Worked out by hand on a plan of 12 work months of € 100,000 each from 01-2026, with € 1.2 mln in the bank from the
    /// start (no waiting for money): by the end of 04-2026 the plan has 4 work months done. Bookings that start in
    /// 05-2026 with € 250,000 pay for two more whole months: 6. Bookings from the plan's first month with the same
    /// € 250,000 are the whole measure: 2.
    /// </summary>
    [Fact]
    public void Bookings_that_start_late_add_to_where_the_plan_has_the_work_before_them()
    {
        var plan = PlanReader.Read("""
            {"formatVersion": 1, "name": "Proef", "startMonth": "2026-01", "openingBalance": 1200000,
             "phases": [{"name": "Bouw", "months": 12, "budget": 1200000}],
             "workPlan": [{"name": "Bouw", "kind": "design", "monthlyCost": 100000}],
             "grant": {"name": "PAW", "funder": "Rijk", "amount": 1200000, "trancheSize": 1200000},
             "leadTimes": {"requestToApprovedMonths": 2, "approvedToPaidMonths": 1}}
            """).Value!;
        Assert.Equal(4, ProjectCash.PlannedWorkMonthsDone(plan, Regime.Tranches, new YearMonth(2026, 4)));

        var late = Timeline(plan, [(new YearMonth(2026, 5), 150_000m), (new YearMonth(2026, 6), 100_000m)], new YearMonth(2026, 6)).State;
        Assert.Equal((6, ProgressSource.EstimatedFromSpending, (int?)4, (YearMonth?)new YearMonth(2026, 5)),
            (late.WorkMonthsDone, late.ProgressSource, late.PlannedBeforeBookings, late.BookedFrom));

        var fromStart = Timeline(plan, [(new YearMonth(2026, 1), 150_000m), (new YearMonth(2026, 6), 100_000m)], new YearMonth(2026, 6)).State;
        Assert.Equal((2, (int?)null), (fromStart.WorkMonthsDone, fromStart.PlannedBeforeBookings));
    }
}
