using System.Net;
using System.Text.Json;
using Microsoft.Playwright;
using Warmte.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Warmte.Tests.Web;

/// <summary>
/// The portfolio page's "Geld reikt" says when a project's cash goes below zero ("kas leeg vanaf 04-2027" with the
/// shortfall), not the runway of its work; the project with the shortage comes first, with its high cash signal.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PortfolioCashShortDashboardTests(BrowserFixture fixture)
{
    /// <summary>
    /// The fixture's today is 15-01-2027. Start 01-2027, nothing in the bank; 6 work months of € 1.000 organisation (runs on
    /// in a stall) + € 9.000 design; grant € 60.000 in 2 × € 30.000, the next after accounting, 5 + 1 months lead time.
    /// Tranche 1 pays 01–03 (closing 0 in 03); tranche 2, requested then, arrives in 09; 04–08 cost € 1.000 a month with
    /// nothing coming in: −1.000 in 04-2027 … −5.000 in 08-2027.
    /// </summary>
    private const string Plan = """
        {"formatVersion":1,"name":"Klein","startMonth":"2027-01","openingBalance":0,"cashBuffer":0,"restartCost":0,
        "phases":[{"name":"Ontwerp","months":6,"budget":60000}],
        "workPlan":[{"name":"Organisatie","kind":"organisation","monthlyCost":1000,"runsDuringStall":true},{"name":"Ontwerp","kind":"design","monthlyCost":9000}],
        "grant":{"name":"S","funder":"F","amount":60000,"trancheSize":30000,"waitsForAccounting":true},
        "leadTimes":{"requestToApprovedMonths":5,"approvedToPaidMonths":1}}
        """;

    [Fact]
    public async Task Geld_reikt_says_from_which_month_the_cash_is_empty_and_the_shortfall()
    {
        var admin = fixture.Server.Client();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var project = await ApiCalls.SeedCooperativeWithProject(admin, $"coop-{suffix}", $"krap-{suffix}");
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/projects/{project}/grants", new
        {
            id = "ontw", funder = "Gemeente Amsterdam", scheme = "Ontwikkelsubsidie", amountGranted = 60_000m, decidedOn = "2026-12-01",
            tranches = new[] { new { amount = 30_000m }, new { amount = 30_000m } },
        })).Status);
        var saved = await admin.Put($"api/projects/{project}/cashflow-plan", new { plan = JsonDocument.Parse(Plan).RootElement });
        Assert.True(saved.Status == HttpStatusCode.OK, saved.Raw);

        var page = await fixture.SignedIn(fixture.FinancierToken);
        await page.GotoAsync("/app/portfolio");
        var line = page.Locator("#portfolio tbody tr").Filter(new() { HasTextString = $"Warmtenet {project}" });
        await Expect(line).ToHaveCountAsync(1);
        var headers = await page.Locator("#portfolio thead th").AllInnerTextsAsync();
        var column = headers.Select(h => h.Trim()).ToList().IndexOf("Geld reikt");
        Assert.True(column > 0, string.Join(" | ", headers));
        var cell = line.Locator("th, td").Nth(column);
        await Expect(cell).ToHaveTextAsync("kas leeg vanaf 04-2027 (tekort € 5.000,00 in 08-2027)");
        // The month links to the project's cash page, where the same sentence stands.
        await Expect(cell.Locator($"a[href='/app/cashflow?id={project}']")).ToHaveTextAsync("kas leeg vanaf 04-2027");
        // Its worst signal is high (the cash is empty within three months): among the most urgent, never below a calmer row.
        await Expect(line.Locator("th, td").Nth(headers.Count - 1)).ToHaveTextAsync("Hoog");
        var worst = await page.Locator("#portfolio tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.lastElementChild.innerText.trim())");
        var rank = new Dictionary<string, int> { ["Hoog"] = 3, ["Middel"] = 2, ["Laag"] = 1, ["geen"] = 0 };
        Assert.Equal(worst.Select(w => rank[w]).OrderByDescending(r => r), worst.Select(w => rank[w]));
        await Expect(page.Locator("#alerts tbody tr").Filter(new() { HasTextString = "De kas is leeg in 04-2027" })).ToHaveCountAsync(1);
        await page.Context.CloseAsync();
    }
}
