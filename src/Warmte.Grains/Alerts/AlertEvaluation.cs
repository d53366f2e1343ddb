namespace Warmte.Alerts;

/// <summary>
/// Defers alert evaluation while a bulk load writes a project's facts one by one (the demo). Every
/// write re-evaluates the project's alerts; half-way through a load the facts describe a project
/// that never existed ("tranche 1 requested on 15-01-2020, not approved after 2,517 days" because its
/// approval is the next write), and such alerts would be raised, logged and cleared again. The flag
/// travels with the calls in Orleans' request context, so the grains the load writes to skip their
/// evaluation; the load evaluates each project once at its end.
/// </summary>
public static class AlertEvaluation
{
    private const string DeferredKey = "warmte.alerts.deferred";

    /// <summary>Until the scope is disposed, evaluations triggered by this call chain's writes are skipped.</summary>
    public static IDisposable Defer()
    {
        RequestContext.Set(DeferredKey, true);
        return new Scope();
    }

    /// <summary>Whether the current call belongs to a load that evaluates alerts itself at its end.</summary>
    public static bool IsDeferred => RequestContext.Get(DeferredKey) is true;

    private sealed class Scope : IDisposable
    {
        public void Dispose() => RequestContext.Remove(DeferredKey);
    }
}
