using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using NodaTime;
using NodaTime.Text;
using Warmte.CashFlow;
using Warmte.Common;

namespace Warmte.Spreadsheets.Import;

/// <summary>
/// One line of a development budget as a treasurer keeps it: a month, a category (kind of work),
/// the amount budgeted ("begroot") and/or the amount actually spent ("werkelijk") side by side.
/// </summary>
public sealed record BudgetRow(YearMonth Month, WorkKind Kind, decimal? Planned, decimal? Actual, bool RunsDuringStall, string? Name)
{
    /// <summary>The work package's name in the plan: the description, or the category's Dutch name.</summary>
    public string PackageName => Name ?? BudgetImport.KindLabel(Kind);
}

/// <summary>
/// A budget's months placed on the cash timeline's calendar: the work packages, the rows refused (their Maand has no place in the
/// programme) and the warnings (months in which the work stands still: their Begroot is not placed, the rows stay good).
/// </summary>
public sealed record BudgetPlacement(
    ImmutableArray<BudgetPackage> Packages,
    ImmutableArray<(int Row, string Field, string Reason)> Problems,
    ImmutableArray<BudgetWarning> Warnings);

/// <summary>A warning about budget rows (on their Maand): said, not refused.</summary>
public sealed record BudgetWarning(ImmutableArray<int> Rows, string Text);

/// <summary>A work package of the cash-flow plan made from budget rows, with the rows it came from.</summary>
public sealed record BudgetPackage(WorkPackageEntry Entry, ImmutableArray<int> Rows);

/// <summary>
/// The budget import: reading the file (pure) and turning it into the cash-flow plan's work plan
/// (calendar months → work months of the plan) and into month totals of actual spending.
/// </summary>
public static class BudgetImport
{
    public static readonly ImmutableArray<ColumnSpec> Columns =
    [
        new("month", "Maand", true, "maand", "month", "periode", "boekingsmaand", "jaar maand", "datum"),
        new("kind", "Categorie", true, "categorie", "category", "post", "begrotingspost", "kostenpost", "kostensoort", "soort werk", "soort", "kind"),
        new("planned", "Begroot", false, "begroot", "begroting", "budget", "plan", "gepland", "begroot bedrag", "planned", "budgeted"),
        new("actual", "Werkelijk", false, "werkelijk", "realisatie", "gerealiseerd", "besteed", "uitgegeven", "werkelijk besteed", "actual", "actuals", "spent"),
        new("runsDuringStall", "Loopt door bij stilstand", false, "loopt door bij stilstand", "loopt door", "vaste kosten", "doorlopend", "vast",
            "runs during stall", "fixed cost", "fixed costs"),
        new("name", "Omschrijving", false, "omschrijving", "werkpakket", "activiteit", "toelichting", "description", "work package", "naam"),
    ];

    private static readonly ImmutableDictionary<string, WorkKind> KindSynonyms = new Dictionary<string, WorkKind>
    {
        ["ontwerp"] = WorkKind.Design, ["design"] = WorkKind.Design, ["engineering"] = WorkKind.Design, ["technischontwerp"] = WorkKind.Design,
        ["businesscase"] = WorkKind.BusinessCase, ["bc"] = WorkKind.BusinessCase, ["financieringsvoorstel"] = WorkKind.BusinessCase,
        ["businesscaseenfinanciering"] = WorkKind.BusinessCase,
        ["contracten"] = WorkKind.Contracts, ["contract"] = WorkKind.Contracts, ["contracts"] = WorkKind.Contracts, ["aanbesteding"] = WorkKind.Contracts,
        ["juridisch"] = WorkKind.Contracts, ["contractenenaanbesteding"] = WorkKind.Contracts,
        ["communicatie"] = WorkKind.Communication, ["communication"] = WorkKind.Communication, ["voorlichting"] = WorkKind.Communication,
        ["organisatie"] = WorkKind.Organisation, ["organisation"] = WorkKind.Organisation, ["organization"] = WorkKind.Organisation,
        ["projectorganisatie"] = WorkKind.Organisation, ["projectbureau"] = WorkKind.Organisation,
        ["adviseurs"] = WorkKind.Advisers, ["adviseur"] = WorkKind.Advisers, ["advies"] = WorkKind.Advisers, ["advisers"] = WorkKind.Advisers,
        ["advisors"] = WorkKind.Advisers, ["adviseurskosten"] = WorkKind.Advisers, ["consultancy"] = WorkKind.Advisers,
    }.ToImmutableDictionary();

    public static string KindLabel(WorkKind kind) => kind switch
    {
        WorkKind.Design => "Ontwerp",
        WorkKind.BusinessCase => "Businesscase",
        WorkKind.Contracts => "Contracten",
        WorkKind.Communication => "Communicatie",
        WorkKind.Organisation => "Organisatie",
        _ => "Adviseurs",
    };

    /// <summary>Organisation and communication run on in a stall unless the row says otherwise (the KetelhuisWG experience).</summary>
    public static bool RunsDuringStallByDefault(WorkKind kind) => kind is WorkKind.Organisation or WorkKind.Communication;

    public static WorkKind? Kind(string? text)
    {
        if (text is null) return null;
        var key = HeaderMatcher.Normalise(text);
        if (KindSynonyms.TryGetValue(key, out var kind)) return kind;
        return Enum.TryParse<WorkKind>(key, ignoreCase: true, out var named) && Enum.IsDefined(named) && !key.Any(char.IsDigit) ? named : null;
    }

    /// <summary>Reads the budget; an actual amount may not lie in a month after <paramref name="thisMonth"/>.</summary>
    public static ImportResult<BudgetRow> Read(IEnumerable<Sheet> sheets, YearMonth thisMonth) => Read(sheets, thisMonth, Columns);

    /// <summary>
    /// The rows of <paramref name="result"/> left out only because of their Werkelijk cell (a problem on that
    /// column alone, in the file or — once added with <see cref="ImportResult{T}.WithProblems"/> — from the
    /// service's check of the month totals) that do budget an amount: each with its Begroot and without its
    /// Werkelijk. A budget line and an actual total are independent facts on one row (tester finding T6: with
    /// <c>--skip-invalid</c> a refused Werkelijk took the row's € 20.000 Begroot out of the work plan), so the
    /// import keeps these in the plan and leaves out only the Werkelijk. Read again without the Werkelijk column,
    /// so the row's other cells pass exactly the checks they pass in <see cref="Read(IEnumerable{Sheet}, YearMonth)"/>.
    /// </summary>
    public static ImmutableArray<ImportedRow<BudgetRow>> PlanOnly(IReadOnlyList<Sheet> sheets, YearMonth thisMonth, ImportResult<BudgetRow> result)
    {
        if (result.Mapping is not { } mapping || !mapping.Columns.ContainsKey("actual") || !mapping.Columns.ContainsKey("planned")) return [];
        var actual = mapping.ColumnName("actual");
        var good = result.Rows.Select(r => r.Row).ToHashSet();
        var onlyActual = result.Problems.Where(p => p.Row != mapping.HeaderRow && !good.Contains(p.Row)).GroupBy(p => p.Row)
            .Where(g => g.All(p => p.Column == actual)).Select(g => g.Key).ToHashSet();
        if (onlyActual.Count == 0) return [];
        var withoutActual = Read(sheets, thisMonth, [.. Columns.Where(c => c.Field != "actual")]);
        if (withoutActual.Mapping is not { } again || again.Sheet.Name != mapping.Sheet.Name || again.HeaderRow != mapping.HeaderRow) return [];
        return [.. withoutActual.Rows.Where(r => onlyActual.Contains(r.Row) && r.Item.Planned is > 0m)];
    }

    private static ImportResult<BudgetRow> Read(IEnumerable<Sheet> sheets, YearMonth thisMonth, ImmutableArray<ColumnSpec> columns) =>
        RowImport.Read(sheets, columns, c =>
        {
            var month = c.Month("month");
            if (month is null && c.Text("month") is null) c.Problem("month", "is leeg.");
            var kindText = c.Text("kind");
            var kind = Kind(kindText);
            if (kind is null)
                c.Problem("kind", kindText is null ? "is leeg." : $"'{kindText}' is geen categorie; kies ontwerp, businesscase, contracten, communicatie, organisatie of adviseurs.");
            var planned = Money(c, "planned");
            var actual = Money(c, "actual");
            if (!c.Has("planned") && !c.Has("actual")) c.Problem("month", "het bestand heeft geen kolom Begroot en geen kolom Werkelijk.");
            else if (planned is null && actual is null && c.Text("planned") is null && c.Text("actual") is null)
                c.Problem(c.Has("planned") ? "planned" : "actual", "geen bedrag: vul Begroot of Werkelijk in.");
            if (actual is not null && month is { } m && m > thisMonth)
                c.Problem("actual", $"{DutchFormat.Month(m)} ligt in de toekomst; werkelijke uitgaven boekt u als ze gedaan zijn.");
            var stall = c.YesNo("runsDuringStall");
            return month is { } mm && kind is { } k
                ? new BudgetRow(mm, k, planned, actual, stall ?? RunsDuringStallByDefault(k), c.Text("name"))
                : null;
        }, (_, rows) => Duplicates(rows));

    private static decimal? Money(RowCells c, string field)
    {
        var value = c.Decimal(field);
        if (value is not { } amount) return null;
        if (amount < 0m) c.Problem(field, "mag niet negatief zijn.");
        else if (decimal.Round(amount, 2) != amount) c.Problem(field, "heeft meer dan 2 decimalen; bedragen zijn in euro's en centen.");
        return amount;
    }

    private static IEnumerable<(int, string, string)> Duplicates(IReadOnlyList<ImportedRow<BudgetRow>> rows)
    {
        var first = new Dictionary<(YearMonth, WorkKind, string), int>();
        foreach (var row in rows)
        {
            var key = (row.Item.Month, row.Item.Kind, HeaderMatcher.Normalise(row.Item.PackageName));
            if (first.TryGetValue(key, out var at))
                yield return (row.Row, "kind", $"{DutchFormat.Month(row.Item.Month)} {KindLabel(row.Item.Kind)} ({row.Item.PackageName}) staat er al in op rij {at}.");
            else first[key] = row.Row;
        }
    }

    /// <summary>
    /// The plan's work packages from the budgeted amounts on a plan that never stalls (work month w in the start month + w − 1):
    /// <see cref="WorkPlan(IReadOnlyList{ImportedRow{BudgetRow}}, WorkCalendar)"/> on <see cref="WorkCalendar.Straight"/>.
    /// </summary>
    public static (ImmutableArray<BudgetPackage> Packages, ImmutableArray<(int Row, string Field, string Reason)> Problems) WorkPlan(
        IReadOnlyList<ImportedRow<BudgetRow>> rows, YearMonth startMonth, int workMonths)
    {
        var placed = WorkPlan(rows, WorkCalendar.Straight(startMonth, workMonths));
        return (placed.Packages, placed.Problems);
    }

    /// <summary>
    /// The plan's work packages from the budgeted amounts, placed on the cash timeline's calendar (<see cref="WorkCalendar"/>): a
    /// calendar month in which the line does work month w budgets work month w; consecutive work months with the same category,
    /// name, amount and stall setting merge into one package. A month before the plan's start, after the month of its last work
    /// month, or after the line's last month while the work is unfinished is a problem on the row's Maand. A month in which the
    /// line has the work standing still (a windstilte, a wait for a milestone) is a warning: its Begroot is not placed (a stalled
    /// month has no work month of its own; the line charges the fixed costs of the work month waited on), its Werkelijk is booked.
    /// </summary>
    public static BudgetPlacement WorkPlan(IReadOnlyList<ImportedRow<BudgetRow>> rows, WorkCalendar calendar)
    {
        var problems = ImmutableArray.CreateBuilder<(int, string, string)>();
        var placed = new List<(ImportedRow<BudgetRow> Row, int WorkMonth)>();
        var standing = new List<(ImportedRow<BudgetRow> Row, int WaitingFor)>();
        var unfunded = new List<ImportedRow<BudgetRow>>();
        foreach (var row in rows.Where(r => r.Item.Planned is > 0m))
        {
            var month = row.Item.Month;
            var at = calendar.Place(month);
            switch (at.Kind)
            {
                case PlacementKind.BeforeStart:
                    problems.Add((row.Row, "month", $"{DutchFormat.Month(month)} ligt vóór de start van het kasstroomplan ({DutchFormat.Month(calendar.Start)})."));
                    break;
                case PlacementKind.AfterEnd:
                    problems.Add((row.Row, "month", $"{DutchFormat.Month(month)} ligt na het einde van het werkprogramma ({calendar.WorkMonths} werkmaanden, "
                                                    + $"t/m {DutchFormat.Month(at.LastWorkMonth!.Value)}{StallNote(calendar)}); verleng eerst de fasen van het plan."));
                    break;
                case PlacementKind.BeyondTimeline:
                    problems.Add((row.Row, "month", $"{DutchFormat.Month(month)} ligt na de laatste maand van de kaslijn ({DutchFormat.Month(calendar.Months.IsEmpty ? calendar.Start : calendar.Months[^1].Month)}), "
                                                    + $"en het werk is dan niet af: het staat stil op werkmaand {at.WorkMonth} van {calendar.WorkMonths} omdat er geen geld meer komt. "
                                                    + "Zo'n maand heeft geen plaats in het werkprogramma; leg eerst de financiering vast (tranches, subsidie)."));
                    break;
                case PlacementKind.Standstill:
                    standing.Add((row, at.WorkMonth));
                    break;
                default:
                    placed.Add((row, at.WorkMonth));
                    if (at.Unfunded) unfunded.Add(row);
                    break;
            }
        }
        // Work behind the plan's simulation: the line does a work month again after today that its past already has. Two rows for
        // one work month would be paid twice; the later one is refused, and the message says how to make the line know better.
        foreach (var twice in placed.GroupBy(p => (p.Row.Item.Kind, p.Row.Item.PackageName, p.Row.Item.RunsDuringStall, p.WorkMonth)).Where(g => g.Count() > 1).ToList())
        {
            var first = twice.OrderBy(p => p.Row.Item.Month).First();
            foreach (var again in twice.Where(p => p != first))
            {
                problems.Add((again.Row.Row, "month", $"{DutchFormat.Month(again.Row.Item.Month)} is volgens de kaslijn opnieuw werkmaand {again.WorkMonth}, die al in "
                                                      + $"{DutchFormat.Month(first.Row.Item.Month)} viel (rij {first.Row.Row}): het werk staat volgens de geboekte uitgaven "
                                                      + "achter op het plan. Meld de voortgang (warmte progress report), dan weet de kaslijn hoe ver het werk is."));
                placed.Remove(again);
            }
        }
        var packages = ImmutableArray.CreateBuilder<BudgetPackage>();
        foreach (var group in placed.GroupBy(p => (p.Row.Item.Kind, p.Row.Item.PackageName, p.Row.Item.RunsDuringStall)))
        {
            (int From, int To, decimal Cost, List<int> Rows)? open = null;
            foreach (var (row, workMonth) in group.OrderBy(p => p.WorkMonth))
            {
                var cost = row.Item.Planned!.Value;
                if (open is { } o && o.To + 1 == workMonth && o.Cost == cost) { o.Rows.Add(row.Row); open = o with { To = workMonth }; continue; }
                if (open is { } done) packages.Add(Package(group.Key, done));
                open = (workMonth, workMonth, cost, [row.Row]);
            }
            if (open is { } last) packages.Add(Package(group.Key, last));
        }
        return new BudgetPlacement(packages.ToImmutable(), problems.ToImmutable(), Standstills(standing, calendar).AddRange(Unfunded(unfunded, calendar)));
    }

    /// <summary>One warning naming the rows placed after the cash line's last month (<see cref="CalendarMonth.Unfunded"/>): they are in the plan, without money.</summary>
    private static IEnumerable<BudgetWarning> Unfunded(List<ImportedRow<BudgetRow>> rows, WorkCalendar calendar)
    {
        if (rows.Count == 0) yield break;
        var lineEnd = calendar.Months.LastOrDefault(m => !m.Unfunded)?.Month;
        var (from, to) = (rows.Min(r => r.Item.Month), rows.Max(r => r.Item.Month));
        var months = from == to ? DutchFormat.Month(from) : $"{DutchFormat.Month(from)} t/m {DutchFormat.Month(to)}";
        var end = lineEnd is { } e ? $"na {DutchFormat.Month(e)}, de laatste maand van de kaslijn" : "na het einde van de kaslijn";
        yield return new BudgetWarning([.. rows.Select(r => r.Row).Order()],
            $"{months}: {end}, komt er volgens de kaslijn geen geld meer en staat het werk stil. Deze werkmaanden staan in het werkplan "
            + "alsof het geld er komt; zonder nieuwe financiering (tranches, subsidie) worden ze niet betaald.");
    }

    /// <summary>", met de windstiltes van de kaslijn": said when the calendar has months standing still, so the end month is not read as start + work months.</summary>
    private static string StallNote(WorkCalendar calendar) =>
        calendar.Months.Any(m => !m.Working && (calendar.LastWorkMonth is not { } end || m.Month < end)) ? " volgens de kaslijn, met de windstiltes die er waren en die verwacht worden" : "";

    /// <summary>One warning per stretch of consecutive budgeted months in which the line has the work standing still, naming its rows.</summary>
    private static ImmutableArray<BudgetWarning> Standstills(List<(ImportedRow<BudgetRow> Row, int WaitingFor)> standing, WorkCalendar calendar)
    {
        var warnings = ImmutableArray.CreateBuilder<BudgetWarning>();
        var byMonth = standing.GroupBy(s => s.Row.Item.Month).OrderBy(g => g.Key).ToList();
        var i = 0;
        while (i < byMonth.Count)
        {
            var j = i;
            while (j + 1 < byMonth.Count && byMonth[j + 1].Key == byMonth[j].Key.PlusMonths(1) && byMonth[j + 1].First().WaitingFor == byMonth[i].First().WaitingFor) j++;
            var stretch = byMonth.Skip(i).Take(j - i + 1).ToList();
            var rows = stretch.SelectMany(g => g.Select(s => s.Row.Row)).Order().ToImmutableArray();
            var from = stretch[0].Key;
            var to = stretch[^1].Key;
            var months = from == to ? DutchFormat.Month(from) : $"{DutchFormat.Month(from)} t/m {DutchFormat.Month(to)}";
            var total = stretch.SelectMany(g => g).Sum(s => s.Row.Item.Planned!.Value);
            var waiting = stretch[0].First().WaitingFor;
            var past = calendar.Today is { } today && to < today ? "stond" : "staat";
            warnings.Add(new BudgetWarning(rows,
                $"{months}: volgens de kaslijn {past} het werk dan stil (het wacht op werkmaand {waiting} van {calendar.WorkMonths}); "
                + $"de Begroot ({DutchFormat.Money(total)}) gaat niet in het werkplan. In een stille maand rekent de kaslijn alleen de kosten "
                + $"die bij stilstand doorlopen (Loopt door bij stilstand) van werkmaand {waiting}; de Werkelijk van deze rijen wordt wel geboekt. "
                + "Wordt er die maanden toch gewerkt, boek dan de uitgaven of meld de voortgang: dan schuift de kaslijn mee; lees de begroting daarna opnieuw in."));
            i = j + 1;
        }
        return warnings.ToImmutable();
    }

    private static BudgetPackage Package((WorkKind Kind, string Name, bool Stall) key, (int From, int To, decimal Cost, List<int> Rows) range) =>
        new(new WorkPackageEntry
        {
            Name = key.Name, Kind = JsonNamingPolicy.CamelCase.ConvertName(key.Kind.ToString()), MonthlyCost = range.Cost,
            FromMonth = range.From, ToMonth = range.To, RunsDuringStall = key.Stall,
        }, [.. range.Rows]);

    private static readonly JsonSerializerOptions PlanJson = new()
    {
        ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
    };

    /// <summary>The plan's start month and work months, or why the budget cannot be placed in it.</summary>
    public static Outcome<(YearMonth Start, int WorkMonths, ImmutableArray<WorkPackageEntry?> WorkPlan)> Frame(string planJson)
    {
        var read = PlanReader.Read(planJson);
        if (!read.IsOk) return read.Refusal!;
        var plan = read.Value!;
        var file = JsonSerializer.Deserialize<PlanFile>(planJson, PlanJson)!;
        return Outcome<(YearMonth, int, ImmutableArray<WorkPackageEntry?>)>.Ok(
            (plan.StartMonth, plan.Phases.Length == 0 ? 0 : plan.Phases[^1].LastMonth, [.. file.WorkPlan ?? []]));
    }

    /// <summary>
    /// What an import that replaces the work plan says beforehand (tester T9: a 2-row sheet replaced a € 5.817.000 plan
    /// without a word): "Het bestaande werkplan (€ 5.817.000,00, 01-2019 t/m 06-2023) wordt vervangen door dit bestand
    /// (€ 87.000,00, 01-2019 t/m 11-2026)." Null when the saved plan has no work plan (nothing is lost).
    /// </summary>
    public static string? ReplacementNote(CashFlowPlan saved, CashFlowPlan proposed, WorkCalendar? calendar = null) =>
        saved.WorkPlan.IsDefaultOrEmpty ? null
        : $"Het bestaande werkplan ({Extent(saved, calendar)}) wordt vervangen door dit bestand ({Extent(proposed, calendar)}): "
          + "wat niet in het bestand staat, valt uit het werkplan.";

    /// <summary>
    /// "€ 87.000,00, 01-2019 t/m 11-2026": the work plan's planned cost and the calendar months it spans, on the cash timeline's
    /// <paramref name="calendar"/> (the one the budget was placed on); without one, or for a work month it does not reach, as if nothing stalled.
    /// </summary>
    public static string Extent(CashFlowPlan plan, WorkCalendar? calendar = null)
    {
        var total = DutchFormat.Money(plan.PlannedCost);
        if (plan.WorkPlan.IsDefaultOrEmpty) return total;
        YearMonth MonthOf(int w) => calendar?.MonthOf(w) ?? plan.StartMonth.PlusMonths(w - 1);
        var first = MonthOf(plan.WorkPlan.Min(p => p.FromMonth));
        var last = MonthOf(plan.WorkPlan.Max(p => Math.Min(p.ToMonth, plan.WorkMonths)));
        return $"{total}, {DutchFormat.Month(first)} t/m {DutchFormat.Month(last)}";
    }

    /// <summary>Whether the plan's work plan already is exactly these packages (then importing changes nothing).</summary>
    public static bool SameWorkPlan(IReadOnlyList<WorkPackageEntry?> existing, IReadOnlyList<BudgetPackage> packages) =>
        existing.Count == packages.Count
        && existing.Zip(packages).All(p => p.First is { } e && Same(e, p.Second.Entry));

    private static bool Same(WorkPackageEntry a, WorkPackageEntry b) =>
        a.Name == b.Name && string.Equals(a.Kind, b.Kind, StringComparison.OrdinalIgnoreCase) && a.MonthlyCost == b.MonthlyCost
        && a.Phase is null && a.FromMonth == b.FromMonth && (a.ToMonth ?? a.FromMonth) == b.ToMonth && (a.RunsDuringStall ?? false) == b.RunsDuringStall;

    /// <summary>The plan with its work plan replaced by the packages; every other part of the plan stays as it was.</summary>
    public static string WithWorkPlan(string planJson, IReadOnlyList<BudgetPackage> packages)
    {
        var node = JsonNode.Parse(planJson, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true })!.AsObject();
        node["workPlan"] = new JsonArray([.. packages.Select(p => (JsonNode)new JsonObject
        {
            ["name"] = p.Entry.Name, ["kind"] = p.Entry.Kind, ["monthlyCost"] = p.Entry.MonthlyCost,
            ["fromMonth"] = p.Entry.FromMonth, ["toMonth"] = p.Entry.ToMonth, ["runsDuringStall"] = p.Entry.RunsDuringStall,
        })]);
        return node.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    /// <summary>The month totals of actual spending per (month, kind): rows of the same month and kind add up.</summary>
    public static ImmutableArray<(MonthTotal Total, ImmutableArray<int> Rows)> Totals(IReadOnlyList<ImportedRow<BudgetRow>> rows) =>
    [
        .. rows.Where(r => r.Item.Actual is not null)
            .GroupBy(r => (r.Item.Month, r.Item.Kind))
            .OrderBy(g => g.Key.Month).ThenBy(g => g.Key.Kind)
            .Select(g => (new MonthTotal
            {
                Month = g.Key.Month, Kind = g.Key.Kind.ToString(), Amount = g.Sum(r => r.Item.Actual!.Value),
                Note = TotalNote,
            }, g.Select(r => r.Row).ToImmutableArray())),
    ];

    /// <summary>The note of a month total read from a budget sheet.</summary>
    public const string TotalNote = "uit de begroting/realisatie-spreadsheet";

    public static string Iso(YearMonth month) => YearMonthPattern.Iso.Format(month);
}
