using System.Net;
using NodaTime;
using NodaTime.Testing;
using Warmte.Tests.Cli;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Spreadsheets;

/// <summary>The service on 06-12-2026 (the day of tester finding F8), shared by the consent import process tests.</summary>
public sealed class ConsentImportServerFixture : IAsyncLifetime
{
    public static readonly Instant Now = Instant.FromUtc(2026, 12, 6, 11, 0);

    public WarmteServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await WarmteServer.StartAsync(clock: new FakeClock(Now));

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>
/// Tester finding F8, as the board member ran it: the built <c>warmte</c> as a separate process against a real
/// service whose date is 06-12-2026, complex <c>blok-a</c> with its proposal to the tenants on 01-10-2026, and the
/// corporation's export (Fixtures/akkoord-blok-a.csv: UTF-8 with BOM, CRLF, ';'; the .xlsx saved from it by
/// LibreOffice, dates as date cells; and that .xlsx saved by LibreOffice as .ods). Rows 2–5 are good (addresses postcode last and postcode first), rows 6–8
/// the file itself gets wrong, row 9 is dated in the future and row 10 before the proposal: only the service
/// knows those two, and the dry run and --skip-invalid must say what it will do.
/// </summary>
public sealed class ConsentImportProcessTests(ConsentImportServerFixture fixture) : IClassFixture<ConsentImportServerFixture>
{
    public static TheoryData<string> Files => new() { "akkoord-blok-a.csv", "akkoord-blok-a.xlsx", "akkoord-blok-a.ods" };

    private static string Fixture(string name) => RepoFiles.Path("tests", "Warmte.Tests", "Spreadsheets", "Fixtures", name);

    private HttpClient Admin => fixture.Server.Client();

    /// <summary>A cooperative with a project and complex blok-a (20 rented homes, proposal 01-10-2026); the project id and a board token.</summary>
    private async Task<(string Project, string BoardToken)> BlokA()
    {
        var coop = $"coop-{Guid.NewGuid().ToString("N")[..8]}";
        var project = await ApiCalls.SeedCooperativeWithProject(Admin, coop, $"proj-{Guid.NewGuid().ToString("N")[..8]}");
        var complex = await Admin.Put($"api/projects/{project}/consent/complexes/blok-a",
            new { name = "Blok A", corporation = "Stadgenoot", rentedHomes = 20, proposalDate = "2026-10-01" });
        Assert.True(complex.Status == HttpStatusCode.OK, complex.Raw);
        var token = await Admin.Post("api/tokens", new { name = "Bestuur", role = $"board:{coop}" });
        Assert.True(token.Status == HttpStatusCode.Created, token.Raw);
        return (project, token.Text("token"));
    }

    private Task<CliResult> Warmte(string token, params string[] args) =>
        BuiltProgram.Run("dotnet", [BuiltProgram.WarmteDll, .. args], new Dictionary<string, string?>
        {
            ["WARMTE_URL"] = fixture.Server.BaseUrl, ["WARMTE_TOKEN"] = token, ["WARMTE_CONFIG"] = "/nonexistent/warmte-config",
        }, TimeSpan.FromSeconds(180));

    /// <summary>The stored answers of blok-a as "postcode number: response".</summary>
    private async Task<HashSet<string>> Stored(string project)
    {
        var page = await Admin.Get($"api/projects/{project}/consent/complexes/blok-a/declarations?pageSize=200");
        Assert.True(page.Status == HttpStatusCode.OK, page.Raw);
        return page.Body.GetProperty("entries").EnumerateArray().Select(d =>
        {
            var a = d.GetProperty("address");
            var house = new Members.HouseNumber(a.GetProperty("huisnummer").GetInt32(), a.GetProperty("huisletter").GetString(), a.GetProperty("toevoeging").GetString());
            return $"{a.GetProperty("postcode").GetString()} {house}: {d.GetProperty("response").GetString()}";
        }).ToHashSet();
    }

    private const string Future = "rij 9, kolom C (Datum): geweigerd door de dienst: 31-12-2026 ligt in de toekomst.";
    private const string BeforeProposal = "rij 10, kolom C (Datum): geweigerd door de dienst: 01-09-2026 ligt vóór het voorstel aan de huurders (01-10-2026).";

    [Theory]
    [MemberData(nameof(Files))]
    public async Task The_dry_run_reports_the_answers_the_service_refuses_as_bad_rows_and_stores_nothing(string file)
    {
        var (project, board) = await BlokA();
        var dry = await Warmte(board, "import", "consent", project, "blok-a", Fixture(file), "--dry-run");

        Assert.True(dry.ExitCode == 1, dry.ToString()); // bad rows: not clean
        Assert.Contains("4 goede rijen, 5 foute rijen.", dry.Out);
        Assert.Contains(Future, dry.Err);
        Assert.Contains(BeforeProposal, dry.Err);
        // The rows it would import are the four good ones, addresses postcode first included; not the refused ones.
        Assert.Contains("rij 2: 1091 GM 20: Akkoord op 01-11-2026", dry.Out);
        Assert.Contains("rij 3: 1091 GM 22: Akkoord op 02-11-2026", dry.Out);
        Assert.Contains("rij 4: 1091 GM 18: Geweigerd op 03-11-2026", dry.Out);
        Assert.Contains("rij 5: 1091 GM 20-H: Akkoord op 04-11-2026", dry.Out);
        Assert.DoesNotContain("rij 9:", dry.Out);
        Assert.DoesNotContain("rij 10:", dry.Out);
        // What the file itself gets wrong says what was found.
        Assert.Contains("rij 6, kolom A (Adres): 'Wibautstraat 30': huisnummer 30 gevonden maar geen postcode", dry.Err);
        Assert.Contains("rij 7, kolom A (Adres): '1091 GM': postcode 1091 GM gevonden maar geen huisnummer", dry.Err);
        Assert.Contains("rij 8, kolom B (Antwoord): 'misschien' is geen antwoord", dry.Err);
        Assert.Contains("Proefrun: er is niets verstuurd.", dry.Out);
        Assert.Empty(await Stored(project));
        CliHarness.AssertNoStackTrace(dry);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Skip_invalid_stores_the_good_rows_and_lists_the_refused_ones_with_row_and_column(string file)
    {
        var (project, board) = await BlokA();
        var import = await Warmte(board, "import", "consent", project, "blok-a", Fixture(file), "--skip-invalid");

        Assert.True(import.ExitCode == 1, import.ToString()); // docs: good rows only still exits 1 when rows were left out
        Assert.Contains(Future, import.Err);
        Assert.Contains(BeforeProposal, import.Err);
        Assert.DoesNotContain("Er is niets opgeslagen", import.Err);
        Assert.Contains("Antwoorden vastgelegd: 3 akkoord, 1 geweigerd, 16 zonder antwoord van 20 huurwoningen.", import.Out);
        Assert.Contains("4 goede rijen ingelezen; 5 foute rijen niet ingelezen", import.Out);
        Assert.Equal(
            new HashSet<string> { "1091 GM 20: Akkoord", "1091 GM 22: Akkoord", "1091 GM 18: Geweigerd", "1091 GM 20-H: Akkoord" },
            await Stored(project));

        // The same file again: nothing new, the same rows left out.
        var again = await Warmte(board, "import", "consent", project, "blok-a", Fixture(file), "--skip-invalid");
        Assert.Contains("Antwoorden vastgelegd: 3 akkoord, 1 geweigerd, 16 zonder antwoord van 20 huurwoningen.", again.Out);
        Assert.Equal(4, (await Stored(project)).Count);
    }

    [Fact]
    public async Task Without_skip_invalid_nothing_is_stored_and_every_problem_is_named_at_once()
    {
        var (project, board) = await BlokA();
        var import = await Warmte(board, "import", "consent", project, "blok-a", Fixture("akkoord-blok-a.csv"));

        Assert.True(import.ExitCode == 1, import.ToString());
        Assert.Contains("4 goede rijen, 5 foute rijen.", import.Out);
        Assert.Contains(Future, import.Err); // the service's problems too, before anything is sent
        Assert.Contains(BeforeProposal, import.Err);
        Assert.Contains("Er is niets verstuurd", import.Err);
        Assert.Empty(await Stored(project));
    }

    [Fact]
    public async Task An_older_answer_than_the_stored_one_is_a_bad_row_in_the_dry_run()
    {
        var (project, board) = await BlokA();
        var stored = await Admin.Post($"api/projects/{project}/consent/complexes/blok-a/declarations", new
        {
            declarations = new[] { new { postcode = "1091 GM", huisnummer = 22, response = "Geweigerd", on = "2026-11-20" } },
        });
        Assert.True(stored.Status == HttpStatusCode.OK, stored.Raw);

        var dry = await Warmte(board, "import", "consent", project, "blok-a", Fixture("akkoord-blok-a.csv"), "--dry-run");
        Assert.Contains("3 goede rijen, 6 foute rijen.", dry.Out);
        Assert.Contains("rij 3, kolom C (Datum): geweigerd door de dienst: adres 1091 GM 22 antwoordde al later, op 20-11-2026", dry.Err);
        Assert.Equal(new HashSet<string> { "1091 GM 22: Geweigerd" }, await Stored(project));
    }

    /// <summary>
    /// Papercut: the consent import reads addresses as the member import does but gave none of its warnings. A Postcode column
    /// that disagrees with the postcode in the Adres cell is named on its row with both columns and both values, in the dry run
    /// and the real run; the column is used, as for members. A row whose two agree once written alike (1093bs) is not named.
    /// </summary>
    [Fact]
    public async Task A_postcode_column_that_disagrees_with_the_address_cell_is_warned_about_in_the_dry_run_and_the_real_run()
    {
        var (project, board) = await BlokA();
        var file = Path.Combine(Path.GetTempPath(), $"warmte-akkoord-{Guid.NewGuid():N}.csv");
        File.WriteAllText(file, "Postcode;Adres;Antwoord;Datum\r\n"
                                + "1091 GM;Dapperstraat 14-H, 1093 BS Amsterdam;akkoord;15-10-2026\r\n"
                                + "1093bs;Dapperstraat 16, 1093 BS Amsterdam;geweigerd;16-10-2026\r\n");
        const string warning = "rij 2, kolom A (Postcode): '1091 GM' verschilt van de postcode in kolom B (Adres) "
                               + "('Dapperstraat 14-H, 1093 BS Amsterdam': 1093 BS); de postcode uit de kolom Postcode (1091 GM) is gebruikt. "
                               + "Controleer het adres en maak beide gelijk, of laat de postcode in één van beide weg; de rij wordt wel ingelezen.";
        var dry = await Warmte(board, "import", "consent", project, "blok-a", file, "--dry-run");
        Assert.True(dry.ExitCode == 0, dry.ToString());
        Assert.Contains(warning, dry.Out);
        Assert.DoesNotContain("rij 3, kolom A", dry.Out + dry.Err);
        Assert.Empty(await Stored(project));

        var real = await Warmte(board, "import", "consent", project, "blok-a", file);
        Assert.True(real.ExitCode == 0, real.ToString());
        Assert.Contains(warning, real.Out);
        Assert.DoesNotContain("rij 3, kolom A", real.Out + real.Err);
        Assert.Equal(new HashSet<string> { "1091 GM 14-H: Akkoord", "1093 BS 16: Geweigerd" }, await Stored(project));
    }
}
