using System.Net;
using System.Text.Json;
using Microsoft.Playwright;
using Warmte.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Warmte.Tests.Web;

/// <summary>
/// Tester 2's smaller dashboard findings (A8, A10, A11) in a real browser: amounts and dates stay whole on a phone,
/// the project page names the cooperative, a project without a plan asks for nothing that is not there, one ballot
/// is "1 stem", and the cash page's "Vandaag" is the service's month.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PapercutDashboardTests(BrowserFixture fixture)
{
    private BrowserFixture.DataSet Screens => fixture.Screens;

    /// <summary>How many lines each matching element's text takes on the screen (distinct line tops of its text).</summary>
    private const string LinesOf = @"selector => [...document.querySelectorAll(selector)].map(e => {
        const range = document.createRange();
        range.selectNodeContents(e);
        const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
        return [e.textContent, String(tops.size)];
      })";

    [Fact]
    public async Task At_phone_width_amounts_and_dates_stay_on_one_line()
    {
        var page = await Screens.SignedIn(Screens.FinancierToken, width: 390, height: 844);
        await page.GotoAsync("/app/portfolio");
        await Expect(page.Locator("#portfolio-totals")).ToContainTextAsync("7.700.000,00");

        // "€" and the amount are joined by a non-breaking space, as nl-NL currency formatting has it.
        var tiles = await page.EvaluateAsync<string[][]>(LinesOf, "#portfolio-totals dd");
        Assert.NotEmpty(tiles);
        foreach (var tile in tiles)
        {
            Assert.StartsWith("€\u00A0", tile[0]);
            Assert.True(tile[1] == "1", $"'{tile[0]}' takes {tile[1]} lines at 390 px");
        }

        // Dates in the alert table are not broken at their hyphens.
        var dates = (await page.EvaluateAsync<string[][]>(LinesOf, "#alerts td, #portfolio td"))
            .Where(c => System.Text.RegularExpressions.Regex.IsMatch(c[0], @"^\d\d-\d\d-\d{4}$")).ToList();
        Assert.NotEmpty(dates);
        Assert.All(dates, d => Assert.True(d[1] == "1", $"'{d[0]}' takes {d[1]} lines at 390 px"));
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"the page is {overflow}px wider than the phone screen");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_project_page_names_the_cooperative_by_its_statutory_name()
    {
        var page = await Screens.SignedIn(Screens.FinancierToken);
        await page.GotoAsync("/app/project?id=wg-terrein");
        var lead = page.Locator("main p.lead").First;
        await Expect(lead).ToContainTextAsync("Coöperatie KetelhuisWG U.A. ·");
        await Expect(lead).Not.ToContainTextAsync("ketelhuiswg");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_project_without_a_plan_and_an_open_proposal_with_one_ballot_ask_for_nothing_that_is_not_there()
    {
        var admin = fixture.Server.Client();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var coop = $"coop-{suffix}";
        var project = await ApiCalls.SeedCooperativeWithProject(admin, coop, $"proj-{suffix}");
        var members = await ApiCalls.SeedMembers(admin, coop);
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/cooperatives/{coop}/alv/meetings", new
        {
            id = "alv", title = "ALV", date = "2027-01-15", noticeDate = "2026-12-20",
            proposals = new[] { new { id = "besluit", title = "Realisatie", decisionType = "Realisatiebesluit", projectId = project } },
        })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals/besluit/ballots", new { memberNumber = members[0], choice = "Voor" })).Status);

        var page = await fixture.SignedIn(fixture.CoordinatorToken);
        var failed = new List<string>();
        page.Response += (_, r) => { if (r.Status >= 400) failed.Add($"{r.Status} {r.Request.Method} {r.Url}"); };
        await page.GotoAsync($"/app/cashflow?id={project}");
        await Expect(page.Locator("main .message.warning")).ToContainTextAsync("nog geen kasstroomplan");
        Assert.Empty(failed);

        await page.GotoAsync($"/app/decisions?id={project}");
        await Expect(page.Locator("[data-proposal='alv/besluit']")).ToContainTextAsync("Tot nu toe: 1 stem uitgebracht.");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_cash_page_says_today_is_the_services_month_when_the_outlook_is_from_the_actual_state()
    {
        var admin = fixture.Server.Client();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var project = await ApiCalls.SeedCooperativeWithProject(admin, $"coop-{suffix}", $"proj-{suffix}");
        var plan = JsonDocument.Parse(RepoFiles.Read("models", "ketelhuiswg-ontwikkeling.json"),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }).RootElement;
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/projects/{project}/cashflow-plan", new { plan })).Status);
        // The fixture's today is 15-01-2027; a booking this month makes the outlook "from the actual state".
        var booked = await admin.Post($"api/projects/{project}/spending", new { month = "2027-01", kind = "Design", amount = 85_000m });
        Assert.True(booked.Status == HttpStatusCode.Created, booked.Raw);
        Assert.Equal("Actual", (await admin.Get($"api/projects/{project}/cashflow")).Body.GetProperty("outlook").GetProperty("basis").GetString());

        var page = await fixture.SignedIn(fixture.CoordinatorToken);
        await page.GotoAsync($"/app/cashflow?id={project}");
        var outlook = page.Locator("#outlook");
        await Expect(outlook).ToContainTextAsync("Vandaag (januari 2027), tranches na verantwoording, vanaf de werkelijke stand");
        await page.Context.CloseAsync();
    }
}
