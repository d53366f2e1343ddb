using System.Text.Json;

namespace Warmte.Client;

/// <summary>
/// Spreadsheet exports: the CLI downloads the .xlsx the service makes (GET …/export.xlsx) and writes
/// it to a file. The workbook itself is built by the service, so the CLI and the API give the same file.
/// </summary>
internal static class ExportCommands
{
    private const string XlsxMediaType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static readonly OptionSpec Out = new("out", "bestand",
        "Het .xlsx-bestand dat geschreven wordt (standaard de naam die de dienst voorstelt, in de huidige map); een bestaand bestand wordt overschreven");
    public static readonly OptionSpec Force = new("force", null,
        "Overschrijf een bestaand bestand met de naam die de dienst voorstelt (zonder --out of --force wordt dat geweigerd)");
    public static readonly OptionSpec Umbrella = new("umbrella", "id", "De koepel (standaard apec)");

    private static readonly ArgumentSpec Project = new("id", "de id van het project (bijv. wg-terrein)");

    public static readonly CommandSpec Apec = new(
        "export apec",
        "Vergelijking van de koepel als spreadsheet (.xlsx)",
        "Schrijft de werkmap die de coördinatoren van de koepel gebruiken: blad Overzicht (één rij per coöperatie en "
        + "project, met fase, subsidies, lening, DSCR, NPV, runway, signalen; rood = risico), één blad per project met "
        + "de businesscase als formules (verander een geel invoervak en alles rekent mee), de tranches en de kaspositie "
        + "per maand met de windstiltes, en blad Toelichting (betekenis van de kolommen, exportdatum, aannames). "
        + "Een grote koepel (honderden projecten) kost de dienst langer dan de standaardwachttijd: geef dan bijv. --timeout 300.",
        [], [Umbrella, Out, Force],
        ["warmte export apec --out apec.xlsx", "warmte export apec --umbrella apec --out vergelijking-2026-11.xlsx --timeout 300"],
        context => Run(context, "/api/umbrellas/" + ApiClient.Segment(context.Option(Umbrella)?.Trim() is { Length: > 0 } u ? u : "apec") + "/export.xlsx"));

    public static readonly CommandSpec ProjectExport = new(
        "export project",
        "Eén project als spreadsheet (.xlsx)",
        "Schrijft een werkmap met het projectblad (feiten, businesscase met formules, tranches, kaspositie per maand "
        + "met de windstiltes) en de Toelichting.",
        [Project], [Out, Force],
        ["warmte export project wg-terrein --out wg-terrein.xlsx"],
        context => Run(context, "/api/projects/" + ApiClient.Segment(context.Argument(0)) + "/export.xlsx"));

    public static readonly CommandSpec Portfolio = new(
        "export portfolio",
        "Portefeuille van de financier als spreadsheet (.xlsx)",
        "Schrijft de portefeuille: alle gefinancierde projecten, urgentste eerst, met toegekend, uitbetaald, "
        + "openstaand, de volgende verwachte betaling, runway en signalen, met totalen als formules, plus een blad per project.",
        [], [Out, Force],
        ["warmte export portfolio --out portefeuille.xlsx"],
        context => Run(context, "/api/portfolio/export.xlsx"));

    private static readonly ArgumentSpec Cooperative = new("coop", "de id van de coöperatie (bijv. ketelhuiswg)");

    public static readonly CommandSpec Members = new(
        "export members",
        "Ledenregister als spreadsheet (.xlsx; bestuur)",
        "Schrijft het ledenregister met één rij per lid (ook oud-leden) in de kolommen van warmte import members: lidnummer, naam, "
        + "categorie, woningequivalenten, postcode, huisnummer, huisletter, toevoeging, lid sinds, uitgeschreven, stemgerechtigd, e-mail, "
        + "straat, woonplaats. Pas het aan en lees het weer in; ongewijzigd inlezen verandert niets. Een gewist lid staat er zoals het "
        + "register het toont, zonder persoonsgegevens. Bevat persoonsgegevens: alleen het bestuur van de coöperatie en beheerders krijgen "
        + "het, en het bestand is alleen voor u leesbaar.",
        [Cooperative], [Out, Force],
        ["warmte export members ketelhuiswg --out leden.xlsx"],
        context => Run(context, "/api/cooperatives/" + ApiClient.Segment(context.Argument(0)) + "/members/export.xlsx", personalData: true));

    public static readonly CommandSpec Consent = new(
        "export consent",
        "Antwoorden van huurders per adres als spreadsheet (.xlsx; bestuur)",
        "Schrijft per complex van het project een blad (met de id van het complex als naam) met per adres het antwoord en de datum, "
        + "in de kolommen van warmte import consent, zodat een woningcorporatie haar lijst terugkrijgt en hem aangevuld weer kan "
        + "aanleveren. Bevat persoonsgegevens: alleen het bestuur van de coöperatie en beheerders krijgen het, en het bestand is alleen voor u leesbaar.",
        [Project], [Out, Force],
        ["warmte export consent wg-terrein --out instemming.xlsx"],
        context => Run(context, "/api/projects/" + ApiClient.Segment(context.Argument(0)) + "/consent/export.xlsx", personalData: true));

    private static async Task<int> Run(CommandContext context, string path, bool personalData = false)
    {
        var command = context.Invocation.Command;
        var wanted = context.Option(Out);
        if (wanted is not null)
        {
            wanted = wanted.Trim();
            if (wanted.Length == 0) throw new UsageException("Optie --out mag niet leeg zijn; geef een bestandsnaam zoals apec.xlsx.", command);
            if (!wanted.EndsWith(".xlsx", StringComparison.OrdinalIgnoreCase))
                throw new UsageException($"--out '{Tokens.Shorten(wanted)}' moet op .xlsx eindigen: de export is een Excel-werkmap.", command);
            CheckFolder(wanted);
        }

        (byte[] Bytes, string? MediaType, string? FileName) download;
        using (Progress.Start(context.Err, "De dienst stelt de werkmap samen…"))
            download = await context.Api.DownloadAsync(path, XlsxMediaType);
        var (bytes, mediaType, suggested) = download;
        if (mediaType != XlsxMediaType)
            throw new UnexpectedAnswerException($"De dienst stuurde geen spreadsheet maar '{mediaType ?? "niets"}'; is dit wel de Warmtenet-dienst?");
        var target = wanted ?? SafeFileName(suggested);
        CheckFolder(target);
        // The user chose --out (or --force); a name the service chose never replaces an existing file.
        var overwrite = wanted is not null || context.Invocation.Flag(Force);
        if (!overwrite && File.Exists(target))
            throw new InputException($"'{target}' bestaat al en wordt niet overschreven; kies een naam met --out of overschrijf met --force.");
        try
        {
            // Write next to the target first: an interrupted download never leaves half a workbook under the real name.
            var partial = target + ".deel";
            await File.WriteAllBytesAsync(partial, bytes);
            // Personal data: readable by the user only (0600 where the platform has modes), as the privacy export.
            if (personalData && !OperatingSystem.IsWindows()) File.SetUnixFileMode(partial, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.Move(partial, target, overwrite);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"Kan '{target}' niet schrijven: {e.Message}");
        }

        if (context.Json)
            context.Out.WriteLine(JsonSerializer.Serialize(new { file = Path.GetFullPath(target), bytes = bytes.Length }));
        else
            context.Out.WriteLine($"Spreadsheet opgeslagen: {target} ({Size(bytes.Length)})."
                                  + (personalData ? " Bevat persoonsgegevens: deel het niet en bewaar het niet langer dan nodig." : ""));
        return WarmteCli.Ok;
    }

    /// <summary>
    /// The name the service suggests (Content-Disposition), reduced to a plain file name in the current
    /// directory: no folder, no "..", no hidden file, only letters, digits, '-', '_', '.' and spaces, ending in .xlsx;
    /// anything else becomes export.xlsx. The answer comes from a server, which need not be trusted with paths.
    /// </summary>
    internal static string SafeFileName(string? suggested)
    {
        const string fallback = "export.xlsx";
        if (string.IsNullOrWhiteSpace(suggested)) return fallback;
        var name = suggested.Replace('\\', '/');
        name = name[(name.LastIndexOf('/') + 1)..].Trim();
        if (name.Length is 0 or > 120 || name.StartsWith('.') || !name.EndsWith(".xlsx", StringComparison.OrdinalIgnoreCase)
            || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ' '))
            return fallback;
        return name;
    }

    private static void CheckFolder(string file)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(file));
        if (folder is not null && !Directory.Exists(folder))
            throw new InputException($"De map '{folder}' bestaat niet; maak haar eerst aan of kies een ander pad voor --out.");
    }

    private static string Size(long bytes) =>
        bytes < 1024 * 1024 ? $"{Math.Max(1, bytes / 1024)} kB" : (bytes / (1024m * 1024m)).ToString("0.0", Nl.Culture) + " MB";
}
