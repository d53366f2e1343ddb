using System.Net;
using System.Text;
using Warmte.Tests.Cli;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Spreadsheets;

/// <summary>
/// Tester finding T2 as the board member ran it: the built <c>warmte</c> as a separate process against a service dated
/// 06-12-2026; complex oost (4 rented homes, proposal 01-10-2026); a CSV as Excel on a Dutch Windows saves it
/// (Windows-1252, ';', CRLF) where 14-H agrees on 02-10-2026 and withdraws on 10-10-2026. Before, --skip-invalid kept
/// the agreement and refused the withdrawal as a duplicate: 4 of 4 agreed, threshold met, where the truth is 3 of 4.
/// </summary>
public sealed class ConsentLatestAnswerProcessTests(ConsentImportServerFixture fixture) : IClassFixture<ConsentImportServerFixture>
{
    private HttpClient Admin => fixture.Server.Client();

    private async Task<(string Project, string BoardToken)> Oost()
    {
        var coop = $"coop-{Guid.NewGuid().ToString("N")[..8]}";
        var project = await ApiCalls.SeedCooperativeWithProject(Admin, coop, $"proj-{Guid.NewGuid().ToString("N")[..8]}");
        var complex = await Admin.Put($"api/projects/{project}/consent/complexes/oost",
            new { name = "Oost", corporation = "Stadgenoot", rentedHomes = 4, proposalDate = "2026-10-01" });
        Assert.True(complex.Status == HttpStatusCode.OK, complex.Raw);
        var token = await Admin.Post("api/tokens", new { name = "Bestuur", role = $"board:{coop}" });
        Assert.True(token.Status == HttpStatusCode.Created, token.Raw);
        return (project, token.Text("token"));
    }

    /// <summary>The CSV in Windows-1252 (the é of "Opmerking" is byte E9, as Excel writes it).</summary>
    private static string Csv(params string[] rows)
    {
        var path = Path.Combine(Path.GetTempPath(), $"instemming-{Guid.NewGuid().ToString("N")[..8]}.csv");
        var text = string.Join("\r\n", ["Postcode;Huisnummer;Antwoord;Datum;Opmerking", .. rows]) + "\r\n";
        File.WriteAllBytes(path, [.. text.Select(c => c == 'é' ? (byte)0xE9 : (byte)c)]);
        return path;
    }

    private Task<CliResult> Warmte(string token, params string[] args) =>
        BuiltProgram.Run("dotnet", [BuiltProgram.WarmteDll, .. args], new Dictionary<string, string?>
        {
            ["WARMTE_URL"] = fixture.Server.BaseUrl, ["WARMTE_TOKEN"] = token, ["WARMTE_CONFIG"] = "/nonexistent/warmte-config",
        }, TimeSpan.FromSeconds(180));

    private async Task<(Dictionary<string, (string Response, string On)> Answers, int Agreed, bool Reached)> Stored(string project)
    {
        var page = await Admin.Get($"api/projects/{project}/consent/complexes/oost/declarations?pageSize=200");
        Assert.True(page.Status == HttpStatusCode.OK, page.Raw);
        var answers = page.Body.GetProperty("entries").EnumerateArray().ToDictionary(
            d => new Members.HouseNumber(d.GetProperty("address").GetProperty("huisnummer").GetInt32(), d.GetProperty("address").GetProperty("huisletter").GetString(),
                d.GetProperty("address").GetProperty("toevoeging").GetString()).ToString(),
            d => (d.GetProperty("response").GetString()!, d.GetProperty("on").GetString()!));
        var status = await Admin.Get($"api/projects/{project}/consent");
        var oost = status.Body.GetProperty("complexes").EnumerateArray().Single();
        return (answers, oost.GetProperty("agreed").GetInt32(), oost.GetProperty("reached").GetBoolean());
    }

    /// <summary>Tester T10e: "6 goede rijen ingelezen" when 4 answers were stored; the rows a later row replaced are said as such.</summary>
    [Fact]
    public async Task With_skip_invalid_the_summary_counts_the_answers_stored_not_only_the_rows_read_T10e()
    {
        var (project, board) = await Oost();
        var file = Csv("1091 GM;14-H;Akkoord;2-10-2026;", "1091 GM;14-1;Akkoord;03-10-2026;", "1091 GM;16;Akkoord;04-10-2026;",
            "1091 GM;18;akkoord;05-10-2026;", "1091 GM;14-H;Geweigerd;10-10-2026;belde op", "1091 GM;20;misschien;05-10-2026;");
        try
        {
            var run = await Warmte(board, "import", "consent", project, "oost", file, "--skip-invalid");
            Assert.True(run.ExitCode == 1, run.ToString()); // good rows only still exits 1 when rows were left out
            Assert.Contains("5 goede rijen ingelezen (1 vervangen door een latere rij van hetzelfde adres: 4 antwoorden vastgelegd); 1 foute rij niet ingelezen", run.Out);
            Assert.Equal(4, (await Stored(project)).Answers.Count);
        }
        finally { File.Delete(file); }
    }

    [Theory]
    [InlineData(false)] // the tester's order: the agreement first, the withdrawal last
    [InlineData(true)]  // the withdrawal first: the date decides, not the order
    public async Task The_latest_answer_of_an_address_is_stored_and_the_summary_names_which_row_replaced_which(bool withdrawalFirst)
    {
        var (project, board) = await Oost();
        string[] others = ["1091 GM;14-1;Akkoord;03-10-2026;", "1091 GM;16;Akkoord;04-10-2026;café", "1091 GM;18;akkoord;05-10-2026;"];
        const string Agrees = "1091 GM;14-H;Akkoord;2-10-2026;";
        const string Withdraws = "1091 GM;14-H;Geweigerd;10-10-2026;belde op";
        var file = Csv(withdrawalFirst ? [Withdraws, .. others, Agrees] : [Agrees, .. others, Withdraws]);
        var (earlier, later) = withdrawalFirst ? (6, 2) : (2, 6);
        var replaced = $"Rij {earlier} (1091 GM 14-H: Akkoord op 02-10-2026) wordt vervangen door rij {later} (1091 GM 14-H: Geweigerd op 10-10-2026): van een adres telt het laatste antwoord.";
        try
        {
            var dry = await Warmte(board, "import", "consent", project, "oost", file, "--dry-run");
            Assert.True(dry.ExitCode == 0, dry.ToString());
            Assert.Contains("5 goede rijen, 0 foute rijen.", dry.Out);
            Assert.Contains(replaced, dry.Out);
            Assert.Contains($"rij {later}: 1091 GM 14-H: Geweigerd op 10-10-2026", dry.Out);
            Assert.DoesNotContain($"rij {earlier}: 1091 GM 14-H", dry.Out); // not among the rows that would be read in
            Assert.Empty((await Stored(project)).Answers);

            var run = await Warmte(board, "import", "consent", project, "oost", file, "--skip-invalid");
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains(replaced, run.Out);
            Assert.Contains("Antwoorden vastgelegd: 3 akkoord, 1 geweigerd, 0 zonder antwoord van 4 huurwoningen.", run.Out);
            var (answers, agreed, reached) = await Stored(project);
            Assert.Equal(("Geweigerd", "2026-10-10"), answers["14-H"]);
            Assert.Equal(4, answers.Count);
            Assert.Equal((3, false), (agreed, reached)); // fewer than ten homes: every tenant must agree

            // Against the stored answers too: a file answer older than the stored withdrawal does not replace it.
            var old = Csv("1091 GM;14-H;Akkoord;05-10-2026;");
            var again = await Warmte(board, "import", "consent", project, "oost", old, "--skip-invalid");
            Assert.True(again.ExitCode == 1, again.ToString());
            Assert.Contains("rij 2", again.Err);
            Assert.Contains("antwoordde al later, op 10-10-2026", again.Err);
            Assert.Equal(("Geweigerd", "2026-10-10"), (await Stored(project)).Answers["14-H"]);
            File.Delete(old);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
