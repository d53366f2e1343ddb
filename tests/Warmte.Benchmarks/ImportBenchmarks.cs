using System.Text;
using BenchmarkDotNet.Attributes;
using ClosedXML.Excel;
using NodaTime;
using Warmte.Spreadsheets.Import;

namespace Warmte.Benchmarks;

/// <summary>
/// Importing a member list of 10,000 rows (issue 6 target: under 3 s): reading the file, finding the
/// header, reading every cell and checking every row with the domain rules, for .csv and .xlsx.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class ImportBenchmarks
{
    private const int Rows = 10_000;
    private string _csv = null!;
    private string _xlsx = null!;
    private string _budget = null!;

    [GlobalSetup]
    public void Setup()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"warmte-import-bench-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        _csv = Path.Combine(dir, "leden.csv");
        _xlsx = Path.Combine(dir, "leden.xlsx");
        var text = new StringBuilder("Ledenlijst\r\n\r\nLidnummer;Naam;Categorie;WEQ;Postcode;Huisnummer;Toevoeging;Lid sinds;Stemrecht\r\n");
        using var workbook = new XLWorkbook();
        var sheet = workbook.AddWorksheet("Leden");
        string[] header = ["Lidnummer", "Naam", "Categorie", "WEQ", "Postcode", "Huisnummer", "Toevoeging", "Lid sinds", "Stemrecht"];
        for (var c = 0; c < header.Length; c++) sheet.Cell(3, c + 1).Value = header[c];
        for (var i = 1; i <= Rows; i++)
        {
            var postcode = $"10{i % 90 + 10} AB";
            var joined = new LocalDate(2020, 1, 1).PlusDays(i % 1500);
            text.Append($"L-{i:00000};Lid {i};huurder;1;{postcode};{i % 200 + 1};;{joined:dd-MM-yyyy};ja\r\n");
            var row = i + 3;
            sheet.Cell(row, 1).Value = $"L-{i:00000}";
            sheet.Cell(row, 2).Value = $"Lid {i}";
            sheet.Cell(row, 3).Value = "huurder";
            sheet.Cell(row, 4).Value = 1;
            sheet.Cell(row, 5).Value = postcode;
            sheet.Cell(row, 6).Value = i % 200 + 1;
            sheet.Cell(row, 8).Value = joined.ToDateTimeUnspecified();
            sheet.Cell(row, 9).Value = "ja";
        }
        File.WriteAllText(_csv, text.ToString(), Encoding.UTF8);
        // Six years of a monthly budget, six categories, plan and actual side by side (432 rows).
        _budget = Path.Combine(dir, "begroting.csv");
        var budget = new StringBuilder("Begroting\r\n\r\nMaand;Categorie;Begroot;Werkelijk\r\n");
        string[] kinds = ["ontwerp", "businesscase", "contracten", "communicatie", "organisatie", "adviseurs"];
        for (var m = 0; m < 72; m++)
            foreach (var kind in kinds)
                budget.Append($"{new YearMonth(2019, 1).PlusMonths(m):yyyy-MM};{kind};{10_000 + m % 7 * 1_000},00;{9_500 + m % 5 * 1_000},50\r\n");
        File.WriteAllText(_budget, budget.ToString(), Encoding.UTF8);
        workbook.SaveAs(_xlsx);
    }

    private static int Import(string path) =>
        Imports.Members(SheetReader.Read(path).Value!, new LocalDate(2026, 11, 22)).Rows.Length;

    [Benchmark(Description = "Import 10,000 members from .csv (read + check)")]
    public int Csv() => Import(_csv);

    [Benchmark(Description = "Import 10,000 members from .xlsx (read + check)")]
    public int Xlsx() => Import(_xlsx);

    [Benchmark(Description = "Import a 6-year monthly budget (432 rows) from .csv: read, check, build the work plan and month totals")]
    public int Budget()
    {
        var result = BudgetImport.Read(SheetReader.Read(_budget).Value!, new YearMonth(2026, 11));
        var (packages, _) = BudgetImport.WorkPlan(result.Rows, new YearMonth(2019, 1), 72);
        return packages.Length + BudgetImport.Totals(result.Rows).Length;
    }
}
