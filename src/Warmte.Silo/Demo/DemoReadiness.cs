namespace Warmte.Silo.Demo;

/// <summary>
/// Whether the demo data asked for with <c>--demo</c> is there, for <c>/health/ready</c>: the demo is loaded after the
/// silo has started (<see cref="Hosting.AlertWatchStartup"/>), so without this the silo answered ready while the
/// cooperative was still half loaded, and a script or load balancer that waited for ready saw it so. Without
/// <c>--demo</c> it is not part of readiness at all. A failed try is tried again with backoff (review R6: one transient
/// error used to keep the silo 503 until a restart); after the last try it stays not ready and says why.
/// </summary>
public sealed class DemoReadiness(bool requested)
{
    public enum State { NotRequested, Loading, Loaded, Failed }

    private volatile int _state = (int)(requested ? State.Loading : State.NotRequested);
    private volatile string? _detail;

    public bool Requested { get; } = requested;

    public State Current => (State)_state;

    /// <summary>The demo is complete (loaded now, or found loaded by an earlier start).</summary>
    public void MarkLoaded()
    {
        _detail = null;
        _state = (int)State.Loaded;
    }

    /// <summary>A try failed and another follows: still loading, and the check says which try comes next and why.</summary>
    public void MarkRetrying(int nextTry, int tries, string reason)
    {
        _detail = $"poging {nextTry} van {tries}; de vorige mislukte: {reason}";
        _state = (int)State.Loading;
    }

    /// <summary>The last try failed: the silo stays not ready, with the reason (the log has the error); a restart tries again.</summary>
    public void MarkFailed(string reason)
    {
        _detail = reason;
        _state = (int)State.Failed;
    }

    /// <summary>The readiness check's word for it: "ok" when it does not hold the silo back, else why (Dutch, as the other checks).</summary>
    public string Check => Current switch
    {
        State.NotRequested or State.Loaded => "ok",
        State.Loading => _detail is { } retry ? $"wordt geladen ({retry})" : "wordt geladen",
        _ => _detail is { } reason ? $"laden mislukt: {reason}" : "laden mislukt",
    };
}
