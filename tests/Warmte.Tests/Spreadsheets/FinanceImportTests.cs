using System.Diagnostics;
using System.Text;
using NodaTime;
using Warmte.CashFlow;
using Warmte.Grants;
using Warmte.Spreadsheets.Import;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Spreadsheets;

/// <summary>
/// The budget and tranche imports on their own (no service): messy files as treasurers keep them,
/// every problem with row and column, the budget turned into the plan's work months, the tranche
/// file compared with what the service has recorded, and the service's own refusals mapped back.
/// </summary>
public sealed class FinanceImportTests
{
    private static readonly YearMonth ThisMonth = new(2026, 11);

    static FinanceImportTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private static string TempFile(string extension) => Path.Combine(Path.GetTempPath(), $"warmte-finance-{Guid.NewGuid():N}{extension}");

    /// <summary>Title, merged-looking title cells, header on row 4, ';', decimal commas, Windows-1252, trailing empty rows.</summary>
    private static string BudgetCsv(params string[] rows)
    {
        var path = TempFile(".csv");
        var text = "Begroting en realisatie Coöperatie KetelhuisWG;;;;;\r\n;;;;;\r\nBedragen in euro's;;;;;\r\n"
                   + "Periode;Kostenpost;Begroting;Realisatie;Vaste kosten;Omschrijving;Opmerking\r\n"
                   + string.Concat(rows.Select(r => r + "\r\n")) + ";;;;;;\r\n;;;;;;\r\n";
        File.WriteAllBytes(path, Encoding.GetEncoding(1252).GetBytes(text));
        return path;
    }

    private static ImportResult<BudgetRow> ReadBudget(string path)
    {
        var sheets = SheetReader.Read(path);
        Assert.True(sheets.IsOk, sheets.Refusal?.Errors[0].Reason);
        return BudgetImport.Read(sheets.Value!, ThisMonth);
    }

    [Fact]
    public void A_dutch_budget_csv_reads_months_categories_and_decimal_comma_amounts()
    {
        var result = ReadBudget(BudgetCsv(
            "mrt 2025;Ontwerp;75.000,00;71.250,50;;Ontwerp TEO;akkoord penningmeester",
            "2025-04;organisatie;12000;;;;",
            "05-2025;Communicatie;;6.100,00;nee;;"));
        Assert.True(result.IsClean, string.Join("\n", result.Problems));
        Assert.Equal(4, result.Mapping!.HeaderRow);
        Assert.Equal([5, 6, 7], result.Rows.Select(r => r.Row));
        var design = result.Rows[0].Item;
        Assert.Equal((new YearMonth(2025, 3), WorkKind.Design, 75_000m, 71_250.50m, false, "Ontwerp TEO"),
            (design.Month, design.Kind, design.Planned, design.Actual, design.RunsDuringStall, design.Name));
        // Organisation runs on in a stall by default; a row can say otherwise.
        Assert.True(result.Rows[1].Item.RunsDuringStall);
        Assert.False(result.Rows[2].Item.RunsDuringStall);
        Assert.Null(result.Rows[2].Item.Planned);
    }

    [Fact]
    public void Every_budget_problem_names_the_row_and_the_column()
    {
        var result = ReadBudget(BudgetCsv(
            "2025-03;Catering;100;;;;",
            "vorige maand;Ontwerp;100;;;;",
            "2025-03;Ontwerp;honderd;;;;",
            "2027-01;Ontwerp;100;50;;;",
            "2025-04;Ontwerp;;;;;",
            "2025-05;Adviseurs;100;;ja;;",
            "2025-05;advisers;200;;;;",
            "2025-06;Adviseurs;100;;misschien;;"));
        var problems = result.Problems.Select(p => p.ToString()).ToList();
        Assert.Contains(problems, p => p.Contains("rij 5, kolom B (Kostenpost)") && p.Contains("'Catering' is geen categorie"));
        Assert.Contains(problems, p => p.Contains("rij 6, kolom A (Periode)") && p.Contains("geen maand"));
        Assert.Contains(problems, p => p.Contains("rij 7, kolom C (Begroting)") && p.Contains("geen getal"));
        Assert.Contains(problems, p => p.Contains("rij 8, kolom D (Realisatie)") && p.Contains("in de toekomst"));
        Assert.Contains(problems, p => p.Contains("rij 9, kolom C (Begroting)") && p.Contains("geen bedrag"));
        Assert.Contains(problems, p => p.Contains("rij 11, kolom B (Kostenpost)") && p.Contains("rij 10"));
        Assert.Contains(problems, p => p.Contains("rij 12, kolom E (Vaste kosten)"));
        Assert.Equal([10], result.Rows.Select(r => r.Row));
    }

    [Fact]
    public void Budget_months_become_work_months_of_the_plan_and_equal_months_merge_into_one_package()
    {
        var result = ReadBudget(BudgetCsv(
            "2019-01;Ontwerp;75000;;;;", "2019-02;Ontwerp;75000;;;;", "2019-03;Ontwerp;80000;;;;",
            "2019-02;Organisatie;12000;;;;", "2019-04;Organisatie;12000;;;;",
            "2018-12;Adviseurs;1000;;;;", "2020-01;Adviseurs;1000;;;;"));
        Assert.True(result.IsClean, string.Join("\n", result.Problems));
        var (packages, problems) = BudgetImport.WorkPlan(result.Rows, new YearMonth(2019, 1), workMonths: 12);
        Assert.Equal(
            [("design", 1, 2, 75000m, false), ("design", 3, 3, 80000m, false), ("organisation", 2, 2, 12000m, true), ("organisation", 4, 4, 12000m, true)],
            packages.Select(p => (p.Entry.Kind!, p.Entry.FromMonth!.Value, p.Entry.ToMonth!.Value, p.Entry.MonthlyCost!.Value, p.Entry.RunsDuringStall!.Value)));
        Assert.Equal([5, 6], packages[0].Rows.ToArray());
        Assert.Equal([(10, "month"), (11, "month")], problems.Select(p => (p.Row, p.Field)));
        Assert.Contains("vóór de start", problems[0].Reason);
        Assert.Contains("na het einde van het werkprogramma", problems[1].Reason);

        // The plan keeps everything but its work plan; putting the same packages again is "the same".
        var plan = RepoFiles.Read("models", "ketelhuiswg-ontwikkeling.json");
        var replaced = BudgetImport.WithWorkPlan(plan, packages);
        var frame = BudgetImport.Frame(replaced);
        Assert.True(frame.IsOk, frame.Refusal?.ToString());
        Assert.Equal(new YearMonth(2019, 1), frame.Value.Start);
        Assert.True(BudgetImport.SameWorkPlan(frame.Value.WorkPlan, packages));
        Assert.False(BudgetImport.SameWorkPlan(BudgetImport.Frame(plan).Value.WorkPlan, packages));
        var (before, after) = (PlanReader.Read(plan).Value!, PlanReader.Read(replaced).Value!);
        Assert.Equal(before.Grant.Tranches.ToArray(), after.Grant.Tranches.ToArray());
        Assert.Equal(before.Phases.Select(p => (p.Name, p.FirstMonth, p.LastMonth, p.Budget)), after.Phases.Select(p => (p.Name, p.FirstMonth, p.LastMonth, p.Budget)));
        Assert.Equal((before.StartMonth, before.OpeningBalance, before.CashBuffer, before.LeadTimes), (after.StartMonth, after.OpeningBalance, after.CashBuffer, after.LeadTimes));
    }

    [Fact]
    public void The_services_field_paths_come_back_as_rows_and_columns()
    {
        var result = ReadBudget(BudgetCsv("2019-01;Ontwerp;75000;;;;", "2019-02;Ontwerp;75000;;;;"));
        var problems = ServiceProblems.Map(result.Mapping!,
            [("plan.workPlan[0].monthlyCost", "is te hoog."), ("plan.phases", "klopt niet.")],
            i => i == 0 ? [5, 6] : [], f => f == "monthlyCost" ? "planned" : null).Select(p => p.ToString()).ToList();
        Assert.EndsWith("', rij 5, kolom C (Begroting): geweigerd door de dienst: is te hoog.", problems[0]);
        Assert.Contains("rij 6, kolom C (Begroting)", problems[1]);
        Assert.Contains("rij 4: geweigerd door de dienst: plan.phases: klopt niet.", problems[2]);
    }

    // ---- tranches

    private static string TrancheCsv(params string[] rows)
    {
        var path = TempFile(".csv");
        var text = "Tranches PAW;;;;;;;;;\r\n\r\n\r\n"
                   + "Tranche nr;Bedrag;Geplande datum;Datum aanvraag;Verantwoording;Besteed;Goedkeuring;Betaald op;Betaald bedrag;Status\r\n"
                   + string.Concat(rows.Select(r => r + "\r\n")) + ";;;;;;;;;\r\n";
        File.WriteAllBytes(path, Encoding.GetEncoding(1252).GetBytes(text));
        return path;
    }

    private static ImportResult<TrancheRow> ReadTranches(string path, Func<string, bool>? isThisGrant = null)
    {
        var sheets = SheetReader.Read(path);
        Assert.True(sheets.IsOk, sheets.Refusal?.Errors[0].Reason);
        return TrancheImport.Read(sheets.Value!, isThisGrant ?? (_ => true));
    }

    [Fact]
    public void A_tranche_list_with_dutch_headers_dates_and_amounts_reads_cleanly()
    {
        var result = ReadTranches(TrancheCsv(
            "1;1.000.000,00;01-03-2020;15-03-2020;01-09-2020;912.345,67;01-12-2020;15-12-2020;1.000.000,00;betaald",
            "2;1.000.000,00;01-03-2021;2021-06-01;;;;;;aangevraagd",
            "3;700.000,00;;;;;;;;gepland"));
        Assert.True(result.IsClean, string.Join("\n", result.Problems));
        var first = result.Rows[0].Item;
        Assert.Equal((1, 1_000_000m, new LocalDate(2020, 3, 1), new LocalDate(2020, 9, 1), 912_345.67m, new LocalDate(2020, 12, 15), 1_000_000m),
            (first.Number, first.Amount, first.PlannedOn!.Value, first.AccountedOn!.Value, first.AccountedAmount!.Value, first.PaidOn!.Value, first.PaidAmount!.Value));
        Assert.Equal(new LocalDate(2021, 6, 1), result.Rows[1].Item.RequestedOn);
    }

    [Fact]
    public void Every_tranche_problem_names_the_row_and_the_column()
    {
        var result = ReadTranches(TrancheCsv(
            "1;1000000;;15-03-2020;;;01-12-2020;;;",
            "2;1000000;;15-03-2021;;;;;;",
            "2;1000000;;;;;;;;",
            "3;1000000;;15-03-2021;01-03-2021;500000;;;;",
            "4;veel;;;;;;;;",
            "5;100;volgend jaar;;;;;;;"));
        var problems = result.Problems.Select(p => p.ToString()).ToList();
        Assert.Contains(problems, p => p.Contains("rij 5, kolom E (Verantwoording)") && p.Contains("is leeg, maar de tranche heeft wel 'Goedgekeurd'"));
        Assert.Contains(problems, p => p.Contains("rij 7, kolom A (Tranche nr)") && p.Contains("rij 6"));
        Assert.Contains(problems, p => p.Contains("rij 8, kolom E (Verantwoording)") && p.Contains("data lopen niet terug"));
        Assert.Contains(problems, p => p.Contains("rij 9, kolom B (Bedrag)") && p.Contains("geen getal"));
        Assert.Contains(problems, p => p.Contains("rij 10, kolom C (Geplande datum)") && p.Contains("geen datum"));
    }

    /// <summary>
    /// Tester finding A13: one bad cell in tranche 1's row added a false "tranche 1 ontbreekt" on the next row, because
    /// the numbering was checked over the good rows only. Only the real problem is reported; a real gap still is.
    /// </summary>
    [Fact]
    public void A_bad_cell_in_a_tranches_row_does_not_make_that_tranche_missing()
    {
        var oneBadCell = ReadTranches(TrancheCsv(
            "1;€ 250.000,00;;1-3-2025;1-9-2025;240.000,50;1-11-2025;15-11-2025;250.000;",
            "2;250000;1-3-2026;1-4-2026;;;;;;",
            "3;100.000,5;1-1-2027;;;;;;;"));
        var problem = Assert.Single(oneBadCell.Problems);
        Assert.Equal((5, "I (Betaald bedrag)"), (problem.Row, problem.Column));
        Assert.Contains("dubbelzinnig", problem.Reason);
        Assert.Equal([2, 3], oneBadCell.Rows.Select(r => r.Item.Number));

        var gap = ReadTranches(TrancheCsv("1;250000;;;;;;;;", "3;100000;;;;;;;;"));
        var missing = Assert.Single(gap.Problems);
        Assert.Equal((6, "tranche 2 ontbreekt; de tranches zijn genummerd 1, 2, 3, … zonder gaten."), (missing.Row, missing.Reason));

        var duplicateBesideABadCell = ReadTranches(TrancheCsv("1;veel;;;;;;;;", "1;100000;;;;;;;;"));
        Assert.Equal(["B (Bedrag)", "A (Tranche nr)"], duplicateBesideABadCell.Problems.Select(p => p.Column));
        Assert.Contains("staat er al in op rij 5", duplicateBesideABadCell.Problems[1].Reason);

        // A number that cannot be read is that row's problem; the others are not reported missing because of it.
        var unreadable = ReadTranches(TrancheCsv("een;250000;;;;;;;;", "2;100000;;;;;;;;"));
        Assert.Equal([(5, "A (Tranche nr)")], unreadable.Problems.Select(p => (p.Row, p.Column)));
    }

    [Fact]
    public void Rows_of_another_grant_and_totals_rows_are_skipped()
    {
        var path = TempFile(".csv");
        File.WriteAllText(path, "Subsidie;Tranche;Gepland bedrag\nRijk, PAW;1;1000000\nGemeente, KFA;1;50000\nTotaal PAW;;1000000\nRijk, PAW;2;700000\n");
        var result = ReadTranches(path, name => HeaderMatcher.Normalise(name) == HeaderMatcher.Normalise("Rijk, PAW"));
        Assert.True(result.IsClean, string.Join("\n", result.Problems));
        Assert.Equal([1, 2], result.Rows.Select(r => r.Item.Number));
        Assert.Equal([2, 5], result.Rows.Select(r => r.Row));
        // Tester finding F11: the other grant's row is said to be skipped, with its row, column and value (a totals row is not news).
        var skipped = Assert.Single(result.Skipped);
        Assert.Equal("rij 3: overgeslagen, kolom A (Subsidie) 'Gemeente, KFA' is niet de subsidie die u inleest.", skipped);
    }

    /// <summary>
    /// Tester finding A6: the export's project sheet has its cash, decision and consent tables below the tranche
    /// table; their rows were each reported as "another grant's row" (137 lines for the demo project). The table
    /// runs to its first blank row; below it only a row shaped like a tranche (number and amount) is another grant's.
    /// </summary>
    [Fact]
    public void The_tables_below_the_tranche_table_are_not_reported_as_another_grants_rows()
    {
        var path = TempFile(".csv");
        File.WriteAllText(path, string.Join("\n",
            "Subsidie (financier, regeling);Tranche;Gepland bedrag;Gepland op",
            "Rijk, PAW;1;1000000;01-03-2020",
            "Totaal PAW: toegekend, uitbetaald, openstaand;;1000000;",
            "Gemeente, KFA;1;50000;01-06-2020",
            "Totaal KFA: toegekend, uitbetaald, openstaand;;50000;",
            "",
            "Kaspositie per maand (huidig regime: tranche na goedgekeurde verantwoording);;;",
            "Maand;Status;Fase;Begin",
            "2020-01;werk;Ontwikkeling;125000",
            "2020-02;windstilte;Ontwikkeling;98000",
            "",
            "Complex (huurdersinstemming);Corporatie;Huurwoningen;Akkoord",
            "Stadgenoot complex B (fictief);Stadgenoot;48;30",
            "",
            "Gemeente, KFA;2;60000;01-06-2021") + "\n");
        var result = ReadTranches(path, name => HeaderMatcher.Normalise(name) == HeaderMatcher.Normalise("Rijk, PAW"));
        Assert.True(result.IsClean, string.Join("\n", result.Problems));
        Assert.Equal([1], result.Rows.Select(r => r.Item.Number));
        // The other grant's rows are still said to be skipped: in the table, and below a blank row when shaped like a tranche.
        Assert.Equal(
            [
                "rij 4: overgeslagen, kolom A (Subsidie (financier, regeling)) 'Gemeente, KFA' is niet de subsidie die u inleest.",
                "rij 15: overgeslagen, kolom A (Subsidie (financier, regeling)) 'Gemeente, KFA' is niet de subsidie die u inleest.",
            ],
            result.Skipped.ToArray());
    }

    private static Grant PawGrant(params Tranche[] tranches) => new()
    {
        Id = "paw", ProjectId = "p", Funder = "Rijk", Scheme = "PAW", AmountGranted = 2_700_000m, DecidedOn = new LocalDate(2020, 1, 1),
        EarnedBack = false, PreviousAccountingFirst = true, Tranches = [.. tranches], CreatedAt = Instant.FromUtc(2020, 1, 1, 0, 0),
    };

    private static Tranche Recorded(int number, params (TrancheStatus To, LocalDate On)[] steps) => new()
    {
        Number = number, PlannedAmount = 1_000_000m, Status = steps.Length == 0 ? TrancheStatus.Gepland : steps[^1].To,
        Steps = [.. steps.Select(s => new TrancheStep { To = s.To, On = s.On, Actor = "x", RecordedAt = Instant.FromUtc(2020, 1, 1, 0, 0) })],
        Accounting = steps.Any(s => s.To == TrancheStatus.VerantwoordingIngediend)
            ? new Accounting { AmountSpent = 900_000m, PeriodFrom = new LocalDate(2020, 1, 1), PeriodTo = new LocalDate(2020, 8, 31) } : null,
    };

    [Fact]
    public void The_tranche_file_is_compared_with_what_the_service_recorded()
    {
        var result = ReadTranches(TrancheCsv(
            "1;1000000;;15-03-2020;01-09-2020;900000;01-12-2020;15-12-2020;;",
            "2;1000000;;01-06-2021;;;;;;",
            "3;700000;01-01-2023;;;;;;;"));
        Assert.True(result.IsClean, string.Join("\n", result.Problems));
        var grant = PawGrant(
            Recorded(1, (TrancheStatus.Aangevraagd, new LocalDate(2020, 3, 15)), (TrancheStatus.VerantwoordingIngediend, new LocalDate(2020, 9, 1))),
            Recorded(2, (TrancheStatus.Aangevraagd, new LocalDate(2021, 5, 1))));
        var sync = TrancheImport.Compare(result.Rows, grant);
        Assert.True(sync.PlanChanges); // tranche 3 is new
        Assert.Equal(2, sync.StepsAlreadyRecorded);
        Assert.Equal([(5, TrancheAction.Approve), (5, TrancheAction.Pay)], sync.Steps.Select(s => (s.Row, s.Action)));
        Assert.Equal(1_000_000m, sync.Steps[1].Command.Amount); // paid amount defaults to the planned amount
        var conflict = Assert.Single(sync.Problems);
        Assert.Equal((6, "requestedOn"), (conflict.Row, conflict.Field));
        Assert.Contains("01-05-2021", conflict.Reason);

        // Without a grant every dated step is to be sent; a new accounting needs its amount.
        var fresh = TrancheImport.Compare(ReadTranches(TrancheCsv("1;1000000;;15-03-2020;01-09-2020;;;;;")).Rows, null);
        Assert.Equal([TrancheAction.Request], fresh.Steps.Select(s => s.Action));
        Assert.Equal((5, "accountedAmount"), (fresh.Problems[0].Row, fresh.Problems[0].Field));
    }

    [Theory]
    [InlineData(".xls")]
    [InlineData(".xlsx")]
    public void Budget_and_tranche_files_saved_by_a_spreadsheet_program_read_with_real_date_cells(string extension)
    {
        var budgetCsv = TempFile(".csv");
        File.WriteAllText(budgetCsv, "Budget,,,\n\nMonth,Category,Budgeted,Actual\n2025-03-01,design,75000.5,70000\n2025-04-01,advisers,1000,\n");
        var budget = ReadBudget(Convert(budgetCsv, extension));
        Assert.True(budget.IsClean, string.Join("\n", budget.Problems));
        Assert.Equal([(new YearMonth(2025, 3), 75_000.5m), (new YearMonth(2025, 4), 1000m)], budget.Rows.Select(r => (r.Item.Month, r.Item.Planned!.Value)));

        var trancheCsv = TempFile(".csv");
        File.WriteAllText(trancheCsv, "Tranche,Amount,Requested,Paid on,Approved,Accounting,Spent\n1,1000000,2020-03-15,2020-12-15,2020-12-01,2020-09-01,900000\n");
        var tranches = ReadTranches(Convert(trancheCsv, extension));
        Assert.True(tranches.IsClean, string.Join("\n", tranches.Problems));
        Assert.Equal(new LocalDate(2020, 12, 15), tranches.Rows[0].Item.PaidOn);
    }

    [Fact]
    public void A_budget_under_merged_title_cells_with_trailing_formatted_rows_reads_from_its_header()
    {
        var path = TempFile(".xlsx");
        using (var workbook = new ClosedXML.Excel.XLWorkbook())
        {
            var sheet = workbook.AddWorksheet("Begroting 2025");
            sheet.Cell(1, 1).SetValue("Begroting en realisatie 2025 — KetelhuisWG");
            sheet.Range(1, 1, 2, 6).Merge();
            string[] header = ["Maand", "Post", "Begroot", "Realisatie", "Vaste kosten", "Omschrijving"];
            for (var c = 0; c < header.Length; c++) sheet.Cell(4, c + 1).SetValue(header[c]);
            sheet.Cell(5, 1).SetValue(new DateTime(2025, 3, 1));
            sheet.Cell(5, 2).SetValue("Ontwerp");
            sheet.Cell(5, 3).SetValue(75_000.25);
            sheet.Cell(5, 4).SetValue(70_000);
            sheet.Cell(6, 1).SetValue("april 2025");
            sheet.Cell(6, 2).SetValue("Organisatie");
            sheet.Cell(6, 3).SetValue(12_000);
            sheet.Range(7, 1, 30, 6).Style.Fill.BackgroundColor = ClosedXML.Excel.XLColor.LightYellow; // formatted, empty
            sheet.Range(7, 1, 30, 6).Style.NumberFormat.Format = "#,##0.00";
            workbook.SaveAs(path);
        }
        var result = ReadBudget(path);
        Assert.True(result.IsClean, string.Join("\n", result.Problems));
        Assert.Equal(4, result.Mapping!.HeaderRow);
        Assert.Equal([(new YearMonth(2025, 3), WorkKind.Design, 75_000.25m), (new YearMonth(2025, 4), WorkKind.Organisation, 12_000m)],
            result.Rows.Select(r => (r.Item.Month, r.Item.Kind, r.Item.Planned!.Value)));
    }

    private static string Convert(string csv, string extension)
    {
        var to = Path.ChangeExtension(csv, extension);
        var start = new ProcessStartInfo("ssconvert") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(csv);
        start.ArgumentList.Add(to);
        using var process = Process.Start(start)!;
        process.WaitForExit(30_000);
        Assert.True(File.Exists(to), $"ssconvert did not write {to}: {process.StandardError.ReadToEnd()}");
        return to;
    }

    // ---- the service's rules behind the imports

    [Fact]
    public void Month_totals_create_update_leave_alone_and_remove_one_booking_per_month_and_kind()
    {
        var now = Instant.FromUtc(2026, 11, 22, 10, 0);
        MonthTotal Total(string month, string kind, decimal amount) =>
            new() { Month = NodaTime.Text.YearMonthPattern.Iso.Parse(month).Value, Kind = kind, Amount = amount };
        var first = ActualCash.SetTotals([], [Total("2025-03", "Design", 100m), Total("2025-03", "advisers", 50m)], ThisMonth, "bestuur", now);
        Assert.True(first.IsOk);
        Assert.Equal(new MonthTotalsResult(2, 0, 0, 0), first.Value.Result with { Message = null });
        var again = ActualCash.SetTotals(first.Value.Bookings, [Total("2025-03", "Design", 100m), Total("2025-03", "Advisers", 60m), Total("2025-04", "Design", 0m)], ThisMonth, "bestuur", now);
        Assert.Equal(new MonthTotalsResult(0, 1, 2, 0), again.Value.Result with { Message = null });
        Assert.Equal("Al geboekte uitgaven: 03-2025 adviseurs: het eerder ingelezen maandtotaal (€ 50,00) wordt € 60,00. Losse boekingen worden nooit veranderd (corrigeren: warmte spending correct).", again.Value.Result.Message);
        Assert.Equal(160m, again.Value.Bookings.Sum(b => b.Amount));
        var removed = ActualCash.SetTotals(again.Value.Bookings, [Total("2025-03", "Design", 0m)], ThisMonth, "bestuur", now);
        Assert.Equal(new MonthTotalsResult(0, 0, 0, 1), removed.Value.Result with { Message = null });
        Assert.Equal([60m], removed.Value.Bookings.Select(b => b.Amount));

        var bad = ActualCash.SetTotals([], [Total("2027-01", "Design", 1m), Total("2025-01", "Catering", 1m), Total("2025-01", "Design", -1m)], ThisMonth, "bestuur", now);
        Assert.Equal(["totals[0].month", "totals[1].kind", "totals[2].amount"], bad.Refusal!.Errors.Select(e => e.Field));
    }

    [Fact]
    public void A_tranche_plan_changes_only_where_no_tranche_was_requested()
    {
        var grant = PawGrant(Recorded(1, (TrancheStatus.Aangevraagd, new LocalDate(2020, 3, 15))), Recorded(2));
        PlannedTranche?[] plan = [new() { Amount = 1_000_000m }, new() { Amount = 900_000m, PlannedOn = new LocalDate(2021, 1, 1) }, new() { Amount = 800_000m }];
        var replanned = GrantRules.Replan(grant, plan, otherTranches: 0);
        Assert.True(replanned.IsOk);
        Assert.Equal([1_000_000m, 900_000m, 800_000m], replanned.Value!.Value.Tranches.Select(t => t.PlannedAmount));
        Assert.Equal(TrancheStatus.Aangevraagd, replanned.Value.Value.Tranches[0].Status);
        Assert.True(GrantRules.SamePlan(replanned.Value.Value, plan));

        var requestedChanged = GrantRules.Replan(grant, [new() { Amount = 500_000m }], otherTranches: 0);
        Assert.Equal(["tranches[0].amount"], requestedChanged.Refusal!.Errors.Select(e => e.Field));
        var tooMuch = GrantRules.Replan(grant, [new() { Amount = 1_000_000m }, new() { Amount = 2_000_000m }], otherTranches: 0);
        Assert.Contains("meer dan de toekenning", Assert.Single(tooMuch.Refusal!.Errors).Reason);
        var dropRequested = GrantRules.Replan(PawGrant(Recorded(1), Recorded(2, (TrancheStatus.Aangevraagd, new LocalDate(2021, 1, 1)))), [new() { Amount = 1_000_000m }], otherTranches: 0);
        Assert.Contains("kan niet uit het plan vervallen", Assert.Single(dropRequested.Refusal!.Errors).Reason);
    }
}
