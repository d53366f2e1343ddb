using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Warmte.Silo.Operations;
using Warmte.Silo.Storage;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Operations;

/// <summary>
/// Issue 16, expensive requests: per-role limits on what one request may cost (CostLimits:*), refused before
/// any work with 400 cost-limit naming the field, the limit and the role; and the per-silo concurrency limit
/// of the costly endpoints, which queues briefly and then answers 503 with Retry-After.
/// </summary>
public sealed class CostLimitTests
{
    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    private static async Task<string> ProjectWithBusinessCase(HttpClient admin)
    {
        var project = await ApiCalls.SeedCooperativeWithProject(admin, NewId("coop"), NewId("proj"));
        var saved = await admin.Post($"api/projects/{project}/business-cases",
            new { model = JsonNode.Parse(RepoFiles.Read("models", "ketelhuiswg.json")), note = "basis" });
        Assert.Equal(HttpStatusCode.Created, saved.Status);
        return project;
    }

    private static async Task<HttpClient> TokenFor(WarmteServer server, string role) =>
        server.Client((await server.Client().Post("api/tokens", new { name = "Test " + role, role })).Text("token"));

    [Fact]
    public async Task A_reader_asking_more_Monte_Carlo_runs_than_its_role_may_is_refused_naming_field_limit_and_role_while_a_financier_may()
    {
        await using var server = await WarmteServer.StartAsync(extraArgs:
            ["--CostLimits:MonteCarloRuns:reader", "1000", "--CostLimits:MonteCarloRuns:financier", "3000"]);
        var project = await ProjectWithBusinessCase(server.Client());
        var reader = await TokenFor(server, "reader");
        var financier = await TokenFor(server, "financier:gemeente-amsterdam");
        var path = $"api/projects/{project}/business-cases/1/montecarlo";

        var refused = await reader.Post(path, new { runs = 2500, seed = 1 });
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal("application/problem+json", refused.ContentType);
        Assert.Equal("cost-limit", refused.Code);
        Assert.Equal(["runs"], refused.ErrorFields);
        var reason = refused.Body.GetProperty("errors").GetProperty("runs")[0].GetString()!;
        Assert.Contains("lezer (reader)", reason);
        Assert.Contains("1.000", reason); // the limit, Dutch digit grouping
        Assert.Contains("2.500", reason); // what was asked

        Assert.Equal(HttpStatusCode.OK, (await reader.Post(path, new { runs = 1000, seed = 1 })).Status);
        Assert.Equal(HttpStatusCode.OK, (await financier.Post(path, new { runs = 2500, seed = 1 })).Status);
        var financierOver = await financier.Post(path, new { runs = 3001, seed = 1 });
        Assert.Equal("cost-limit", financierOver.Code);
        Assert.Contains("financier", financierOver.Body.GetProperty("errors").GetProperty("runs")[0].GetString());
        // The absolute ceiling still holds for everyone, with its own message.
        Assert.Equal("invalid-input", (await server.Client().Post(path, new { runs = 100_001 })).Code);
    }

    [Fact]
    public async Task A_loan_grid_larger_than_the_role_may_is_refused_and_a_board_may_ask_it()
    {
        await using var server = await WarmteServer.StartAsync(extraArgs: ["--CostLimits:LoanGridCells:reader", "4"]);
        var admin = server.Client();
        var project = await ProjectWithBusinessCase(admin);
        var cooperative = (await admin.Get($"api/projects/{project}")).Text("cooperativeId");
        var reader = await TokenFor(server, "reader");
        var board = await TokenFor(server, "board:" + cooperative);
        var path = $"api/projects/{project}/business-cases/1/loan-grid";
        var six = new { rates = new[] { 0.02m, 0.03m, 0.04m }, terms = new[] { 20, 30 } };

        var refused = await reader.Post(path, six);
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal("cost-limit", refused.Code);
        var reason = refused.Body.GetProperty("errors").GetProperty("rates")[0].GetString()!;
        Assert.Contains("lezer (reader)", reason);
        Assert.Contains("hoogstens 4 ", reason);
        Assert.Contains("er 6", reason);

        // Repeating a rate does not make a grid bigger: the cells counted are the distinct combinations.
        var four = await reader.Post(path, new { rates = new[] { 0.02m, 0.03m, 0.03m }, terms = new[] { 20, 30 } });
        Assert.Equal(HttpStatusCode.OK, four.Status);
        Assert.Equal(4, four.Body.GetArrayLength());
        var boardGrid = await board.Post(path, six);
        Assert.Equal(HttpStatusCode.OK, boardGrid.Status);
        Assert.Equal(6, boardGrid.Body.GetArrayLength());
    }

    [Fact]
    public async Task A_portfolio_workbook_over_more_projects_than_the_role_may_read_is_refused_and_an_admin_gets_it()
    {
        await using var server = await WarmteServer.StartAsync(extraArgs: ["--CostLimits:ExportProjects:reader", "2"]);
        var admin = server.Client();
        for (var i = 0; i < 3; i++) await ApiCalls.SeedCooperativeWithProject(admin, NewId("coop"), NewId("proj"));
        var reader = await TokenFor(server, "reader");

        var refused = await reader.Get("api/portfolio/export.xlsx");
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal("cost-limit", refused.Code);
        var reason = refused.Body.GetProperty("errors").GetProperty("projects")[0].GetString()!;
        Assert.Contains("lezer (reader)", reason);
        Assert.Contains("hoogstens 2 ", reason);

        using var workbook = await admin.GetAsync("api/portfolio/export.xlsx");
        Assert.Equal(HttpStatusCode.OK, workbook.StatusCode);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", workbook.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task When_every_place_is_taken_a_costly_request_waits_briefly_then_gets_503_with_Retry_After_and_other_reads_go_on()
    {
        await using var server = await WarmteServer.StartAsync(extraArgs:
            ["--CostLimits:MaxConcurrent", "1", "--CostLimits:QueueLength", "1", "--CostLimits:QueueTimeoutSeconds", "4", "--CostLimits:RetryAfterSeconds", "7"]);
        var project = await ProjectWithBusinessCase(server.Client());
        var reader = await TokenFor(server, "reader");
        var path = $"api/projects/{project}/business-cases/1/montecarlo";
        var costly = server.App.Services.GetRequiredService<CostlyWork>();

        // The test takes the silo's only place, as a long computation would.
        var held = await costly.EnterAsync(CancellationToken.None);
        Assert.NotNull(held);
        using (var waited = await reader.PostAsync(path, JsonContent(new { runs = 100 })))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, waited.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(7), waited.Headers.RetryAfter?.Delta);
            Assert.Contains("\"code\":\"busy\"", await waited.Content.ReadAsStringAsync());
        }
        // Cheap reads are not behind the costly endpoints' limit.
        Assert.Equal(HttpStatusCode.OK, (await reader.Get("api/gates")).Status);
        Assert.Equal(HttpStatusCode.OK, (await reader.Get($"api/projects/{project}/business-cases/1")).Status);

        // One request may wait in the queue; a second one finds it full and is answered at once. Other
        // tokens: the reader answered 503 is held back until its Retry-After has passed (see the test below).
        var (second, third) = (await TokenFor(server, "reader"), await TokenFor(server, "reader"));
        var queued = second.Post(path, new { runs = 100, seed = 2 });
        await Until(() => costly.Queued == 1);
        var full = await third.Post(path, new { runs = 100, seed = 2 });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, full.Status);
        Assert.Equal("busy", full.Code);
        held!.Dispose();
        var served = await queued;
        Assert.Equal(HttpStatusCode.OK, served.Status);

        // With the place free again the same request is answered.
        Assert.Equal(HttpStatusCode.OK, (await second.Post(path, new { runs = 100, seed = 2 })).Status);
    }

    /// <summary>
    /// A token that sends a costly request again before its 503's Retry-After has passed is answered 429 at
    /// once (no token lookup, no queue): revoked meanwhile it still gets that 429, not 401. Only its costly
    /// requests are held back (its cheap reads go on), only its own (another token meets the busy lane
    /// itself), and only until the Retry-After has passed.
    /// </summary>
    [Fact]
    public async Task A_token_resending_a_costly_request_before_the_503s_Retry_After_is_answered_429_at_once_and_only_that_token_and_lane()
    {
        await using var server = await WarmteServer.StartAsync(extraArgs:
            ["--CostLimits:MaxConcurrent", "1", "--CostLimits:QueueLength", "0", "--CostLimits:RetryAfterSeconds", "3"]);
        var admin = server.Client();
        var project = await ProjectWithBusinessCase(admin);
        var reader = await TokenFor(server, "reader");
        var other = await admin.Post("api/tokens", new { name = "Test tweede lezer", role = "reader" });
        var second = server.Client(other.Text("token"));
        var path = $"api/projects/{project}/business-cases/1/montecarlo";
        var costly = server.App.Services.GetRequiredService<CostlyWork>();

        var held = await costly.EnterAsync(CancellationToken.None);
        Assert.NotNull(held);
        var busy = await reader.Post(path, new { runs = 100 });
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "busy"), (busy.Status, busy.Code));
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(3);

        using (var early = await reader.PostAsync(path, JsonContent(new { runs = 100 })))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, early.StatusCode);
            var body = await early.Content.ReadAsStringAsync();
            Assert.Contains("\"code\":\"too-many-requests\"", body);
            Assert.Contains("vóór die tijd", body);
            Assert.InRange(early.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3));
        }
        // The same token's cheap reads are not held back; another token meets the busy lane itself.
        Assert.Equal(HttpStatusCode.OK, (await reader.Get($"api/projects/{project}/business-cases/1")).Status);
        Assert.Equal("busy", (await second.Post(path, new { runs = 100 })).Code);
        // Revoked now, the second token's costly request is still answered by the hold-back: it never reached the lookup.
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"api/tokens/{other.Text("id")}")).StatusCode);
        var stillHeld = await second.Post(path, new { runs = 100 });
        Assert.Equal((HttpStatusCode.TooManyRequests, "too-many-requests"), (stillHeld.Status, stillHeld.Code));
        Assert.Equal(HttpStatusCode.Unauthorized, (await second.Get($"api/projects/{project}/business-cases/1")).Status);

        // Once the Retry-After has passed, with the place free, the request is computed.
        held!.Dispose();
        var wait = until - DateTime.UtcNow + TimeSpan.FromMilliseconds(300);
        if (wait > TimeSpan.Zero) await Task.Delay(wait);
        Assert.Equal(HttpStatusCode.OK, (await reader.Post(path, new { runs = 100 })).Status);
    }

    [Fact]
    public void A_limit_for_an_unknown_role_or_below_one_stops_the_start()
    {
        var unknown = new CostLimitSettings();
        unknown.MonteCarloRuns["lezer"] = 10;
        Assert.Contains("lezer", Assert.Throws<ConfigurationException>(() => new CostlyWork(unknown)).Message);
        var zero = new CostLimitSettings();
        zero.LoanGridCells["reader"] = 0;
        Assert.Contains("LoanGridCells:reader", Assert.Throws<ConfigurationException>(() => new CostlyWork(zero)).Message);
        var aboveCeiling = new CostLimitSettings();
        aboveCeiling.MonteCarloRuns["admin"] = 100_001;
        Assert.Throws<ConfigurationException>(() => new CostlyWork(aboveCeiling));
        using var fine = new CostlyWork(new CostLimitSettings());
        Assert.Equal(10_000, fine.Settings.MonteCarloRuns["reader"]);
    }

    private static StringContent JsonContent(object body) =>
        new(System.Text.Json.JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");

    private static async Task Until(Func<bool> condition)
    {
        for (var i = 0; i < 120 && !condition(); i++) await Task.Delay(25);
        Assert.True(condition(), "the condition did not come true in time");
    }
}
