using System.Collections.Immutable;
using Warmte.Alv;
using Warmte.Phases;
using Warmte.Projects;
using Warmte.TenantConsent;

namespace Warmte.Alerts;

/// <summary>
/// Evidence a passed gate rested on that changed afterwards (tester A15). The phase history is what funders read;
/// it must not keep claiming a gate passed on evidence that is gone without a trace on the project. Pure.
/// <list type="bullet">
/// <item>A correction that overturns the realisatiebesluit in force on the Go's date (the decision the Go rested on,
/// as recorded now: <see cref="AlvRules.DecisionFor"/> as of the Go's date): a High alert.</item>
/// <item>Tenant consent no longer reached in a complex while the Go stands (an answer withdrawn, a complex added):
/// a Medium alert. Whether a withdrawal after the objection period counts is a legal question the alert leaves open.</item>
/// <item>A deliverable of a passed gate is not withdrawn at all (<see cref="ProjectRules.WithdrawDeliverable"/>).</item>
/// </list>
/// The phase stays: a gate decision is a decision of people, and so is going back (a no-go). The alerts clear once
/// the evidence is whole again or the project leaves the phase (a no-go, Gestopt).
/// </summary>
public static class GateEvidence
{
    public const string Kind = "gate-evidence-changed";

    /// <summary>The Go into <paramref name="gate"/> that still stands (the project is in that phase or later, not stopped), or null.</summary>
    public static PhaseTransition? StandingGo(Phase phase, IEnumerable<PhaseTransition> history, Phase gate) =>
        phase >= gate && phase != Phase.Gestopt ? history.LastOrDefault(t => t.Kind == TransitionKind.Go && t.To == gate) : null;

    /// <param name="decisionOnGoDate">The realisatiebesluit in force on the Go's date as the ALV register holds it now.</param>
    /// <param name="consent">Tenant consent today.</param>
    public static ImmutableArray<Alert> Alerts(string projectId, PhaseTransition go, DecisionStatus? decisionOnGoDate, ConsentStatus? consent)
    {
        var alerts = ImmutableArray.CreateBuilder<Alert>();
        var goText = $"de Go van {DutchFormat.Date(go.DecidedOn)}";
        // No decision at all on the Go's date: a Go of a release before the realisatiebesluit was a computed condition
        // (a register decision cannot disappear since), so there is nothing it rested on to change: no alert.
        if (decisionOnGoDate is { Result.Outcome: not DecisionOutcome.Aangenomen } d)
        {
            var message = d.Corrects is { } corrected
                ? $"Het realisatiebesluit waarop {goText} rust is gecorrigeerd: {d.Result.Outcome} (ALV '{d.MeetingId}' van {DutchFormat.Date(d.MeetingDate)}, voorstel '{d.ProposalId}', correctie op {corrected}: {d.Result.Describe()})."
                : $"Het realisatiebesluit waarop {goText} rust, is volgens het ALV-register nu: {d.Result.Outcome} (ALV '{d.MeetingId}' van {DutchFormat.Date(d.MeetingDate)}, voorstel '{d.ProposalId}': {d.Result.Describe()}).";
            alerts.Add(new Alert(projectId, Kind, AlertSeverity.High, go.DecidedOn,
                message + " Het project blijft in Realisatie; neem zo nodig een nieuw besluit of een no-go.", "poort/realisatie/realisatiebesluit"));
        }
        // Without any complex (and not declared "no rented homes") there is no consent to fall: a Go of a release before
        // consent was a computed condition. Quiet rather than a false alarm on every such project.
        if (consent is { NotApplicableReason: null, AllReached: false, Complexes.Length: > 0 })
        {
            var fallen = consent.Complexes.Where(c => !c.Reached).ToList();
            var what = string.Join("; ", fallen.Select(c => $"{c.Name} nu {c.Agreed} van {c.RentedHomes} (nodig {c.Required})"));
            alerts.Add(new Alert(projectId, Kind, AlertSeverity.Medium, go.DecidedOn,
                $"De huurdersinstemming waarop {goText} rust, is niet meer gehaald: {what}. {WithdrawalQuestion(fallen)}Het project blijft in Realisatie.",
                "poort/realisatie/huurdersinstemming"));
        }
        return alerts.ToImmutable();
    }

    /// <summary>
    /// What to say about the withdrawals (tester T8.3): the legal question whether a withdrawal counts only when one is
    /// dated after its complex's objection period; a withdrawal within it is named as such; nothing when no withdrawal is
    /// known (more homes, answers from before the date was kept). Ends with ". " or is empty.
    /// </summary>
    private static string WithdrawalQuestion(IReadOnlyList<ComplexStatus> fallen)
    {
        var after = fallen.Where(c => c.LastWithdrawalOn is { } w && c.ObjectionPeriodEnds is { } end && w > end).ToList();
        if (after.Count > 0)
            return "Of een intrekking na de bezwaartermijn meetelt, is een juridische vraag ("
                + string.Join("; ", after.Select(c => $"{c.Name}: ingetrokken op {DutchFormat.Date(c.LastWithdrawalOn!.Value)}, bezwaartermijn tot {DutchFormat.Date(c.ObjectionPeriodEnds!.Value)}")) + "). ";
        var within = fallen.Where(c => c.LastWithdrawalOn is { } w && c.ObjectionPeriodEnds is { } end && w <= end).ToList();
        if (within.Count > 0)
            return "De intrekking valt binnen de bezwaartermijn ("
                + string.Join("; ", within.Select(c => $"{c.Name}: ingetrokken op {DutchFormat.Date(c.LastWithdrawalOn!.Value)}, bezwaartermijn tot {DutchFormat.Date(c.ObjectionPeriodEnds!.Value)}")) + "). ";
        return "";
    }

    /// <summary>
    /// The decision the Go rested on, as the register holds it now: the one in force on the Go's date, unless a recount
    /// of that same meeting was closed after the Go. A recount counts from the day it was closed (review3 F2), so it is
    /// not "in force on the Go's date", but it says that meeting's votes were counted wrong: the evidence changed. A
    /// decision of a later meeting is a new decision, not a change of what the Go rested on.
    /// </summary>
    public static DecisionStatus? RestedOn(DecisionStatus? now, DecisionStatus? onGoDate) =>
        now is { Corrects: not null } && onGoDate is { } o && now.MeetingId == o.MeetingId && now.ProposalId != o.ProposalId ? now : onGoDate;

    /// <summary>Reads what <see cref="Alerts"/> needs for a project whose Go into Realisatie stands; empty for any other project.</summary>
    public static async Task<ImmutableArray<Alert>> LoadAsync(IGrainFactory grains, ProjectView project)
    {
        if (StandingGo(project.Phase, project.History, Phase.Realisatie) is not { } go) return [];
        var decision = grains.GetGrain<IAlvGrain>(project.CooperativeId).DecisionNowAndOn(project.Id, DecisionType.Realisatiebesluit, go.DecidedOn);
        var consent = grains.GetGrain<ITenantConsentGrain>(project.Id).Status(withAddresses: false);
        var (now, onDate) = await decision;
        return Alerts(project.Id, go, RestedOn(now, onDate), await consent);
    }
}
