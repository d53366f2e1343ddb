using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Warmte.Client;

/// <summary>
/// <c>warmte grant create</c> (tester7 T9): records a grant with its tranche plan, from a JSON file (the body of
/// POST /api/projects/{id}/grants) or from options. The CLI only builds the request; the service decides who may record
/// a grant for which funder and answers every refusal, as it does for the dashboard and curl.
/// </summary>
internal static class GrantCreateCommand
{
    private static readonly ArgumentSpec Project = new("project", "de id van het project (bijv. wg-terrein)");

    private static readonly OptionSpec File = new("file", "bestand",
        "JSON-bestand met de subsidie, zoals POST /api/projects/{id}/grants hem neemt (docs/api.md); niet samen met de andere opties");
    private static readonly OptionSpec Id = new("id", "id", "Id van de subsidie bij het project, bijv. paw (verplicht zonder --file)");
    private static readonly OptionSpec Scheme = new("scheme", "regeling", "Regeling, bijv. \"Programma Aardgasvrije Wijken\" (verplicht zonder --file)");
    private static readonly OptionSpec Funder = new("funder", "naam", "Naam van de financier, bijv. \"Gemeente Amsterdam\" (verplicht zonder --file)");
    private static readonly OptionSpec FunderId = new("funder-id", "id",
        "Id van de financier (fonds), bijv. gemeente-amsterdam; wie dat mag vastleggen bepaalt de dienst");
    private static readonly OptionSpec Amount = new("amount", "bedrag",
        "Toegekend bedrag in euro's (verplicht zonder --file): 300000, 300.000,00 of 300000.00; iets dubbelzinnigs als 300.000 wordt geweigerd");
    private static readonly OptionSpec Decided = new("decided", "JJJJ-MM-DD", "Datum van het besluit (standaard vandaag; 14-12-2024 mag ook)");
    private static readonly OptionSpec Tranche = new("tranche", "bedrag",
        "Bedrag van een tranche, in volgorde; mag vaker (--tranche 100000 --tranche 100000). Samen het toegekende bedrag (verplicht zonder --file)")
    { Repeatable = true };
    private static readonly OptionSpec Conditions = new("conditions", "tekst", "Voorwaarden van de toekenning (optioneel)");
    private static readonly OptionSpec NoAdvance = new("first-tranche-after-accounting", null,
        "Ook de eerste tranche pas na goedgekeurde verantwoording (een declaratieregeling); standaard is de eerste tranche een voorschot");

    public static readonly CommandSpec Create = new(
        "grant create",
        "Subsidie met trancheplan vastleggen",
        "Legt een toegekende subsidie vast bij een project: regeling, financier, bedrag, besluitdatum en de tranches. "
        + "Uit een JSON-bestand (--file, de body van POST /api/projects/{id}/grants) of met opties. De dienst controleert "
        + "alles en beslist wie een subsidie voor welke financier mag vastleggen; een weigering komt met de reden terug.",
        [Project], [File, Id, Scheme, Funder, FunderId, Amount, Decided, Tranche, Conditions, NoAdvance, GrantCommands.IdempotencyKey],
        [
            "warmte grant create zuid-net --id gem-ontw --scheme \"Ontwikkelsubsidie\" --funder \"Gemeente Amsterdam\" "
            + "--funder-id gemeente-amsterdam --amount 300.000,00 --decided 2024-12-01 --tranche 100000 --tranche 100000 --tranche 100000",
            "warmte grant create zuid-net --file subsidie.json",
        ],
        Run);

    private static async Task<int> Run(CommandContext context)
    {
        var command = context.Invocation.Command;
        var project = context.Argument(0);
        string body;
        if (context.Option(File) is { } path)
        {
            var others = new[] { Id, Scheme, Funder, FunderId, Amount, Decided, Tranche, Conditions }.Where(o => context.Option(o) is not null)
                .Concat(context.Invocation.Flag(NoAdvance) ? new[] { NoAdvance } : Array.Empty<OptionSpec>()).ToList();
            if (others.Count > 0)
                throw new UsageException($"--file gaat niet samen met {string.Join(", ", others.Select(o => "--" + o.Name))}: zet alles in het bestand, of laat --file weg.", command);
            body = ReadFile(path.Trim());
        }
        else
        {
            var tranches = context.Invocation.All(Tranche).Select(t => Amounts.Parse(t, Tranche, command)).ToList();
            if (tranches.Count == 0)
                throw new UsageException($"Optie --tranche is verplicht: {Tranche.Description.Replace(" (verplicht zonder --file)", "", StringComparison.Ordinal)}.", command);
            var grant = new JsonObject
            {
                ["id"] = Commands.Required(context, Id),
                ["scheme"] = Commands.Required(context, Scheme),
                ["funder"] = Commands.Required(context, Funder),
                ["amountGranted"] = Amounts.Parse(Commands.Required(context, Amount), Amount, command),
                ["decidedOn"] = (Commands.ParseDate(context.Option(Decided), Decided, command) ?? context.Today()).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["tranches"] = new JsonArray([.. tranches.Select(t => (JsonNode)new JsonObject { ["amount"] = t })]),
            };
            if (context.Option(FunderId) is { } funderId) grant["funderId"] = funderId.Trim();
            if (context.Option(Conditions) is { } conditions) grant["conditions"] = conditions;
            if (context.Invocation.Flag(NoAdvance)) grant["firstTrancheAdvance"] = false;
            body = grant.ToJsonString();
        }

        // A retry after a time-out with the same key is recorded once, as for the tranche steps.
        var key = GrantCommands.Key(context.Option(GrantCommands.IdempotencyKey), command);
        context.RetryNote = "Of de subsidie is vastgelegd, is niet zeker. Herhaal dezelfde opdracht met "
                            + $"--idempotency-key {key}; dan wordt zij hoogstens één keer vastgelegd.";
        var response = await context.Api.PostJsonAsync($"/api/projects/{ApiClient.Segment(project)}/grants", body,
            new Dictionary<string, string> { [GrantCommands.IdempotencyHeader] = key });
        using var document = Commands.Parse(response);
        if (context.Json)
        {
            context.Out.WriteLine(JsonRead.Pretty(document));
            return WarmteCli.Ok;
        }
        var view = document.RootElement;
        var recorded = view.Prop("grant") ?? view;
        context.Out.WriteLine($"Subsidie '{recorded.Str("id")}' ({recorded.Str("scheme") ?? Nl.None}) vastgelegd voor {project}: "
                              + $"{Nl.Money(recorded.Dec("amountGranted"))} van {recorded.Str("funder") ?? Nl.None}"
                              + (recorded.Str("funderId") is { } id ? $" ({id})" : "")
                              + $", {Nl.Count(recorded.Items("tranches").Count(), "tranche", "tranches")}.");
        context.Out.WriteLine(recorded.Bool("firstTrancheAdvance") == true
            ? "De eerste tranche is een voorschot: na de aanvraag keurt de financier haar goed en betaalt uit; de verantwoording daarvan gaat mee met tranche 2."
            : "Ook de eerste tranche wordt pas uitbetaald na goedgekeurde verantwoording.");
        context.Out.WriteLine($"Bekijk haar met: warmte grant show {project} {recorded.Str("id")}");
        return WarmteCli.Ok;
    }

    /// <summary>The file as plain JSON (comments and trailing commas allowed, as in model files); the service checks the fields.</summary>
    private static string ReadFile(string path)
    {
        string text;
        try
        {
            var info = new FileInfo(path);
            if (info.Exists && info.Length > 1024 * 1024) throw new InputException($"'{path}' is groter dan 1 MB; dat is geen subsidiebestand.");
            text = System.IO.File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"Kan '{path}' niet lezen: {(e is FileNotFoundException or DirectoryNotFoundException ? "het bestand bestaat niet" : e.Message)}.");
        }
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new InputException($"'{path}' bevat geen JSON-object {{ … }} met de subsidie.");
            return JsonSerializer.Serialize(document.RootElement);
        }
        catch (JsonException e)
        {
            throw new InputException($"'{path}' is geen geldige JSON (regel {(e.LineNumber ?? 0) + 1}, positie {(e.BytePositionInLine ?? 0) + 1}).");
        }
    }
}
