using System.Net;
using System.Text.Json.Nodes;
using ClosedXML.Excel;
using NodaTime;
using NodaTime.Testing;
using Warmte.Spreadsheets.Import;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Spreadsheets;

/// <summary>
/// An .xlsx saved after the user formatted whole columns: LibreOffice Calc writes every row out to column 1.024 (the
/// fixtures begroting-/ledenlijst-kolom-opgemaakt.xlsx, made by Calc), ClosedXML writes a whole row styled to column
/// 16.384 and a whole column styled (Range("C:C")) as 1.048.576 rows. ExcelDataReader reports all of them; only the
/// cells up to the last value count against the limits, as in the .ods reader, and values beyond a limit are still refused.
/// </summary>
public sealed class FormattedColumnsTests
{
    private static string Fixture(string name) => RepoFiles.Path("tests", "Warmte.Tests", "Spreadsheets", "Fixtures", name);

    /// <summary>
    /// A budget as ClosedXML writes it, with the header row styled to the last column (A1:XFD1, <paramref name="wholeRow"/>)
    /// and/or column C (Begroot) styled as a whole column in euros (Range("C:C"), <paramref name="wholeColumn"/>), and
    /// <paramref name="extra"/> to add cells.
    /// </summary>
    internal static byte[] StyledBudget(bool wholeRow, bool wholeColumn, Action<IXLWorksheet>? extra = null)
    {
        using var book = new XLWorkbook();
        var sheet = book.AddWorksheet("Begroting");
        string[] header = ["Maand", "Categorie", "Begroot", "Werkelijk"];
        for (var c = 0; c < header.Length; c++) sheet.Cell(1, c + 1).Value = header[c];
        sheet.Cell(2, 1).SetValue("01-2019");
        sheet.Cell(2, 2).Value = "ontwerp";
        sheet.Cell(2, 3).Value = 75_000;
        sheet.Cell(3, 1).SetValue("06-2023");
        sheet.Cell(3, 2).Value = "organisatie";
        sheet.Cell(3, 3).Value = 12_000;
        if (wholeRow) sheet.Range("A1:XFD1").Style.Font.Bold = true;
        if (wholeColumn) sheet.Range("C:C").Style.NumberFormat.Format = "€ #,##0.00";
        extra?.Invoke(sheet);
        using var stream = new MemoryStream();
        book.SaveAs(stream);
        return stream.ToArray();
    }

    private static string Shown(SheetRow row) =>
        $"{row.Number}: " + string.Join(" | ", row.Cells.Select(c => Convert.ToString(c, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void A_calc_budget_with_whole_columns_formatted_reads_within_the_default_limits_up_to_its_last_value()
    {
        var read = SheetReader.Read(Fixture("begroting-kolom-opgemaakt.xlsx"));
        Assert.True(read.IsOk, read.Refusal?.Errors[0].Reason); // before: "heeft 1.024 kolommen; hoogstens 200 toegestaan"
        var sheet = Assert.Single(read.Value!);
        Assert.Equal(["1: Maand | Categorie | Begroot | Werkelijk", "2: 01-2019 | ontwerp | 75000", "3: 06-2023 | organisatie | 12000"],
            sheet.Rows.Select(Shown));
    }

    [Fact]
    public void A_calc_member_list_with_whole_columns_formatted_imports_its_three_members()
    {
        var read = SheetReader.Read(Fixture("ledenlijst-kolom-opgemaakt.xlsx"));
        Assert.True(read.IsOk, read.Refusal?.Errors[0].Reason);
        Assert.All(read.Value![0].Rows, r => Assert.Equal(7, r.Cells.Length)); // Lidnummer to Lid sinds, not to column 1.024
        var members = Imports.Members(read.Value!, new LocalDate(2026, 12, 7));
        Assert.True(members.IsClean, string.Join("\n", members.Problems));
        Assert.Equal<(string?, decimal?, LocalDate?)>([("K-1", 1m, new LocalDate(2021, 1, 1)), ("K-2", 2.5m, new LocalDate(2022, 2, 1)), ("K-3", 1m, new LocalDate(2023, 3, 15))],
            members.Rows.Select(r => (r.Item.Number, r.Item.Woningequivalenten, r.Item.JoinedOn)));
    }

    private const string Budget = "1: Maand | Categorie | Begroot | Werkelijk\n2: 01-2019 | ontwerp | 75000\n3: 06-2023 | organisatie | 12000";

    [Fact]
    public void A_closedxml_budget_with_a_whole_column_styled_reads_three_rows_not_a_million()
    {
        // ExcelDataReader gives 1.048.576 rows (over the default limit of 100.000); the ones after the last value are not kept.
        var file = StyledBudget(wholeRow: false, wholeColumn: true);
        var read = SheetReader.Read(new MemoryStream(file), "begroting.xlsx");
        Assert.True(read.IsOk, read.Refusal?.Errors[0].Reason);
        Assert.Equal(Budget, string.Join("\n", read.Value![0].Rows.Select(Shown)));
        Assert.True(SheetReader.Read(new MemoryStream(file), "begroting.xlsx", ImportLimits.Default with { MaxRows = 10_000 }).IsOk);
    }

    [Fact]
    public void A_closedxml_budget_with_a_whole_row_styled_reads_four_columns_not_16384()
    {
        var read = SheetReader.Read(new MemoryStream(StyledBudget(wholeRow: true, wholeColumn: false)), "begroting.xlsx");
        Assert.True(read.IsOk, read.Refusal?.Errors[0].Reason); // before: "heeft 16.384 kolommen; hoogstens 200 toegestaan"
        Assert.Equal(Budget, string.Join("\n", read.Value![0].Rows.Select(Shown)));
    }

    [Fact]
    public void Formatted_rows_as_wide_as_the_sheet_are_refused_before_they_take_hours()
    {
        // A million rows of 16.384 cells, all empty but the budget: refused once more cells were read than five times the
        // cells the limits allow, naming what to do, instead of reading 17 billion cells. Lower limits than the defaults
        // (5 × 1.000 × 50 = 250.000 cells: the 16th row of 16.384 passes it) keep this test quick; with the defaults
        // (5 × 100.000 × 200) the same refusal comes at row 6.104, after minutes.
        var read = SheetReader.Read(new MemoryStream(StyledBudget(wholeRow: true, wholeColumn: true)), "begroting.xlsx",
            ImportLimits.Default with { MaxRows = 1_000, MaxColumns = 50 });
        var reason = Assert.Single(read.Refusal!.Errors).Reason;
        Assert.StartsWith("blad 'Begroting' is met zijn opgemaakte lege rijen en kolommen te groot om te lezen: al 16 rijen van 16.384 kolommen", reason);
        Assert.Contains("Wis de opmaak van de lege rijen en kolommen", reason);
    }

    [Fact]
    public void A_value_beyond_the_limits_is_still_refused_with_the_limit_named()
    {
        var wide = StyledBudget(wholeRow: true, wholeColumn: false, sheet => sheet.Cell(3, 301).Value = "ver weg");
        var columns = SheetReader.Read(new MemoryStream(wide), "begroting.xlsx");
        Assert.Equal("blad 'Begroting' heeft 301 kolommen; hoogstens 200 toegestaan (WARMTE_IMPORT_MAX_COLUMNS).",
            Assert.Single(columns.Refusal!.Errors).Reason);
        Assert.Equal(301, SheetReader.Read(new MemoryStream(wide), "begroting.xlsx", ImportLimits.Default with { MaxColumns = 301 }).Value![0].Rows[2].Cells.Length);

        var deep = StyledBudget(wholeRow: false, wholeColumn: true, sheet => sheet.Cell(100_001, 1).SetValue("07-2023"));
        var rows = SheetReader.Read(new MemoryStream(deep), "begroting.xlsx");
        Assert.Equal("blad 'Begroting' heeft meer dan 100.000 rijen, de grens voor een spreadsheet (WARMTE_IMPORT_MAX_ROWS); splits het bestand.",
            Assert.Single(rows.Refusal!.Errors).Reason);
        // Within a raised limit the empty rows between are kept, so every row keeps its number in the sheet.
        var raised = SheetReader.Read(new MemoryStream(deep), "begroting.xlsx", ImportLimits.Default with { MaxRows = 100_001 }).Value![0];
        Assert.Equal(100_001, raised.Rows.Length);
        Assert.Equal((100_001, "07-2023"), (raised.Rows[^1].Number, raised.Rows[^1][0]));
        Assert.True(raised.Rows[50_000].IsBlank);
    }

    [Fact]
    public void Empty_text_cells_are_no_values_and_a_csv_keeps_its_blank_rows_between_values()
    {
        var csv = "Naam;Huisnummer;;;\r\n;;;;\r\nJan;14;;;\r\n;;;;\r\n;;;;\r\n"u8.ToArray();
        var sheet = SheetReader.Read(new MemoryStream(csv), "leden.csv", ImportLimits.Default with { MaxColumns = 2, MaxRows = 3 }).Value![0];
        Assert.Equal(["1: Naam | Huisnummer", "2: ", "3: Jan | 14"], sheet.Rows.Select(Shown));
    }
}

/// <summary>
/// The built <c>warmte</c> as a separate process imports the whole-column-formatted budgets and member lists (Calc's and
/// ClosedXML's) against a service dated 06-12-2026: before, each was refused with "heeft 1.024 (16.384) kolommen".
/// </summary>
public sealed class FormattedColumnsProcessTests : IAsyncLifetime
{
    private WarmteServer server = null!;
    private HttpClient admin = null!;
    private string coop = null!;
    private string project = null!;
    private string dir = null!;
    private Dictionary<string, string> environment = null!;

    public async Task InitializeAsync()
    {
        server = await WarmteServer.StartAsync(clock: new FakeClock(Instant.FromUtc(2026, 12, 6, 12, 0)));
        admin = server.Client();
        coop = $"coop-{Guid.NewGuid().ToString("N")[..8]}";
        project = await ApiCalls.SeedCooperativeWithProject(admin, coop, $"proj-{Guid.NewGuid().ToString("N")[..8]}");
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/projects/{project}/cashflow-plan",
            new { plan = JsonNode.Parse(RepoFiles.Read("models", "ketelhuiswg-ontwikkeling.json"), documentOptions: new System.Text.Json.JsonDocumentOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip }) })).Status);
        dir = Path.Combine(Path.GetTempPath(), "formatted-columns-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        environment = new Dictionary<string, string> { ["WARMTE_URL"] = server.BaseUrl, ["WARMTE_TOKEN"] = server.AdminToken, ["WARMTE_CONFIG"] = "/nonexistent/warmte-config" };
    }

    public async Task DisposeAsync()
    {
        Directory.Delete(dir, recursive: true);
        await server.DisposeAsync();
    }

    private Task<CliProcessResult> Warmte(params string[] args) => CliProcess.RunInAsync(dir, environment, args);

    private string Copy(string fixture)
    {
        File.Copy(RepoFiles.Path("tests", "Warmte.Tests", "Spreadsheets", "Fixtures", fixture), Path.Combine(dir, fixture));
        return fixture;
    }

    private async Task<List<(string Kind, decimal Monthly, int From, int To)>> WorkPlan() =>
        [.. JsonNode.Parse((await admin.Get($"api/projects/{project}/cashflow-plan")).Body.GetProperty("plan").GetProperty("workPlan").GetRawText())!.AsArray()
            .Select(p => (p!["kind"]!.GetValue<string>(), p["monthlyCost"]!.GetValue<decimal>(), p["fromMonth"]!.GetValue<int>(), p["toMonth"]!.GetValue<int>()))];

    [Fact]
    public async Task The_cli_imports_a_calc_budget_and_a_closedxml_budget_with_whole_columns_formatted()
    {
        // 01-2019 is month 1 of the plan (it starts 01-2019); 06-2023 is the work month the cash line does in that calendar
        // month (the budget frame follows the cash timeline's calendar, stalls included): asked of the timeline, not assumed.
        var june2023 = (await admin.Get($"api/projects/{project}/cash-timeline")).Body.GetProperty("calendar").GetProperty("months")
            .EnumerateArray().Single(m => m.GetProperty("month").GetString() == "2023-06");
        Assert.True(june2023.GetProperty("working").GetBoolean(), june2023.ToString());
        var workMonth = june2023.GetProperty("workMonth").GetInt32();
        Assert.InRange(workMonth, 2, 54);
        (string, decimal, int, int)[] expected = [("design", 75_000m, 1, 1), ("organisation", 12_000m, workMonth, workMonth)];

        var calc = await Warmte("import", "budget", project, Copy("begroting-kolom-opgemaakt.xlsx"));
        Assert.True(calc.ExitCode == 0, calc.ToString());
        Assert.Contains("2 goede rijen, 0 foute rijen.", calc.Out);
        Assert.Equal(expected, (await WorkPlan()).OrderBy(p => p.From));

        await File.WriteAllBytesAsync(Path.Combine(dir, "closedxml.xlsx"), FormattedColumnsTests.StyledBudget(wholeRow: false, wholeColumn: true));
        var closed = await Warmte("import", "budget", project, "closedxml.xlsx", "--dry-run");
        Assert.True(closed.ExitCode == 0, closed.ToString());
        Assert.Contains("2 goede rijen, 0 foute rijen.", closed.Out);

        var wide = FormattedColumnsTests.StyledBudget(wholeRow: true, wholeColumn: false, sheet => sheet.Cell(2, 301).Value = "ver weg");
        await File.WriteAllBytesAsync(Path.Combine(dir, "breed.xlsx"), wide);
        var refused = await Warmte("import", "budget", project, "breed.xlsx", "--dry-run");
        Assert.True(refused.ExitCode != 0, refused.ToString());
        Assert.Contains("blad 'Begroting' heeft 301 kolommen; hoogstens 200 toegestaan (WARMTE_IMPORT_MAX_COLUMNS).", refused.Err);
    }

    [Fact]
    public async Task The_cli_imports_a_calc_member_list_with_whole_columns_formatted()
    {
        var run = await Warmte("import", "members", coop, Copy("ledenlijst-kolom-opgemaakt.xlsx"));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Ledenregister bijgewerkt: 3 nieuw, 0 bijgewerkt, 0 ongewijzigd.", run.Out);
        var members = (await admin.Get($"api/cooperatives/{coop}/members")).Body.EnumerateArray()
            .Select(m => m.GetProperty("number").GetString()).Order();
        Assert.Equal(["K-1", "K-2", "K-3"], members);
    }
}
