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
    public static Task Raise(IGrainFactory grains, string projectId) => grains.GetGrain<IProjectSummaryGrain>(projectId).Changed();
}
