using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Warmte.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Warmte.Tests.Web;

/// <summary>
/// Review2 F10: the decisions page shows the remarks the API adds for the board — a complex's consent
/// <c>note</c> (judged at another threshold than stored) and a closed proposal's <c>lawNote</c> (decided below
/// the law) — and shows nothing for a decision that met the law.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class DecisionNotesDashboardTests(BrowserFixture fixture)
{
    [Fact]
    public async Task The_decisions_page_shows_the_consent_note_of_a_small_complex_and_the_law_note_of_a_decision()
    {
        // A cooperative of its own, so the demo's pages and the other tests stay as they are.
        var admin = fixture.Server.Client();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var coop = $"coop-{suffix}";
        var project = await ApiCalls.SeedCooperativeWithProject(admin, coop, $"proj-{suffix}");
        await ApiCalls.SeedMembers(admin, coop);
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/cooperatives/{coop}/alv/meetings", new
        {
            id = "alv-statuten", title = "Statuten", date = "2026-12-14", noticeDate = "2026-11-30",
            proposals = new[] { new { id = "statuten", title = "Statuten 2027", decisionType = "Statutenwijziging" } },
        })).Status);
        await admin.Put($"api/cooperatives/{coop}/alv/meetings/alv-statuten/proposals/statuten/tally", new { @for = 3, against = 0, abstain = 0, present = new[] { "L-1", "L-2", "L-3" } });
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv-statuten/proposals/statuten/close", new { })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/projects/{project}/consent/complexes/hofje",
            new { name = "Hofje", corporation = "Stadgenoot", rentedHomes = 5, proposalDate = "2026-12-01" })).Status);
        var token = await BrowserFixture.Token(admin, $"board:{coop}", "Bestuur " + coop);

        // The real answers: the small complex has a note, the statute change (14 days' notice, 3 of 3) none.
        var page = await fixture.SignedIn(token);
        await page.GotoAsync($"/app/decisions?id={project}");
        var complex = page.Locator("article.complex[data-complex='hofje']");
        await Expect(complex.Locator("[data-consent-note]")).ToContainTextAsync("Let op: minder dan 10 woningen");
        await Expect(complex.Locator("[data-consent-note]")).ToContainTextAsync("elke huurder moet instemmen");
        var proposal = page.Locator("[data-proposal='alv-statuten/statuten']");
        await Expect(proposal.Locator("[data-outcome]")).ToHaveTextAsync("Aangenomen");
        await Expect(proposal.Locator("[data-law-note]")).ToHaveCountAsync(0);

        // A decision stored before the law was enforced carries a lawNote (Cli/DecisionNoteCliTests stores one for
        // real); here the service's answer is passed through with the note the service writes for it.
        const string note = "Vastgesteld onder het wettelijk minimum (opgeroepen 3 dagen vooraf, de wet vraagt minstens 7); de uitslag blijft zoals vastgelegd.";
        await page.RouteAsync($"**/api/cooperatives/{coop}/alv/meetings", async route =>
        {
            var response = await route.FetchAsync();
            var meetings = JsonNode.Parse(await response.TextAsync())!.AsArray();
            meetings[0]!["proposals"]![0]!["lawNote"] = note;
            await route.FulfillAsync(new() { Response = response, Body = meetings.ToJsonString() });
        });
        await page.ReloadAsync();
        await Expect(page.Locator("[data-proposal='alv-statuten/statuten'] [data-law-note]")).ToHaveTextAsync("Let op: " + note);
        await page.Context.CloseAsync();
    }
}
