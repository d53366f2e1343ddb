using System.Net;
using Warmte.Client;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Spreadsheets;

/// <summary>
/// Tester finding A20: the ballot import's dry run called rows good that the service then refused (a member who
/// already voted by another channel, a number not in the register), and without --skip-invalid the other rows were
/// stored anyway. Now the service checks the whole list (<c>POST …/ballots/batch</c> with dryRun) before anything is
/// sent, each row judged as if the rows before it were cast, and stores the list all or nothing.
/// </summary>
public sealed class BallotImportCheckTests
{
    private static async Task<(int Code, string Out, string Err)> Run(WarmteServer server, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var env = new Dictionary<string, string?> { ["WARMTE_URL"] = server.BaseUrl, ["WARMTE_TOKEN"] = WarmteServer.BootstrapAdminToken };
        var code = await WarmteCli.RunAsync(args, stdout, stderr, env);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static async Task<(HttpClient Admin, string Coop, string Ballots)> Meeting(WarmteServer server)
    {
        var admin = server.Client();
        var coop = $"coop-{Guid.NewGuid().ToString("N")[..8]}";
        await ApiCalls.SeedCooperativeWithProject(admin, coop, $"proj-{Guid.NewGuid().ToString("N")[..8]}");
        await ApiCalls.SeedMembers(admin, coop, 4);
        var created = await admin.Post($"api/cooperatives/{coop}/alv/meetings", new
        {
            id = "alv", title = "ALV", date = "2024-12-14", noticeDate = "2024-11-30",
            proposals = new[] { new { id = "tarief", title = "Tarief", decisionType = "Tariefbesluit" } },
        });
        Assert.Equal(HttpStatusCode.Created, created.Status);
        return (admin, coop, $"api/cooperatives/{coop}/alv/meetings/alv/proposals/tarief/ballots");
    }

    private static async Task<int> BallotCount(HttpClient admin, string coop) =>
        (await admin.Get($"api/cooperatives/{coop}/alv/meetings/alv")).Body.GetProperty("proposals")[0].GetProperty("ballotCount").GetInt32();

    [Fact]
    public async Task The_dry_run_says_what_the_service_refuses_and_without_skip_invalid_nothing_is_stored()
    {
        await using var server = await WarmteServer.StartAsync();
        var (admin, coop, ballots) = await Meeting(server);
        // L-2 voted already (another channel than this list); L-77 is not in the register.
        Assert.Equal(HttpStatusCode.OK, (await admin.Post(ballots, new { memberNumber = "L-2", choice = "Tegen" })).Status);
        var file = Path.Combine(Path.GetTempPath(), $"stemmen-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, "Lidnummer;Stem\nL-1;voor\nL-2;voor\nL-77;tegen\nL-3;tegen\n");
        try
        {
            var dry = await Run(server, "import", "ballots", coop, "alv", "tarief", file, "--dry-run");
            Assert.Equal(1, dry.Code);
            Assert.Contains("2 goede rijen, 2 foute rijen", dry.Out);
            Assert.Contains("rij 3, kolom A (Lidnummer): geweigerd door de dienst: Lid L-2 heeft op dit voorstel al gestemd", dry.Err);
            Assert.Contains("rij 4, kolom A (Lidnummer): geweigerd door de dienst: mag niet stemmen", dry.Err);
            Assert.Contains("Proefrun", dry.Out);
            Assert.Equal(1, await BallotCount(admin, coop));

            var whole = await Run(server, "import", "ballots", coop, "alv", "tarief", file);
            Assert.Equal(1, whole.Code);
            Assert.Contains("Er is niets verstuurd", whole.Err);
            Assert.Equal(1, await BallotCount(admin, coop)); // before: rows 2 and 5 were stored anyway

            var good = await Run(server, "import", "ballots", coop, "alv", "tarief", file, "--skip-invalid");
            Assert.Equal(1, good.Code); // bad rows were left out
            Assert.Contains("2 stemmen vastgelegd, 0 al aanwezig", good.Out);
            Assert.Equal(3, await BallotCount(admin, coop));
            var again = await Run(server, "import", "ballots", coop, "alv", "tarief", file, "--skip-invalid");
            Assert.Contains("0 stemmen vastgelegd, 2 al aanwezig", again.Out);
            Assert.Equal(3, await BallotCount(admin, coop));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task The_batch_judges_each_ballot_after_the_ones_before_it_and_stores_all_or_nothing()
    {
        await using var server = await WarmteServer.StartAsync();
        var (admin, coop, ballots) = await Meeting(server);
        var batch = $"{ballots}/batch";
        // The same member twice with another choice: the second is refused, as it would be when sent one by one.
        var twice = new[] { new { memberNumber = "L-1", choice = "Voor" }, new { memberNumber = "L-3", choice = "Tegen" }, new { memberNumber = "L-1", choice = "Tegen" } };
        var check = await admin.Post(batch, new { ballots = twice, dryRun = true, skipInvalid = true });
        Assert.Equal(HttpStatusCode.OK, check.Status);
        Assert.Equal(2, check.Body.GetProperty("recorded").GetInt32());
        Assert.Equal("ballots[2].memberNumber", Assert.Single(check.Body.GetProperty("skipped").EnumerateArray()).GetProperty("field").GetString());
        Assert.Equal(0, await BallotCount(admin, coop));

        var refused = await admin.Post(batch, new { ballots = twice });
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal(["ballots[2].memberNumber"], refused.ErrorFields);
        Assert.Equal(0, await BallotCount(admin, coop));

        Assert.Equal(["ballots"], (await admin.Post(batch, new { ballots = Array.Empty<object>() })).ErrorFields);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals/geen/ballots/batch", new { ballots = twice })).Status);
        var reader = server.Client((await admin.Post("api/tokens", new { name = "lezer", role = "reader" })).Text("token"));
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.Post(batch, new { ballots = twice, dryRun = true })).Status);

        var stored = await admin.Post(batch, new { ballots = twice.Take(2).ToArray() });
        Assert.Equal(HttpStatusCode.OK, stored.Status);
        Assert.Equal(2, stored.Body.GetProperty("recorded").GetInt32());
        Assert.Equal(2, await BallotCount(admin, coop));
    }
}
