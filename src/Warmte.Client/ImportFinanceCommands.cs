using System.Collections.Immutable;
using System.Text.Json;
using NodaTime;
using NodaTime.Text;
using Warmte.Grants;
using Warmte.Serialization;
using Warmte.Spreadsheets.Import;

namespace Warmte.Client;

/// <summary>
/// <c>warmte import budget</c> (the development budget and actual spending per month and category)
/// and <c>warmte import tranches</c> (a grant's tranche plan and history). Same reading, checking and
/// reporting as the other imports (<see cref="ImportCommands"/>); what the service refuses is reported
/// on the row and column it came from.
/// </summary>
internal static class ImportFinanceCommands
{
    private static readonly ArgumentSpec File = new("bestand", "het .xlsx-, .xls-, .ods- of .csv-bestand");
    private static readonly ArgumentSpec Project = new("project", "de id van het project");
    private static readonly ArgumentSpec Grant = new("subsidie", "de id van de subsidie (bijv. paw)");

    private static readonly OptionSpec Funder = new("funder", "naam", "Financier; alleen nodig als de subsidie nog niet bestaat");
    private static readonly OptionSpec Scheme = new("scheme", "regeling", "Regeling (bijv. PAW); alleen nodig als de subsidie nog niet bestaat");
    private static readonly OptionSpec Granted = new("granted", "bedrag", "Toegekend bedrag; alleen nodig als de subsidie nog niet bestaat");
    private static readonly OptionSpec DecidedOn = new("decided-on", "datum", "Datum van het subsidiebesluit; alleen nodig als de subsidie nog niet bestaat");

    public static readonly CommandSpec Budget = new(
        "import budget",
        "Ontwikkelbegroting en werkelijke uitgaven per maand en categorie inlezen (bestuur)",
        "Leest per maand en categorie (ontwerp, businesscase, contracten, communicatie, organisatie, adviseurs) het begrote bedrag "
        + "en/of het werkelijk bestede bedrag, naast elkaar zoals in een begroting-en-realisatieoverzicht (kolommen Maand, Categorie, "
        + "Begroot, Werkelijk; optioneel Loopt door bij stilstand, Omschrijving). Begroot vervangt het werkplan van het vastgelegde "
        + "kasstroomplan, op de maanden van de kaslijn (warmte cash-timeline): een maand waarin daar gewerkt wordt, is die werkmaand; "
        + "een maand waarin het werk daar stilligt (windstilte), wordt gemeld en komt niet in het werkplan; een maand na de laatste werkmaand "
        + "wordt geweigerd. Werkelijk is het totaal van die maand en categorie: wat daar al "
        + "los geboekt is (warmte spending book) telt mee, het maandtotaal boekt de rest; ligt het onder de losse boekingen, dan "
        + "weigert de dienst de rij en noemt die boekingen (corrigeer ze met warmte spending correct). "
        + "Hetzelfde bestand nog eens inlezen verandert niets; een bijgewerkt bestand werkt bij, nooit dubbel. " + ImportCommands.Formats,
        [Project, File], [ImportCommands.DryRun, ImportCommands.SkipInvalid],
        ["warmte import budget wg-terrein begroting.xlsx --dry-run", "warmte import budget wg-terrein begroting-2025.csv"],
        RunBudget);

    public static readonly CommandSpec Tranches = new(
        "import tranches",
        "Trancheplan en tranchehistorie van een subsidie inlezen",
        "Leest per tranche het geplande bedrag en de geplande datum, en zover de tranche kwam de data van aanvraag, verantwoording "
        + "(met verantwoord bedrag en periode), goedkeuring en uitbetaling (met bedrag), zoals de brieven van de financier ze noemen. "
        + "Het plan wordt bijgewerkt (een aangevraagde tranche houdt zijn bedrag); elke stap die de dienst nog niet heeft, wordt "
        + "vastgelegd met de rol van wie inleest: aanvragen en verantwoorden doet het bestuur, goedkeuren en uitbetalen de financier — "
        + "een stap waarvoor uw rol niet volstaat, weigert de dienst en staat met rij en kolom in de lijst. Een vastgelegde stap met "
        + "een andere datum wordt niet herschreven maar gemeld. Bestaat de subsidie nog niet, geef dan --funder, --scheme, --granted "
        + "en --decided-on. " + ImportCommands.Formats,
        [Project, Grant, File], [ImportCommands.DryRun, ImportCommands.SkipInvalid, Funder, Scheme, Granted, DecidedOn],
        [
            "warmte import tranches wg-terrein paw tranches.xlsx --dry-run",
            "warmte import tranches wg-terrein paw tranches.xlsx --funder \"Rijk via gemeente Amsterdam\" --scheme PAW --granted 7700000 --decided-on 2019-06-01",
        ],
        RunTranches);

    // ---- budget

    /// <summary>"rij 7", "rijen 10 t/m 31", "rijen 2, 5 t/m 8": a year's stalled months are 20-odd rows.</summary>
    private static string RowList(ImmutableArray<int> rows)
    {
        var runs = new List<(int From, int To)>();
        foreach (var row in rows.Order())
            if (runs.Count > 0 && runs[^1].To + 1 == row) runs[^1] = (runs[^1].From, row);
            else runs.Add((row, row));
        return (rows.Length == 1 ? "rij " : "rijen ") + string.Join(", ", runs.Select(r => r.From == r.To ? $"{r.From}" : $"{r.From} t/m {r.To}"));
    }

    private static (ImmutableArray<BudgetPackage>, ImmutableArray<BudgetWarning>) Placed(BudgetPlacement placement) => (placement.Packages, placement.Warnings);

    private static async Task<int> RunBudget(CommandContext context)
    {
        var project = ApiClient.Segment(context.Argument(0));
        var thisMonth = context.Today().ToYearMonth();
        ImmutableArray<Sheet> sheetsRead = [];
        var result = ImportCommands.Read(context, 1, sheets => BudgetImport.Read(sheetsRead = sheets, thisMonth));
        // The month totals are checked by the service first (PUT …/spending/totals?dryRun=true: the same rules on the
        // bookings it has, nothing stored), in the dry run too, so a Werkelijk below the bookings made one by one is
        // named on its row before anything — the work plan included — is sent. A dry run without the service checks the file only.
        var dryRun = context.Invocation.Flag(ImportCommands.DryRun);
        // What the service says happens to the spending already booked in those months (papercut f): the dry run prints it.
        string? bookedNote = null;
        if (result.Mapping is { } checkMapping && BudgetImport.Totals(result.Rows.ToList()) is { IsEmpty: false } toCheck)
        {
            try
            {
                ApiResponse checkedAnswer;
                using (Progress.Start(context.Err, $"{Nl.Count(toCheck.Length, "maandtotaal", "maandtotalen")} laten controleren door de dienst…"))
                    checkedAnswer = await context.Api.SendAsync(HttpMethod.Put, $"/api/projects/{project}/spending/totals?dryRun=true", TotalsBody(toCheck), CancellationToken.None);
                using var checkedDocument = Commands.Parse(checkedAnswer);
                var c = checkedDocument.RootElement;
                bookedNote = $"De dienst zou van {Nl.Count(toCheck.Length, "maandtotaal", "maandtotalen")} er {c.Int("created") ?? 0} nieuw boeken, "
                             + $"{c.Int("updated") ?? 0} bijwerken, {c.Int("unchanged") ?? 0} ongewijzigd laten en {c.Int("removed") ?? 0} weghalen."
                             + (c.Str("message") is { } kept ? " " + kept : "");
            }
            catch (ApiException refusal) when (refusal.Response.StatusCode is 400 or 409)
            {
                result = result.WithProblems(ServiceProblems.Map(checkMapping, ImportCommands.FieldErrors(refusal.Response),
                    i => i < toCheck.Length ? toCheck[i].Rows : [], TotalsColumn));
            }
            catch (Exception unreachable) when (dryRun && unreachable is ApiException or HttpRequestException or TaskCanceledException
                                                          or UnexpectedAnswerException or JsonException)
            {
                // checked on sending
            }
        }
        // The saved plan is read before anything is reported, so the dry run checks each budgeted Maand against it with
        // the very function the real run uses (BudgetImport.WorkPlan) and says what the real run will do (tester T4:
        // the dry run called a row good whose month the real run refused).
        var skipInvalid = context.Invocation.Flag(ImportCommands.SkipInvalid);
        string? planJson = null;
        CashFlow.CashFlowPlan? savedPlan = null;
        (YearMonth Start, int WorkMonths, ImmutableArray<CashFlow.WorkPackageEntry?> Existing)? frame = null;
        CashFlow.WorkCalendar? calendar = null;
        var planUnchecked = false;
        if (result.Mapping is { } planMapping
            && result.Rows.Concat(BudgetImport.PlanOnly(sheetsRead, thisMonth, result)).Any(r => r.Item.Planned is > 0m))
        {
            try
            {
                using var saved = Commands.Parse(await context.Api.GetAsync($"/api/projects/{project}/cashflow-plan"));
                planJson = saved.RootElement.GetProperty("plan").GetRawText();
            }
            catch (ApiException missing) when (missing.Response.StatusCode == 404)
            {
                context.Err.WriteLine($"Project '{context.Argument(0)}' heeft nog geen kasstroomplan bij de dienst. De begroting wordt het werkplan van dat plan, "
                                      + "dat ook de fasen, de subsidie en de doorlooptijden beschrijft: leg het eerst vast (warmte cashflow save, zie docs/cashflow-plan.md). "
                                      + "Er is niets verstuurd.");
                return WarmteCli.BadInput;
            }
            catch (Exception unreachable) when (dryRun && unreachable is ApiException or HttpRequestException or TaskCanceledException
                                                          or UnexpectedAnswerException or JsonException)
            {
                planUnchecked = true; // a dry run without the service checks the file only, and says so
            }
            if (planJson is not null)
            {
                var read = BudgetImport.Frame(planJson);
                if (!read.IsOk) throw new InputException("Het kasstroomplan bij de dienst is niet te lezen: " + read.Refusal!.Errors[0].Reason);
                frame = read.Value;
                savedPlan = CashFlow.PlanReader.Read(planJson).Value;
                // The budget frame is the cash timeline's calendar (budgetframe): the work months where the line has them, after the
                // stalls that happened and the forecast ones; the service builds it, so the import places a month where the cash page does.
                try
                {
                    using var line = Commands.Parse(await context.Api.GetAsync($"/api/projects/{project}/cash-timeline"));
                    calendar = line.RootElement.TryGetProperty("calendar", out var c) && c.ValueKind == JsonValueKind.Object
                        ? c.Deserialize<CashFlow.WorkCalendar>(WarmteJson.Default)
                        : null;
                }
                catch (Exception unreachable) when (dryRun && unreachable is ApiException or HttpRequestException or TaskCanceledException
                                                              or UnexpectedAnswerException or JsonException)
                {
                    // The plan was read but the line was not (a 503 between the two calls): a dry run still checks the file, on the
                    // plan's months without stalls, and says so; the real run needs the service and reads the line.
                    context.Err.WriteLine("Let op: de kaslijn van het project was niet te lezen bij de dienst; de maanden zijn gecontroleerd alsof het werk "
                                          + "nooit stilstaat (startmaand + werkmaand). De echte import plaatst ze op de kaslijn, met de windstiltes.");
                }
                calendar ??= CashFlow.WorkCalendar.Straight(frame.Value.Start, frame.Value.WorkMonths);
                // A month outside the programme refuses the whole row: its Begroot cannot be placed, and its Werkelijk is
                // not kept apart from it either (tester T4: the summary said the row's Begroot was kept while the same run
                // refused its Maand).
                var candidates = result.Rows.Concat(BudgetImport.PlanOnly(sheetsRead, thisMonth, result)).OrderBy(r => r.Row).ToList();
                var placement = BudgetImport.WorkPlan(candidates, calendar).Problems;
                result = result.WithProblems(placement.Select(p => new ImportProblem(planMapping.Sheet.Name, p.Row, planMapping.ColumnName(p.Field), p.Reason)));
            }
        }
        // A row whose only problem is its Werkelijk keeps its Begroot in the plan (tester finding T6): the two are
        // independent facts on one row; only the Werkelijk is left out, and the summary names the row.
        var planOnly = BudgetImport.PlanOnly(sheetsRead, thisMonth, result);
        var planRows = result.Rows.Concat(planOnly).OrderBy(r => r.Row).ToList();
        ImmutableArray<BudgetPackage> packages = [];
        string? newPlan = null;
        CashFlow.CashFlowPlan? proposedPlan = null;
        ImmutableArray<BudgetWarning> standstills = [];
        if (frame is not null && calendar is not null && result.Mapping is { } m2 && planRows.Any(r => r.Item.Planned is > 0m))
        {
            (packages, standstills) = Placed(BudgetImport.WorkPlan(planRows, calendar));
            newPlan = BudgetImport.WithWorkPlan(planJson!, packages);
            var check = CashFlow.PlanReader.Read(newPlan);
            if (check.IsOk) proposedPlan = check.Value;
            else
            {
                // The whole plan with these packages does not hold: every row of a refused package is bad, in the dry run too.
                var packagesNow = packages;
                result = result.WithProblems(ServiceProblems.Map(m2, check.Refusal!.Errors.Select(e => (e.Field, e.Reason)), i => i < packagesNow.Length ? packagesNow[i].Rows : [], PlanColumn)
                    .Select(p => p with { Reason = p.Reason.Replace("geweigerd door de dienst: ", "past niet in het kasstroomplan: ") }));
                planOnly = BudgetImport.PlanOnly(sheetsRead, thisMonth, result);
                planRows = result.Rows.Concat(planOnly).OrderBy(r => r.Row).ToList();
                (packages, standstills) = Placed(BudgetImport.WorkPlan(planRows, calendar));
                newPlan = BudgetImport.WithWorkPlan(planJson!, packages);
                proposedPlan = CashFlow.PlanReader.Read(newPlan).Value;
            }
        }
        var planChanges = proposedPlan is not null && packages.Length > 0 && !BudgetImport.SameWorkPlan(frame!.Value.Existing, packages);
        // Tester T9: the plan is the file; say plainly, with both totals, what is replaced — before it happens.
        var replacementNote = planChanges && savedPlan is not null ? BudgetImport.ReplacementNote(savedPlan, proposedPlan!, calendar) : null;
        // Months in which the cash timeline has the work standing still: said, not refused (their Werkelijk is booked; docs/spreadsheet-import.md).
        var standstillNote = standstills.IsEmpty || result.Mapping is not { } wm ? null : string.Join(Environment.NewLine, standstills.Select(w =>
            $"Let op: Blad '{wm.Sheet.Name}', {RowList(w.Rows)}, kolom {wm.ColumnName("month")}: {w.Text}"));
        var planOnlyNote = planOnly.IsEmpty ? null : string.Join(Environment.NewLine, planOnly.Select(r =>
            $"Van rij {r.Row} is alleen de Werkelijk fout: " + (skipInvalid
                ? $"de Begroot ({Nl.Money(r.Item.Planned!.Value)}) gaat wel naar het werkplan, alleen de Werkelijk wordt niet ingelezen."
                : $"met --skip-invalid gaat de Begroot ({Nl.Money(r.Item.Planned!.Value)}) wel naar het werkplan en blijft alleen de Werkelijk weg.")));
        // Replacing the work plan never changes a booking: say so, with what is booked, when there is something booked (papercut f).
        string? planKeepsBookings = null;
        if (planChanges && dryRun)
        {
            try
            {
                // The listing's totals are the project's, over every month (its items are only the most recent months).
                using var booked = Commands.Parse(await context.Api.GetAsync($"/api/projects/{project}/spending"));
                var count = booked.RootElement.Int("totalBookings") ?? 0;
                if (count > 0)
                    planKeepsBookings = $"Het werkplan vervangen verandert geen geboekte uitgaven: de {Nl.Count(count, "boeking", "boekingen")} "
                                        + $"({Nl.Money(booked.RootElement.Dec("totalAmount") ?? 0m)}) blijven staan en tellen mee in de kaspositie, ook in maanden die niet in het bestand staan.";
            }
            catch (Exception unreachable) when (unreachable is ApiException or HttpRequestException or TaskCanceledException or UnexpectedAnswerException or JsonException)
            {
                // the dry run checks the file only when the service cannot answer
            }
        }
        var notes = new[] { planOnlyNote, standstillNote, replacementNote, planKeepsBookings, dryRun ? bookedNote : null,
                planUnchecked ? "De dienst was niet bereikbaar: de maanden zijn niet tegen het kasstroomplan gecontroleerd (dat gebeurt bij het versturen)." : null }
            .Where(n => n is not null).ToList();
        if (!ImportCommands.Report(context, result, b =>
                $"{Warmte.DutchFormat.Month(b.Month)} {BudgetImport.KindLabel(b.Kind)}"
                + (b.Planned is { } p ? $", begroot {Nl.Money(p)}" : "") + (b.Actual is { } a ? $", werkelijk {Nl.Money(a)}" : "")
                + (b.RunsDuringStall ? " (loopt door bij stilstand)" : ""), notes.Count == 0 ? null : string.Join(Environment.NewLine, notes)))
            return ImportCommands.Finish(context, result, sent: false);
        var mapping = result.Mapping!;
        var rows = result.Rows.ToList();
        var planOnlyRows = planOnly.IsEmpty ? "" : planOnly.Length == 1 ? $"rij {planOnly[0].Row}" : "rijen " + string.Join(", ", planOnly.Select(r => r.Row.ToString()));
        string planText = "geen begrote bedragen in het bestand";
        string totalsText = "geen werkelijke bedragen in het bestand";
        string? replacedText = null;
        string? keptText = null;
        var problems = new List<ImportProblem>();

        if (newPlan is not null && proposedPlan is not null && packages.Length > 0)
        {
            if (!planChanges) planText = $"werkplan ongewijzigd ({Nl.Count(packages.Length, "werkpakket", "werkpakketten")})";
            else
            {
                try
                {
                    using (Progress.Start(context.Err, "Werkplan versturen; de dienst controleert en bewaart…"))
                        await context.Api.SendAsync(HttpMethod.Put, $"/api/projects/{project}/cashflow-plan", $"{{\"plan\":{newPlan}}}", CancellationToken.None);
                    planText = $"werkplan vervangen door {Nl.Count(packages.Length, "werkpakket", "werkpakketten")} uit {Nl.Count(packages.Sum(p => p.Rows.Length), "rij", "rijen")}";
                    var keptOnly = planOnly.Where(r => packages.Any(p => p.Rows.Contains(r.Row))).Select(r => r.Row).ToList();
                    if (keptOnly.Count > 0)
                        planText += $" (van {(keptOnly.Count == 1 ? $"rij {keptOnly[0]}" : "rijen " + string.Join(", ", keptOnly))} alleen de Begroot: de Werkelijk is niet ingelezen)";
                    if (savedPlan is { WorkPlan.IsDefaultOrEmpty: false })
                        replacedText = $"Het vorige werkplan ({BudgetImport.Extent(savedPlan, calendar)}) is vervangen door dit bestand ({BudgetImport.Extent(proposedPlan, calendar)}).";
                }
                catch (ApiException refusal) when (refusal.Response.StatusCode is 400 or 409)
                {
                    var sentPackages = packages;
                    return Refused(context, ServiceProblems.Map(mapping, ImportCommands.FieldErrors(refusal.Response),
                        i => i < sentPackages.Length ? sentPackages[i].Rows : [], PlanColumn).ToList());
                }
            }
        }

        var totals = BudgetImport.Totals(rows);
        var counts = (Created: 0, Updated: 0, Unchanged: 0, Removed: 0);
        if (!totals.IsEmpty)
        {
            var body = TotalsBody(totals);
            try
            {
                ApiResponse sent;
                using (Progress.Start(context.Err, $"{Nl.Count(totals.Length, "maandtotaal", "maandtotalen")} versturen; de dienst controleert en bewaart…"))
                    sent = await context.Api.SendAsync(HttpMethod.Put, $"/api/projects/{project}/spending/totals", body, CancellationToken.None);
                using var answer = Commands.Parse(sent);
                var r = answer.RootElement;
                counts = (r.Int("created") ?? 0, r.Int("updated") ?? 0, r.Int("unchanged") ?? 0, r.Int("removed") ?? 0);
                totalsText = $"{Nl.Count(totals.Length, "maandtotaal", "maandtotalen")}: {counts.Created} nieuw, {counts.Updated} bijgewerkt, "
                             + $"{counts.Unchanged} ongewijzigd, {counts.Removed} weggehaald";
                keptText = r.Str("message");
            }
            catch (ApiException refusal) when (refusal.Response.StatusCode is 400 or 409)
            {
                return Refused(context, ServiceProblems.Map(mapping, ImportCommands.FieldErrors(refusal.Response),
                    i => i < totals.Length ? totals[i].Rows : [], TotalsColumn).ToList());
            }
        }
        if (!planOnly.IsEmpty) totalsText = (totals.IsEmpty ? "niets verstuurd" : totalsText) + $"; niet ingelezen: de Werkelijk van {planOnlyRows} (de Begroot wel)";
        foreach (var problem in problems) context.Err.WriteLine(problem.ToString());
        if (context.Json)
            context.Out.WriteLine(JsonSerializer.Serialize(new { plan = planText, totals = new { counts.Created, counts.Updated, counts.Unchanged, counts.Removed }, badRows = result.BadRows + problems.Select(p => p.Row).Distinct().Count(), planOnlyRows = planOnly.Select(r => r.Row), replaced = replacedText, standstills = standstills.Select(w => new { rows = w.Rows, text = w.Text }) }, WarmteJson.Default));
        else
        {
            context.Out.WriteLine($"Begroting: {planText}.");
            if (replacedText is not null) context.Out.WriteLine(replacedText);
            context.Out.WriteLine($"Werkelijke uitgaven: {totalsText}.");
            if (keptText is not null) context.Out.WriteLine(keptText);
        }
        return problems.Count > 0 ? WarmteCli.BadInput : ImportCommands.Finish(context, result, sent: true);
    }

    private static string TotalsBody(ImmutableArray<(CashFlow.MonthTotal Total, ImmutableArray<int> Rows)> totals) =>
        JsonSerializer.Serialize(new
        {
            totals = totals.Select(t => new { month = BudgetImport.Iso(t.Total.Month!.Value), kind = t.Total.Kind, amount = t.Total.Amount, note = t.Total.Note }),
        }, WarmteJson.Default);

    /// <summary>A month total's field names → the budget's columns.</summary>
    private static string? TotalsColumn(string field) => field switch { "amount" => "actual", "note" => null, _ => field };

    /// <summary>The plan's field names under workPlan[k] → the budget's columns.</summary>
    private static string? PlanColumn(string field) => field switch
    {
        "monthlyCost" => "planned",
        "kind" => "kind",
        "name" => "name",
        "fromMonth" or "toMonth" or "phase" => "month",
        "runsDuringStall" => "runsDuringStall",
        _ => null,
    };

    private static int Refused(CommandContext context, IReadOnlyList<ImportProblem> problems)
    {
        foreach (var problem in problems.OrderBy(p => p.Row)) context.Err.WriteLine(problem.ToString());
        context.Err.WriteLine("Er is niets verstuurd. Verbeter de rijen hierboven, of gebruik --skip-invalid om alleen de goede rijen te versturen.");
        return WarmteCli.BadInput;
    }

    // ---- tranches

    private static async Task<int> RunTranches(CommandContext context)
    {
        var command = context.Invocation.Command;
        var project = ApiClient.Segment(context.Argument(0));
        var grantId = context.Argument(1);
        var grantPath = $"/api/projects/{project}/grants/{ApiClient.Segment(grantId)}";
        Grant? grant = null;
        var dryRun = context.Invocation.Flag(ImportCommands.DryRun);
        try
        {
            // The dry run asks too (a read, nothing sent): the export labels its rows "funder, scheme", which only the
            // grant as the service has it can recognise (tester finding A6: the dry run refused the export's own table).
            using var answer = Commands.Parse(await context.Api.GetAsync(grantPath));
            grant = answer.RootElement.GetProperty("grant").Deserialize<Grant>(WarmteJson.Default);
        }
        catch (ApiException missing) when (missing.Response.StatusCode == 404)
        {
            grant = null;
        }
        catch (Exception unreachable) when (dryRun && unreachable is ApiException or HttpRequestException or TaskCanceledException
                                                      or UnexpectedAnswerException or JsonException)
        {
            grant = null; // a dry run without the service checks the file only; the label is then checked on sending
        }
        var names = new[] { grantId, grant?.Scheme ?? context.Option(Scheme), grant is null ? null : $"{grant.Funder}, {grant.Scheme}",
                context.Option(Funder) is { } f && context.Option(Scheme) is { } s ? $"{f}, {s}" : null }
            .Where(n => n is not null).Select(n => HeaderMatcher.Normalise(n!)).ToHashSet();
        // "Rijk via gemeente, PAW" (the export's label) is this grant when either the whole label or its scheme part matches.
        var result = ImportCommands.Read(context, 2, sheets => TrancheImport.Read(sheets,
            name => names.Contains(HeaderMatcher.Normalise(name)) || names.Contains(HeaderMatcher.Normalise(name.Split(',')[^1]))));
        if (!ImportCommands.Report(context, result, t =>
                $"tranche {t.Number}: {Nl.Money(t.Amount)}" + (t.PlannedOn is { } p ? $" gepland {Nl.Date(p)}" : "")
                + (t.RequestedOn is { } r ? $", aangevraagd {Nl.Date(r)}" : "") + (t.AccountedOn is { } a ? $", verantwoord {Nl.Date(a)}" : "")
                + (t.ApprovedOn is { } g ? $", goedgekeurd {Nl.Date(g)}" : "") + (t.PaidOn is { } b ? $", uitbetaald {Nl.Date(b)}" : "")))
            return ImportCommands.Finish(context, result, sent: false);
        var mapping = result.Mapping!;
        var sync = TrancheImport.Compare(result.Rows, grant,
            grant is null && context.Option(DecidedOn) is { } decided ? Commands.ParseDate(decided, DecidedOn, command) : null);
        var problems = sync.Problems.Select(p => new ImportProblem(mapping.Sheet.Name, p.Row, mapping.ColumnName(p.Field), p.Reason)).ToList();
        if (problems.Count > 0 && !context.Invocation.Flag(ImportCommands.SkipInvalid)) return Refused(context, problems);
        var badRows = problems.Select(p => p.Row).ToHashSet();
        var ordered = result.Rows.OrderBy(r => r.Item.Number).ToList();
        IReadOnlyList<int> RowOf(int i) => i < ordered.Count ? [ordered[i].Row] : [];

        string planText;
        if (grant is null)
        {
            if (context.Option(Funder) is null || context.Option(Scheme) is null || context.Option(Granted) is null || context.Option(DecidedOn) is null)
                throw new UsageException($"Subsidie '{Tokens.Shorten(grantId)}' bestaat nog niet bij project '{context.Argument(0)}'; geef --funder, --scheme, "
                                         + "--granted en --decided-on om haar met dit trancheplan vast te leggen.", command);
            var body = JsonSerializer.Serialize(new
            {
                id = grantId, funder = context.Option(Funder), scheme = context.Option(Scheme),
                amountGranted = Amounts.Parse(context.Option(Granted)!, Granted, command),
                decidedOn = LocalDatePattern.Iso.Format(Commands.ParseDate(context.Option(DecidedOn), DecidedOn, command)!.Value),
                tranches = sync.Plan.Select(t => new { amount = t!.Amount, plannedOn = t.PlannedOn is { } d ? LocalDatePattern.Iso.Format(d) : null }),
            }, WarmteJson.Default);
            try
            {
                await context.Api.PostJsonAsync($"/api/projects/{project}/grants", body,
                    new Dictionary<string, string> { [GrantCommands.IdempotencyHeader] = $"import:{context.Argument(0)}:{grantId}:create:{Hash(body)}" });
            }
            catch (ApiException refusal) when (refusal.Response.StatusCode is 400 or 403 or 409)
            {
                return Refused(context, ServiceProblems.Map(mapping, ImportCommands.FieldErrors(refusal.Response), RowOf, PlanField).ToList());
            }
            planText = $"subsidie '{grantId}' vastgelegd met {Nl.Count(sync.Plan.Length, "tranche", "tranches")}";
            // The steps were compared with no grant; the new grant's tranches are all Gepland, which is the same.
        }
        else if (sync.PlanChanges)
        {
            var body = JsonSerializer.Serialize(new
            {
                tranches = sync.Plan.Select(t => new { amount = t!.Amount, plannedOn = t.PlannedOn is { } d ? LocalDatePattern.Iso.Format(d) : null }),
            }, WarmteJson.Default);
            try
            {
                await context.Api.SendAsync(HttpMethod.Put, $"{grantPath}/tranche-plan", body, CancellationToken.None);
            }
            catch (ApiException refusal) when (refusal.Response.StatusCode is 400 or 403 or 409)
            {
                return Refused(context, ServiceProblems.Map(mapping, ImportCommands.FieldErrors(refusal.Response), RowOf, PlanField).ToList());
            }
            planText = $"trancheplan bijgewerkt ({Nl.Count(sync.Plan.Length, "tranche", "tranches")})";
        }
        else planText = $"trancheplan ongewijzigd ({Nl.Count(sync.Plan.Length, "tranche", "tranches")})";

        int sent = 0, refused = 0;
        var failedRows = new HashSet<int>(badRows);
        using (var progress = Progress.Start(context.Err, "Tranchestappen versturen", sync.Steps.Length))
            foreach (var step in sync.Steps)
            {
                progress.Report(sent + refused);
                if (failedRows.Contains(step.Row)) continue;
                var body = JsonSerializer.Serialize(new
                {
                    on = LocalDatePattern.Iso.Format(step.Command.On!.Value),
                    amount = step.Command.Amount,
                    periodFrom = step.Command.PeriodFrom is { } pf ? LocalDatePattern.Iso.Format(pf) : null,
                    periodTo = step.Command.PeriodTo is { } pt ? LocalDatePattern.Iso.Format(pt) : null,
                }, WarmteJson.Default);
                try
                {
                    await context.Api.PostJsonAsync($"{grantPath}/tranches/{step.Number}/{step.Path}", body, new Dictionary<string, string>
                    {
                        [GrantCommands.IdempotencyHeader] = $"import:{context.Argument(0)}:{grantId}:{step.Number}:{step.Path}:{Hash(body)}",
                    });
                    sent++;
                }
                catch (ApiException refusal) when (refusal.Response.StatusCode is 400 or 403 or 409)
                {
                    refused++;
                    failedRows.Add(step.Row);
                    var amountColumn = step.Action == TrancheAction.Pay ? "paidAmount" : "accountedAmount";
                    foreach (var problem in ServiceProblems.Map(mapping, ImportCommands.FieldErrors(refusal.Response), defaultRow: step.Row,
                                 columnOf: f => f switch { "amount" => amountColumn, "periodFrom" or "periodTo" => f, _ => step.Field }))
                        problems.Add(problem);
                }
            }
        foreach (var problem in problems.OrderBy(p => p.Row)) context.Err.WriteLine(problem.ToString());
        var stepsText = $"{Nl.Count(sent, "stap", "stappen")} vastgelegd, {sync.StepsAlreadyRecorded} al aanwezig, {refused} geweigerd";
        if (context.Json)
            context.Out.WriteLine(JsonSerializer.Serialize(new { plan = planText, stepsRecorded = sent, stepsAlreadyPresent = sync.StepsAlreadyRecorded, stepsRefused = refused, badRows = result.BadRows + failedRows.Count, skippedRows = result.Skipped.Length }, WarmteJson.Default));
        else
        {
            context.Out.WriteLine($"Subsidie {grantId}: {planText}.");
            context.Out.WriteLine($"Tranchestappen: {stepsText}.");
        }
        return problems.Count > 0 ? WarmteCli.BadInput : ImportCommands.Finish(context, result, sent: true);
    }

    /// <summary>The grant's field names (tranches[i].amount) → the tranche file's columns.</summary>
    private static string? PlanField(string field) => field switch
    {
        "amount" => "amount",
        "plannedOn" => "plannedOn",
        _ => null,
    };

    /// <summary>A short stable fingerprint, so the idempotency key of a step changes when its content does.</summary>
    private static string Hash(string text) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)))[..16].ToLowerInvariant();
}
