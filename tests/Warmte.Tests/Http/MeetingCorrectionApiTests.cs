using System.Net;
using Warmte.Tests.Infrastructure;
using Warmte.Tests.Voting;

namespace Warmte.Tests.Http;

/// <summary>
/// Tester T6 and T10b over HTTP and the CLI: a wrongly dated meeting is corrected (PATCH, <c>warmte alv update</c>) or
/// removed (DELETE, <c>warmte alv delete</c>) while nothing is recorded on it, audited; refused with 409 naming what is
/// recorded otherwise; and a recount is added with <c>warmte alv proposal add --corrects</c>. The server's clock is
/// 20-03-2027 (<see cref="OnlineVotingFixture"/>), so online voting can be opened on a meeting of that day.
/// </summary>
public sealed class MeetingCorrectionApiTests(OnlineVotingFixture fixture) : IClassFixture<OnlineVotingFixture>
{
    private WarmteServer Server => fixture.Server;

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    private async Task<(int Code, string Out, string Err)> Cli(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await Warmte.Client.WarmteCli.RunAsync(args, stdout, stderr,
            new Dictionary<string, string?> { ["WARMTE_URL"] = Server.BaseUrl, ["WARMTE_TOKEN"] = WarmteServer.BootstrapAdminToken });
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static object Meeting(string id, string date, string notice) => new
    {
        id, title = "ALV", date, noticeDate = notice,
        proposals = new[] { new { id = "begroting", title = "Begroting", decisionType = "Overig" } },
    };

    private static async Task<(string Date, string Notice, string Title)> Stored(HttpClient admin, string coop, string meeting)
    {
        var m = await admin.Get($"api/cooperatives/{coop}/alv/meetings/{meeting}");
        Assert.True(m.Status == HttpStatusCode.OK, m.Raw);
        return (m.Text("date")!, m.Text("noticeDate")!, m.Text("title")!);
    }

    [Fact]
    public async Task T6_a_wrongly_dated_meeting_is_corrected_through_the_CLI_and_then_the_founding_date_can_move()
    {
        var admin = Server.Client();
        var coop = NewId("coop");
        await ApiCalls.SeedCooperativeWithProject(admin, coop, NewId("proj")); // founded 18-12-2019

        // The tester's second case: a notice sent before the founding was accepted.
        var early = await admin.Post($"api/cooperatives/{coop}/alv/meetings", Meeting("alv-vroeg", "2019-12-20", "2019-11-01"));
        Assert.Equal(HttpStatusCode.BadRequest, early.Status);
        Assert.Equal(["noticeDate"], early.ErrorFields);
        Assert.Contains("01-11-2019 ligt vóór de oprichting van de coöperatie op 18-12-2019", early.Raw);
        var earlyCli = await Cli("alv", "create", coop, "--id", "alv-vroeg", "--title", "ALV", "--date", "20-12-2019", "--notice-date", "1-11-2019",
            "--proposal", "begroting", "--type", "Overig");
        Assert.Equal(1, earlyCli.Code);
        Assert.Contains("01-11-2019 ligt vóór de oprichting", earlyCli.Err);
        Assert.Contains("noticeDate is --notice-date", earlyCli.Err);

        // A meeting entered with the wrong year blocks moving the founding date (tester T6's first case) ...
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/cooperatives/{coop}/alv/meetings", Meeting("alv-fout", "2020-01-10", "2019-12-18"))).Status);
        var blocked = await Cli("cooperative", "update", coop, "--founded", "1-2-2020");
        Assert.Equal(1, blocked.Code);
        Assert.Contains("corrigeer eerst die vergadering", blocked.Err);

        // ... and is now corrected as the refusal says; refusals change nothing.
        var tooEarly = await Cli("alv", "update", coop, "alv-fout", "--notice-date", "1-12-2019");
        Assert.Equal(1, tooEarly.Code);
        Assert.Contains("01-12-2019 ligt vóór de oprichting van de coöperatie op 18-12-2019", tooEarly.Err);
        var shortNotice = await admin.Patch($"api/cooperatives/{coop}/alv/meetings/alv-fout", new { date = "2019-12-20" });
        Assert.Equal(HttpStatusCode.BadRequest, shortNotice.Status);
        // Only the date was given, so the too-short notice is reported under date (tester5 T10a), naming the stored notice.
        Assert.Equal(["date"], shortNotice.ErrorFields);
        Assert.Contains("zitten 2 dagen", shortNotice.Raw);
        Assert.Contains("is de opgeslagen", shortNotice.Raw);
        Assert.Equal(("2020-01-10", "2019-12-18", "ALV"), await Stored(admin, coop, "alv-fout"));

        var fixedCli = await Cli("alv", "update", coop, "alv-fout", "--date", "20-3-2020", "--notice-date", "1-3-2020", "--title", "Voorjaars-ALV 2020");
        Assert.True(fixedCli.Code == 0, fixedCli.Err);
        Assert.Contains("ALV 'alv-fout' gecorrigeerd: Voorjaars-ALV 2020 op 20-03-2020, opgeroepen 01-03-2020.", fixedCli.Out);
        Assert.Equal(("2020-03-20", "2020-03-01", "Voorjaars-ALV 2020"), await Stored(admin, coop, "alv-fout"));
        var audit = await admin.Get($"api/cooperatives/{coop}/alv/audit");
        Assert.Contains("alv.meeting-updated", audit.Raw);
        Assert.Contains("datum 10-01-2020 → 20-03-2020; oproep 18-12-2019 → 01-03-2020", audit.Raw);

        var moved = await Cli("cooperative", "update", coop, "--founded", "1-2-2020");
        Assert.True(moved.Code == 0, moved.Err);

        var usage = await Cli("alv", "update", coop, "alv-fout");
        Assert.Equal(1, usage.Code);
        Assert.Contains("--date, --notice-date of --title", usage.Err);
    }

    [Fact]
    public async Task T6_a_meeting_with_anything_recorded_is_neither_moved_nor_removed_and_an_empty_one_is_removed()
    {
        var admin = Server.Client();
        var coop = NewId("coop");
        await ApiCalls.SeedCooperativeWithProject(admin, coop, NewId("proj"));
        await ApiCalls.SeedMembers(admin, coop);
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/cooperatives/{coop}/alv/statutes", new { electronic = new { advanceVotingAllowed = true } })).Status);
        foreach (var id in new[] { "alv-lijst", "alv-online", "alv-leeg" })
            Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/cooperatives/{coop}/alv/meetings", Meeting(id, OnlineVotingFixture.MeetingDate, "2027-03-01"))).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv-lijst/attendance", new { present = new[] { "L-1" } })).Status);
        var opened = await admin.Put($"api/cooperatives/{coop}/alv/meetings/alv-online/online", new { proposals = new[] { new { proposalId = "begroting" } } });
        Assert.True(opened.Status == HttpStatusCode.OK, opened.Raw);

        var withList = await admin.Patch($"api/cooperatives/{coop}/alv/meetings/alv-lijst", new { date = "2027-03-27" });
        Assert.Equal(HttpStatusCode.Conflict, withList.Status);
        Assert.Equal("meeting-has-records", withList.Code);
        Assert.Contains("Op vergadering 'alv-lijst' van 20-03-2027 is al vastgelegd: een presentielijst (1 lid)", withList.Raw);
        var deleteList = await Cli("alv", "delete", coop, "alv-lijst");
        Assert.Equal(1, deleteList.Code);
        Assert.Contains("een presentielijst (1 lid)", deleteList.Err);

        // Online voting only planned records nothing (tester5 T6); once codes are out, members hold a letter for this date.
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv-online/online/codes", new { members = new[] { "L-1" } })).Status);
        var withOnline = await admin.Delete($"api/cooperatives/{coop}/alv/meetings/alv-online");
        Assert.Equal(HttpStatusCode.Conflict, withOnline.Status);
        Assert.Contains("uitgegeven stemcodes voor online stemmen", withOnline.Raw);
        Assert.DoesNotContain("corrects", withOnline.Raw); // no decision on it: the advice for a wrong decision does not fit
        Assert.Equal(HttpStatusCode.Conflict, (await admin.Patch($"api/cooperatives/{coop}/alv/meetings/alv-online", new { title = "Andere titel", date = "2027-03-27" })).Status);
        Assert.Equal((OnlineVotingFixture.MeetingDate, "2027-03-01", "ALV"), await Stored(admin, coop, "alv-lijst"));
        Assert.Equal((OnlineVotingFixture.MeetingDate, "2027-03-01", "ALV"), await Stored(admin, coop, "alv-online"));
        // A title alone changes no count (tester6 T12): corrected also with codes out.
        Assert.Equal(HttpStatusCode.OK, (await admin.Patch($"api/cooperatives/{coop}/alv/meetings/alv-online", new { title = "Andere titel" })).Status);
        Assert.Equal((OnlineVotingFixture.MeetingDate, "2027-03-01", "Andere titel"), await Stored(admin, coop, "alv-online"));

        // Another cooperative's board may not touch it.
        var otherBoard = Server.Client(token: (await admin.Post("api/tokens", new { name = "Ander bestuur", role = "board:andere-coop" })).Text("token"));
        Assert.Equal(HttpStatusCode.Forbidden, (await otherBoard.Delete($"api/cooperatives/{coop}/alv/meetings/alv-leeg")).Status);

        var deleted = await Cli("alv", "delete", coop, "alv-leeg");
        Assert.True(deleted.Code == 0, deleted.Err);
        Assert.Contains("ALV 'alv-leeg' van 20-03-2027 verwijderd.", deleted.Out);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Get($"api/cooperatives/{coop}/alv/meetings/alv-leeg")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Delete($"api/cooperatives/{coop}/alv/meetings/alv-leeg")).Status);
        var audit = await admin.Get($"api/cooperatives/{coop}/alv/audit");
        Assert.Contains("alv.meeting-deleted", audit.Raw);
        Assert.Contains("ALV 'alv-leeg' van 20-03-2027 (opgeroepen 01-03-2027, 1 voorstel: begroting) verwijderd.", audit.Raw);
    }

    [Fact]
    public async Task T10b_a_recount_is_added_with_the_CLI_taking_the_type_and_project_of_the_corrected_decision()
    {
        var admin = Server.Client();
        var coop = NewId("coop");
        await ApiCalls.SeedCooperativeWithProject(admin, coop, NewId("proj"));
        await ApiCalls.SeedMembers(admin, coop);
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/cooperatives/{coop}/alv/meetings", Meeting("alv", OnlineVotingFixture.MeetingDate, "2027-03-01"))).Status);
        foreach (var (member, choice) in new[] { ("L-1", "Voor"), ("L-2", "Tegen") })
            Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals/begroting/ballots", new { memberNumber = member, choice })).Status);
        Assert.Equal(0, (await Cli("alv", "close", coop, "alv", "begroting")).Code);

        var missingReason = await Cli("alv", "proposal", "add", coop, "alv", "--id", "hertelling", "--corrects", "alv/begroting");
        Assert.Equal(1, missingReason.Code);
        Assert.Contains("--correction-reason", missingReason.Err);

        var recount = await Cli("alv", "proposal", "add", coop, "alv", "--id", "hertelling", "--corrects", "alv/begroting", "--correction-reason", "Telfout: stem L-3 vergeten");
        Assert.True(recount.Code == 0, recount.Err);
        Assert.Contains("Hertelling 'hertelling' van alv/begroting toegevoegd aan ALV 'alv'", recount.Out);
        var meeting = await admin.Get($"api/cooperatives/{coop}/alv/meetings/alv");
        var added = meeting.Body.GetProperty("proposals").EnumerateArray().Single(p => p.GetProperty("id").GetString() == "hertelling");
        Assert.Equal("alv/begroting", added.GetProperty("corrects").GetString());
        Assert.Equal("Telfout: stem L-3 vergeten", added.GetProperty("correctionReason").GetString());
        Assert.Equal("Overig", added.GetProperty("decisionType").GetString());
        Assert.Equal("Correctie: Begroting", added.GetProperty("title").GetString());

        // T10i through the CLI: the invalid id is explained with a proposal-like example, and the option named.
        var badId = await Cli("alv", "proposal", "add", coop, "alv", "--id", "Hertelling 2", "--corrects", "alv/begroting", "--correction-reason", "x");
        Assert.Equal(1, badId.Code);
        Assert.Contains("bijv. 'realisatiebesluit'", badId.Err);
        Assert.Contains("body.id is --id", badId.Err);
    }
}
