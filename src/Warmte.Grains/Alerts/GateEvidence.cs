using System.Collections.Immutable;
using NodaTime;
using Warmte.Journal;
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
    public const string Kind = AlertKinds.GateEvidenceChanged;

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
            alerts.Add(new Alert(projectId, AlertKinds.GateEvidenceChanged, AlertSeverity.High, Since(go, d.ClosedOn),
                message + " Het project blijft in Realisatie; neem zo nodig een nieuw besluit of een no-go.", "poort/realisatie/realisatiebesluit"));
        }
        // Without any complex (and not declared "no rented homes") there is no consent to fall: a Go of a release before
        // consent was a computed condition. Quiet rather than a false alarm on every such project.
        if (consent is { NotApplicableReason: null, AllReached: false, Complexes.Length: > 0 })
        {
            var fallen = consent.Complexes.Where(c => !c.Reached).ToList();
            var what = string.Join("; ", fallen.Select(c => $"{c.Name} nu {c.Agreed} van {c.RentedHomes} (nodig {c.Required})"));
            // The first complex to fall after the Go made it true; one of unknown date dates it at the Go.
            var since = fallen.Select(c => Since(go, c.UnmetSince)).Min();
            alerts.Add(new Alert(projectId, AlertKinds.GateEvidenceChanged, AlertSeverity.Medium, since,
                $"De huurdersinstemming waarop {goText} rust, is niet meer gehaald: {what}. {WithdrawalQuestion(fallen)}Het project blijft in Realisatie.",
                "poort/realisatie/huurdersinstemming"));
        }
        return alerts.ToImmutable();
    }

    /// <summary>
    /// Since when a gate-evidence alert is true (tester T9): the later of the Go's date and the day the evidence was
    /// recorded as changed (a complex created or fallen, a correction closed), so an alert that arose today is not dated
    /// at a Go of last year and sorted as the longest-standing. The Go's date when the day is not known.
    /// </summary>
    public static LocalDate Since(PhaseTransition go, LocalDate? changedOn) =>
        changedOn is { } on && on > go.DecidedOn ? on : go.DecidedOn;

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
    public static Task<ImmutableArray<Alert>> LoadAsync(IGrainFactory grains, ProjectView project) =>
        StandingGo(project.Phase, project.History, Phase.Realisatie) is { } go ? LoadAsync(grains, project, go) : Task.FromResult(ImmutableArray<Alert>.Empty);

    /// <summary>Reads what <see cref="Alerts"/> needs for the standing Go <paramref name="go"/>: the ALV's decision and the consent status (two grain calls).</summary>
    public static async Task<ImmutableArray<Alert>> LoadAsync(IGrainFactory grains, ProjectView project, PhaseTransition go)
    {
        var decision = grains.GetGrain<IAlvGrain>(project.CooperativeId).DecisionNowAndOn(project.Id, DecisionType.Realisatiebesluit, go.DecidedOn);
        var consent = grains.GetGrain<ITenantConsentGrain>(project.Id).Status(withAddresses: false);
        var (now, onDate) = await decision;
        return Alerts(project.Id, go, RestedOn(now, onDate), await consent);
    }
}

/// <summary>
/// A project's gate-evidence alerts kept between evaluations (one per <see cref="AlertWatchGrain"/> and
/// <see cref="ProjectSummaryGrain"/> activation). Every change of a project re-evaluates its alerts and recomputes its
/// summary — a booking too, and bookings are most of the writes — but the gate evidence reads only the ALV's decisions of
/// the cooperative, the project's tenant consent and the standing Go: none of it moves with a booking. So the alerts are
/// computed again only when one of their inputs can have moved. The key is everything <see cref="GateEvidence.Alerts"/>
/// reads: the cooperative, the Go's date (from the project view, which every evaluation reads anyway), the day (consent
/// is judged today), and the snapshot versions of the cooperative's ALV grain and the project's consent grain, read in
/// one query (<see cref="IJournalStore.SnapshotVersionsAsync"/>). A version moves with every commit of that grain, and a
/// commit's version is visible from the moment it is committed, before the grain says "project changed" — so an
/// evaluation after a recount or a withdrawn answer never answers from before it, however the messages are ordered, on
/// any silo (docs/architecture.md, "Something changed on this project"). Not thread-safe: a grain's turns are serial.
/// </summary>
public sealed class GateEvidenceCache(IJournalStore store)
{
    private (string Cooperative, LocalDate GoOn, LocalDate Today, long Alv, long Consent)? _key;
    private ImmutableArray<Alert> _alerts = [];

    /// <summary>The alerts for <paramref name="project"/> today: kept ones when no input moved, otherwise read from the ALV and consent grains.</summary>
    public async Task<ImmutableArray<Alert>> GetAsync(IGrainFactory grains, ProjectView project, LocalDate today)
    {
        if (GateEvidence.StandingGo(project.Phase, project.History, Phase.Realisatie) is not { } go) return [];
        var versions = await store.SnapshotVersionsAsync([(AlvGrain.JournalType, project.CooperativeId), (TenantConsentGrain.JournalType, project.Id)]);
        var key = (project.CooperativeId, go.DecidedOn, today, versions[0], versions[1]);
        if (_key == key) return _alerts;
        // The ALV's decisions are read interleaved with its writes: right after a commit the stored version can be ahead
        // of what the grain answers from. Kept only when the grain had taken in at least the version read (review R4);
        // the consent grain's status does not interleave, so it always answers from its latest commit.
        var alvTakenIn = await grains.GetGrain<IAlvGrain>(project.CooperativeId).JournalVersion();
        var alerts = await GateEvidence.LoadAsync(grains, project, go);
        if (alvTakenIn >= versions[0]) (_key, _alerts) = (key, alerts);
        else _key = null;
        return alerts;
    }
}
