using System.Net;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Cli;

/// <summary>
/// Tester finding T5: the founding date was checked against members' join dates only. An ALV meeting dated before the
/// founding is refused (400 on <c>date</c>, naming the founding date), and a founding date moved after an existing
/// meeting is refused (400 on <c>foundedOn</c>, naming the meeting and its date), through the API and the CLI, which
/// also takes the date as every view prints it (tester T8.6: <c>--founded 1-3-2024</c>).
/// </summary>
public sealed class FoundingDateMeetingTests(CliServerFixture fixture) : IClassFixture<CliServerFixture>
{
    private WarmteServer Server => fixture.Server;

    private Task<CliResult> Warmte(params string[] args) => CliHarness.Run(CliHarness.Env(Server.BaseUrl, Server.AdminToken), handler: null, args);

    private static object Meeting(string id, string date, string notice) => new
    {
        id, title = "ALV", date, noticeDate = notice,
        proposals = new[] { new { id = "begroting", title = "Begroting", decisionType = "Overig" } },
    };

    [Fact]
    public async Task A_meeting_before_the_founding_and_a_founding_after_a_meeting_are_both_refused_T5()
    {
        var admin = Server.Client();
        var coop = $"coop-{Guid.NewGuid().ToString("N")[..8]}";
        await ApiCalls.SeedCooperativeWithProject(admin, coop, $"proj-{Guid.NewGuid().ToString("N")[..8]}"); // founded 18-12-2019

        var early = await admin.Post($"api/cooperatives/{coop}/alv/meetings", Meeting("alv-2019-06-01", "2019-06-01", "2019-05-01"));
        Assert.Equal(HttpStatusCode.BadRequest, early.Status);
        // The notice (01-05-2019) is before the founding too, and is named as well (tester T6).
        Assert.Equal(["date", "noticeDate"], early.ErrorFields);
        Assert.Contains("01-06-2019 ligt vóór de oprichting van de coöperatie op 18-12-2019", early.Raw);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Get($"api/cooperatives/{coop}/alv/meetings/alv-2019-06-01")).Status);
        // Called on the founding day itself is fine (a notice before it is not: tester T6, MeetingCorrectionTests).
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/cooperatives/{coop}/alv/meetings", Meeting("alv-oprichting", "2019-12-25", "2019-12-18"))).Status);

        // The other direction: the founding moved after that meeting.
        var later = await admin.Patch($"api/cooperatives/{coop}", new { foundedOn = "2020-01-01" });
        Assert.Equal(HttpStatusCode.BadRequest, later.Status);
        Assert.Equal(["foundedOn"], later.ErrorFields);
        Assert.Contains("01-01-2020 ligt na de ALV 'alv-oprichting' van 25-12-2019", later.Raw);
        var cli = await Warmte("cooperative", "update", coop, "--founded", "1-1-2020");
        Assert.Equal(1, cli.ExitCode);
        Assert.Contains("01-01-2020 ligt na de ALV 'alv-oprichting' van 25-12-2019", cli.Err);
        Assert.Equal("2019-12-18", (await admin.Get($"api/cooperatives/{coop}")).Body.GetProperty("cooperative").GetProperty("foundedOn").GetString());
        // Between the notice and the meeting: the notice went out on 18-12-2019, before such a founding; refused as a notice
        // before the founding is refused when the meeting is created (tester T6), naming the notice, nothing changed.
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/cooperatives/{coop}/alv/meetings", Meeting("alv-later", "2020-02-01", "2020-01-02"))).Status);
        var between = await admin.Patch($"api/cooperatives/{coop}", new { foundedOn = "2019-12-20" });
        Assert.Equal(HttpStatusCode.BadRequest, between.Status);
        Assert.Equal(["foundedOn"], between.ErrorFields);
        Assert.Contains("20-12-2019 ligt na de oproep voor de ALV 'alv-oprichting' van 25-12-2019, verstuurd op 18-12-2019", between.Raw);
        var betweenCli = await Warmte("cooperative", "update", coop, "--founded", "19-12-2019");
        Assert.Equal(1, betweenCli.ExitCode);
        Assert.Contains("ligt na de oproep voor de ALV 'alv-oprichting'", betweenCli.Err);
        Assert.Equal("2019-12-18", (await admin.Get($"api/cooperatives/{coop}")).Body.GetProperty("cooperative").GetProperty("foundedOn").GetString());

        // An earlier founding date, typed as the views print it (T8.6), is accepted.
        var earlier = await Warmte("cooperative", "update", coop, "--founded", "1-3-2019");
        Assert.True(earlier.ExitCode == 0, earlier.ToString());
        Assert.Equal("2019-03-01", (await admin.Get($"api/cooperatives/{coop}")).Body.GetProperty("cooperative").GetProperty("foundedOn").GetString());
    }
}
