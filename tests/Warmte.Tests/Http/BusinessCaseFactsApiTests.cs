using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Warmte.Tests.Cli;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Http;

/// <summary>
/// Tester T6 and T12 over HTTP and the CLI: a saved business case counts on the gate checklist, ticking "Financiering rond"
/// against the latest version's figures is answered with a warning, and a model of another size than the project is saved
/// with a Dutch warning naming both numbers.
/// </summary>
public sealed class BusinessCaseFactsApiTests(CliServerFixture fixture) : IClassFixture<CliServerFixture>
{
    private WarmteServer Server => fixture.Server;

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    private static JsonNode Model(int? woningequivalenten = null)
    {
        var model = JsonNode.Parse(RepoFiles.Read("models", "ketelhuiswg.json"))!;
        if (woningequivalenten is { } weq) model["revenues"]!["woningequivalenten"] = weq;
        return model;
    }

    [Fact]
    public async Task Saved_versions_count_on_the_checklist_and_a_contradicted_tick_is_recorded_with_a_warning()
    {
        var admin = Server.Client();
        var coop = NewId("coop");
        var project = await ApiCalls.SeedCooperativeWithProject(admin, coop, NewId("proj")); // 1500 WEQ
        foreach (var key in new[] { "bewonersgroep", "intentieverklaring" })
            Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/projects/{project}/deliverables/{key}", new { presentOn = "2019-01-01" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/projects/{project}/transitions",
            new { to = "Haalbaarheid", decidedOn = "2019-01-01", decidedBy = "ALV", rationale = "ok" })).Status);

        var before = await admin.Get($"api/projects/{project}");
        Assert.Contains("er is nog geen business case bewaard", Evidence(before.Body, "eerste-businesscase"));

        // T12: a model of another size is saved, with a warning naming both numbers; the project's own size saves quietly.
        var other = await admin.Post($"api/projects/{project}/business-cases", new { model = Model(420) });
        Assert.Equal(HttpStatusCode.Created, other.Status);
        var warning = Assert.Single(other.Body.GetProperty("warnings").EnumerateArray()).GetString();
        Assert.Contains($"dit model rekent met 420 woningequivalenten, project {project} heeft er 1.500", warning);
        var same = await admin.Post($"api/projects/{project}/business-cases", new { model = Model() });
        Assert.Equal(HttpStatusCode.Created, same.Status);
        Assert.Equal(2, same.Body.GetProperty("version").GetInt32());
        Assert.Empty(same.Body.GetProperty("warnings").EnumerateArray());

        // T6: the saved versions are the first business case, named.
        var after = await admin.Get($"api/projects/{project}");
        var first = Condition(after.Body, "eerste-businesscase");
        Assert.True(first.GetProperty("met").GetBoolean());
        Assert.Contains("versie 1", first.GetProperty("evidence").GetString());
        Assert.Contains("2 versies, de nieuwste versie 2", first.GetProperty("evidence").GetString());

        // Ticking financial close while the latest version (KetelhuisWG's model) needs bridging: recorded, with a warning.
        var latest = (await admin.Get($"api/projects/{project}/business-cases/2")).Body.GetProperty("version").GetProperty("kpis");
        Assert.True(latest.GetProperty("lowestCashBalance").GetDecimal() < 0m, "the reference model needs bridging");
        var tick = await admin.Put($"api/projects/{project}/deliverables/financial-close", new { presentOn = "2026-01-01" });
        Assert.Equal(HttpStatusCode.OK, tick.Status);
        Assert.Contains("overbrugging nodig", Assert.Single(tick.Body.GetProperty("warnings").EnumerateArray()).GetString());
        Assert.Contains(tick.Body.GetProperty("deliverables").EnumerateArray(), d => d.GetProperty("key").GetString() == "financial-close");
        // A deliverable the business case says nothing about is answered without warnings.
        var permit = await admin.Put($"api/projects/{project}/deliverables/vergunningen", new { presentOn = "2026-01-01" });
        Assert.False(permit.Body.TryGetProperty("warnings", out _));
    }

    [Fact]
    public async Task The_cli_prints_the_size_warning_when_it_saves_the_model()
    {
        var admin = Server.Client();
        var project = await ApiCalls.SeedCooperativeWithProject(admin, NewId("coop"), NewId("proj"));
        var file = Path.Combine(Path.GetTempPath(), $"model-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, Model(420).ToJsonString());
        try
        {
            var result = await CliHarness.Run(CliHarness.Env(Server.BaseUrl, Server.AdminToken), handler: null, "business-case", "save", project, file);
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains($"Let op: dit model rekent met 420 woningequivalenten, project {project} heeft er 1.500.", result.Out);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static JsonElement Condition(JsonElement project, string key) =>
        project.GetProperty("nextGate").GetProperty("conditions").EnumerateArray().Single(c => c.GetProperty("key").GetString() == key);

    private static string Evidence(JsonElement project, string key) => Condition(project, key).GetProperty("evidence").GetString()!;
}
