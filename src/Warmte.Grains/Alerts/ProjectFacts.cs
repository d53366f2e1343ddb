using System.Collections.Immutable;
using NodaTime;
using Warmte.CashFlow;
using Warmte.Grants;
using Warmte.Projects;

namespace Warmte.Alerts;

/// <summary>
/// What a project's alerts are computed from: the project, its grants and its cash outlook today, and the alerts on the
/// evidence of a passed gate (<see cref="GateEvidence"/>; they do not move with the calendar).
/// </summary>
/// <param name="FirstSeen">The day the alert watch first raised each active observed alert (<see cref="AlertSince"/>): dates the forecasts.</param>
public sealed record ProjectFacts(ProjectView Project, ImmutableArray<GrantView> Grants, Outlook? Outlook, LocalDate Today, ImmutableArray<Alert> GateAlerts = default,
    ImmutableDictionary<string, LocalDate>? FirstSeen = null)
{
    public ImmutableArray<Alert> Alerts => AlertSince.Apply(AlertRules.With(AlertRules.For(Project, Grants, Today, Outlook), GateAlerts), FirstSeen);

    /// <summary>
    /// Reads the three grains in parallel; null when the project does not exist. The gate evidence from
    /// <paramref name="gate"/> when given (what the per-change evaluations keep between changes: <see cref="GateEvidenceCache"/>),
    /// otherwise read from the ALV and consent grains.
    /// </summary>
    /// <param name="firstSeen">The alert watch's own first-seen days (the watch passes them); null: asked of the project's watch.</param>
    public static async Task<ProjectFacts?> LoadAsync(IGrainFactory grains, string projectId, LocalDate today, GateEvidenceCache? gate = null,
        ImmutableDictionary<string, LocalDate>? firstSeen = null)
    {
        await Task.Yield(); // the reads go out from a turn of their own (see ProjectChanged.Raise for why)
        var project = grains.GetGrain<IProjectGrain>(projectId).Get();
        var funding = grains.GetGrain<IGrantsGrain>(projectId).Grants();
        var outlook = grains.GetGrain<ICashFlowPlanGrain>(projectId).Outlook(today.ToYearMonth());
        var seen = firstSeen is null ? grains.GetGrain<IAlertWatchGrain>(projectId).Active() : null;
        if (await project is not { } view) return null;
        var gateAlerts = gate is null ? GateEvidence.LoadAsync(grains, view) : gate.GetAsync(grains, view, today);
        return new ProjectFacts(view, await funding, await outlook, today, await gateAlerts, firstSeen ?? AlertSince.FirstSeen(await seen!));
    }
}
