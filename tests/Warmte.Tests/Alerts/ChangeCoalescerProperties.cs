using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Warmte.Alerts;

namespace Warmte.Tests.Alerts;

/// <summary>
/// The cash plan raises "project changed" at most once a second (<see cref="CoalescedProjectChange"/>):
/// for any sequence of commits, each commit is followed by a raise that comes after it and within the
/// window (plus the timer's lateness), so alerts and summaries never miss a booking; and raises are at
/// least a window apart, so a burst of bookings costs one recomputation a second, not one each.
/// </summary>
public sealed class ChangeCoalescerProperties
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxLateness = TimeSpan.FromMilliseconds(50);

    /// <summary>Runs the coalescer over changes at the given gaps (ms) with timers firing late by the given amounts; returns the raise times.</summary>
    private static List<TimeSpan> Run(IReadOnlyList<TimeSpan> changes, Func<TimeSpan> lateness)
    {
        var coalescer = new ChangeCoalescer(Window);
        var raises = new List<TimeSpan>();
        TimeSpan? timer = null;
        var i = 0;
        while (i < changes.Count || timer is not null)
        {
            if (i < changes.Count && (timer is not { } t || changes[i] <= t))
            {
                var now = changes[i++];
                var step = coalescer.OnChange(now);
                if (step.RaiseNow) raises.Add(now);
                if (step.RaiseIn is { } due) timer = now + due + lateness();
            }
            else
            {
                var now = timer!.Value;
                timer = null;
                if (coalescer.OnDue(now)) raises.Add(now);
            }
        }
        return raises;
    }

    private static Arbitrary<(int[] Gaps, int[] Late)> Inputs() =>
        Gen.Zip(Gen.Choose(0, 2500).ArrayOf(), Gen.Choose(0, (int)MaxLateness.TotalMilliseconds).ArrayOf()).ToArbitrary();

    private static (List<TimeSpan> Changes, List<TimeSpan> Raises) Simulate(int[] gaps, int[] late)
    {
        var changes = new List<TimeSpan>();
        var at = TimeSpan.FromSeconds(10);
        foreach (var gap in gaps) changes.Add(at += TimeSpan.FromMilliseconds(gap));
        var k = 0;
        var raises = Run(changes, () => late.Length == 0 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(late[k++ % late.Length]));
        return (changes, raises);
    }

    [Property]
    public Property Every_change_is_followed_by_a_raise_within_the_window() =>
        Prop.ForAll(Inputs(), input =>
        {
            var (changes, raises) = Simulate(input.Gaps, input.Late);
            return changes.All(c => raises.Any(r => r >= c && r <= c + Window + MaxLateness));
        });

    [Property]
    public Property Raises_are_at_least_a_window_apart_and_never_more_than_the_changes() =>
        Prop.ForAll(Inputs(), input =>
        {
            var (changes, raises) = Simulate(input.Gaps, input.Late);
            return raises.Count <= changes.Count && raises.Zip(raises.Skip(1)).All(p => p.Second - p.First >= Window);
        });

    [Fact]
    public void A_burst_of_a_hundred_bookings_in_half_a_second_raises_twice()
    {
        // The first at once, the other 99 together at the end of the window.
        var changes = Enumerable.Range(0, 100).Select(n => TimeSpan.FromSeconds(10) + TimeSpan.FromMilliseconds(5 * n)).ToList();
        var raises = Run(changes, () => TimeSpan.Zero);
        Assert.Equal([TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(11)], raises);
    }

    [Fact]
    public void A_pending_raise_is_made_when_the_activation_goes()
    {
        var coalescer = new ChangeCoalescer(Window);
        Assert.True(coalescer.OnChange(TimeSpan.FromSeconds(10)).RaiseNow);
        Assert.Equal(TimeSpan.FromMilliseconds(800), coalescer.OnChange(TimeSpan.FromSeconds(10.2)).RaiseIn);
        Assert.True(coalescer.OnDue(TimeSpan.FromSeconds(10.5)));  // deactivation before the timer
        Assert.False(coalescer.OnDue(TimeSpan.FromSeconds(11)));   // the timer after it finds nothing to raise
    }
}
