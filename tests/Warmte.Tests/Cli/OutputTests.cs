using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using NodaTime;
using Warmte.Client;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Cli;

/// <summary>
/// Output formatting and exit-code mapping against canned answers (<see cref="FakeApi"/>), and
/// network failures against real loopback sockets. Behaviour against the real service is in
/// <see cref="CliEndToEndTests"/>.
/// </summary>
public sealed class OutputTests
{
    private const string Url = "http://127.0.0.1:5999";
    private const string Token = "wt_test-token-for-the-fake";

    private static Dictionary<string, string?> Env() => CliHarness.Env(Url, Token);

    [Fact]
    public async Task Status_shows_the_caller_and_the_service_date_in_dutch_format()
    {
        var api = new FakeApi().Get("/api/status", Samples.Status);
        var result = await CliHarness.Run(Env(), api, "status");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Err);
        Assert.Contains("Warmtenet 1.0.0 op http://127.0.0.1:5999", result.Out);
        Assert.Contains("Aangemeld als:", result.Out);
        Assert.Contains("Beheerder (eerste start) (rol: admin)", result.Out);
        Assert.Contains("22-11-2026", result.Out);
        Assert.Contains("Sqlite", result.Out);
        var seen = Assert.Single(api.Requests);
        Assert.Equal($"{Url}/api/status", seen.Uri.ToString());
        Assert.Equal($"Bearer {Token}", seen.Authorization);
    }

    [Fact]
    public async Task The_url_and_token_options_win_over_the_environment()
    {
        var api = new FakeApi().Get("/api/status", Samples.Status);
        await CliHarness.Run(Env(), api, "status", "--url", "https://warmte.example.nl/", "--token", "wt_from-option");
        var seen = Assert.Single(api.Requests);
        Assert.Equal("https://warmte.example.nl/api/status", seen.Uri.ToString());
        Assert.Equal("Bearer wt_from-option", seen.Authorization);
    }

    [Fact]
    public async Task Without_url_or_environment_the_cli_calls_localhost_5080_and_sends_no_token()
    {
        var api = new FakeApi().Get("/api/status", Samples.Status);
        await CliHarness.Run(CliHarness.Env(url: "  "), api, "status");
        var seen = Assert.Single(api.Requests);
        Assert.Equal("http://localhost:5080/api/status", seen.Uri.ToString());
        Assert.Null(seen.Authorization);
    }

    [Fact]
    public async Task A_base_url_with_a_path_keeps_its_path()
    {
        var api = new FakeApi().Get("/warmte/api/cooperatives", "[]");
        var result = await CliHarness.Run(CliHarness.Env("https://gemeente.example.nl/warmte", Token), api, "cooperative", "list");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("https://gemeente.example.nl/warmte/api/cooperatives", Assert.Single(api.Requests).Uri.ToString());
        Assert.Contains("Er zijn nog geen coöperaties.", result.Out);
    }

    [Fact]
    public async Task Cooperative_list_is_a_table_with_dutch_kinds_dates_and_numbers()
    {
        var api = new FakeApi().Get("/api/cooperatives", $"[{Samples.KetelhuisWg},{Samples.ZonnedakOost}]");
        var result = await CliHarness.Run(Env(), api, "cooperative", "list");

        Assert.Equal(0, result.ExitCode);
        var lines = result.Out.Split('\n');
        var ketelhuis = Assert.Single(lines, l => l.StartsWith("ketelhuiswg", StringComparison.Ordinal));
        Assert.Contains("Coöperatie KetelhuisWG U.A.", ketelhuis);
        Assert.Contains("warmtenet", ketelhuis);
        Assert.Contains("18-12-2019", ketelhuis);
        Assert.Contains("1.500", ketelhuis);
        Assert.Contains("Realisatie", ketelhuis);
        var zonnedak = Assert.Single(lines, l => l.StartsWith("zonnedak-oost", StringComparison.Ordinal));
        Assert.Contains("lokale opwek", zonnedak);
        Assert.Contains("12-04-2021", zonnedak);
        Assert.Contains("2 coöperaties, 2 projecten, 1.500 woningequivalenten.", result.Out);
        Assert.DoesNotContain("2019-12-18", result.Out);
    }

    [Fact]
    public async Task Cooperative_show_lists_the_projects_with_their_first_open_condition()
    {
        var api = new FakeApi().Get("/api/cooperatives/ketelhuiswg", Samples.KetelhuisWg);
        var result = await CliHarness.Run(Env(), api, "cooperative", "show", "ketelhuiswg");

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("Coöperatie KetelhuisWG U.A. (ketelhuiswg)", result.Out);
        Assert.Contains("Koepels:", result.Out);
        Assert.Contains("apec", result.Out);
        var row = Assert.Single(result.Out.Split('\n'), l => l.Contains("wg-terrein", StringComparison.Ordinal));
        Assert.Contains("Realisatie", row);
        Assert.Contains("01-04-2025", row);
        Assert.Contains("19", row);
        Assert.Contains("1.500", row);
        Assert.Contains("Warmtenet opgeleverd", row);
    }

    [Fact]
    public async Task Project_show_prints_phase_history_gate_checklist_and_milestones()
    {
        var api = new FakeApi().Get("/api/projects/wg-terrein", Samples.WgTerrein);
        var result = await CliHarness.Run(Env(), api, "project", "show", "wg-terrein");

        Assert.Equal(0, result.ExitCode);
        var output = result.Out;
        Assert.StartsWith("Warmtenet WG-terrein (wg-terrein)", output);
        Assert.Contains("ketelhuiswg", output);
        Assert.Contains("Realisatie sinds 01-04-2025 (19 maanden)", output);
        Assert.Contains("1.000", output);

        var decision = Assert.Single(output.Split('\n'), l => l.Contains("14-12-2024", StringComparison.Ordinal));
        Assert.Contains("Ontwikkeling → Realisatie (go)", decision);
        Assert.Contains("ALV", decision);
        Assert.Contains("Realisatiebesluit met 96% van de stemmen.", decision);

        Assert.Contains("Volgende poort: Realisatie → Beheer (1 van 2 voorwaarden vervuld)", output);
        Assert.Contains("  ✘ Warmtenet opgeleverd [netwerk-opgeleverd]: Nog niet aanwezig.", output);
        Assert.Contains("  ✔ Aansluitingen gerealiseerd volgens volloopplan [aansluitingen-gerealiseerd]: Aanwezig sinds 01-09-2027", output);

        var started = Assert.Single(output.Split('\n'), l => l.Contains("Start bouw", StringComparison.Ordinal));
        Assert.Contains("31-05-2025", started);
        Assert.Contains("+30 dagen", started);
        Assert.Contains("gereed", started);
        var last = Assert.Single(output.Split('\n'), l => l.Contains("Laatste aansluiting", StringComparison.Ordinal));
        Assert.Contains("31-08-2026", last);
        Assert.Contains("+83 dagen", last);
        Assert.Contains("te laat", last);
        var early = Assert.Single(output.Split('\n'), l => l.Contains("Oplevering", StringComparison.Ordinal));
        Assert.Contains("-11 dagen", early);
        Assert.Contains("open", early);
    }

    [Fact]
    public async Task Project_show_copes_with_missing_fields_and_no_next_gate()
    {
        var api = new FakeApi()
            .Get("/api/projects/p1", """{"id":"p1","phase":"Beheer","unknown":[1,2,3]}""")
            .Get("/api/projects/p2", Samples.Project("p2", "Gestopt"));
        var sparse = await CliHarness.Run(Env(), api, "project", "show", "p1");
        Assert.Equal(0, sparse.ExitCode);
        Assert.Contains("— (p1)", sparse.Out);
        Assert.Contains("Volgende poort: geen; Beheer is de laatste fase.", sparse.Out);
        Assert.Contains("Nog geen fasebesluiten.", sparse.Out);
        Assert.Contains("Nog geen mijlpalen.", sparse.Out);

        var stopped = await CliHarness.Run(Env(), api, "project", "show", "p2");
        Assert.Contains("het project is gestopt", stopped.Out);
    }

    [Fact]
    public async Task With_json_the_servers_json_is_printed_with_every_field()
    {
        var api = new FakeApi().Get("/api/projects/wg-terrein", Samples.WgTerrein);
        var result = await CliHarness.Run(Env(), api, "project", "show", "wg-terrein", "--json");

        Assert.Equal(0, result.ExitCode);
        using var printed = JsonDocument.Parse(result.Out);
        using var sent = JsonDocument.Parse(Samples.WgTerrein);
        Assert.True(JsonElement.DeepEquals(sent.RootElement, printed.RootElement));
        Assert.Contains("\"someFutureField\"", result.Out);
        Assert.Contains("Coöperatie opgericht.", result.Out); // not escaped as \u00F6
    }

    [Fact]
    public async Task Advance_without_to_reads_the_project_and_asks_for_its_next_phase_today()
    {
        const string decision = """{"from":"Initiatief","to":"Haalbaarheid","kind":"Go","decidedOn":"2026-11-20","decidedBy":"ALV","rationale":"r"}""";
        var after = Samples.Project("p1", "Haalbaarheid", "2026-11-20").Replace("\"history\":[]", "\"history\":[" + decision + "]", StringComparison.Ordinal);
        var api = new FakeApi()
            .Get("/api/projects/p1", Samples.Project("p1", "Initiatief"))
            .On("POST", "/api/projects/p1/transitions", 200, after);
        var result = await CliHarness.Run(Env(), api, new LocalDate(2026, 11, 20),
            "project", "advance", "p1", "--by", "ALV", "--rationale", "Intentieverklaring getekend");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(2, api.Requests.Count);
        Assert.Equal(HttpMethod.Get, api.Requests[0].Method);
        var post = api.Requests[1];
        Assert.Equal(HttpMethod.Post, post.Method);
        using var body = JsonDocument.Parse(post.Body!);
        Assert.Equal("Haalbaarheid", body.RootElement.GetProperty("to").GetString());
        Assert.Equal("2026-11-20", body.RootElement.GetProperty("decidedOn").GetString());
        Assert.Equal("ALV", body.RootElement.GetProperty("decidedBy").GetString());
        Assert.Equal("Intentieverklaring getekend", body.RootElement.GetProperty("rationale").GetString());
        Assert.Contains("Initiatief → Haalbaarheid (go) op 20-11-2026, besloten door ALV.", result.Out);
        Assert.Contains("Fase nu: Haalbaarheid sinds 20-11-2026", result.Out);
    }

    [Fact]
    public async Task Advance_with_to_and_a_dutch_date_posts_directly_with_an_iso_date()
    {
        var api = new FakeApi().On("POST", "/api/projects/p1/transitions", 200, Samples.Project("p1", "Gestopt"));
        var result = await CliHarness.Run(Env(), api, "project", "advance", "p1", "--to", "Gestopt", "--date", "14-12-2024",
            "--by", "Bestuur", "--rationale", "Geen draagvlak");
        Assert.Equal(0, result.ExitCode);
        var post = Assert.Single(api.Requests);
        using var body = JsonDocument.Parse(post.Body!);
        Assert.Equal("Gestopt", body.RootElement.GetProperty("to").GetString());
        Assert.Equal("2024-12-14", body.RootElement.GetProperty("decidedOn").GetString());
    }

    [Theory]
    [InlineData("Beheer")]
    [InlineData("Gestopt")]
    public async Task Advance_without_to_from_the_last_phase_is_bad_input_and_posts_nothing(string phase)
    {
        var api = new FakeApi().Get("/api/projects/p1", Samples.Project("p1", phase));
        var result = await CliHarness.Run(Env(), api, "project", "advance", "p1", "--by", "ALV", "--rationale", "r");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"staat in fase {phase}", result.Err);
        Assert.Contains("--to", result.Err);
        Assert.Single(api.Requests);
    }

    [Fact]
    public async Task Unmet_gate_conditions_are_listed_per_condition_and_exit_1()
    {
        var api = new FakeApi().Problem("POST", "/api/projects/p1/transitions", 409, "Niet mogelijk in de huidige toestand",
            "De poort van Ontwikkeling naar Realisatie is nog niet gehaald: 2 voorwaarden niet vervuld.", "gate-conditions-unmet",
            """{"conditions.vergunningen":["Vergunningen verleend: Nog niet aanwezig."],"conditions.realisatiebesluit":["Realisatiebesluit door de ALV: Nog niet aanwezig."]}""");
        var result = await CliHarness.Run(Env(), api, "project", "advance", "p1", "--to", "Realisatie",
            "--date", "2024-12-14", "--by", "ALV", "--rationale", "r");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.Contains("Niet mogelijk in de huidige toestand (HTTP 409)", result.Err);
        Assert.Contains("De poort van Ontwikkeling naar Realisatie is nog niet gehaald", result.Err);
        // The Dutch text alone (tester9a T11); the key only where it is typed: in the command that records the document.
        Assert.Contains("  Vergunningen verleend: Nog niet aanwezig.", result.Err);
        Assert.Contains("  Realisatiebesluit door de ALV: Nog niet aanwezig.", result.Err);
        Assert.DoesNotContain("conditions.", result.Err);
        Assert.Contains("  warmte project deliverable p1 vergunningen --on JJJJ-MM-DD", result.Err);
        Assert.DoesNotContain("deliverable p1 realisatiebesluit", result.Err);
        Assert.Contains("De poortchecklist: warmte project show p1", result.Err);
    }

    [Fact]
    public async Task With_json_a_refusal_also_prints_the_problem_document_on_stdout()
    {
        var api = new FakeApi().Problem("GET", "/api/projects/nope", 404, "Niet gevonden", "Project 'nope' bestaat niet.", "not-found");
        var result = await CliHarness.Run(Env(), api, "project", "show", "nope", "--json");
        Assert.Equal(1, result.ExitCode);
        using var printed = JsonDocument.Parse(result.Out);
        Assert.Equal("not-found", printed.RootElement.GetProperty("code").GetString());
        Assert.Contains("Project 'nope' bestaat niet.", result.Err);
    }

    [Fact]
    public async Task Field_errors_of_a_400_are_printed_as_field_colon_reason()
    {
        var api = new FakeApi().Problem("POST", "/api/projects/p1/transitions", 400, "Ongeldige invoer", "De invoer is niet geldig.",
            "invalid-input", """{"decidedOn":["14-12-2030 ligt in de toekomst."],"to":["'Klaar' is geen fase.","tweede reden"]}""");
        var result = await CliHarness.Run(Env(), api, "project", "advance", "p1", "--to", "Klaar", "--by", "a", "--rationale", "b");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Ongeldige invoer (HTTP 400)", result.Err);
        Assert.Contains("  decidedOn: 14-12-2030 ligt in de toekomst.", result.Err);
        Assert.Contains("  to: 'Klaar' is geen fase.", result.Err);
        Assert.Contains("  to: tweede reden", result.Err);
        Assert.Contains("decidedOn = --date", result.Err);
        Assert.DoesNotContain("poortchecklist", result.Err);
    }

    [Theory]
    [InlineData(400, 1)]
    [InlineData(404, 1)]
    [InlineData(409, 1)]
    [InlineData(401, 2)]
    [InlineData(403, 2)]
    [InlineData(500, 2)]
    [InlineData(503, 2)]
    public async Task Http_status_maps_to_the_exit_code(int status, int exit)
    {
        var api = new FakeApi().Problem("GET", "/api/cooperatives", status, "Titel", "Uitleg.", "some-code");
        var result = await CliHarness.Run(Env(), api, "cooperative", "list");
        Assert.Equal(exit, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.NotEqual("", result.Err);
        CliHarness.AssertNoStackTrace(result);
    }

    [Fact]
    public async Task A_401_without_a_token_says_how_to_give_one()
    {
        var api = new FakeApi().Problem("GET", "/api/status", 401, "Niet aangemeld", "Geef een geldig token mee.", "unauthorized");
        var result = await CliHarness.Run(CliHarness.Env(url: Url), api, "status");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("er is geen token opgegeven", result.Err);
        Assert.Contains("--token", result.Err);
        Assert.Contains("WARMTE_TOKEN", result.Err);
    }

    [Fact]
    public async Task A_401_with_a_token_says_the_token_is_refused_without_printing_it()
    {
        var api = new FakeApi().Problem("GET", "/api/status", 401, "Niet aangemeld", "Geef een geldig token mee.", "unauthorized");
        var result = await CliHarness.Run(Env(), api, "status");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("accepteert het token niet", result.Err);
        Assert.DoesNotContain(Token, result.Err + result.Out);
    }

    [Fact]
    public async Task A_403_shows_the_services_reason_and_exits_2()
    {
        var api = new FakeApi().Problem("POST", "/api/projects/p1/transitions", 403, "Geen toegang",
            "Alleen het bestuur van 'coop' of een beheerder mag dit project wijzigen.", "forbidden");
        var result = await CliHarness.Run(Env(), api, "project", "advance", "p1", "--to", "Haalbaarheid", "--by", "a", "--rationale", "b");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Geen toegang (HTTP 403): Alleen het bestuur van 'coop'", result.Err);
    }

    [Fact]
    public async Task A_server_error_page_that_is_not_json_is_summarised()
    {
        var api = new FakeApi().On("GET", "/api/status", 502, "<html><body>\n<h1>502 Bad Gateway</h1>\n</body></html>", "text/html");
        var result = await CliHarness.Run(Env(), api, "status");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("antwoordde met HTTP 502", result.Err);
        Assert.Contains("<h1>502 Bad Gateway</h1>", result.Err);
        Assert.Contains("Dit ligt aan de dienst", result.Err);
    }

    [Fact]
    public async Task A_2xx_answer_that_is_not_json_means_the_wrong_address()
    {
        var api = new FakeApi().On("GET", "/api/status", 200, "<html>router login</html>", "text/html");
        var result = await CliHarness.Run(Env(), api, "status");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("geen geldige JSON (text/html)", result.Err);
        CliHarness.AssertNoStackTrace(result);
    }

    [Fact]
    public async Task An_unexpected_failure_is_one_dutch_line_without_a_stack_trace()
    {
        var result = await CliHarness.Run(Env(), new ThrowingHandler(), "status");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Onverwachte fout in warmte: kapot", result.Err);
        CliHarness.AssertNoStackTrace(result);
    }

    [Fact]
    public async Task A_closed_port_gives_a_dutch_message_exit_2_and_no_stack_trace()
    {
        var port = FreePort.Next(); // nothing listens there any more
        var url = $"http://127.0.0.1:{port}";
        var result = await CliHarness.Run(CliHarness.Env(url, Token), handler: null, "status");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.StartsWith($"Kan de dienst op {url} niet bereiken: de verbinding werd geweigerd", result.Err);
        Assert.Contains("--url of WARMTE_URL", result.Err);
        CliHarness.AssertNoStackTrace(result);
    }

    [Fact]
    public async Task A_service_that_never_answers_times_out_with_exit_2()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start(); // accepts connections (backlog) but never answers
        var url = $"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}";
        var result = await CliHarness.Run(CliHarness.Env(url, Token), handler: null, "status", "--timeout", "1");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"De dienst op {url} antwoordde niet binnen 1 seconde.", result.Err);
        CliHarness.AssertNoStackTrace(result);
    }

    [Fact]
    public void Numbers_and_dates_use_dutch_formatting()
    {
        Assert.Equal("1.500", Nl.Number(1500));
        Assert.Equal("7.800.000", Nl.Number(7_800_000L));
        Assert.Equal("—", Nl.Number((int?)null));
        Assert.Equal("14-12-2024", Nl.Date("2024-12-14"));
        Assert.Equal("geen datum", Nl.Date("geen datum"));
        Assert.Equal("14-12-2024 11:00", Nl.Instant("2024-12-14T10:00:00Z"));
        Assert.Equal("1 maand", Nl.Count(1, "maand", "maanden"));
        Assert.Equal("0 dagen", Nl.Slip(0));
        Assert.Equal("+1 dag", Nl.Slip(1));
        Assert.Equal("communicatie en gedrag", Nl.Kind("Communication"));
        Assert.Equal("stadsbrede opwek", Nl.Kind("CityWideGeneration"));
        Assert.Equal("NieuweSoort", Nl.Kind("NieuweSoort"));
    }

    private sealed class ThrowingHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("kapot");
    }
}
