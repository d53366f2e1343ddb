using System.Globalization;
using System.Collections.Immutable;
using ClosedXML.Excel;
using Warmte.Alerts;
using Warmte.BusinessCase.Engine;
using Warmte.Spreadsheets.Export;
using Xunit.Abstractions;

namespace Warmte.Tests.Spreadsheets;

/// <summary>
/// The umbrella, project and portfolio workbooks as a coordinator opens them: the file reads back,
/// Gnumeric converts it without complaint, and after Gnumeric recalculates it every checked formula
/// equals the engine's own value (business case), the simulator's (cash position) or the data's (totals).
/// </summary>
public sealed class ExportWorkbookTests(ITestOutputHelper output) : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("warmte-export-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Save(ExportWorkbook workbook, string name)
    {
        var file = Path.Combine(_dir.FullName, name);
        using (workbook) File.WriteAllBytes(file, XlsxFile.ToBytes(workbook));
        return file;
    }

    [Fact]
    public void Every_project_sheet_of_the_umbrella_workbook_recalculated_by_gnumeric_equals_the_engine_and_the_simulator()
    {
        var ketelhuis = ReferenceExport.KetelhuisWg();
        var zonnedak = ReferenceExport.Zonnedak();
        var export = ReferenceExport.Umbrella(ketelhuis, zonnedak);
        var workbook = UmbrellaWorkbook.Write(export, ReferenceExport.Context);
        var file = Save(workbook, "apec.xlsx");

        var failures = new List<string>();
        var compared = 0;
        foreach (var project in new[] { ketelhuis, zonnedak })
        {
            using var reread = new XLWorkbook(file);
            var layout = Layout(reread, project);
            var values = Gnumeric.RecalculatedSheet(file, project.Project.Id);
            var engine = BusinessCaseEngine.Evaluate(project.BusinessCase!.Inputs);
            failures.AddRange(BusinessCaseFormulaTests.Disagreements(values, layout.BusinessCase!, project.BusinessCase.Inputs, engine, out var n)
                .Select(f => $"{project.Project.Id}: {f}"));
            compared += n;
            if (project.CashFlow is not null)
            {
                // The actual cash line (tester T3): the actual months, then the projection from the actual state.
                var line = project.CashTimeline!.Actual.Months.Select(a => (a.Month, a.Opening, a.Closing))
                    .Concat((project.CashTimeline.Projection?.Months ?? []).Select(p => (p.Month, p.Opening, p.Closing))).ToList();
                Assert.NotNull(layout.Cash);
                Assert.Equal(line.Count, layout.Cash!.Months);
                for (var m = 0; m < line.Count; m++)
                {
                    var row = layout.Cash!.FirstRow + m;
                    foreach (var (column, expected) in new[] { (layout.Cash.OpeningColumn, line[m].Opening), (layout.Cash.ClosingColumn, line[m].Closing) })
                    {
                        compared++;
                        if (BusinessCaseFormulaTests.Disagreement(BusinessCaseFormulaTests.Cell(values, row, column), expected) is { } why)
                            failures.Add($"{project.Project.Id} cash {line[m].Month} column {column}: {why}");
                    }
                }
            }
        }
        output.WriteLine($"{compared} formula cells compared with the engine and the simulator.");
        Assert.True(failures.Count == 0, $"{failures.Count} of {compared} disagree:\n" + string.Join("\n", failures.Take(60)));
        Assert.True(compared > 2000, $"only {compared} cells compared");
    }

    /// <summary>The layout as the writer made it: the workbook is written again the same way (writing is deterministic).</summary>
    private static ProjectSheetLayout Layout(XLWorkbook reread, ProjectExport project)
    {
        using var scratch = new XLWorkbook();
        var layout = ProjectSheet.Write(scratch, project, new HashSet<string>());
        // The rewritten layout must match what is in the file: same label in the same place.
        var sheet = reread.Worksheet(project.Project.Id);
        var revenueRow = layout.BusinessCase!.Rows[BusinessCaseLine.Revenue];
        Assert.Equal("Omzet (excl. btw)", sheet.Cell(revenueRow, 1).GetString());
        return layout;
    }

    [Fact]
    public void Changing_an_input_cell_changes_the_results_as_the_engine_would()
    {
        var ketelhuis = ReferenceExport.KetelhuisWg();
        var file = Save(ProjectWorkbook.Write(ketelhuis, ReferenceExport.Context), "wg-terrein.xlsx");
        using (var workbook = new XLWorkbook(file))
        {
            // The coordinator's question: what if the municipality lends at 5% instead of 3%, and the tariff is € 650?
            var sheet = workbook.Worksheet("wg-terrein");
            var loanRow = sheet.Column(1).CellsUsed().First(c => c.GetString() == "Gemeente Amsterdam").Address.RowNumber;
            Assert.Equal(0.03m, sheet.Cell(loanRow, 4).GetValue<decimal>());
            sheet.Cell(loanRow, 4).SetValue(0.05m);
            var tariffRow = sheet.Column(1).CellsUsed().First(c => c.GetString().StartsWith("Vast tarief per woningequivalent", StringComparison.Ordinal)).Address.RowNumber;
            sheet.Cell(tariffRow, 3).SetValue(650m);
            workbook.Save();
        }
        var inputs = ketelhuis.BusinessCase!.Inputs;
        var changed = inputs with
        {
            Loans = [.. inputs.Loans.Select(l => l with { Terms = l.Terms with { AnnualRate = 0.05m } })],
            Revenue = inputs.Revenue with { FixedTariffPerYear = 650m },
        };
        var engine = BusinessCaseEngine.Evaluate(changed);
        Assert.NotEqual(BusinessCaseEngine.Evaluate(inputs).Kpis.MinDscr, engine.Kpis.MinDscr);
        var layout = Layout(new XLWorkbook(file), ketelhuis);
        // Saved again by ClosedXML itself (the edit above), not by the export: its empty tableParts draw Gnumeric's warning.
        var failures = BusinessCaseFormulaTests.Disagreements(Gnumeric.RecalculatedSheet(file, "wg-terrein", exported: false), layout.BusinessCase!, changed, engine, out var compared);
        Assert.True(failures.Count == 0, $"{failures.Count} of {compared} disagree:\n" + string.Join("\n", failures.Take(40)));
    }

    [Fact]
    public void The_umbrella_workbook_opens_with_a_frozen_filtered_overview_formats_risk_marks_and_an_explanation()
    {
        var ketelhuis = ReferenceExport.KetelhuisWg();
        var zonnedak = ReferenceExport.Zonnedak();
        var file = Save(UmbrellaWorkbook.Write(ReferenceExport.Umbrella(ketelhuis, zonnedak), ReferenceExport.Context), "apec.xlsx");

        // Gnumeric reads and writes it without errors or warnings.
        var (code, stderr) = Gnumeric.Run(file, Path.Combine(_dir.FullName, "apec.gnumeric"));
        Assert.True(code == 0, stderr);
        Gnumeric.AssertSilent(stderr, file);

        // No values are cached with the formulas, so the file asks spreadsheets to calculate on opening.
        using (var zip = System.IO.Compression.ZipFile.OpenRead(file))
        using (var reader = new StreamReader(zip.GetEntry("xl/workbook.xml")!.Open()))
            Assert.Contains("fullCalcOnLoad=\"1\"", reader.ReadToEnd());

        using var workbook = new XLWorkbook(file);
        Assert.Equal(["Overzicht", "wg-terrein", "zonnedak-sporthal", "Toelichting"], workbook.Worksheets.Select(s => s.Name));
        var overview = workbook.Worksheet("Overzicht");
        Assert.Equal(1, overview.SheetView.SplitRow);
        Assert.True(overview.AutoFilter.IsEnabled);
        Assert.Equal(OverviewSheet.Columns.Select(c => c.Header), overview.Row(1).Cells(1, OverviewSheet.Columns.Length).Select(c => c.GetString()));
        Assert.Single(overview.ConditionalFormats);

        // Cooperatives by name, one row per project, one for the cooperative without a project.
        Assert.Equal(["Coöperatie KetelhuisWG U.A.", "Energiecoöperatie Zon Oost U.A.", "Oranje Energie"],
            overview.Column(1).CellsUsed().Skip(1).Select(c => c.GetString()));
        int Col(string header) => OverviewSheet.Columns.Select(c => c.Header).ToList().IndexOf(header) + 1;
        var wg = overview.Row(2);
        var kpis = ketelhuis.BusinessCase!.Kpis;
        Assert.Equal(kpis.Uses, wg.Cell(Col("Investering")).GetValue<decimal>());
        Assert.Equal(SheetFormat.Euro, wg.Cell(Col("Investering")).Style.NumberFormat.Format);
        Assert.Equal(7_800_000m, wg.Cell(Col("Lening hoofdsom")).GetValue<decimal>());
        Assert.Equal(0.03m, wg.Cell(Col("Lening rente")).GetValue<decimal>());
        Assert.Equal(SheetFormat.Percent, wg.Cell(Col("Lening rente")).Style.NumberFormat.Format);
        Assert.Equal(1_000_000m, wg.Cell(Col("Subsidie uitbetaald")).GetValue<decimal>());
        Assert.True(wg.Cell(Col("Leden")).IsEmpty(), "no member register yet: the column stays empty");
        Assert.Equal("'wg-terrein'!A1", wg.Cell(Col("Blad")).Hyperlink.InternalAddress);
        Assert.True(overview.Row(4).Cell(Col("Risico")).IsEmpty(), "a cooperative without a project has no risk verdict");
        // F15: "Financiering rond" with the cash gap in time beside it, and the gap as a number to sort and filter on.
        foreach (var (row, project) in new[] { (2, ketelhuis), (3, zonnedak) })
        {
            var k = project.BusinessCase!.Kpis;
            var gap = k.LowestCashBalance < 0m ? -k.LowestCashBalance : 0m;
            var expected = gap > 0m
                ? $"{(k.FinancingCloses ? "ja" : "nee")}, overbrugging € {decimal.Round(gap, 0, MidpointRounding.AwayFromZero).ToString("#,##0", CultureInfo.GetCultureInfo("nl-NL"))} in {k.LowestCashBalanceYear}"
                : k.FinancingCloses ? "ja" : "nee";
            Assert.Equal(expected, overview.Row(row).Cell(Col("Financiering rond")).GetString());
            Assert.Equal(gap, overview.Row(row).Cell(Col("Overbrugging nodig")).GetValue<decimal>());
            Assert.Equal(SheetFormat.Euro, overview.Row(row).Cell(Col("Overbrugging nodig")).Style.NumberFormat.Format);
        }
        Assert.StartsWith("ja, overbrugging € ", wg.Cell(Col("Financiering rond")).GetString()); // KetelhuisWG closes on paper and dips below zero
        Assert.True(overview.Row(4).Cell(Col("Financiering rond")).IsEmpty(), "no project, no business case");

        // The risk formula, recalculated: at risk exactly when the documented rule says so.
        var values = Gnumeric.RecalculatedSheet(file, "Overzicht");
        foreach (var (row, project) in new[] { (2, ketelhuis), (3, zonnedak) })
        {
            var k = project.BusinessCase!.Kpis;
            var runway = OverviewSheet.RunwayBeforeGap(project);
            var atRisk = k.MinDscr < k.LenderMinDscr || k.Surplus < 0m || runway < OverviewSheet.RiskRunwayMonths || project.Alerts.Length > 0;
            Assert.Equal(atRisk ? "ja" : "nee", BusinessCaseFormulaTests.Cell(values, row, Col("Risico")));
        }
        Assert.Equal("ja", BusinessCaseFormulaTests.Cell(values, 2, Col("Risico"))); // KetelhuisWG: the PAW request waits past the norm

        // The explanation: the export moment from the clock, every overview column, the model's assumptions.
        var notes = workbook.Worksheet("Toelichting");
        Assert.Equal(new DateTime(2026, 11, 22, 13, 0, 0), notes.Cell(2, 2).GetDateTime());
        var text = string.Join("\n", notes.CellsUsed().Select(c => c.GetString()));
        foreach (var column in OverviewSheet.Columns) Assert.Contains(column.Meaning, text);
        foreach (var assumption in ketelhuis.BusinessCase.Inputs.Assumptions) Assert.Contains(assumption.Reasoning, text);
    }

    [Fact]
    public void The_portfolio_workbook_lists_funded_projects_most_urgent_first_with_totals_as_formulas()
    {
        var ketelhuis = ReferenceExport.KetelhuisWg();
        var quiet = ReferenceExport.Project(Domain.ProjectRulesTests.NewProject() with { Id = "quiet", Name = "Rustig project" }, "Coöperatie Rust",
            Cooperatives.CooperativeKind.HeatNetwork, ReferenceExport.Model("ketelhuiswg.json"), [Warmte.Grants.GrantView.Of(Tests.Grants.GrantRulesTests.Paw())], null);
        var rows = Portfolio.Sort(new[] { quiet, ketelhuis }.Select(p => Portfolio.Row(p.Project, p.Grants, ReferenceExport.Today, p.CashFlow?.Outlook)));
        var export = new PortfolioExport(ReferenceExport.Today, rows,
            new[] { ketelhuis, quiet }.ToImmutableDictionary(p => p.Project.Id));
        var file = Save(PortfolioWorkbook.Write(export, ReferenceExport.Context), "portefeuille.xlsx");

        using var workbook = new XLWorkbook(file);
        Assert.Equal(["Portefeuille", "wg-terrein", "quiet", "Toelichting"], workbook.Worksheets.Select(s => s.Name));
        var sheet = workbook.Worksheet("Portefeuille");
        Assert.Equal(["Warmtenet WG-terrein", "Rustig project"], new[] { 2, 3 }.Select(r => sheet.Cell(r, 1).GetString()));
        Assert.Equal("hoog", sheet.Cell(2, PortfolioWorkbook.WorstColumn).GetString());

        var values = Gnumeric.RecalculatedSheet(file, "Portefeuille");
        var totals = PortfolioWorkbook.TotalsRow(rows.Length);
        Assert.Equal("Totaal", BusinessCaseFormulaTests.Cell(values, totals, 1));
        foreach (var (column, expected) in new[] { (4, rows.Sum(r => r.Granted)), (5, rows.Sum(r => r.Paid)), (6, rows.Sum(r => r.Outstanding)) })
            Assert.Null(BusinessCaseFormulaTests.Disagreement(BusinessCaseFormulaTests.Cell(values, totals, column), expected));
    }

    [Fact]
    public void Text_people_typed_that_looks_like_a_formula_stays_text()
    {
        const string Name = "=HYPERLINK(\"http://example.org\",\"klik\")";
        var record = Domain.ProjectRulesTests.NewProject() with { Id = "formule", Name = Name, Technology = "=1+1" };
        var project = ReferenceExport.Project(record, "@SUM(A1)", Cooperatives.CooperativeKind.HeatNetwork, ReferenceExport.Model("zonnedak-sporthal.json"), [], null);
        var file = Save(UmbrellaWorkbook.Write(ReferenceExport.Umbrella(project), ReferenceExport.Context), "formule.xlsx");
        using var workbook = new XLWorkbook(file);
        var overview = workbook.Worksheet("Overzicht");
        Assert.Equal(Name, overview.Cell(2, 3).GetString());
        Assert.False(overview.Cell(2, 3).HasFormula);
        var sheet = workbook.Worksheet("formule");
        Assert.DoesNotContain(sheet.Range(1, 1, 15, 2).CellsUsed(), c => c.HasFormula);
        Assert.Contains(sheet.Range(1, 1, 15, 2).CellsUsed(), c => c.GetString() == "=1+1");
    }

    [Fact]
    public void A_project_without_business_case_grants_or_plan_still_exports_and_says_what_is_missing()
    {
        var bare = ReferenceExport.Zonnedak() with { BusinessCase = null };
        var file = Save(ProjectWorkbook.Write(bare, ReferenceExport.Context), "kaal.xlsx");
        using var workbook = new XLWorkbook(file);
        var text = string.Join("\n", workbook.Worksheet("zonnedak-sporthal").CellsUsed().Select(c => c.GetString()));
        Assert.Contains("nog geen businesscase opgeslagen", text);
        Assert.Contains("Geen subsidies vastgelegd.", text);
        Assert.Contains("Geen kasstroomplan vastgelegd.", text);
        Assert.DoesNotContain(workbook.Worksheet("zonnedak-sporthal").CellsUsed(), c => c.HasFormula);
    }
}
