using System.Net;
using System.Text.Json.Nodes;
using ClosedXML.Excel;
using NodaTime;
using NodaTime.Testing;
using Warmte.Spreadsheets.Export;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Http;

/// <summary>A silo whose clock stands at 22-11-2026 13:00 Amsterdam time, for the export downloads.</summary>
public sealed class ExportServerFixture : IAsyncLifetime
{
    public static readonly Instant Now = Instant.FromUtc(2026, 11, 22, 12, 0);

    public WarmteServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await WarmteServer.StartAsync(clock: new FakeClock(Now));

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

public sealed class ExportApiTests(ExportServerFixture fixture) : IClassFixture<ExportServerFixture>
{
    private WarmteServer Server => fixture.Server;

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>An umbrella with one cooperative whose project has a business case, a cash-flow plan and a grant.</summary>
    private async Task<(string Umbrella, string Project)> Seed()
    {
        var admin = Server.Client();
        var umbrella = NewId("koepel");
        Assert.Equal(HttpStatusCode.Created, (await admin.Post("api/umbrellas", new { id = umbrella, name = "Testkoepel" })).Status);
        var coop = NewId("coop");
        Assert.Equal(HttpStatusCode.Created, (await admin.Post("api/cooperatives", new
        {
            id = coop, statutoryName = "Coöperatie Test U.A.", kind = "HeatNetwork", municipality = "Amsterdam", umbrellas = new[] { umbrella },
        })).Status);
        var project = NewId("proj");
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/cooperatives/{coop}/projects", new
        {
            id = project, name = "Warmtenet Test", woningequivalenten = 1500, plannedConnections = 1000, startedOn = "2018-01-01",
        })).Status);
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/projects/{project}/business-cases",
            new { model = JsonNode.Parse(RepoFiles.Read("models", "ketelhuiswg.json")), note = "financial close" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/projects/{project}/cashflow-plan",
            new { plan = JsonNode.Parse(RepoFiles.Read("models", "ketelhuiswg-ontwikkeling.json")) })).Status);
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/projects/{project}/grants", new
        {
            id = "paw", funder = "Rijk", scheme = "PAW", amountGranted = 7_700_000m, decidedOn = "2019-01-01",
            tranches = new[] { new { amount = 1_000_000m }, new { amount = 6_700_000m } },
        })).Status);
        return (umbrella, project);
    }

    private static async Task<(HttpResponseMessage Response, XLWorkbook? Workbook)> Download(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        if (!response.IsSuccessStatusCode) return (response, null);
        return (response, new XLWorkbook(new MemoryStream(await response.Content.ReadAsByteArrayAsync())));
    }

    private async Task<HttpClient> Reader() =>
        Server.Client((await Server.Client().Post("api/tokens", new { name = "Coördinator APEC", role = "coordinator" })).Text("token"));

    [Fact]
    public async Task A_coordinator_downloads_the_umbrella_workbook_with_the_right_type_name_and_sheets()
    {
        var (umbrella, project) = await Seed();
        var (response, workbook) = await Download(await Reader(), $"api/umbrellas/{umbrella}/export.xlsx");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(XlsxFile.ContentType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"{umbrella}-2026-11-22.xlsx", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        using (workbook)
        {
            Assert.Equal(["Overzicht", project, "Toelichting"], workbook!.Worksheets.Select(s => s.Name));
            var overview = workbook.Worksheet("Overzicht");
            Assert.Equal("Warmtenet Test", overview.Cell(2, 3).GetString());
            Assert.Equal(30_000_000m, overview.Cell(2, 8).GetValue<decimal>()); // the saved business case's investment
            Assert.Equal(7_700_000m, overview.Cell(2, 9).GetValue<decimal>());
            Assert.Equal(new DateTime(2026, 11, 22, 13, 0, 0), workbook.Worksheet("Toelichting").Cell(2, 2).GetDateTime());
            Assert.Equal("Coördinator APEC", workbook.Worksheet("Toelichting").Cell(3, 2).GetString());
            Assert.Contains(workbook.Worksheet(project).CellsUsed(), c => c.HasFormula);
        }
    }

    [Fact]
    public async Task A_project_and_the_portfolio_download_as_workbooks()
    {
        var (_, project) = await Seed();
        var reader = await Reader();
        var (single, projectBook) = await Download(reader, $"api/projects/{project}/export.xlsx");
        Assert.Equal(HttpStatusCode.OK, single.StatusCode);
        Assert.Equal($"{project}-2026-11-22.xlsx", single.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        // The project has a cash-flow plan, so its budget comes along in the import's layout.
        using (projectBook) Assert.Equal([project, "Begroting", "Toelichting"], projectBook!.Worksheets.Select(s => s.Name));

        var (portfolio, portfolioBook) = await Download(reader, "api/portfolio/export.xlsx");
        Assert.Equal(HttpStatusCode.OK, portfolio.StatusCode);
        Assert.Equal("portefeuille-2026-11-22.xlsx", portfolio.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        using (portfolioBook)
        {
            var sheet = portfolioBook!.Worksheet("Portefeuille");
            Assert.Contains(sheet.Column(1).CellsUsed(), c => c.GetString() == "Warmtenet Test");
            Assert.Contains(project, portfolioBook.Worksheets.Select(s => s.Name));
        }
    }

    [Fact]
    public async Task The_project_sheet_carries_the_alv_decision_and_tenant_consent_but_no_names_or_addresses()
    {
        var (umbrella, project) = await Seed();
        var admin = Server.Client();
        var coop = (await admin.Get($"api/projects/{project}")).Text("cooperativeId");
        await ApiCalls.PassRealisatiebesluitWithoutTenants(admin, coop, project);
        await admin.Put($"api/projects/{project}/consent/applicability", new { notApplicable = false });
        await admin.Put($"api/projects/{project}/consent/complexes/complex-a", new { name = "Complex A", corporation = "Stadgenoot", rentedHomes = 10, proposalDate = "2025-01-15" });
        await admin.Post($"api/projects/{project}/consent/complexes/complex-a/declarations", new
        {
            declarations = Enumerable.Range(1, 6).Select(n => new { postcode = "1054 AB", huisnummer = n, response = "Akkoord", on = "2025-02-01" }),
        });

        var (_, workbook) = await Download(await Reader(), $"api/umbrellas/{umbrella}/export.xlsx");
        using (workbook)
        {
            Assert.Equal(3, workbook!.Worksheet("Overzicht").Cell(2, 7).GetValue<int>()); // Leden
            var sheet = workbook.Worksheet(project);
            // Formula cells carry no cached value (the spreadsheet calculates them on opening): read the typed cells only.
            static string Text(IXLCell c) => c.HasFormula ? "" : c.GetString();
            var texts = sheet.CellsUsed().Select(Text).ToList();
            Assert.Contains("Stemmingen en instemming", texts);
            var decision = sheet.CellsUsed().Single(c => Text(c).StartsWith("Realisatiebesluit (alv-", StringComparison.Ordinal)).Address.RowNumber;
            Assert.Equal("Aangenomen", sheet.Cell(decision, 3).GetString());
            Assert.Equal(3, sheet.Cell(decision, 4).GetValue<int>());
            var complex = sheet.CellsUsed().Single(c => Text(c) == "Complex A").Address.RowNumber;
            Assert.Equal((6, 7, "nee"), (sheet.Cell(complex, 4).GetValue<int>(), sheet.Cell(complex, 8).GetValue<int>(), sheet.Cell(complex, 9).GetString()));
            Assert.DoesNotContain(workbook.Worksheets.SelectMany(w => w.CellsUsed()), c => Text(c).Contains("1054 AB") || Text(c).Contains("Lid L-1"));
        }
    }

    [Fact]
    public async Task Unknown_targets_are_a_404_in_dutch_and_a_missing_token_a_401()
    {
        var reader = await Reader();
        var umbrella = await reader.Get("api/umbrellas/bestaat-niet/export.xlsx");
        Assert.Equal(HttpStatusCode.NotFound, umbrella.Status);
        Assert.Equal("application/problem+json", umbrella.ContentType);
        Assert.Contains("bestaat-niet", umbrella.Raw);
        Assert.Equal(HttpStatusCode.NotFound, (await reader.Get("api/projects/Geen Slug!/export.xlsx")).Status);
        var anonymous = Server.Client(token: null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("api/portfolio/export.xlsx")).StatusCode);
    }
}
