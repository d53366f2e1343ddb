using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Warmte.Silo.Operations;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Operations;

/// <summary>
/// The request log's level per line (docs/operations.md, "Logs"): 5xx at Error, refusals and slow
/// requests at Information whatever is set, other successful requests at RequestLog:SuccessLevel
/// (default Information: every request logged, as before).
/// </summary>
public sealed class RequestLoggingTests
{
    [Theory]
    [InlineData(200, false, LogLevel.None, LogLevel.None)]
    [InlineData(201, false, LogLevel.Debug, LogLevel.Debug)]
    [InlineData(304, false, LogLevel.Information, LogLevel.Information)]
    [InlineData(200, true, LogLevel.None, LogLevel.Information)]      // slow: always seen
    [InlineData(400, false, LogLevel.None, LogLevel.Information)]     // a refusal: always seen
    [InlineData(403, false, LogLevel.Debug, LogLevel.Information)]
    [InlineData(409, true, LogLevel.None, LogLevel.Information)]
    [InlineData(500, false, LogLevel.None, LogLevel.Error)]           // a failure: Error
    [InlineData(503, true, LogLevel.Information, LogLevel.Error)]
    public void The_level_of_a_line_follows_status_duration_and_the_setting(int status, bool slow, LogLevel setting, LogLevel expected) =>
        Assert.Equal(expected, RequestLogging.LevelOf(status, slow, setting));

    [Theory]
    [InlineData(503, "storage-full", LogLevel.Information)]   // counted in the full disk's one warning per episode
    [InlineData(503, "not-ready", LogLevel.Information)]      // a readiness probe's answer is a state
    [InlineData(503, "busy", LogLevel.Information)]           // tester9b T7: a client told to retry, not a failure of the service
    [InlineData(503, "unavailable", LogLevel.Information)]    // tester10 T8: a failover's "retry in 2 s"; its cause is one Warning line
    [InlineData(503, "partially-stored", LogLevel.Error)]     // a write half stored needs a look: still an error
    [InlineData(503, null, LogLevel.Error)]
    [InlineData(500, "internal-error", LogLevel.Error)]
    public void A_503_that_reports_a_state_is_a_refusal_line_not_an_error(int status, string? code, LogLevel expected) =>
        Assert.Equal(expected, RequestLogging.LevelOf(status, slow: false, LogLevel.Information, code));

    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void The_settings_default_to_every_request_at_Information_and_a_wrong_value_names_its_key()
    {
        Assert.Equal((LogLevel.Information, 1000), RequestLogging.Settings(Config()));
        Assert.Equal((LogLevel.Debug, 250), RequestLogging.Settings(Config(("RequestLog:SuccessLevel", "debug"), ("RequestLog:SlowMs", "250"))));
        Assert.Equal((LogLevel.None, 0), RequestLogging.Settings(Config(("RequestLog:SuccessLevel", "None"), ("RequestLog:SlowMs", "0"))));
        foreach (var (key, value) in new[] { ("RequestLog:SuccessLevel", "Verbose"), ("RequestLog:SuccessLevel", "2"), ("RequestLog:SlowMs", "-1"), ("RequestLog:SlowMs", "1.5") })
            Assert.Contains(key, Assert.Throws<InvalidOperationException>(() => RequestLogging.Settings(Config((key, value)))).Message);
    }

    [Fact]
    public async Task With_successful_requests_off_a_silo_still_logs_refusals_and_slow_requests()
    {
        // SlowMs far above any answer: a first request on a loaded machine can take over the default second (review3 F9).
        var quiet = await Lines(["--RequestLog:SuccessLevel", "None", "--RequestLog:SlowMs", "600000"]);
        Assert.DoesNotContain(quiet, e => e.Contains("GET /api/status 200"));
        Assert.Contains(quiet, e => e.StartsWith("Information Warmte.Requests: HTTP GET /api/projects/bestaat-niet 404", StringComparison.Ordinal));

        // Every request counts as slow from 0 ms: the successful one is there again, at Information.
        var slow = await Lines(["--RequestLog:SuccessLevel", "None", "--RequestLog:SlowMs", "0"]);
        Assert.Contains(slow, e => e.StartsWith("Information Warmte.Requests: HTTP GET /api/status 200", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_wrong_setting_stops_the_start_naming_the_key()
    {
        var failure = await Record.ExceptionAsync(() => WarmteServer.StartAsync(extraArgs: ["--RequestLog:SuccessLevel", "Luid"]));
        Assert.NotNull(failure);
        Assert.Contains("RequestLog:SuccessLevel", failure.ToString());
    }

    /// <summary>The request lines of a silo started with <paramref name="args"/> after a successful read and a 404.</summary>
    private static async Task<List<string>> Lines(string[] args)
    {
        var logs = new CapturedLogs();
        // Every category at Debug (the test servers log at Warning otherwise): what stays out is what the setting leaves out.
        await using var server = await WarmteServer.StartAsync(extraArgs: [.. args, "--Logging:LogLevel:Default", "Debug", "--Logging:LogLevel:Orleans", "Warning"],
            configure: b => b.Logging.AddProvider(logs));
        var admin = server.Client();
        Assert.Equal(HttpStatusCode.OK, (await admin.Get("api/status")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Get("api/projects/bestaat-niet")).Status);
        // The line is written when the pipeline unwinds, possibly just after the client has its answer.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!logs.Entries.Any(e => e.Contains("bestaat-niet")) && DateTime.UtcNow < deadline) await Task.Delay(50);
        await Task.Delay(200);
        return [.. logs.Entries.Where(e => e.Contains("Warmte.Requests"))];
    }
}
