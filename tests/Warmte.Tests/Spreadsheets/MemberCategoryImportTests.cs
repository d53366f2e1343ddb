using System.Text;
using NodaTime;
using Warmte.Members;
using Warmte.Spreadsheets.Import;
using Warmte.Tests.Cli;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Spreadsheets;

/// <summary>
/// Papercut: "bewoner" as a category was refused with only the list of categories. A resident may own the home or rent it,
/// and the two count differently (tenant consent, the Wcw check), so it is never guessed: the refusal says why and what to
/// choose, on the row and column. The spellings a secretary writes for an unambiguous category are read. The file is a CSV
/// as Excel (nl-NL) saves it: Windows-1252, ';', CRLF, dates d-M-yyyy.
/// </summary>
public sealed class MemberCategoryImportTests(CliServerFixture fixture) : IClassFixture<CliServerFixture>
{
    private static readonly LocalDate Today = new(2026, 12, 7);

    static MemberCategoryImportTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private static string ExcelCsv(params string[] rows)
    {
        var path = Path.Combine(Path.GetTempPath(), $"warmte-categorie-{Guid.NewGuid():N}.csv");
        var text = "Lidnummer;Naam;Categorie;Postcode;Huisnummer;Lid sinds\r\n" + string.Concat(rows.Select(r => r + "\r\n"));
        File.WriteAllBytes(path, Encoding.GetEncoding(1252).GetBytes(text));
        return path;
    }

    private static ImportResult<MemberInput> Read(string path)
    {
        var sheets = SheetReader.Read(path);
        Assert.True(sheets.IsOk, sheets.Refusal?.Errors[0].Reason);
        return Imports.Members(sheets.Value!, Today);
    }

    private const string Ambiguous = "is niet eenduidig: een bewoner kan eigenaar of huurder van de woning zijn. "
                                     + "Kies eigenaar-bewoner (eigen woning) of huurder (huurwoning); voor een bedrijf bedrijf, anders overig.";

    [Theory]
    [InlineData("bewoner")]
    [InlineData("Bewoner ")]
    [InlineData(" BEWONERS")]
    [InlineData("bewoonster")]
    public void Bewoner_is_refused_as_ambiguous_naming_row_column_and_the_categories_to_choose(string written)
    {
        var result = Read(ExcelCsv("L-1;José Muñoz;huurder;1054 AB;12;14-12-2020", $"L-2;Anna Bakker;{written};1054 AB;14;3-1-2021"));
        var problem = Assert.Single(result.Problems).ToString();
        Assert.Contains($"rij 3, kolom C (Categorie): '{written.Trim()}' {Ambiguous}", problem);
        Assert.DoesNotContain("is geen categorie", problem);
    }

    [Fact]
    public void A_word_that_is_no_category_at_all_still_gets_the_list()
    {
        var result = Read(ExcelCsv("L-1;Piet;buurman;1054 AB;12;14-12-2020"));
        Assert.Contains("rij 2, kolom C (Categorie): 'buurman' is geen categorie; kies uit eigenaar-bewoner, huurder, bedrijf, overig.",
            Assert.Single(result.Problems).ToString());
    }

    [Fact]
    public void The_spellings_a_secretary_writes_are_read_where_they_are_unambiguous()
    {
        (string Written, MemberCategory Category)[] cases =
        [
            ("Huurder ", MemberCategory.Huurder), ("HUURDER", MemberCategory.Huurder), (" huurder.", MemberCategory.Huurder),
            ("huurder/bewoner", MemberCategory.Huurder),
            ("eigenaar bewoner", MemberCategory.EigenaarBewoner), ("eigenaar/bewoner", MemberCategory.EigenaarBewoner),
            ("Eigenaar / Bewoner", MemberCategory.EigenaarBewoner), ("Eigenaar-Bewoner", MemberCategory.EigenaarBewoner),
            ("eigenaar–bewoner", MemberCategory.EigenaarBewoner), // the en dash Excel's autocorrect makes of " - "
            ("  Eigenaar  ", MemberCategory.EigenaarBewoner), ("Bedrijf", MemberCategory.Bedrijf), ("overig", MemberCategory.Overig),
        ];
        var result = Read(ExcelCsv([.. cases.Select((c, i) => $"L-{i + 1};Lid {i + 1};{c.Written};1054 AB;{i + 1};1-2-2021")]));
        Assert.True(result.IsClean, string.Join("\n", result.Problems));
        Assert.Equal(cases.Length, result.Rows.Length);
        for (var i = 0; i < cases.Length; i++)
        {
            Assert.True(MemberRules.TryParseCategory(result.Rows[i].Item.Category, out var parsed), cases[i].Written);
            Assert.True(cases[i].Category == parsed, $"'{cases[i].Written}' read as {parsed}");
        }
    }

    /// <summary>The board's dry run through the CLI against the service: the same sentence, on stderr, and nothing stored.</summary>
    [Fact]
    public async Task The_dry_run_says_why_bewoner_is_refused_and_stores_nothing()
    {
        var coop = $"coop-{Guid.NewGuid().ToString("N")[..8]}";
        await ApiCalls.SeedCooperativeWithProject(fixture.Server.Client(), coop, $"proj-{Guid.NewGuid().ToString("N")[..8]}");
        var file = ExcelCsv("L-1;José Muñoz;Huurder ;1054 AB;12;14-12-2020", "L-2;Anna Bakker;bewoner;1054 AB;14;3-1-2021",
            "L-3;Kees de Vries;eigenaar/bewoner;1054 AB;16;3-1-2021");
        var dry = await CliHarness.Run(CliHarness.Env(fixture.Server.BaseUrl, WarmteServer.BootstrapAdminToken), null, "import", "members", coop, file, "--dry-run");
        Assert.Equal(1, dry.ExitCode);
        Assert.Contains($"rij 3, kolom C (Categorie): 'bewoner' {Ambiguous}", dry.Err);
        Assert.Contains("2 goede rijen, 1 foute rij.", dry.Out);
        var summary = await fixture.Server.Client().Get($"api/cooperatives/{coop}/members/summary");
        Assert.Equal(0, summary.Body.GetProperty("members").GetInt32());
    }
}
