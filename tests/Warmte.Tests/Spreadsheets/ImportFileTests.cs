using System.Diagnostics;
using System.Text;
using NodaTime;
using Warmte.Client;
using Warmte.Tests.Cli;
using Warmte.Spreadsheets.Import;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Spreadsheets;

/// <summary>
/// Imports from the files people keep: messy CSVs written here byte by byte, and .xls / .xlsx files
/// saved by a real spreadsheet program (Gnumeric's ssconvert) from those CSVs.
/// </summary>
public sealed class ImportFileTests(CliServerFixture fixture) : IClassFixture<CliServerFixture>
{
    private static readonly LocalDate Today = new(2026, 11, 22);

    private static string TempFile(string extension) => Path.Combine(Path.GetTempPath(), $"warmte-import-{Guid.NewGuid():N}{extension}");

    /// <summary>A Dutch Excel "CSV": a title, blank rows, header on row 4, ';', decimal commas, Windows-1252, trailing empty rows.</summary>
    private static string DutchCsv(params string[] dataRows)
    {
        var path = TempFile(".csv");
        var text = "Ledenlijst Coöperatie KetelhuisWG;;;;;;;;\r\n;;;;;;;;\r\n;;;;;;;;\r\n"
                   + "Lid nr.;Naam;Soort lid;WEQ;Postcode;Huisnr;Toev.;Lid sinds;Stemrecht;Opmerking\r\n"
                   + string.Concat(dataRows.Select(r => r + "\r\n")) + ";;;;;;;;;\r\n;;;;;;;;;\r\n";
        File.WriteAllBytes(path, Encoding.GetEncoding(1252).GetBytes(text));
        return path;
    }

    static ImportFileTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private static ImportResult<Members.MemberInput> ReadMembers(string path)
    {
        var sheets = SheetReader.Read(path);
        Assert.True(sheets.IsOk, sheets.Refusal?.Errors[0].Reason);
        return Imports.Members(sheets.Value!, Today);
    }

    [Fact]
    public void A_windows_1252_semicolon_csv_with_a_title_and_trailing_rows_reads_cleanly()
    {
        var result = ReadMembers(DutchCsv(
            "L-1;José Muñoz;eigenaar-bewoner;1;1054 ab;12;h;14-12-2020;ja;bestuurslid",
            "L-2;Bedrijf Oost B.V.;Bedrijf;4;1054AC;3;;2021-01-05;nee;"));
        Assert.True(result.IsClean, string.Join("\n", result.Problems));
        Assert.Equal(4, result.Mapping!.HeaderRow);
        Assert.Equal([5, 6], result.Rows.Select(r => r.Row));
        var first = result.Rows[0].Item;
        Assert.Equal(("José Muñoz", "1054 AB", new LocalDate(2020, 12, 14), true), (first.Name, first.Postcode, first.JoinedOn!.Value, first.EligibleToVote!.Value));
        Assert.Equal(4, result.Rows[1].Item.Woningequivalenten);
    }

    [Fact]
    public void Every_problem_names_the_row_and_the_column()
    {
        var result = ReadMembers(DutchCsv(
            "L-1;Jan;huurder;1;1054 AB;12;;2020-01-15;ja;",
            "L-2;Piet;buurman;1;1054 SS;12;;2020-01-15;ja;",
            "L-1;Kees;huurder;1;1054 AB;13;;vorige week;ja;",
            "L-4;Els;huurder;twee;1054 AB;14;;2020-01-15;misschien;"));
        var problems = result.Problems.Select(p => p.ToString()).ToList();
        Assert.Contains(problems, p => p.Contains("rij 6, kolom C (Soort lid)") && p.Contains("buurman"));
        Assert.Contains(problems, p => p.Contains("rij 6, kolom E (Postcode)"));
        Assert.Contains(problems, p => p.Contains("rij 7, kolom H (Lid sinds)") && p.Contains("geen datum"));
        Assert.Contains(problems, p => p.Contains("rij 8, kolom D (WEQ)"));
        Assert.Contains(problems, p => p.Contains("rij 8, kolom I (Stemrecht)"));
        Assert.Equal(["L-1"], result.Rows.Select(r => r.Item.Number));
    }

    [Fact]
    public void A_duplicate_member_number_is_reported_on_the_later_row_with_the_earlier_one()
    {
        var result = ReadMembers(DutchCsv(
            "L-1;Jan;huurder;1;1054 AB;12;;2020-01-15;ja;",
            "l-1;Kees;huurder;1;1054 AB;13;;2020-01-15;ja;"));
        var problem = Assert.Single(result.Problems);
        Assert.Equal(6, problem.Row);
        Assert.Contains("rij 5", problem.Reason);
    }

    [Theory]
    [InlineData(".xls")]
    [InlineData(".xlsx")]
    public void Files_saved_by_a_spreadsheet_program_read_with_real_date_cells(string extension)
    {
        var csv = TempFile(".csv");
        File.WriteAllText(csv, "Ledenlijst,,,,,,,\n\nMember number,Full name,Category,Postal code,House number,Addition,Member since,Voting rights\n"
                               + "L-7,Ann,tenant,1054 AB,7,a,2019-12-18,yes\nL-8,Bob,owner-occupier,1054 AB,8,,2022-03-01,no\n");
        var file = TempFile(extension);
        Convert(csv, file);
        var result = ReadMembers(file);
        Assert.True(result.IsClean, string.Join("\n", result.Problems));
        Assert.Equal(3, result.Mapping!.HeaderRow);
        Assert.Equal([new LocalDate(2019, 12, 18), new LocalDate(2022, 3, 1)], result.Rows.Select(r => r.Item.JoinedOn!.Value));
        Assert.Equal("7", result.Rows[0].Item.Huisnummer.ToString());
    }

    [Theory]
    [InlineData("\uFEFF", "\r\n")]
    [InlineData("", "\n")]
    public void A_title_line_without_separators_above_a_semicolon_header_reads_every_row(string bom, string newline)
    {
        // What a treasurer's own export looks like: a bare title, a blank line, then ';' with decimal commas.
        var csv = TempFile(".csv");
        File.WriteAllText(csv, bom + string.Join(newline,
            "Ledenlijst Coöperatie Test", "",
            "Lid nr.;Naam;Categorie;Postcode;Huisnr;WEQ;Lid sinds",
            "1001;Anna de Vries;HUURDER;1091GM;14-H;1;01-03-2020",
            "1002;Bram Bakker;huurder;1091 GM;16;2,5;15-04-2021",
            "1003;Cor Smit;eigenaar-bewoner;1091GM;18-2;1;02-05-2022") + newline, new UTF8Encoding(false));
        var result = ReadMembers(csv);
        Assert.True(result.IsClean, string.Join("\n", result.Problems));
        Assert.Equal(3, result.Mapping!.HeaderRow);
        Assert.Equal(["1001", "1002", "1003"], result.Rows.Select(r => r.Item.Number));
        Assert.Equal((14, "H"), (result.Rows[0].Item.Huisnummer!.Value, result.Rows[0].Item.Huisletter ?? result.Rows[0].Item.Toevoeging));
        Assert.Equal(2.5m, result.Rows[1].Item.Woningequivalenten);
    }

    [Fact]
    public void A_file_without_the_required_headers_says_which_it_expects()
    {
        var csv = TempFile(".csv");
        File.WriteAllText(csv, "a,b,c\n1,2,3\n");
        var result = ReadMembers(csv);
        Assert.Null(result.Mapping);
        Assert.Contains("Lidnummer", Assert.Single(result.Problems).Reason);
        Assert.False(SheetReader.Read(TempFile(".ods")).IsOk);
    }

    [Theory]
    [InlineData("1.234,56", "1234.56")]
    [InlineData("1234,56", "1234.56")]
    [InlineData("1,234.56", "1234.56")]
    [InlineData("€ 85.000,00", "85000.00")]
    [InlineData("-12,5", "-12.5")]
    public void Numbers_are_read_with_decimal_comma_or_point(string text, string expected) =>
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), Cells.Decimal(text).Value);

    [Fact]
    public void An_ambiguous_thousands_separator_is_refused() => Assert.NotNull(Cells.Decimal("1.234").Problem);

    private static void Convert(string from, string to)
    {
        var start = new ProcessStartInfo("ssconvert") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(from);
        start.ArgumentList.Add(to);
        using var process = Process.Start(start)!;
        process.WaitForExit(30_000);
        Assert.True(File.Exists(to), $"ssconvert did not write {to}: {process.StandardError.ReadToEnd()}");
    }

    private async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var env = new Dictionary<string, string?> { ["WARMTE_URL"] = fixture.Server.BaseUrl, ["WARMTE_TOKEN"] = WarmteServer.BootstrapAdminToken };
        var code = await WarmteCli.RunAsync(args, stdout, stderr, env);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Importing_members_twice_is_a_no_op_and_an_updated_file_updates_never_duplicates()
    {
        var coop = $"coop-{Guid.NewGuid().ToString("N")[..8]}";
        await ApiCalls.SeedCooperativeWithProject(fixture.Server.Client(), coop, $"proj-{Guid.NewGuid().ToString("N")[..8]}");
        var file = DutchCsv("L-1;Jan;huurder;1;1054 AB;12;;2020-01-15;ja;", "L-2;Piet;huurder;1;1054 AB;13;;2020-01-15;ja;");

        var dry = await Run("import", "members", coop, file, "--dry-run");
        Assert.Equal(0, dry.Code);
        Assert.Contains("kolom A \"Lid nr.\" → Lidnummer", dry.Out);
        Assert.Contains("Proefrun", dry.Out);
        Assert.Equal(0, (await fixture.Server.Client().Get($"api/cooperatives/{coop}/members/summary")).Body.GetProperty("members").GetInt32());

        Assert.Contains("2 nieuw, 0 bijgewerkt", (await Run("import", "members", coop, file)).Out);
        Assert.Contains("0 nieuw, 0 bijgewerkt, 2 ongewijzigd", (await Run("import", "members", coop, file)).Out);
        var updated = DutchCsv("L-1;Jan de Vries;huurder;1;1054 AB;12;;2020-01-15;ja;", "L-2;Piet;huurder;1;1054 AB;13;;2020-01-15;ja;", "L-3;Els;huurder;1;1054 AB;14;;2020-01-15;ja;");
        Assert.Contains("1 nieuw, 1 bijgewerkt, 1 ongewijzigd", (await Run("import", "members", coop, updated)).Out);
        var members = await fixture.Server.Client().Get($"api/cooperatives/{coop}/members");
        Assert.Equal(3, members.Body.GetArrayLength());

        // One bad row: nothing is stored, unless --skip-invalid.
        var bad = DutchCsv("L-4;Ans;huurder;1;1054 AB;15;;2020-01-15;ja;", "L-5;Bo;buurman;1;1054 AB;16;;2020-01-15;ja;");
        var refused = await Run("import", "members", coop, bad);
        Assert.Equal(1, refused.Code);
        Assert.Contains("rij 6, kolom C (Soort lid)", refused.Err);
        Assert.Equal(3, (await fixture.Server.Client().Get($"api/cooperatives/{coop}/members")).Body.GetArrayLength());
        var skipped = await Run("import", "members", coop, bad, "--skip-invalid");
        Assert.Equal(1, skipped.Code);
        Assert.Equal(4, (await fixture.Server.Client().Get($"api/cooperatives/{coop}/members")).Body.GetArrayLength());
    }

    [Fact]
    public async Task Consent_and_ballot_lists_import_into_the_complex_and_the_proposal()
    {
        var admin = fixture.Server.Client();
        var coop = $"coop-{Guid.NewGuid().ToString("N")[..8]}";
        var project = await ApiCalls.SeedCooperativeWithProject(admin, coop, $"proj-{Guid.NewGuid().ToString("N")[..8]}");
        await admin.Put($"api/projects/{project}/consent/complexes/complex-a", new { name = "A", corporation = "Stadgenoot", rentedHomes = 10, proposalDate = "2025-01-15" });
        var consent = TempFile(".csv");
        File.WriteAllText(consent, "Postcode,Huisnummer,Toevoeging,Antwoord,Datum\n"
                                   + string.Concat(Enumerable.Range(1, 7).Select(n => $"1054 AB,{n},,akkoord,2025-02-01\n")) + "1054 AB,8,,nee,2025-02-02\n");
        var xls = TempFile(".xls");
        Convert(consent, xls);
        var imported = await Run("import", "consent", project, "complex-a", xls);
        Assert.True(imported.Code == 0, imported.Err + imported.Out);
        Assert.Contains("7 akkoord, 1 geweigerd, 2 zonder antwoord van 10", imported.Out);

        var members = await ApiCalls.SeedMembers(admin, coop);
        await admin.Post($"api/cooperatives/{coop}/alv/meetings", new
        {
            id = "alv", title = "ALV", date = "2024-12-14", noticeDate = "2024-11-30",
            proposals = new[] { new { id = "tarief", title = "Tarief", decisionType = "Tariefbesluit" } },
        });
        var ballots = TempFile(".csv");
        File.WriteAllText(ballots, $"Lidnummer;Stem\n{members[0]};voor\n{members[1]};Tegen\n{members[2]};onthouding\n");
        Assert.Equal(0, (await Run("import", "ballots", coop, "alv", "tarief", ballots)).Code);
        Assert.Equal(0, (await Run("import", "ballots", coop, "alv", "tarief", ballots)).Code); // again: no double votes
        var meeting = await admin.Get($"api/cooperatives/{coop}/alv/meetings/alv");
        Assert.Equal(3, meeting.Body.GetProperty("proposals")[0].GetProperty("ballotCount").GetInt32());
    }

    [Fact]
    public async Task A_filled_template_imports_cleanly_and_re_importing_it_changes_nothing()
    {
        var file = TempFile(".xlsx");
        var written = await Run("template", "members", "--out", file);
        Assert.True(written.Code == 0, written.Err);
        using (var workbook = new ClosedXML.Excel.XLWorkbook(file))
        {
            Assert.Equal(["Ledenlijst", "Toelichting"], workbook.Worksheets.Select(w => w.Name));
            var sheet = workbook.Worksheet("Ledenlijst");
            Assert.True(sheet.Cell(3, 1).Style.Font.Bold); // required: Lidnummer
            // In the template's column order: number, name, category, WEQ, postcode, number, addition, joined, left, eligible.
            string[][] rows = [["L-0012", "Anna Bakker", "huurder", "1", "1054 AB", "7", "b", "14-12-2020", "", "ja"],
                               ["L-0013", "Bedrijf West", "bedrijf", "3", "1054AC", "9", "", "05-01-2021", "", "nee"]];
            for (var r = 0; r < rows.Length; r++)
                for (var c = 0; c < rows[r].Length; c++)
                    if (rows[r][c] != "") sheet.Cell(4 + r, c + 1).SetValue(rows[r][c]);
            workbook.Save();
        }
        var coop = $"coop-{Guid.NewGuid().ToString("N")[..8]}";
        await ApiCalls.SeedCooperativeWithProject(fixture.Server.Client(), coop, $"proj-{Guid.NewGuid().ToString("N")[..8]}");
        var imported = await Run("import", "members", coop, file);
        Assert.True(imported.Code == 0, imported.Err);
        Assert.Contains("2 nieuw", imported.Out);
        var members = await fixture.Server.Client().Get($"api/cooperatives/{coop}/members");
        Assert.Equal(["L-0012", "L-0013"], members.Body.EnumerateArray().Select(m => m.GetProperty("number").GetString()));
        Assert.Equal("1054 AC", members.Body[1].GetProperty("address").GetProperty("postcode").GetString());
        Assert.False(members.Body[1].GetProperty("eligibleToVote").GetBoolean());
        Assert.Contains("0 nieuw, 0 bijgewerkt, 2 ongewijzigd", (await Run("import", "members", coop, file)).Out);

        var empty = TempFile(".xlsx");
        await Run("template", "consent", "--out", empty);
        var nothing = await Run("import", "consent", "p", "c", empty);
        Assert.Equal(1, nothing.Code);
        Assert.Contains("geen ingevulde rijen", nothing.Err);
    }
}
