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
        // ... not even the same plan again (tester T16: 200 for an unchanged plan, 403 for a change; who may write does not depend
        // on what is sent — importing the sheet again sends no unchanged plan); a grant without a funder account is its own.
        var unchanged = await board.Put($"api/projects/{project}/grants/lening/tranche-plan", Plan(50_000m, 30_000m, 20_000m));
        Assert.Equal(HttpStatusCode.Forbidden, unchanged.Status);
        Assert.Contains($"besluit van financier '{funder}'", unchanged.Text("detail"));
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
    public async Task A_board_cannot_record_a_grant_in_a_funders_name_and_the_funders_portfolio_stays_its_own()
    {
        // Tester T1: the board of zuid-net recorded "nep-gem" (€ 2.000.000) with funderId gemeente-amsterdam; the municipality's
        // own portfolio then showed it as its commitment and the stall alert went away.
        var admin = Server.Client();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var cooperative = $"coop-{suffix}";
        var project = await ApiCalls.SeedCooperativeWithProject(admin, cooperative, $"proj-{suffix}");
        var funder = $"gemeente-{suffix}";
        var municipality = await Token(admin, $"financier:{funder}");
        var board = await Token(admin, $"board:{cooperative}");
        Assert.Equal(HttpStatusCode.Created, (await municipality.Post($"api/projects/{project}/grants", new
        {
            id = "gem-ontw", funder = "Gemeente Amsterdam", scheme = "Ontwikkeling", amountGranted = 300_000m, decidedOn = "2025-01-01",
            tranches = new[] { new { amount = 100_000m }, new { amount = 100_000m }, new { amount = 100_000m } },
        })).Status);

        var refused = await board.Post($"api/projects/{project}/grants", new
        {
            id = "nep-gem", funder = "Gemeente Amsterdam", funderId = funder, scheme = "Extra lening", amountGranted = 2_000_000m,
            decidedOn = "2026-11-01", tranches = new[] { new { amount = 2_000_000m } },
        });
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Contains($"financier '{funder}'", refused.Text("detail"));
        Assert.Contains("zonder funderId", refused.Text("detail"));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Get($"api/projects/{project}/grants/nep-gem")).Status);
        Assert.Equal(300_000m, (await municipality.Get("api/portfolio")).Body.GetProperty("granted").GetDecimal());

        // A funder without an account here: the board records its decision, without a funderId, outside any funder's portfolio.
        var own = await board.Post($"api/projects/{project}/grants", new
        {
            id = "fonds", funder = "Wijkfonds", scheme = "Buurtbijdrage", amountGranted = 20_000m, decidedOn = "2026-11-01",
            tranches = new[] { new { amount = 20_000m } },
        });
        Assert.Equal(HttpStatusCode.Created, own.Status);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, own.Body.GetProperty("grant").GetProperty("funderId").ValueKind);
        Assert.Equal(300_000m, (await municipality.Get("api/portfolio")).Body.GetProperty("granted").GetDecimal());
        // An admin may record a funder's grant (e.g. entering a beschikking on the funder's behalf).
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/projects/{project}/grants", new
        {
            id = "gem-extra", funder = "Gemeente Amsterdam", funderId = funder, scheme = "Extra", amountGranted = 10_000m, decidedOn = "2026-11-01",
            tranches = new[] { new { amount = 10_000m } },
        })).Status);
    }

    [Fact]
    public async Task An_accounting_above_the_spending_booked_in_its_period_is_accepted_with_a_warning()
    {
        // Tester T17: "Verantwoord € 404.000" next to € 222.000 booked, without a word.
        var admin = Server.Client();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var project = await ApiCalls.SeedCooperativeWithProject(admin, $"coop-{suffix}", $"proj-{suffix}");
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/projects/{project}/grants", new
        {
            id = "paw", funder = "Rijk", scheme = "PAW", amountGranted = 300_000m, decidedOn = "2025-01-01",
            tranches = new[] { new { amount = 100_000m }, new { amount = 100_000m } },
        })).Status);
        foreach (var month in new[] { "2026-07", "2026-08" })
            Assert.True((await admin.Post($"api/projects/{project}/spending", new { month, kind = "Organisation", amount = 50_000m })).Status
                        is HttpStatusCode.OK or HttpStatusCode.Created);
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/projects/{project}/grants/paw/tranches/1/request", new { on = "2026-09-01" })).Status);
        var accounted = await admin.Post($"api/projects/{project}/grants/paw/tranches/1/accounting",
            new { on = "2026-09-02", amount = 130_000m, periodFrom = "2026-07-01", periodTo = "2026-08-31" });
        Assert.Equal(HttpStatusCode.OK, accounted.Status);
        var warning = Assert.Single(accounted.Body.GetProperty("accountingWarnings").EnumerateArray()).GetString();
        Assert.Equal("Tranche 1: verantwoord € 130.000,00 over 01-07-2026 – 31-08-2026, maar in 07-2026 – 08-2026 is € 100.000,00 aan uitgaven "
                     + "geboekt (€ 30.000,00 meer verantwoord dan geboekt). Boek de uitgaven of controleer de verantwoording.", warning);
        // The grant as read says it too; booking the rest clears it.
        Assert.Single((await admin.Get($"api/projects/{project}/grants/paw")).Body.GetProperty("accountingWarnings").EnumerateArray());
        await admin.Post($"api/projects/{project}/spending", new { month = "2026-08", kind = "Advisers", amount = 30_000m });
        Assert.Empty((await admin.Get($"api/projects/{project}/grants")).Body[0].GetProperty("accountingWarnings").EnumerateArray());
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
