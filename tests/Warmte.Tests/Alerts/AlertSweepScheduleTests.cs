using FsCheck;
using FsCheck.Xunit;
using NodaTime;
using Warmte.Alerts;

namespace Warmte.Tests.Alerts;

/// <summary>
/// The alert sweep's rules for every input: each project is in exactly one slice, the same everywhere;
/// after an evaluation the next due time is the first whole period after now, so a project keeps its time
/// of day and is evaluated once per period, never less often; an upgraded project is due when its old
/// reminder would have fired next; a new project is due within the next period (and a minute).
/// </summary>
public sealed class AlertSweepScheduleTests
{
    private static readonly Instant Epoch = Instant.FromUtc(2026, 12, 6, 0, 0);
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    [Property]
    public bool Every_project_is_in_exactly_one_slice_and_always_the_same(NonNull<string> id)
    {
        // One number in 0 … Slices − 1 (so one sweep reads it), from the id's characters alone (a copy of the string gets the same).
        var slice = AlertSweepSchedule.SliceOf(id.Get);
        return slice >= 0 && slice < AlertSweepSchedule.Slices && slice == AlertSweepSchedule.SliceOf(new string(id.Get.ToCharArray()));
    }

    [Fact]
    public void The_slices_share_the_projects_evenly_enough()
    {
        // 10,000 ids of the load generator's naming: every slice used, none over twice its share (312.5).
        var counts = Enumerable.Range(0, 1000).SelectMany(c => Enumerable.Range(0, 10).Select(p => $"scale-c{c:D4}-p{p:D2}"))
            .GroupBy(AlertSweepSchedule.SliceOf).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(Enumerable.Range(0, AlertSweepSchedule.Slices), counts.Keys.Order());
        Assert.All(counts.Values, n => Assert.InRange(n, 150, 625));
    }

    [Fact]
    public void The_slice_follows_from_the_id_alone()
    {
        // FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c (published vector); bits 32-63: 0xaf63dc4c, modulo 32: 12.
        Assert.Equal((int)(0xaf63dc4cUL % 32), AlertSweepSchedule.SliceOf("a"));
    }

    [Property]
    public bool The_next_due_time_is_the_first_whole_period_after_now(int dueMinutes, PositiveInt lateMinutes, PositiveInt periodMinutes)
    {
        var period = TimeSpan.FromMinutes(periodMinutes.Get % 5000 + 1);
        var due = Epoch + Duration.FromMinutes(dueMinutes % 100_000);
        var now = due + Duration.FromMinutes(lateMinutes.Get % 100_000);
        var next = AlertSweepSchedule.NextDue(due, now, period);
        var periods = (next - due).BclCompatibleTicks / period.Ticks;
        return next > now && next - now <= Duration.FromTimeSpan(period)
               && (next - due).BclCompatibleTicks % period.Ticks == 0 && periods >= 1;
    }

    [Property]
    public bool A_project_is_evaluated_once_in_every_period_however_late_each_sweep_comes(PositiveInt seed)
    {
        // Sweeps that come up to 5 minutes late, over 30 days of a daily period: one evaluation per day, at the same time of day.
        var random = new System.Random(seed.Get);
        var due = Epoch + Duration.FromMinutes(random.Next(0, 1440));
        var evaluations = new List<Instant>();
        for (var day = 0; day < 30; day++)
        {
            var sweep = due + Duration.FromSeconds(random.Next(0, 300));
            evaluations.Add(sweep);
            due = AlertSweepSchedule.NextDue(due, sweep, Day);
        }
        return evaluations.Zip(evaluations.Skip(1), (a, b) => b - a).All(gap => gap > Duration.FromHours(23) && gap < Duration.FromHours(25))
               && evaluations.All(e => (e - evaluations[0]).BclCompatibleTicks % Day.Ticks < TimeSpan.FromMinutes(5).Ticks
                                      || Day.Ticks - (e - evaluations[0]).BclCompatibleTicks % Day.Ticks < TimeSpan.FromMinutes(5).Ticks);
    }

    [Property]
    public bool An_upgraded_project_is_due_at_its_old_reminders_next_tick(int startMinutes, PositiveInt nowMinutes)
    {
        var start = Epoch + Duration.FromMinutes(startMinutes % 100_000);
        var now = Epoch + Duration.FromMinutes(nowMinutes.Get % 100_000);
        var at = AlertSweepSchedule.FromReminder(start, Day, now);
        return at >= start && at >= now && (at - start).BclCompatibleTicks % Day.Ticks == 0
               && (start >= now ? at == start : at - now < Duration.FromDays(1));
    }

    [Property]
    public bool A_new_project_is_due_within_a_minute_to_a_period_and_a_minute(NonNull<string> id, bool neverEvaluated)
    {
        var now = Epoch + Duration.FromHours(9);
        var last = neverEvaluated ? (Instant?)null : now - Duration.FromDays(2);
        var at = AlertSweepSchedule.FirstDueAt(id.Get, last, now, Day);
        return at >= now + Duration.FromMinutes(1) && at < now + Duration.FromDays(1) + Duration.FromMinutes(1);
    }

    [Fact]
    public void A_sweep_wakes_every_five_minutes_for_a_daily_period_and_never_under_a_second()
    {
        Assert.Equal(TimeSpan.FromMinutes(5), AlertSweepSchedule.SweepEvery(Day));
        Assert.Equal(TimeSpan.FromMinutes(5), AlertSweepSchedule.SweepEvery(TimeSpan.FromDays(7)));
        Assert.Equal(TimeSpan.FromSeconds(1), AlertSweepSchedule.SweepEvery(TimeSpan.FromSeconds(2)));
        Assert.Equal(TimeSpan.FromSeconds(12.5), AlertSweepSchedule.SweepEvery(TimeSpan.FromHours(1)));
    }
}
