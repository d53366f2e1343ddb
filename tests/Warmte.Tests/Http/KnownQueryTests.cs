using System.Net;
using System.Text.Json;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Http;

/// <summary>
/// Carried from session 16: a query parameter an endpoint does not read was refused by name only on /api/portfolio and
/// …/cash-timeline; every other GET endpoint that takes query parameters answered as if it was not there. Now each of them
/// refuses an unknown parameter with a Dutch 400 naming it (and only it), and still answers its own parameters as before.
/// </summary>
public sealed class KnownQueryTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private WarmteServer Server => fixture.Server;

    /// <summary>Every GET endpoint with query parameters: its path, a query with only the parameters it reads, and the status that query gets.</summary>
    private static IEnumerable<(string Path, string Known, HttpStatusCode Status)> Endpoints(string coop, string project) =>
    [
        ("api/audit/refusals", "since=2026-01-01T00:00:00Z&limit=5", HttpStatusCode.OK),
        ($"api/projects/{project}/cashflow", "regime=Tranches", HttpStatusCode.OK),
        ($"api/projects/{project}/cash-timeline", "regime=Tranches", HttpStatusCode.OK),
        ($"api/projects/{project}/spending", "from=2026-01&to=2026-06", HttpStatusCode.OK),
        ($"api/projects/{project}/spending", "month=2026-03", HttpStatusCode.OK),
        ($"api/projects/{project}/spending", "month=2026-03&page=1&pageSize=10", HttpStatusCode.OK),
        ($"api/projects/{project}/business-cases", "page=1&pageSize=5", HttpStatusCode.OK),
        // No versions saved: the comparison's own 404, not a word about its parameters.
        ($"api/projects/{project}/business-cases/compare", "from=1&to=2", HttpStatusCode.NotFound),
        ($"api/projects/{project}/audit", "page=1&pageSize=5", HttpStatusCode.OK),
        ($"api/projects/{project}/grants/audit", "page=1&pageSize=5", HttpStatusCode.OK),
        // No such grant: the steps' own 404, not a word about their parameters.
        ($"api/projects/{project}/grants/geen-subsidie/tranches/1/steps", "page=1&pageSize=5", HttpStatusCode.NotFound),
        ($"api/projects/{project}/consent/audit", "page=1&pageSize=5", HttpStatusCode.OK),
        ($"api/projects/{project}/consent/complexes/geen-complex/declarations", "page=1&pageSize=5", HttpStatusCode.NotFound),
        ($"api/cooperatives/{coop}/audit", "page=1&pageSize=5", HttpStatusCode.OK),
        ($"api/cooperatives/{coop}/members/audit", "page=1&pageSize=5", HttpStatusCode.OK),
        ($"api/cooperatives/{coop}/alv/audit", "page=1&pageSize=5", HttpStatusCode.OK),
        ($"api/cooperatives/{coop}/alv/meetings/geen-alv/attendance", "page=1&pageSize=5", HttpStatusCode.NotFound),
        ($"api/cooperatives/{coop}/alv/meetings/geen-alv/proposals/p1/ballots", "page=1&pageSize=5", HttpStatusCode.NotFound),
        ("api/portfolio", "", HttpStatusCode.OK),
    ];

    [Fact]
    public async Task Every_get_endpoint_with_query_parameters_refuses_an_unknown_one_by_name_and_still_reads_its_own()
    {
        var admin = Server.Client();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var coop = $"kq-coop-{suffix}";
        var project = await ApiCalls.SeedCooperativeWithProject(admin, coop, $"kq-proj-{suffix}");
        var plan = JsonDocument.Parse(RepoFiles.Read("models", "ketelhuiswg-ontwikkeling.json"),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }).RootElement;
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/projects/{project}/cashflow-plan", new { plan })).Status);

        foreach (var (path, known, status) in Endpoints(coop, project))
        {
            // The parameters it reads: the endpoint's own answer.
            var own = await admin.Get(known.Length == 0 ? path : $"{path}?{known}");
            Assert.True(own.Status == status, $"{path}?{known}: {own.Status} {own.Raw}");
            Assert.DoesNotContain("bekende queryparameter", own.Raw);

            // One it does not read, beside its own: a 400 naming that one only, in Dutch, listing what it does read.
            var unknown = await admin.Get($"{path}?{(known.Length == 0 ? "" : known + "&")}sort=naam");
            Assert.True(unknown.Status == HttpStatusCode.BadRequest, $"{path}?sort=naam: {unknown.Status} {unknown.Raw}");
            Assert.Equal("invalid-input", unknown.Code);
            Assert.Equal(["sort"], unknown.ErrorFields);
            var message = unknown.Body.GetProperty("errors").GetProperty("sort")[0].GetString()!;
            Assert.StartsWith("is geen bekende queryparameter: deze vraag kent ", message);
            foreach (var name in known.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=')[0]))
                Assert.Contains($"'{name}'", message);
        }
    }
}
