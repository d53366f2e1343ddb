using NodaTime;
using Warmte.Audit;
using Warmte.Common;
using Warmte.Gates;
using Warmte.Milestones;
using Warmte.Phases;

namespace Warmte.Projects;

/// <summary>
/// The rules of a project, as pure functions: each takes the current record and a command and
/// returns either the changed record with its audit description, or a refusal. A refusal leaves
/// the record as it was (records are immutable, so there is nothing to roll back).
/// </summary>
public static class ProjectRules
{
    public const int MaxCount = 1_000_000;
    public const int MaxMilestones = 200;

    public static Outcome<Change<ProjectRecord>> Create(
        string cooperativeId, CreateProject command, LocalDate today, Instant now)
    {
        var v = new Validation();
        var id = Slug.Check(v, "id", command.Id, example: "wg-terrein");
        var name = v.Text("name", command.Name);
        var weq = Count(v, "woningequivalenten", command.Woningequivalenten ?? 0);
        var connections = Count(v, "plannedConnections", command.PlannedConnections ?? 0);
        var technology = v.OptionalText("technology", command.Technology, 1000);
        var startedOn = command.StartedOn ?? today;
        if (startedOn > today) v.Add("startedOn", $"{DutchFormat.Date(startedOn)} ligt in de toekomst.");
        if (v.HasErrors) return v.ToRefusal();

        var record = new ProjectRecord
        {
            Id = id,
            CooperativeId = cooperativeId,
            Name = name,
            Woningequivalenten = weq,
            PlannedConnections = connections,
            Technology = technology,
            Phase = Phase.Initiatief,
            PhaseSince = startedOn,
            StartedOn = startedOn,
            CreatedAt = now,
        };
        return Outcome<Change<ProjectRecord>>.Ok(new(record, "project.created",
            $"Project '{name}' aangemaakt in fase {Phase.Initiatief} per {DutchFormat.Date(startedOn)}."));
    }

    public static Outcome<Change<ProjectRecord>> Update(ProjectRecord project, UpdateProject command)
    {
        if (Stopped(project) is { } refusal) return refusal;
        var v = new Validation();
        var name = command.Name is null ? project.Name : v.Text("name", command.Name);
        var weq = command.Woningequivalenten is { } w ? Count(v, "woningequivalenten", w) : project.Woningequivalenten;
        var connections = command.PlannedConnections is { } c ? Count(v, "plannedConnections", c) : project.PlannedConnections;
        var technology = command.Technology is null ? project.Technology : v.OptionalText("technology", command.Technology, 1000);
        if (v.HasErrors) return v.ToRefusal();

        var updated = project with
        {
            Name = name, Woningequivalenten = weq, PlannedConnections = connections, Technology = technology,
        };
        var changes = new List<string>();
        if (name != project.Name) changes.Add($"naam '{project.Name}' → '{name}'");
        if (weq != project.Woningequivalenten) changes.Add($"woningequivalenten {project.Woningequivalenten} → {weq}");
        if (connections != project.PlannedConnections) changes.Add($"geplande aansluitingen {project.PlannedConnections} → {connections}");
        if (technology != project.Technology) changes.Add("techniek gewijzigd");
        return Outcome<Change<ProjectRecord>>.Ok(new(updated, "project.updated",
            changes.Count == 0 ? "Geen wijzigingen." : "Gewijzigd: " + string.Join("; ", changes) + "."));
    }

    /// <summary>
    /// A gate decision. Go requires every condition of the next gate; no-go goes back one phase;
    /// Gestopt is possible from any phase and final. Skipping is never possible.
    /// </summary>
    public static Outcome<Change<ProjectRecord>> Transition(
        ProjectRecord project, TransitionRequest request, GateRules rules, LocalDate today, string actor, Instant now,
        GateFacts? facts = null)
    {
        var v = new Validation();
        var to = Phase.Initiatief;
        if (string.IsNullOrWhiteSpace(request.To)) v.Add("to", "is verplicht.");
        else if (!PhaseMachine.TryParse(request.To, out to))
            v.Add("to", $"'{Slug.Truncate(request.To)}' is geen fase; kies uit {PhaseMachine.AllNames}.");
        var decidedBy = v.Text("decidedBy", request.DecidedBy);
        var rationale = v.Notes("rationale", request.Rationale, 4000);
        if (request.DecidedOn is not { } decidedOn)
        {
            v.Add("decidedOn", "is verplicht.");
            decidedOn = today;
        }
        else if (decidedOn > today)
            v.Add("decidedOn", $"{DutchFormat.Date(decidedOn)} ligt in de toekomst.");
        else if (decidedOn < project.PhaseSince)
            v.Add("decidedOn", $"{DutchFormat.Date(decidedOn)} ligt vóór het begin van de huidige fase ({DutchFormat.Date(project.PhaseSince)}); beslissingen lopen niet terug in de tijd.");
        if (v.HasErrors) return v.ToRefusal();

        var from = project.Phase;
        var kind = PhaseMachine.Classify(from, to);
        if (kind is null) return IllegalTransition(from, to);

        if (kind == TransitionKind.Go)
        {
            // The gate is judged as of the decision date: evidence dated later did not exist when it was decided.
            var checklist = rules.Evaluate(from, to, new GateContext(project, decidedOn, facts));
            if (!checklist.AllMet && checklist.Unmet.All(c => c.MetFrom is not null))
                return Refusal.Invalid(checklist.Unmet.Select(c => new FieldError("decidedOn", c.Key == "huurdersinstemming"
                    // Tenant consent names the complexes short then, the count needed and the day it was reached (tester A16).
                    ? $"op {DutchFormat.Date(decidedOn)} was de huurdersinstemming nog niet gehaald ({c.Evidence}); een poortbesluit kan niet eerder zijn dan het bewijs — kies een datum op of na {DutchFormat.Date(checklist.Unmet.Max(u => u.MetFrom!.Value))}."
                    : $"op {DutchFormat.Date(decidedOn)} was {Lower(c.Description)} nog niet {(c.Key == "realisatiebesluit" ? "genomen" : c.Key == "huurdersinstemming" ? "gehaald" : "aanwezig")} "
                    + $"(pas vanaf {DutchFormat.Date(c.MetFrom!.Value)}); een poortbesluit kan niet eerder zijn dan het bewijs — kies een datum op of na {DutchFormat.Date(checklist.Unmet.Max(u => u.MetFrom!.Value))}.")));
            if (!checklist.AllMet)
                return Refusal.Conflict("gate-conditions-unmet",
                    $"De poort van {from} naar {to} is nog niet gehaald: {checklist.Unmet.Count()} {DutchFormat.Noun(checklist.Unmet.Count(), "voorwaarde", "voorwaarden")} niet vervuld.",
                    checklist.Unmet.Select(c => new FieldError($"conditions.{c.Key}", $"{c.Description}: {c.Evidence}")));
        }

        var transition = new PhaseTransition
        {
            From = from, To = to, Kind = kind.Value, DecidedOn = decidedOn,
            DecidedBy = decidedBy, Rationale = rationale, RecordedBy = actor, RecordedAt = now,
        };
        var updated = project with { Phase = to, PhaseSince = decidedOn, History = project.History.Add(transition) };
        var what = kind switch
        {
            TransitionKind.Go => $"Go: van {from} naar {to}",
            TransitionKind.NoGo => $"No-go: van {from} terug naar {to}",
            _ => $"Gestopt vanuit {from}",
        };
        return Outcome<Change<ProjectRecord>>.Ok(new(updated, $"project.transition.{kind.Value.ToString().ToLowerInvariant()}",
            $"{what} op {DutchFormat.Date(decidedOn)}, besloten door {decidedBy}: {rationale}"));
    }

    private static string Lower(string text) => text.Length == 0 ? text : char.ToLowerInvariant(text[0]) + text[1..];

    public static Outcome<Change<ProjectRecord>> RecordDeliverable(
        ProjectRecord project, string key, RecordDeliverable command, LocalDate today, string actor, Instant now)
    {
        if (Stopped(project) is { } refusal) return refusal;
        var v = new Validation();
        var definition = KnownDeliverable(v, key);
        var reference = v.OptionalText("reference", command.Reference, 500);
        if (command.PresentOn is not { } presentOn)
        {
            v.Add("presentOn", "is verplicht.");
            presentOn = today;
        }
        else if (presentOn > today)
            v.Add("presentOn", $"{DutchFormat.Date(presentOn)} ligt in de toekomst.");
        if (v.HasErrors) return v.ToRefusal();

        var existing = project.Deliverables.FirstOrDefault(d => d.Key == key);
        // The same again (a retried PUT) changes nothing and adds no audit row; the first recording's who and when stay.
        if (existing is not null && existing.PresentOn == presentOn && existing.Reference == reference)
            return Outcome<Change<ProjectRecord>>.Ok(new(project, "deliverable.recorded", ""));
        var deliverable = new Deliverable { Key = key, PresentOn = presentOn, Reference = reference, RecordedBy = actor, RecordedAt = now };
        var updated = project with
        {
            Deliverables = existing is null ? project.Deliverables.Add(deliverable) : project.Deliverables.Replace(existing, deliverable),
        };
        return Outcome<Change<ProjectRecord>>.Ok(new(updated, "deliverable.recorded",
            $"'{definition!.Name}' aanwezig per {DutchFormat.Date(presentOn)}" + (reference is null ? "." : $" ({reference}).")));
    }

    public static Outcome<Change<ProjectRecord>> WithdrawDeliverable(ProjectRecord project, string key)
    {
        if (Stopped(project) is { } refusal) return refusal;
        var v = new Validation();
        var definition = KnownDeliverable(v, key);
        if (v.HasErrors) return v.ToRefusal();
        var existing = project.Deliverables.FirstOrDefault(d => d.Key == key);
        if (existing is null) return Refusal.NotFound("Vastgelegd document/besluit", key);
        // The evidence of a gate that was passed and still stands is not withdrawn (tester A15): the phase history would
        // keep the Go while its evidence silently disappeared. A newer version may still be recorded (PUT); going back is a no-go.
        if (Alerts.GateEvidence.StandingGo(project.Phase, project.History, definition!.Gate) is { } go)
            return Refusal.Conflict("deliverable-is-gate-evidence",
                $"'{definition.Name}' is bewijs voor de Go van {DutchFormat.Date(go.DecidedOn)} naar {go.To}; intrekken zou dat bewijs stil laten verdwijnen. "
                + "Leg zo nodig een nieuwere versie vast, of neem eerst een no-go-besluit.");
        return Outcome<Change<ProjectRecord>>.Ok(new(project with { Deliverables = project.Deliverables.Remove(existing) },
            "deliverable.withdrawn", $"'{definition!.Name}' ingetrokken."));
    }

    /// <summary>Creates or replaces a milestone. Its baseline is the first planned date and stays.</summary>
    public static Outcome<Change<ProjectRecord>> SetMilestone(ProjectRecord project, string key, SetMilestone command, LocalDate today)
    {
        if (Stopped(project) is { } refusal) return refusal;
        var v = new Validation();
        Slug.Check(v, "key", key);
        var name = v.Text("name", command.Name);
        if (command.PlannedOn is not { } plannedOn)
        {
            v.Add("plannedOn", "is verplicht.");
            plannedOn = today;
        }
        if (command.ActualOn is { } actual && actual > today)
            v.Add("actualOn", $"{DutchFormat.Date(actual)} ligt in de toekomst.");
        var existing = project.Milestones.FirstOrDefault(m => m.Key == key);
        if (existing is null && project.Milestones.Length >= MaxMilestones)
            v.Add("key", $"een project heeft maximaal {MaxMilestones} mijlpalen.");
        if (v.HasErrors) return v.ToRefusal();

        var baselineOn = existing?.BaselineOn ?? plannedOn;
        // The slip's start is kept from the day the plan first moved past the baseline (the slip alert's "Sinds"),
        // not moved by a later re-plan that keeps it slipping; cleared when the plan is back within a month.
        var slippingSince = !Milestone.Slips(baselineOn, plannedOn) ? (LocalDate?)null
            : existing is not null && Milestone.Slips(existing.BaselineOn, existing.PlannedOn) ? existing.SlippingSince
            : today;
        var milestone = new Milestone
        {
            Key = key, Name = name, BaselineOn = baselineOn, PlannedOn = plannedOn, ActualOn = command.ActualOn, SlippingSince = slippingSince,
        };
        // The same again (a retried PUT) changes nothing and adds no audit row.
        if (milestone == existing) return Outcome<Change<ProjectRecord>>.Ok(new(project, "milestone.updated", ""));
        var updated = project with
        {
            Milestones = existing is null ? project.Milestones.Add(milestone) : project.Milestones.Replace(existing, milestone),
        };
        var summary = $"Mijlpaal '{name}': gepland {DutchFormat.Date(plannedOn)}"
                      + (command.ActualOn is { } a ? $", gerealiseerd {DutchFormat.Date(a)}" : "")
                      + (existing is not null && existing.PlannedOn != plannedOn ? $" (was gepland {DutchFormat.Date(existing.PlannedOn)})" : "")
                      + ".";
        return Outcome<Change<ProjectRecord>>.Ok(new(updated, existing is null ? "milestone.created" : "milestone.updated", summary));
    }

    public static Outcome<Change<ProjectRecord>> RemoveMilestone(ProjectRecord project, string key)
    {
        if (Stopped(project) is { } refusal) return refusal;
        var existing = project.Milestones.FirstOrDefault(m => m.Key == key);
        if (existing is null) return Refusal.NotFound("Mijlpaal", key);
        return Outcome<Change<ProjectRecord>>.Ok(new(project with { Milestones = project.Milestones.Remove(existing) },
            "milestone.removed", $"Mijlpaal '{existing.Name}' verwijderd."));
    }

    private static Refusal IllegalTransition(Phase from, Phase to)
    {
        if (from == Phase.Gestopt)
            return Refusal.Conflict("project-stopped", "Het project is gestopt; Gestopt is definitief.");
        if (from == to)
            return Refusal.Conflict("already-in-phase", $"Het project staat al in fase {to}.");
        var allowed = new List<string>();
        if (PhaseMachine.Next(from) is { } next) allowed.Add($"{next} (go)");
        if (PhaseMachine.Previous(from) is { } previous) allowed.Add($"{previous} (no-go)");
        allowed.Add($"{Phase.Gestopt} (stoppen)");
        return Refusal.Conflict("illegal-transition",
            $"Van {from} naar {to} kan niet: fasen worden niet overgeslagen. Vanuit {from} kan alleen: {string.Join(", ", allowed)}.");
    }

    private static Refusal? Stopped(ProjectRecord project) =>
        project.Phase == Phase.Gestopt
            ? Refusal.Conflict("project-stopped", "Het project is gestopt; er kan niets meer worden gewijzigd.")
            : null;

    private static DeliverableDefinition? KnownDeliverable(Validation v, string key)
    {
        var definition = GateRules.FindDeliverable(key);
        if (definition is null && GateRules.ComputedConditions.TryGetValue(key, out var source))
            v.Add("key", $"'{key}' markeer je niet met de hand: het {source}.");
        else if (definition is null)
            v.Add("key", $"'{Slug.Truncate(key)}' is geen bekend document of besluit; kies uit {string.Join(", ", GateRules.Deliverables.Select(d => d.Key))}.");
        return definition;
    }

    private static int Count(Validation v, string field, int value)
    {
        if (value is < 0 or > MaxCount) v.Add(field, $"moet tussen 0 en {DutchFormat.Number(MaxCount)} liggen.");
        return value;
    }

    /// <summary>Records the project's Wcw profile (public share and the warmtegemeenschap criteria); unset booleans mean "no".</summary>
    public static Outcome<Change<ProjectRecord>> SetWcwProfile(ProjectRecord project, SetWcwProfile command)
    {
        var v = new Validation();
        if (command.PublicSharePercent is { } share && (share < 0 || share > 100 || decimal.Round(share, 2) != share))
            v.Add("publicSharePercent", "moet een percentage van 0 tot 100 zijn, met hoogstens 2 decimalen.");
        if (v.HasErrors) return v.ToRefusal();
        var profile = new Wcw.WcwProfile
        {
            PublicSharePercent = command.PublicSharePercent, MixedSetup = command.MixedSetup ?? false,
            LegalEntity = command.LegalEntity ?? false, SustainableMainSource = command.SustainableMainSource ?? false,
            NoProfitMotive = command.NoProfitMotive ?? false, OpenVoluntaryMembership = command.OpenVoluntaryMembership ?? false,
            MemberControl = command.MemberControl ?? false,
        };
        if (project.Wcw == profile) return new Change<ProjectRecord>(project, "project.wcw-profile-set", "Geen wijzigingen.");
        var route = Wcw.WcwCheck.Assess(project.PlannedConnections, profile).Route;
        return new Change<ProjectRecord>(project with { Wcw = profile }, "project.wcw-profile-set", $"Wcw-gegevens vastgelegd; route: {route}.");
    }
}
