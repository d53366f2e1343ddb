using Warmte.LoadGen;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.LoadGen;

/// <summary>
/// The load generator's `costly` scenario (issue 16) against a real in-test silo, briefly, with the service's
/// limiters on: it can set itself up, the silo answers every request without a 5xx, the over-limit Monte Carlo
/// is refused 400 (never computed), and the silo is still ready afterwards. Speed is not asserted
/// (docs/performance.md, "Costly requests under load").
/// </summary>
public sealed class CostlyLoadSmokeTests
{
    [Fact]
    public async Task The_costly_scenario_runs_without_server_errors_and_refuses_what_a_reader_may_not_ask()
    {
        await using var server = await WarmteServer.StartAsync(extraArgs: ["--RateLimit:Enabled", "true", "--CostLimits:MonteCarloRuns:reader", "200"]);
        using var admin = new ServiceClient([server.BaseUrl], server.AdminToken);
        var load = new CostlyLoad(admin, [server.BaseUrl], "smoke");
        var (tokens, statusToken) = await load.PrepareAsync(RepoFiles.Path("models", "ketelhuiswg.json"), tokens: 2);

        var result = await load.RunAsync(tokens, statusToken, clients: 8, TimeSpan.FromSeconds(3), statusRate: 5, runs: 200,
            TimeSpan.Zero, "smoke", TextWriter.Null);

        Assert.All(result.Operations, o =>
        {
            Assert.Equal(0, o.ServerErrors5xx);
            Assert.Equal(0, o.NoAnswer);
        });
        // The scenario picks the over-limit request at random (1 in 10); on a busy machine 3 s may hold too few requests
        // for one of them (CI, 7-12-2026): then it is only asked afterwards, below.
        var overLimit = result.Operations.SingleOrDefault(o => o.Operation.StartsWith("montecarlo 100,000", StringComparison.Ordinal));
        if (overLimit is not null) Assert.Equal(0, overLimit.Succeeded);
        // Over the reader's limit is refused with 400 naming the limit. During the run a token that got a 503 (the lane
        // full, on a busy machine) is held back with 429 before any check, so the 400 may never be reached then: asked
        // once more afterwards, waiting as a polite client does, it must be the 400 and never an answer.
        if (overLimit is null || overLimit.ErrorsByStatus.GetValueOrDefault("400") == 0)
        {
            if (overLimit is not null)
                Assert.Equal(overLimit.Requests, overLimit.ErrorsByStatus.Where(e => e.Key is "429" or "503").Sum(e => e.Value));
            using var reader = new ServiceClient([server.BaseUrl], tokens[0], timeout: TimeSpan.FromMinutes(2));
            Answer refused = null!;
            for (var attempt = 0; attempt < 30; attempt++)
            {
                refused = await reader.SendAsync(HttpMethod.Post, $"api/projects/{load.ProjectId}/business-cases/1/montecarlo", ServiceClient.Json(new { runs = 100_000, seed = 7 }), readBody: true);
                if (refused.Status is not (429 or 503)) break;
                await Task.Delay(TimeSpan.FromSeconds(2));
            }
            Assert.Equal(400, refused.Status);
        }
        // A Monte Carlo within the reader's limit is answered: during the 3 s run on a quiet machine; on a busy one
        // (a CI run beside other builds) the lane may refuse all of them with 429/503 within the window, so it is
        // asked once more afterwards, waiting as a polite client does — what matters is that it is answered, not when.
        if (result.Operations.Where(o => o.Operation == "montecarlo").Sum(o => o.Succeeded) == 0)
        {
            using var reader = new ServiceClient([server.BaseUrl], tokens[0], timeout: TimeSpan.FromMinutes(2));
            Answer answer = null!;
            for (var attempt = 0; attempt < 30; attempt++)
            {
                answer = await reader.SendAsync(HttpMethod.Post, $"api/projects/{load.ProjectId}/business-cases/1/montecarlo", ServiceClient.Json(new { runs = 200, seed = 7 }), readBody: true);
                if (answer.Status is not (429 or 503)) break;
                await Task.Delay(TimeSpan.FromSeconds(2));
            }
            Assert.True(answer.Ok, "a Monte Carlo within the limit was answered: " + answer.Describe());
        }
        Assert.True(result.Operations.Single(o => o.Operation == "status read (GET project)").Succeeded > 0);
        Assert.Equal(200, result.Figures!["silo answers /health/ready afterwards"]);
    }
}
