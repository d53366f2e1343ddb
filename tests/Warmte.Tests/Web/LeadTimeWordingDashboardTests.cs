using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Warmte.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Warmte.Tests.Web;

/// <summary>
/// Tester6 T14b in a real browser: the cash page said "mediaan van 1 tranches"; one tranche is singular. The plan's own
/// answer is used with its lead times set to an observed median (of one, then of three tranches), as the service gives
/// them once tranches have been followed from request to payment.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class LeadTimeWordingDashboardTests(BrowserFixture fixture)
{
    [Theory]
    [InlineData(1, "(mediaan van 1 tranche van dit project).")]
    [InlineData(3, "(mediaan van 3 tranches van dit project).")]
    public async Task The_lead_time_basis_counts_tranches_in_dutch(int observations, string expected)
    {
        var admin = fixture.Server.Client();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var project = await ApiCalls.SeedCooperativeWithProject(admin, $"coop-{suffix}", $"proj-{suffix}");
        var plan = JsonDocument.Parse(RepoFiles.Read("models", "ketelhuiswg-ontwikkeling.json"),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }).RootElement;
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/projects/{project}/cashflow-plan", new { plan })).Status);

        var page = await fixture.SignedIn(fixture.CoordinatorToken);
        await page.RouteAsync(new Regex($"/api/projects/{project}/cashflow\\?regime="), async route =>
        {
            var response = await route.FetchAsync();
            var result = JsonNode.Parse(await response.TextAsync())!;
            result["leadTimes"]!["source"] = "ObservedMedian";
            result["leadTimes"]!["observations"] = observations;
            await route.FulfillAsync(new() { Response = response, Body = result.ToJsonString() });
        });
        await page.GotoAsync($"/app/cashflow?id={project}");
        await Expect(page.Locator("main")).ToContainTextAsync(expected);
        await Expect(page.Locator("main")).Not.ToContainTextAsync("1 tranches");
        await page.Context.CloseAsync();
    }
}
