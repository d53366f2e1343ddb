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

    private static readonly ArgumentSpec Booking = new("boeking", "de id van de boeking (de eerste kolom van warmte spending list, bijv. b-3f2a9c1d0e7b)");
    private static readonly OptionSpec CorrectAmount = new("amount", "bedrag",
        "Het bedrag dat de boeking had moeten zijn (verplicht): 85000, 85.000,00 of 85000.00; 0 als zij er niet had moeten zijn");
    private static readonly OptionSpec Reason = new("reason", "tekst", "Waarom de boeking niet klopte (verplicht), bijv. \"tikfout, factuur 2026-118 was € 85.000\"");

    public static readonly CommandSpec Correct = new(
        "spending correct",
        "Een geboekte uitgave corrigeren (bestuur)",
        "Corrigeert een eerdere boeking, bijv. een tikfout in het bedrag. De oorspronkelijke boeking blijft staan; de correctie is een "
        + "nieuwe boeking van het verschil in dezelfde maand en soort werk, met de reden en wie corrigeerde. Geef het bedrag dat de boeking "
        + "had moeten zijn (0 als zij er niet had moeten zijn); de maandtotalen, de kaspositie en de vooruitblik volgen. Een maandtotaal "
        + "uit de begroting (id t-JJJJ-MM-soort) verandert u door het bijgewerkte blad opnieuw in te lezen (warmte import budget). "
        + "Met dezelfde --idempotency-key corrigeert dezelfde opdracht één keer.",
        [Project, Booking], [CorrectAmount, Reason, GrantCommands.IdempotencyKey],
        [
            "warmte spending correct wg-terrein b-3f2a9c1d0e7b --amount 85.000,00 --reason \"tikfout: factuur was € 85.000\"",
            "warmte spending correct wg-terrein b-3f2a9c1d0e7b --amount 0 --reason \"dubbel geboekt\"",
        ],
        RunCorrect);

    private static readonly OptionSpec ListMonth = new("month", "MM-JJJJ", "Alleen de uitgaven van deze maand (zoals book ze boekt)");
    private static readonly OptionSpec ListFrom = new("from", "MM-JJJJ", "De uitgaven vanaf deze maand (met --to: t/m die maand, hoogstens 120 maanden; zonder: de eerste 24 maanden met boekingen vanaf deze)");
    private static readonly OptionSpec ListTo = new("to", "MM-JJJJ", "De uitgaven t/m deze maand (zonder --from: de laatste 24 maanden met boekingen t/m deze)");
    private static readonly OptionSpec ListPage = new("page", "nummer", "Welke pagina van de boekingen van die maanden, vanaf 1 (standaard 1)");
    private static readonly OptionSpec ListPageSize = new("page-size", "aantal",
        $"Boekingen per pagina, 1 tot {Warmte.CashFlow.SpendingPages.MaxPageSize} (standaard {Warmte.CashFlow.SpendingPages.DefaultPageSize}); dezelfde pagina's als de API");

    public static readonly CommandSpec List = new(
        "spending list",
        "Geboekte uitgaven van een project",
        "Toont de geboekte uitgaven: maand, soort werk, bedrag, toelichting, wie en wanneer. Zonder opties de laatste 24 maanden "
        + "met boekingen; één maand met --month, een periode met --from en --to (hoogstens 120 maanden). De boekingen van die maanden "
        + $"komen per pagina (standaard {Warmte.CashFlow.SpendingPages.DefaultPageSize}; --page en --page-size). Staan er meer pagina's, "
        + "eerdere of latere boekingen, dan zegt het overzicht met welke opdracht u die ziet.",
        [Project], [ListMonth, ListFrom, ListTo, ListPage, ListPageSize],
        ["warmte spending list wg-terrein", "warmte spending list wg-terrein --month 12-2026", "warmte spending list wg-terrein --from 01-2024 --to 12-2025",
         "warmte spending list wg-terrein --from 01-2024 --to 12-2025 --page 2 --page-size 200"],
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
            ["amount"] = BookedAmount(Commands.Required(context, Amount), project, command),
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
        context.Out.WriteLine($"Boeking {booked.Str("id")}; een vergissing corrigeert u met warmte spending correct {project} {booked.Str("id")} --amount … --reason ….");
        context.Out.WriteLine($"Idempotentiesleutel: {key} (dezelfde opdracht met --idempotency-key {key} boekt niet dubbel)");
        return WarmteCli.Ok;
    }

    /// <summary>A booking's amount; a negative one is refused with the way to correct a booking (tester finding A21).</summary>
    private static decimal BookedAmount(string text, string project, CommandSpec command) =>
        text.Trim().TrimStart('€').TrimStart().StartsWith('-')
            ? throw new UsageException($"'{Tokens.Shorten(text)}' bij --amount: een boeking is een bedrag groter dan 0. Een eerdere boeking die niet klopt, "
                                       + $"corrigeert u met warmte spending correct {project} <boeking> --amount <het juiste bedrag> --reason <waarom> "
                                       + "(de ids staan in warmte spending list).", command)
            : Amounts.Parse(text, Amount, command);

    /// <summary>
    /// Sends the amount the booking should have been and the reason; the service books the difference as a
    /// correction (POST …/spending/{booking}/correction, with an idempotency key like a booking).
    /// </summary>
    private static async Task<int> RunCorrect(CommandContext context)
    {
        var command = context.Invocation.Command;
        var project = context.Argument(0);
        var booking = context.Argument(1);
        var text = Commands.Required(context, CorrectAmount);
        var amount = IsZero(text) ? 0m : Amounts.Parse(text, CorrectAmount, command);
        var body = new Dictionary<string, object?> { ["amount"] = amount, ["reason"] = Commands.Required(context, Reason) };
        var key = GrantCommands.Key(context.Option(GrantCommands.IdempotencyKey), command);
        var response = await context.Api.PostJsonAsync($"/api/projects/{ApiClient.Segment(project)}/spending/{ApiClient.Segment(booking)}/correction",
            JsonSerializer.Serialize(body), new Dictionary<string, string> { [GrantCommands.IdempotencyHeader] = key });
        using var document = Commands.Parse(response);
        if (context.Json)
        {
            context.Out.WriteLine(JsonRead.Pretty(document));
            context.Err.WriteLine($"Idempotentiesleutel: {key}");
            return WarmteCli.Ok;
        }
        var correction = document.RootElement;
        var difference = correction.Dec("amount") ?? 0m;
        context.Out.WriteLine($"Boeking {booking} van {project} gecorrigeerd: was {Nl.Money(amount - difference)}, nu {Nl.Money(amount)} "
                              + $"({KindName(correction.Str("kind"))} in {MonthName(correction.Str("month"))}; correctie {correction.Str("id")}: "
                              + $"{Nl.Money(Math.Abs(difference))} {(difference < 0 ? "eraf" : "erbij")}).");
        // The month's total imported from the budget no longer covers the bookings (tester T8.8): the service says what to do.
        if (correction.TryGetProperty("monthTotal", out var stale) && stale.ValueKind == JsonValueKind.Object && stale.Str("message") is { } warning)
            context.Out.WriteLine(warning.Replace("<project>", project));
        context.Out.WriteLine($"Idempotentiesleutel: {key} (dezelfde opdracht met --idempotency-key {key} corrigeert niet dubbel)");
        return WarmteCli.Ok;
    }

    /// <summary>"0", "0,00", "€ 0": the one amount a correction takes that a booking does not (the booking should not have been made).</summary>
    private static bool IsZero(string text)
    {
        var s = text.Trim().TrimStart('€').Trim();
        return s.Length > 0 && s[0] == '0' && s.All(c => c is '0' or '.' or ',') && !s.EndsWith('.') && !s.EndsWith(',');
    }

    private static async Task<int> RunList(CommandContext context)
    {
        var project = context.Argument(0);
        // Months in the forms every view prints (12-2026) or book takes; the service reads those months from the journal.
        var month = context.MonthOption(ListMonth);
        var from = context.MonthOption(ListFrom);
        var to = context.MonthOption(ListTo);
        if (month is not null && (from is not null || to is not null))
            throw new UsageException("--month gaat niet samen met --from of --to: vraag één maand of een periode.", context.Invocation.Command);
        var page = BusinessCaseCommands.ParseInt(context, ListPage, 1, 1, int.MaxValue, "een paginanummer vanaf 1");
        var size = BusinessCaseCommands.ParseInt(context, ListPageSize, Warmte.CashFlow.SpendingPages.DefaultPageSize, 1, Warmte.CashFlow.SpendingPages.MaxPageSize,
            $"een heel aantal van 1 tot {Warmte.CashFlow.SpendingPages.MaxPageSize}");
        var query = string.Join("&", new[] { ("month", month), ("from", from), ("to", to) }
            .Where(p => p.Item2 is not null).Select(p => $"{p.Item1}={YearMonthPattern.Iso.Format(p.Item2!.Value)}")
            .Append($"page={page.ToString(System.Globalization.CultureInfo.InvariantCulture)}&pageSize={size.ToString(System.Globalization.CultureInfo.InvariantCulture)}"));
        using var document = Commands.Parse(await context.Api.GetAsync($"/api/projects/{ApiClient.Segment(project)}/spending{(query.Length == 0 ? "" : "?" + query)}"));
        if (context.Json) { context.Out.WriteLine(JsonRead.Pretty(document)); return WarmteCli.Ok; }
        var answer = document.RootElement;
        var table = new TextTable("Boeking", "Maand", "Soort", "Bedrag", "Toelichting", "Geboekt door").AlignRight(3);
        var total = 0m;
        var bookings = answer.GetProperty("items").EnumerateArray().ToList();
        // What a corrected booking stands at now: its amount plus its corrections.
        var corrected = bookings.Where(b => b.Str("corrects") is not null).GroupBy(b => b.Str("corrects")!)
            .ToDictionary(g => g.Key, g => g.Sum(b => b.Dec("amount") ?? 0m));
        foreach (var b in bookings)
        {
            var amount = b.Dec("amount") ?? 0m;
            total += amount;
            var id = b.Str("id");
            var note = b.Str("corrects") is { } of ? $"correctie van {of}: {b.Str("note")}"
                : id is not null && corrected.TryGetValue(id, out var change) ? $"{b.Str("note")}{(b.Str("note") is null ? "" : "; ")}gecorrigeerd, staat nu op {Nl.Money(amount + change)}"
                : id is not null && Warmte.CashFlow.ActualCash.IsTotalId(id) ? MonthTotalLabel(b)
                : b.Str("note");
            table.Add(id, MonthName(b.Str("month")), KindName(b.Str("kind")), Nl.Money(amount), note, b.Str("bookedBy"));
        }
        // Tester T10d: the header names the months asked for, and an empty answer says why it is empty.
        var monthText = month is { } shown ? $"{shown.Month:00}-{shown.Year}" : null;
        var (first, last) = (MonthName(answer.Str("from")), MonthName(answer.Str("to")));
        // Which page of how many (only when there is more than one), so the total below is read as this page's.
        var inMonths = answer.Int("total") ?? bookings.Count;
        var pages = (int)Math.Max(1, ((long)inMonths + size - 1) / size);
        var pageText = pages > 1 || page > 1 ? $" (pagina {Nl.Number(page)} van {Nl.Number(pages)}; {Nl.Count(inMonths, "boeking", "boekingen")} in deze maanden)" : "";
        context.Out.WriteLine((monthText is not null ? $"Geboekte uitgaven van {project} in {monthText}"
            : first is null ? $"Geboekte uitgaven van {project}"
            : first == last ? $"Geboekte uitgaven van {project} in {first}"
            : $"Geboekte uitgaven van {project} van {first} t/m {last}") + pageText);
        if (bookings.Count == 0 && inMonths > 0)
            throw new InputException($"Pagina {Nl.Number(page)} bestaat niet: deze maanden hebben {Nl.Count(inMonths, "boeking", "boekingen")}, "
                                     + $"{Nl.Count(pages, "pagina", "pagina's")} van {Nl.Number(size)}.");
        if (bookings.Count == 0)
        {
            context.Out.WriteLine(month is { } asked && asked > context.Today().ToYearMonth()
                ? $"  {monthText} ligt in de toekomst: uitgaven worden geboekt als ze gedaan zijn, dus daar staat nog niets."
                : monthText is not null ? $"  In {monthText} zijn geen uitgaven geboekt."
                : first is null || (answer.Int("totalBookings") ?? 0) == 0 ? "  Er zijn nog geen uitgaven geboekt."
                : "  In deze maanden zijn geen uitgaven geboekt.");
        }
        else
        {
            table.WriteTo(context.Out, "  ");
            context.Out.WriteLine(pages > 1 ? $"  Totaal van deze pagina: {Nl.Money(total)}" : $"  Totaal: {Nl.Money(total)}");
        }
        // The next page of the same months, as a command to type (the service's "next" holds the months it answered).
        if (answer.Str("next") is not null && answer.Str("from") is { } pageFrom && answer.Str("to") is { } pageTo)
        {
            // The months answered, as the service's next page names them; a default range wider than one request takes the options as given.
            var span = YearMonthPattern.Iso.Parse(pageFrom) is { Success: true } a && YearMonthPattern.Iso.Parse(pageTo) is { Success: true } z
                ? Warmte.CashFlow.SpendingRanges.MonthsFrom(a.Value, z.Value) : int.MaxValue;
            var months = monthText is not null ? $"--month {monthText}"
                : span <= Warmte.CashFlow.SpendingRanges.MaxMonths ? $"--from {MonthName(pageFrom)} --to {MonthName(pageTo)}"
                : string.Join(" ", new[] { ("--from", from), ("--to", to) }.Where(o => o.Item2 is not null).Select(o => $"{o.Item1} {o.Item2!.Value.Month:00}-{o.Item2!.Value.Year}"));
            context.Out.WriteLine($"  Volgende pagina: warmte spending list {project}{(months.Length == 0 ? "" : " " + months)} --page {page + 1}"
                                  + (size == Warmte.CashFlow.SpendingPages.DefaultPageSize ? "" : $" --page-size {size}"));
        }
        // The service answers a range of months, never everything: say where the rest is and how to see it.
        var totalBookings = answer.Int("totalBookings") ?? bookings.Count;
        if (totalBookings > bookings.Count)
            context.Out.WriteLine($"  Het project heeft in totaal {Nl.Count(totalBookings, "boeking", "boekingen")} ({Nl.Money(answer.Dec("totalAmount") ?? 0m)}).");
        if (answer.Str("earlier") is not null && first is not null && answer.Str("from") is { } fromText && YearMonthPattern.Iso.Parse(fromText) is { Success: true } f)
        {
            var before = f.Value.PlusMonths(-1);
            context.Out.WriteLine($"  Er zijn eerdere boekingen, van vóór {first}: warmte spending list {project} --to {before.Month:00}-{before.Year}");
        }
        if (answer.Str("later") is not null && answer.Str("to") is { } toText && YearMonthPattern.Iso.Parse(toText) is { Success: true } t)
        {
            var after = t.Value.PlusMonths(1);
            context.Out.WriteLine($"  Er zijn latere boekingen, na {last}: warmte spending list {project} --from {after.Month:00}-{after.Year}");
        }
        return WarmteCli.Ok;
    }

    private static async Task<int> RunPosition(CommandContext context)
    {
        var project = context.Argument(0);
        using var document = Commands.Parse(await context.Api.GetAsync($"/api/projects/{ApiClient.Segment(project)}/cash-position"));
        if (context.Json) { context.Out.WriteLine(JsonRead.Pretty(document)); return WarmteCli.Ok; }
        var p = document.RootElement;
        context.Out.WriteLine($"Werkelijke kaspositie van {project} t/m {MonthName(p.Str("today"))}");
        // The opening balance is the plan's assumption, never an actual figure (tester9a T4); spending is what was booked (T5).
        var opening = p.Dec("openingBalance") ?? 0m;
        context.Out.WriteLine($"  {(opening != 0m ? $"Beginsaldo volgens plan (aanname, niet geboekt) {Nl.Money(opening)}" : $"Beginsaldo {Nl.Money(0m)}")}; "
                              + $"ontvangen {Nl.Money(p.Dec("totalReceived") ?? 0m)}; geboekte uitgaven {Nl.Money(p.Dec("totalSpent") ?? 0m)}; "
                              + $"saldo nu {Nl.Money(p.Dec("balance") ?? 0m)}.");
        if (p.Str("openingBalanceNote") is { } note)
            foreach (var line in Help.Wrap(note, 96)) context.Out.WriteLine("  " + line);
        var table = new TextTable("Maand", "Begin", "Ontvangen", "Uitgegeven", "Eind").AlignRight(1, 2, 3, 4);
        foreach (var m in p.GetProperty("months").EnumerateArray())
            table.Add(MonthName(m.Str("month")), Nl.Money(m.Dec("opening") ?? 0m), Nl.Money(m.Dec("received") ?? 0m), Nl.Money(m.Dec("spent") ?? 0m), Nl.Money(m.Dec("closing") ?? 0m));
        table.WriteTo(context.Out, "  ");
        return WarmteCli.Ok;
    }

    /// <summary>
    /// A month total in Dutch (papercut d): its id (t-2026-10-organisation) is a stored key with the English kind, kept as it
    /// is; the row says what it is, "maandtotaal organisatie 10-2026 uit de begroting", with its own note when it has another.
    /// </summary>
    private static string MonthTotalLabel(JsonElement booking)
    {
        var label = $"maandtotaal {KindName(booking.Str("kind"))} {MonthName(booking.Str("month"))} uit de begroting";
        return booking.Str("note") is { } note && note != Warmte.Spreadsheets.Import.BudgetImport.TotalNote ? $"{label}: {note}" : label;
    }

    /// <summary>A kind of work as a Dutch user reads it ("ontwerp"), from the API's name ("Design").</summary>
    private static string? KindName(string? kind) =>
        Warmte.CashFlow.ActualCash.ParseKind(kind) is { } k ? Warmte.Spreadsheets.Import.BudgetImport.KindLabel(k).ToLowerInvariant() : kind;

    /// <summary>A month as the cash-flow views print it: "11-2026" for the API's "2026-11".</summary>
    private static string? MonthName(string? month) =>
        month is not null && YearMonthPattern.Iso.Parse(month) is { Success: true } m ? $"{m.Value.Month:00}-{m.Value.Year}" : month;
}
