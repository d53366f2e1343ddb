using System.Text.Json;

namespace Warmte.Client;

/// <summary>
/// The coordinator's comparison (tester7 T9): <c>warmte umbrella show</c> prints GET /api/umbrellas/{id} as tables,
/// the same rows and figures as the dashboard's comparison page and the export's Overzicht sheet read.
/// </summary>
internal static class UmbrellaCommands
{
    private static readonly ArgumentSpec UmbrellaId = new("id", "de id van de koepel (bijv. apec)");

    public static readonly CommandSpec Show = new(
        "umbrella show",
        "Vergelijking van een koepel: coöperaties en projecten naast elkaar",
        "Toont per coöperatie en project de soort, fase, maanden in de fase, woningequivalenten, de subsidie (toegekend en "
        + "uitbetaald), de business case (investering, bronnen − bestedingen, NCW, laagste DSCR, of de financiering rond is "
        + "met de overbrugging ernaast) en het aantal open signalen; daaronder per project de eerstvolgende open voorwaarde "
        + "en de laatste wijziging. Dezelfde cijfers als de vergelijkingspagina en het tabblad Overzicht van warmte export apec; "
        + "met --json het antwoord van de dienst.",
        [UmbrellaId], [],
        ["warmte umbrella show apec", "warmte umbrella show apec --json > vergelijking.json"],
        context => Commands.ShowAsync(context, "/api/umbrellas/" + ApiClient.Segment(context.Argument(0)), Comparison));

    /// <summary>The comparison as two tables: the figures side by side, then per project what comes next.</summary>
    internal static void Comparison(JsonElement comparison, TextWriter output)
    {
        var rows = comparison.Items("rows").ToList();
        var cooperatives = rows.Select(r => r.Str("cooperativeId")).Distinct().Count();
        output.WriteLine($"{comparison.Str("name") ?? comparison.Str("id")}: {Nl.Count(cooperatives, "coöperatie", "coöperaties")}, "
                         + $"stand van {Nl.Date(comparison.Str("asOf"))}");
        if (rows.Count == 0)
        {
            output.WriteLine("  Nog geen leden.");
            return;
        }
        output.WriteLine("Bedragen in hele euro's.");
        var table = new TextTable("Coöperatie", "Soort", "Project", "Fase", "Mnd in fase", "WEQ", "Subsidie toegekend", "Uitbetaald",
                "Investering", "Bronnen − bestedingen", "NCW", "Min. DSCR", "Financiering rond", "Open signalen")
            .AlignRight(4, 5, 6, 7, 8, 9, 10, 11, 13);
        foreach (var row in rows)
        {
            var finance = row.Prop("finance");
            table.Add(
                row.Str("cooperativeName") ?? row.Str("cooperativeId"),
                Nl.Kind(row.Str("kind")),
                row.Str("projectId") ?? "(geen project)",
                row.Str("phase") ?? Nl.None,
                Nl.Number(row.Int("monthsInPhase")),
                Nl.Number(row.Int("woningequivalenten")),
                WholeEuros(finance?.Dec("subsidiesGranted")),
                WholeEuros(finance?.Dec("subsidiesPaid")),
                WholeEuros(finance?.Dec("investment")),
                WholeEuros(finance?.Dec("sourcesMinusUses")),
                WholeEuros(finance?.Dec("npv")),
                Nl.Ratio(finance?.Dec("minDscr")),
                finance?.Str("financingClosesText") ?? Nl.None,
                Nl.Number(finance?.Int("openAlerts") ?? 0));
        }
        table.WriteTo(output, "  ");

        var projects = rows.Where(r => r.Str("projectId") is not null).ToList();
        if (projects.Count == 0) return;
        output.WriteLine();
        output.WriteLine("Per project");
        var next = new TextTable("Project", "Naam", "Eerstvolgende open voorwaarde", "Laatste wijziging");
        foreach (var row in projects)
            next.Add(row.Str("projectId"), row.Str("projectName") ?? Nl.None, row.Str("nextUnmetCondition") ?? Nl.None, Nl.Instant(row.Str("lastChangeAt")));
        next.WriteTo(output, "  ");
    }

    private static string WholeEuros(decimal? euros) => euros is { } e ? Nl.Amount(e) : Nl.None;
}
