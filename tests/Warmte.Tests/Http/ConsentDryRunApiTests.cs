using System.Net;
using NodaTime;
using NodaTime.Testing;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Http;

/// <summary>
/// <c>POST …/consent/complexes/{c}/declarations</c> with <c>dryRun</c> and <c>skipInvalid</c>, over HTTP against the
/// real service dated 06-12-2026: a dry run stores nothing and leaves no audit entry; good rows only stores the good
/// answers and names the others; the check is only for the cooperative's board (it shows whether an address answered).
/// </summary>
public sealed class ConsentDryRunApiTests : IAsyncLifetime
{
    private WarmteServer _server = null!;

    public async Task InitializeAsync() => _server = await WarmteServer.StartAsync(clock: new FakeClock(Instant.FromUtc(2026, 12, 6, 11, 0)));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static object Body(bool? skipInvalid, bool? dryRun) => new
    {
        declarations = new object[]
        {
            new { postcode = "1091 GM", huisnummer = 20, response = "Akkoord", on = "2026-11-01" },
            new { postcode = "1091 GM", huisnummer = 24, response = "Akkoord", on = "2026-12-31" },
            new { postcode = "1091 GM", huisnummer = 26, response = "Geweigerd", on = "2026-09-01" },
        },
        skipInvalid, dryRun,
    };

    [Fact]
    public async Task A_dry_run_answers_what_would_happen_and_stores_nothing_and_good_rows_only_stores_the_good_ones()
    {
        var admin = _server.Client();
        var coop = "coop-dry";
        var project = await ApiCalls.SeedCooperativeWithProject(admin, coop, "proj-dry");
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/projects/{project}/consent/complexes/blok-a",
            new { name = "Blok A", corporation = "Stadgenoot", rentedHomes = 20, proposalDate = "2026-10-01" })).Status);
        var board = (await admin.Post("api/tokens", new { name = "Bestuur", role = $"board:{coop}" })).Text("token");
        var reader = (await admin.Post("api/tokens", new { name = "Lezer", role = "reader" })).Text("token");
        var path = $"api/projects/{project}/consent/complexes/blok-a/declarations";
        var auditBefore = (await admin.Get($"api/projects/{project}/consent/audit")).Body.GetProperty("total").GetInt32();

        var dry = await _server.Client(board).Post(path, Body(skipInvalid: true, dryRun: true));
        Assert.True(dry.Status == HttpStatusCode.OK, dry.Raw);
        Assert.True(dry.Body.GetProperty("dryRun").GetBoolean());
        var complex = dry.Body.GetProperty("complexes")[0];
        Assert.Equal(1, complex.GetProperty("agreed").GetInt32()); // as it would be
        Assert.Equal(JsonValueKindNull, complex.GetProperty("declarations").ValueKind); // counts only
        Assert.Equal(
            [("declarations[1].on", "31-12-2026 ligt in de toekomst."), ("declarations[2].on", "01-09-2026 ligt vóór het voorstel aan de huurders (01-10-2026).")],
            dry.Body.GetProperty("skipped").EnumerateArray().Select(e => (e.GetProperty("field").GetString(), e.GetProperty("reason").GetString())));
        var after = await admin.Get($"api/projects/{project}/consent");
        Assert.Equal(0, after.Body.GetProperty("complexes")[0].GetProperty("agreed").GetInt32());
        Assert.Equal(auditBefore, (await admin.Get($"api/projects/{project}/consent/audit")).Body.GetProperty("total").GetInt32());

        // A dry run all or nothing: refused as the real call is, with the same texts.
        var refused = await _server.Client(board).Post(path, Body(skipInvalid: null, dryRun: true));
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains("31-12-2026 ligt in de toekomst.", refused.Raw);

        // Personal data: whether an address answered is the board's to know; a reader may not even check.
        Assert.Equal(HttpStatusCode.Forbidden, (await _server.Client(reader).Post(path, Body(skipInvalid: true, dryRun: true))).Status);

        var stored = await _server.Client(board).Post(path, Body(skipInvalid: true, dryRun: null));
        Assert.True(stored.Status == HttpStatusCode.OK, stored.Raw);
        Assert.False(stored.Body.TryGetProperty("dryRun", out _));
        Assert.Equal(2, stored.Body.GetProperty("skipped").GetArrayLength());
        var blokA = (await admin.Get($"api/projects/{project}/consent")).Body.GetProperty("complexes")[0];
        Assert.Equal((1, 0), (blokA.GetProperty("agreed").GetInt32(), blokA.GetProperty("refused").GetInt32()));
        Assert.Equal([20], blokA.GetProperty("declarations").EnumerateArray().Select(d => d.GetProperty("address").GetProperty("huisnummer").GetInt32()));
        // The plain status carries neither field.
        Assert.False((await admin.Get($"api/projects/{project}/consent")).Body.TryGetProperty("skipped", out _));
    }

    private const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;
}
