using System.Text.Json;
using NodaTime;
using NodaTime.Text;

namespace Warmte.Client;

/// <summary>
/// The board books money actually spent per month; everyone can read the actual cash position it
/// makes together with the tranches paid. Bookings carry an idempotency key like tranche steps.
/// </summary>
internal static class SpendingCommands
{
    private static readonly ArgumentSpec Project = new("project", "de id van het project (bijv. wg-terrein)");

    private static readonly OptionSpec Month = new("month", "MM-JJJJ", "De maand van de uitgaven (standaard deze maand; niet in de toekomst)");
    private static readonly OptionSpec Kind = new("kind", "soort",
        "Soort werk (verplicht): ontwerp, businesscase, contracten, communicatie, organisatie of adviseurs");
    private static readonly OptionSpec Amount = new("amount", "bedrag",
        "Besteed bedrag in euro's (verplicht): 85000, 85.000,00 of 85000.00; iets dubbelzinnigs als 85.000 wordt geweigerd");
    private static readonly OptionSpec Note = new("note", "tekst", "Toelichting, bijv. de factuur of leverancier");

    public static readonly CommandSpec Book = new(
        "spending book",
        "Werkelijke uitgaven van een maand boeken (bestuur)",
        "Boekt wat het project in een maand werkelijk heeft uitgegeven aan een soort werk. Samen met de uitbetaalde "
        + "tranches vormt dat de werkelijke kaspositie (warmte cash-position). De boeking gaat met een "
        + "idempotentiesleutel naar de dienst: dezelfde opdracht met dezelfde --idempotency-key boekt één keer.",
        [Project], [Month, Kind, Amount, Note, GrantCommands.IdempotencyKey],
        [
            "warmte spending book wg-terrein --month 2026-10 --kind ontwerp --amount 85.000,00 --note \"Ontwerpbureau, factuur 2026-118\"",
            "warmte spending book wg-terrein --kind organisatie --amount 12500",
        ],
        RunBook);

    public static readonly CommandSpec List = new(
        "spending list",
        "Geboekte uitgaven van een project",
        "Toont alle geboekte uitgaven: maand, soort werk, bedrag, toelichting, wie en wanneer.",
        [Project], [],
        ["warmte spending list wg-terrein"],
        RunList);

    public static readonly CommandSpec Position = new(
        "cash-position",
        "Werkelijke kaspositie per maand tot vandaag",
        "Toont per maand het beginsaldo, de ontvangen tranches, de geboekte uitgaven en het eindsaldo, vanaf de start "
        + "van het kasstroomplan (of de eerste geldbeweging) tot deze maand. De projectie vooruit staat in warmte cashflow.",
        [Project], [],
        ["warmte cash-position wg-terrein", "warmte cash-position wg-terrein --json"],
        RunPosition);

    private static async Task<int> RunBook(CommandContext context)
    {
        var command = context.Invocation.Command;
        var project = context.Argument(0);
        var today = context.Today();
        var month = context.MonthOption(Month) ?? today.ToYearMonth();
        var body = new Dictionary<string, object?>
        {
            ["month"] = YearMonthPattern.Iso.Format(month),
            ["kind"] = Commands.Required(context, Kind),
            ["amount"] = Amounts.Parse(Commands.Required(context, Amount), Amount, command),
            ["note"] = context.Option(Note),
        };
        var key = GrantCommands.Key(context.Option(GrantCommands.IdempotencyKey), command);
        var response = await context.Api.PostJsonAsync($"/api/projects/{ApiClient.Segment(project)}/spending", JsonSerializer.Serialize(body),
            new Dictionary<string, string> { [GrantCommands.IdempotencyHeader] = key });
        using var document = Commands.Parse(response);
        if (context.Json)
        {
            context.Out.WriteLine(JsonRead.Pretty(document));
            context.Err.WriteLine($"Idempotentiesleutel: {key}");
            return WarmteCli.Ok;
        }
        var booked = document.RootElement;
        context.Out.WriteLine($"Geboekt voor {project}: {Nl.Money(booked.Dec("amount") ?? 0m)} {KindName(booked.Str("kind"))} in {MonthName(booked.Str("month"))}.");
        context.Out.WriteLine($"Idempotentiesleutel: {key} (dezelfde opdracht met --idempotency-key {key} boekt niet dubbel)");
        return WarmteCli.Ok;
    }

    private static async Task<int> RunList(CommandContext context)
    {
        var project = context.Argument(0);
        using var document = Commands.Parse(await context.Api.GetAsync($"/api/projects/{ApiClient.Segment(project)}/spending"));
        if (context.Json) { context.Out.WriteLine(JsonRead.Pretty(document)); return WarmteCli.Ok; }
        var table = new TextTable("Maand", "Soort", "Bedrag", "Toelichting", "Geboekt door").AlignRight(2);
        var total = 0m;
        foreach (var b in document.RootElement.EnumerateArray())
        {
            var amount = b.Dec("amount") ?? 0m;
            total += amount;
            table.Add(MonthName(b.Str("month")), KindName(b.Str("kind")), Nl.Money(amount), b.Str("note"), b.Str("bookedBy"));
        }
        context.Out.WriteLine($"Geboekte uitgaven van {project}");
        table.WriteTo(context.Out, "  ");
        context.Out.WriteLine($"  Totaal: {Nl.Money(total)}");
        return WarmteCli.Ok;
    }

    private static async Task<int> RunPosition(CommandContext context)
    {
        var project = context.Argument(0);
        using var document = Commands.Parse(await context.Api.GetAsync($"/api/projects/{ApiClient.Segment(project)}/cash-position"));
        if (context.Json) { context.Out.WriteLine(JsonRead.Pretty(document)); return WarmteCli.Ok; }
        var p = document.RootElement;
        context.Out.WriteLine($"Werkelijke kaspositie van {project} t/m {MonthName(p.Str("today"))}");
        context.Out.WriteLine($"  Beginsaldo {Nl.Money(p.Dec("openingBalance") ?? 0m)}; ontvangen {Nl.Money(p.Dec("totalReceived") ?? 0m)}; "
                              + $"uitgegeven {Nl.Money(p.Dec("totalSpent") ?? 0m)}; saldo nu {Nl.Money(p.Dec("balance") ?? 0m)}.");
        var table = new TextTable("Maand", "Begin", "Ontvangen", "Uitgegeven", "Eind").AlignRight(1, 2, 3, 4);
        foreach (var m in p.GetProperty("months").EnumerateArray())
            table.Add(MonthName(m.Str("month")), Nl.Money(m.Dec("opening") ?? 0m), Nl.Money(m.Dec("received") ?? 0m), Nl.Money(m.Dec("spent") ?? 0m), Nl.Money(m.Dec("closing") ?? 0m));
        table.WriteTo(context.Out, "  ");
        return WarmteCli.Ok;
    }

    /// <summary>A kind of work as a Dutch user reads it ("ontwerp"), from the API's name ("Design").</summary>
    private static string? KindName(string? kind) =>
        Warmte.CashFlow.ActualCash.ParseKind(kind) is { } k ? Warmte.Spreadsheets.Import.BudgetImport.KindLabel(k).ToLowerInvariant() : kind;

    /// <summary>A month as the cash-flow views print it: "11-2026" for the API's "2026-11".</summary>
    private static string? MonthName(string? month) =>
        month is not null && YearMonthPattern.Iso.Parse(month) is { Success: true } m ? $"{m.Value.Month:00}-{m.Value.Year}" : month;
}
