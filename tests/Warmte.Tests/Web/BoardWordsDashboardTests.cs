using NodaTime;
using NodaTime.Testing;
using Warmte.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Warmte.Tests.Web;

/// <summary>
/// Tester9a T7, T10 and T14 on the dashboard, in a real browser: an empty service says how to start, board pages carry
/// no developer text (an internal file name, a CLI command where the page does not explain the CLI), and the regime
/// picker shows its whole label at 1400 px.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class BoardWordsDashboardTests(BrowserFixture fixture)
{
    [Fact]
    public async Task The_admins_empty_dashboard_says_how_to_start()
    {
        await using var empty = await WarmteServer.StartAsync(clock: new FakeClock(BrowserFixture.Today));
        var page = await fixture.SignedIn(empty, WarmteServer.BootstrapAdminToken, 1280, 900);
        await Expect(page.Locator("main p.lead")).ToContainTextAsync("0 coöperaties met 0 projecten.");
        var start = page.Locator("#start-here");
        await Expect(start).ToContainTextAsync("opdrachtregelprogramma warmte");
        await Expect(start).ToContainTextAsync("warmte cooperative create --id");
        await Expect(start).ToContainTextAsync("token create --role board:");
        await Expect(start).ToContainTextAsync("warmte project create");
        await Expect(start).ToContainTextAsync("warmte project deliverable");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_cash_and_decisions_pages_speak_to_the_board_and_the_regime_picker_shows_its_whole_label_at_1400_px()
    {
        var page = await fixture.SignedIn(fixture.KetelhuisBoardToken, 1400, 900);
        await page.GotoAsync("/app/cashflow?id=wg-terrein");
        await Expect(page.Locator("#outlook")).ToContainTextAsync("nog geen uitgaven of voortgang geboekt");
        var cash = await page.Locator("#main").InnerTextAsync();
        Assert.DoesNotContain("warmte progress report", cash);
        Assert.DoesNotContain("docs/", cash);

        // Every option's text fits the picker (with its padding): nothing is cut off as "Tranches na verantwoc".
        var fits = await page.EvaluateAsync<string[]>(@"() => {
            const select = document.getElementById('regime');
            const style = getComputedStyle(select);
            const context = document.createElement('canvas').getContext('2d');
            context.font = style.font;
            const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
            return [...select.options].filter(o => context.measureText(o.text).width > room).map(o => `${o.text} (${Math.ceil(context.measureText(o.text).width)} > ${room})`);
        }");
        Assert.Empty(fits);

        await page.GotoAsync("/app/decisions?id=wg-terrein");
        await Expect(page.Locator("#main")).ToContainTextAsync("Bron van de drempels: Wet collectieve warmte (2025): publiek meerderheidsbelang");
        var decisions = await page.Locator("#main").InnerTextAsync();
        Assert.DoesNotContain("domain.md", decisions);
        Assert.DoesNotContain(" de CLI ", decisions);
        Assert.DoesNotContain(" de API", decisions);
        await page.Context.CloseAsync();
    }
}
