using System.Net;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Http;

/// <summary>
/// Random and malformed bodies against the member, ALV, consent and Wcw write endpoints: never a
/// 5xx, and a refused request leaves register, meetings, consent and Wcw profile as they were.
/// </summary>
public sealed class DecisionInputProperties(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static readonly string[] Fragments =
    [
        "{", "}", "[", "]", ",", ":", "\"members\"", "\"number\"", "\"memberNumber\"", "\"choice\"", "\"Voor\"", "\"postcode\"",
        "\"1054 AB\"", "\"huisnummer\"", "\"declarations\"", "\"proposals\"", "\"decisionType\"", "\"Realisatiebesluit\"",
        "\"quorum\"", "\"2/3\"", "\"rentedHomes\"", "\"for\"", "\"present\"", "\"L-1\"", "\"2024-12-14\"", "\"2024-02-30\"",
        "null", "true", "1e999", "-1", "12345678901234567890", "0.5", "\"\"", "{}", "[]", "\"\\ud800\"", "\"publicSharePercent\"",
    ];

    private static readonly (HttpMethod Method, string Path)[] Endpoints =
    [
        (HttpMethod.Post, "api/cooperatives/dec-coop/members"),
        (HttpMethod.Put, "api/cooperatives/dec-coop/members/L-7"),
        (HttpMethod.Put, "api/cooperatives/dec-coop/alv/statutes"),
        (HttpMethod.Post, "api/cooperatives/dec-coop/alv/meetings"),
        (HttpMethod.Post, "api/cooperatives/dec-coop/alv/meetings/alv/attendance"),
        (HttpMethod.Post, "api/cooperatives/dec-coop/alv/meetings/alv/proposals/realisatiebesluit/ballots"),
        (HttpMethod.Put, "api/cooperatives/dec-coop/alv/meetings/alv/proposals/realisatiebesluit/tally"),
        (HttpMethod.Put, "api/projects/dec-project/consent/complexes/complex-a"),
        (HttpMethod.Post, "api/projects/dec-project/consent/complexes/complex-a/declarations"),
        (HttpMethod.Put, "api/projects/dec-project/wcw"),
    ];

    private static Arbitrary<(int Endpoint, string Body)> Requests() =>
        (from endpoint in Gen.Choose(0, Endpoints.Length - 1)
         from parts in Gen.Elements(Fragments).ArrayOf()
         select (endpoint, string.Concat(parts)))
        .ToArbitrary();

    [Property(MaxTest = 150)]
    public Property No_body_makes_a_decision_endpoint_answer_500_or_change_anything_when_refused() =>
        Prop.ForAll(Requests(), request =>
        {
            var (status, before, after) = Send(request).GetAwaiter().GetResult();
            var (method, path) = Endpoints[request.Endpoint];
            Assert.True((int)status < 500, $"{method} {path} with {request.Body} answered {(int)status}");
            if ((int)status >= 400) Assert.Equal(before, after);
        });

    private static bool _seeded;
    private static readonly SemaphoreSlim SeedLock = new(1, 1);

    private async Task<string> Snapshot(HttpClient admin) =>
        (await admin.Get("api/cooperatives/dec-coop/members")).Raw + (await admin.Get("api/cooperatives/dec-coop/alv/meetings")).Raw
        + (await admin.Get("api/cooperatives/dec-coop/alv/statutes")).Raw + (await admin.Get("api/projects/dec-project/consent")).Raw
        + (await admin.Get("api/projects/dec-project/wcw")).Raw;

    private async Task<(HttpStatusCode Status, string Before, string After)> Send((int Endpoint, string Body) request)
    {
        var admin = fixture.Server.Client();
        await SeedLock.WaitAsync();
        try
        {
            if (!_seeded)
            {
                await ApiCalls.SeedCooperativeWithProject(admin, "dec-coop", "dec-project");
                await ApiCalls.SeedMembers(admin, "dec-coop");
                await admin.Post("api/cooperatives/dec-coop/alv/meetings", new
                {
                    id = "alv", title = "ALV", date = "2024-12-14", noticeDate = "2024-11-30",
                    proposals = new[] { new { id = "realisatiebesluit", title = "R", decisionType = "Realisatiebesluit", projectId = "dec-project" } },
                });
                await admin.Put("api/projects/dec-project/consent/complexes/complex-a", new { name = "A", corporation = "Stadgenoot", rentedHomes = 20 });
                _seeded = true;
            }
        }
        finally { SeedLock.Release(); }
        var (method, path) = Endpoints[request.Endpoint];
        var before = await Snapshot(admin);
        using var message = new HttpRequestMessage(method, path) { Content = new StringContent(request.Body, Encoding.UTF8, "application/json") };
        using var response = await admin.SendAsync(message);
        return (response.StatusCode, before, await Snapshot(admin));
    }
}
