using System.Net;
using Warmte.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Warmte.Tests.Web;

/// <summary>
/// Tester T8.1 in a real browser: an open proposal whose paper count was entered is shown as a recorded (sealed) tally
/// on the decisions page, not as "0 stemmen uitgebracht".
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class OpenTallyDashboardTests(BrowserFixture fixture)
{
    [Fact]
    public async Task An_open_proposal_with_its_tally_recorded_says_the_tally_is_there()
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
        var tally = await admin.Put($"api/cooperatives/{coop}/alv/meetings/alv/proposals/besluit/tally", new { @for = 2, against = 1, abstain = 0, present = members });
        Assert.True(tally.Status == HttpStatusCode.OK, tally.Raw);

        var page = await fixture.SignedIn(fixture.CoordinatorToken);
        await page.GotoAsync($"/app/decisions?id={project}");
        var proposal = page.Locator("[data-proposal='alv/besluit']");
        await Expect(proposal).ToContainTextAsync("Tot nu toe: de telling van de papieren stemming is vastgelegd (verzegeld tot het sluiten).");
        await Expect(proposal).Not.ToContainTextAsync("0 stemmen");
        await page.Context.CloseAsync();
    }
}
