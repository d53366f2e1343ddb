using System.Diagnostics;

namespace Warmte.Alerts;

/// <summary>
/// "Something changed on this project": the one call every grain makes after a successful commit
/// that concerns a project (its record, grants, cash plan, business case, consent, an ALV vote on
/// it). It marks the project's summary stale before it returns — so the next wide read
/// (umbrella comparison, portfolio) never shows the old figures — and then, without waiting,
/// recomputes that summary and re-evaluates the project's alerts. Inside
/// <see cref="AlertEvaluation.Defer"/> (a bulk load) only the mark happens; the load raises each
/// project once at its end. docs/architecture.md, "Something changed on this project".
/// </summary>
public static class ProjectChanged
{
    public static async Task Raise(IGrainFactory grains, string projectId)
    {
        // Never from the synchronous part of the caller's turn (JournaledState.CommitAsync yields after
        // every commit for the same reason; this covers the callers that did not just commit, such as
        // the demo load's end and the daily reminder).
        await Task.Yield();
        await grains.GetGrain<IProjectSummaryGrain>(projectId).Changed();
    }
}

/// <summary>
/// <see cref="ProjectChanged.Raise"/> for a grain that commits often (the cash plan: a booking per
/// request): at most one raise per <see cref="Window"/>. The first change after a quiet
/// <see cref="Window"/> is raised at once; changes within the window after it are raised once,
/// together, when the window ends (a grain timer that keeps the activation alive until then; a
/// deactivation raises what is pending). Each raise recomputes the project's summary and
/// re-evaluates its alerts from the state as it is then, so nothing is lost by raising once for
/// several commits; only when is bounded: alerts follow a burst of bookings within
/// <see cref="Window"/>. The wide views are not affected: every commit already counted itself on the
/// project's summary, and a read recomputes a stale summary before it answers. Measured: one raise
/// per booking cost more CPU than the booking itself (docs/performance.md, "Service writes against
/// raw inserts").
/// </summary>
public sealed class CoalescedProjectChange(IGrainBase grain, IGrainFactory grains, string projectId)
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    private readonly ChangeCoalescer _coalescer = new(Window);
    private readonly long _origin = Stopwatch.GetTimestamp();
    private IGrainTimer? _pending;

    private TimeSpan Now => Stopwatch.GetElapsedTime(_origin);

    /// <summary>After a commit: raises now, or once at the end of the current window.</summary>
    public Task Raise()
    {
        var step = _coalescer.OnChange(Now);
        if (step.RaiseNow) return ProjectChanged.Raise(grains, projectId);
        if (step.RaiseIn is { } due)
            _pending = grain.RegisterGrainTimer(_ => RaisePending(),
                new GrainTimerCreationOptions { DueTime = due, Period = Timeout.InfiniteTimeSpan, KeepAlive = true });
        return Task.CompletedTask;
    }

    /// <summary>Raises a change still waiting for its window (the timer; and call it from OnDeactivateAsync).</summary>
    public Task RaisePending()
    {
        _pending?.Dispose();
        _pending = null;
        return _coalescer.OnDue(Now) ? ProjectChanged.Raise(grains, projectId) : Task.CompletedTask;
    }
}

/// <summary>
/// The decision inside <see cref="CoalescedProjectChange"/>, with time passed in so a test can run it
/// on any sequence of changes (<c>ChangeCoalescerProperties</c>): every change is followed by a raise
/// within <paramref name="window"/>, and two raises are never closer than <paramref name="window"/>.
/// </summary>
public sealed class ChangeCoalescer(TimeSpan window)
{
    private TimeSpan? _lastRaised;
    private bool _pending;

    /// <summary>What to do about a change at <paramref name="now"/>: raise now, schedule one raise
    /// <see cref="Step.RaiseIn"/> from now, or nothing (a raise is already due and will see this change).</summary>
    public Step OnChange(TimeSpan now)
    {
        if (_pending) return new(false, null);
        if (_lastRaised is not { } last || now - last >= window)
        {
            _lastRaised = now;
            return new(true, null);
        }
        _pending = true;
        return new(false, window - (now - last));
    }

    /// <summary>The scheduled raise is due (or the activation is going): true when a change waits for it.</summary>
    public bool OnDue(TimeSpan now)
    {
        if (!_pending) return false;
        _pending = false;
        _lastRaised = now;
        return true;
    }

    public readonly record struct Step(bool RaiseNow, TimeSpan? RaiseIn);
}
