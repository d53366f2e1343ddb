using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Cli;

/// <summary>
/// Tester7 T9, T15 and the "noticed" lines: the coordinator's comparison and recording a grant from the CLI against the
/// real service, the loan grid's messages, and query parameters an endpoint does not know.
/// </summary>
public sealed class CoordinatorCliTests(CliServerFixture fixture) : IClassFixture<CliServerFixture>
{
    private WarmteServer Server => fixture.Server;

    private static readonly CultureInfo Dutch = CultureInfo.GetCultureInfo("nl-NL");

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    private Task<CliResult> Warmte(string token, params string[] args) => CliHarness.Run(CliHarness.Env(Server.BaseUrl, token), handler: null, args);

    private async Task<string> Token(string role)
    {
        var answer = await Server.Client().Post("api/tokens", new { name = "cli-test", role });
        Assert.Equal(HttpStatusCode.Created, answer.Status);
        return answer.Text("token");
    }

    /// <summary>An umbrella with one heat cooperative whose project has a € 300.000 grant and KetelhuisWG's business case.</summary>
    private async Task<(string Umbrella, string Coop, string Project)> SeedUmbrella()
    {
        var admin = Server.Client();
        var umbrella = NewId("koepel");
        Assert.Equal(HttpStatusCode.Created, (await admin.Post("api/umbrellas", new { id = umbrella, name = "Testkoepel" })).Status);
        var coop = NewId("coop");
        Assert.Equal(HttpStatusCode.Created, (await admin.Post("api/cooperatives", new
        {
            id = coop, statutoryName = "Zuidwarmte Test U.A.", kind = "HeatNetwork", municipality = "Amsterdam", umbrellas = new[] { umbrella },
        })).Status);
        var project = NewId("proj");
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/cooperatives/{coop}/projects",
            new { id = project, name = "Warmtenet Zuid", woningequivalenten = 600 })).Status);
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/projects/{project}/grants", new
        {
            id = "gem-ontw", funder = "Gemeente Amsterdam", scheme = "Ontwikkelsubsidie", amountGranted = 300000m, decidedOn = "2024-12-01",
            tranches = new[] { new { amount = 100000m }, new { amount = 100000m }, new { amount = 100000m } },
        })).Status);
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/projects/{project}/business-cases",
            new { model = JsonNode.Parse(RepoFiles.Read("models", "ketelhuiswg.json")) })).Status);
        return (umbrella, coop, project);
    }

    [Fact]
    public async Task Umbrella_show_prints_the_comparison_with_the_apis_figures()
    {
        var (umbrella, _, project) = await SeedUmbrella();
        var coordinator = await Token("coordinator");
        var api = (await Server.Client(coordinator).Get($"api/umbrellas/{umbrella}")).Body;
        var finance = Assert.Single(api.GetProperty("rows").EnumerateArray()).GetProperty("finance");

        var result = await Warmte(coordinator, "umbrella", "show", umbrella);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Testkoepel: 1 coöperatie", result.Out);
        Assert.Contains("Zuidwarmte Test U.A.", result.Out);
        Assert.Contains(project, result.Out);
        Assert.Contains("warmtenet", result.Out);
        Assert.Contains("Initiatief", result.Out);
        Assert.Contains("300.000", result.Out);
        // The NPV and investment as the API has them, in whole euros with Dutch grouping.
        Assert.Contains(Math.Round(finance.GetProperty("npv").GetDecimal(), 0, MidpointRounding.AwayFromZero).ToString("#,##0", Dutch), result.Out);
        Assert.Contains(Math.Round(finance.GetProperty("investment").GetDecimal(), 0, MidpointRounding.AwayFromZero).ToString("#,##0", Dutch), result.Out);
        Assert.Contains(finance.GetProperty("financingClosesText").GetString()!, result.Out);
        Assert.Contains("Groep bewoners die het initiatief draagt", result.Out);

        var json = await Warmte(coordinator, "umbrella", "show", umbrella, "--json");
        Assert.Equal(0, json.ExitCode);
        Assert.Equal(umbrella, JsonDocument.Parse(json.Out).RootElement.GetProperty("id").GetString());

        var unknown = await Warmte(coordinator, "umbrella", "show", "geen-koepel");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("geen-koepel", unknown.Err);
    }

    [Fact]
    public async Task Grant_create_records_the_grant_through_the_api_and_the_api_decides_who_may()
    {
        var (_, coop, project) = await SeedUmbrella();
        var board = await Token($"board:{coop}");

        var created = await Warmte(board, "grant", "create", project, "--id", "paw-2", "--scheme", "PAW", "--funder", "Rijk",
            "--amount", "200.000,00", "--decided", "01-03-2025", "--tranche", "150000", "--tranche", "50.000,00");

        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.Contains("Subsidie 'paw-2' (PAW) vastgelegd", created.Out);
        var grant = (await Server.Client().Get($"api/projects/{project}/grants/paw-2")).Body.GetProperty("grant");
        Assert.Equal(200000m, grant.GetProperty("amountGranted").GetDecimal());
        Assert.Equal("2025-03-01", grant.GetProperty("decidedOn").GetString());
        Assert.Equal([150000m, 50000m], grant.GetProperty("tranches").EnumerateArray().Select(t => t.GetProperty("plannedAmount").GetDecimal()));

        // From a file: the body of POST …/grants as it is.
        var file = Path.Combine(Path.GetTempPath(), $"subsidie-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, """
            // Klimaatfonds
            { "id": "kf", "funder": "Klimaatfonds", "scheme": "Klimaatfonds Amsterdam", "amountGranted": 50000, "decidedOn": "2025-02-01",
              "tranches": [ { "amount": 50000 } ], }
            """);
        try
        {
            var fromFile = await Warmte(board, "grant", "create", project, "--file", file);
            Assert.True(fromFile.ExitCode == 0, fromFile.ToString());
            Assert.Equal(HttpStatusCode.OK, (await Server.Client().Get($"api/projects/{project}/grants/kf")).Status);
        }
        finally
        {
            File.Delete(file);
        }

        // An ambiguous amount is refused before anything is sent; the service's refusal comes back with exit 2 (403) or 1 (400).
        var ambiguous = await Warmte(board, "grant", "create", project, "--id", "x1", "--scheme", "S", "--funder", "F", "--amount", "300.000", "--tranche", "300000");
        Assert.Equal(1, ambiguous.ExitCode);
        Assert.Contains("dubbelzinnig", ambiguous.Err);
        Assert.Equal(HttpStatusCode.NotFound, (await Server.Client().Get($"api/projects/{project}/grants/x1")).Status);

        var reader = await Warmte(await Token("reader"), "grant", "create", project, "--id", "x2", "--scheme", "S", "--funder", "F",
            "--amount", "1000", "--tranche", "1000");
        Assert.Equal(2, reader.ExitCode);
        Assert.Contains("subsidie", reader.Err, StringComparison.OrdinalIgnoreCase);

        var otherFunder = await Warmte(await Token("financier:gemeente-amsterdam"), "grant", "create", project, "--id", "x3", "--scheme", "S",
            "--funder", "Rijk", "--funder-id", "rijk", "--amount", "1000", "--tranche", "1000");
        Assert.Equal(2, otherFunder.ExitCode);
        Assert.Contains("gemeente-amsterdam", otherFunder.Err);
    }

    [Fact]
    public async Task The_loan_grid_answers_a_rate_as_text_or_percent_or_too_large_with_what_to_write()
    {
        var (_, _, project) = await SeedUmbrella();
        var admin = Server.Client();
        var grid = $"api/projects/{project}/business-cases/1/loan-grid";

        var text = await admin.PostRaw(grid, """{"rates":["2,5"],"terms":[30]}""");
        Assert.Equal(HttpStatusCode.BadRequest, text.Status);
        var textReason = text.Body.GetProperty("errors").GetProperty("rates[0]")[0].GetString()!;
        Assert.Contains("'2,5' is tekst", textReason);
        Assert.Contains("0.025 voor 2,5%", textReason);
        Assert.DoesNotContain("bijv. 2.5", textReason);

        var percent = await admin.PostRaw(grid, """{"rates":[2.5],"terms":[30]}""");
        Assert.Equal(HttpStatusCode.BadRequest, percent.Status);
        Assert.Contains("Bedoelt u 2,5%? Schrijf dan 0.025.", percent.Body.GetProperty("errors").GetProperty("rates[0]")[0].GetString());

        var huge = await admin.PostRaw(grid, """{"rates":[1e30],"terms":[30]}""");
        Assert.Equal(HttpStatusCode.BadRequest, huge.Status);
        var hugeReason = huge.Body.GetProperty("errors").GetProperty("rates[0]")[0].GetString()!;
        Assert.Contains("1e30 is als getal niet te gebruiken", hugeReason);
        Assert.DoesNotContain("met een punt als decimaalteken", hugeReason);

        var loan = await admin.PostRaw(grid, """{"rates":[0.03],"terms":[30],"loan":5}""");
        Assert.Equal(HttpStatusCode.BadRequest, loan.Status);
        var loanReason = loan.Body.GetProperty("errors").GetProperty("loan")[0].GetString()!;
        Assert.Contains("het model heeft 1 lening; laat loan weg of kies 0", loanReason);
        Assert.DoesNotContain("0 tot 0", loanReason);
    }

    [Fact]
    public async Task Query_parameters_an_endpoint_does_not_read_are_refused_by_name()
    {
        var (_, _, project) = await SeedUmbrella();
        var admin = Server.Client();

        var portfolio = await admin.Get("api/portfolio?funderId=gemeente-amsterdam");
        Assert.Equal(HttpStatusCode.BadRequest, portfolio.Status);
        Assert.Equal(["funderId"], portfolio.ErrorFields);
        Assert.Contains("token", portfolio.Body.GetProperty("errors").GetProperty("funderId")[0].GetString());
        Assert.Equal(HttpStatusCode.OK, (await admin.Get("api/portfolio")).Status);

        var timeline = await admin.Get($"api/projects/{project}/cash-timeline?from=2026-06&months=3");
        Assert.Equal(HttpStatusCode.BadRequest, timeline.Status);
        Assert.Equal(["from", "months"], timeline.ErrorFields.Order(StringComparer.Ordinal));
        Assert.Contains("--from", timeline.Body.GetProperty("errors").GetProperty("from")[0].GetString());
        // The parameter it does read still works as before.
        Assert.Equal((await admin.Get($"api/projects/{project}/cash-timeline")).Status,
            (await admin.Get($"api/projects/{project}/cash-timeline?regime=Tranches")).Status);
    }
}
