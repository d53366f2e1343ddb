using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Operations;

/// <summary>Body size limit, refusal audit, readiness and request logging without secrets (docs/operations.md).</summary>
public sealed class OperationsTests(OperationsFixture fixture) : IClassFixture<OperationsFixture>
{
    private WarmteServer Server => fixture.Server;

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    private async Task<(string Id, string Token)> Token(string role)
    {
        var answer = await Server.Client().Post("api/tokens", new { name = "ops test", role });
        Assert.Equal(HttpStatusCode.Created, answer.Status);
        return (answer.Text("id"), answer.Text("token"));
    }

    private static string CooperativeJson(string id, int nameLength) =>
        JsonSerializer.Serialize(new { id, statutoryName = new string('x', nameLength), kind = "HeatNetwork", municipality = "Amsterdam" });

    /// <summary>A body of unknown length: HttpClient sends it chunked, without Content-Length.</summary>
    private sealed class ChunkedContent(string text) : HttpContent
    {
        public ChunkedContent() : this("") { }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            stream.WriteAsync(Encoding.UTF8.GetBytes(text)).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }

    [Fact]
    public async Task A_body_over_256_kB_is_413_with_a_problem_document_with_or_without_Content_Length_and_creates_nothing()
    {
        var admin = Server.Client();
        var sized = NewId("big");
        var withLength = await admin.PostRaw("api/cooperatives", CooperativeJson(sized, 300 * 1024));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, withLength.Status);
        Assert.Equal("application/problem+json", withLength.ContentType);
        Assert.Equal("body-too-large", withLength.Code);
        Assert.Equal(["body"], withLength.ErrorFields);

        var chunkedId = NewId("big");
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/cooperatives")
        {
            Content = new ChunkedContent(CooperativeJson(chunkedId, 300 * 1024)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var chunked = await admin.SendAsync(request);
        Assert.Null(request.Content.Headers.ContentLength);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunked.StatusCode);
        Assert.Equal("application/problem+json", chunked.Content.Headers.ContentType?.MediaType);
        Assert.Contains("body-too-large", await chunked.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.NotFound, (await admin.Get($"api/cooperatives/{sized}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Get($"api/cooperatives/{chunkedId}")).Status);

        // Just under the limit the body is read and judged on its content: the name is too long, not the body.
        var under = await admin.PostRaw("api/cooperatives", CooperativeJson(NewId("big"), 200 * 1024));
        Assert.Equal(HttpStatusCode.BadRequest, under.Status);
        Assert.Contains("statutoryName", under.ErrorFields);
    }

    [Fact]
    public async Task Refused_writes_of_authenticated_callers_are_in_the_refusal_audit_and_nothing_else_is()
    {
        var since = DateTimeOffset.UtcNow.AddSeconds(-2).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
        var admin = Server.Client();
        var own = NewId("coop");
        var other = NewId("coop");
        await ApiCalls.SeedCooperativeWithProject(admin, own, NewId("proj"));
        await ApiCalls.SeedCooperativeWithProject(admin, other, NewId("proj"));
        var (boardId, boardToken) = await Token($"board:{own}");
        var board = Server.Client(boardToken);

        var forbidden = await board.Patch($"api/cooperatives/{other}", new { municipality = "Diemen" });
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.Status);
        var invalid = await board.PostRaw($"api/cooperatives/{own}/projects", "{\"id\": 12}");
        Assert.Equal(HttpStatusCode.BadRequest, invalid.Status);
        Assert.Equal(HttpStatusCode.OK, (await board.Patch($"api/cooperatives/{own}", new { municipality = "Amsterdam" })).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await board.Get($"api/cooperatives/{NewId("nope")}")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.Client(token: null).Patch($"api/cooperatives/{own}", new { municipality = "X" })).Status);

        var audit = await admin.Get($"api/audit/refusals?since={since}&limit=1000");
        Assert.Equal(HttpStatusCode.OK, audit.Status);
        var mine = audit.Body.GetProperty("refusals").EnumerateArray().Where(r => r.GetProperty("tokenId").GetString() == boardId).ToList();
        Assert.Equal(2, mine.Count);
        Assert.Equal(("PATCH", $"/api/cooperatives/{other}", 403, forbidden.Code, other, $"board:{own}"), Row(mine[0]));
        Assert.Equal(("POST", $"/api/cooperatives/{own}/projects", 400, invalid.Code, own, $"board:{own}"), Row(mine[1]));
        Assert.True(DateTimeOffset.Parse(mine[0].GetProperty("at").GetString()!) >= DateTimeOffset.Parse(since));

        Assert.Equal(HttpStatusCode.Forbidden, (await board.Get("api/audit/refusals")).Status);
        var badSince = await admin.Get("api/audit/refusals?since=gisteren&limit=0");
        Assert.Equal(HttpStatusCode.BadRequest, badSince.Status);
        Assert.Equal(["limit", "since"], badSince.ErrorFields.Order());
    }

    [Fact]
    public async Task The_cli_lists_refused_writes_for_an_admin_and_refuses_other_roles()
    {
        var admin = Server.Client();
        var coop = NewId("coop");
        await ApiCalls.SeedCooperativeWithProject(admin, coop, NewId("proj"));
        var (readerId, readerToken) = await Token("reader");
        Assert.Equal(HttpStatusCode.Forbidden, (await Server.Client(readerToken).Patch($"api/cooperatives/{coop}", new { municipality = "Diemen" })).Status);

        var listed = await Cli.CliHarness.Run(Cli.CliHarness.Env(Server.BaseUrl, Server.AdminToken), null, "audit", "refusals", "--limit", "1000");
        Assert.True(listed.ExitCode == 0, listed.ToString());
        var line = Assert.Single(listed.Out.Split('\n'), l => l.Contains(readerId));
        Assert.Contains($"PATCH /api/cooperatives/{coop}", line);
        Assert.Contains("403", line);
        Assert.Contains("forbidden", line);

        var refused = await Cli.CliHarness.Run(Cli.CliHarness.Env(Server.BaseUrl, readerToken), null, "audit", "refusals");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("beheerder", refused.Err);
        var badSince = await Cli.CliHarness.Run(Cli.CliHarness.Env(Server.BaseUrl, Server.AdminToken), null, "audit", "refusals", "--since", "gisteren");
        Assert.Equal(1, badSince.ExitCode);
        Assert.Contains("--since", badSince.Err);
    }

    private static (string, string, int, string, string?, string) Row(JsonElement r) =>
        (r.GetProperty("method").GetString()!, r.GetProperty("path").GetString()!, r.GetProperty("status").GetInt32(),
         r.GetProperty("code").GetString()!, r.GetProperty("targetId").GetString(), r.GetProperty("role").GetString()!);

    [Fact]
    public async Task Readiness_reports_database_and_silo_while_health_stays_plain_ok()
    {
        var anonymous = Server.Client(token: null);
        var health = await anonymous.Get("health");
        Assert.Equal(HttpStatusCode.OK, health.Status);
        Assert.Equal("ok", health.Raw);

        var ready = await anonymous.Get("health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.Status);
        Assert.Equal("ready", ready.Text("status"));
        Assert.Equal("ok", ready.Body.GetProperty("checks").GetProperty("database").GetString());
        Assert.Equal("ok", ready.Body.GetProperty("checks").GetProperty("silo").GetString());
    }

    [Fact]
    public async Task No_token_appears_in_the_logs_whether_valid_invalid_or_pasted_into_the_url()
    {
        var (readerId, secret) = await Token("reader");
        const string invalid = "wt_this-is-not-a-token-but-still-a-secret-0123456789";
        var reader = Server.Client(secret);

        Assert.Equal(HttpStatusCode.OK, (await reader.Get("api/status")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.Client(invalid).Get("api/status")).Status);
        await reader.Get($"api/status?access_token={secret}&token={invalid}");
        await Server.Client(token: null).Get($"api/status?access_token={secret}");
        await reader.Get($"api/{secret}/status");
        await Server.Client(token: null).Get($"api/projects/{invalid}");
        await reader.PostRaw($"api/cooperatives?token={secret}", "{\"id\": \"" + secret + "\"}");
        await Server.Client(invalid).PostRaw("api/cooperatives", "{}");
        await Server.Client("Bearer " + secret).Get("api/status");

        // The request line is written when the pipeline unwinds, possibly just after the client has its answer.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!fixture.Logs.Entries.Any(e => e.Contains("[verborgen]/status")) && DateTime.UtcNow < deadline) await Task.Delay(50);

        var entries = fixture.Logs.Entries.ToList();
        Assert.Contains(entries, e => e.Contains("Warmte.Requests") && e.Contains("GET /api/status 200") && e.Contains(readerId) && e.Contains("reader"));
        Assert.Contains(entries, e => e.Contains("Warmte.Requests") && e.Contains("/api/[verborgen]/status"));
        foreach (var needle in new[] { secret, invalid, WarmteServer.BootstrapAdminToken, secret[3..], invalid[3..] })
        {
            var leaks = entries.Where(e => e.Contains(needle, StringComparison.Ordinal)).ToList();
            Assert.True(leaks.Count == 0, $"A secret is in {leaks.Count} log entries, e.g. {leaks.FirstOrDefault()}");
        }
    }

    [Fact]
    public async Task A_500_logs_the_scrubbed_path_never_a_token_in_it()
    {
        var (_, secret) = await Token("reader");
        var answer = await Server.Client().Get($"{FaultOnPath.Prefix[1..]}/{secret}/x?token={secret}");
        Assert.Equal(HttpStatusCode.InternalServerError, answer.Status);
        Assert.Equal("internal-error", answer.Code);

        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!fixture.Logs.Entries.Any(e => e.Contains("Unhandled error on GET")) && DateTime.UtcNow < deadline) await Task.Delay(50);
        var entries = fixture.Logs.Entries.ToList();
        Assert.Contains(entries, e => e.StartsWith("Error Warmte.Api: Unhandled error on GET /test-fault/[verborgen]/x", StringComparison.Ordinal));
        var leaks = entries.Where(e => e.Contains(secret[3..], StringComparison.Ordinal)).ToList();
        Assert.True(leaks.Count == 0, $"The token is in {leaks.Count} log entries, e.g. {leaks.FirstOrDefault()}");
    }
}
