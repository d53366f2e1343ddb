using System.Net;
using System.Text.Json.Nodes;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Http;

public sealed class BusinessCaseApiTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private WarmteServer Server => fixture.Server;

    private static JsonNode Model() => JsonNode.Parse(RepoFiles.Read("models", "ketelhuiswg.json"))!;

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>
    /// The abuse campaign's find (session 16): a loan grid with a term sent as a lone surrogate ("\ud800") was answered 500;
    /// it is a 400 naming the term, and nothing is computed.
    /// </summary>
    [Fact]
    public async Task A_loan_grid_term_that_is_not_well_formed_text_is_a_400_naming_the_term()
    {
        var admin = Server.Client();
        var project = await ApiCalls.SeedCooperativeWithProject(admin, NewId("coop"), NewId("proj"));
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/projects/{project}/business-cases", new { note = "v1", model = Model() })).Status);
        foreach (var term in new[] { "\"\\ud800\"", "\"3\\udc00\"", "\"\\ud83d\"" })
        {
            using var answer = await admin.PostAsync($"api/projects/{project}/business-cases/1/loan-grid", new StringContent(
                "{\"rates\":[0.03,0.05],\"terms\":[" + term + "],\"types\":[\"Annuity\"],\"graces\":[0],\"loan\":0}",
                System.Text.Encoding.UTF8, "application/json"));
            var body = await answer.Content.ReadAsStringAsync();
            Assert.True(answer.StatusCode == HttpStatusCode.BadRequest, body);
            Assert.Contains("terms[0]", body);
        }
    }

    [Fact]
    public async Task A_saved_version_keeps_its_kpis_and_can_be_read_compared_and_simulated()
    {
        var admin = Server.Client();
        var project = await ApiCalls.SeedCooperativeWithProject(admin, NewId("coop"), NewId("proj"));

        var first = await admin.Post($"api/projects/{project}/business-cases", new { note = "bij financial close", model = Model() });
        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(1, first.Body.GetProperty("version").GetInt32());
        Assert.True(first.Body.GetProperty("kpis").GetProperty("financingCloses").GetBoolean());
        Assert.Equal(WarmteServer.BootstrapAdminToken.Length > 0 ? "Beheerder (eerste start)" : "", first.Body.GetProperty("savedBy").GetString());

        var commercial = Model();
        commercial["sources"]!["loans"]![0]!["annualRate"] = 0.07;
        var second = await admin.Post($"api/projects/{project}/business-cases", new { note = "commerciële rente", model = commercial });
        Assert.False(second.Body.GetProperty("kpis").GetProperty("financingCloses").GetBoolean());

        var list = await admin.Get($"api/projects/{project}/business-cases");
        Assert.Equal(2, list.Body.GetArrayLength());

        var compare = await admin.Get($"api/projects/{project}/business-cases/compare?from=1&to=2");
        Assert.True(compare.Body.GetProperty("difference").GetProperty("minDscr").GetDecimal() < 0);

        var read = await admin.Get($"api/projects/{project}/business-cases/1");
        Assert.Equal(33, read.Body.GetProperty("result").GetProperty("evaluation").GetProperty("years").GetArrayLength());
        Assert.Equal(0.03m, read.Body.GetProperty("model").GetProperty("sources").GetProperty("loans")[0].GetProperty("annualRate").GetDecimal());

        var reader = Server.Client((await admin.Post("api/tokens", new { name = "Gemeente", role = "financier" })).Text("token"));
        var grid = await reader.Post($"api/projects/{project}/business-cases/1/loan-grid",
            new { rates = new[] { 0.03m, 0.07m }, terms = new[] { 33 }, types = new[] { "Annuity", "Linear" }, graces = new[] { 3 } });
        Assert.Equal(HttpStatusCode.OK, grid.Status);
        Assert.Equal(4, grid.Body.GetArrayLength());
        Assert.Contains(grid.Body.EnumerateArray(), c => c.GetProperty("annualRate").GetDecimal() == 0.03m && c.GetProperty("closes").GetBoolean());
        Assert.Contains(grid.Body.EnumerateArray(), c => c.GetProperty("annualRate").GetDecimal() == 0.07m && !c.GetProperty("closes").GetBoolean());

        var stress = await reader.Get($"api/projects/{project}/business-cases/1/stress");
        Assert.True(stress.Body.GetProperty("scenarios").GetArrayLength() >= 5);
        var mc1 = await reader.Post($"api/projects/{project}/business-cases/1/montecarlo", new { runs = 300, seed = 3 });
        var mc2 = await reader.Post($"api/projects/{project}/business-cases/1/montecarlo", new { runs = 300, seed = 3 });
        Assert.Equal(mc1.Raw, mc2.Raw);
        // A financier reads and simulates, but does not save a cooperative's business case.
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.Post($"api/projects/{project}/business-cases", new { model = Model() })).Status);
    }

    /// <summary>Tester finding F7: omitted graces meant 0 years in the API (every cell "closes: false") while the CLI and dashboard use the model's own.</summary>
    [Fact]
    public async Task Omitted_graces_are_the_model_loans_own_and_a_rate_in_percent_is_refused_in_dutch()
    {
        var admin = Server.Client();
        var project = await ApiCalls.SeedCooperativeWithProject(admin, NewId("coop"), NewId("proj"));
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/projects/{project}/business-cases", new { model = Model() })).Status);
        var modelGrace = Model()["sources"]!["loans"]![0]!["graceYears"]!.GetValue<int>();
        Assert.NotEqual(0, modelGrace);

        var omitted = await admin.Post($"api/projects/{project}/business-cases/1/loan-grid", new { rates = new[] { 0.02m, 0.03m }, terms = new[] { 20, 30 } });
        var explicitGrace = await admin.Post($"api/projects/{project}/business-cases/1/loan-grid",
            new { rates = new[] { 0.02m, 0.03m }, terms = new[] { 20, 30 }, graces = new[] { modelGrace } });
        Assert.Equal(HttpStatusCode.OK, omitted.Status);
        Assert.All(omitted.Body.EnumerateArray(), c => Assert.Equal(modelGrace, c.GetProperty("graceYears").GetInt32()));
        Assert.Equal(explicitGrace.Raw, omitted.Raw);
        var zero = await admin.Post($"api/projects/{project}/business-cases/1/loan-grid", new { rates = new[] { 0.02m }, terms = new[] { 20 }, graces = new[] { 0 } });
        Assert.Equal(0, zero.Body[0].GetProperty("graceYears").GetInt32());

        var percent = await admin.Post($"api/projects/{project}/business-cases/1/loan-grid", new { rates = new[] { 2m }, terms = new[] { 20 } });
        Assert.Equal(HttpStatusCode.BadRequest, percent.Status);
        Assert.Equal(["rates[0]"], percent.ErrorFields);
        var message = percent.Body.GetProperty("errors").GetProperty("rates[0]")[0].GetString()!;
        // A percentage in the fraction's place is named as such, with the fraction to write (tester7 T15).
        Assert.Contains("Bedoelt u 2%? Schrijf dan 0.02.", message);
    }

    [Fact]
    public async Task A_bad_model_is_refused_with_field_paths_under_model_and_nothing_is_saved()
    {
        var admin = Server.Client();
        var project = await ApiCalls.SeedCooperativeWithProject(admin, NewId("coop"), NewId("proj"));
        var model = Model();
        model["sources"]!["loans"]![0]!["termYears"] = -1;
        model["revenues"]!["rampUp"]![0]!["connectedShare"] = 1.5;
        var answer = await admin.Post($"api/projects/{project}/business-cases", new { model });
        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Contains("model.sources.loans[0].termYears", answer.ErrorFields);
        Assert.Contains("model.revenues.rampUp[0].connectedShare", answer.ErrorFields);
        Assert.Equal(0, (await admin.Get($"api/projects/{project}/business-cases")).Body.GetArrayLength());

        var grid = await admin.Post($"api/projects/{project}/business-cases/1/loan-grid", new { rates = new[] { 0.03m }, terms = new[] { 30 } });
        Assert.Equal(HttpStatusCode.NotFound, grid.Status);
    }

    [Fact]
    public async Task The_gate_into_realisatie_needs_a_business_case_that_closes()
    {
        var admin = Server.Client();
        var coop = NewId("coop");
        var project = await ApiCalls.SeedCooperativeWithProject(admin, coop, NewId("proj"));
        var date = new DateOnly(2019, 1, 1);
        foreach (var (to, keys) in new[]
                 {
                     ("Haalbaarheid", new[] { "bewonersgroep", "intentieverklaring" }),
                     ("Ontwikkeling", new[] { "haalbaarheidsstudie", "schetsontwerp", "eerste-businesscase", "juridische-knelpunten", "ontwikkelfinanciering" }),
                 })
        {
            foreach (var key in keys) await admin.Put($"api/projects/{project}/deliverables/{key}", new { presentOn = date.ToString("yyyy-MM-dd") });
            var go = await admin.Post($"api/projects/{project}/transitions", new { to, decidedOn = date.ToString("yyyy-MM-dd"), decidedBy = "ALV", rationale = "ok" });
            Assert.Equal(HttpStatusCode.OK, go.Status);
            date = date.AddYears(1);
        }
        foreach (var key in new[] { "definitief-ontwerp", "contracten", "businesscase-financieringsvoorstel", "vergunningen", "financial-close" })
            await admin.Put($"api/projects/{project}/deliverables/{key}", new { presentOn = "2024-12-14" });

        var commercial = Model();
        commercial["sources"]!["loans"]![0]!["annualRate"] = 0.07;
        await admin.Post($"api/projects/{project}/business-cases", new { model = commercial });
        var refused = await admin.Post($"api/projects/{project}/transitions", new { to = "Realisatie", decidedOn = "2025-04-01", decidedBy = "Stuurgroep", rationale = "bouwen" });
        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Equal(["conditions.financiering-sluit", "conditions.huurdersinstemming", "conditions.realisatiebesluit"], refused.ErrorFields.Order());

        await ApiCalls.PassRealisatiebesluitWithoutTenants(admin, coop, project);
        refused = await admin.Post($"api/projects/{project}/transitions", new { to = "Realisatie", decidedOn = "2025-04-01", decidedBy = "Stuurgroep", rationale = "bouwen" });
        Assert.Equal(["conditions.financiering-sluit"], refused.ErrorFields);

        await admin.Post($"api/projects/{project}/business-cases", new { model = Model() });
        var gate = await admin.Get($"api/projects/{project}/gate");
        var condition = gate.Body.GetProperty("nextGate").GetProperty("conditions").EnumerateArray().Single(c => c.GetProperty("key").GetString() == "financiering-sluit");
        Assert.True(condition.GetProperty("met").GetBoolean());
        Assert.Contains("Versie 2", condition.GetProperty("evidence").GetString());
        // F15: KetelhuisWG closes on paper but its cash goes below zero in a year: the gate passes and says so.
        var saved = await admin.Get($"api/projects/{project}/business-cases/2");
        var lowest = saved.Body.GetProperty("result").GetProperty("evaluation").GetProperty("years").EnumerateArray()
            .Select(y => (Year: y.GetProperty("year").GetInt32(), Cash: y.GetProperty("cashBalance").GetDecimal()))
            .OrderBy(y => y.Cash).ThenBy(y => y.Year).First();
        Assert.True(lowest.Cash < 0m);
        Assert.Equal(-lowest.Cash, saved.Body.GetProperty("version").GetProperty("kpis").GetProperty("bridgingNeeded").GetDecimal());
        Assert.Contains($"maar in {lowest.Year} € {(-lowest.Cash).ToString("#,##0.00", System.Globalization.CultureInfo.GetCultureInfo("nl-NL"))} tekort (overbrugging nodig)",
            condition.GetProperty("evidence").GetString());
        var go2 = await admin.Post($"api/projects/{project}/transitions", new { to = "Realisatie", decidedOn = "2025-04-01", decidedBy = "Stuurgroep", rationale = "bouwen" });
        Assert.Equal(HttpStatusCode.OK, go2.Status);
    }

    [Fact]
    public async Task Any_token_can_evaluate_a_model_without_saving_it()
    {
        var reader = Server.Client((await Server.Client().Post("api/tokens", new { name = "Lezer", role = "reader" })).Text("token"));
        var answer = await reader.Post("api/business-cases/evaluate", new { model = JsonNode.Parse(RepoFiles.Read("models", "zonnedak-sporthal.json")) });
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.True(answer.Body.GetProperty("evaluation").GetProperty("kpis").GetProperty("sourcesAndUses").GetProperty("covered").GetBoolean());
        Assert.Equal(HttpStatusCode.BadRequest, (await reader.Post("api/business-cases/evaluate", new { model = 3 })).Status);
    }
}
