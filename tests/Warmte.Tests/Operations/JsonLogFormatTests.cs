using System.Net;
using System.Text.Json;
using NodaTime;
using NodaTime.Text;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Operations;

/// <summary>
/// <c>Logging:Format=json</c> as a log shipper sees it: the silo runs as its own process and the test
/// reads what it wrote to its console (stdout and stderr), through the real JSON console formatter.
/// </summary>
public sealed class JsonLogFormatTests
{
    private static readonly string[] Levels = ["Trace", "Debug", "Information", "Warning", "Error", "Critical"];

    [Fact]
    public async Task Every_console_line_is_one_JSON_object_with_the_documented_fields_and_no_token()
    {
        var started = SystemClock.Instance.GetCurrentInstant();
        await using var silo = SiloProcess.OnSqlite("json-log silo", "--Logging:Format", "json", "--Logging:LogLevel:Default", "Information");
        silo.Start();
        await silo.WaitHealthyAsync(TimeSpan.FromSeconds(90));

        var admin = silo.Client();
        await ApiCalls.SeedCooperativeWithProject(admin, "json-coop", "json-proj");
        var created = await admin.Post("api/tokens", new { name = "json log", role = "reader" });
        Assert.Equal(HttpStatusCode.Created, created.Status);
        var readerToken = created.Text("token");
        var reader = silo.Client(readerToken);
        const string wrongToken = "wt_not-a-real-token-0123456789abcdefghijklmnop";

        Assert.Equal(HttpStatusCode.OK, (await reader.Get("api/projects/json-proj")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.PostRaw("api/projects/json-proj/transitions", "{}")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await silo.Client(wrongToken).Get("api/projects/json-proj")).Status);
        // Tokens pasted where they do not belong: in the query string and as a path segment.
        await silo.Client(token: null).Get($"api/projects/json-proj?access_token={readerToken}");
        await admin.Get($"api/projects/{readerToken}");

        silo.Stop(); // a normal shutdown flushes the console logger's queue; every line is then in the file
        var ended = SystemClock.Instance.GetCurrentInstant();
        var entries = ParseEveryLine(silo.LogPath, started, ended, [WarmteServer.BootstrapAdminToken, readerToken, wrongToken]);

        var requests = entries
            .Where(e => e.GetProperty("Category").GetString() == "Warmte.Requests")
            .Select(e => e.GetProperty("State"))
            .Select(s => (Method: s.GetProperty("Method").GetString(), Path: s.GetProperty("Path").GetString(), Status: s.GetProperty("Status").GetInt32()))
            .ToList();
        Assert.Contains(("GET", "/api/projects/json-proj", 200), requests);
        Assert.Contains(("POST", "/api/projects/json-proj/transitions", 403), requests);
        // The wrong token and the one in the query string (which is no way to sign in): two lines, the query left out.
        Assert.Equal(2, requests.Count(r => r == ("GET", "/api/projects/json-proj", 401)));
        Assert.Contains(("GET", "/api/projects/[verborgen]", 404), requests);
    }

    [Theory]
    [InlineData("--Logging:Format")]
    [InlineData("--Logging:Console:FormatterName")] // the standard key means the same
    public async Task A_first_start_with_JSON_logs_shows_no_admin_token_and_says_how_to_make_one(string setting)
    {
        var started = SystemClock.Instance.GetCurrentInstant();
        await using var silo = SiloProcess.OnSqlite("json-log first start", setting, "json");
        silo.PresetAdminToken = false;
        silo.Start();
        await silo.WaitHealthyAsync(TimeSpan.FromSeconds(90));
        silo.Stop();

        // Every generated token starts with "wt_"; none may reach the log shipper.
        var entries = ParseEveryLine(silo.LogPath, started, SystemClock.Instance.GetCurrentInstant(), ["wt_"]);
        Assert.Contains(entries, e => e.GetProperty("LogLevel").GetString() == "Warning"
            && e.GetProperty("Message").GetString()!.Contains("token create --role admin", StringComparison.Ordinal));
    }

    /// <summary>Every line of the console output as one JSON object with the fields a shipper relies on; no line holds a secret.</summary>
    private static List<JsonElement> ParseEveryLine(string logPath, Instant started, Instant ended, string[] secrets)
    {
        var lines = ReadLines(logPath);
        Assert.NotEmpty(lines);
        var entries = new List<JsonElement>();
        foreach (var (line, number) in lines.Select((l, i) => (l, i + 1)))
        {
            foreach (var secret in secrets)
                Assert.False(line.Contains(secret, StringComparison.Ordinal), $"line {number} contains a token: {line}");
            JsonElement entry;
            try { entry = JsonDocument.Parse(line).RootElement.Clone(); }
            catch (JsonException e) { throw new Xunit.Sdk.XunitException($"line {number} of {logPath} is not one JSON value ({e.Message}): {line}"); }
            Assert.True(entry.ValueKind == JsonValueKind.Object, $"line {number} is not a JSON object: {line}");

            var timestamp = entry.GetProperty("Timestamp").GetString()!;
            Assert.EndsWith("Z", timestamp); // UTC
            var at = InstantPattern.ExtendedIso.Parse(timestamp).GetValueOrThrow();
            Assert.InRange(at, started - Duration.FromSeconds(5), ended + Duration.FromSeconds(5));
            Assert.Contains(entry.GetProperty("LogLevel").GetString(), Levels);
            Assert.False(string.IsNullOrEmpty(entry.GetProperty("Category").GetString()), $"line {number} has no category: {line}");
            Assert.Equal(JsonValueKind.String, entry.GetProperty("Message").ValueKind);
            entries.Add(entry);
        }

        return entries;
    }

    private static string[] ReadLines(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line) lines.Add(line);
        return [.. lines];
    }
}
