using System.Net;
using Microsoft.Playwright;
using Warmte.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Warmte.Tests.Web;

/// <summary>
/// Tester findings A3 and A4: the board's member register on the decisions page, in a real Chromium, with an erased
/// member (AVG), a huisletter and a former member. The register is shown (no script error), the erased member as
/// "(gewist)" with address "—", the address with its huisletter (9A-2, not 9-2), the former member without a vote
/// ("— (oud-lid)") and one member's category in the singular — as <c>warmte members</c> shows it.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class MemberRegisterDashboardTests(BrowserFixture fixture)
{
    private static object Member(string number, string name, string category, int huisnummer, string? huisletter = null, string? toevoeging = null,
        string? street = null, string? town = null) => new
    {
        number, name, category, woningequivalenten = 1, postcode = "1054 BK", huisnummer, huisletter, toevoeging, joinedOn = "2020-01-01", street, town,
    };

    [Fact]
    public async Task The_register_shows_an_erased_member_a_huisletter_and_a_former_member_as_the_cli_does()
    {
        // A cooperative of its own (the service's today is 15-01-2027), so the demo's pages and other tests stay as they are.
        var admin = fixture.Server.Client();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var coop = $"coop-{suffix}";
        var project = await ApiCalls.SeedCooperativeWithProject(admin, coop, $"proj-{suffix}");
        var added = await admin.Post($"api/cooperatives/{coop}/members", new
        {
            members = new[]
            {
                Member("L-1", "Test Huisletter", "huurder", 9, "A", "2"),
                Member("L-2", "Oud Lid", "eigenaar-bewoner", 4),
                Member("L-3", "Verdwenen Persoon", "huurder", 6),
                Member("L-4", "Café De Ketel", "bedrijf", 11, street: "Wibautstraat", town: "Amsterdam"),
            },
        });
        Assert.True(added.Status == HttpStatusCode.OK, added.Raw);
        Assert.Equal("9A-2", (await admin.Get($"api/cooperatives/{coop}/members/L-1")).Body.GetProperty("address").GetProperty("houseNumberText").GetString());
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/cooperatives/{coop}/members/L-2/leave", new { leftOn = "2026-12-06" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/cooperatives/{coop}/members/L-3/leave", new { leftOn = "2026-12-01" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/cooperatives/{coop}/members/L-3/erase", new { })).Status);
        var token = await BrowserFixture.Token(admin, $"board:{coop}", "Bestuur " + coop);

        foreach (var width in new[] { 1280, 390 })
        {
            var page = await fixture.SignedIn(token, width: width);
            var errors = new List<string>();
            page.Console += (_, m) => { if (m.Type == "error") errors.Add(m.Text); };
            page.PageError += (_, e) => errors.Add(e);
            await page.GotoAsync($"/app/decisions?id={project}");
            await Expect(page.Locator("#member-register")).ToBeVisibleAsync();
            // Tester T8.9: the heading counts the two current members and names the two former ones apart.
            await Expect(page.Locator("#member-register summary")).ToContainTextAsync("Ledenregister (2 leden, 2 oud-leden;");
            await page.Locator("#member-register summary").ClickAsync();
            var rows = page.Locator("#member-register-table tbody tr");
            await Expect(rows).ToHaveCountAsync(4);

            var byNumber = new Dictionary<string, string[]>();
            for (var i = 0; i < 4; i++)
            {
                var cells = (await rows.Nth(i).Locator("th, td").AllInnerTextsAsync()).Select(t => t.Trim()).ToArray();
                byNumber[cells[0]] = cells;
            }
            string[] Cells(string number) => byNumber[number];
            Assert.Equal(["L-1", "Test Huisletter", "Huurder", "1054 BK 9A-2", "01-01-2020", "", "ja"], Cells("L-1"));
            Assert.Equal(["L-2", "Oud Lid", "Eigenaar-bewoner", "1054 BK 4", "01-01-2020", "06-12-2026", "— (oud-lid)"], Cells("L-2"));
            Assert.Equal(["L-3", "(gewist)", "Huurder", "—", "01-01-2020", "01-12-2026", "— (oud-lid)"], Cells("L-3"));
            // Street and town when the register has them (tester6 T8).
            Assert.Equal(["L-4", "Café De Ketel", "Bedrijf", "Wibautstraat 11, 1054 BK Amsterdam", "01-01-2020", "", "ja"], Cells("L-4"));
            // Tester T8.9: an address stays on one line, also at 390 px (an inline element broken over lines has several boxes).
            var lines = await page.Locator("#member-register-table .member-address").EvaluateAllAsync<int[]>("els => els.map(e => e.getClientRects().length)");
            Assert.Equal(3, lines.Length);
            Assert.All(lines, n => Assert.Equal(1, n));
            Assert.DoesNotContain("Verdwenen Persoon", await page.Locator("body").InnerTextAsync());
            Assert.DoesNotContain("Cannot read properties", await page.Locator("body").InnerTextAsync());
            Assert.Empty(errors);
            await page.Context.CloseAsync();
        }
    }
}
