using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Warmte.BusinessCase.Analysis;
using Warmte.BusinessCase.Engine;
using Warmte.BusinessCase.Model;
using Warmte.Serialization;

namespace Warmte.Client;

/// <summary>
/// A project's saved business-case versions at the service (tester7 T9): list, show and save them, and run the loan grid
/// and the Monte Carlo on one. The figures are the service's (POST …/loan-grid, …/montecarlo), shown with the same views as
/// <c>loan simulate</c> and <c>model montecarlo</c> show a local file's; the options are theirs too. The service decides who
/// may save and how large a request a role may make.
/// </summary>
internal static class BusinessCaseVersionCommands
{
    private static readonly ArgumentSpec Project = new("project", "de id van het project (bijv. wg-terrein)");

    private static readonly OptionSpec Version = new("version", "nummer",
        "Welke bewaarde versie (1, 2, …; standaard de nieuwste). De versies: warmte business-case list <project>");
    private static readonly OptionSpec Page = new("page", "nummer", "Welke pagina, vanaf 1 (standaard 1)");
    private static readonly OptionSpec PageSize = new("page-size", "aantal",
        $"Versies per pagina, 1 tot {Warmte.Audit.AuditTrail.MaxPageSize} (standaard {DefaultPageSize}); dezelfde pagina's als de API");
    private static readonly OptionSpec Note = new("note", "tekst", "Notitie bij de versie, bijv. \"Rente 2,5% na gesprek met de gemeente\" (optioneel)");

    private const int DefaultPageSize = 50;

    public static readonly CommandSpec List = new(
        "business-case list",
        "Bewaarde versies van de business case van een project, met hun kengetallen",
        "Toont per bewaarde versie (oudste eerst) de naam, wanneer en door wie zij is bewaard, de investering, bronnen − "
        + "bestedingen, de NPV, de laagste DSCR en of de financiering sluit (met de overbrugging ernaast), zoals de dienst ze bij "
        + "het bewaren berekende. Per pagina zoals GET /api/projects/{id}/business-cases?page=&pageSize= ze geeft.",
        [Project], [Page, PageSize],
        ["warmte business-case list wg-terrein", "warmte business-case list wg-terrein --page 2 --page-size 20"],
        RunList);

    public static readonly CommandSpec Show = new(
        "business-case show",
        "Eén bewaarde versie doorgerekend: bronnen en bestedingen, kengetallen, jaartabel",
        "Toont een bewaarde versie zoals de dienst haar doorrekent: bronnen tegenover bestedingen, de kengetallen, de "
        + "opgeloste waarden, de jaartabel, de bouwperiode per maand en de aannames. Dezelfde weergave als warmte model "
        + "evaluate voor een bestand; met --json het antwoord van de dienst (ook het model zelf).",
        [Project], [Version],
        ["warmte business-case show wg-terrein", "warmte business-case show wg-terrein --version 2 --json > versie-2.json"],
        RunShow);

    public static readonly CommandSpec Save = new(
        "business-case save",
        "Een modelbestand als nieuwe versie van de business case bewaren (bestuur)",
        "Controleert het modelbestand op deze computer (hetzelfde formaat als models/ en de API, docs/business-case-model.md) "
        + "en bewaart het daarna bij de dienst als nieuwe versie van de business case van het project. De nieuwste versie "
        + "bepaalt de poortvoorwaarde 'financiering sluit'. Een ongeldig model wordt geweigerd met per veld de reden, "
        + "en er wordt niets verstuurd. Blijft het antwoord uit, dan noemt de foutmelding dezelfde opdracht met "
        + "--idempotency-key <sleutel>: die bewaart de versie hoogstens één keer.",
        [Project, new ArgumentSpec("bestand", "het modelbestand (JSON, bijv. models/ketelhuiswg.json)")], [Note, GrantCommands.IdempotencyKey],
        ["warmte business-case save wg-terrein models/ketelhuiswg.json --note \"Lening gemeente 3%\""],
        RunSave);

    public static readonly CommandSpec LoanGridCommand = new(
        "business-case loan-grid",
        "Leningvoorwaarden doorrekenen op een bewaarde versie: rente × looptijd × aflossingsvorm",
        "Als warmte loan simulate, maar op een bewaarde versie bij de dienst en door de dienst gerekend (POST …/loan-grid): "
        + "per combinatie van rente, looptijd, aflossingsvorm en aflossingsvrije jaren de laagste DSCR, de totale rente, de "
        + "NPV en of de financiering sluit. Een weggelaten optie houdt de waarde van de lening in de versie. Hoeveel "
        + "combinaties per verzoek mogen, hangt af van de rol van uw token.",
        [Project], [Version, BusinessCaseCommands.Rate, BusinessCaseCommands.Term, BusinessCaseCommands.Type, BusinessCaseCommands.Grace, BusinessCaseCommands.Loan],
        [
            "warmte business-case loan-grid wg-terrein --rate 2:4:0.5 --term 20,30 --type annuity,linear",
            "warmte business-case loan-grid wg-terrein --version 2 --rate \"2;5\" --term 30 --json",
        ],
        RunLoanGrid);

    public static readonly CommandSpec MonteCarloCommand = new(
        "business-case montecarlo",
        "Monte Carlo op een bewaarde versie: P10/P50/P90 van NPV en DSCR",
        "Als warmte model montecarlo, maar op een bewaarde versie bij de dienst en door de dienst gerekend "
        + "(POST …/montecarlo), met de onzekerheden uit die versie of de gedocumenteerde standaard. Dezelfde versie, "
        + "--runs en --seed geven dezelfde uitkomst als de API en als elke andere aanroep. Hoeveel trekkingen per verzoek "
        + "mogen, hangt af van de rol van uw token.",
        [Project], [Version, BusinessCaseCommands.Runs, BusinessCaseCommands.Seed],
        ["warmte business-case montecarlo wg-terrein --runs 2000 --seed 7", "warmte business-case montecarlo wg-terrein --version 1 --json"],
        RunMonteCarlo);

    private static string VersionsPath(string project) => $"/api/projects/{ApiClient.Segment(project)}/business-cases";

    private static async Task<int> RunList(CommandContext context)
    {
        var command = context.Invocation.Command;
        var project = context.Argument(0);
        var page = BusinessCaseCommands.ParseInt(context, Page, 1, 1, int.MaxValue, "een paginanummer vanaf 1");
        var size = BusinessCaseCommands.ParseInt(context, PageSize, DefaultPageSize, 1, Warmte.Audit.AuditTrail.MaxPageSize,
            $"een heel aantal van 1 tot {Warmte.Audit.AuditTrail.MaxPageSize}");
        var response = await context.Api.GetAsync(
            $"{VersionsPath(project)}?page={page.ToString(CultureInfo.InvariantCulture)}&pageSize={size.ToString(CultureInfo.InvariantCulture)}");
        using var document = Commands.Parse(response);
        if (context.Json)
        {
            context.Out.WriteLine(JsonRead.Pretty(document));
            return WarmteCli.Ok;
        }
        var versions = document.RootElement.Items().ToList();
        var total = response.TotalCount ?? versions.Count;
        var pages = (int)Math.Max(1, (total + size - 1) / size);
        if (total == 0)
        {
            context.Out.WriteLine($"Project {project} heeft nog geen bewaarde business case.");
            context.Out.WriteLine($"Bewaar er een met: warmte business-case save {project} <bestand>");
            return WarmteCli.Ok;
        }
        if (versions.Count == 0)
            throw new InputException($"Pagina {Nl.Number(page)} bestaat niet: project {project} heeft {Nl.Count(total, "bewaarde versie", "bewaarde versies")}, "
                                     + $"{Nl.Count(pages, "pagina", "pagina's")} van {Nl.Number(size)}.");

        var first = versions[0].Int("version");
        var last = versions[^1].Int("version");
        context.Out.WriteLine($"Business case van {project}: {Nl.Count(total, "bewaarde versie", "bewaarde versies")}, oudste eerst"
                              + (pages > 1 ? $"; pagina {Nl.Number(page)} van {Nl.Number(pages)} (versie {Nl.Number(first)} t/m {Nl.Number(last)})" : "") + ".");
        context.Out.WriteLine("Bedragen in hele euro's; de kengetallen zoals de dienst ze bij het bewaren berekende.");
        var table = new TextTable("Versie", "Naam", "Bewaard", "Door", "Investering", "Bronnen − bestedingen", "NPV", "Min. DSCR (jaar)",
                "Financiering sluit", "Notitie")
            .AlignRight(0, 4, 5, 6, 7);
        foreach (var v in versions)
        {
            var k = v.Prop("kpis");
            table.Add(
                Nl.Number(v.Int("version")),
                v.Str("name") ?? Nl.None,
                Nl.Instant(v.Str("savedAt")),
                v.Str("savedBy") ?? Nl.None,
                Whole(k?.Dec("uses")),
                Whole(k?.Dec("surplus")),
                Whole(k?.Dec("npv")),
                k?.Dec("minDscr") is { } dscr ? $"{Nl.Ratio(dscr)} ({k?.Int("minDscrYear")})" : Nl.None,
                k is { } kpis && kpis.Bool("financingCloses") is { } closes
                    ? CashGap.Brief(closes, kpis.Dec("lowestCashBalance") ?? 0m, kpis.Int("lowestCashBalanceYear") ?? 0)
                    : Nl.None,
                v.Str("note") ?? "");
        }
        table.WriteTo(context.Out, "  ");
        if (page < pages)
            context.Out.WriteLine($"Volgende pagina: warmte business-case list {project} --page {page + 1}"
                                  + (size != DefaultPageSize ? $" --page-size {size}" : ""));
        context.Out.WriteLine($"Eén versie doorgerekend: warmte business-case show {project} --version <nummer>");
        return WarmteCli.Ok;
    }

    private static async Task<int> RunShow(CommandContext context)
    {
        var project = context.Argument(0);
        var version = await ResolveVersion(context, project);
        using var saved = await GetVersion(context, project, version);
        if (context.Json)
        {
            context.Out.WriteLine(JsonRead.Pretty(saved));
            return WarmteCli.Ok;
        }
        var root = saved.RootElement;
        var model = ModelOf(root);
        var result = root.Prop("result") ?? throw Unexpected("result");
        var evaluation = Read<Evaluation>(result, "evaluation");
        var solutions = Read<BusinessCaseCommands.Solutions>(result, "solutions");
        BusinessCaseViews.Evaluation(model, evaluation, solutions, Describe(root, project, version), context.Out, "Versie");
        return WarmteCli.Ok;
    }

    private static async Task<int> RunSave(CommandContext context)
    {
        var project = context.Argument(0);
        var path = context.Argument(1);
        // Checked here first with the same reader as the service (field paths and JsonFieldHints' reasons), so a broken
        // file is explained without a round trip and nothing is sent; the service checks again.
        if (BusinessCaseCommands.Load(context, path, out var text) is not { } model) return WarmteCli.BadInput;
        // The file may hold comments and trailing commas; the API takes plain JSON.
        using var file = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var note = context.Option(Note)?.Trim();
        var body = JsonSerializer.Serialize(new { note = string.IsNullOrEmpty(note) ? null : note, model = file.RootElement });
        // A fresh key per invocation (or the one given): after an unknown outcome the same command with that key saves at
        // most one version. The CLI does not retry by itself: a time-out usually means a busy service, and the user decides.
        var key = GrantCommands.Key(context.Option(GrantCommands.IdempotencyKey), context.Invocation.Command);
        context.RetryNote = "Of de versie is bewaard, is niet zeker. Dezelfde opdracht met deze sleutel bewaart haar hoogstens één keer:\n  "
                            + RetryCommand(context, key);
        var response = await context.Api.PostJsonAsync(VersionsPath(project), body,
            new Dictionary<string, string> { [GrantCommands.IdempotencyHeader] = key });
        using var document = Commands.Parse(response);
        if (context.Json)
        {
            context.Out.WriteLine(JsonRead.Pretty(document));
            return WarmteCli.Ok;
        }
        var info = document.RootElement;
        var version = info.Int("version");
        var kpis = info.Prop("kpis");
        context.Out.WriteLine($"Business case '{info.Str("name") ?? model.Name}' bewaard als versie {Nl.Number(version)} van {project}.");
        if (kpis is { } k && k.Bool("financingCloses") is { } closes)
            context.Out.WriteLine("  Financiering sluit: " + CashGap.Verdict(closes, k.Dec("lowestCashBalance") ?? 0m, k.Int("lowestCashBalanceYear") ?? 0));
        // The service's warnings (tester T12: a model of another size than the project), saved all the same.
        foreach (var warning in info.Items("warnings"))
            if (warning.ValueKind == JsonValueKind.String) context.Out.WriteLine(warning.GetString());
        context.Out.WriteLine($"Bekijk haar met: warmte business-case show {project} --version {version}");
        return WarmteCli.Ok;
    }

    /// <summary>The same command line with the key spelled out (address and token come from the environment).</summary>
    private static string RetryCommand(CommandContext context, string key)
    {
        var command = context.Invocation.Command;
        var words = new List<string> { "warmte", command.Name };
        words.AddRange(context.Invocation.Arguments.Select(a => GrantCommands.Quote(a.Trim())));
        foreach (var option in command.Options.Where(o => o != GrantCommands.IdempotencyKey))
            foreach (var value in context.Invocation.All(option))
                words.AddRange(["--" + option.Name, GrantCommands.Quote(value.Trim())]);
        words.AddRange(["--idempotency-key", GrantCommands.Quote(key)]);
        return string.Join(' ', words);
    }

    private static async Task<int> RunLoanGrid(CommandContext context)
    {
        var project = context.Argument(0);
        // Every option is checked before anything is asked of the service.
        var options = BusinessCaseCommands.GridOptions.Read(context);
        var version = await ResolveVersion(context, project);
        Inputs model;
        using (var saved = await GetVersion(context, project, version)) model = ModelOf(saved.RootElement);
        var request = options.For(model, context.Invocation.Command);
        var body = JsonSerializer.Serialize(new
        {
            rates = request.Rates, terms = request.Terms, types = request.Types.Select(t => t.ToString()), graces = request.Graces, loan = request.LoanIndex,
        });
        using var answer = Commands.Parse(await context.Api.PostJsonAsync($"{VersionsPath(project)}/{version}/loan-grid", body));
        var loan = model.Loans[request.LoanIndex];
        if (context.Json)
        {
            // The shape of loan simulate --json, with the service's cells as it sent them.
            context.Out.WriteLine(JsonSerializer.Serialize(new
            {
                project, version, name = model.Name, loanIndex = request.LoanIndex, lender = loan.Lender, minDscr = model.MinDscr, cells = answer.RootElement,
            }, PrettyJson));
            return WarmteCli.Ok;
        }
        var cells = Deserialize<ImmutableArray<LoanGridCell>>(answer.RootElement, "cellen van het leningraster");
        context.Out.WriteLine($"Bewaarde versie {Nl.Number(version)} van {project}, gerekend door de dienst.");
        BusinessCaseViews.LoanGrid(model, request.LoanIndex, cells, request.Skipped, context.Out);
        return WarmteCli.Ok;
    }

    private static async Task<int> RunMonteCarlo(CommandContext context)
    {
        var project = context.Argument(0);
        var runs = BusinessCaseCommands.ParseInt(context, BusinessCaseCommands.Runs, BusinessCaseCommands.DefaultRuns, 1, MonteCarlo.MaxRuns,
            $"een heel aantal trekkingen van 1 tot {Nl.Number(MonteCarlo.MaxRuns)}");
        var seed = BusinessCaseCommands.ParseInt(context, BusinessCaseCommands.Seed, BusinessCaseCommands.DefaultSeed, int.MinValue, int.MaxValue, "een heel getal, bijv. 1");
        var version = await ResolveVersion(context, project);
        Inputs? model = null;
        if (!context.Json)
            using (var saved = await GetVersion(context, project, version)) model = ModelOf(saved.RootElement);
        using var answer = Commands.Parse(await context.Api.PostJsonAsync($"{VersionsPath(project)}/{version}/montecarlo",
            JsonSerializer.Serialize(new { runs, seed })));
        if (context.Json)
        {
            // The service's answer as it is: the same bytes for the same version, runs and seed.
            context.Out.WriteLine(JsonRead.Pretty(answer));
            return WarmteCli.Ok;
        }
        var result = Deserialize<MonteCarloResult>(answer.RootElement, "Monte Carlo-uitkomst");
        context.Out.WriteLine($"Bewaarde versie {Nl.Number(version)} van {project}, gerekend door de dienst.");
        BusinessCaseViews.MonteCarlo(model!, result, context.Out);
        return WarmteCli.Ok;
    }

    /// <summary>--version, or the newest: versions are numbered 1, 2, … in the order saved, so the newest is the count.</summary>
    private static async Task<int> ResolveVersion(CommandContext context, string project)
    {
        if (context.Option(Version) is not null)
            return BusinessCaseCommands.ParseInt(context, Version, 0, 1, int.MaxValue, "een versienummer vanaf 1, bijv. 2");
        var response = await context.Api.GetAsync($"{VersionsPath(project)}?page=1&pageSize=1");
        var total = response.TotalCount
                    ?? throw new UnexpectedAnswerException("De dienst gaf bij de versielijst geen aantal (X-Total-Count). Geef de versie op met --version.");
        if (total == 0)
            throw new InputException($"Project {project} heeft nog geen bewaarde business case. Bewaar er een met: warmte business-case save {project} <bestand>");
        return (int)Math.Min(int.MaxValue, total);
    }

    private static async Task<JsonDocument> GetVersion(CommandContext context, string project, int version)
    {
        try
        {
            return Commands.Parse(await context.Api.GetAsync($"{VersionsPath(project)}/{version.ToString(CultureInfo.InvariantCulture)}"));
        }
        catch (ApiException refused) when (refused.Response.StatusCode == 404)
        {
            throw new ApiException(refused.Response) { Hint = $"Bekijk de bewaarde versies met: warmte business-case list {project}" };
        }
    }

    /// <summary>The saved model, read as the service reads it (it was valid when saved).</summary>
    private static Inputs ModelOf(JsonElement savedVersion)
    {
        var model = savedVersion.Prop("model") ?? throw Unexpected("model");
        var read = ModelReader.Read(model.GetRawText());
        return read.IsOk ? read.Value! : throw new UnexpectedAnswerException(
            "Het bewaarde model kan hier niet worden gelezen (" + string.Join("; ", read.Refusal!.Errors.Select(e => $"{e.Field}: {e.Reason}"))
            + "). Is deze warmte even nieuw als de dienst?");
    }

    private static string Describe(JsonElement root, string project, int version)
    {
        var info = root.Prop("version");
        var text = $"{Nl.Number(version)} van {project}, bewaard {Nl.Instant(info?.Str("savedAt"))} door {info?.Str("savedBy") ?? Nl.None}";
        return info?.Str("note") is { Length: > 0 } note ? $"{text}; notitie: {note}" : text;
    }

    private static T Read<T>(JsonElement parent, string name) => Deserialize<T>(parent.Prop(name) ?? throw Unexpected(name), name);

    private static T Deserialize<T>(JsonElement element, string what)
    {
        try
        {
            return element.Deserialize<T>(WarmteJson.Default) ?? throw Unexpected(what);
        }
        catch (JsonException e)
        {
            throw new UnexpectedAnswerException($"Het antwoord van de dienst ({what}) is niet te lezen: {e.Message} Is deze warmte even nieuw als de dienst?");
        }
    }

    private static UnexpectedAnswerException Unexpected(string field) =>
        new($"Het antwoord van de dienst mist '{field}'. Is dit wel het adres van de Warmtenet-dienst, en is deze warmte even nieuw als de dienst?");

    private static readonly JsonSerializerOptions PrettyJson = new(WarmteJson.Default) { WriteIndented = true };

    private static string Whole(decimal? euros) => euros is { } e ? Nl.Amount(e) : Nl.None;
}
