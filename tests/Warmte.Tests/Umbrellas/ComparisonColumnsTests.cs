using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClosedXML.Excel;
using NodaTime;
using NodaTime.Testing;
using NodaTime.Text;
using Warmte.Tests.Infrastructure;
using Warmte.Tests.Spreadsheets;
using Warmte.Umbrellas;

namespace Warmte.Tests.Umbrellas;

/// <summary>
/// Tester7 T10: the workbook's overview had Leden, Runway and Risico, the API and the page did not; and "Laatste wijziging"
/// stayed at the project's creation while grants, a cash plan and a business case were saved.
/// </summary>
public sealed class ComparisonColumnsTests
{
    [Fact]
    public async Task Last_change_moves_with_a_grant_a_business_case_and_a_cash_plan()
    {
        var clock = new FakeClock(Instant.FromUtc(2026, 6, 15, 9, 0));
        await using var server = await WarmteServer.StartAsync(clock: clock);
        var admin = server.Client();
        await Seed(admin);
        Assert.Equal(Instant.FromUtc(2026, 6, 15, 9, 0), LastChange(await Row(admin)));

        clock.Advance(Duration.FromHours(1));
        await WideViewSummaryTests.Grant(admin, "zuid-net", "gem-ontw", "gemeente", 300_000m);
        Assert.Equal(Instant.FromUtc(2026, 6, 15, 10, 0), LastChange(await Row(admin)));

        clock.Advance(Duration.FromHours(1));
        Assert.Equal(HttpStatusCode.Created, (await admin.Post("api/projects/zuid-net/business-cases",
            new { note = "eerste", model = JsonNode.Parse(RepoFiles.Read("models", "ketelhuiswg.json")) })).Status);
        Assert.Equal(Instant.FromUtc(2026, 6, 15, 11, 0), LastChange(await Row(admin)));

        clock.Advance(Duration.FromHours(1));
        var plan = JsonDocument.Parse(RepoFiles.Read("models", "ketelhuiswg-ontwikkeling.json"),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }).RootElement;
        Assert.Equal(HttpStatusCode.OK, (await admin.Put("api/projects/zuid-net/cashflow-plan", new { plan })).Status);
        Assert.Equal(Instant.FromUtc(2026, 6, 15, 12, 0), LastChange(await Row(admin)));
    }

    [Fact]
    public async Task Members_runway_and_risk_are_the_same_in_the_api_and_the_workbook()
    {
        var clock = new FakeClock(Instant.FromUtc(2026, 6, 15, 9, 0));
        await using var server = await WarmteServer.StartAsync(clock: clock);
        var admin = server.Client();
        await Seed(admin);
        await ApiCalls.SeedMembers(admin, "zuidwarmte", 3);
        await WideViewSummaryTests.Grant(admin, "zuid-net", "gem-ontw", "gemeente", 300_000m);
        Assert.Equal(HttpStatusCode.OK, (await admin.Post("api/projects/zuid-net/grants/gem-ontw/tranches/1/request", new { on = "2026-01-05" })).Status);
        var plan = JsonDocument.Parse(RepoFiles.Read("models", "ketelhuiswg-ontwikkeling.json"),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }).RootElement;
        Assert.Equal(HttpStatusCode.OK, (await admin.Put("api/projects/zuid-net/cashflow-plan", new { plan })).Status);
        Assert.Equal(HttpStatusCode.Created, (await admin.Post("api/projects/zuid-net/business-cases",
            new { note = "eerste", model = JsonNode.Parse(RepoFiles.Read("models", "ketelhuiswg.json")) })).Status);

        var row = await Row(admin);
        var finance = row.GetProperty("finance");
        Assert.Equal(3, row.GetProperty("members").GetInt32());
        // The runway is the cash outlook's, as the portfolio gives it.
        var portfolio = (await admin.Get("api/portfolio")).Body.GetProperty("projects").EnumerateArray().Single(p => p.GetProperty("projectId").GetString() == "zuid-net");
        int? Runway(JsonElement e) => e.TryGetProperty("runwayMonths", out var r) && r.ValueKind == JsonValueKind.Number ? r.GetInt32() : null;
        Assert.Equal(Runway(portfolio), Runway(finance));
        string? Text(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v.GetRawText() : null;
        Assert.Equal(Text(portfolio, "cashShortFrom"), Text(finance, "cashShortFrom"));
        Assert.Equal(Text(portfolio, "shortfall"), Text(finance, "shortfall"));
        // The documented rule (docs/spreadsheet-export.md, "Risico").
        decimal? Number(string name) => finance.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDecimal() : null;
        var expectedRisk = Number("minDscr") < Number("lenderMinDscr") || Number("sourcesMinusUses") < 0 || Runway(finance) < 6 || Number("openAlerts") > 0;
        Assert.Equal(expectedRisk, finance.GetProperty("atRisk").GetBoolean());

        // The workbook's overview: the same members, runway and (recalculated by Gnumeric) risk.
        var dir = Directory.CreateTempSubdirectory("warmte-comparison-");
        try
        {
            var file = Path.Combine(dir.FullName, "koepel.xlsx");
            File.WriteAllBytes(file, await admin.GetByteArrayAsync("api/umbrellas/koepel/export.xlsx"));
            using var workbook = new XLWorkbook(file);
            var overview = workbook.Worksheet("Overzicht");
            var headers = overview.Row(1).CellsUsed().Select(c => c.GetString()).ToList();
            var line = overview.Column(3).CellsUsed().Single(c => c.GetString() == "Warmtenet zuid-net").Address.RowNumber;
            int Col(string header) => headers.IndexOf(header) + 1;
            Assert.Equal(3, overview.Cell(line, Col("Leden")).GetValue<int>());
            var runwayCell = overview.Cell(line, Col("Runway (maanden)"));
            Assert.Equal(Runway(finance), runwayCell.IsEmpty() ? null : runwayCell.GetValue<int>());
            var values = Gnumeric.RecalculatedSheet(file, "Overzicht");
            Assert.Equal(expectedRisk ? "ja" : "nee", values[line - 1][Col("Risico") - 1]);
        }
        finally { dir.Delete(recursive: true); }
    }

    private static async Task Seed(HttpClient admin)
    {
        Assert.Equal(HttpStatusCode.Created, (await admin.Post("api/umbrellas", new { id = "koepel", name = "Koepel" })).Status);
        Assert.Equal(HttpStatusCode.Created, (await admin.Post("api/cooperatives", new
        {
            id = "zuidwarmte", statutoryName = "Zuidwarmte U.A.", kind = "HeatNetwork", municipality = "Amsterdam", foundedOn = "2019-12-18", umbrellas = new[] { "koepel" },
        })).Status);
        Assert.Equal(HttpStatusCode.Created, (await admin.Post("api/cooperatives/zuidwarmte/projects", new
        {
            id = "zuid-net", name = "Warmtenet zuid-net", woningequivalenten = 400, plannedConnections = 300, startedOn = "2024-01-01",
        })).Status);
    }

    private static async Task<JsonElement> Row(HttpClient admin)
    {
        var comparison = await admin.Get("api/umbrellas/koepel");
        Assert.Equal(HttpStatusCode.OK, comparison.Status);
        return comparison.Body.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("projectId").GetString() == "zuid-net");
    }

    private static Instant LastChange(JsonElement row) => InstantPattern.ExtendedIso.Parse(row.GetProperty("lastChangeAt").GetString()!).Value;
}

/// <summary>The "Risico" rule as plain C#: the min. DSCR below the lender's, a funding shortfall, a short runway or an open alert.</summary>
public sealed class AtRiskRuleTests
{
    private static readonly ProjectFinance Calm = new()
    {
        SubsidiesGranted = 100m, SubsidiesPaid = 0m, SubsidiesOutstanding = 100m, OpenAlerts = 0,
        MinDscr = 1.30m, LenderMinDscr = 1.20m, SourcesMinusUses = 0m, RunwayMonths = null,
    };

    [Fact]
    public void A_project_with_nothing_wrong_is_not_at_risk() => Assert.False(Calm.AtRisk);

    [Fact]
    public void Each_reason_alone_marks_it()
    {
        Assert.True((Calm with { MinDscr = 1.19m }).AtRisk);
        Assert.True((Calm with { SourcesMinusUses = -0.01m }).AtRisk);
        Assert.True((Calm with { RunwayMonths = 5 }).AtRisk);
        Assert.True((Calm with { RunwayMonths = 0 }).AtRisk);
        Assert.True((Calm with { OpenAlerts = 1 }).AtRisk);
    }

    [Fact]
    public void Six_months_of_runway_or_an_unknown_figure_is_not_a_reason()
    {
        Assert.False((Calm with { RunwayMonths = 6 }).AtRisk);
        Assert.False((Calm with { MinDscr = null, LenderMinDscr = null, SourcesMinusUses = null }).AtRisk);
    }
}
