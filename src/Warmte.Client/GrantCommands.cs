using System.Globalization;
using System.Text.Json;
using NodaTime;
using NodaTime.Text;

namespace Warmte.Client;

/// <summary>
/// Grants, tranches, alerts and the financier's portfolio, against the service. The board requests a tranche
/// and submits its accounting; the financier approves, rejects and pays. Every tranche step carries an
/// idempotency key, so a step retried after a time-out is recorded once.
/// </summary>
internal static class GrantCommands
{
    public const string IdempotencyHeader = "Idempotency-Key";
    public const int MaxKeyLength = 200;

    private static readonly ArgumentSpec Project = new("project", "de id van het project (bijv. wg-terrein)");
    private static readonly ArgumentSpec GrantId = new("subsidie", "de id van de subsidie bij het project (bijv. paw)");
    private static readonly ArgumentSpec Number = new("nr", "het nummer van de tranche (1, 2, …)");

    public static readonly OptionSpec StepDate = new("date", "JJJJ-MM-DD",
        "Datum van deze stap (standaard vandaag in Nederland; 14-12-2024 mag ook). Niet in de toekomst en niet vóór de vorige stap");
    public static readonly OptionSpec SpentAmount = new("amount", "bedrag",
        "Besteed bedrag in euro's (verplicht): 250000, 250.000,00 of 250000.00; iets dubbelzinnigs als 250.000 wordt geweigerd");
    public static readonly OptionSpec PaidAmount = new("amount", "bedrag",
        "Uitbetaald bedrag in euro's (verplicht): 1000000, 1.000.000,00 of 1000000.00; iets dubbelzinnigs als 1.000 wordt geweigerd");
    public static readonly OptionSpec From = new("from", "JJJJ-MM-DD", "Eerste dag van de verantwoorde periode (verplicht)");
    public static readonly OptionSpec To = new("to", "JJJJ-MM-DD",
        "Laatste dag van de verantwoorde periode (verplicht); uiterlijk de datum van indienen");
    public static readonly OptionSpec Doc = new("doc", "verwijzing",
        "Verwijzing naar een bewijsstuk, bijv. een documentnummer; mag vaker voor meer stukken") { Repeatable = true };
    public static readonly OptionSpec Reason = new("reason", "reden", "Waarom de verantwoording is afgekeurd (verplicht)");
    public static readonly OptionSpec IdempotencyKey = new("idempotency-key", "sleutel",
        "Sleutel die deze stap uniek maakt (standaard een nieuwe). Dezelfde opdracht nog eens met dezelfde sleutel "
        + "wordt niet dubbel vastgelegd: zo probeert een script veilig opnieuw na een time-out");

    private const string IdempotencyText =
        " Elke stap gaat met een idempotentiesleutel naar de dienst; de uitvoer noemt haar. Mislukt de verbinding, "
        + "herhaal dan dezelfde opdracht met --idempotency-key <sleutel>: de stap wordt hoogstens één keer vastgelegd.";

    public static readonly CommandSpec GrantList = new(
        "grant list",
        "Subsidies van een project: toegekend, betaald, openstaand",
        "Toont per subsidie van het project de regeling, de financier, de besluitdatum, het toegekende, betaalde en "
        + "openstaande bedrag, hoeveel tranches zijn uitbetaald en de mediane doorlooptijd van aanvraag tot betaling.",
        [Project], [],
        ["warmte grant list wg-terrein", "warmte grant list wg-terrein --json"],
        RunGrantList);

    public static readonly CommandSpec GrantShow = new(
        "grant show",
        "Eén subsidie met haar tranches, stand en doorlooptijden",
        "Toont de subsidie en per tranche het bedrag, de status (gepland, aangevraagd, verantwoording ingediend, "
        + "goedgekeurd, afgekeurd of uitbetaald), de data van aanvraag, goedkeuring en uitbetaling en wat er betaald is; "
        + "daarna de verantwoordingen, redenen van afkeuring, het totaal betaald en openstaand, en de doorlooptijden "
        + "bij de financier in dagen (mediaan over de tranches die zover kwamen).",
        [Project, GrantId], [],
        ["warmte grant show wg-terrein paw"],
        RunGrantShow);

    public static readonly CommandSpec TrancheRequest = new(
        "tranche request",
        "Tranche aanvragen (bestuur)",
        "Legt vast dat het bestuur van de coöperatie de tranche heeft aangevraagd (gepland → aangevraagd). "
        + "Daarna volgt de verantwoording met warmte tranche account; de eerste tranche van een subsidie met voorschot "
        + "(standaard bij nieuwe subsidies) keurt de financier goed zonder verantwoording." + IdempotencyText,
        [Project, GrantId, Number], [StepDate, IdempotencyKey],
        [
            "warmte tranche request wg-terrein paw 2 --date 2021-03-01",
            "warmte tranche request wg-terrein paw 3",
        ],
        context => RunStep(context, Step.Request));

    public static readonly CommandSpec TrancheAccount = new(
        "tranche account",
        "Verantwoording indienen bij een tranche (bestuur)",
        "Legt de verantwoording vast die het bestuur bij de aangevraagde (of afgekeurde) tranche indient: het "
        + "bestede bedrag, de periode en de bewijsstukken (aangevraagd → verantwoording ingediend). Een afgekeurde "
        + "verantwoording dient u zo opnieuw in." + IdempotencyText,
        [Project, GrantId, Number], [SpentAmount, From, To, Doc, StepDate, IdempotencyKey],
        [
            "warmte tranche account wg-terrein paw 2 --amount 1.000.000,00 --from 2020-03-01 --to 2021-02-28 --doc DMS-2021-031 --doc DMS-2021-032",
            "warmte tranche account wg-terrein paw 2 --amount 987654.32 --from 2020-03-01 --to 2021-02-28 --date 2021-03-15",
        ],
        context => RunStep(context, Step.Account));

    public static readonly CommandSpec TrancheApprove = new(
        "tranche approve",
        "Verantwoording van een tranche goedkeuren (financier)",
        "Legt vast dat de financier de ingediende verantwoording heeft goedgekeurd (verantwoording ingediend → "
        + "goedgekeurd), of de aanvraag van de eerste tranche als voorschot op het subsidiebesluit (aangevraagd → goedgekeurd, "
        + "zonder verantwoording; niet bij een subsidie die ook de eerste tranche pas na verantwoording betaalt). "
        + "Daarna kan de tranche worden uitbetaald." + IdempotencyText,
        [Project, GrantId, Number], [StepDate, IdempotencyKey],
        ["warmte tranche approve wg-terrein paw 2 --date 2021-11-20", "warmte tranche approve dapperbuurt gem-ontw 1"],
        context => RunStep(context, Step.Approve));

    public static readonly CommandSpec TrancheReject = new(
        "tranche reject",
        "Verantwoording van een tranche afkeuren, met reden (financier)",
        "Legt vast dat de financier de ingediende verantwoording heeft afgekeurd, met de reden (verantwoording "
        + "ingediend → afgekeurd). Het bestuur dient daarna opnieuw in met warmte tranche account." + IdempotencyText,
        [Project, GrantId, Number], [Reason, StepDate, IdempotencyKey],
        ["warmte tranche reject wg-terrein paw 2 --reason \"Facturen over maart ontbreken\""],
        context => RunStep(context, Step.Reject));

    public static readonly CommandSpec TranchePay = new(
        "tranche pay",
        "Uitbetaling van een tranche vastleggen (financier)",
        "Legt de uitbetaling van een goedgekeurde tranche vast (goedgekeurd → uitbetaald). Met de standaardinstelling "
        + "van de subsidie moet de verantwoording van de vorige tranche goedgekeurd zijn, en samen nooit meer dan de "
        + "toekenning." + IdempotencyText,
        [Project, GrantId, Number], [PaidAmount, StepDate, IdempotencyKey],
        [
            "warmte tranche pay wg-terrein paw 2 --amount 1.000.000,00 --date 2021-12-20",
            "warmte tranche pay wg-terrein paw 2 --amount 1000000 --idempotency-key betaling-paw-2",
        ],
        context => RunStep(context, Step.Pay));

    public static readonly CommandSpec Portfolio = new(
        "portfolio",
        "Portefeuille van de financier: gefinancierde projecten, urgentste eerst",
        "Toont elk project met een subsidie: fase, toegekend, betaald, openstaand, de volgende verwachte betaling "
        + "(datum en bedrag) en het aantal signalen met de zwaarste ernst (laag, middel, hoog), het urgentste project "
        + "eerst; met de totalen en daarna de signalen per project.",
        [], [],
        ["warmte portfolio", "warmte portfolio --json > portefeuille.json"],
        RunPortfolio);

    public static readonly CommandSpec ProjectAlerts = new(
        "project alerts",
        "Signalen van een project, ernstigste eerst",
        "Toont wat het bestuur of de financier moet oppakken: mijlpalen die te laat zijn of schuiven, verantwoordingen "
        + "die te lang op beoordeling wachten of nog niet zijn ingediend, en goedgekeurde tranches die nog niet zijn "
        + "uitbetaald; met ernst (laag, middel, hoog) en sinds wanneer. De signalen worden bij elke vraag opnieuw "
        + "bepaald uit de huidige stand en de datum van vandaag.",
        [Project], [],
        ["warmte project alerts wg-terrein"],
        RunProjectAlerts);

    /// <summary>A tranche step: its path segment, what the output calls it, and which fields it sends.</summary>
    private enum Step { Request, Account, Approve, Reject, Pay }

    private static Task<int> RunGrantList(CommandContext context)
    {
        var project = context.Argument(0);
        return Commands.ShowAsync(context, $"/api/projects/{ApiClient.Segment(project)}/grants",
            (root, output) => GrantViews.GrantList(root, project, output));
    }

    private static Task<int> RunGrantShow(CommandContext context) =>
        Commands.ShowAsync(context,
            $"/api/projects/{ApiClient.Segment(context.Argument(0))}/grants/{ApiClient.Segment(context.Argument(1))}",
            GrantViews.Grant);

    private static Task<int> RunPortfolio(CommandContext context) =>
        Commands.ShowAsync(context, "/api/portfolio", GrantViews.Portfolio);

    private static Task<int> RunProjectAlerts(CommandContext context)
    {
        var project = context.Argument(0);
        return Commands.ShowAsync(context, $"/api/projects/{ApiClient.Segment(project)}/alerts",
            (root, output) => GrantViews.Alerts(root, project, output));
    }

    private static async Task<int> RunStep(CommandContext context, Step step)
    {
        var command = context.Invocation.Command;
        var project = context.Argument(0);
        var grant = context.Argument(1);
        var number = TrancheNumber(context.Argument(2), command);

        // Everything is checked before anything is sent: a usage error calls nothing.
        var on = Commands.ParseDate(context.Option(StepDate), StepDate, command) ?? context.Today();
        var body = new Dictionary<string, object?> { ["on"] = Iso(on) };
        switch (step)
        {
            case Step.Account:
                body["amount"] = Amounts.Parse(Commands.Required(context, SpentAmount), SpentAmount, command);
                body["periodFrom"] = Iso(Commands.ParseDate(Commands.Required(context, From), From, command)!.Value);
                body["periodTo"] = Iso(Commands.ParseDate(Commands.Required(context, To), To, command)!.Value);
                var documents = context.Invocation.All(Doc).Select(d => d.Trim()).ToList();
                if (documents.Any(d => d.Length == 0)) throw new UsageException("Optie --doc mag niet leeg zijn.", command);
                body["documents"] = documents;
                break;
            case Step.Reject:
                body["reason"] = Commands.Required(context, Reason);
                break;
            case Step.Pay:
                body["amount"] = Amounts.Parse(Commands.Required(context, PaidAmount), PaidAmount, command);
                break;
        }
        var key = Key(context.Option(IdempotencyKey), command);

        // Shown after a failure whose outcome is unknown (no answer, time-out, 5xx): how to retry without a double entry.
        var retry = RetryCommand(context, key, on);
        context.RetryNote =
            $"Of de stap is vastgelegd, is niet zeker. Probeer het veilig opnieuw met dezelfde sleutel; dan telt de stap hoogstens één keer:\n  {retry}";

        var path = $"/api/projects/{ApiClient.Segment(project)}/grants/{ApiClient.Segment(grant)}/tranches/{number}/{Segment(step)}";
        ApiResponse response;
        try
        {
            response = await context.Api.PostJsonAsync(path, JsonSerializer.Serialize(body),
                new Dictionary<string, string> { [IdempotencyHeader] = key });
        }
        catch (ApiException refused) when (refused.Response.StatusCode is 400 or 404 or 409)
        {
            throw new ApiException(refused.Response) { Hint = StepHint(refused.Response, step, project, grant) };
        }

        using var document = Commands.Parse(response);
        if (context.Json)
        {
            context.Out.WriteLine(JsonRead.Pretty(document));
            context.Err.WriteLine($"Idempotentiesleutel: {key}");
        }
        else
        {
            GrantViews.Step(document.RootElement, project, number, Done(step), context.Out);
            context.Out.WriteLine($"Idempotentiesleutel: {key}");
            context.Out.WriteLine("  Deze opdracht nog eens, met dezelfde sleutel en gegevens, wordt niet dubbel vastgelegd:");
            context.Out.WriteLine("  " + RetryCommand(context, key, on));
        }
        return WarmteCli.Ok;
    }

    private static string Segment(Step step) => step switch
    {
        Step.Request => "request",
        Step.Account => "accounting",
        Step.Approve => "approve",
        Step.Reject => "reject",
        _ => "pay",
    };

    private static string Done(Step step) => step switch
    {
        Step.Request => "Aanvraag vastgelegd",
        Step.Account => "Verantwoording vastgelegd",
        Step.Approve => "Goedkeuring vastgelegd",
        Step.Reject => "Afkeuring vastgelegd",
        _ => "Uitbetaling vastgelegd",
    };

    /// <summary>What to do after a refused step: which option a field is, or where to look.</summary>
    private static string? StepHint(ApiResponse response, Step step, string project, string grant)
    {
        if (response.StatusCode == 400)
            return "De velden horen bij deze opties: " + step switch
            {
                Step.Account => "on = --date, amount = --amount, periodFrom = --from, periodTo = --to, documents = --doc.",
                Step.Reject => "on = --date, reason = --reason.",
                Step.Pay => "on = --date, amount = --amount.",
                _ => "on = --date.",
            };
        using var problem = response.TryParse();
        return problem?.RootElement.Str("code") switch
        {
            "idempotency-key-reused" =>
                "Deze sleutel hoort bij een ander verzoek (andere tranche, stap, datum of bedrag). Herhaal het oorspronkelijke "
                + "verzoek precies, of laat --idempotency-key weg voor een nieuwe sleutel.",
            "tranche-state" or "previous-accounting-not-approved" or "exceeds-grant" =>
                $"Bekijk de stand van de tranches met: warmte grant show {project} {grant}",
            _ when response.StatusCode == 404 => $"Bekijk de subsidies van het project met: warmte grant list {project}",
            _ => null,
        };
    }

    internal static int TrancheNumber(string text, CommandSpec command) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is >= 1 and <= 10_000
            ? number
            : throw new UsageException($"'{Tokens.Shorten(text)}' is geen tranchenummer; geef een heel getal vanaf 1, bijv. 2.", command);

    /// <summary>The given key, checked, or a fresh one.</summary>
    internal static string Key(string? given, CommandSpec command)
    {
        if (given is null) return Guid.NewGuid().ToString();
        var key = given.Trim();
        if (key.Length is 0 or > MaxKeyLength || key.Any(c => c is < '!' or > '~'))
            throw new UsageException(
                $"Optie --idempotency-key moet 1 tot {MaxKeyLength} tekens zijn: letters, cijfers en leestekens, zonder spaties of accenten.",
                command);
        return key;
    }

    private static string Iso(LocalDate date) => LocalDatePattern.Iso.Format(date);

    /// <summary>
    /// The same command line with the key and the date spelled out, for a safe retry (the same request with the
    /// same key is recorded once). The address and token are left out: they come from the environment or are secret.
    /// </summary>
    internal static string RetryCommand(CommandContext context, string key, LocalDate on)
    {
        var command = context.Invocation.Command;
        var words = new List<string> { "warmte", command.Name };
        words.AddRange(context.Invocation.Arguments.Select(a => Quote(a.Trim())));
        foreach (var option in command.Options.Where(o => o != StepDate && o != IdempotencyKey))
            foreach (var value in context.Invocation.All(option))
                words.AddRange(["--" + option.Name, Quote(value.Trim())]);
        words.AddRange(["--date", Iso(on), "--idempotency-key", Quote(key)]);
        return string.Join(' ', words);
    }

    internal static string Quote(string word) =>
        word.Length == 0 || word.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'' or '$' or '`' or '\\' or ';' or '&' or '|' or '<' or '>' or '(' or ')' or '*' or '?')
            ? "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'"
            : word;
}
