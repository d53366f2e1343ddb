using System.Text.Json;

namespace Warmte.Client;

/// <summary>
/// Members' privacy (AVG): <c>warmte privacy show|set|run|erase|export</c>. Retention periods per
/// cooperative, erasure of a former member's name and address, and the export of everything stored
/// about one member for that member. Board of the cooperative and admins only (the service checks).
/// </summary>
internal static class PrivacyCommands
{
    private static readonly ArgumentSpec Cooperative = new("coop", "de id van de coöperatie (bijv. ketelhuiswg)");
    private static readonly ArgumentSpec Number = new("lidnummer", "het lidnummer (bijv. KWG-0003)");

    private static readonly OptionSpec FormerMembers = new("former-members", "maanden",
        "Wis naam en adres van oud-leden zoveel maanden na hun uitschrijving (leeg laten: niet automatisch)");
    private static readonly OptionSpec ConsentAnswers = new("consent-answers", "maanden",
        "Verwijder antwoorden per adres over huurdersinstemming zoveel maanden na het besluit; de aantallen blijven");
    private static readonly OptionSpec Out = new("out", "bestand", "Het .json-bestand dat geschreven wordt (standaard inzage-<coop>-<lidnummer>.json)");
    private static readonly OptionSpec Force = new("force", null, "Overschrijf een bestaand bestand");

    public static readonly CommandSpec Show = new(
        "privacy show",
        "Bewaartermijnen voor persoonsgegevens van een coöperatie",
        "Toont hoe lang de dienst namen en adressen van oud-leden en antwoorden per adres over huurdersinstemming bewaart.",
        [Cooperative], [],
        ["warmte privacy show ketelhuiswg"],
        RunShow);

    public static readonly CommandSpec Set = new(
        "privacy set",
        "Bewaartermijnen instellen (bestuur)",
        "Stelt de bewaartermijnen in maanden in; een optie die u weglaat betekent: niet automatisch. Eén keer per dag "
        + "past de dienst ze toe (of direct met 'warmte privacy run'). Stemuitslagen, besluiten, aantallen en de audittrail blijven geldig.",
        [Cooperative], [FormerMembers, ConsentAnswers],
        ["warmte privacy set ketelhuiswg --former-members 24 --consent-answers 12"],
        RunSet);

    public static readonly CommandSpec Run = new(
        "privacy run",
        "Bewaartermijnen nu toepassen (bestuur)",
        "Wist nu de namen en adressen van oud-leden en de antwoorden per adres waarvan de bewaartermijn voorbij is.",
        [Cooperative], [],
        ["warmte privacy run ketelhuiswg"],
        RunRetention);

    public static readonly CommandSpec Erase = new(
        "privacy erase",
        "Naam en adres van een oud-lid wissen, op verzoek (bestuur)",
        "Wist naam en adres van een oud-lid (uitgeschreven); lidnummer, categorie, woningequivalenten en data blijven, "
        + "zodat stemuitslagen en aantallen geldig blijven. Een lid dat nog lid is, wordt geweigerd: schrijf het eerst uit "
        + "met 'warmte member leave'.",
        [Cooperative, Number], [],
        ["warmte privacy erase ketelhuiswg KWG-0003"],
        RunErase);

    private static readonly OptionSpec LeftOn = new("on", "JJJJ-MM-DD",
        "De dag waarop het lid geen lid meer is (standaard vandaag; een datum in de toekomst legt een opzegging vast)");

    public static readonly CommandSpec MemberLeave = new(
        "member leave",
        "Een lid uitschrijven: de datum van uitschrijving vastleggen (bestuur)",
        "Legt vast dat het lid per --on geen lid meer is (leftOn in het ledenregister); verder verandert er niets. Vanaf die dag "
        + "telt het lid niet meer mee als stemgerechtigde, en daarna kan 'warmte privacy erase' naam en adres wissen.",
        [Cooperative, Number], [LeftOn],
        ["warmte member leave ketelhuiswg KWG-0003 --on 2026-06-30", "warmte privacy erase ketelhuiswg KWG-0003"],
        RunLeave);

    public static readonly CommandSpec MemberRejoin = new(
        "member rejoin",
        "Een uitschrijving intrekken (bestuur)",
        "Maakt de uitschrijving van het lid ongedaan (leftOn leeg), vastgelegd in de audittrail: voor een opzegging die het lid "
        + "intrekt of een lid dat per vergissing is uitgeschreven. Het lid telt dan weer mee sinds de datum van toetreden. "
        + "Een ledenlijst of een wijziging van het lid maakt een uitschrijving nooit ongedaan; alleen dit commando. "
        + "Een gewist lid (AVG) kan niet terugkomen: schrijf die persoon in onder een nieuw lidnummer.",
        [Cooperative, Number], [],
        ["warmte member rejoin ketelhuiswg KWG-0003"],
        RunRejoin);

    public static readonly CommandSpec Export = new(
        "privacy export",
        "Alles wat over één lid is opgeslagen, als bestand voor dat lid (AVG-inzage)",
        "Schrijft een JSON-bestand met de registergegevens en hun historie, aanwezigheid en stemmen op ALV's, en de "
        + "antwoorden over huurdersinstemming op het adres van het lid.",
        [Cooperative, Number], [Out, Force],
        ["warmte privacy export ketelhuiswg KWG-0003 --out inzage-KWG-0003.json"],
        RunExport);

    private static string Coop(CommandContext context) => ApiClient.Segment(context.Argument(0));

    private static async Task<int> RunShow(CommandContext context)
    {
        using var document = Commands.Parse(await context.Api.GetAsync($"/api/cooperatives/{Coop(context)}/privacy"));
        return Write(context, document);
    }

    private static int Write(CommandContext context, JsonDocument document)
    {
        if (context.Json) { context.Out.WriteLine(JsonRead.Pretty(document)); return WarmteCli.Ok; }
        var root = document.RootElement;
        context.Out.WriteLine($"Bewaartermijnen van {context.Argument(0)}:");
        context.Out.WriteLine($"  Naam en adres van oud-leden: {Months(root.Int("formerMemberRetentionMonths"))} na uitschrijving.");
        context.Out.WriteLine($"  Antwoorden per adres (huurdersinstemming): {Months(root.Int("consentAnswerRetentionMonths"))} na het besluit.");
        return WarmteCli.Ok;
    }

    private static string Months(int? months) => months is { } m ? Nl.Count(m, "maand", "maanden") : "niet automatisch (alleen op verzoek)";

    private static int? MonthsOption(CommandContext context, OptionSpec option)
    {
        if (context.Option(option) is not { } text) return null;
        return int.TryParse(text.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var m)
            ? m
            : throw new UsageException($"--{option.Name} '{Tokens.Shorten(text)}' is geen aantal maanden (bijv. 24).", context.Invocation.Command);
    }

    private static async Task<int> RunSet(CommandContext context)
    {
        var body = JsonSerializer.Serialize(new
        {
            formerMemberRetentionMonths = MonthsOption(context, FormerMembers),
            consentAnswerRetentionMonths = MonthsOption(context, ConsentAnswers),
        });
        using var document = Commands.Parse(await context.Api.SendAsync(HttpMethod.Put, $"/api/cooperatives/{Coop(context)}/privacy", body, CancellationToken.None));
        return Write(context, document);
    }

    private static async Task<int> RunRetention(CommandContext context)
    {
        using var document = Commands.Parse(await context.Api.PostJsonAsync($"/api/cooperatives/{Coop(context)}/privacy/retention-run", "{}"));
        if (context.Json) { context.Out.WriteLine(JsonRead.Pretty(document)); return WarmteCli.Ok; }
        var root = document.RootElement;
        var erased = root.Items("erasedMembers").Select(e => e.GetString()).ToList();
        context.Out.WriteLine(erased.Count == 0 ? "Geen oud-leden gewist." : $"Naam en adres gewist van {Nl.Count(erased.Count, "oud-lid", "oud-leden")}: {string.Join(", ", erased)}.");
        context.Out.WriteLine($"Antwoorden per adres verwijderd: {Nl.Number(root.Int("consentAnswersRemoved"))}.");
        return WarmteCli.Ok;
    }

    private static async Task<int> RunErase(CommandContext context)
    {
        using var document = Commands.Parse(await context.Api.PostJsonAsync(
            $"/api/cooperatives/{Coop(context)}/members/{ApiClient.Segment(context.Argument(1))}/erase", "{}"));
        if (context.Json) { context.Out.WriteLine(JsonRead.Pretty(document)); return WarmteCli.Ok; }
        var m = document.RootElement;
        context.Out.WriteLine($"Naam en adres van lid {m.Str("number")} gewist op {Nl.Date(m.Str("erasedOn"))}; lidnummer en aantallen blijven.");
        return WarmteCli.Ok;
    }

    private static async Task<int> RunLeave(CommandContext context)
    {
        var leftOn = Commands.ParseDate(context.Option(LeftOn), LeftOn, context.Invocation.Command) ?? context.Today();
        var body = JsonSerializer.Serialize(new { leftOn = NodaTime.Text.LocalDatePattern.Iso.Format(leftOn) });
        using var document = Commands.Parse(await context.Api.PostJsonAsync(
            $"/api/cooperatives/{Coop(context)}/members/{ApiClient.Segment(context.Argument(1))}/leave", body));
        if (context.Json) { context.Out.WriteLine(JsonRead.Pretty(document)); return WarmteCli.Ok; }
        var m = document.RootElement;
        context.Out.WriteLine(leftOn <= context.Today()
            ? $"Lid {m.Str("number")} is uitgeschreven per {Nl.Date(leftOn)}; naam en adres wissen kan nu met: warmte privacy erase {context.Argument(0)} {m.Str("number")}"
            : $"Lid {m.Str("number")} wordt uitgeschreven per {Nl.Date(leftOn)} (opzegging vastgelegd); tot die dag blijft het lid.");
        // Votes on open proposals that no longer count (tester5 T10h): the board should know before it closes them.
        var dropped = m.Items("votesNotCounted").Select(d => d.GetString()).OfType<string>().ToList();
        if (dropped.Count > 0)
        {
            context.Out.WriteLine($"Let op: {Nl.Count(dropped.Count, "stem telt", "stemmen tellen")} daardoor niet meer mee bij de telling:");
            foreach (var d in dropped) context.Out.WriteLine($"  - {d}");
        }
        // Closed meetings where the member counted (tester6 T5): the write-out does not change their results.
        var stand = m.Items("closedResultsStand").Select(d => d.GetString()).OfType<string>().ToList();
        if (stand.Count > 0)
        {
            context.Out.WriteLine($"Let op: de uitslag van {Nl.Count(stand.Count, "gesloten vergadering", "gesloten vergaderingen")} verandert hierdoor niet:");
            foreach (var d in stand) context.Out.WriteLine($"  - {d}");
        }
        return WarmteCli.Ok;
    }

    private static async Task<int> RunRejoin(CommandContext context)
    {
        using var document = Commands.Parse(await context.Api.PostJsonAsync(
            $"/api/cooperatives/{Coop(context)}/members/{ApiClient.Segment(context.Argument(1))}/rejoin", "{}"));
        if (context.Json) { context.Out.WriteLine(JsonRead.Pretty(document)); return WarmteCli.Ok; }
        var m = document.RootElement;
        context.Out.WriteLine($"Lid {m.Str("number")} is (weer) lid sinds {Nl.Date(m.Str("joinedOn"))}, zonder uitschrijving.");
        return WarmteCli.Ok;
    }

    private static async Task<int> RunExport(CommandContext context)
    {
        var number = context.Argument(1);
        var target = context.Option(Out)?.Trim();
        if (target is { Length: 0 }) throw new UsageException("Optie --out mag niet leeg zijn; geef een bestandsnaam zoals inzage.json.", context.Invocation.Command);
        target ??= $"inzage-{Safe(context.Argument(0))}-{Safe(number)}.json";
        var folder = Path.GetDirectoryName(Path.GetFullPath(target));
        if (folder is not null && !Directory.Exists(folder))
            throw new InputException($"De map '{folder}' bestaat niet; maak haar eerst aan of kies een ander pad voor --out.");
        if (File.Exists(target) && !context.Invocation.Flag(Force))
            throw new InputException($"'{target}' bestaat al en wordt niet overschreven; kies een andere naam met --out of overschrijf met --force.");
        using var document = Commands.Parse(await context.Api.GetAsync($"/api/cooperatives/{Coop(context)}/members/{ApiClient.Segment(number)}/export"));
        var text = JsonRead.Pretty(document);
        try
        {
            // Personal data: readable by the user only (0600 where the platform has modes), written whole or not at all.
            var partial = target + ".deel";
            await File.WriteAllTextAsync(partial, text);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(partial, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.Move(partial, target, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"Kan '{target}' niet schrijven: {e.Message}");
        }
        if (context.Json)
            context.Out.WriteLine(JsonSerializer.Serialize(new { file = Path.GetFullPath(target), bytes = System.Text.Encoding.UTF8.GetByteCount(text) }));
        else
            context.Out.WriteLine($"Inzage voor lid {number} opgeslagen: {target}. Bevat persoonsgegevens: geef het alleen aan het lid zelf.");
        return WarmteCli.Ok;
    }

    private static string Safe(string text) => new([.. text.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_')]);
}
