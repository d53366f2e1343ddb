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

    private sealed record Frame(bool Scrolls, bool HintShown, bool HintInside, bool Edge, string? Label);

    private static async Task<List<Frame>> Read(IPage page) =>
        [.. (await page.EvaluateAsync<System.Text.Json.JsonElement>(Frames)).EnumerateArray().Select(f => new Frame(
            f[0].GetBoolean(), f[1].GetBoolean(), f[2].GetBoolean(), f[3].GetBoolean(), f[4].GetString()))];
}
