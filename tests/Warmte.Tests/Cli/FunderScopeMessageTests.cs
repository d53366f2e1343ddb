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
        var scoped = await CliHarness.Run(CliHarness.Env("http://warmte.test", "wt_test"), api, "portfolio");
        Assert.True(scoped.ExitCode == 0, scoped.ToString());
        Assert.Contains("Nog geen projecten met een subsidie van financier gemeente-amsterdam.", scoped.Out);

        var all = await CliHarness.Run(CliHarness.Env("http://warmte.test", "wt_test"),
            new FakeApi().Get("/api/portfolio", """{"asOf":"2027-01-15","funderId":null,"granted":0,"paid":0,"outstanding":0,"projects":[]}"""), "portfolio");
        Assert.Contains("Nog geen projecten met een subsidie.", all.Out);
        Assert.DoesNotContain("van financier", all.Out);
    }

    [Fact]
    public async Task A_funder_scoped_financier_refused_on_a_grant_without_a_funder_is_told_who_decides()
    {
        await using var server = await WarmteServer.StartAsync(demo: true);
        var admin = server.Client();
        var token = (await admin.Post("api/tokens", new { name = "Gemeente Amsterdam", role = "financier:gemeente-amsterdam" })).Text("token");
        var refused = await server.Client(token).Post("api/projects/wg-terrein/grants/paw/tranches/6/approve", new { });
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        var detail = refused.Text("detail");
        Assert.Contains("de subsidie noemt geen financier (funderId)", detail);
        Assert.Contains("niet financier 'gemeente-amsterdam'", detail);
        Assert.DoesNotContain("alle financiers", detail);
    }
}
