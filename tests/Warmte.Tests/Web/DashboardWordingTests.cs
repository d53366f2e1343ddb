using Warmte.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Warmte.Tests.Web;

/// <summary>Tester findings F3 and F18 on the dashboard, in a real browser: no stray "null", nl-NL plurals, percentages rounded as the CLI rounds.</summary>
[Collection(BrowserCollection.Name)]
public sealed class DashboardWordingTests(BrowserFixture fixture)
{
    [Fact]
    public async Task The_cash_page_of_a_project_without_booked_spending_prints_no_null_and_format_rounds_and_counts_in_dutch()
    {
        var page = await fixture.SignedIn(fixture.KetelhuisBoardToken);
        // The demo's wg-terrein has a cash-flow plan and no spending booked: the cash page has no "from the actual position" section.
        var board = page;
        await board.GotoAsync("/app/cashflow?id=wg-terrein");
        await Expect(board.Locator("#main")).ToContainTextAsync("Werkelijk ontvangen en uitgegeven");
        var lines = (await board.Locator("#main").InnerTextAsync()).Split('\n').Select(l => l.Trim());
        Assert.DoesNotContain("null", lines);

        // The dashboard's formatting, as the pages import it: half away from zero like the CLI (51,25% → 51,3%), singular for one.
        Assert.Equal("51,3%", await page.EvaluateAsync<string>("async () => (await import('/assets/format.js')).percent(0.5125, 1)"));
        Assert.Equal("-51,3%", await page.EvaluateAsync<string>("async () => (await import('/assets/format.js')).percent(-0.5125, 1)"));
        Assert.Equal("6,09%", await page.EvaluateAsync<string>("async () => (await import('/assets/format.js')).percent(0.0609)"));
        Assert.Equal("1 coöperatie", await page.EvaluateAsync<string>("async () => (await import('/assets/format.js')).plural(1, 'coöperatie', 'coöperaties')"));
        Assert.Equal("3 coöperaties", await page.EvaluateAsync<string>("async () => (await import('/assets/format.js')).plural(3, 'coöperatie', 'coöperaties')"));
        await page.Context.CloseAsync();
    }
}
