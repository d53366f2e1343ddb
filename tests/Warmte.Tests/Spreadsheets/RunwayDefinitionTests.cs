using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClosedXML.Excel;
using Warmte.Tests.Cli;
using Warmte.Tests.Http;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Spreadsheets;

/// <summary>
/// Tester findings T7 and T8.7. "Runway (maanden)" has one definition in the financier's portfolio workbook and the
/// coordinator's umbrella (APEC) workbook, the one docs/spreadsheet-export.md gives: months of work before money runs
/// out, empty when the money lasts (before: the portfolio showed the months to the end of the work, 53 where APEC's
/// overview was empty). Both workbooks, the portfolio API and <c>warmte portfolio</c> name the cooperative by its
/// statutory name (before: its id in the portfolio).
/// </summary>
public sealed class RunwayDefinitionTests(ExportServerFixture fixture) : IClassFixture<ExportServerFixture>
{
    private WarmteServer Server => fixture.Server;

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    private async Task<string> AddProject(HttpClient admin, string coop, string name, decimal openingBalance)
    {
        var project = NewId("proj");
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/cooperatives/{coop}/projects", new
        {
            id = project, name, woningequivalenten = 1500, plannedConnections = 1000, startedOn = "2024-06-01",
        })).Status);
        var plan = JsonNode.Parse(RepoFiles.Read("models", "ketelhuiswg-ontwikkeling.json"))!.AsObject();
        plan["startMonth"] = "2025-01"; // 54 work months: the work runs past the export date (22-11-2026)
        plan["openingBalance"] = openingBalance;
        var saved = await admin.Put($"api/projects/{project}/cashflow-plan", new { plan });
        Assert.True(saved.Status == HttpStatusCode.OK, saved.Raw);
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/projects/{project}/grants", new
        {
            id = "paw", funder = "Rijk", scheme = "PAW", amountGranted = 7_700_000m, decidedOn = "2025-01-01",
            tranches = new[] { new { amount = 1_000_000m }, new { amount = 6_700_000m } },
        })).Status);
        return project;
    }

    /// <summary>The documented runway: a number when money runs out ahead, nothing when it lasts.</summary>
    private static int? Documented(JsonElement outlook) =>
        outlook.GetProperty("state").GetString() is "GapAhead" or "InStall" or "OutOfFunding" ? outlook.GetProperty("runwayMonths").GetInt32() : null;

    private static int? Runway(IXLCell cell) => cell.IsEmpty() ? null : cell.GetValue<int>();

    /// <summary>
    /// "Geld reikt nog 53 maanden" for a project whose money lasts read as "the money runs out then". Every place now says
    /// the money lasts until the end of the work, with its month, and gives a number only when the money runs out: the
    /// cash outlook and the cash timeline of the API, the portfolio API, and <c>warmte cashflow</c>.
    /// </summary>
    [Fact]
    public async Task When_the_money_lasts_every_place_says_until_the_end_of_the_work_and_gives_no_number_of_months()
    {
        var admin = Server.Client();
        var coop = NewId("coop");
        Assert.Equal(HttpStatusCode.Created, (await admin.Post("api/cooperatives", new
        {
            id = coop, statutoryName = $"Coöperatie Reikt {coop[5..]} U.A.", kind = "HeatNetwork", municipality = "Amsterdam",
        })).Status);
        var lasting = await AddProject(admin, coop, $"Ruim {coop}", 100_000_000m);
        var tight = await AddProject(admin, coop, $"Krap {coop}", 150_000m);
        // The plan's 54 work months (15 + 12 + 12 + 9 + 6) from January 2025, none stalled: the last is June 2029.
        const string end = "2029-06";

        static string? Text(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        static int? Number(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;

        var outlook = (await admin.Get($"api/projects/{lasting}/cashflow")).Body.GetProperty("outlook");
        Assert.Equal("NoGapAhead", outlook.GetProperty("state").GetString());
        Assert.Equal((null, end), (Number(outlook, "runwayMonths"), Text(outlook, "moneyLastsUntil")));
        var timeline = (await admin.Get($"api/projects/{lasting}/cash-timeline")).Body.GetProperty("outlook");
        Assert.Equal((null, end), (Number(timeline, "runwayMonths"), Text(timeline, "moneyLastsUntil")));
        // Money that runs out keeps its number; "lasts until" is never the end of the work then: it is the month before the
        // cash goes below zero when it does (tester T2), else nothing.
        var tightOutlook = (await admin.Get($"api/projects/{tight}/cashflow")).Body.GetProperty("outlook");
        Assert.Equal("GapAhead", tightOutlook.GetProperty("state").GetString());
        Assert.NotNull(Number(tightOutlook, "runwayMonths"));
        var lastsUntil = Text(tightOutlook, "moneyLastsUntil");
        Assert.NotEqual(end, lastsUntil);
        Assert.Equal(Text(tightOutlook, "cashShortFrom") is { } shortFrom
            ? NodaTime.Text.YearMonthPattern.Iso.Format(NodaTime.Text.YearMonthPattern.Iso.Parse(shortFrom).Value.PlusMonths(-1))
            : null, lastsUntil);

        var financier = Server.Client((await admin.Post("api/tokens", new { name = "Financier", role = "financier" })).Text("token"));
        var rows = (await financier.Get("api/portfolio")).Body.GetProperty("projects").EnumerateArray()
            .ToDictionary(r => r.GetProperty("projectId").GetString()!);
        Assert.Equal((null, end), (Number(rows[lasting], "runwayMonths"), Text(rows[lasting], "moneyLastsUntil")));
        Assert.Equal((Number(tightOutlook, "runwayMonths"), lastsUntil), (Number(rows[tight], "runwayMonths"), Text(rows[tight], "moneyLastsUntil")));

        var cli = await CliHarness.Run(CliHarness.Env(Server.BaseUrl, Server.AdminToken), null, "cashflow", lasting);
        Assert.True(cli.ExitCode == 0, cli.ToString());
        Assert.Contains("Het geld reikt tot het einde van het werk (06-2029); er komt geen windstilte meer.", cli.Out);
        Assert.DoesNotContain("tot het werk klaar is", cli.Out);
    }

    [Fact]
    public async Task Both_workbooks_show_one_runway_and_the_cooperatives_name()
    {
        var admin = Server.Client();
        var umbrella = NewId("koepel");
        Assert.Equal(HttpStatusCode.Created, (await admin.Post("api/umbrellas", new { id = umbrella, name = "Testkoepel" })).Status);
        var coop = NewId("coop");
        var statutoryName = $"Coöperatie Runway {coop[5..]} U.A.";
        Assert.Equal(HttpStatusCode.Created, (await admin.Post("api/cooperatives", new
        {
            id = coop, statutoryName, kind = "HeatNetwork", municipality = "Amsterdam", umbrellas = new[] { umbrella },
        })).Status);
        // Money enough for the whole work (the tester's case, after tranche 6: "53" against "empty"), and the model's own tight start.
        var lasting = await AddProject(admin, coop, $"Ruim {coop}", 100_000_000m);
        var tight = await AddProject(admin, coop, $"Krap {coop}", 150_000m);
        var lastingOutlook = (await admin.Get($"api/projects/{lasting}/cashflow")).Body.GetProperty("outlook");
        Assert.Equal("NoGapAhead", lastingOutlook.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, lastingOutlook.GetProperty("runwayMonths").ValueKind); // the money lasts: no runway
        var tightOutlook = (await admin.Get($"api/projects/{tight}/cashflow")).Body.GetProperty("outlook");
        Assert.NotNull(Documented(tightOutlook)); // money runs out ahead: both workbooks show the number

        var coordinator = Server.Client((await admin.Post("api/tokens", new { name = "Coördinator APEC", role = "coordinator" })).Text("token"));
        var financierToken = (await admin.Post("api/tokens", new { name = "Financier", role = "financier" })).Text("token");
        var financier = Server.Client(financierToken);
        using var apec = new XLWorkbook(new MemoryStream(await coordinator.GetByteArrayAsync($"api/umbrellas/{umbrella}/export.xlsx")));
        using var portfolio = new XLWorkbook(new MemoryStream(await financier.GetByteArrayAsync("api/portfolio/export.xlsx")));
        var overview = apec.Worksheet("Overzicht");
        var portfolioSheet = portfolio.Worksheet("Portefeuille");
        Assert.Equal("Runway (maanden)", overview.Cell(1, 21).GetString());
        Assert.Equal("Runway (maanden)", portfolioSheet.Cell(1, 9).GetString());

        foreach (var (project, outlook, name) in new[] { (lasting, lastingOutlook, $"Ruim {coop}"), (tight, tightOutlook, $"Krap {coop}") })
        {
            var apecRow = overview.RowsUsed().Single(r => r.Cell(3).GetString() == name);
            var portfolioRow = portfolioSheet.RowsUsed().Single(r => r.Cell(1).GetString() == name);
            Assert.Equal(Documented(outlook), Runway(apecRow.Cell(21)));
            Assert.Equal(Documented(outlook), Runway(portfolioRow.Cell(9)));
            // T8.7: the cooperative by its name in both.
            Assert.Equal(statutoryName, apecRow.Cell(1).GetString());
            Assert.Equal(statutoryName, portfolioRow.Cell(2).GetString());
        }
        // The Toelichting of both explains the column in the same words.
        string Explained(XLWorkbook book) => book.Worksheet("Toelichting").RowsUsed().First(r => r.Cell(1).GetString() == "Runway (maanden)").Cell(2).GetString();
        Assert.Equal(Explained(apec), Explained(portfolio));
        Assert.Contains("Leeg: geen tekort voorzien", Explained(portfolio));

        // T8.7 in the portfolio API and the CLI table.
        var rows = (await financier.Get("api/portfolio")).Body.GetProperty("projects").EnumerateArray()
            .Where(r => r.GetProperty("cooperativeId").GetString() == coop).ToList();
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Equal(statutoryName, r.GetProperty("cooperativeName").GetString()));
        var cli = await CliHarness.Run(CliHarness.Env(Server.BaseUrl, financierToken), null, "portfolio");
        Assert.True(cli.ExitCode == 0, cli.ToString());
        var line = cli.Out.Split('\n').Single(l => l.Contains(lasting));
        Assert.Contains(statutoryName, line);
    }
}
