using System.Text.Json;
using NodaTime.Text;
using Warmte.CashFlow;
using Warmte.Serialization;

namespace Warmte.Client;

/// <summary>
/// The board reports how far the work programme is; with the booked spending and the tranches that
/// makes one cash line: actual up to today, projected after it from where the project really is.
/// </summary>
internal static class ProgressCommands
{
    private static readonly ArgumentSpec Project = new("project", "de id van het project (bijv. wg-terrein)");

    private static readonly OptionSpec Month = new("month", "MM-JJJJ", "De maand waarvan dit de stand is, aan het eind (standaard deze maand)");
    private static readonly OptionSpec Done = new("work-months-done", "aantal",
        "Werkmaanden van het kasstroomplan die aan het eind van die maand gedaan zijn (verplicht; 0 t/m de lengte van het plan)");
    private static readonly OptionSpec Stalled = new("stalled", null, "Het werk lag in die maand stil (de herstart kost dan de herstartkosten van het plan)");

    private static readonly OptionSpec Regime = new("regime", "regime",
        "tranches (standaard: tranches na verantwoording) of bridge (met de overbruggingslening van het plan)");

    public static readonly CommandSpec Report = new(
        "progress report",
        "Voortgang van het werkplan melden (bestuur)",
        "Meldt hoeveel werkmaanden van het kasstroomplan aan het eind van een maand gedaan zijn. Daarvan gaat de projectie in "
        + "warmte cash-timeline uit; zonder melding schat de dienst de voortgang uit de geboekte uitgaven. Gedaan werk gaat "
        + "niet terug: een melding lager dan die van een eerdere maand wordt geweigerd; een nieuwe melding voor dezelfde maand vervangt de oude.",
        [Project], [Month, Done, Stalled],
        [
            "warmte progress report wg-terrein --month 2026-10 --work-months-done 14",
            "warmte progress report wg-terrein --work-months-done 14 --stalled",
        ],
        RunReport);

    public static readonly CommandSpec List = new(
        "progress list",
        "De voortgangsmeldingen van een project",
        "Toont per maand de gemelde werkmaanden, of het werk stillag, wie het meldde en wanneer.",
        [Project], [],
        ["warmte progress list wg-terrein"],
        RunList);

    private static readonly OptionSpec From = new("from", "MM-JJJJ", "Toon de maanden vanaf deze maand (standaard alle maanden sinds het begin van het plan)");
    private static readonly OptionSpec Months = new("months", "aantal", "Toon ten hoogste zoveel maanden (vanaf --from, of vanaf het begin)");

    public static readonly CommandSpec Timeline = new(
        "cash-timeline",
        "Eén kaslijn: werkelijk tot vandaag, daarna verwacht vanaf de werkelijke stand",
        "Toont de werkelijke kaspositie per maand tot vandaag (uitbetaalde tranches, geboekte uitgaven) en daarna de "
        + "projectie vanaf de werkelijke stand: het saldo nu, de gedane werkmaanden (gemeld of geschat), de tranches die "
        + "onderweg zijn met de doorlooptijd die de financier bij dit project haalde, en de volgende tranches zoals het plan "
        + "ze aanvraagt. Windstiltes in de projectie zijn gemarkeerd; de vooruitblik zegt wanneer het geld er moet zijn.",
        [Project], [Regime, From, Months],
        [
            "warmte cash-timeline wg-terrein", "warmte cash-timeline wg-terrein --from 2026-06 --months 12",
            "warmte cash-timeline wg-terrein --regime bridge", "warmte cash-timeline wg-terrein --json",
        ],
        RunTimeline);

    private static async Task<int> RunReport(CommandContext context)
    {
        var command = context.Invocation.Command;
        var project = context.Argument(0);
        var month = context.MonthOption(Month) ?? context.Today().ToYearMonth();
        var doneText = Commands.Required(context, Done);
        if (!int.TryParse(doneText.Trim(), out var done))
            throw new UsageException($"--work-months-done '{Tokens.Shorten(doneText)}' is geen heel aantal werkmaanden.", command);
        var body = JsonSerializer.Serialize(new { month = YearMonthPattern.Iso.Format(month), workMonthsDone = done, stalled = context.Invocation.Flag(Stalled) });
        using var document = Commands.Parse(await context.Api.SendAsync(HttpMethod.Put, $"/api/projects/{ApiClient.Segment(project)}/progress", body, default));
        if (context.Json) { context.Out.WriteLine(JsonRead.Pretty(document)); return WarmteCli.Ok; }
        var r = document.RootElement;
        context.Out.WriteLine($"Voortgang van {project} per eind {r.Str("month")}: {Nl.Count(r.Int("workMonthsDone") ?? 0, "werkmaand", "werkmaanden")} gedaan"
                              + (r.Bool("stalled") == true ? "; het werk lag stil." : "."));
        return WarmteCli.Ok;
    }

    private static async Task<int> RunList(CommandContext context)
    {
        var project = context.Argument(0);
        using var document = Commands.Parse(await context.Api.GetAsync($"/api/projects/{ApiClient.Segment(project)}/progress"));
        if (context.Json) { context.Out.WriteLine(JsonRead.Pretty(document)); return WarmteCli.Ok; }
        var table = new TextTable("Maand", "Werkmaanden gedaan", "Stil", "Gemeld door").AlignRight(1);
        foreach (var r in document.RootElement.EnumerateArray())
            table.Add(r.Str("month"), Nl.Number(r.Int("workMonthsDone")), r.Bool("stalled") == true ? "ja" : "nee", r.Str("reportedBy"));
        context.Out.WriteLine($"Voortgangsmeldingen van {project}");
        table.WriteTo(context.Out, "  ");
        return WarmteCli.Ok;
    }

    private static async Task<int> RunTimeline(CommandContext context)
    {
        var project = context.Argument(0);
        var regime = CashFlowCommands.ParseRegime(context, Regime) ?? CashFlow.Regime.Tranches;
        var window = ParseWindow(context);
        if (regime == CashFlow.Regime.Milestones)
            throw new UsageException("Vanaf de werkelijke stand rekenen tranches en bridge; voorfinanciering per fase vergelijkt u met warmte regimes.",
                context.Invocation.Command);
        var response = await context.Api.GetAsync($"/api/projects/{ApiClient.Segment(project)}/cash-timeline?regime={regime}");
        using var document = Commands.Parse(response);
        if (context.Json) { context.Out.WriteLine(JsonRead.Pretty(document)); return WarmteCli.Ok; }
        var timeline = JsonSerializer.Deserialize<CashTimeline>(response.Body, WarmteJson.Default)
                       ?? throw new UnexpectedAnswerException("Het antwoord van de dienst is geen kaslijn; met --json ziet u het zoals het is.");
        CashFlowViews.CashTimeline(timeline, project, context.Out, window);
        return WarmteCli.Ok;
    }

    /// <summary>--from and --months: which rows of the table to show (the JSON answer is always whole).</summary>
    private static CashFlowViews.MonthWindow ParseWindow(CommandContext context)
    {
        var command = context.Invocation.Command;
        var from = context.MonthOption(From);
        int? months = null;
        if (context.Option(Months) is { } count)
        {
            if (!int.TryParse(count.Trim(), out var n) || n < 1)
                throw new UsageException($"--months '{Tokens.Shorten(count)}' is geen aantal maanden van 1 of meer.", command);
            months = n;
        }
        return new CashFlowViews.MonthWindow(from, months);
    }
}
