using System.Net;
using System.Text.Json.Nodes;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Http;

/// <summary>
/// Tester9a T4 through the service: the KetelhuisWG development plan (from 01-2019, € 7,7 mln in tranches, € 150.000 opening
/// balance) saved for a cooperative founded 01-02-2026 whose project started that day with a € 300.000 grant is saved, with
/// Dutch warnings in the answer and from <c>warmte cashflow save</c>; the cash position names the opening balance as the plan's.
/// </summary>
public sealed class PlanFitApiTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private WarmteServer Server => fixture.Server;

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    private async Task<string> Dapperbuurt(HttpClient admin)
    {
        var coop = NewId("oost");
        var project = NewId("dapper");
        Assert.Equal(HttpStatusCode.Created, (await admin.Post("api/cooperatives", new
        {
            id = coop, statutoryName = "Coöperatie Oosterwarmte U.A.", kind = "HeatNetwork", municipality = "Amsterdam", foundedOn = "2026-02-01",
        })).Status);
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/cooperatives/{coop}/projects", new
        {
            id = project, name = "Dapperbuurt", woningequivalenten = 420, plannedConnections = 300, startedOn = "2026-02-01",
        })).Status);
        var grant = await admin.Post($"api/projects/{project}/grants", new
        {
            id = "gem-ontw", funder = "Gemeente Amsterdam", scheme = "Ontwikkelsubsidie", amountGranted = 300_000m, decidedOn = "2026-02-15",
            tranches = new[] { new { amount = 100_000m }, new { amount = 100_000m }, new { amount = 100_000m } },
        });
        Assert.True(grant.Status is HttpStatusCode.OK or HttpStatusCode.Created, grant.Raw);
        return project;
    }

    [Fact]
    public async Task Saving_a_plan_that_does_not_fit_is_accepted_with_warnings_naming_dates_and_sums()
    {
        var admin = Server.Client();
        var project = await Dapperbuurt(admin);
        var saved = await admin.Put($"api/projects/{project}/cashflow-plan", new { plan = JsonNode.Parse(RepoFiles.Read("models", "ketelhuiswg-ontwikkeling.json")) });
        Assert.Equal(HttpStatusCode.OK, saved.Status);
        var warnings = saved.Body.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()!).ToList();
        Assert.Equal(3, warnings.Count);
        Assert.Contains("vóór de start van het project (01-02-2026) en de oprichting van de coöperatie (01-02-2026)", warnings[0]);
        Assert.Contains("€ 7.700.000,00, meer dan de subsidies die voor dit project zijn vastgelegd (€ 300.000,00)", warnings[1]);
        Assert.Contains("beginsaldo volgens plan", warnings[2]);
        // Saved all the same.
        Assert.Equal(HttpStatusCode.OK, (await admin.Get($"api/projects/{project}/cashflow-plan")).Status);

        // The cash position labels the opening balance as the plan's assumption.
        var position = await admin.Get($"api/projects/{project}/cash-position");
        Assert.Equal(150_000m, position.Body.GetProperty("openingBalance").GetDecimal());
        Assert.Contains("een aanname, geen geboekt bedrag", position.Body.GetProperty("openingBalanceNote").GetString());

        // The CLI says the same after "vastgelegd", and in the cash position.
        var file = Path.Combine(Path.GetTempPath(), NewId("plan") + ".json");
        await File.WriteAllTextAsync(file, RepoFiles.Read("models", "ketelhuiswg-ontwikkeling.json"));
        try
        {
            var (code, output, error) = await Cli("cashflow", "save", project, file);
            Assert.True(code == 0, error);
            var flat = System.Text.RegularExpressions.Regex.Replace(output, @"\s+", " ");
            Assert.Contains("vastgelegd", flat);
            Assert.Contains("Let op: Het plan begint in 01-2019, vóór de start van het project (01-02-2026)", flat);
            Assert.Contains("meer dan de subsidies die voor dit project zijn vastgelegd (€ 300.000,00)", flat);
        }
        finally { File.Delete(file); }
        var (_, cashPosition, _) = await Cli("cash-position", project);
        Assert.Contains("Beginsaldo volgens plan (aanname, niet geboekt) € 150.000,00", cashPosition);
        Assert.DoesNotContain("uitgegeven", cashPosition.Split('\n')[1]);
    }

    [Fact]
    public async Task A_plan_that_fits_the_project_is_saved_without_warnings()
    {
        var admin = Server.Client();
        var project = await Dapperbuurt(admin);
        var plan = JsonNode.Parse(RepoFiles.Read("models", "ketelhuiswg-ontwikkeling.json"))!.AsObject();
        plan["startMonth"] = "2026-02";
        plan["openingBalance"] = 0;
        plan["grant"] = new JsonObject
        {
            ["name"] = "Ontwikkelsubsidie", ["funder"] = "Gemeente Amsterdam", ["amount"] = 300_000, ["tranches"] = new JsonArray(100_000, 100_000, 100_000),
        };
        var saved = await admin.Put($"api/projects/{project}/cashflow-plan", new { plan });
        Assert.Equal(HttpStatusCode.OK, saved.Status);
        Assert.Equal(0, saved.Body.GetProperty("warnings").GetArrayLength());
        var position = await admin.Get($"api/projects/{project}/cash-position");
        Assert.False(position.Body.TryGetProperty("openingBalanceNote", out var note) && note.ValueKind == System.Text.Json.JsonValueKind.String);
    }

    private async Task<(int Code, string Out, string Err)> Cli(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await Warmte.Client.WarmteCli.RunAsync(args, stdout, stderr,
            new Dictionary<string, string?> { ["WARMTE_URL"] = Server.BaseUrl, ["WARMTE_TOKEN"] = Server.AdminToken });
        return (code, stdout.ToString(), stderr.ToString());
    }
}
