using FsCheck.Xunit;
using NodaTime;
using Warmte.Alerts;

namespace Warmte.Tests.Alerts;

/// <summary>
/// When a project's alert watch first fires (and so at what time of day it fires every day after):
/// a period after its last evaluation, or — overdue or never evaluated — at a place in the next day
/// that follows from the project id alone, so 100,000 watches registered in the same minutes do not
/// all fire in the same minutes every day (issue 15).
/// </summary>
public sealed class AlertWatchScheduleTests
{
    private static readonly Instant Now = Instant.FromUtc(2026, 12, 6, 9, 0);
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    [Fact]
    public void A_watch_evaluated_recently_fires_a_period_after_that_evaluation()
    {
        var due = AlertWatchSchedule.FirstDue("wg-terrein", Now - Duration.FromHours(5), Now, Day);
        Assert.Equal(TimeSpan.FromHours(19), due);
    }

    [Property]
    public bool An_overdue_or_new_watch_fires_within_a_minute_to_a_day_and_a_minute(string id, byte hoursAgo, bool never)
    {
        id ??= "";
        var last = never ? (Instant?)null : Now - Duration.FromHours(24 + hoursAgo);
        var due = AlertWatchSchedule.FirstDue(id, last, Now, Day);
        return due >= TimeSpan.FromMinutes(1) && due < Day + TimeSpan.FromMinutes(1)
               && due == AlertWatchSchedule.FirstDue(id, null, Now + Duration.FromDays(3), Day); // the id alone decides
    }

    [Fact]
    public void Watches_registered_together_spread_over_the_whole_day()
    {
        // 10,000 projects of the load generator's naming, all overdue at the same moment (the once-per-database pass).
        var hours = Enumerable.Range(0, 1000).SelectMany(c => Enumerable.Range(0, 10).Select(p => $"scale-c{c:D4}-p{p:D2}"))
            .Select(id => (int)(AlertWatchSchedule.FirstDue(id, null, Now, Day) - TimeSpan.FromMinutes(1)).TotalHours)
            .GroupBy(h => h).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(Enumerable.Range(0, 24), hours.Keys.Order());
        // Evenly enough: no hour gets more than twice its share (10,000 / 24 ≈ 417).
        Assert.All(hours.Values, count => Assert.InRange(count, 200, 834));
    }

    [Fact]
    public void The_place_is_the_same_on_every_silo_and_start()
    {
        // FNV-1a 64 of "a" (published test vector), not the per-process string hash.
        Assert.Equal(0xaf63dc4c8601ec8cUL, AlertWatchSchedule.Place("a"));
    }

    [Fact]
    public void Periods_under_a_minute_are_kept_as_they_are()
    {
        Assert.Equal(TimeSpan.FromSeconds(2), AlertWatchSchedule.FirstDue("wg-terrein", null, Now, TimeSpan.FromSeconds(2)));
    }
}
