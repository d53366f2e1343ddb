using System.Net;
using ClosedXML.Excel;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Http;

/// <summary>
/// Issue 16: whose tranche plan a grant's plan is (the funder's, when the grant names its funder's account), and
/// the portfolio workbook of one funder's financier, which shows no other funder's grant anywhere.
/// </summary>
public sealed class FunderScopeTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private WarmteServer Server => fixture.Server;

    private async Task<HttpClient> Token(HttpClient admin, string role, string? name = null) =>
        Server.Client((await admin.Post("api/tokens", new { name = name ?? role, role })).Text("token"));

    private static object Plan(params decimal[] amounts) => new { tranches = amounts.Select(a => new { amount = a }) };

    private static async Task<decimal[]> PlannedAmounts(HttpClient admin, string project, string grant) =>
        [.. (await admin.Get($"api/projects/{project}/grants/{grant}")).Body.GetProperty("grant").GetProperty("tranches")
            .EnumerateArray().Select(t => t.GetProperty("plannedAmount").GetDecimal())];

    [Fact]
    public async Task A_funders_financier_replans_its_own_grants_and_the_board_only_grants_without_a_funder_account()
    {
        var admin = Server.Client();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var cooperative = $"coop-{suffix}";
        var project = await ApiCalls.SeedCooperativeWithProject(admin, cooperative, $"proj-{suffix}");
        var funder = $"gemeente-{suffix}";
        var municipality = await Token(admin, $"financier:{funder}");
        var board = await Token(admin, $"board:{cooperative}");
        foreach (var (id, funderId) in new[] { ("lening", funder), ("rijk", $"rijk-{suffix}"), ("eigen", (string?)null) })
        {
            var created = await admin.Post($"api/projects/{project}/grants", new
            {
                id, funder = "Financier " + id, scheme = "Regeling " + id, funderId, amountGranted = 100_000m, decidedOn = "2026-01-01",
                tranches = new[] { new { amount = 60_000m }, new { amount = 40_000m } },
            });
            Assert.Equal(HttpStatusCode.Created, created.Status);
        }

        // The funder's own financier re-plans its own grant (before: 403 for every financier:<id>).
        Assert.Equal(HttpStatusCode.OK, (await municipality.Put($"api/projects/{project}/grants/lening/tranche-plan", Plan(50_000m, 30_000m, 20_000m))).Status);
        Assert.Equal([50_000m, 30_000m, 20_000m], await PlannedAmounts(admin, project, "lening"));
        // Not another funder's grant, nor one without a funder account; both stay as they were.
        foreach (var other in new[] { "rijk", "eigen" })
        {
            var refused = await municipality.Put($"api/projects/{project}/grants/{other}/tranche-plan", Plan(100_000m));
            Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
            Assert.Equal([60_000m, 40_000m], await PlannedAmounts(admin, project, other));
        }

        // The board: not a funder's plan (before: it could re-plan it), it stays as the funder set it ...
        var boardChange = await board.Put($"api/projects/{project}/grants/lening/tranche-plan", Plan(100_000m));
        Assert.Equal(HttpStatusCode.Forbidden, boardChange.Status);
        Assert.Contains(funder, boardChange.Raw);
        Assert.Equal([50_000m, 30_000m, 20_000m], await PlannedAmounts(admin, project, "lening"));
        // ... but the same plan again (importing its sheet once more) is fine, and a grant without a funder account is its own.
        Assert.Equal(HttpStatusCode.OK, (await board.Put($"api/projects/{project}/grants/lening/tranche-plan", Plan(50_000m, 30_000m, 20_000m))).Status);
        Assert.Equal(HttpStatusCode.OK, (await board.Put($"api/projects/{project}/grants/eigen/tranche-plan", Plan(70_000m, 30_000m))).Status);
        Assert.Equal([70_000m, 30_000m], await PlannedAmounts(admin, project, "eigen"));

        // A financier for every funder, and an admin, re-plan any grant; a reader none.
        Assert.Equal(HttpStatusCode.OK, (await (await Token(admin, "financier")).Put($"api/projects/{project}/grants/rijk/tranche-plan", Plan(90_000m, 10_000m))).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/projects/{project}/grants/lening/tranche-plan", Plan(100_000m))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await Token(admin, "reader")).Put($"api/projects/{project}/grants/eigen/tranche-plan", Plan(100_000m))).Status);
        Assert.Equal([90_000m, 10_000m], await PlannedAmounts(admin, project, "rijk"));
        Assert.Equal([70_000m, 30_000m], await PlannedAmounts(admin, project, "eigen"));
    }

    [Fact]
    public async Task The_portfolio_workbook_of_one_funder_shows_no_other_funders_grant_on_any_sheet()
    {
        var admin = Server.Client();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var project = await ApiCalls.SeedCooperativeWithProject(admin, $"coop-{suffix}", $"proj-{suffix}");
        var funder = $"gemeente-{suffix}";
        var ours = new { id = $"ons{suffix}", funder = $"Gemeente {suffix}", scheme = $"Voorfinanciering-{suffix}" };
        var theirs = new { id = $"hun{suffix}", funder = $"Waterschap {suffix}", scheme = $"Waterregeling-{suffix}" };
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/projects/{project}/grants", new
        {
            ours.id, ours.funder, ours.scheme, funderId = funder, amountGranted = 100_000m, decidedOn = "2024-01-01",
            tranches = new[] { new { amount = 100_000m } },
        })).Status);
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/projects/{project}/grants", new
        {
            theirs.id, theirs.funder, theirs.scheme, funderId = $"waterschap-{suffix}", amountGranted = 12_345.67m, decidedOn = "2024-01-01",
            tranches = new[] { new { amount = 12_345.67m } },
        })).Status);
        // The other funder's tranche waits for approval far beyond its norm: an alert naming its scheme.
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/projects/{project}/grants/{theirs.id}/tranches/1/request", new { on = "2024-02-01" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/projects/{project}/grants/{theirs.id}/tranches/1/accounting",
            new { on = "2024-02-02", amount = 1_000m, periodFrom = "2024-01-01", periodTo = "2024-01-31" })).Status);
        string[] traces = [theirs.id, theirs.funder, theirs.scheme, "12345,67", "12.345,67", "12345.67"];

        // Control: a financier for every funder gets the other funder's grant in the same workbook, on the project sheet.
        var everything = WorkbookText(await (await Token(admin, "financier")).GetByteArrayAsync("api/portfolio/export.xlsx"));
        Assert.Contains(everything, cell => cell.Contains(theirs.scheme, StringComparison.Ordinal));

        var scoped = WorkbookText(await (await Token(admin, $"financier:{funder}")).GetByteArrayAsync("api/portfolio/export.xlsx"));
        Assert.Contains(scoped, cell => cell.Contains(ours.scheme, StringComparison.Ordinal));
        foreach (var trace in traces)
            Assert.DoesNotContain(scoped, cell => cell.Contains(trace, StringComparison.Ordinal));
    }

    /// <summary>Every used cell of every sheet as "sheet!A1: shown text | value | formula".</summary>
    private static List<string> WorkbookText(byte[] bytes)
    {
        using var workbook = new XLWorkbook(new MemoryStream(bytes));
        return [.. workbook.Worksheets.SelectMany(sheet => sheet.CellsUsed().Select(cell =>
            // Formulas as written (evaluating them here would depend on ClosedXML's function support); values as stored and as shown.
            cell.HasFormula ? $"{sheet.Name}!{cell.Address}: ={cell.FormulaA1}" : $"{sheet.Name}!{cell.Address}: {cell.GetString()} | {cell.GetFormattedString()}"))];
    }
}
