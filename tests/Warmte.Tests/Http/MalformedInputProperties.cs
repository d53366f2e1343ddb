using System.Net;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Http;

/// <summary>
/// Random and malformed bodies against every write endpoint: the answer is always a 4xx problem
/// document, never a 500, and a refused write leaves the project exactly as it was.
/// </summary>
public sealed class MalformedInputProperties(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static readonly string[] Fragments =
    [
        "{", "}", "[", "]", ",", ":", "\"to\"", "\"decidedOn\"", "\"2024-02-30\"", "\"9999-99-99\"", "\"Beheer\"", "null", "true",
        "1e999", "-1", "12345678901234567890", "0.5", "\"\"", "\"\\u0000\"", "\"name\"", "\"woningequivalenten\"", "{}", "[]",
        "\"presentOn\"", "\"plannedOn\"", "\"ALV\"", "\"x\"", " ", "\"é€\"", "\"\\ud800\"",
    ];

    private static readonly string[] Paths =
    [
        "api/projects/{p}/transitions", "api/projects/{p}/deliverables/bewonersgroep", "api/projects/{p}/milestones/start-bouw",
        "api/cooperatives/{c}/projects", "api/cooperatives", "api/umbrellas", "api/tokens",
    ];

    private static Arbitrary<(string Path, string Body)> Requests() =>
        (from path in Gen.Elements(Paths)
         from parts in Gen.Elements(Fragments).ArrayOf()
         select (path, string.Concat(parts)))
        .ToArbitrary();

    [Property(MaxTest = 150)]
    public Property No_body_makes_the_service_answer_500_or_change_the_project() =>
        Prop.ForAll(Requests(), request =>
        {
            var (status, before, after) = Send(request).GetAwaiter().GetResult();
            Assert.True((int)status < 500, $"{request.Path} with {request.Body} answered {(int)status}");
            if ((int)status >= 400) Assert.Equal(before, after);
        });

    private static bool _seeded;
    private static readonly SemaphoreSlim SeedLock = new(1, 1);

    private async Task<(HttpStatusCode Status, string Before, string After)> Send((string Path, string Body) request)
    {
        var admin = fixture.Server.Client();
        await SeedLock.WaitAsync();
        try
        {
            if (!_seeded) { await ApiCalls.SeedCooperativeWithProject(admin, "fuzz-coop", "fuzz-project"); _seeded = true; }
        }
        finally { SeedLock.Release(); }
        var path = request.Path.Replace("{p}", "fuzz-project").Replace("{c}", "fuzz-coop");
        var before = (await admin.Get("api/projects/fuzz-project")).Raw;
        var method = path.Contains("deliverables") || path.Contains("milestones") ? HttpMethod.Put : HttpMethod.Post;
        using var message = new HttpRequestMessage(method, path) { Content = new StringContent(request.Body, Encoding.UTF8, "application/json") };
        using var response = await admin.SendAsync(message);
        var after = (await admin.Get("api/projects/fuzz-project")).Raw;
        return (response.StatusCode, before, after);
    }
}
