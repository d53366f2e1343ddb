using System.Net;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Cli;

/// <summary>
/// Tester finding A10: a financier of one funder saw "Nog geen projecten met een subsidie" without being told whose, and a
/// grant without a funder id was refused with "beslist de financier van 'alle financiers'".
/// </summary>
public sealed class FunderScopeMessageTests
{
    [Fact]
    public async Task An_empty_portfolio_of_one_funder_says_which_funder()
    {
        var api = new FakeApi().Get("/api/portfolio",
            """{"asOf":"2027-01-15","funderId":"gemeente-amsterdam","granted":0,"paid":0,"outstanding":0,"projects":[]}""");
        var scoped = await CliHarness.Run(CliHarness.Env("https://warmte.test", "wt_test"), api, "portfolio");
        Assert.True(scoped.ExitCode == 0, scoped.ToString());
        Assert.Contains("Nog geen projecten met een subsidie van financier gemeente-amsterdam.", scoped.Out);

        var all = await CliHarness.Run(CliHarness.Env("https://warmte.test", "wt_test"),
            new FakeApi().Get("/api/portfolio", """{"asOf":"2027-01-15","funderId":null,"granted":0,"paid":0,"outstanding":0,"projects":[]}"""), "portfolio");
        Assert.Contains("Nog geen projecten met een subsidie.", all.Out);
        Assert.DoesNotContain("van financier", all.Out);
    }

    [Fact]
    public async Task A_funder_scoped_financier_refused_on_a_grant_without_a_funder_is_told_who_decides()
    {
        await using var server = await WarmteServer.StartAsync();
        var admin = server.Client();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var project = await ApiCalls.SeedCooperativeWithProject(admin, $"coop-{suffix}", $"proj-{suffix}");
        // As the demo's PAW grant: recorded by an admin without a funder id.
        var grant = await admin.Post($"api/projects/{project}/grants", new
        {
            id = "paw", funder = "Rijk (PAW) via gemeente Amsterdam", scheme = "PAW", amountGranted = 50_000m, decidedOn = "2026-01-01",
            tranches = new[] { new { amount = 50_000m } },
        });
        Assert.True(grant.Status == HttpStatusCode.Created, grant.Raw);
        var token = (await admin.Post("api/tokens", new { name = "Gemeente Amsterdam", role = "financier:gemeente-amsterdam" })).Text("token");
        var refused = await server.Client(token).Post($"api/projects/{project}/grants/paw/tranches/1/approve", new { on = "2026-01-10" });
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        var detail = refused.Text("detail");
        Assert.Contains("de subsidie noemt geen financier (funderId)", detail);
        Assert.Contains("niet financier 'gemeente-amsterdam'", detail);
        Assert.DoesNotContain("alle financiers", detail);
    }
}
