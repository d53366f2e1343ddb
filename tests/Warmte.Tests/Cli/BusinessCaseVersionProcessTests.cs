using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Cli;

/// <summary>
/// Tester7 T9, as a board and a financier work from a laptop: the built <c>warmte</c> as a separate process against a real
/// service saves business-case versions, lists and shows them, and runs the loan grid and the Monte Carlo on a saved
/// version. The figures are compared with the API's own answer for the same version (and seed), never with the CLI's output.
/// </summary>
public sealed class BusinessCaseVersionProcessTests(CliServerFixture fixture) : IClassFixture<CliServerFixture>
{
    private static readonly CultureInfo Dutch = CultureInfo.GetCultureInfo("nl-NL");

    private WarmteServer Server => fixture.Server;

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    private static string Model(string name) => RepoFiles.Path("models", name);

    private Task<CliResult> Warmte(string token, params string[] args) =>
        BuiltProgram.Run("dotnet", [BuiltProgram.WarmteDll, .. args], new Dictionary<string, string?>
        {
            ["WARMTE_URL"] = Server.BaseUrl, ["WARMTE_TOKEN"] = token, ["WARMTE_CONFIG"] = "/nonexistent/warmte-config",
        }, TimeSpan.FromSeconds(180));

    private async Task<string> Token(string role)
    {
        var answer = await Server.Client().Post("api/tokens", new { name = "cli-test", role });
        Assert.Equal(HttpStatusCode.Created, answer.Status);
        return answer.Text("token");
    }

    private async Task<(string Coop, string Project)> Seed()
    {
        var coop = NewId("coop");
        var project = await ApiCalls.SeedCooperativeWithProject(Server.Client(), coop, NewId("proj"));
        return (coop, project);
    }

    private static void Ok(CliResult result) => Assert.True(result.ExitCode == 0, result.ToString());

    private static string WholeEuros(decimal euros) => Math.Round(euros, 0, MidpointRounding.AwayFromZero).ToString("#,##0", Dutch);

    private static string Ratio(decimal ratio) => Math.Round(ratio, 2, MidpointRounding.AwayFromZero).ToString("0.00", Dutch);

    [Fact]
    public async Task A_board_saves_versions_from_model_files_and_lists_and_shows_them_as_the_api_has_them()
    {
        var (coop, project) = await Seed();
        var board = await Token($"board:{coop}");

        var none = await Warmte(board, "business-case", "show", project);
        Assert.Equal(1, none.ExitCode);
        Assert.Contains($"Project {project} heeft nog geen bewaarde business case", none.Err);

        var first = await Warmte(board, "business-case", "save", project, Model("ketelhuiswg.json"), "--note", "Lening gemeente 3%");
        Ok(first);
        Assert.Contains($"bewaard als versie 1 van {project}", first.Out);
        Ok(await Warmte(board, "business-case", "save", project, Model("zonnedak-sporthal.json")));

        var versions = (await Server.Client().Get($"api/projects/{project}/business-cases")).Body.EnumerateArray().ToList();
        Assert.Equal(2, versions.Count);
        Assert.Equal("Lening gemeente 3%", versions[0].GetProperty("note").GetString());
        var firstName = versions[0].GetProperty("name").GetString()!;
        var secondName = versions[1].GetProperty("name").GetString()!;

        // Paged as the API pages: one per page, the next page named.
        var page1 = await Warmte(board, "business-case", "list", project, "--page-size", "1");
        Ok(page1);
        Assert.Contains("2 bewaarde versies, oudste eerst; pagina 1 van 2", page1.Out);
        Assert.Contains(firstName, page1.Out);
        Assert.DoesNotContain(secondName, page1.Out);
        Assert.Contains(WholeEuros(versions[0].GetProperty("kpis").GetProperty("npv").GetDecimal()), page1.Out);
        Assert.Contains("Lening gemeente 3%", page1.Out);
        Assert.Contains($"Volgende pagina: warmte business-case list {project} --page 2 --page-size 1", page1.Out);
        var page2 = await Warmte(board, "business-case", "list", project, "--page", "2", "--page-size", "1");
        Ok(page2);
        Assert.Contains(secondName, page2.Out);
        var beyond = await Warmte(board, "business-case", "list", project, "--page", "3", "--page-size", "1");
        Assert.Equal(1, beyond.ExitCode);
        Assert.Contains("Pagina 3 bestaat niet", beyond.Err);
        var badSize = await Warmte(board, "business-case", "list", project, "--page-size", "500");
        Assert.Equal(1, badSize.ExitCode);
        Assert.Contains("--page-size", badSize.Err);

        // Without --version: the newest.
        var latest = await Warmte(board, "business-case", "show", project);
        Ok(latest);
        Assert.Contains($"Business case: {secondName}", latest.Out);
        Assert.Contains($"Versie:", latest.Out);
        Assert.Contains($"2 van {project}", latest.Out);

        var shown = await Warmte(board, "business-case", "show", project, "--version", "1");
        Ok(shown);
        var api = (await Server.Client().Get($"api/projects/{project}/business-cases/1")).Body;
        var kpis = api.GetProperty("result").GetProperty("evaluation").GetProperty("kpis");
        Assert.Contains($"Business case: {firstName}", shown.Out);
        Assert.Contains("notitie: Lening gemeente 3%", shown.Out);
        Assert.Contains("€ " + kpis.GetProperty("npv").GetDecimal().ToString("#,##0.00", Dutch), shown.Out);
        Assert.Contains(Ratio(kpis.GetProperty("minDscr").GetDecimal()), shown.Out);

        var missing = await Warmte(board, "business-case", "show", project, "--version", "9");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains($"warmte business-case list {project}", missing.Err);
    }

    [Fact]
    public async Task The_loan_grid_on_a_saved_version_has_the_apis_figures()
    {
        var (coop, project) = await Seed();
        Assert.Equal(HttpStatusCode.Created, (await Server.Client().Post($"api/projects/{project}/business-cases",
            new { model = JsonNode.Parse(RepoFiles.Read("models", "ketelhuiswg.json")) })).Status);
        var financier = await Token("financier");

        var json = await Warmte(financier, "business-case", "loan-grid", project, "--rate", "2;3", "--term", "20,30", "--type", "annuity,linear", "--json");
        Ok(json);
        var api = await Server.Client().Post($"api/projects/{project}/business-cases/1/loan-grid",
            new { rates = new[] { 0.02m, 0.03m }, terms = new[] { 20, 30 }, types = new[] { "Annuity", "Linear" } });
        Assert.Equal(HttpStatusCode.OK, api.Status);
        var cliCells = JsonNode.Parse(json.Out)!["cells"]!;
        Assert.Equal(8, cliCells.AsArray().Count);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(api.Raw), cliCells), json.Out + "\n---\n" + api.Raw);

        // The table (no --version: the newest, here 1) shows the API's cell for 2,5% over 30 years.
        var table = await Warmte(financier, "business-case", "loan-grid", project, "--rate", "2.5", "--term", "30");
        Ok(table);
        var one = (await Server.Client().Post($"api/projects/{project}/business-cases/1/loan-grid",
            new { rates = new[] { 0.025m }, terms = new[] { 30 } })).Body.EnumerateArray().Single();
        Assert.Contains($"Bewaarde versie 1 van {project}", table.Out);
        var row = table.Out.Split('\n').Single(l => l.TrimStart().StartsWith("2,50%", StringComparison.Ordinal));
        Assert.Contains(Ratio(one.GetProperty("minDscr").GetDecimal()), row);
        Assert.Contains("€ " + WholeEuros(one.GetProperty("totalInterest").GetDecimal()), row);
        Assert.Contains("€ " + WholeEuros(one.GetProperty("npvAfterFinancing").GetDecimal()), row);

        // A reader may ask at most 200 cells: the service's Dutch refusal, exit 1 (400).
        var tooMany = await Warmte(await Token("reader"), "business-case", "loan-grid", project, "--rate", "1:10:0.5", "--term", "10:40", "--type", "annuity");
        Assert.Equal(1, tooMany.ExitCode);
        Assert.Contains("lezer", tooMany.Err);
        CliHarness.AssertNoStackTrace(tooMany);
    }

    [Fact]
    public async Task The_monte_carlo_on_a_saved_version_is_the_same_in_two_processes_and_in_the_api()
    {
        var (_, project) = await Seed();
        Assert.Equal(HttpStatusCode.Created, (await Server.Client().Post($"api/projects/{project}/business-cases",
            new { model = JsonNode.Parse(RepoFiles.Read("models", "ketelhuiswg.json")) })).Status);
        var reader = await Token("reader");

        string[] args = ["business-case", "montecarlo", project, "--version", "1", "--runs", "500", "--seed", "7", "--json"];
        var one = await Warmte(reader, args);
        var two = await Warmte(reader, args);
        Ok(one);
        Ok(two);
        Assert.Equal(one.Out, two.Out);
        var api = await Server.Client().Post($"api/projects/{project}/business-cases/1/montecarlo", new { runs = 500, seed = 7 });
        Assert.Equal(HttpStatusCode.OK, api.Status);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(api.Raw), JsonNode.Parse(one.Out)), one.Out + "\n---\n" + api.Raw);
        // A different seed is a different draw: the comparison above could fail.
        var other = await Server.Client().Post($"api/projects/{project}/business-cases/1/montecarlo", new { runs = 500, seed = 8 });
        Assert.NotEqual(api.Body.GetProperty("npvP50").GetDecimal(), other.Body.GetProperty("npvP50").GetDecimal());

        var table = await Warmte(reader, "business-case", "montecarlo", project, "--runs", "500", "--seed", "7");
        Ok(table);
        Assert.Contains($"Bewaarde versie 1 van {project}", table.Out);
        Assert.Contains("Seed:", table.Out);
        var npvRow = table.Out.Split('\n').Single(l => l.TrimStart().StartsWith("NPV (", StringComparison.Ordinal));
        foreach (var p in new[] { "npvP10", "npvP50", "npvP90" })
            Assert.Contains("€ " + WholeEuros(api.Body.GetProperty(p).GetDecimal()), npvRow);
    }

    [Fact]
    public async Task A_bad_model_file_is_refused_by_field_and_a_reader_is_refused_in_dutch_and_nothing_is_saved()
    {
        var (coop, project) = await Seed();
        var board = await Token($"board:{coop}");
        var model = JsonNode.Parse(RepoFiles.Read("models", "ketelhuiswg.json"))!;
        model["discountRate"] = "0,04";
        var file = Path.Combine(Path.GetTempPath(), $"model-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, model.ToJsonString());
        try
        {
            var bad = await Warmte(board, "business-case", "save", project, file);
            Assert.Equal(1, bad.ExitCode);
            Assert.Contains("is niet geldig", bad.Err);
            // Named by its path, with what to write instead (JsonFieldHints, as for plan files and the API).
            Assert.Contains("discountRate: '0,04' is tekst", bad.Err);
            Assert.Contains("0.04", bad.Err);
            CliHarness.AssertNoStackTrace(bad);

            var reader = await Warmte(await Token("reader"), "business-case", "save", project, Model("ketelhuiswg.json"));
            Assert.Equal(2, reader.ExitCode);
            Assert.Contains("(HTTP 403)", reader.Err);
            Assert.Contains($"Alleen het bestuur van '{coop}' of een beheerder bewaart hier een business case", reader.Err);
            CliHarness.AssertNoStackTrace(reader);

            Assert.Empty((await Server.Client().Get($"api/projects/{project}/business-cases")).Body.EnumerateArray());
        }
        finally
        {
            File.Delete(file);
        }
    }
}
