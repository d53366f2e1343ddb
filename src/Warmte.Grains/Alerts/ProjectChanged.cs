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
        // Never from the synchronous part of the caller's turn. On SQLite a commit completes
        // synchronously, so without this the committing grain sends to the summary grain while Orleans
        // is still delivering the caller's own request; the summary grain, reading that same grain for
        // its figures just then, does the same the other way round, and the two activations wait for
        // each other's lock (seen as a test run that hung: CashFlowPlanGrain.Save → Changed against
        // ProjectFacts.LoadAsync → Outlook). Yielding first sends from a turn of its own.
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

    private long _lastRaised; // Stopwatch timestamp of the last raise; 0: none yet
    private IGrainTimer? _pending;

    /// <summary>After a commit: raises now, or once at the end of the current window.</summary>
    public Task Raise()
    {
        if (_pending is not null) return Task.CompletedTask; // the raise that is due will read this change too
        var since = _lastRaised == 0 ? Window : Stopwatch.GetElapsedTime(_lastRaised);
        if (since >= Window) return RaiseNow();
        _pending = grain.RegisterGrainTimer(_ => RaisePending(),
            new GrainTimerCreationOptions { DueTime = Window - since, Period = Timeout.InfiniteTimeSpan, KeepAlive = true });
        return Task.CompletedTask;
    }

    /// <summary>Raises a change still waiting for its window (call from OnDeactivateAsync).</summary>
    public Task RaisePending()
    {
        if (_pending is not { } timer) return Task.CompletedTask;
        _pending = null;
        timer.Dispose();
        return RaiseNow();
    }

    private Task RaiseNow()
    {
        _lastRaised = Stopwatch.GetTimestamp();
        return ProjectChanged.Raise(grains, projectId);
    }
}
