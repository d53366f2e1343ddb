using NodaTime;
using Warmte.Audit;
using Warmte.Common;

namespace Warmte.Cooperatives;

/// <summary>The rules of a cooperative's own record, as pure functions (see ProjectRules for the pattern).</summary>
public static class CooperativeRules
{
    public const int MaxProjects = 500;

    public static Outcome<Change<CooperativeRecord>> Create(CreateCooperative command, LocalDate today, Instant now)
    {
        var v = new Validation();
        var id = Slug.Check(v, "id", command.Id);
        var name = v.Text("statutoryName", command.StatutoryName);
        var kind = ParseKind(v, "kind", command.Kind, required: true);
        var municipality = v.Text("municipality", command.Municipality, 100);
        if (command.FoundedOn is { } founded && founded > today)
            v.Add("foundedOn", $"{DutchFormat.Date(founded)} ligt in de toekomst.");
        var umbrellas = command.Umbrellas ?? [];
        for (var i = 0; i < umbrellas.Length; i++) Slug.Check(v, $"umbrellas[{i}]", umbrellas[i]);
        if (v.HasErrors) return v.ToRefusal();

        var record = new CooperativeRecord
        {
            Id = id, StatutoryName = name, Kind = kind!.Value, Municipality = municipality,
            FoundedOn = command.FoundedOn, Umbrellas = [.. umbrellas.Distinct()], CreatedAt = now,
        };
        return Outcome<Change<CooperativeRecord>>.Ok(new(record, "cooperative.created",
            $"Coöperatie '{name}' ({DutchKind(record.Kind)}, {municipality}) aangemaakt."));
    }

    /// <param name="firstMember">The stored member who joined first (null: none): a new founding date may not lie after their join date,
    /// since nobody is a member before the founding (the rule the register applies to every join date).</param>
    public static Outcome<Change<CooperativeRecord>> Update(CooperativeRecord cooperative, UpdateCooperative command, LocalDate today,
        Members.FirstJoined? firstMember = null, Alv.Meeting? firstMeeting = null)
    {
        var v = new Validation();
        var name = command.StatutoryName is null ? cooperative.StatutoryName : v.Text("statutoryName", command.StatutoryName);
        var kind = command.Kind is null ? cooperative.Kind : ParseKind(v, "kind", command.Kind, required: true) ?? cooperative.Kind;
        var municipality = command.Municipality is null ? cooperative.Municipality : v.Text("municipality", command.Municipality, 100);
        if (command.FoundedOn is { } founded && founded > today)
            v.Add("foundedOn", $"{DutchFormat.Date(founded)} ligt in de toekomst.");
        else if (command.FoundedOn is { } later && later != cooperative.FoundedOn && firstMember is { } first && later > first.JoinedOn)
            v.Add("foundedOn", $"{DutchFormat.Date(later)} ligt na de toetreding van lid {first.Number} op {DutchFormat.Date(first.JoinedOn)}; "
                               + $"niemand is lid vóór de oprichting. Kies {DutchFormat.Date(first.JoinedOn)} of eerder, of corrigeer eerst de toetredingsdatum van dat lid.");
        else if (command.FoundedOn is { } after && after != cooperative.FoundedOn && firstMeeting is { } meeting && Alv.AlvRules.FoundedAfter(after, meeting) is { } why)
            v.Add("foundedOn", why);
        if (v.HasErrors) return v.ToRefusal();
        var updated = cooperative with
        {
            StatutoryName = name, Kind = kind, Municipality = municipality, FoundedOn = command.FoundedOn ?? cooperative.FoundedOn,
        };
        return Outcome<Change<CooperativeRecord>>.Ok(new(updated, "cooperative.updated", "Gegevens van de coöperatie gewijzigd."));
    }

    public static Outcome<Change<CooperativeRecord>> AddProject(CooperativeRecord cooperative, string projectId, string projectName)
    {
        if (cooperative.Projects.Contains(projectId))
            return Outcome<Change<CooperativeRecord>>.Ok(new(cooperative, "project.linked", $"Project '{projectName}' was al gekoppeld."));
        if (cooperative.Projects.Length >= MaxProjects)
            return Refusal.Conflict("too-many-projects", $"Een coöperatie heeft maximaal {MaxProjects} projecten.");
        return Outcome<Change<CooperativeRecord>>.Ok(new(cooperative with { Projects = cooperative.Projects.Add(projectId) },
            "project.created", $"Project '{projectName}' ({projectId}) aangemaakt."));
    }

    public static Outcome<Change<CooperativeRecord>> JoinUmbrella(CooperativeRecord cooperative, string umbrellaId) =>
        Outcome<Change<CooperativeRecord>>.Ok(cooperative.Umbrellas.Contains(umbrellaId)
            ? new(cooperative, "umbrella.joined", $"Was al lid van koepel '{umbrellaId}'.")
            : new(cooperative with { Umbrellas = cooperative.Umbrellas.Add(umbrellaId) }, "umbrella.joined", $"Lid geworden van koepel '{umbrellaId}'."));

    public static string DutchKind(CooperativeKind kind) => kind switch
    {
        CooperativeKind.HeatNetwork => "warmtenet",
        CooperativeKind.LocalGeneration => "lokale opwek",
        CooperativeKind.CityWideGeneration => "stadsbrede opwek",
        CooperativeKind.Communication => "communicatie en gedrag",
        _ => kind.ToString(),
    };

    private static CooperativeKind? ParseKind(Validation v, string field, string? text, bool required)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            if (required) v.Add(field, "is verplicht.");
            return null;
        }
        if (!text.Any(char.IsDigit) && Enum.TryParse<CooperativeKind>(text.Trim(), ignoreCase: true, out var kind) && Enum.IsDefined(kind))
            return kind;
        v.Add(field, $"'{Slug.Truncate(text)}' is geen soort coöperatie; kies uit {string.Join(", ", Enum.GetNames<CooperativeKind>())}.");
        return null;
    }
}
