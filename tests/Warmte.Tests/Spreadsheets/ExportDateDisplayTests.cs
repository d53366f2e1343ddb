using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using ClosedXML.Excel;
using Warmte.Alerts;
using Warmte.Spreadsheets.Export;

namespace Warmte.Tests.Spreadsheets;

/// <summary>
/// Dates in the exports as a coordinator sees them in Gnumeric or LibreOffice: every date cell of every sheet
/// shows dd-mm-jjjj (nl-NL), not the spreadsheet's built-in date format ("2026/12/07"). Gnumeric converts the
/// file with the displayed formats kept; the expected text is made from the cell's date value.
/// </summary>
public sealed class ExportDateDisplayTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("warmte-dates-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Save(ExportWorkbook workbook, string name)
    {
        var file = Path.Combine(_dir.FullName, name);
        using (workbook) File.WriteAllBytes(file, XlsxFile.ToBytes(workbook));
        return file;
    }

    private static PortfolioExport Portfolio(out ImmutableArray<PortfolioRow> rows)
    {
        var ketelhuis = ReferenceExport.KetelhuisWg();
        var quiet = ReferenceExport.Project(Domain.ProjectRulesTests.NewProject() with { Id = "quiet", Name = "Rustig project" }, "Coöperatie Rust",
            Cooperatives.CooperativeKind.HeatNetwork, ReferenceExport.Model("ketelhuiswg.json"), [Warmte.Grants.GrantView.Of(Tests.Grants.GrantRulesTests.Paw())], null);
        rows = [.. Warmte.Alerts.Portfolio.Sort(new[] { quiet, ketelhuis }.Select(p => Warmte.Alerts.Portfolio.Row(p.Project, p.Grants, ReferenceExport.Today, p.CashFlow?.Outlook)))];
        return new PortfolioExport(ReferenceExport.Today, rows, new[] { ketelhuis, quiet }.ToImmutableDictionary(p => p.Project.Id));
    }

    [Fact]
    public void The_portfolio_shows_the_next_expected_payment_as_dd_mm_jjjj()
    {
        var file = Save(PortfolioWorkbook.Write(Portfolio(out var rows), ReferenceExport.Context), "portefeuille.xlsx");
        var shown = Displayed(file)["Portefeuille"];
        var column = Array.IndexOf(shown[0], "Volgende betaling verwacht");
        Assert.True(column >= 0, string.Join(" | ", shown[0]));
        var withPayment = rows.Select((r, i) => (r, i)).Where(x => x.r.NextExpectedPayment is not null).ToList();
        Assert.NotEmpty(withPayment);
        foreach (var (row, index) in withPayment)
        {
            var date = row.NextExpectedPayment!.Value;
            Assert.Equal($"{date.Day:00}-{date.Month:00}-{date.Year}", shown[index + 1][column]);
        }
    }

    [Fact]
    public void Every_date_cell_of_the_umbrella_project_and_portfolio_workbooks_shows_as_dd_mm_jjjj()
    {
        var files = new[]
        {
            Save(UmbrellaWorkbook.Write(ReferenceExport.Umbrella(ReferenceExport.KetelhuisWg(), ReferenceExport.Zonnedak()), ReferenceExport.Context), "apec.xlsx"),
            Save(ProjectWorkbook.Write(ReferenceExport.KetelhuisWg(), ReferenceExport.Context), "project.xlsx"),
            Save(PortfolioWorkbook.Write(Portfolio(out _), ReferenceExport.Context), "portefeuille.xlsx"),
        };
        var failures = new List<string>();
        var checkedCells = 0;
        foreach (var file in files)
        {
            var shown = Displayed(file);
            using var workbook = new XLWorkbook(file);
            foreach (var sheet in workbook.Worksheets)
                foreach (var cell in sheet.CellsUsed(c => !c.HasFormula && c.DataType == XLDataType.DateTime))
                {
                    var value = cell.GetDateTime();
                    // Month cells (the cash position per month) are months, not dates: mm-jjjj; a moment has its time.
                    var expected = value.TimeOfDay != TimeSpan.Zero ? value.ToString("dd-MM-yyyy HH:mm", CultureInfo.InvariantCulture)
                        : cell.Style.NumberFormat.Format == SheetFormat.Month ? value.ToString("MM-yyyy", CultureInfo.InvariantCulture)
                        : value.ToString("dd-MM-yyyy", CultureInfo.InvariantCulture);
                    var rows = shown[sheet.Name];
                    var text = cell.Address.RowNumber <= rows.Count && cell.Address.ColumnNumber <= rows[cell.Address.RowNumber - 1].Length
                        ? rows[cell.Address.RowNumber - 1][cell.Address.ColumnNumber - 1] : "(leeg)";
                    checkedCells++;
                    if (text != expected) failures.Add($"{Path.GetFileName(file)} {sheet.Name}!{cell.Address}: shows '{text}', expected '{expected}'");
                }
        }
        Assert.True(checkedCells >= 10, $"Only {checkedCells} date cells found: the check found nothing to check.");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>Every sheet of <paramref name="xlsx"/> as Gnumeric displays it (formats kept), by sheet name, [row][column] 0-based.</summary>
    private Dictionary<string, List<string[]>> Displayed(string xlsx)
    {
        using var workbook = new XLWorkbook(xlsx);
        var names = workbook.Worksheets.Select(s => s.Name).ToList();
        var prefix = Path.Combine(_dir.FullName, Path.GetFileNameWithoutExtension(xlsx) + "-shown");
        var (code, stderr) = Gnumeric.Run("-S", "-T", "Gnumeric_stf:stf_assistant",
            "-O", "format=preserve separator=, quoting-mode=always eol=unix", xlsx, prefix + "-%n.csv");
        Assert.True(code == 0, $"ssconvert failed ({code}): {stderr}");
        Gnumeric.AssertSilent(stderr, xlsx);
        return names.Select((name, i) => (name, i)).ToDictionary(x => x.name, x => Csv(File.ReadAllText($"{prefix}-{x.i}.csv")));
    }

    /// <summary>Quoted CSV as ssconvert writes it: every field in quotes, a quote doubled, line breaks inside fields kept.</summary>
    private static List<string[]> Csv(string text)
    {
        var rows = new List<string[]>();
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { row.Add(field.ToString()); field.Clear(); }
            else if (c == '\n') { row.Add(field.ToString()); field.Clear(); rows.Add([.. row]); row.Clear(); }
            else field.Append(c);
        }
        if (field.Length > 0 || row.Count > 0) { row.Add(field.ToString()); rows.Add([.. row]); }
        return rows;
    }
}
