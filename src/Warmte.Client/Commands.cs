using System.Text.Json;
using NodaTime;
using NodaTime.Text;

namespace Warmte.Client;

/// <summary>A positional argument, e.g. the id in <c>warmte project show &lt;id&gt;</c>.</summary>
internal sealed record ArgumentSpec(string Name, string Description)
{
    /// <summary>Values the shell offers on Tab (completion); any other value is still accepted unless the command refuses it.</summary>
    public IReadOnlyList<string> Suggestions { get; init; } = [];
}

/// <summary>One command: its words, arguments, options, help text and what it does.</summary>
internal sealed record CommandSpec(
    string Name,
    string Summary,
    string Description,
    IReadOnlyList<ArgumentSpec> Arguments,
    IReadOnlyList<OptionSpec> Options,
    IReadOnlyList<string> Examples,
    Func<CommandContext, Task<int>> Run)
{
    public IReadOnlyList<string> Words { get; } = Name.Split(' ');

    /// <summary>Runs on this computer without the service: no address, token or network.</summary>
    public bool Offline { get; init; }

    public string Usage =>
        "warmte " + Name + string.Concat(Arguments.Select(a => $" <{a.Name}>")) + " [opties]";
}

/// <summary>Bad input the CLI found itself after parsing (e.g. no next phase). Exit code 1, no usage text.</summary>
internal sealed class InputException(string message) : Exception(message);

/// <summary>Everything a running command needs.</summary>
internal sealed class CommandContext(
    Invocation invocation, ApiClient? api, TextWriter stdout, TextWriter stderr, Func<LocalDate> today)
{
    public Invocation Invocation { get; } = invocation;

    /// <summary>The service; offline commands have none.</summary>
    public ApiClient Api => api ?? throw new InvalidOperationException($"'warmte {Invocation.Command.Name}' works without the service.");

    public TextWriter Out { get; } = stdout;
    public TextWriter Err { get; } = stderr;
    public Func<LocalDate> Today { get; } = today;

    public bool Json => Invocation.Flag(GlobalOptions.Json);

    public string Argument(int index) => Invocation.Arguments[index].Trim();

    public string? Option(OptionSpec option) => Invocation.Option(option);

    /// <summary>
    /// An option that names a month, in every form the tool itself prints or the budget import reads: 12-2026,
    /// 3-2026, 2026-12, dec 2026, december 2026 (years 1900–2200); null when not given, a usage error naming the
    /// option and the accepted forms when it is no month. Uses the import's month parser, so both agree.
    /// </summary>
    public NodaTime.YearMonth? MonthOption(OptionSpec option)
    {
        if (Option(option) is not { } text) return null;
        var (parsed, _) = string.IsNullOrWhiteSpace(text) ? (null, null) : Warmte.Spreadsheets.Import.Cells.Month(text.Trim());
        if (parsed is { Year: >= 1900 and <= 2200 } month) return month;
        throw new UsageException(
            $"'{Tokens.Shorten(text)}' is geen maand voor --{option.Name}; schrijf bijv. 12-2026, 2026-12 of dec 2026.", Invocation.Command);
    }

    /// <summary>
    /// Set by a write that may be retried: how to retry it safely (e.g. with the same idempotency key).
    /// Shown after a failure whose outcome is unknown: no answer, a time-out or a 5xx.
    /// </summary>
    public string? RetryNote { get; set; }

    public Task<int> Run() => Invocation.Command.Run(this);
}

/// <summary>The commands of <c>warmte</c>.</summary>
internal static class Commands
{
    public static readonly OptionSpec To = new("to", "fase",
        "Fase waarheen het besluit gaat: de volgende fase (go), één fase terug (no-go) of Gestopt. "
        + "Zonder --to: de volgende fase (Initiatief → Haalbaarheid → Ontwikkeling → Realisatie → Beheer)")
    {
        Suggestions = ["Initiatief", "Haalbaarheid", "Ontwikkeling", "Realisatie", "Beheer", "Gestopt"],
    };
    public static readonly OptionSpec Date = new("date", "JJJJ-MM-DD",
        "Datum van het besluit (standaard vandaag; 14-12-2024 mag ook)");
    public static readonly OptionSpec By = new("by", "wie",
        "Wie besloot, bijv. \"ALV\" of \"Stuurgroep\" (verplicht)");
    public static readonly OptionSpec Rationale = new("rationale", "waarom",
        "Motivering van het besluit (verplicht)");

    /// <summary>The working phases in order; a project without --to moves to the one after its current phase.</summary>
    public static readonly IReadOnlyList<string> PhaseOrder = ["Initiatief", "Haalbaarheid", "Ontwikkeling", "Realisatie", "Beheer"];

    private static readonly ArgumentSpec CooperativeId = new("id", "de id van de coöperatie (bijv. ketelhuiswg)");
    private static readonly ArgumentSpec ProjectId = new("id", "de id van het project (bijv. wg-terrein)");

    public static readonly CommandSpec Status = new(
        "status",
        "Toestand van de dienst en wie u bent",
        "Toont versie, opslag, aantal actieve silo's, de datum volgens de dienst, met welk token u bent aangemeld "
        + "en hoeveel coöperaties en koepels er zijn. Handig om adres en token te controleren.",
        [], [],
        ["warmte status --url https://warmtenet.example.nl"],
        RunStatus);

    public static readonly CommandSpec CooperativeList = new(
        "cooperative list",
        "Alle coöperaties met hun projecten",
        "Toont per coöperatie de soort, gemeente, oprichtingsdatum, het aantal projecten, "
        + "de woningequivalenten en de fasen van haar projecten.",
        [], [],
        ["warmte cooperative list", "warmte cooperative list --json > cooperaties.json"],
        RunCooperativeList);

    public static readonly CommandSpec CooperativeShow = new(
        "cooperative show",
        "Eén coöperatie met haar projecten",
        "Toont de gegevens van één coöperatie en per project de fase, hoe lang het daar al staat "
        + "en de eerste voorwaarde van de volgende poort die nog open staat.",
        [CooperativeId], [],
        ["warmte cooperative show ketelhuiswg"],
        RunCooperativeShow);

    private static readonly OptionSpec FoundedOn = new("founded", "JJJJ-MM-DD",
        "Oprichtingsdatum; niet na de toetreding van het eerste lid in het ledenregister");
    private static readonly OptionSpec StatutoryName = new("name", "naam", "Statutaire naam");
    private static readonly OptionSpec Municipality = new("municipality", "gemeente", "Gemeente");

    public static readonly CommandSpec CooperativeUpdate = new(
        "cooperative update",
        "Gegevens van een coöperatie wijzigen: naam, gemeente, oprichtingsdatum (bestuur)",
        "Wijzigt alleen wat u opgeeft. Een oprichtingsdatum na de toetredingsdatum van een lid dat al in het ledenregister "
        + "staat wordt geweigerd (niemand is lid vóór de oprichting): de melding noemt dat lid en zijn toetredingsdatum.",
        [CooperativeId], [FoundedOn, StatutoryName, Municipality],
        ["warmte cooperative update ketelhuiswg --founded 2019-12-18"],
        RunCooperativeUpdate);

    public static readonly CommandSpec ProjectShow = new(
        "project show",
        "Fase, fasehistorie, poortchecklist en mijlpalen van een project",
        "Toont het project: fase en sinds wanneer, de fasebesluiten (datum, van → naar, door wie, waarom), "
        + "de checklist van de volgende poort (✔ vervuld / ✘ open, met bewijs) en de mijlpalen met hun uitloop.",
        [ProjectId], [],
        ["warmte project show wg-terrein"],
        RunProjectShow);

    public static readonly CommandSpec ProjectAdvance = new(
        "project advance",
        "Poortbesluit vastleggen: project naar de volgende fase",
        "Legt een poortbesluit vast. Een go naar de volgende fase lukt alleen als alle voorwaarden van de poort "
        + "vervuld zijn; anders toont de dienst welke nog open staan. Zonder --to gaat het project naar de fase "
        + "na de huidige; zonder --date geldt vandaag.",
        [ProjectId], [To, Date, By, Rationale],
        [
            "warmte project advance wg-terrein --to Realisatie --date 2024-12-14 --by \"ALV\" --rationale \"Realisatiebesluit met 96% van de stemmen\"",
            "warmte project advance zonnedak-sporthal --by \"Bestuur\" --rationale \"Haalbaarheid aangetoond\"",
        ],
        RunProjectAdvance);

    public static readonly IReadOnlyList<CommandSpec> All =
    [
        Status, CooperativeList, CooperativeShow, BoardCommands.CooperativeCreate, CooperativeUpdate, BoardCommands.ProjectCreate, ProjectShow,
        BoardCommands.ProjectDeliverable, ProjectAdvance, UmbrellaCommands.Show, GrantCommands.ProjectAlerts,
        GrantCommands.GrantList, GrantCommands.GrantShow, GrantCreateCommand.Create,
        GrantCommands.TrancheRequest, GrantCommands.TrancheAccount, GrantCommands.TrancheApprove,
        GrantCommands.TrancheReject, GrantCommands.TranchePay,
        GrantCommands.Portfolio, CashFlowCommands.Project, CashFlowCommands.Regimes,
        CashFlowCommands.Save, SpendingCommands.Book, SpendingCommands.Correct, SpendingCommands.List, SpendingCommands.Position,
        ProgressCommands.Report, ProgressCommands.List, ProgressCommands.Timeline,
        BusinessCaseCommands.ModelEvaluate, BusinessCaseCommands.ModelStress, BusinessCaseCommands.ModelMonteCarlo,
        BusinessCaseCommands.LoanSimulate, CashFlowCommands.Simulate,
        BusinessCaseVersionCommands.List, BusinessCaseVersionCommands.Show, BusinessCaseVersionCommands.Save,
        BusinessCaseVersionCommands.LoanGridCommand, BusinessCaseVersionCommands.MonteCarloCommand,
        DecisionCommands.Members, BoardCommands.AlvStatutes, DecisionCommands.AlvCreate, DecisionCommands.AlvUpdate, DecisionCommands.AlvDelete,
        DecisionCommands.AlvProposalAdd, DecisionCommands.AlvShow, DecisionCommands.AlvAttendance, DecisionCommands.AlvVote, DecisionCommands.AlvClose,
        OnlineVotingCommands.Open, OnlineVotingCommands.Codes, OnlineVotingCommands.Close,
        DecisionCommands.Consent, BoardCommands.ConsentComplex, DecisionCommands.Gates, BoardCommands.Wcw, BoardCommands.WcwSet,
        ImportCommands.Members, ImportCommands.Ballots, ImportCommands.Consent, ImportFinanceCommands.Budget, ImportFinanceCommands.Tranches, ImportCommands.Template,
        ExportCommands.Apec, ExportCommands.ProjectExport, ExportCommands.Portfolio, ExportCommands.Members, ExportCommands.Consent,
        AuditCommands.Refusals, CompletionCommand.Completion,
        PrivacyCommands.Show, PrivacyCommands.Set, PrivacyCommands.Run, PrivacyCommands.Erase, PrivacyCommands.Export,
        PrivacyCommands.MemberLeave, PrivacyCommands.MemberRejoin,
    ];

    /// <summary>First words that only group subcommands ("cooperative", "project").</summary>
    public static IReadOnlySet<string> Groups { get; } =
        All.Where(c => c.Words.Count > 1).Select(c => c.Words[0]).ToHashSet(StringComparer.Ordinal);

    public static IEnumerable<string> TopWords => All.Select(c => c.Words[0]).Distinct();

    /// <summary>
    /// The commands under <paramref name="group"/> at any depth: "alv" gives "alv show" and "alv online open",
    /// "alv online" gives "alv online open/codes/close" (a group is one or more words).
    /// </summary>
    public static IEnumerable<CommandSpec> InGroup(string group)
    {
        var words = group.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return All.Where(c => c.Words.Count > words.Length && c.Words.Take(words.Length).SequenceEqual(words, StringComparer.Ordinal));
    }

    private static Task<int> RunStatus(CommandContext context) =>
        ShowAsync(context, "/api/status", (root, output) => Views.Status(root, context.Api.BaseUrl, output));

    private static Task<int> RunCooperativeList(CommandContext context) =>
        ShowAsync(context, "/api/cooperatives", Views.CooperativeList);

    private static Task<int> RunCooperativeShow(CommandContext context) =>
        ShowAsync(context, "/api/cooperatives/" + ApiClient.Segment(context.Argument(0)), Views.Cooperative);

    private static async Task<int> RunCooperativeUpdate(CommandContext context)
    {
        var command = context.Invocation.Command;
        var founded = ParseDate(context.Option(FoundedOn), FoundedOn, command);
        if (founded is null && context.Option(StatutoryName) is null && context.Option(Municipality) is null)
            throw new UsageException("Geef op wat er verandert: --founded, --name of --municipality.", command);
        var body = JsonSerializer.Serialize(new
        {
            foundedOn = founded is { } f ? LocalDatePattern.Iso.Format(f) : null,
            statutoryName = context.Option(StatutoryName),
            municipality = context.Option(Municipality),
        });
        ApiResponse answer;
        try
        {
            answer = await context.Api.SendAsync(HttpMethod.Patch, "/api/cooperatives/" + ApiClient.Segment(context.Argument(0)), body, CancellationToken.None);
        }
        catch (ApiException refused) when (refused.Response.StatusCode == 400)
        {
            throw new ApiException(refused.Response) { Hint = FieldOptionHint(refused.Response, CooperativeUpdateOptions) };
        }
        using var document = Parse(answer);
        if (context.Json) context.Out.WriteLine(JsonRead.Pretty(document));
        else Views.Cooperative(document.RootElement, context.Out);
        return WarmteCli.Ok;
    }

    private static readonly Dictionary<string, string> CooperativeUpdateOptions = new()
    {
        ["foundedOn"] = "--founded", ["statutoryName"] = "--name", ["municipality"] = "--municipality",
    };

    /// <summary>
    /// The service names API fields (statutoryName, proposals[0].decisionType); says which option of this command each
    /// one is, for the fields the command gave (tester finding F12, tester5 T10b): "In deze opdracht: statutoryName is --name."
    /// </summary>
    internal static string? FieldOptionHint(ApiResponse response, IReadOnlyDictionary<string, string> options)
    {
        using var problem = response.TryParse();
        if (problem?.RootElement.Prop("errors") is not { ValueKind: JsonValueKind.Object } errors) return null;
        var named = errors.EnumerateObject().Select(e => e.Name).Where(options.ContainsKey).Distinct()
            .Select(name => $"{name} is {options[name]}").ToList();
        return named.Count == 0 ? null : $"In deze opdracht: {string.Join(", ", named)}.";
    }

    private static Task<int> RunProjectShow(CommandContext context) =>
        ShowAsync(context, "/api/projects/" + ApiClient.Segment(context.Argument(0)), Views.Project);

    internal static async Task<int> ShowAsync(CommandContext context, string path, Action<JsonElement, TextWriter> view)
    {
        var response = await context.Api.GetAsync(path);
        using var document = Parse(response);
        if (context.Json) context.Out.WriteLine(JsonRead.Pretty(document));
        else view(document.RootElement, context.Out);
        return 0;
    }

    private static async Task<int> RunProjectAdvance(CommandContext context)
    {
        var id = context.Argument(0);
        var decidedBy = Required(context, By);
        var rationale = Required(context, Rationale);
        var decidedOn = ParseDate(context.Option(Date)) ?? context.Today();
        var to = context.Option(To)?.Trim();
        if (to is { Length: 0 })
            throw new UsageException("Optie --to mag niet leeg zijn; laat haar weg voor de volgende fase.", ProjectAdvance);

        var path = "/api/projects/" + ApiClient.Segment(id);
        if (to is null)
        {
            using var current = Parse(await context.Api.GetAsync(path));
            var phase = current.RootElement.Str("phase");
            to = NextPhase(phase) ?? throw new InputException(
                $"Project '{id}' staat in fase {phase ?? "onbekend"}; daarna komt geen fase meer. "
                + "Geef met --to op waarheen het besluit gaat (bijv. --to Gestopt).");
        }

        var body = JsonSerializer.Serialize(new
        {
            to,
            decidedOn = LocalDatePattern.Iso.Format(decidedOn),
            decidedBy,
            rationale,
        });
        ApiResponse response;
        try
        {
            response = await context.Api.PostJsonAsync(path + "/transitions", body);
        }
        catch (ApiException refused) when (refused.Response.StatusCode is 400 or 409)
        {
            throw new ApiException(refused.Response) { Hint = AdvanceHint(refused.Response, id) };
        }
        using var document = Parse(response);
        if (context.Json) context.Out.WriteLine(JsonRead.Pretty(document));
        else Views.Advanced(document.RootElement, context.Out);
        return 0;
    }

    /// <summary>What to do after a refused gate decision: read the checklist, or which option a field error is about.</summary>
    private static string? AdvanceHint(ApiResponse response, string id)
    {
        if (response.StatusCode == 400)
            return "De velden horen bij deze opties: to = --to, decidedOn = --date, decidedBy = --by, rationale = --rationale.";
        using var problem = response.TryParse();
        if (problem?.RootElement.Str("code") != "gate-conditions-unmet") return null;
        // The documents still missing, each with the command that records it (the key is typed there, so it is shown there).
        var keys = problem.RootElement.Prop("errors") is { ValueKind: JsonValueKind.Object } errors
            ? errors.EnumerateObject().Select(e => e.Name).Where(n => n.StartsWith(WarmteCli.ConditionPrefix, StringComparison.Ordinal))
                .Select(n => n[WarmteCli.ConditionPrefix.Length..]).Where(k => Warmte.Gates.GateRules.FindDeliverable(k) is not null).ToList()
            : [];
        var lines = keys.Select(k => $"  warmte project deliverable {id} {k} --on JJJJ-MM-DD").ToList();
        return (lines.Count == 0 ? "" : "Leg de ontbrekende stukken vast met:" + Environment.NewLine + string.Join(Environment.NewLine, lines) + Environment.NewLine)
               + $"De poortchecklist: warmte project show {id}";
    }

    /// <summary>The phase after <paramref name="phase"/>; null after Beheer, for Gestopt and for unknown text.</summary>
    public static string? NextPhase(string? phase)
    {
        var index = PhaseOrder.ToList().FindIndex(p => string.Equals(p, phase?.Trim(), StringComparison.OrdinalIgnoreCase));
        return index >= 0 && index + 1 < PhaseOrder.Count ? PhaseOrder[index + 1] : null;
    }

    /// <summary>
    /// A date option in every form the tool prints or the imports read (tester T8.6): 1-3-2024, 01-03-2024 (as every view
    /// prints it), 2024-03-01; also 1/3/2024 and 1.3.2024. One parser for every CLI date option, the imports' own
    /// (<see cref="Warmte.Spreadsheets.Import.Cells.Date"/>), as <see cref="CommandContext.MonthOption"/> does for months;
    /// four-digit years (the service judges how far back or ahead). Null when not given. A bad date is a usage error of <paramref name="command"/> (default: project
    /// advance) naming <paramref name="option"/> (default: --date) and the accepted forms.
    /// </summary>
    public static LocalDate? ParseDate(string? text, OptionSpec? option = null, CommandSpec? command = null)
    {
        if (text is null) return null;
        var (parsed, _) = string.IsNullOrWhiteSpace(text) ? (null, null) : Warmte.Spreadsheets.Import.Cells.Date(text.Trim());
        if (parsed is { Year: >= 1000 } date) return date; // a two-digit year (1-3-24) is a typo, not the year 24
        throw new UsageException(
            $"'{Tokens.Shorten(text)}' is geen geldige datum voor --{(option ?? Date).Name}; schrijf DD-MM-JJJJ of JJJJ-MM-DD, bijv. 1-3-2024, 01-03-2024 of 2024-03-01.",
            command ?? ProjectAdvance);
    }

    internal static string Required(CommandContext context, OptionSpec option)
    {
        var value = context.Option(option);
        if (string.IsNullOrWhiteSpace(value))
            throw new UsageException($"Optie --{option.Name} is verplicht: {option.Description.Replace(" (verplicht)", "", StringComparison.Ordinal)}.",
                context.Invocation.Command);
        return value.Trim();
    }

    /// <summary>The body of a 2xx answer as JSON; anything else means the address is not this service.</summary>
    internal static JsonDocument Parse(ApiResponse response) =>
        response.TryParse() ?? throw new UnexpectedAnswerException(
            $"De dienst gaf HTTP {response.StatusCode} maar geen geldige JSON"
            + (response.MediaType is { } type ? $" ({type})" : "") + ". Is dit wel het adres van de Warmtenet-dienst?");
}
