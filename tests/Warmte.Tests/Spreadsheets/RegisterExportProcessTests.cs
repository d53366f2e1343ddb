using System.Net;
using System.Text;
using ClosedXML.Excel;
using Warmte.Tests.Cli;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Spreadsheets;

/// <summary>
/// Tester9a T8, as a board runs it: the built <c>warmte</c> as a separate process against a service dated 06-12-2026. The
/// member register and the consent answers go to a spreadsheet in the columns their imports read, and come back unchanged:
/// the import's dry run of the exported file finds nothing to change. Personal data: only the own board and admins get them.
/// </summary>
public sealed class RegisterExportProcessTests(ConsentImportServerFixture fixture) : IClassFixture<ConsentImportServerFixture>
{
    private const string Formula = "=HYPERLINK(\"http://example.org\",\"klik\")";

    // As Excel (nl-NL) saves it: Windows-1252, ';', CRLF, a decimal comma, d-M-yyyy dates.
    private const string List = "Lidnummer;Naam;Categorie;Postcode;Huisnummer;WEQ;Lid sinds;E-mail;Straat;Woonplaats\r\n"
        + "R-001;José Muñoz;huurder;1093 BS;14-H;1;1-5-2024;jose@voorbeeld.nl;Dapperstraat;Amsterdam\r\n"
        + "R-002;" + Formula + ";eigenaar-bewoner;1093 BS;9A;1;1-5-2024;;;\r\n"
        + "R-003;Café Oost;bedrijf;1093 BT;12A-2;2,5;15-6-2024;;;\r\n"
        + "0012;Els Bakker;huurder;1093 BS;16-III;1;1-7-2024;;;\r\n"
        + "R-005;Piet Vergeten;huurder;1093 BV;3;1;1-7-2024;piet@voorbeeld.nl;;\r\n";

    static RegisterExportProcessTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private HttpClient Admin => fixture.Server.Client();

    private Task<CliResult> Warmte(string token, params string[] args) =>
        BuiltProgram.Run("dotnet", [BuiltProgram.WarmteDll, .. args], new Dictionary<string, string?>
        {
            ["WARMTE_URL"] = fixture.Server.BaseUrl, ["WARMTE_TOKEN"] = token, ["WARMTE_CONFIG"] = "/nonexistent/warmte-config",
        }, TimeSpan.FromSeconds(180));

    private static void Ok(CliResult result) => Assert.True(result.ExitCode == 0, result.ToString());

    private async Task<string> Token(string role) => (await Admin.Post("api/tokens", new { name = "Test " + role, role })).Text("token");

    private async Task<(string Coop, string Project, string Board, string Folder)> Seed()
    {
        var coop = $"coop-{Guid.NewGuid().ToString("N")[..8]}";
        var project = await ApiCalls.SeedCooperativeWithProject(Admin, coop, $"proj-{Guid.NewGuid().ToString("N")[..8]}");
        var board = await Token($"board:{coop}");
        var folder = Directory.CreateTempSubdirectory("warmte-registerexport-").FullName;
        var csv = Path.Combine(folder, "leden.csv");
        await File.WriteAllBytesAsync(csv, Encoding.GetEncoding(1252).GetBytes(List));
        Ok(await Warmte(board, "import", "members", coop, csv));
        Ok(await Warmte(board, "member", "leave", coop, "R-005", "--on", "2026-12-06"));
        Ok(await Warmte(board, "privacy", "erase", coop, "R-005"));
        Ok(await Warmte(board, "member", "leave", coop, "R-003", "--on", "2026-12-31")); // a notice given: the date travels too
        return (coop, project, board, folder);
    }

    [Fact]
    public async Task The_register_exported_by_the_board_imports_again_without_a_change_and_keeps_text_as_text()
    {
        var (coop, _, board, folder) = await Seed();
        try
        {
            var file = Path.Combine(folder, "register.xlsx");
            var export = await Warmte(board, "export", "members", coop, "--out", file);
            Ok(export);
            Assert.Contains("Bevat persoonsgegevens", export.Out);
            if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));

            using (var workbook = new XLWorkbook(file))
            {
                var sheet = workbook.Worksheet("Leden");
                Assert.Equal(["Lidnummer", "Naam", "Categorie", "Woningequivalenten", "Postcode", "Huisnummer", "Huisletter", "Toevoeging",
                              "Lid sinds", "Uitgeschreven", "Stemgerechtigd", "E-mail", "Straat", "Woonplaats"],
                    sheet.Row(1).CellsUsed().Select(c => c.GetString()));
                var rows = Enumerable.Range(2, 5).ToDictionary(r => sheet.Cell(r, 1).GetString(), r => sheet.Row(r));
                Assert.Equal(["0012", "R-001", "R-002", "R-003", "R-005"], rows.Keys.Order(StringComparer.Ordinal));
                // The register's parts of a BAG address: 14-H is toevoeging H, 9A huisletter A, 12A-2 both.
                Assert.Equal(["José Muñoz", "huurder", "1093 BS", "14", "", "H"], Cells(rows["R-001"], 2, 3, 5, 6, 7, 8));
                Assert.Equal(["eigenaar-bewoner", "9", "A", ""], Cells(rows["R-002"], 3, 6, 7, 8));
                Assert.Equal(["bedrijf", "12", "A", "2"], Cells(rows["R-003"], 3, 6, 7, 8));
                Assert.Equal(2.5, rows["R-003"].Cell(4).GetDouble());
                Assert.Equal(new DateTime(2024, 6, 15), rows["R-003"].Cell(9).GetDateTime());
                Assert.Equal(new DateTime(2026, 12, 31), rows["R-003"].Cell(10).GetDateTime());
                Assert.True(rows["R-001"].Cell(10).IsEmpty());
                Assert.Equal(["jose@voorbeeld.nl", "Dapperstraat", "Amsterdam", "ja"], Cells(rows["R-001"], 12, 13, 14, 11));
                // A name that looks like a formula stays text; a member number keeps its leading zeros.
                Assert.Equal(Formula, rows["R-002"].Cell(2).GetString());
                Assert.False(rows["R-002"].Cell(2).HasFormula);
                Assert.Equal(XLDataType.Text, rows["0012"].Cell(1).DataType);
                // The erased member as the register shows it: number, "(gewist)", dates; no address or e-mail.
                Assert.Equal(["(gewist)", "huurder", "", "", "", "", "", "", ""], Cells(rows["R-005"], 2, 3, 5, 6, 7, 8, 12, 13, 14));
                Assert.Equal(new DateTime(2026, 12, 6), rows["R-005"].Cell(10).GetDateTime());
                Assert.DoesNotContain(sheet.CellsUsed(), c => c.GetString().Contains("Vergeten") || c.GetString().Contains("piet@"));
            }
            // Gnumeric opens it without a word, and reads the text cells as written.
            var values = Gnumeric.RecalculatedSheet(file, "Leden");
            Assert.Contains(values, r => r[0] == "R-002" && r[1] == Formula);

            // The round trip: the dry run of the exported file changes nothing; the erased row is named and left alone.
            var dry = await Warmte(board, "import", "members", coop, file, "--dry-run");
            Ok(dry);
            Assert.Contains("De dienst zou vastleggen: 0 nieuw, 0 bijgewerkt, 4 ongewijzigd.", dry.Out);
            Assert.Contains("overgeslagen, lid R-005 is gewist op 06-12-2026 (AVG)", dry.Out);
            Assert.Contains("4 goede rijen, 0 foute rijen, 1 overgeslagen rij.", dry.Out);
            Assert.Equal("", dry.Err.Trim());
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [Fact]
    public async Task Only_the_own_board_and_admins_get_the_register_and_the_consent_answers_every_other_role_403()
    {
        var (coop, project, board, folder) = await Seed();
        Directory.Delete(folder, recursive: true);
        Assert.Equal(HttpStatusCode.OK, (await Admin.Put($"api/projects/{project}/consent/complexes/blok-a",
            new { name = "Blok A", corporation = "Stadgenoot", rentedHomes = 12, proposalDate = "2026-10-01" })).Status);
        string[] paths = [$"api/cooperatives/{coop}/members/export.xlsx", $"api/projects/{project}/consent/export.xlsx"];
        foreach (var role in new[] { "reader", "coordinator", "financier", "financier:gemeente-amsterdam", "board:andere-coop" })
        {
            var client = fixture.Server.Client(await Token(role));
            foreach (var path in paths)
            {
                var response = await client.GetAsync(path);
                Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{role} {path}: {(int)response.StatusCode}");
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                Assert.Contains("persoonsgegevens", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
            }
        }
        foreach (var client in new[] { fixture.Server.Client(board), Admin })
            foreach (var path in paths)
            {
                var response = await client.GetAsync(path);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", response.Content.Headers.ContentType?.MediaType);
            }
        var named = await fixture.Server.Client(board).GetAsync(paths[0]);
        Assert.Equal($"leden-{coop}-2026-12-06.xlsx", named.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Equal(HttpStatusCode.NotFound, (await Admin.GetAsync("api/cooperatives/bestaat-niet/members/export.xlsx")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Admin.GetAsync("api/projects/bestaat-niet/consent/export.xlsx")).StatusCode);
    }

    [Fact]
    public async Task The_consent_answers_go_back_to_the_corporation_per_complex_and_import_again_unchanged_with_the_letter_warning()
    {
        var (coop, project, board, folder) = await Seed();
        try
        {
            foreach (var complex in new[] { "blok-a", "blok-b" })
                Assert.Equal(HttpStatusCode.OK, (await Admin.Put($"api/projects/{project}/consent/complexes/{complex}",
                    new { name = "Blok " + complex, corporation = "Stadgenoot", rentedHomes = 12, proposalDate = "2026-10-01" })).Status);
            // The corporation's list: "Dapperstraat 14 H" is huisletter H, where the register has R-001 at 14-H (toevoeging H).
            var csv = Path.Combine(folder, "akkoord.csv");
            await File.WriteAllBytesAsync(csv, Encoding.GetEncoding(1252).GetBytes(
                "Adres;Postcode;Antwoord;Datum\r\nDapperstraat 14 H;1093 BS;akkoord;2-11-2026\r\nDapperstraat 9A;1093 BS;geweigerd;3-11-2026\r\n"
                + "Dapperstraat 20-1;1093 BS;akkoord;4-11-2026\r\n"));
            const string Warning = "Let op: Blad 'akkoord', rij 2, kolom A (Adres): 1093 BS 14H (huisletter H) staat in het ledenregister als 1093 BS 14-H "
                                   + "(toevoeging H, lid R-001); volgens de BAG zijn dat twee verschillende adressen";
            var dryCsv = await Warmte(board, "import", "consent", project, "blok-a", csv, "--dry-run");
            Ok(dryCsv);
            Assert.Contains(Warning, dryCsv.Out);
            Assert.DoesNotContain("rij 3, kolom A (Adres): 1093 BS 9A", dryCsv.Out); // 9A is R-002's own address
            var real = await Warmte(board, "import", "consent", project, "blok-a", csv);
            Ok(real);
            Assert.Contains(Warning, real.Out);
            Assert.Equal(HttpStatusCode.OK, (await Admin.Post($"api/projects/{project}/consent/complexes/blok-b/declarations",
                new { declarations = new[] { new { postcode = "1093 BT", huisnummer = 1, response = "Geweigerd", on = "2026-11-05" } } })).Status);

            var file = Path.Combine(folder, "instemming.xlsx");
            Ok(await Warmte(board, "export", "consent", project, "--out", file));
            if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            using (var workbook = new XLWorkbook(file))
            {
                Assert.Equal(["blok-a", "blok-b", "Toelichting"], workbook.Worksheets.Select(s => s.Name));
                var a = workbook.Worksheet("blok-a");
                Assert.Equal(["Postcode", "Huisnummer", "Huisletter", "Toevoeging", "Antwoord", "Datum"], a.Row(1).CellsUsed().Select(c => c.GetString()));
                Assert.Equal(["1093 BS", "9", "A", "", "geweigerd"], Cells(a.Row(2), 1, 2, 3, 4, 5));
                Assert.Equal(["1093 BS", "14", "H", "", "akkoord"], Cells(a.Row(3), 1, 2, 3, 4, 5));
                Assert.Equal(["1093 BS", "20", "", "1", "akkoord"], Cells(a.Row(4), 1, 2, 3, 4, 5));
                Assert.Equal(new DateTime(2026, 11, 3), a.Cell(2, 6).GetDateTime());
                Assert.True(a.Cell(5, 1).IsEmpty());
                Assert.Equal(["1093 BT", "1", "geweigerd"], Cells(workbook.Worksheet("blok-b").Row(2), 1, 2, 5));
            }
            Gnumeric.RecalculatedSheet(file, "blok-a");

            // Each complex reads its own sheet back, and importing it changes nothing stored (an answer equal to the stored one is not recorded again).
            var before = new Dictionary<string, string>();
            foreach (var complex in new[] { "blok-a", "blok-b" })
                before[complex] = (await Admin.Get($"api/projects/{project}/consent/complexes/{complex}/declarations?pageSize=200")).Raw;
            var dryB = await Warmte(board, "import", "consent", project, "blok-b", file, "--dry-run");
            Ok(dryB);
            Assert.Contains("Blad 'blok-b', kopregel op rij 1", dryB.Out);
            Assert.Contains("1 goede rij, 0 foute rijen.", dryB.Out);
            Assert.Contains("rij 2: 1093 BT 1: Geweigerd op 05-11-2026", dryB.Out);
            var againA = await Warmte(board, "import", "consent", project, "blok-a", file);
            Ok(againA);
            Assert.Contains("Blad 'blok-a', kopregel op rij 1", againA.Out);
            Assert.Contains("2 akkoord, 1 geweigerd, 9 zonder antwoord van 12 huurwoningen", againA.Out);
            // The exported 14H is the stored answer; the warning follows the address, not the file.
            Assert.Contains("1093 BS 14H (huisletter H) staat in het ledenregister als 1093 BS 14-H", againA.Out);
            Ok(await Warmte(board, "import", "consent", project, "blok-b", file));
            foreach (var complex in new[] { "blok-a", "blok-b" })
                Assert.Equal(before[complex], (await Admin.Get($"api/projects/{project}/consent/complexes/{complex}/declarations?pageSize=200")).Raw);
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    private static string[] Cells(IXLRow row, params int[] columns) => [.. columns.Select(c => row.Cell(c).GetString())];
}
