using System.Net;
using System.Text;
using NodaTime;
using Warmte.Client;

namespace Warmte.Tests.Cli;

/// <summary>What one run of the CLI produced.</summary>
public sealed record CliResult(int ExitCode, string Out, string Err)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Out}\n--- stderr ---\n{Err}";
}

/// <summary>Runs <see cref="WarmteCli"/> in-process with captured output and a given environment.</summary>
public static class CliHarness
{
    public static readonly LocalDate DefaultToday = new(2026, 11, 22);

    public static async Task<CliResult> Run(
        IDictionary<string, string?>? environment, HttpMessageHandler? handler, params string[] args) =>
        await Run(environment, handler, DefaultToday, args);

    public static async Task<CliResult> Run(
        IDictionary<string, string?>? environment, HttpMessageHandler? handler, LocalDate today, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await WarmteCli.RunAsync(args, stdout, stderr, environment ?? new Dictionary<string, string?>(), handler, () => today);
        return new CliResult(exit, stdout.ToString(), stderr.ToString());
    }

    public static Dictionary<string, string?> Env(string? url = null, string? token = null)
    {
        var env = new Dictionary<string, string?>();
        if (url is not null) env[WarmteCli.UrlVariable] = url;
        if (token is not null) env[WarmteCli.TokenVariable] = token;
        return env;
    }

    /// <summary>No stack trace or .NET exception name may reach a user.</summary>
    public static void AssertNoStackTrace(CliResult result)
    {
        foreach (var text in new[] { result.Out, result.Err })
        {
            Assert.DoesNotContain("   at ", text);
            Assert.DoesNotContain("Exception", text);
        }
    }
}

/// <summary>
/// A stand-in for the service, for tests of formatting and exit-code mapping only: answers
/// canned responses per method and path and records every request it receives.
/// </summary>
public sealed class FakeApi : HttpMessageHandler
{
    public sealed record Seen(HttpMethod Method, Uri Uri, string? Authorization, string? Body, string? IdempotencyKey = null);

    private readonly Dictionary<(string Method, string Path), (HttpStatusCode Status, string Body, string MediaType)> _routes = [];

    public List<Seen> Requests { get; } = [];

    public FakeApi On(string method, string path, int status, string body, string mediaType = "application/json")
    {
        _routes[(method, path)] = ((HttpStatusCode)status, body, mediaType);
        return this;
    }

    public FakeApi Get(string path, string json) => On("GET", path, 200, json);

    public FakeApi Problem(string method, string path, int status, string title, string detail, string code, string? errorsJson = null) =>
        On(method, path, status,
            $$"""{"type":"https://warmtenet.local/problems/{{code}}","title":"{{title}}","status":{{status}},"detail":"{{detail}}","code":"{{code}}"{{(errorsJson is null ? "" : ",\"errors\":" + errorsJson)}}}""",
            "application/problem+json");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var key = request.Headers.TryGetValues("Idempotency-Key", out var keys) ? keys.Single() : null;
        Requests.Add(new Seen(request.Method, request.RequestUri!, request.Headers.Authorization?.ToString(), body, key));
        if (!_routes.TryGetValue((request.Method.Method, request.RequestUri!.AbsolutePath), out var route))
            route = (HttpStatusCode.NotFound,
                """{"title":"Niet gevonden","status":404,"detail":"Geen route in de test.","code":"not-found"}""", "application/problem+json");
        return new HttpResponseMessage(route.Status)
        {
            Content = new StringContent(route.Body, Encoding.UTF8, route.MediaType),
        };
    }
}

/// <summary>API answers shaped as the service sends them (camelCase, ISO dates, enum names).</summary>
public static class Samples
{
    public const string Status = """
        {"service":"Warmtenet","version":"1.0.0","storage":"Sqlite","activeSilos":1,"today":"2026-11-22",
         "caller":{"name":"Beheerder (eerste start)","role":"admin"},"cooperatives":5,"umbrellas":1}
        """;

    public const string KetelhuisWg = """
        {"cooperative":{"id":"ketelhuiswg","statutoryName":"Coöperatie KetelhuisWG U.A.","kind":"HeatNetwork",
          "municipality":"Amsterdam","foundedOn":"2019-12-18","umbrellas":["apec"],"projects":["wg-terrein"],
          "createdAt":"2026-01-05T09:30:00Z"},
         "projects":[{"id":"wg-terrein","name":"Warmtenet WG-terrein","phase":"Realisatie","phaseSince":"2025-04-01",
          "monthsInPhase":19,"woningequivalenten":1500,"nextUnmetCondition":"Warmtenet opgeleverd",
          "lastChangeAt":"2026-01-05T09:30:00Z"}]}
        """;

    public const string ZonnedakOost = """
        {"cooperative":{"id":"zonnedak-oost","statutoryName":"Coöperatie Zonnedak Oost U.A.","kind":"LocalGeneration",
          "municipality":"Amsterdam","foundedOn":"2021-04-12","umbrellas":[],"projects":["zonnedak-sporthal"],
          "createdAt":"2026-01-05T09:30:00Z"},
         "projects":[{"id":"zonnedak-sporthal","name":"Zonnedak sporthal","phase":"Haalbaarheid","phaseSince":"2022-02-01",
          "monthsInPhase":57,"woningequivalenten":0,"nextUnmetCondition":"Haalbaarheidsstudie",
          "lastChangeAt":"2026-01-05T09:30:00Z"}]}
        """;

    public const string WgTerrein = """
        {"id":"wg-terrein","cooperativeId":"ketelhuiswg","name":"Warmtenet WG-terrein","woningequivalenten":1500,
         "plannedConnections":1000,"technology":"Aquathermie (TEO + WKO)","phase":"Realisatie","phaseSince":"2025-04-01",
         "monthsInPhase":19,"startedOn":"2018-01-01",
         "history":[
           {"from":"Initiatief","to":"Haalbaarheid","kind":"Go","decidedOn":"2019-12-18","decidedBy":"Oprichtingsvergadering",
            "rationale":"Coöperatie opgericht.","recordedBy":"demo","recordedAt":"2026-01-05T09:30:00Z"},
           {"from":"Ontwikkeling","to":"Realisatie","kind":"Go","decidedOn":"2024-12-14","decidedBy":"ALV",
            "rationale":"Realisatiebesluit met 96% van de stemmen.","recordedBy":"demo","recordedAt":"2026-01-05T09:30:00Z"}],
         "nextGate":{"from":"Realisatie","to":"Beheer","conditions":[
           {"key":"netwerk-opgeleverd","description":"Warmtenet opgeleverd","met":false,"evidence":"Nog niet aanwezig."},
           {"key":"aansluitingen-gerealiseerd","description":"Aansluitingen gerealiseerd volgens volloopplan","met":true,
            "evidence":"Aanwezig sinds 01-09-2027 (volloopplan)."}]},
         "deliverables":[],
         "milestones":[
           {"key":"start-bouw","name":"Start bouw","baselineOn":"2025-05-01","plannedOn":"2025-05-01","actualOn":"2025-05-31",
            "slipDays":30,"slipMonths":1,"overdue":false,"done":true},
           {"key":"laatste-aansluiting","name":"Laatste aansluiting","baselineOn":"2026-08-31","plannedOn":"2026-08-31",
            "actualOn":null,"slipDays":83,"slipMonths":2,"overdue":true,"done":false},
           {"key":"oplevering","name":"Oplevering","baselineOn":"2027-12-01","plannedOn":"2027-11-20","actualOn":null,
            "slipDays":-11,"slipMonths":0,"overdue":false,"done":false}],
         "createdAt":"2026-01-05T09:30:00Z","someFutureField":{"x":1}}
        """;

    public static string Project(string id, string phase, string phaseSince = "2018-01-01") => $$"""
        {"id":"{{id}}","cooperativeId":"coop","name":"Project {{id}}","woningequivalenten":10,"plannedConnections":10,
         "technology":null,"phase":"{{phase}}","phaseSince":"{{phaseSince}}","monthsInPhase":1,"startedOn":"2018-01-01",
         "history":[],"nextGate":null,"deliverables":[],"milestones":[],"createdAt":"2026-01-05T09:30:00Z"}
        """;
}
