using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using static Microsoft.Playwright.Assertions;

namespace Warmte.Tests.Web;

/// <summary>
/// Tester7 T13: the cash page said "1 maanden van aanvraag tot betaling", "samen 1 maanden" and "nog 1 maanden stil in
/// 1 windstiltes". Every count on the page goes through format.js's plural(), singular for one. The demo project's own
/// answers are used with each count set to one, as a project with one stall month and a one-month lead time gives them.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class CountWordingDashboardTests(BrowserFixture fixture)
{
    [Fact]
    public async Task The_cash_page_says_one_month_and_one_stall_in_the_singular()
    {
        var page = await fixture.SignedIn(fixture.KetelhuisBoardToken);
        await Answer(page, "/cash-position", p => p["totalSpent"] = 1);
        await Answer(page, "/cashflow\\?regime=", r =>
        {
            r["leadTimes"]!["requestToPaidMonths"] = 1;
            r["leadTimes"]!["requestToPaidDays"] = 1;
            r["leadTimes"]!["observations"] = 1;
            r["summary"]!["monthsStalled"] = 1;
            r["summary"]!["stallCount"] = 1;
            r["summary"]!["durationMonths"] = 1;
            r["summary"]!["plannedWorkMonths"] = 1;
            var o = r["outlook"]!;
            o["state"] = "GapAhead";
            o["runwayMonths"] = 1;
            o["gapStart"] = "2027-03";
            o["moneyNeededBy"] = "2027-03";
            o["requestBy"] = "2027-02";
            o["moneyExpected"] = "2027-04";
            o["gapMonths"] = 1;
        });
        await Answer(page, "/cash-timeline", t =>
        {
            t["state"]!["workMonthsDone"] = 1;
            if (t["projection"] is JsonObject projection)
            {
                projection["leadTimes"]!["requestToPaidMonths"] = 1;
                projection["summary"]!["monthsStalled"] = 1;
                projection["summary"]!["stallCount"] = 1;
            }
        });
        await page.GotoAsync("/app/cashflow?id=wg-terrein");
        await Expect(page.Locator("#from-actual")).ToBeVisibleAsync();
        var main = page.Locator("main");
        // The lead time in days (tester7 T11) beside the whole months the simulation uses: both counted in the singular.
        await Expect(main).ToContainTextAsync("Doorlooptijd van de financier: 1 dag van aanvraag tot betaling (mediaan van 1 tranche van dit project; de maandsimulatie rekent met 1 maand)");
        await Expect(main).ToContainTextAsync("Met 1 maand van aanvraag tot betaling");
        await Expect(main).ToContainTextAsync("dan ligt het werk 1 maand stil");
        await Expect(main).ToContainTextAsync("Werk gedaan: 1 werkmaand,");
        await Expect(main).ToContainTextAsync("nog 1 maand stil in 1 windstilte.");
        await Expect(main).ToContainTextAsync("(samen 1 maand)");
        // Chart descriptions and every other text the page holds, shown or read aloud.
        var text = await page.EvaluateAsync<string>("() => document.querySelector('main').textContent + ' ' + [...document.querySelectorAll('[aria-label]')].map(e => e.getAttribute('aria-label')).join(' ')");
        Assert.Empty(OnePlural().Matches(text).Select(m => m.Value));
        await page.Context.CloseAsync();
    }

    /// <summary>"1" (not part of a larger number or an amount) followed by a plural noun.</summary>
    [GeneratedRegex(@"(?<![\d.,]|€\s)\b1 (maanden|werkmaanden|windstiltes|tranches|uitbetalingen|dagen|jaren)\b")]
    private static partial Regex OnePlural();

    private static Task Answer(Microsoft.Playwright.IPage page, string path, Action<JsonNode> change) =>
        page.RouteAsync(new Regex($"/api/projects/wg-terrein{path}"), async route =>
        {
            var response = await route.FetchAsync();
            var body = JsonNode.Parse(await response.TextAsync())!;
            change(body);
            await route.FulfillAsync(new() { Response = response, Body = body.ToJsonString() });
        });
}
