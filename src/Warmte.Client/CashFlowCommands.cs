using System.Text.Json;
using NodaTime;
using NodaTime.Text;
using Warmte.CashFlow;
using Warmte.Serialization;

namespace Warmte.Client;

/// <summary>
/// <c>warmte cashflow simulate</c>: reads a development plan and simulates its cash flow and stalls on
/// this computer, without the service. An invalid plan is refused with every field path and reason (exit 1).
/// </summary>
internal static class CashFlowCommands
{
    /// <summary>Plan files are a few kilobytes; anything this large is not one.</summary>
    public const long MaxPlanBytes = 10 * 1024 * 1024;

    private static readonly JsonSerializerOptions JsonOptions = new(WarmteJson.Default) { WriteIndented = true };

    private static readonly ArgumentSpec PlanFile = new("plan", "het planbestand (JSON, bijv. models/ketelhuiswg-ontwikkeling.json)");

    public static readonly OptionSpec RegimeOption = new("regime", "regime",
        "Eén regime doorrekenen en de kasstroom per maand tonen: tranches (tranches na verantwoording), "
        + "milestones (voorfinanciering per fase op mijlpalen) of bridge (tranches plus overbruggingslening). "
        + "Zonder --regime: de regimes naast elkaar");
    public static readonly OptionSpec Today = new("today", "MM-JJJJ",
        "De maand waarop de vooruitblik (resterende maanden werk, volgende windstilte) wordt genomen. "
        + "Standaard 'today' uit het plan, anders de startmaand");

    public static readonly CommandSpec Simulate = new(
        "cashflow simulate",
        "Kasstroom en windstiltes van een planbestand, per financieringsregime (zonder de dienst)",
        "Rekent het ontwikkelplan maand voor maand door op deze computer (de dienst is niet nodig): beginsaldo plus "
        + "ontvangen betalingen min uitgaven. Het werk gaat door zolang de kas het dekt boven de buffer; anders valt het "
        + "stil (windstilte) en lopen alleen de vaste kosten door, tot de volgende betaling binnen is. Zonder --regime "
        + "staan de regimes naast elkaar (tranches na verantwoording, voorfinanciering per fase op mijlpalen, en "
        + "tranches met overbruggingslening als het plan die heeft): doorlooptijd, maanden stil, meerkosten, rente en "
        + "piekblootstelling van de financiers, met de windstiltes van het huidige regime. Met --regime de kasstroom "
        + "per maand met de stille maanden gemarkeerd. Een ongeldig plan wordt geweigerd met per veld de reden; het "
        + "planformaat staat in docs/cashflow-plan.md. Het plan dat bij de dienst voor een project is opgeslagen, met de "
        + "doorlooptijden die de financier daar werkelijk haalde: warmte cashflow <project> en warmte regimes <project>.",
        [PlanFile], [RegimeOption, Today],
        [
            "warmte cashflow simulate models/ketelhuiswg-ontwikkeling.json",
            "warmte cashflow simulate models/ketelhuiswg-ontwikkeling.json --regime tranches",
            "warmte cashflow simulate models/ketelhuiswg-ontwikkeling.json --regime bridge --today 2021-06 --json",
        ],
        RunSimulate) { Offline = true };

    private static readonly ArgumentSpec ProjectId = new("project", "de id van het project (bijv. wg-terrein)");

    public static readonly OptionSpec OnlineRegime = new("regime", "regime",
        "Welk regime: tranches (tranches na verantwoording; standaard), milestones (voorfinanciering per fase op "
        + "mijlpalen) of bridge (tranches plus overbruggingslening, als het plan die heeft)");

    public static readonly CommandSpec Save = new(
        "cashflow save",
        "Kasstroomplan van een project bij de dienst vastleggen (bestuur)",
        "Controleert het planbestand op deze computer en legt het daarna bij de dienst vast als het kasstroomplan van "
        + "het project. Daarna rekenen warmte cashflow <project>, warmte regimes <project> en de signalen ermee, met de "
        + "doorlooptijden die de financier bij dit project werkelijk haalde. Het formaat staat in docs/cashflow-plan.md.",
        [ProjectId, new ArgumentSpec("plan", "het planbestand (JSON)")], [],
        ["warmte cashflow save wg-terrein models/ketelhuiswg-ontwikkeling.json"],
        RunSave);

    public static readonly CommandSpec Project = new(
        "cashflow",
        "Kasstroom per maand van een project, volgens de dienst",
        "Rekent het kasstroomplan dat bij de dienst voor het project is opgeslagen maand voor maand door, met de "
        + "doorlooptijden die de financier bij dit project werkelijk haalde (zodra er een tranche van aanvraag tot "
        + "betaling is doorlopen; anders de instelling uit het plan), en toont de kasstroom per maand met de stille "
        + "maanden gemarkeerd, de windstiltes, de mijlpalen en de vooruitblik per vandaag. De regimes naast elkaar: "
        + "warmte regimes <project>. Een planbestand op deze computer doorrekenen, zonder de dienst: "
        + "warmte cashflow simulate <plan>.",
        [ProjectId], [OnlineRegime],
        [
            "warmte cashflow wg-terrein",
            "warmte cashflow wg-terrein --regime bridge",
            "warmte cashflow wg-terrein --regime milestones --json > kasstroom.json",
        ],
        RunProject);

    public static readonly CommandSpec Regimes = new(
        "regimes",
        "Financieringsregimes naast elkaar voor een project, volgens de dienst",
        "Rekent het kasstroomplan dat bij de dienst voor het project is opgeslagen door voor elk regime (tranches na "
        + "verantwoording, voorfinanciering per fase op mijlpalen, en tranches met overbruggingslening als het plan "
        + "die heeft) en zet doorlooptijd, maanden stil, meerkosten, rente en piekblootstelling naast elkaar, met de "
        + "windstiltes en de vooruitblik van het huidige regime. Eén regime per maand: warmte cashflow <project> --regime <regime>.",
        [ProjectId], [],
        ["warmte regimes wg-terrein", "warmte regimes wg-terrein --json"],
        RunRegimes);

    private static async Task<int> RunProject(CommandContext context)
    {
        var project = ProjectArgument(context);
        var regime = ParseRegime(context, OnlineRegime) ?? Regime.Tranches;
        var response = await WithPlanHint(context.Api.GetAsync($"/api/projects/{ApiClient.Segment(project)}/cashflow?regime={regime}"), project);
        using var document = Commands.Parse(response);
        if (context.Json) context.Out.WriteLine(JsonRead.Pretty(document));
        else CashFlowViews.OnlineTimeline(Read<CashFlowResult>(response), await StoredPlanAsync(context, project), project, context.Out);
        return WarmteCli.Ok;
    }

    /// <summary>A 404 here is mostly a project without a saved plan: say how to get one.</summary>
    private static async Task<ApiResponse> WithPlanHint(Task<ApiResponse> call, string project)
    {
        try
        {
            return await call;
        }
        catch (ApiException refused) when (refused.Response.StatusCode == 404)
        {
            throw new ApiException(refused.Response)
            {
                Hint = $"Bestaat project '{project}' en is er een kasstroomplan voor vastgelegd (warmte cashflow save {project} <plan>)? "
                       + "Een planbestand rekent u zonder de dienst door met: warmte cashflow simulate <plan>",
            };
        }
    }

    /// <summary>
    /// The project's saved plan, for what the simulation's answer does not carry (grant, cash buffer, kinds of
    /// work, assumptions). Null when the service does not give it; the output then does without.
    /// </summary>
    private static async Task<StoredPlan?> StoredPlanAsync(CommandContext context, string project)
    {
        ApiResponse response;
        try
        {
            response = await context.Api.GetAsync($"/api/projects/{ApiClient.Segment(project)}/cashflow-plan");
        }
        catch (ApiException refused) when (refused.Response.StatusCode is >= 400 and < 500)
        {
            return null;
        }
        using var document = response.TryParse();
        if (document?.RootElement is not { ValueKind: JsonValueKind.Object } root) return null;
        var plan = root.Prop("plan") is { ValueKind: JsonValueKind.Object } raw && PlanReader.Read(raw.GetRawText()) is { IsOk: true } read
            ? read.Value
            : null;
        return new StoredPlan(plan, root.Str("savedBy"), root.Str("savedAt"));
    }

    private static async Task<int> RunRegimes(CommandContext context)
    {
        var project = ProjectArgument(context);
        var response = await WithPlanHint(context.Api.GetAsync($"/api/projects/{ApiClient.Segment(project)}/regimes"), project);
        using var document = Commands.Parse(response);
        if (context.Json) context.Out.WriteLine(JsonRead.Pretty(document));
        else CashFlowViews.OnlineComparison(Read<RegimeComparison>(response), await StoredPlanAsync(context, project), project, context.Out);
        return WarmteCli.Ok;
    }

    /// <summary>The project id; a file name here most likely meant <c>cashflow simulate</c>.</summary>
    private static string ProjectArgument(CommandContext context)
    {
        var project = context.Argument(0);
        if (project.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || project.Contains('/') || project.Contains('\\'))
            throw new UsageException(
                $"'{Tokens.Shorten(project)}' lijkt een bestand, geen project. Een planbestand rekent u door met: "
                + $"warmte cashflow simulate {Tokens.Shorten(project)}", context.Invocation.Command);
        return project;
    }

    /// <summary>The service's answer as the engine's records, so the offline views show it.</summary>
    private static T Read<T>(ApiResponse response) where T : class
    {
        try
        {
            if (JsonSerializer.Deserialize<T>(response.Body, WarmteJson.Default) is { } value) return value;
        }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
        }
        throw new UnexpectedAnswerException(
            "Het antwoord van de dienst is geen kasstroomberekening die deze versie van warmte kan tonen. "
            + "Met --json ziet u het antwoord zoals het is; werk warmte zo nodig bij.");
    }

    private static Task<int> RunSimulate(CommandContext context)
    {
        var regime = ParseRegime(context);
        var today = ParseToday(context);
        if (Load(context) is not { } plan) return Task.FromResult(WarmteCli.BadInput);
        if (regime == Regime.Bridge && plan.BridgeLoan is null)
            throw new InputException(
                "Het plan heeft geen overbruggingslening (bridgeLoan met size en annualRate); zonder lening valt regime bridge niet door te rekenen.");

        if (regime is { } one)
        {
            var result = CashFlowSimulator.Simulate(plan, one, today);
            if (context.Json) WriteJson(context, result);
            else CashFlowViews.Timeline(plan, result, context.Argument(0), context.Out);
            return Task.FromResult(WarmteCli.Ok);
        }

        var comparison = CashFlowSimulator.Compare(plan, today);
        if (context.Json)
            WriteJson(context, new
            {
                name = plan.Name,
                leadTimes = plan.LeadTimes,
                // The months are left out here: --regime gives one regime's timeline.
                regimes = comparison.Results.Select(r => new { regime = r.Regime, summary = r.Summary, stalls = r.Stalls, milestones = r.Milestones, outlook = r.Outlook }),
                assumptions = plan.Assumptions,
            });
        else CashFlowViews.Comparison(plan, comparison, context.Argument(0), context.Out);
        return Task.FromResult(WarmteCli.Ok);
    }

    /// <summary>The regime named by --regime (tranches, milestones, bridge or 1, 2, 3); null when not given.</summary>
    internal static Regime? ParseRegime(CommandContext context, OptionSpec? option = null)
    {
        if (context.Option(option ?? RegimeOption) is not { } text) return null;
        return text.Trim().ToLowerInvariant() switch
        {
            "tranches" or "1" => Regime.Tranches,
            "milestones" or "2" => Regime.Milestones,
            "bridge" or "3" => Regime.Bridge,
            _ => throw new UsageException(
                $"'{Tokens.Shorten(text)}' is geen regime voor --regime; kies tranches, milestones of bridge.", context.Invocation.Command),
        };
    }

    private static YearMonth? ParseToday(CommandContext context) => context.MonthOption(Today);

    /// <summary>
    /// Reads and validates the plan file named by the first argument. Null (after explaining why on stderr)
    /// when the plan is refused; an <see cref="InputException"/> when the file cannot be read.
    /// </summary>
    private static CashFlowPlan? Load(CommandContext context) => Load(context, context.Argument(0), out _);

    /// <summary>As above for the file at <paramref name="path"/>; <paramref name="text"/> is what the file holds.</summary>
    private static CashFlowPlan? Load(CommandContext context, string path, out string text)
    {
        text = ReadFile(path);
        var outcome = PlanReader.Read(text);
        if (outcome.IsOk) return outcome.Value!;

        var errors = outcome.Refusal!.Errors;
        if (context.Json) WriteJson(context, new { title = "Het plan is niet geldig.", file = path, errors });
        context.Err.WriteLine($"Het plan in '{Tokens.Shorten(path)}' is niet geldig ({Nl.Count(errors.Length, "probleem", "problemen")}):");
        foreach (var error in errors) context.Err.WriteLine($"  {error.Field}: {error.Reason}");
        context.Err.WriteLine("Het planformaat staat beschreven in docs/cashflow-plan.md.");
        return null;
    }

    private static async Task<int> RunSave(CommandContext context)
    {
        var project = context.Argument(0);
        var path = context.Argument(1);
        // Checked here first, so a broken file is explained without a round trip; the service checks again.
        if (Load(context, path, out var text) is null) return WarmteCli.BadInput;
        // The file may hold comments; the API takes plain JSON.
        using var file = System.Text.Json.JsonDocument.Parse(text, new System.Text.Json.JsonDocumentOptions
        {
            CommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true,
        });
        var body = "{\"plan\":" + System.Text.Json.JsonSerializer.Serialize(file.RootElement) + "}";
        var response = await context.Api.SendAsync(HttpMethod.Put, $"/api/projects/{ApiClient.Segment(project)}/cashflow-plan", body, CancellationToken.None);
        using var document = Commands.Parse(response);
        if (context.Json) { context.Out.WriteLine(JsonRead.Pretty(document)); return WarmteCli.Ok; }
        context.Out.WriteLine($"Kasstroomplan '{document.RootElement.Str("name")}' vastgelegd voor {project}.");
        // Budgets or costs above the grant are allowed; the difference is money still to find (tester T10).
        foreach (var note in document.RootElement.Items("moneyToFindNotes"))
            foreach (var (line, i) in Help.Wrap("Nog te vinden: " + note.GetString(), 96).Select((l, i) => (l, i)))
                context.Out.WriteLine((i == 0 ? "" : "  ") + line);
        // What does not fit the project (tester9a T4): saved all the same, said before the next step.
        foreach (var warning in document.RootElement.Items("warnings"))
            foreach (var (line, i) in Help.Wrap("Let op: " + warning.GetString(), 96).Select((l, i) => (l, i)))
                context.Out.WriteLine((i == 0 ? "" : "  ") + line);
        context.Out.WriteLine($"Bekijk het met: warmte cashflow {project}  of  warmte regimes {project}");
        return WarmteCli.Ok;
    }

    private static string ReadFile(string path)
    {
        var shown = Tokens.Shorten(path);
        try
        {
            if (Directory.Exists(path))
                throw new InputException($"'{shown}' is een map, geen planbestand. Geef het pad van een JSON-bestand, bijv. models/ketelhuiswg-ontwikkeling.json.");
            var file = new FileInfo(path);
            if (!file.Exists)
                throw new InputException($"Planbestand '{shown}' bestaat niet (gezocht vanuit {Environment.CurrentDirectory}).");
            if (file.Length > MaxPlanBytes)
                throw new InputException($"'{shown}' is te groot voor een planbestand (meer dan {Nl.Number(MaxPlanBytes / 1024 / 1024)} MB).");
            return File.ReadAllText(path);
        }
        catch (UnauthorizedAccessException)
        {
            throw new InputException($"Geen toegang tot planbestand '{shown}': u mag het niet lezen.");
        }
        catch (Exception e) when (e is IOException or ArgumentException or NotSupportedException)
        {
            throw new InputException($"Kan planbestand '{shown}' niet lezen: {e.Message}");
        }
    }

    private static void WriteJson<T>(CommandContext context, T value) =>
        context.Out.WriteLine(JsonSerializer.Serialize(value, JsonOptions));

    /// <summary>The Dutch name of a regime, as funders say it.</summary>
    public static string RegimeName(Regime regime) => regime switch
    {
        Regime.Tranches => "Tranches na verantwoording",
        Regime.Milestones => "Voorfinanciering per fase (mijlpalen)",
        Regime.Bridge => "Tranches + overbruggingslening",
        _ => regime.ToString(),
    };
}
