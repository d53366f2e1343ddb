using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Warmte.Tests.Web;

/// <summary>
/// Papercut o: at 390 px the wide tables (the cash page's months, the regimes side by side, the umbrella comparison)
/// were cut off at the screen's edge with nothing saying there was more. A table wider than its frame now scrolls
/// sideways with a hint above it and a marked edge; a table that fits shows neither.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class WideTableDashboardTests(BrowserFixture fixture)
{
    /// <summary>Per table frame on the screen (not in a folded part): [does it scroll, is its hint shown, hint inside the screen, marked edge, frame id].</summary>
    private const string Frames = @"() => [...document.querySelectorAll('.table-wrap')].filter(frame => frame.checkVisibility()).map(frame => {
        const hint = frame.querySelector(':scope > .scroll-hint');
        const shown = !!hint && getComputedStyle(hint).display !== 'none' && hint.getBoundingClientRect().width > 0;
        const box = hint ? hint.getBoundingClientRect() : null;
        const inside = shown && box.left >= 0 && box.right <= window.innerWidth + 0.5;
        const edge = getComputedStyle(frame).boxShadow !== 'none' && getComputedStyle(frame).backgroundImage.includes('gradient');
        return [frame.scrollWidth > frame.clientWidth + 1, shown, inside, edge, frame.getAttribute('aria-label')];
      })";

    [Theory]
    [InlineData("/app/cashflow?id=wg-terrein", "board")]
    [InlineData("/app/umbrella?id=apec", "coordinator")]
    public async Task At_phone_width_a_table_wider_than_the_screen_says_it_scrolls_sideways_and_one_that_fits_does_not(string path, string who)
    {
        var token = who == "board" ? fixture.KetelhuisBoardToken : fixture.CoordinatorToken;
        var phone = await fixture.SignedIn(token, width: 390, height: 844);
        await phone.GotoAsync(path);
        await Expect(phone.Locator(".table-wrap.scrolls > .scroll-hint:visible").First).ToBeVisibleAsync();
        await Expect(phone.Locator(".table-wrap.scrolls > .scroll-hint:visible").First).ToContainTextAsync("schuif de tabel opzij");
        await BrowserFixture.Screenshot(phone, "wide-table-phone-" + who);
        var frames = await Read(phone);
        Assert.Contains(frames, f => f.Scrolls);
        foreach (var frame in frames)
        {
            Assert.True(frame.Scrolls == frame.HintShown, $"'{frame.Label}': scrolls {frame.Scrolls}, hint shown {frame.HintShown}");
            if (frame.Scrolls) Assert.True(frame.HintInside && frame.Edge, $"'{frame.Label}': hint inside the screen {frame.HintInside}, marked edge {frame.Edge}");
        }
        // The page itself never scrolls sideways: only the table inside its frame.
        Assert.True(await phone.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth") <= 0);

        // Scrolled to the end the hint points back.
        var first = phone.Locator(".table-wrap.scrolls:visible").First;
        await first.EvaluateAsync("frame => frame.scrollLeft = frame.scrollWidth");
        await Expect(first.Locator(":scope > .scroll-hint")).ToContainTextAsync("schuif terug");
        await phone.Context.CloseAsync();

        // On a wide screen the same tables that fit say nothing.
        var desk = await fixture.SignedIn(token, width: 1600, height: 1000);
        await desk.GotoAsync(path);
        await Expect(desk.Locator(".table-wrap:visible").First).ToBeVisibleAsync();
        await desk.WaitForTimeoutAsync(300);
        foreach (var frame in await Read(desk))
            Assert.True(frame.Scrolls == frame.HintShown, $"'{frame.Label}' at 1600 px: scrolls {frame.Scrolls}, hint shown {frame.HintShown}");
        await desk.Context.CloseAsync();
    }

    /// <summary>
    /// Tester7 T12: at 1400 px the portfolio's project table scrolled sideways and "Ernstigste signaal" was cut off; at 390 px
    /// the project column scrolled out of view; dates in signal texts broke at their hyphens.
    /// </summary>
    [Fact]
    public async Task The_portfolio_fits_at_1400_px_keeps_the_project_column_on_a_phone_and_never_breaks_a_date()
    {
        var desk = await fixture.SignedIn(fixture.FinancierToken, width: 1400, height: 900);
        await desk.GotoAsync("/app/portfolio");
        await Expect(desk.Locator("#portfolio")).ToBeVisibleAsync();
        var fits = await desk.EvaluateAsync<bool>("() => { const f = document.querySelector('#portfolio').closest('.table-wrap'); return f.scrollWidth <= f.clientWidth + 1; }");
        Assert.True(fits, "the portfolio table scrolls sideways at 1400 px");
        await desk.Context.CloseAsync();

        var phone = await fixture.SignedIn(fixture.FinancierToken, width: 390, height: 844);
        await phone.GotoAsync("/app/portfolio");
        await Expect(phone.Locator("#portfolio")).ToBeVisibleAsync();
        var frame = phone.Locator(".table-wrap:has(#portfolio)");
        await frame.EvaluateAsync("f => f.scrollLeft = f.scrollWidth");
        await phone.WaitForTimeoutAsync(100);
        var projectVisible = await frame.EvaluateAsync<bool>(@"f => { const cell = f.querySelector('tbody th[scope=row]'); const a = cell.getBoundingClientRect(), b = f.getBoundingClientRect();
            return a.left >= b.left - 1 && a.right <= b.right + 1; }");
        Assert.True(projectVisible, "scrolled to the end, the project column is out of view");
        // Every date or month in a table cell's text is inside an element that does not wrap.
        var broken = await phone.EvaluateAsync<string[]>(@"() => { const out = []; const walk = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
            for (let n = walk.nextNode(); n; n = walk.nextNode()) {
              if (!n.parentElement.closest('td, th')) continue;
              if (getComputedStyle(n.parentElement).whiteSpace === 'nowrap') continue;
              const m = n.textContent.match(/\d{2}-\d{4}/); if (m) out.push(n.textContent);
            } return out; }");
        Assert.Empty(broken);
        await BrowserFixture.Screenshot(phone, "portfolio-phone");
        await phone.Context.CloseAsync();
    }

    private sealed record Frame(bool Scrolls, bool HintShown, bool HintInside, bool Edge, string? Label);

    private static async Task<List<Frame>> Read(IPage page) =>
        [.. (await page.EvaluateAsync<System.Text.Json.JsonElement>(Frames)).EnumerateArray().Select(f => new Frame(
            f[0].GetBoolean(), f[1].GetBoolean(), f[2].GetBoolean(), f[3].GetBoolean(), f[4].GetString()))];
}
