using System.Net;
using System.Text.Json;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Cli;

/// <summary>One real service (SQLite) for the CLI end-to-end tests; each test uses its own ids.</summary>
public sealed class CliServerFixture : IAsyncLifetime
{
    public WarmteServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await WarmteServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>The CLI against the real service over HTTP: what a board member at a laptop would see.</summary>
public sealed class CliEndToEndTests(CliServerFixture fixture) : IClassFixture<CliServerFixture>
{
    private WarmteServer Server => fixture.Server;

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    private Dictionary<string, string?> AdminEnv() => CliHarness.Env(Server.BaseUrl, Server.AdminToken);

    private Task<CliResult> Warmte(params string[] args) => CliHarness.Run(AdminEnv(), handler: null, args);

    private async Task<string> Token(string role)
    {
        var answer = await Server.Client().Post("api/tokens", new { name = "cli-test", role });
        Assert.Equal(HttpStatusCode.Created, answer.Status);
        return answer.Text("token");
    }

    [Fact]
    public async Task Status_shows_the_service_and_who_is_signed_in()
    {
        var result = await Warmte("status");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"op {Server.BaseUrl}", result.Out);
        Assert.Contains("(rol: admin)", result.Out);
        Assert.Contains("Sqlite", result.Out);
    }

    [Fact]
    public async Task Status_with_the_url_and_token_as_options_and_json_prints_the_services_json()
    {
        var result = await CliHarness.Run(null, null, "status", "--json", "--url", Server.BaseUrl, "--token", Server.AdminToken);
        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Out);
        Assert.Equal("Warmtenet", json.RootElement.GetProperty("service").GetString());
        Assert.Equal("admin", json.RootElement.GetProperty("caller").GetProperty("role").GetString());
    }

    [Fact]
    public async Task Without_a_token_or_with_a_wrong_one_the_cli_exits_2()
    {
        var none = await CliHarness.Run(CliHarness.Env(Server.BaseUrl), null, "status");
        Assert.Equal(2, none.ExitCode);
        Assert.Contains("er is geen token opgegeven", none.Err);

        var wrong = await CliHarness.Run(CliHarness.Env(Server.BaseUrl, "wt_not-a-real-token-at-all-0000000000"), null, "status");
        Assert.Equal(2, wrong.ExitCode);
        Assert.Contains("accepteert het token niet", wrong.Err);
        Assert.DoesNotContain("wt_not-a-real-token", wrong.Err);
        CliHarness.AssertNoStackTrace(wrong);
    }

    [Fact]
    public async Task Cooperative_list_and_show_include_a_cooperative_created_through_the_api()
    {
        var coop = NewId("coop");
        var project = NewId("proj");
        await ApiCalls.SeedCooperativeWithProject(Server.Client(), coop, project);

        var list = await Warmte("cooperative", "list");
        Assert.True(list.ExitCode == 0, list.ToString());
        var row = Assert.Single(list.Out.Split('\n'), l => l.StartsWith(coop, StringComparison.Ordinal));
        Assert.Contains($"Coöperatie {coop} U.A.", row);
        Assert.Contains("warmtenet", row);
        Assert.Contains("18-12-2019", row);
        Assert.Contains("1.500", row);
        Assert.Contains("Initiatief", row);

        var show = await Warmte("cooperative", "show", coop);
        Assert.True(show.ExitCode == 0, show.ToString());
        var projectRow = Assert.Single(show.Out.Split('\n'), l => l.Contains(project, StringComparison.Ordinal));
        Assert.Contains("Initiatief", projectRow);
        Assert.Contains("01-01-2018", projectRow);
        Assert.Contains("Groep bewoners die het initiatief draagt", projectRow);
    }

    [Fact]
    public async Task Unknown_ids_are_bad_input()
    {
        var coop = await Warmte("cooperative", "show", "bestaat-niet");
        Assert.Equal(1, coop.ExitCode);
        Assert.Contains("Niet gevonden (HTTP 404)", coop.Err);
        Assert.Contains("'bestaat-niet' bestaat niet", coop.Err);

        var project = await Warmte("project", "show", "bestaat-niet");
        Assert.Equal(1, project.ExitCode);
    }

    [Fact]
    public async Task Advance_refused_by_the_gate_exits_1_and_names_each_unmet_condition()
    {
        var project = NewId("proj");
        await ApiCalls.SeedCooperativeWithProject(Server.Client(), NewId("coop"), project);

        var result = await Warmte("project", "advance", project, "--to", "Haalbaarheid", "--date", "2020-01-01",
            "--by", "Ledenvergadering", "--rationale", "Te vroeg");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.Contains("(HTTP 409)", result.Err);
        Assert.Contains("  Groep bewoners die het initiatief draagt: ", result.Err);
        Assert.Contains("  Intentieverklaring (letter of intent): ", result.Err);
        Assert.DoesNotContain("conditions.", result.Err);
        Assert.Contains($"warmte project deliverable {project} intentieverklaring --on JJJJ-MM-DD", result.Err);
        CliHarness.AssertNoStackTrace(result);

        // Nothing changed: the project is still in Initiatief and the checklist shows what is missing.
        var show = await Warmte("project", "show", project);
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains("Initiatief sinds 01-01-2018", show.Out);
        Assert.Contains("Volgende poort: Initiatief → Haalbaarheid (0 van 2 voorwaarden vervuld)", show.Out);
        Assert.Contains("✘ Groep bewoners die het initiatief draagt [bewonersgroep]: Nog niet aanwezig.", show.Out);
        Assert.Contains("Nog geen fasebesluiten.", show.Out);
    }

    [Fact]
    public async Task Advance_without_to_moves_a_ready_project_to_its_next_phase_and_show_has_the_decision()
    {
        var project = NewId("proj");
        var admin = Server.Client();
        await ApiCalls.SeedCooperativeWithProject(admin, NewId("coop"), project);
        foreach (var key in new[] { "bewonersgroep", "intentieverklaring" })
        {
            var put = await admin.Put($"api/projects/{project}/deliverables/{key}", new { presentOn = "2019-06-01", reference = "Notulen" });
            Assert.True(put.Status == HttpStatusCode.OK, put.Raw);
        }

        var result = await Warmte("project", "advance", project, "--date", "2019-12-18",
            "--by", "Oprichtingsvergadering", "--rationale", "Coöperatie opgericht");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Initiatief → Haalbaarheid (go) op 18-12-2019, besloten door Oprichtingsvergadering.", result.Out);
        Assert.Contains("Fase nu: Haalbaarheid sinds 18-12-2019", result.Out);

        var show = await Warmte("project", "show", project);
        var decision = Assert.Single(show.Out.Split('\n'), l => l.Contains("18-12-2019", StringComparison.Ordinal) && l.Contains('→'));
        Assert.Contains("Initiatief → Haalbaarheid (go)", decision);
        Assert.Contains("Oprichtingsvergadering", decision);
        Assert.Contains("Coöperatie opgericht", decision);
        Assert.Contains("Volgende poort: Haalbaarheid → Ontwikkeling", show.Out);
    }

    [Fact]
    public async Task Advance_with_a_bad_phase_name_shows_the_services_field_error()
    {
        var project = NewId("proj");
        await ApiCalls.SeedCooperativeWithProject(Server.Client(), NewId("coop"), project);
        var result = await Warmte("project", "advance", project, "--to", "Klaar", "--date", "2020-01-01", "--by", "a", "--rationale", "b");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("  to: 'Klaar' is geen fase", result.Err);
    }

    [Fact]
    public async Task A_reader_may_look_but_not_decide()
    {
        var project = NewId("proj");
        await ApiCalls.SeedCooperativeWithProject(Server.Client(), NewId("coop"), project);
        var env = CliHarness.Env(Server.BaseUrl, await Token("reader"));

        var show = await CliHarness.Run(env, null, "project", "show", project);
        Assert.True(show.ExitCode == 0, show.ToString());

        var advance = await CliHarness.Run(env, null, "project", "advance", project, "--to", "Gestopt", "--date", "2020-01-01",
            "--by", "Lezer", "--rationale", "Mag niet");
        Assert.Equal(2, advance.ExitCode);
        Assert.Contains("(HTTP 403)", advance.Err);
    }

    [Fact]
    public async Task Project_show_json_is_the_services_project_view()
    {
        var project = NewId("proj");
        await ApiCalls.SeedCooperativeWithProject(Server.Client(), NewId("coop"), project);
        var result = await Warmte("project", "show", project, "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Out);
        Assert.Equal(project, json.RootElement.GetProperty("id").GetString());
        Assert.Equal("Initiatief", json.RootElement.GetProperty("phase").GetString());
    }
}
