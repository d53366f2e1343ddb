using System.Net;
using System.Text;
using Warmte.Client;
using Warmte.Tests.Cli;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Spreadsheets;

/// <summary>
/// The member list as a treasurer keeps it (issue 14, point 3), through the CLI against the real
/// service: a title and an export date above the header, "Lid nr." and "Huisnr", house numbers such
/// as 14-H and 9A, postcodes with and without a space, 2,5 woningequivalenten, categories in any
/// case, one bad row, and no join-date column. The files are in Fixtures/ (the .csv as Excel saves
/// it, the .xlsx, .xls and .ods saved by LibreOffice Calc; make-fixtures.sh says how).
/// </summary>
public sealed class MemberListImportTests(CliServerFixture fixture) : IClassFixture<CliServerFixture>
{
    static MemberListImportTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private static string Fixture(string name) => RepoFiles.Path("tests", "Warmte.Tests", "Spreadsheets", "Fixtures", name);

    private static string TempFile(string extension) => Path.Combine(Path.GetTempPath(), $"warmte-leden-{Guid.NewGuid():N}{extension}");

    private async Task<CliResult> Run(params string[] args) =>
        await CliHarness.Run(CliHarness.Env(fixture.Server.BaseUrl, WarmteServer.BootstrapAdminToken), null, args);

    private async Task<string> NewCooperative()
    {
        var coop = $"coop-{Guid.NewGuid().ToString("N")[..8]}";
        await ApiCalls.SeedCooperativeWithProject(fixture.Server.Client(), coop, $"proj-{Guid.NewGuid().ToString("N")[..8]}");
        return coop;
    }

    private async Task<int> MemberCount(string coop) =>
        (await fixture.Server.Client().Get($"api/cooperatives/{coop}/members/summary")).Body.GetProperty("members").GetInt32();

    public static TheoryData<string> TreasurersList => new() { "ledenlijst-penningmeester.csv", "ledenlijst-penningmeester.xlsx", "ledenlijst-penningmeester.xls", "ledenlijst-penningmeester.ods" };

    [Theory]
    [MemberData(nameof(TreasurersList))]
    public async Task Without_a_join_date_column_the_import_says_which_column_is_missing_and_what_to_do(string file)
    {
        var coop = await NewCooperative();
        var result = await Run("import", "members", coop, Fixture(file));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("kopregel op rij 4", result.Out); // the title and the export date above it are skipped
        Assert.Contains("rij 4: kolom Lid sinds ontbreekt in de kopregel", result.Err);
        Assert.Contains("geef alle leden dezelfde datum met --joined-on JJJJ-MM-DD", result.Err);
        Assert.Contains("Er is niets verstuurd", result.Err);
        Assert.Equal(0, await MemberCount(coop));
        CliHarness.AssertNoStackTrace(result);
    }

    [Theory]
    [MemberData(nameof(TreasurersList))]
    public async Task The_dry_run_lists_the_rows_it_would_import_with_the_given_join_date_and_every_problem_of_the_bad_row(string file)
    {
        var coop = await NewCooperative();
        var dry = await Run("import", "members", coop, Fixture(file), "--joined-on", "2020-01-01", "--dry-run");
        Assert.Equal(1, dry.ExitCode); // a bad row: not clean
        Assert.Contains("kolom A \"Lid nr.\" → Lidnummer", dry.Out);
        Assert.Contains("kolom E \"Huisnr\" → Huisnummer", dry.Out);
        Assert.Contains("kolom F \"WEQ\" → Woningequivalenten", dry.Out);
        Assert.Contains("5 goede rijen, 1 foute rij", dry.Out);
        Assert.Contains("Lid sinds: 01-01-2020 voor elke rij (--joined-on; het bestand heeft geen kolom Lid sinds)", dry.Out);
        Assert.Contains("rij 5: 1001 Anna de Vries (huurder), 1091 GM 14-H, 1 WEQ, lid sinds 01-01-2020 (--joined-on)", dry.Out);
        Assert.Contains("rij 6: 1002 José Muñoz (eigenaar-bewoner), 1091 GM 9A, 1 WEQ", dry.Out);
        Assert.Contains("rij 7: 1003 Café Oost (bedrijf), 1091 GM 12, 2,5 WEQ", dry.Out);
        Assert.Contains("rij 8: 1004 Els Bakker (huurder), 1091 GM 14-2, 1 WEQ", dry.Out);
        Assert.Contains("rij 10: 1006 Fatima el Amrani (eigenaar-bewoner), 1091 GN 3-HS, 1 WEQ", dry.Out);
        Assert.DoesNotContain("rij 9:", dry.Out);
        // Every problem of the bad row, each with its column and value.
        var row9 = dry.Err.Split('\n').Where(l => l.Contains("rij 9,")).ToList();
        Assert.Equal(4, row9.Count);
        Assert.Contains(row9, l => l.Contains("kolom C (Categorie): 'buurman' is geen categorie"));
        Assert.Contains(row9, l => l.Contains("kolom D (Postcode): '1091 SS' is geen Nederlandse postcode"));
        Assert.Contains(row9, l => l.Contains("kolom E (Huisnr): toevoeging 'ABCDE' is langer dan 4 tekens"));
        Assert.Contains(row9, l => l.Contains("kolom F (WEQ): 1,255 heeft meer dan 2 decimalen"));
        Assert.Equal(["C", "D", "E", "F"], row9.Select(l => l.Split("kolom ")[1][..1])); // left to right
        Assert.Contains("Proefrun: er is niets verstuurd.", dry.Out);
        Assert.Equal(0, await MemberCount(coop));
    }

    [Theory]
    [MemberData(nameof(TreasurersList))]
    public async Task Nothing_is_stored_while_a_row_is_bad_and_the_good_rows_are_when_asked(string file)
    {
        var coop = await NewCooperative();
        var refused = await Run("import", "members", coop, Fixture(file), "--joined-on", "2020-01-01");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("rij 9, kolom C (Categorie)", refused.Err);
        Assert.Contains("gebruik --skip-invalid om alleen de goede rijen te versturen", refused.Err);
        Assert.Equal(0, await MemberCount(coop));

        var good = await Run("import", "members", coop, Fixture(file), "--joined-on", "2020-01-01", "--skip-invalid");
        Assert.Equal(1, good.ExitCode); // still 1: a row was left out
        Assert.Contains("Ledenregister bijgewerkt: 5 nieuw, 0 bijgewerkt, 0 ongewijzigd", good.Out);
        Assert.Contains("rij 9, kolom C (Categorie)", good.Err);

        var members = (await fixture.Server.Client().Get($"api/cooperatives/{coop}/members")).Body.EnumerateArray().ToDictionary(m => m.GetProperty("number").GetString()!);
        Assert.Equal(["1001", "1002", "1003", "1004", "1006"], members.Keys.Order());
        static (string?, int, string?, string?) Address(System.Text.Json.JsonElement m)
        {
            var a = m.GetProperty("address");
            return (a.GetProperty("postcode").GetString(), a.GetProperty("huisnummer").GetInt32(), a.GetProperty("huisletter").GetString(), a.GetProperty("toevoeging").GetString());
        }
        Assert.Equal(("1091 GM", 14, null, "H"), Address(members["1001"]));
        Assert.Equal(("1091 GM", 9, "A", null), Address(members["1002"]));
        Assert.Equal(("1091 GM", 12, null, null), Address(members["1003"]));
        Assert.Equal(("1091 GM", 14, null, "2"), Address(members["1004"]));
        Assert.Equal(("1091 GN", 3, null, "HS"), Address(members["1006"]));
        Assert.Equal(2.5m, members["1003"].GetProperty("woningequivalenten").GetDecimal());
        Assert.Equal("Bedrijf", members["1003"].GetProperty("category").GetString());
        Assert.Equal("EigenaarBewoner", members["1002"].GetProperty("category").GetString());
        Assert.Equal("Huurder", members["1004"].GetProperty("category").GetString());
        Assert.All(members.Values, m => Assert.Equal("2020-01-01", m.GetProperty("joinedOn").GetString()));
        var summary = (await fixture.Server.Client().Get($"api/cooperatives/{coop}/members/summary")).Body;
        Assert.Equal(6.5m, summary.GetProperty("woningequivalenten").GetDecimal());

        // The same list again changes nothing; the register shows the BAG display.
        Assert.Contains("0 nieuw, 0 bijgewerkt, 5 ongewijzigd", (await Run("import", "members", coop, Fixture(file), "--joined-on", "2020-01-01", "--skip-invalid")).Out);
        var shown = await Run("members", coop);
        Assert.Contains("1091 GM 14-H", shown.Out);
        Assert.Contains("1091 GM 9A", shown.Out);
        Assert.Contains("6,5 woningequivalenten", shown.Out);
    }

    [Fact]
    public async Task The_help_of_every_import_names_the_ods_format()
    {
        foreach (var command in new[] { "members", "ballots", "consent", "budget", "tranches" })
        {
            var help = await CliHarness.Run(null, null, "import", command, "--help");
            Assert.Contains(".ods (LibreOffice)", System.Text.RegularExpressions.Regex.Replace(help.Out, @"\s+", " ")); // the help wraps lines
        }
    }

    /// <summary>
    /// Tester10 T10: an Amsterdam list (nl-NL: semicolons, dd-MM-jjjj, decimal comma) with floors written "103-2 hoog" and
    /// "7-2hoog": one message per cell that names the form to write; the good row is listed.
    /// </summary>
    [Fact]
    public async Task A_floor_written_as_hoog_in_an_nl_NL_list_gets_one_message_per_cell_suggesting_the_number_and_floor()
    {
        var coop = await NewCooperative();
        var csv = TempFile(".csv");
        File.WriteAllText(csv, "Lid nr.;Naam;Categorie;Straat;Huisnr;Postcode;Woonplaats;WEQ;Lid sinds\n"
                               + "WG-001;Jan Öztürk;eigenaar-bewoner;Tweede Helmersstraat;103-2 hoog;1054 CK;Amsterdam;1;15-03-2020\n"
                               + "WG-002;Els Bakker;huurder;Eerste Helmersstraat;7-2hoog;1054 DZ;Amsterdam;1;01-06-2021\n"
                               + "WG-003;Café De Hoek;bedrijf;Overtoom;103-2;1054 HN;Amsterdam;2,5;01-01-2022\n", new UTF8Encoding(true));
        var dry = await Run("import", "members", coop, csv, "--dry-run");
        Assert.Equal(1, dry.ExitCode);
        var row2 = dry.Err.Split('\n').Where(l => l.Contains("rij 2,")).ToList();
        var row3 = dry.Err.Split('\n').Where(l => l.Contains("rij 3,")).ToList();
        Assert.Contains("kolom E (Huisnr): toevoeging '2 hoog' is een verdieping in woorden: 2 hoog = verdieping 2; schrijf 103-2", Assert.Single(row2));
        Assert.Contains("kolom E (Huisnr): toevoeging '2hoog' is een verdieping in woorden: 2 hoog = verdieping 2; schrijf 7-2", Assert.Single(row3));
        Assert.DoesNotContain("mag alleen letters en cijfers", dry.Err);
        Assert.DoesNotContain("langer dan 4 tekens", dry.Err);
        Assert.Contains("rij 4: WG-003 Café De Hoek (bedrijf), 1054 HN 103-2, 2,5 WEQ", dry.Out);
        Assert.Equal(0, await MemberCount(coop));
        File.Delete(csv);
    }

    [Fact]
    public async Task A_join_date_column_wins_and_joined_on_fills_only_its_empty_cells()
    {
        var coop = await NewCooperative();
        var csv = TempFile(".csv");
        File.WriteAllBytes(csv, Encoding.GetEncoding(1252).GetBytes(
            "Lidnummer;Naam;Soort;Adres;Lid sinds\r\nA-1;Zoë;huurder;Wibautstraat 14-H, 1091 GM Amsterdam;24-12-2019\r\nA-2;Eva;HUURDER;Wibautstraat 9 a 1091GM;\r\n"));
        var dry = await Run("import", "members", coop, csv, "--joined-on", "2021-06-01", "--dry-run");
        Assert.True(dry.ExitCode == 0, dry.ToString());
        Assert.Contains("Lid sinds: uit de kolom; rijen zonder datum krijgen 01-06-2021 (--joined-on).", dry.Out);
        Assert.Contains("rij 2: A-1 Zoë (huurder), 1091 GM 14-H, 1 WEQ, lid sinds 24-12-2019", dry.Out);
        Assert.Contains("rij 3: A-2 Eva (huurder), 1091 GM 9A, 1 WEQ, lid sinds 01-06-2021 (--joined-on)", dry.Out);
        var imported = await Run("import", "members", coop, csv, "--joined-on", "2021-06-01");
        Assert.True(imported.ExitCode == 0, imported.ToString());
        var members = (await fixture.Server.Client().Get($"api/cooperatives/{coop}/members")).Body;
        Assert.Equal(["2019-12-24", "2021-06-01"], members.EnumerateArray().Select(m => m.GetProperty("joinedOn").GetString()));

        var bad = await Run("import", "members", coop, csv, "--joined-on", "1-jan", "--dry-run");
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("'1-jan' is geen geldige datum voor --joined-on; schrijf DD-MM-JJJJ of JJJJ-MM-DD", bad.Err);
        var future = await Run("import", "members", coop, csv, "--joined-on", "2030-01-01", "--dry-run");
        Assert.Equal(1, future.ExitCode);
        Assert.Contains("--joined-on 01-01-2030 ligt in de toekomst", future.Err);
    }

    [Fact]
    public async Task A_missing_required_column_is_named_with_what_to_do_and_an_address_column_stands_in_for_house_number_and_postcode()
    {
        var coop = await NewCooperative();
        var noName = TempFile(".csv");
        File.WriteAllText(noName, "Ledenlijst\nLid nr.;Categorie;Postcode;Huisnummer;Lid sinds\n1;huurder;1091 GM;14;2020-01-01\n");
        var result = await Run("import", "members", coop, noName);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("rij 2: kolom Naam ontbreekt in de kopregel (herkend worden o.a. \"naam\", \"name\"", result.Err);
        Assert.Contains("voeg die kolom toe", result.Err);

        var noAddress = TempFile(".csv");
        File.WriteAllText(noAddress, "Lid nr.;Naam;Categorie;Lid sinds\n1;Jan;huurder;2020-01-01\n");
        var missing = await Run("import", "members", coop, noAddress);
        Assert.Contains("kolom Huisnummer ontbreekt", missing.Err);
        Assert.Contains("of een kolom Adres met straat en huisnummer (Wibautstraat 14-H)", missing.Err);
        Assert.Contains("kolom Postcode ontbreekt", missing.Err);

        var addressWithoutPostcode = TempFile(".csv");
        File.WriteAllText(addressWithoutPostcode, "Lid nr.;Naam;Categorie;Adres;Lid sinds\n1;Jan;huurder;Wibautstraat 14-H;2020-01-01\n2;Piet;huurder;Wibautstraat;2020-01-01\n");
        var rows = await Run("import", "members", coop, addressWithoutPostcode, "--dry-run");
        Assert.Contains("rij 2, kolom D (Adres): 'Wibautstraat 14-H': huisnummer 14-H gevonden maar geen postcode, en er is geen kolom Postcode", rows.Err);
        Assert.Contains("rij 3, kolom D (Adres): 'Wibautstraat' heeft geen huisnummer", rows.Err);

        // A file without any header row: the dry run says so, and does not speak of bad rows that were never listed.
        var noHeader = TempFile(".csv");
        File.WriteAllText(noHeader, "Overzicht 2026\n1;Jan;huurder\n2;Piet;huurder\n");
        var none = await Run("import", "members", coop, noHeader, "--dry-run");
        Assert.Equal(1, none.ExitCode);
        Assert.Contains("geen kopregel gevonden", none.Err);
        Assert.Contains("Er valt niets in te lezen: los eerst de melding hierboven op.", none.Out);
        Assert.DoesNotContain("foute rijen hierboven", none.Out + none.Err);
        Assert.Equal(0, await MemberCount(coop));
    }

    /// <summary>
    /// A member list with the whole address in one Adres cell and no Straat or Woonplaats columns: street, house number,
    /// postcode and town are taken from the cell (the postal address of the voting-code letter); a line that reads two ways
    /// ("Laan 1940 45") is read the first way and warned about on its row and cell in the dry run and the real run.
    /// </summary>
    [Theory]
    [InlineData("ledenlijst-adres.csv")]
    [InlineData("ledenlijst-adres.xlsx")]
    public async Task Street_and_town_come_from_one_address_cell_and_a_line_that_reads_two_ways_is_warned_about(string file)
    {
        var coop = await NewCooperative();
        const string doubt = "rij 5, kolom D (Adres): 'Laan 1940 45, 1234 AB Ons Dorp' is gelezen als straat Laan, huisnummer 1940-45; "
                             + "het kan ook straat Laan 1940, huisnummer 45 zijn. Controleer het adres, of zet straat en huisnummer in aparte kolommen "
                             + "(Straat, Huisnummer); de rij wordt wel ingelezen.";
        var dry = await Run("import", "members", coop, Fixture(file), "--dry-run");
        Assert.True(dry.ExitCode == 0, dry.ToString());
        Assert.Contains(doubt, dry.Out);
        foreach (var row in new[] { 2, 3, 4, 6 }) Assert.DoesNotContain($"rij {row}, kolom D", dry.Out + dry.Err);
        Assert.Equal(0, await MemberCount(coop));

        var real = await Run("import", "members", coop, Fixture(file));
        Assert.True(real.ExitCode == 0, real.ToString());
        Assert.Contains(doubt, real.Out);
        Assert.Equal(5, await MemberCount(coop));
        var client = fixture.Server.Client();
        async Task<(string?, string?, string?, int, string?, string?)> Stored(string number)
        {
            var m = (await client.Get($"api/cooperatives/{coop}/members/{number}")).Body;
            var address = m.GetProperty("address");
            string? Text(System.Text.Json.JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == System.Text.Json.JsonValueKind.String ? v.GetString() : null;
            return (Text(m, "street"), Text(m, "town"), Text(address, "postcode"), address.GetProperty("huisnummer").GetInt32(), Text(address, "huisletter"), Text(address, "toevoeging"));
        }
        Assert.Equal(("Dapperstraat", "Amsterdam", "1093 BS", 14, null, "H"), await Stored("2001"));
        Assert.Equal(("Dapperstraat", null, "1093 BS", 14, "H", null), await Stored("2002"));
        Assert.Equal(("Kerkweg", "Ons Dorp", "1234 AB", 2, "A", null), await Stored("2003"));
        Assert.Equal(("Laan", "Ons Dorp", "1234 AB", 1940, null, "45"), await Stored("2004"));
        Assert.Equal(("1e Oosterparkstraat", "Amsterdam", "1091 GM", 9, "A", null), await Stored("2005"));
    }

    /// <summary>
    /// Carried from session 16: a Postcode column and the postcode inside the Adres cell that disagree. The column wins (as before),
    /// but no longer silently: the row is warned about naming the row, the column and both values, in the dry run and the real run.
    /// A row whose two postcodes agree once written the same way (1093bs, 1093 BS) is not.
    /// </summary>
    [Fact]
    public async Task A_postcode_column_that_disagrees_with_the_postcode_in_the_address_cell_is_warned_about()
    {
        var coop = await NewCooperative();
        var file = TempFile(".csv");
        File.WriteAllText(file, "Lid nr.;Naam;Categorie;Postcode;Adres;Lid sinds\n"
                                + "1;Jan;huurder;1091 GM;Dapperstraat 14-H, 1093 BS Amsterdam;2020-01-01\n"
                                + "2;Piet;huurder;1093bs;Dapperstraat 16, 1093 BS Amsterdam;2020-01-01\n");
        const string warning = "rij 2, kolom D (Postcode): '1091 GM' verschilt van de postcode in kolom E (Adres) "
                               + "('Dapperstraat 14-H, 1093 BS Amsterdam': 1093 BS); de postcode uit de kolom Postcode (1091 GM) is gebruikt. "
                               + "Controleer het adres en maak beide gelijk, of laat de postcode in één van beide weg; de rij wordt wel ingelezen.";
        var dry = await Run("import", "members", coop, file, "--dry-run");
        Assert.True(dry.ExitCode == 0, dry.ToString());
        Assert.Contains(warning, dry.Out);
        Assert.DoesNotContain("rij 3, kolom D", dry.Out + dry.Err);
        Assert.Equal(0, await MemberCount(coop));

        var real = await Run("import", "members", coop, file);
        Assert.True(real.ExitCode == 0, real.ToString());
        Assert.Contains(warning, real.Out);
        Assert.Equal(2, await MemberCount(coop));
        var stored = (await fixture.Server.Client().Get($"api/cooperatives/{coop}/members/1")).Body.GetProperty("address").GetProperty("postcode").GetString();
        Assert.Equal("1091 GM", stored);
    }

    [Fact]
    public async Task A_house_number_the_spreadsheet_turned_into_a_date_is_named_as_such()
    {
        var coop = await NewCooperative();
        var xlsx = TempFile(".xlsx");
        using (var workbook = new ClosedXML.Excel.XLWorkbook())
        {
            var sheet = workbook.AddWorksheet("Leden");
            string[] header = ["Lid nr.", "Naam", "Categorie", "Postcode", "Huisnr", "Lid sinds"];
            for (var c = 0; c < header.Length; c++) sheet.Cell(1, c + 1).SetValue(header[c]);
            sheet.Cell(2, 1).SetValue(1); sheet.Cell(2, 2).SetValue("Jan"); sheet.Cell(2, 3).SetValue("huurder"); sheet.Cell(2, 4).SetValue("1091 GM");
            sheet.Cell(2, 5).SetValue(new DateTime(2026, 3, 16)); // "16-3" as Excel stores it in a standard column
            sheet.Cell(2, 6).SetValue(new DateTime(2020, 1, 1));
            workbook.SaveAs(xlsx);
        }
        var result = await Run("import", "members", coop, xlsx, "--dry-run");
        Assert.Equal(1, result.ExitCode);
        // The hint gives the row's own number back (tester6 T14d: it said "bijv. 14-1" for a row whose value was 16-3).
        Assert.Contains("rij 2, kolom E (Huisnr): is door het spreadsheetprogramma als datum gelezen (16-03); zet de kolom op Tekst "
                        + "en typ het huisnummer opnieuw (16-3).", result.Err);
        Assert.DoesNotContain("bijv. 14-1", result.Err);
    }

    /// <summary>
    /// Tester6 T7: "1.250,5" woningequivalenten for one café was read in without a word; under statutes that weigh votes by
    /// woningequivalenten that one row outvotes everyone. The dry run and the real run warn on the row and column (the
    /// row is still read in): above 50 for one member, and above what the cooperative's projects count together.
    /// </summary>
    [Fact]
    public async Task An_implausible_number_of_woningequivalenten_is_warned_about_in_the_dry_run_and_the_real_run()
    {
        var coop = await NewCooperative(); // its project counts 1.500 woningequivalenten
        var csv = TempFile(".csv");
        File.WriteAllText(csv, "Lid nr.;Naam;Categorie;WEQ;Postcode;Huisnummer;Lid sinds\n"
                               + "1;Jan;huurder;1;1091 GM;14;2020-01-01\n"
                               + "2;Café De Hoek;bedrijf;\"2,5\";1091 GM;16;2020-01-01\n"
                               + "3;Café Het Plein;bedrijf;\"1.250,5\";1091 GM;18;2020-01-01\n"
                               + "4;Kantoor;bedrijf;1600;1091 GM;20;2020-01-01\n");
        var dry = await Run("import", "members", coop, csv, "--dry-run");
        Assert.True(dry.ExitCode == 0, dry.ToString());
        var plein = "Let op: Blad '" + Path.GetFileNameWithoutExtension(csv) + "', rij 4, kolom D (WEQ): 1.250,5 woningequivalenten is ongewoon veel voor één lid "
                    + "(meer dan 50). In '1.250,5' scheidt de punt duizendtallen; is dat bedoeld, of een tikfout (bijv. voor 1,25)? "
                    + "Controleer de waarde; de rij wordt wel ingelezen.";
        Assert.Contains(plein, dry.Out);
        Assert.Contains("rij 5, kolom D (WEQ): 1.600 woningequivalenten is ongewoon veel voor één lid (meer dan de projecten van de coöperatie samen (1.500)).", dry.Out);
        Assert.DoesNotContain("rij 2, kolom D", dry.Out);
        Assert.DoesNotContain("rij 3, kolom D", dry.Out);
        Assert.Equal(0, await MemberCount(coop));

        var real = await Run("import", "members", coop, csv);
        Assert.True(real.ExitCode == 0, real.ToString());
        Assert.Contains(plein, real.Out);
        Assert.Contains("rij 5, kolom D (WEQ): 1.600 woningequivalenten", real.Out);
        Assert.Equal(4, await MemberCount(coop)); // warned, not refused
    }

    /// <summary>
    /// Tester6 T14f: a file with only a header that lacks required columns said "0 goede rijen, 0 foute rijen" and then
    /// "De foute rijen hierboven worden niet ingelezen"; there are no rows, only the header to fix.
    /// </summary>
    [Fact]
    public async Task A_header_without_required_columns_speaks_of_the_header_not_of_bad_rows()
    {
        var coop = await NewCooperative();
        var csv = TempFile(".csv");
        File.WriteAllText(csv, "Lidnummer;Naam\n");
        var dry = await Run("import", "members", coop, csv, "--dry-run");
        Assert.Equal(1, dry.ExitCode);
        Assert.Contains("kolom Categorie ontbreekt in de kopregel", dry.Err);
        Assert.Contains("Er valt niets in te lezen: los eerst de meldingen over de kopregel hierboven op.", dry.Out);
        Assert.DoesNotContain("foute rij", dry.Out + dry.Err);
        Assert.DoesNotContain("goede rij", dry.Out + dry.Err);

        var real = await Run("import", "members", coop, csv);
        Assert.Equal(1, real.ExitCode);
        Assert.Contains("Er is niets verstuurd: los eerst de meldingen over de kopregel hierboven op.", real.Err);
        Assert.DoesNotContain("foute rij", real.Out + real.Err);
        Assert.DoesNotContain("Verbeter de rijen hierboven", real.Err);
        Assert.Equal(0, await MemberCount(coop));
    }

    public static TheoryData<string> ConsentFiles => new() { "akkoord-adres.csv", "akkoord-adres.xls" };

    [Theory]
    [MemberData(nameof(ConsentFiles))]
    public async Task Consent_answers_with_the_address_in_one_column_are_recorded_per_BAG_address(string file)
    {
        var admin = fixture.Server.Client();
        var coop = $"coop-{Guid.NewGuid().ToString("N")[..8]}";
        var project = await ApiCalls.SeedCooperativeWithProject(admin, coop, $"proj-{Guid.NewGuid().ToString("N")[..8]}");
        await admin.Put($"api/projects/{project}/consent/complexes/complex-a", new { name = "A", corporation = "Stadgenoot", rentedHomes = 10, proposalDate = "2025-01-15" });
        var imported = await Run("import", "consent", project, "complex-a", Fixture(file));
        Assert.True(imported.ExitCode == 0, imported.ToString());
        Assert.Contains("kopregel op rij 3", imported.Out);
        Assert.Contains("3 akkoord, 1 geweigerd, 6 zonder antwoord van 10", imported.Out);

        var consent = await admin.Get($"api/projects/{project}/consent");
        var addresses = consent.Body.GetProperty("complexes")[0].GetProperty("declarations").EnumerateArray()
            .Select(d => d.GetProperty("address"))
            .Select(a => (a.GetProperty("huisnummer").GetInt32(), a.GetProperty("huisletter").GetString(), a.GetProperty("toevoeging").GetString()))
            .ToHashSet();
        Assert.Equal(new HashSet<(int, string?, string?)> { (14, null, "H"), (14, null, "1"), (9, "A", null), (14, null, "HS") }, addresses);
        // Again: the same answers, nothing new.
        Assert.Contains("3 akkoord, 1 geweigerd", (await Run("import", "consent", project, "complex-a", Fixture(file))).Out);
    }

    [Fact]
    public async Task A_ballot_list_with_a_title_and_capital_headers_imports()
    {
        var admin = fixture.Server.Client();
        var coop = await NewCooperative();
        Assert.Equal(1, (await Run("import", "members", coop, Fixture("ledenlijst-penningmeester.csv"), "--joined-on", "2020-01-01", "--skip-invalid")).ExitCode);
        await admin.Post($"api/cooperatives/{coop}/alv/meetings", new
        {
            id = "alv", title = "ALV", date = "2024-12-14", noticeDate = "2024-11-30",
            proposals = new[] { new { id = "tarief", title = "Tarief", decisionType = "Tariefbesluit" } },
        });
        var result = await Run("import", "ballots", coop, "alv", "tarief", Fixture("stemmen-titel.csv"));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("kopregel op rij 2", result.Out);
        Assert.Contains("3 stemmen vastgelegd", result.Out);
        var meeting = await admin.Get($"api/cooperatives/{coop}/alv/meetings/alv");
        Assert.Equal(3, meeting.Body.GetProperty("proposals")[0].GetProperty("ballotCount").GetInt32());
    }

    [Fact]
    public async Task The_api_takes_a_join_date_for_members_without_one_and_registers_the_good_ones_only_when_asked()
    {
        var coop = await NewCooperative();
        var client = fixture.Server.Client();
        object Member(string number, decimal weq, string postcode = "1091 GM") =>
            new { number, name = "Lid " + number, category = "HUURDER", woningequivalenten = weq, postcode, huisnummer = 9, huisletter = "a" };

        var noDate = await client.Post($"api/cooperatives/{coop}/members", new { members = new[] { Member("1", 1m) } });
        Assert.Equal(HttpStatusCode.BadRequest, noDate.Status);
        Assert.Contains("members[0].joinedOn", noDate.ErrorFields);

        var allOrNothing = await client.Post($"api/cooperatives/{coop}/members", new
        {
            members = new[] { Member("1", 2.5m), Member("2", 1.255m, "1091 SS") }, joinedOn = "2020-01-01",
        });
        Assert.Equal(HttpStatusCode.BadRequest, allOrNothing.Status);
        Assert.Contains("members[1].woningequivalenten", allOrNothing.ErrorFields);
        Assert.Contains("members[1].postcode", allOrNothing.ErrorFields);
        Assert.Equal(0, await MemberCount(coop));

        var goodOnly = await client.Post($"api/cooperatives/{coop}/members", new
        {
            members = new[] { Member("1", 2.5m), Member("2", 1.255m, "1091 SS") }, joinedOn = "2020-01-01", skipInvalid = true,
        });
        Assert.Equal(HttpStatusCode.OK, goodOnly.Status);
        Assert.Equal(1, goodOnly.Body.GetProperty("created").GetInt32());
        var skipped = goodOnly.Body.GetProperty("skipped").EnumerateArray().Select(e => e.GetProperty("field").GetString()).ToList();
        Assert.Equal(["members[1].woningequivalenten", "members[1].postcode"], skipped);
        var future = await client.Post($"api/cooperatives/{coop}/members", new { members = new[] { Member("3", 1m) }, joinedOn = "2099-01-01", skipInvalid = true });
        Assert.Equal(HttpStatusCode.BadRequest, future.Status);
        Assert.Equal(["joinedOn"], future.ErrorFields);
                var member = await client.Get($"api/cooperatives/{coop}/members/1");
        Assert.Equal(("2020-01-01", "A", 2.5m), (member.Body.GetProperty("joinedOn").GetString(),
            member.Body.GetProperty("address").GetProperty("huisletter").GetString(), member.Body.GetProperty("woningequivalenten").GetDecimal()));
    }
}

/// <summary>Woningequivalenten as written in a Dutch or English list, read from a CSV cell.</summary>
public sealed class WoningequivalentenCellTests
{
    static WoningequivalentenCellTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private static Warmte.Spreadsheets.Import.ImportResult<Warmte.Members.MemberInput> Read(string weq)
    {
        var path = Path.Combine(Path.GetTempPath(), $"warmte-weq-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, $"Lidnummer;Naam;Categorie;Postcode;Huisnummer;Lid sinds;WEQ\n1;Jan;bedrijf;1091 GM;1;2020-01-01;\"{weq}\"\n");
        return Warmte.Spreadsheets.Import.Imports.Members(Warmte.Spreadsheets.Import.SheetReader.Read(path).Value!, new NodaTime.LocalDate(2026, 11, 22));
    }

    [Theory]
    [InlineData("2,5", "2.5")]
    [InlineData("2.5", "2.5")]
    [InlineData("0,25", "0.25")]
    [InlineData("12", "12")]
    [InlineData("1.250,5", "1250.5")]
    [InlineData("", null)]
    public void Decimal_comma_or_point_up_to_two_decimals(string written, string? expected)
    {
        var result = Read(written);
        Assert.True(result.IsClean, string.Join("\n", result.Problems));
        Assert.Equal(expected is null ? null : decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), result.Rows[0].Item.Woningequivalenten);
    }

    [Theory]
    [InlineData("2,5555", "kolom G (WEQ): 2,5555 heeft meer dan 2 decimalen; rond af op 2 decimalen")]
    [InlineData("1,255", "kolom G (WEQ): 1,255 heeft meer dan 2 decimalen; rond af op 2 decimalen (bijv. 2,5 of 0,25), of schrijf een duizendtal zonder punt of komma (bijv. 1255).")]
    [InlineData("1.000", "of schrijf een duizendtal zonder punt of komma (bijv. 1000)")]
    [InlineData("twee", "kolom G (WEQ): 'twee' is geen getal")]
    public void More_decimals_or_a_possible_thousands_separator_are_refused_naming_the_column(string written, string expected) =>
        Assert.Contains(expected, Assert.Single(Read(written).Problems).ToString());
}
