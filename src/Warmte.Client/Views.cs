using System.Text.Json;

namespace Warmte.Client;

/// <summary>
/// How each API answer is shown to people: pure functions from the service's JSON to Dutch text.
/// Fields the service leaves out show as "—"; extra fields are ignored.
/// </summary>
internal static class Views
{
    public const string Met = "✔";
    public const string Unmet = "✘";

    public static void Status(JsonElement status, Uri baseUrl, TextWriter output)
    {
        var caller = status.Prop("caller");
        var name = caller?.Str("name");
        var role = caller?.Str("role");
        // The build's commit (a silo of this release on): which build answers, as its start-up log line says.
        var commit = status.Str("commit") is { Length: > 0 } c ? $" (commit {c[..Math.Min(12, c.Length)]})" : "";
        output.WriteLine($"{status.Str("service") ?? "Warmtenet"} {status.Str("version") ?? ""}{commit} op {baseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/')}"
            .Replace("  ", " ", StringComparison.Ordinal));
        List<(string, string)> fields =
        [
            ("Aangemeld als", name is null ? Nl.None : role is null ? name : $"{name} (rol: {role})"),
            ("Datum (dienst)", Nl.Date(status.Str("today"))),
            ("Opslag", status.Str("storage") ?? Nl.None),
            ("Actieve silo's", Nl.Number(status.Int("activeSilos"))),
            ("Coöperaties", Nl.Number(status.Int("cooperatives")) + Loading(status)),
            ("Koepels", Nl.Number(status.Int("umbrellas")) + Loading(status)),
        ];
        if (Demo(status.Str("demo")) is { } demo) fields.Add(("Demogegevens", demo));
        Fields(output, [.. fields]);
    }

    /// <summary>Behind a count while the demo is still loading: it will grow (tester6 T19).</summary>
    private static string Loading(JsonElement status) => status.Str("demo") == "Loading" ? " (nog niet alles: de demo wordt geladen)" : "";

    /// <summary>The demo's state in words; null without --demo (or from a service that does not say).</summary>
    private static string? Demo(string? state) => state switch
    {
        "Loading" => "worden nog geladen; de aantallen hierboven groeien nog (klaar als /health/ready 200 geeft)",
        "Loaded" => "geladen",
        "Failed" => "laden mislukt; zie /health/ready en het log van de dienst",
        null => null,
        _ => state,
    };

    public static void CooperativeList(JsonElement views, TextWriter output)
    {
        var list = views.Items().ToList();
        if (list.Count == 0)
        {
            output.WriteLine("Er zijn nog geen coöperaties.");
            return;
        }
        var table = new TextTable("Id", "Naam", "Soort", "Gemeente", "Opgericht", "Projecten", "WEQ", "Fasen").AlignRight(5, 6);
        long projectCount = 0, weqTotal = 0;
        foreach (var view in list)
        {
            var cooperative = view.Prop("cooperative") ?? default;
            var projects = view.Items("projects").ToList();
            var weq = projects.Sum(p => (long)(p.Int("woningequivalenten") ?? 0));
            projectCount += projects.Count;
            weqTotal += weq;
            table.Add(
                cooperative.Str("id"),
                cooperative.Str("statutoryName"),
                Nl.Kind(cooperative.Str("kind")),
                cooperative.Str("municipality"),
                Nl.Date(cooperative.Str("foundedOn")),
                Nl.Number(projects.Count),
                Nl.Number(weq),
                Phases(projects));
        }
        table.WriteTo(output);
        output.WriteLine();
        output.WriteLine($"{Nl.Count(list.Count, "coöperatie", "coöperaties")}, {Nl.Count(projectCount, "project", "projecten")}, "
                         + $"{Nl.Number(weqTotal)} woningequivalenten.");
    }

    public static void Cooperative(JsonElement view, TextWriter output)
    {
        var cooperative = view.Prop("cooperative") ?? default;
        var umbrellas = cooperative.Items("umbrellas").Select(u => u.ValueKind == JsonValueKind.String ? u.GetString() : null).OfType<string>().ToList();
        output.WriteLine($"{cooperative.Str("statutoryName") ?? Nl.None} ({cooperative.Str("id") ?? Nl.None})");
        Fields(output,
            ("Soort", Nl.Kind(cooperative.Str("kind"))),
            ("Gemeente", cooperative.Str("municipality") ?? Nl.None),
            ("Opgericht", Nl.Date(cooperative.Str("foundedOn"))),
            ("Koepels", umbrellas.Count == 0 ? "geen" : string.Join(", ", umbrellas)));
        output.WriteLine();

        var projects = view.Items("projects").ToList();
        if (projects.Count == 0)
        {
            output.WriteLine("Projecten: nog geen.");
            return;
        }
        output.WriteLine($"Projecten ({Nl.Number(projects.Count)})");
        var table = new TextTable("Id", "Naam", "Fase", "Sinds", "Maanden", "WEQ", "Eerste open voorwaarde").AlignRight(4, 5);
        foreach (var project in projects)
            table.Add(
                project.Str("id"),
                project.Str("name"),
                project.Str("phase"),
                Nl.Date(project.Str("phaseSince")),
                Nl.Number(project.Int("monthsInPhase")),
                Nl.Number(project.Int("woningequivalenten")),
                project.Str("nextUnmetCondition"));
        table.WriteTo(output, "  ");
    }

    public static void Project(JsonElement project, TextWriter output)
    {
        output.WriteLine($"{project.Str("name") ?? Nl.None} ({project.Str("id") ?? Nl.None})");
        Fields(output,
            ("Coöperatie", project.Str("cooperativeId") ?? Nl.None),
            ("Fase", PhaseLine(project)),
            ("Woningequivalenten", Nl.Number(project.Int("woningequivalenten"))),
            ("Geplande aansluitingen", Nl.Number(project.Int("plannedConnections"))),
            ("Techniek", project.Str("technology") ?? Nl.None),
            ("Gestart op", Nl.Date(project.Str("startedOn"))));

        output.WriteLine();
        output.WriteLine("Fasehistorie");
        var history = project.Items("history").ToList();
        if (history.Count == 0)
            output.WriteLine("  Nog geen fasebesluiten.");
        else
        {
            var table = new TextTable("Datum", "Besluit", "Door", "Motivering");
            foreach (var step in history)
                table.Add(
                    Nl.Date(step.Str("decidedOn")),
                    $"{step.Str("from") ?? "?"} → {step.Str("to") ?? "?"} ({Nl.Transition(step.Str("kind"))})",
                    step.Str("decidedBy"),
                    step.Str("rationale"));
            table.WriteTo(output, "  ");
        }

        output.WriteLine();
        Gate(project, output);

        output.WriteLine();
        output.WriteLine("Mijlpalen");
        var milestones = project.Items("milestones").ToList();
        if (milestones.Count == 0)
            output.WriteLine("  Nog geen mijlpalen.");
        else
        {
            var table = new TextTable("Mijlpaal", "Basis", "Gepland", "Werkelijk", "Uitloop", "Status").AlignRight(4);
            foreach (var milestone in milestones)
                table.Add(
                    milestone.Str("name") ?? milestone.Str("key"),
                    Nl.Date(milestone.Str("baselineOn")),
                    Nl.Date(milestone.Str("plannedOn")),
                    Nl.Date(milestone.Str("actualOn")),
                    Nl.Slip(milestone.Int("slipDays")),
                    MilestoneState(milestone));
            table.WriteTo(output, "  ");
        }
    }

    /// <summary>The answer to a recorded gate decision: what was decided, and where the project now stands.</summary>
    public static void Advanced(JsonElement project, TextWriter output)
    {
        var decision = project.Items("history").LastOrDefault();
        var name = $"{project.Str("name") ?? Nl.None} ({project.Str("id") ?? Nl.None})";
        if (decision.ValueKind == JsonValueKind.Object)
            output.WriteLine(
                $"Besluit vastgelegd voor {name}: {decision.Str("from") ?? "?"} → {decision.Str("to") ?? "?"} ({Nl.Transition(decision.Str("kind"))}) "
                + $"op {Nl.Date(decision.Str("decidedOn"))}, besloten door {decision.Str("decidedBy") ?? Nl.None}.");
        else
            output.WriteLine($"Besluit vastgelegd voor {name}.");
        output.WriteLine($"Fase nu: {PhaseLine(project)}.");
        if (project.Prop("nextGate") is { } gate)
        {
            var conditions = gate.Items("conditions").ToList();
            output.WriteLine($"Volgende poort: {gate.Str("from") ?? "?"} → {gate.Str("to") ?? "?"}, "
                             + $"{Nl.Number(conditions.Count(c => c.Bool("met") == true))} van {Nl.Count(conditions.Count, "voorwaarde", "voorwaarden")} vervuld.");
        }
    }

    internal static void Gate(JsonElement project, TextWriter output)
    {
        if (project.Prop("nextGate") is not { } gate)
        {
            var phase = project.Str("phase");
            output.WriteLine(phase switch
            {
                "Gestopt" => "Volgende poort: geen; het project is gestopt.",
                "Beheer" => "Volgende poort: geen; Beheer is de laatste fase.",
                _ => "Volgende poort: geen.",
            });
            return;
        }
        var conditions = gate.Items("conditions").ToList();
        var met = conditions.Count(c => c.Bool("met") == true);
        output.WriteLine($"Volgende poort: {gate.Str("from") ?? "?"} → {gate.Str("to") ?? "?"} "
                         + $"({Nl.Number(met)} van {Nl.Count(conditions.Count, "voorwaarde", "voorwaarden")} vervuld)");
        foreach (var condition in conditions)
        {
            var mark = condition.Bool("met") == true ? Met : Unmet;
            var key = condition.Str("key") is { } k ? $" [{k}]" : "";
            var evidence = condition.Str("evidence") is { Length: > 0 } e ? ": " + e : "";
            output.WriteLine($"  {mark} {condition.Str("description") ?? condition.Str("key") ?? Nl.None}{key}{evidence}");
        }
        if (conditions.Count > 0 && met == conditions.Count)
            output.WriteLine($"  Alle voorwaarden vervuld: een go naar {gate.Str("to") ?? "de volgende fase"} is mogelijk.");
    }

    private static string PhaseLine(JsonElement project)
    {
        var months = project.Int("monthsInPhase");
        return $"{project.Str("phase") ?? Nl.None} sinds {Nl.Date(project.Str("phaseSince"))}"
               + (months is { } m ? $" ({Nl.Count(m, "maand", "maanden")})" : "");
    }

    private static string MilestoneState(JsonElement milestone) =>
        milestone.Bool("done") == true ? "gereed"
        : milestone.Bool("overdue") == true ? "te laat"
        : "open";

    /// <summary>"Realisatie" or "Haalbaarheid (2), Initiatief": the phases of a cooperative's projects, in phase order.</summary>
    private static string Phases(IEnumerable<JsonElement> projects)
    {
        var groups = projects
            .Select(p => p.Str("phase") ?? "?")
            .GroupBy(p => p)
            .OrderBy(g => Commands.PhaseOrder.ToList().IndexOf(g.Key) is var i && i >= 0 ? i : int.MaxValue)
            .Select(g => g.Count() == 1 ? g.Key : $"{g.Key} ({g.Count()})")
            .ToList();
        return groups.Count == 0 ? Nl.None : string.Join(", ", groups);
    }

    private static void Fields(TextWriter output, params (string Label, string Value)[] fields)
    {
        var width = fields.Max(f => f.Label.Length) + 1;
        foreach (var (label, value) in fields)
            output.WriteLine($"  {(label + ":").PadRight(width)}  {value}");
    }
}
