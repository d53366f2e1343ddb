using System.Net;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Cli;

/// <summary>
/// Tester finding A9: <c>warmte alv show</c> marks the decisions a correction replaced, as the dashboard does, and prints
/// the share "for" as <c>alv close</c> and the dashboard do (two decimals).
/// </summary>
public sealed class AlvShowCliTests(CliServerFixture fixture) : IClassFixture<CliServerFixture>
{
    private WarmteServer Server => fixture.Server;

    [Fact]
    public async Task Alv_show_marks_a_decision_replaced_by_a_correction_and_prints_the_share_with_two_decimals()
    {
        var admin = Server.Client();
        var coop = $"coop-{Guid.NewGuid().ToString("N")[..8]}";
        var project = await ApiCalls.SeedCooperativeWithProject(admin, coop, $"proj-{Guid.NewGuid().ToString("N")[..8]}");
        var members = await ApiCalls.SeedMembers(admin, coop, count: 4);
        // A meeting held three days ago: a counting error of it may still be recounted (within 14 days, review3 F2).
        var today = NodaTime.SystemClock.Instance.GetCurrentInstant().InZone(NodaTime.DateTimeZoneProviders.Tzdb["Europe/Amsterdam"]).Date;
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/cooperatives/{coop}/alv/meetings", new
        {
            id = "alv", title = "ALV", date = NodaTime.Text.LocalDatePattern.Iso.Format(today.PlusDays(-3)),
            noticeDate = NodaTime.Text.LocalDatePattern.Iso.Format(today.PlusDays(-20)),
            proposals = new[] { new { id = "besluit", title = "Realisatie", decisionType = "Realisatiebesluit", projectId = project } },
        })).Status);
        foreach (var member in members)
            Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals/besluit/ballots", new { memberNumber = member, choice = "Voor" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals/besluit/close", new { })).Status);

        var env = CliHarness.Env(Server.BaseUrl, WarmteServer.BootstrapAdminToken);
        var before = await CliHarness.Run(env, null, "alv", "show", coop);
        Assert.True(before.ExitCode == 0, before.ToString());
        Assert.Contains("Aangenomen: 4 voor, 0 tegen, 0 onthoudingen (100,00% van 4;", before.Out);
        Assert.DoesNotContain("Vervangen door", before.Out);

        // A counting error of the same meeting, corrected there and closed: the first decision no longer holds.
        var telfout = await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals",
            new { id = "telfout", title = "Correctie", decisionType = "Realisatiebesluit", projectId = project, corrects = "alv/besluit", correctionReason = "tweede zaal niet geteld" });
        Assert.True(telfout.Status is HttpStatusCode.OK or HttpStatusCode.Created, telfout.Raw);
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/cooperatives/{coop}/alv/meetings/alv/proposals/telfout/tally",
            new { @for = 1, against = 3, abstain = 0, present = members })).Status);

        // Still open: the correction replaces nothing yet.
        var open = await CliHarness.Run(env, null, "alv", "show", coop);
        Assert.DoesNotContain("Vervangen door", open.Out);

        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals/telfout/close", new { })).Status);
        var after = await CliHarness.Run(env, null, "alv", "show", coop);
        Assert.True(after.ExitCode == 0, after.ToString());
        var lines = after.Out.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var besluit = lines.FindIndex(l => l.StartsWith("  besluit:", StringComparison.Ordinal));
        var correctie = lines.FindIndex(l => l.StartsWith("  telfout:", StringComparison.Ordinal));
        Assert.True(besluit >= 0 && correctie >= 0, after.Out);
        // The mark stands under the replaced decision, not under the correction.
        var replaced = lines.FindIndex(l => l == "    Vervangen door de correctie alv/telfout; dit besluit geldt niet meer.");
        Assert.InRange(replaced, besluit + 1, (correctie > besluit ? correctie : lines.Count) - 1);
        Assert.Single(lines, l => l.Contains("Vervangen door", StringComparison.Ordinal));
        Assert.Contains("Verworpen: 1 voor, 3 tegen, 0 onthoudingen (25,00% van 4;", after.Out);
    }
}
