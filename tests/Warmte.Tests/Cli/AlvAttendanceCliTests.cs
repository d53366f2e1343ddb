using System.Net;
using Warmte.Client;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Cli;

/// <summary>
/// <c>warmte alv attendance</c>: the board records who is at the meeting from the command line, and a proxy holder
/// refused for not being on that list is told the command that puts her on it.
/// </summary>
public sealed class AlvAttendanceCliTests(CliServerFixture fixture) : IClassFixture<CliServerFixture>
{
    private WarmteServer Server => fixture.Server;

    private async Task<(int Code, string Out, string Err)> Run(string token, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var env = new Dictionary<string, string?> { ["WARMTE_URL"] = Server.BaseUrl, ["WARMTE_TOKEN"] = token };
        var code = await WarmteCli.RunAsync(args, stdout, stderr, env);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private async Task<(HttpClient Admin, string Coop, string Board)> Meeting(string meeting)
    {
        var admin = Server.Client();
        var coop = $"coop-{Guid.NewGuid().ToString("N")[..8]}";
        var project = await ApiCalls.SeedCooperativeWithProject(admin, coop, $"proj-{Guid.NewGuid().ToString("N")[..8]}");
        await ApiCalls.SeedMembers(admin, coop, count: 4);
        var board = (await admin.Post("api/tokens", new { name = "Bestuur", role = $"board:{coop}" })).Text("token");
        var created = await Run(board, "alv", "create", coop, "--id", meeting, "--title", "ALV realisatiebesluit",
            "--date", "2024-12-14", "--notice-date", "2024-11-29", "--proposal", "realisatiebesluit", "--type", "Realisatiebesluit", "--project", project);
        Assert.True(created.Code == 0, created.Err);
        return (admin, coop, board);
    }

    private static async Task<List<string>> Attendance(HttpClient admin, string coop, string meeting) =>
        [.. (await admin.Get($"api/cooperatives/{coop}/alv/meetings/{meeting}/attendance")).Body.GetProperty("items").EnumerateArray().Select(e => e.GetString()!)];

    [Fact]
    public async Task The_board_records_attendance_and_a_refused_proxy_holder_is_pointed_at_the_command()
    {
        var (admin, coop, board) = await Meeting("alv-2024-12-14");

        var recorded = await Run(board, "alv", "attendance", coop, "alv-2024-12-14", "--present", "L-1, L-2");
        Assert.True(recorded.Code == 0, recorded.Err);
        Assert.Contains("Presentielijst van ALV 'alv-2024-12-14' (L-1, L-2): 2 leden bijgeschreven; 2 aanwezigen in totaal.", recorded.Out);
        Assert.Equal(["L-1", "L-2"], await Attendance(admin, coop, "alv-2024-12-14"));

        // L-4 is not on the list: her proxy for L-3 is refused, and the hint gives the command with this cooperative and meeting.
        var refused = await Run(board, "alv", "vote", coop, "alv-2024-12-14", "realisatiebesluit", "--member", "L-3", "--choice", "voor", "--proxy", "L-4");
        Assert.Equal(WarmteCli.BadInput, refused.Code);
        Assert.Contains("Lid L-4 staat niet op de presentielijst van deze vergadering (2 aanwezigen)", refused.Err);
        Assert.Contains("proxyHolder is --proxy", refused.Err);
        Assert.Contains($"warmte alv attendance {coop} alv-2024-12-14 --present L-4", refused.Err);
        Assert.DoesNotContain("(HTTP 5", refused.Err);

        // Following the hint: L-4 on the list (L-1 again changes nothing), then the proxy vote is taken.
        var added = await Run(board, "alv", "attendance", coop, "alv-2024-12-14", "--present", "L-4,L-1");
        Assert.True(added.Code == 0, added.Err);
        Assert.Contains("Presentielijst van ALV 'alv-2024-12-14' (L-4, L-1): 1 lid bijgeschreven, 1 stond er al op; 3 aanwezigen in totaal.", added.Out);
        // The same list again adds nobody, and says so (the API answers added 0, alreadyPresent 2).
        var again = await Run(board, "alv", "attendance", coop, "alv-2024-12-14", "--present", "L-4,L-1");
        Assert.True(again.Code == 0, again.Err);
        Assert.Contains("Presentielijst van ALV 'alv-2024-12-14' (L-4, L-1): niemand bijgeschreven, 2 stonden er al op; 3 aanwezigen in totaal.", again.Out);
        Assert.Equal(["L-1", "L-2", "L-4"], await Attendance(admin, coop, "alv-2024-12-14"));
        var proxy = await Run(board, "alv", "vote", coop, "alv-2024-12-14", "realisatiebesluit", "--member", "L-3", "--choice", "voor", "--proxy", "L-4");
        Assert.True(proxy.Code == 0, proxy.Err);
        Assert.Contains("Stem van lid L-3 vastgelegd", proxy.Out);

        // The API answer itself: one of the two is new.
        var api = await Server.Client().Post($"api/cooperatives/{coop}/alv/meetings/alv-2024-12-14/attendance", new { present = new[] { "L-2", "L-3" } });
        Assert.Equal(1, api.Body.GetProperty("added").GetInt32());
        Assert.Equal(1, api.Body.GetProperty("alreadyPresent").GetInt32());
        Assert.Equal(4, api.Body.GetProperty("presentCount").GetInt32());
    }

    [Fact]
    public async Task Refusals_name_the_present_option_and_the_member_it_is_about()
    {
        var (admin, coop, board) = await Meeting("alv-lijst");

        var unknown = await Run(board, "alv", "attendance", coop, "alv-lijst", "--present", "L-1,X-9");
        Assert.Equal(WarmteCli.BadInput, unknown.Code);
        Assert.Contains("present[1]", unknown.Err);
        Assert.Contains("present[1] is lid X-9 in --present", unknown.Err);
        Assert.Empty(await Attendance(admin, coop, "alv-lijst")); // all or nothing: L-1 is not added either

        var empty = await Run(board, "alv", "attendance", coop, "alv-lijst", "--present", "L-1,,L-2");
        Assert.Equal(WarmteCli.BadInput, empty.Code);
        Assert.Contains("--present", empty.Err);
        Assert.Contains("leeg lidnummer", empty.Err);

        var missing = await Run(board, "alv", "attendance", coop, "alv-lijst");
        Assert.Equal(WarmteCli.BadInput, missing.Code);
        Assert.Contains("--present", missing.Err);

        var help = await Run(board, "alv", "attendance", "--help");
        Assert.Equal(0, help.Code);
        Assert.Contains("Presentielijst", help.Out);
        Assert.Contains("--present", help.Out);
    }
}
