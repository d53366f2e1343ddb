namespace Warmte.Silo.Demo;

/// <summary>
/// Whether the demo data asked for with <c>--demo</c> is there, for <c>/health/ready</c>: the demo is loaded after the
/// silo has started (<see cref="Hosting.AlertWatchStartup"/>), so without this the silo answered ready while the
/// cooperative was still half loaded, and a script or load balancer that waited for ready saw it so. Without
/// <c>--demo</c> it is not part of readiness at all.
/// </summary>
public sealed class DemoReadiness(bool requested)
{
    public enum State { NotRequested, Loading, Loaded, Failed }

    private volatile int _state = (int)(requested ? State.Loading : State.NotRequested);

    public bool Requested { get; } = requested;

    public State Current => (State)_state;

    /// <summary>The demo is complete (loaded now, or found loaded by an earlier start).</summary>
    public void MarkLoaded() => _state = (int)State.Loaded;

    /// <summary>Loading failed: the silo stays not ready (the log has the error); a restart tries again.</summary>
    public void MarkFailed() => _state = (int)State.Failed;

    /// <summary>The readiness check's word for it: "ok" when it does not hold the silo back, else why (Dutch, as the other checks).</summary>
    public string Check => Current switch
    {
        State.NotRequested or State.Loaded => "ok",
        State.Loading => "wordt geladen",
        _ => "laden mislukt",
    };
}
