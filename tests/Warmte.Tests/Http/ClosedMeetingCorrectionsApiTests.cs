using System.Net;
using Warmte.Tests.Infrastructure;
using Warmte.Tests.Voting;

namespace Warmte.Tests.Http;

/// <summary>
/// Tester6 T5 and T12 over HTTP and the CLI, on a meeting that is closed. T5: a write-out dated before the meeting is
/// accepted, says per closed meeting that the member counted there and that the result stands (a recount is the way to change
/// it), and the online panel keeps the electorate the results were counted with. T12: the title is corrected after the
/// close (audited, old and new title), the date is not. The server's clock is 20-03-2027, the meeting's day.
/// </summary>
public sealed class ClosedMeetingCorrectionsApiTests(OnlineVotingFixture fixture) : IClassFixture<OnlineVotingFixture>
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

    /// <summary>
    /// Five members; meeting "alv" today with one proposal, online voting open. L-2 votes online, L-1 (on the attendance list)
    /// votes at the meeting for herself and with a proxy for L-3; the proposal is closed. Returns the coop.
    /// </summary>
    private async Task<string> ClosedMeeting(HttpClient admin)
    {
        var coop = NewId("coop");
        await ApiCalls.SeedCooperativeWithProject(admin, coop, NewId("proj"));
        await ApiCalls.SeedMembers(admin, coop, count: 5);
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/cooperatives/{coop}/alv/meetings", new
        {
            id = "alv", title = "ALV 20 maart 2072", date = OnlineVotingFixture.MeetingDate, noticeDate = "2027-03-01",
            proposals = new[] { new { id = "jaarrekening", title = "Jaarrekening 2026", decisionType = "Overig" } },
        })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/cooperatives/{coop}/alv/statutes", new { electronic = new { advanceVotingAllowed = true } })).Status);
        var opened = await admin.Put($"api/cooperatives/{coop}/alv/meetings/alv/online", new { opens = "2027-03-01", proposals = new[] { new { proposalId = "jaarrekening" } } });
        Assert.True(opened.Status == HttpStatusCode.OK, opened.Raw);
        var codes = await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv/online/codes", new { members = new[] { "L-2" } });
        var code = codes.Body.GetProperty("codes")[0].GetProperty("code").GetString();
        var vote = await Server.Client(token: null).Post("api/stem/votes", new { code, proposalId = "jaarrekening", choice = "Voor" });
        Assert.True(vote.Status == HttpStatusCode.OK, vote.Raw);
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv/attendance", new { present = new[] { "L-1" } })).Status);
        foreach (var ballot in new object[] { new { memberNumber = "L-1", choice = "Voor" }, new { memberNumber = "L-3", choice = "Tegen", proxyHolder = "L-1" } })
        {
            var cast = await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals/jaarrekening/ballots", ballot);
            Assert.True(cast.Status == HttpStatusCode.OK, cast.Raw);
        }
        var closed = await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals/jaarrekening/close", new { });
        Assert.True(closed.Status == HttpStatusCode.OK, closed.Raw);
        return coop;
    }

    private static async Task<(int Eligible, int Present, decimal For, decimal Against, string Text)> Result(HttpClient admin, string coop)
    {
        var proposal = (await admin.Get($"api/cooperatives/{coop}/alv/meetings/alv")).Body.GetProperty("proposals")[0];
        var result = proposal.GetProperty("result");
        return (result.GetProperty("eligibleMembers").GetInt32(), result.GetProperty("presentOrRepresented").GetInt32(),
            result.GetProperty("for").GetDecimal(), result.GetProperty("against").GetDecimal(), proposal.GetProperty("resultText").GetString()!);
    }

    [Fact]
    public async Task T5_a_write_out_dated_before_a_closed_meeting_names_it_the_result_stands_and_the_panel_keeps_the_counted_electorate()
    {
        var admin = Server.Client();
        var coop = await ClosedMeeting(admin);
        var before = await Result(admin, coop);
        Assert.Equal((5, 2m, 1m), (before.Eligible, before.For, before.Against));
        var panel = await admin.Get($"api/cooperatives/{coop}/alv/meetings/alv/online");
        Assert.Equal(5, panel.Body.GetProperty("electorate").GetInt32());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, panel.Body.GetProperty("electorateNow").ValueKind);

        // The tester's step with the CLI: the online voter written out before the meeting. Accepted, and it says what stays.
        var left = await Cli("member", "leave", coop, "L-2", "--on", "2027-03-10");
        Assert.True(left.Code == 0, left.Err);
        // (The CLI words "is/wordt uitgeschreven" by its own clock, which is not the server's fake one here.)
        Assert.Contains("uitgeschreven per 10-03-2027", left.Out);
        Assert.Contains("Let op: de uitslag van 1 gesloten vergadering verandert hierdoor niet:", left.Out);
        Assert.Contains("Lid L-2 stemde op de ALV van 20-03-2027 ('alv': 'jaarrekening' online); die uitslag blijft staan; "
                        + "een hertelling is nodig om dat te veranderen (kan tot en met 03-04-2027", left.Out);

        // The proxy holder over the API: her own ballot and the one she cast for L-3 are named.
        var holder = await admin.Post($"api/cooperatives/{coop}/members/L-1/leave", new { leftOn = "2027-03-10" });
        Assert.True(holder.Status == HttpStatusCode.OK, holder.Raw);
        var stands = holder.Body.GetProperty("closedResultsStand");
        Assert.Equal(1, stands.GetArrayLength());
        Assert.StartsWith("Lid L-1 stemde op de ALV van 20-03-2027 ('alv': 'jaarrekening' op de vergadering, 'jaarrekening' bij volmacht voor lid L-3); die uitslag blijft staan",
            stands[0].GetString());
        // The giver, whose vote counted through L-1.
        var giver = await admin.Post($"api/cooperatives/{coop}/members/L-3/leave", new { leftOn = "2027-03-10" });
        Assert.Contains("Lid L-3 stemde op de ALV van 20-03-2027 ('alv': 'jaarrekening' bij volmacht via lid L-1)", giver.Body.GetProperty("closedResultsStand")[0].GetString());

        // A member who did not take part, and a write-out after the meeting, change nothing there and say nothing about it.
        var absent = await admin.Post($"api/cooperatives/{coop}/members/L-4/leave", new { leftOn = "2027-03-10" });
        Assert.True(absent.Status == HttpStatusCode.OK, absent.Raw);
        Assert.False(absent.Body.TryGetProperty("closedResultsStand", out _), absent.Raw);
        var afterwards = await Cli("member", "leave", coop, "L-5", "--on", "2027-03-21");
        Assert.True(afterwards.Code == 0, afterwards.Err);
        Assert.DoesNotContain("gesloten vergadering", afterwards.Out);

        // The result stands as counted, and the panel says the figure the result says, with today's register beside it, labelled.
        var after = await Result(admin, coop);
        Assert.Equal(before, after);
        panel = await admin.Get($"api/cooperatives/{coop}/alv/meetings/alv/online");
        Assert.Equal((5, 1), (panel.Body.GetProperty("electorate").GetInt32(), panel.Body.GetProperty("electorateNow").GetInt32()));
        Assert.Equal(after.Eligible, panel.Body.GetProperty("electorate").GetInt32());
        var closedOnline = await Cli("alv", "online", "close", coop, "alv");
        Assert.True(closedOnline.Code == 0, closedOnline.Err);
        Assert.Contains("van 5 stemgerechtigden", closedOnline.Out);
        Assert.Contains("De uitslagen zijn geteld met 5 stemgerechtigden; volgens het register van nu waren het er 1 op de vergaderdatum", closedOnline.Out);
    }

    [Fact]
    public async Task T12_the_title_of_a_closed_meeting_is_corrected_audited_and_its_date_is_not()
    {
        var admin = Server.Client();
        var coop = await ClosedMeeting(admin);
        var result = await Result(admin, coop);

        var patched = await admin.Patch($"api/cooperatives/{coop}/alv/meetings/alv", new { title = "ALV 20 maart 2027" });
        Assert.True(patched.Status == HttpStatusCode.OK, patched.Raw);
        Assert.Equal("ALV 20 maart 2027", patched.Text("title"));
        var cli = await Cli("alv", "update", coop, "alv", "--title", "Voorjaars-ALV 2027", "--date", "20-3-2027");
        Assert.True(cli.Code == 0, cli.Err);
        Assert.Contains("ALV 'alv' gecorrigeerd: Voorjaars-ALV 2027 op 20-03-2027, opgeroepen 01-03-2027.", cli.Out);
        var audit = await admin.Get($"api/cooperatives/{coop}/alv/audit?pageSize=100");
        Assert.Contains("titel 'ALV 20 maart 2072' → 'ALV 20 maart 2027'", audit.Raw);
        Assert.Contains("titel 'ALV 20 maart 2027' → 'Voorjaars-ALV 2027'", audit.Raw);
        Assert.Equal(result, await Result(admin, coop));

        var moved = await Cli("alv", "update", coop, "alv", "--date", "27-3-2027");
        Assert.Equal(1, moved.Code);
        Assert.Contains("De datum of oproepdatum wijzigen kan alleen zolang er niets op is vastgelegd. De titel corrigeren kan wel", moved.Err);
        var notice = await admin.Patch($"api/cooperatives/{coop}/alv/meetings/alv", new { title = "X", noticeDate = "2027-02-28" });
        Assert.Equal((HttpStatusCode.Conflict, "meeting-has-records"), (notice.Status, notice.Code));
        var stored = await admin.Get($"api/cooperatives/{coop}/alv/meetings/alv");
        Assert.Equal(("Voorjaars-ALV 2027", OnlineVotingFixture.MeetingDate, "2027-03-01"), (stored.Text("title"), stored.Text("date"), stored.Text("noticeDate")));
    }
}
