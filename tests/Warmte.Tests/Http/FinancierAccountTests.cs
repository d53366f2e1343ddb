using System.Net;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Http;

/// <summary>
/// A financier's token may be for one funder (<c>financier:&lt;funderId&gt;</c>): it decides on that
/// funder's grants only and its portfolio shows only the projects that funder funds.
/// </summary>
public sealed class FinancierAccountTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private WarmteServer Server => fixture.Server;

    private async Task<HttpClient> Token(HttpClient admin, string role) =>
        Server.Client((await admin.Post("api/tokens", new { name = role, role })).Text("token"));

    private static async Task Requested(HttpClient admin, string project, string grant)
    {
        foreach (var (step, body) in new (string, object)[]
                 {
                     ("request", new { on = "2026-01-05" }),
                     ("accounting", new { on = "2026-01-06", amount = 1_000m, periodFrom = "2025-12-01", periodTo = "2025-12-31" }),
                 })
            Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/projects/{project}/grants/{grant}/tranches/1/{step}", body)).Status);
    }

    [Fact]
    public async Task A_financier_of_one_funder_decides_on_its_own_grants_and_sees_only_them()
    {
        var admin = Server.Client();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var funder = $"gemeente-{suffix}";
        var project = await ApiCalls.SeedCooperativeWithProject(admin, $"coop-{suffix}", $"proj-{suffix}");
        var other = await ApiCalls.SeedCooperativeWithProject(admin, $"coop2-{suffix}", $"proj2-{suffix}");
        var municipality = await Token(admin, $"financier:{funder}");

        // Its own grant: recorded by the financier itself, so it carries its funder id.
        var created = await municipality.Post($"api/projects/{project}/grants", new
        {
            id = "lening", funder = "Gemeente Amsterdam", scheme = "Voorfinanciering", amountGranted = 100_000m, decidedOn = "2026-01-01",
            tranches = new[] { new { amount = 100_000m } },
        });
        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal(funder, created.Body.GetProperty("grant").GetProperty("funderId").GetString());
        // Someone else's grant on the same project, and one on another project.
        await admin.Post($"api/projects/{project}/grants", new
        {
            id = "paw", funder = "Rijk", scheme = "PAW", funderId = $"rijk-{suffix}", amountGranted = 50_000m, decidedOn = "2026-01-01",
            tranches = new[] { new { amount = 50_000m } },
        });
        await admin.Post($"api/projects/{other}/grants", new
        {
            id = "paw", funder = "Rijk", scheme = "PAW", funderId = $"rijk-{suffix}", amountGranted = 70_000m, decidedOn = "2026-01-01",
            tranches = new[] { new { amount = 70_000m } },
        });
        await Requested(admin, project, "lening");
        await Requested(admin, project, "paw");

        Assert.Equal(HttpStatusCode.OK, (await municipality.Post($"api/projects/{project}/grants/lening/tranches/1/approve", new { on = "2026-01-10" })).Status);
        var refused = await municipality.Post($"api/projects/{project}/grants/paw/tranches/1/approve", new { on = "2026-01-10" });
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        // The refusal changed nothing: the other funder's accounting still waits for its own financier.
        Assert.Equal("VerantwoordingIngediend",
            (await admin.Get($"api/projects/{project}/grants/paw")).Body.GetProperty("grant").GetProperty("tranches")[0].GetProperty("status").GetString());
        var forOther = await municipality.Post($"api/projects/{project}/grants", new
        {
            id = "wis", funder = "Rijk", scheme = "WIS", funderId = $"rijk-{suffix}", amountGranted = 1_000m, decidedOn = "2026-01-01",
        });
        Assert.Equal(HttpStatusCode.Forbidden, forOther.Status);

        var portfolio = (await municipality.Get("api/portfolio")).Body;
        var rows = portfolio.GetProperty("projects").EnumerateArray().ToList();
        var row = Assert.Single(rows);
        Assert.Equal(project, row.GetProperty("projectId").GetString());
        Assert.Equal(100_000m, portfolio.GetProperty("granted").GetDecimal());

        // Its portfolio workbook is scoped the same way.
        var bytes = await municipality.GetByteArrayAsync("api/portfolio/export.xlsx");
        using (var workbook = new ClosedXML.Excel.XLWorkbook(new MemoryStream(bytes)))
        {
            var text = string.Join("|", workbook.Worksheet("Portefeuille").CellsUsed().Select(c => c.GetString()));
            Assert.Contains(project, text);
            Assert.DoesNotContain(other, text);
        }

        // A financier for all funders sees every funded project, both grants included.
        var all = (await (await Token(admin, "financier")).Get("api/portfolio")).Body.GetProperty("projects").EnumerateArray()
            .ToDictionary(r => r.GetProperty("projectId").GetString()!);
        Assert.Equal(150_000m, all[project].GetProperty("granted").GetDecimal());
        Assert.True(all.ContainsKey(other));
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.Post("api/tokens", new { name = "x", role = "financier:Niet Geldig!" })).Status);
    }
}
