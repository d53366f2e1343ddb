using Warmte.Client;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Cli;

/// <summary>The board runs an ALV from the command line; the gate checklist and consent show the result.</summary>
public sealed class DecisionCliTests(CliServerFixture fixture) : IClassFixture<CliServerFixture>
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

    [Fact]
    public async Task A_board_creates_a_meeting_records_votes_closes_and_the_gate_shows_the_decision()
    {
        var admin = Server.Client();
        var coop = $"coop-{Guid.NewGuid().ToString("N")[..8]}";
        var project = await ApiCalls.SeedCooperativeWithProject(admin, coop, $"proj-{Guid.NewGuid().ToString("N")[..8]}");
        var members = await ApiCalls.SeedMembers(admin, coop);
        var board = (await admin.Post("api/tokens", new { name = "Bestuur", role = $"board:{coop}" })).Text("token");
        var financier = (await admin.Post("api/tokens", new { name = "Gemeente", role = "financier" })).Text("token");

        var created = await Run(board, "alv", "create", coop, "--id", "alv-2024-12-14", "--title", "ALV realisatiebesluit",
            "--date", "14-12-2024", "--notice-date", "2024-11-29", "--proposal", "realisatiebesluit", "--type", "Realisatiebesluit", "--project", project);
        Assert.Equal(0, created.Code);
        Assert.Contains("14-12-2024", created.Out);

        Assert.Equal(0, (await Run(board, "alv", "vote", coop, "alv-2024-12-14", "realisatiebesluit", "--member", members[0], "--choice", "voor")).Code);
        Assert.Equal(0, (await Run(board, "alv", "vote", coop, "alv-2024-12-14", "realisatiebesluit", "--member", members[1], "--choice", "Voor")).Code);
        var twice = await Run(board, "alv", "vote", coop, "alv-2024-12-14", "realisatiebesluit", "--member", members[1], "--choice", "tegen");
        Assert.Equal(1, twice.Code);
        Assert.Contains("één keer", twice.Err);
        var outsider = await Run(board, "alv", "vote", coop, "alv-2024-12-14", "realisatiebesluit", "--member", "X-1", "--choice", "voor");
        Assert.Equal(1, outsider.Code);
        Assert.Contains("memberNumber", outsider.Err);

        var closed = await Run(board, "alv", "close", coop, "alv-2024-12-14", "realisatiebesluit");
        Assert.Equal(0, closed.Code);
        Assert.Contains("Aangenomen: 2 voor, 0 tegen", closed.Out);
        Assert.Contains("100,00%", closed.Out);

        var shown = await Run(financier, "alv", "show", coop);
        Assert.Contains("Aangenomen", shown.Out);

        var gates = await Run(financier, "gates", project);
        Assert.Equal(0, gates.Code);
        Assert.Contains("Volgende poort: Initiatief → Haalbaarheid", gates.Out);

        var boardView = await Run(board, "members", coop);
        Assert.Contains("Lid L-1", boardView.Out);
        Assert.Contains("1054 AB", boardView.Out);
        var financierView = await Run(financier, "members", coop);
        Assert.Equal(0, financierView.Code);
        Assert.Contains("3 leden", financierView.Out);
        Assert.DoesNotContain("Lid L-1", financierView.Out);
        Assert.Contains("alleen zichtbaar voor het bestuur", financierView.Out);
    }

    [Fact]
    public async Task Consent_shows_each_complex_against_its_threshold_and_the_forecast()
    {
        var admin = Server.Client();
        var project = await ApiCalls.SeedCooperativeWithProject(admin, $"coop-{Guid.NewGuid().ToString("N")[..8]}", $"proj-{Guid.NewGuid().ToString("N")[..8]}");
        await admin.Put($"api/projects/{project}/consent/complexes/complex-a", new { name = "Complex A", corporation = "Stadgenoot", rentedHomes = 100, proposalDate = "2025-01-15" });
        await admin.Post($"api/projects/{project}/consent/complexes/complex-a/declarations", new
        {
            declarations = Enumerable.Range(1, 69).Select(n => new { postcode = "1054 AB", huisnummer = n, response = "Akkoord", on = "2025-02-01" }),
        });
        var output = await Run(WarmteServer.BootstrapAdminToken, "consent", project);
        Assert.Equal(0, output.Code);
        Assert.Contains("69 (69,00%)", output.Out);
        Assert.Contains("nog niet in elk complex gehaald", output.Out);
        Assert.Contains("Complex A: Bij het tempo tot nu toe", output.Out);
    }

    /// <summary>Tester T10c: the day the threshold was met (reachedOn) is shown by the CLI, not only in the API.</summary>
    [Fact]
    public async Task Consent_shows_the_day_the_threshold_was_met()
    {
        var admin = Server.Client();
        var project = await ApiCalls.SeedCooperativeWithProject(admin, $"coop-{Guid.NewGuid().ToString("N")[..8]}", $"proj-{Guid.NewGuid().ToString("N")[..8]}");
        await admin.Put($"api/projects/{project}/consent/complexes/complex-b", new { name = "Complex B", corporation = "Stadgenoot", rentedHomes = 100, proposalDate = "2025-01-15" });
        // 70 of 100 is the 70% threshold: 69 agreements on 01-02-2025, the 70th (the one that meets it) on 15-03-2025.
        var recorded = await admin.Post($"api/projects/{project}/consent/complexes/complex-b/declarations", new
        {
            declarations = Enumerable.Range(1, 70).Select(n => new { postcode = "1054 AB", huisnummer = n, response = "Akkoord", on = n == 70 ? "2025-03-15" : "2025-02-01" }),
        });
        Assert.True(recorded.Status == System.Net.HttpStatusCode.OK, recorded.Raw);
        var output = await Run(WarmteServer.BootstrapAdminToken, "consent", project);
        Assert.Equal(0, output.Code);
        Assert.Contains("ja, op 15-03-2025", output.Out);
        Assert.Contains("in elk complex gehaald", output.Out);
    }

    [Fact]
    public async Task Alv_create_with_a_misspelt_type_gets_one_error_and_the_option_it_belongs_to_tester_F12()
    {
        var admin = Server.Client();
        var coop = $"coop-{Guid.NewGuid().ToString("N")[..8]}";
        await ApiCalls.SeedCooperativeWithProject(admin, coop, $"proj-{Guid.NewGuid().ToString("N")[..8]}");
        var board = (await admin.Post("api/tokens", new { name = "Bestuur", role = $"board:{coop}" })).Text("token");

        var misspelt = await Run(board, "alv", "create", coop, "--id", "alv-z", "--title", "z", "--date", "2024-12-20", "--notice-date", "2024-12-06",
            "--proposal", "statuten-2027", "--type", "statuten");
        Assert.Equal(1, misspelt.Code);
        Assert.Contains("'statuten' is geen besluitsoort", misspelt.Err);
        Assert.DoesNotContain("projectId", misspelt.Err);
        Assert.Contains("proposals[0].decisionType is --type", misspelt.Err);

        var tooShort = await Run(board, "alv", "create", coop, "--id", "alv-z", "--title", "z", "--date", "2024-12-10", "--notice-date", "2024-12-06",
            "--proposal", "overig", "--type", "Overig");
        Assert.Equal(1, tooShort.Code);
        Assert.Contains("noticeDate", tooShort.Err);
        Assert.Contains("besluit van de soort Overig", tooShort.Err);
        Assert.DoesNotContain("een Overig", tooShort.Err);
        Assert.Contains("noticeDate is --notice-date", tooShort.Err);
    }

    /// <summary>
    /// Tester6 T18: a board with a three-item agenda had to go to curl; --proposal is repeatable, and the --type,
    /// --proposal-title and --project after each --proposal are that proposal's own (before the first: for all).
    /// </summary>
    [Fact]
    public async Task Alv_create_takes_several_proposals_each_with_its_own_type_title_and_project()
    {
        var admin = Server.Client();
        var coop = $"coop-{Guid.NewGuid().ToString("N")[..8]}";
        var project = await ApiCalls.SeedCooperativeWithProject(admin, coop, $"proj-{Guid.NewGuid().ToString("N")[..8]}");
        var board = (await admin.Post("api/tokens", new { name = "Bestuur", role = $"board:{coop}" })).Text("token");

        var created = await Run(board, "alv", "create", coop, "--id", "alv-2024-12-20", "--title", "ALV december", "--date", "2024-12-20",
            "--notice-date", "2024-11-20", "--project", project,
            "--proposal", "jaarplan", "--type", "Overig", "--proposal-title", "Jaarplan 2025",
            "--proposal", "statuten-2025", "--proposal-title", "Statutenwijziging 2025", "--type", "Statutenwijziging",
            "--proposal", "realisatie", "--type", "Realisatiebesluit");
        Assert.True(created.Code == 0, created.Err);
        Assert.Contains("met 3 voorstellen: jaarplan, statuten-2025, realisatie.", created.Out);

        var meeting = (await admin.Get($"api/cooperatives/{coop}/alv/meetings/alv-2024-12-20")).Body;
        var proposals = meeting.GetProperty("proposals").EnumerateArray()
            .Select(p => (p.GetProperty("id").GetString(), p.GetProperty("title").GetString(), p.GetProperty("decisionType").GetString(),
                          p.TryGetProperty("projectId", out var pr) ? pr.GetString() : null))
            .ToList();
        Assert.Equal([
            ("jaarplan", "Jaarplan 2025", "Overig", project),
            ("statuten-2025", "Statutenwijziging 2025", "Statutenwijziging", project),
            ("realisatie", "realisatie", "Realisatiebesluit", project)], proposals);

        // A proposal without a type of its own (and none for all) is named; nothing is created.
        var untyped = await Run(board, "alv", "create", coop, "--id", "alv-x", "--title", "x", "--date", "2024-12-21", "--notice-date", "2024-11-20",
            "--proposal", "a", "--type", "Overig", "--proposal", "b");
        Assert.Equal(1, untyped.Code);
        Assert.Contains("Voorstel 'b' heeft geen --type; zet --type <besluitsoort> direct na --proposal b.", untyped.Err);
        var twice = await Run(board, "alv", "create", coop, "--id", "alv-x", "--title", "x", "--date", "2024-12-21", "--notice-date", "2024-11-20",
            "--proposal", "a", "--type", "Overig", "--type", "Tariefbesluit");
        Assert.Equal(1, twice.Code);
        Assert.Contains("Optie --type staat twee keer bij voorstel 'a'", twice.Err);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await admin.Get($"api/cooperatives/{coop}/alv/meetings/alv-x")).Status);

        // A refusal of the second proposal names the option of that proposal.
        var misspelt = await Run(board, "alv", "create", coop, "--id", "alv-y", "--title", "y", "--date", "2024-12-22", "--notice-date", "2024-11-20",
            "--proposal", "a", "--type", "Overig", "--proposal", "b", "--type", "statuten");
        Assert.Equal(1, misspelt.Code);
        Assert.Contains("proposals[1].decisionType is --type bij --proposal b", misspelt.Err);
    }
}

/// <summary>The address and token may come from a config file, after options and environment.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ConfigFileTests(CliServerFixture fixture) : IClassFixture<CliServerFixture>
{
    [Fact]
    public async Task The_config_file_supplies_address_and_token_and_options_and_environment_win()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"warmte-config-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(dir, "warmte"));
        File.WriteAllText(Path.Combine(dir, "warmte", "config"), $"# Warmtenet\nurl = {fixture.Server.BaseUrl}\ntoken = {WarmteServer.BootstrapAdminToken}\n");
        File.SetUnixFileMode(Path.Combine(dir, "warmte", "config"), UnixFileMode.UserRead | UnixFileMode.UserWrite); // a token: chmod 600
        var stdout = new StringWriter();
        var code = await WarmteCli.RunAsync(["status"], stdout, new StringWriter(), new Dictionary<string, string?> { ["XDG_CONFIG_HOME"] = dir });
        Assert.Equal(0, code);
        Assert.Contains("Beheerder", stdout.ToString());

        // The environment's token wins over the file's: a wrong one is refused (exit 2).
        var refused = await WarmteCli.RunAsync(["status"], new StringWriter(), new StringWriter(),
            new Dictionary<string, string?> { ["XDG_CONFIG_HOME"] = dir, ["WARMTE_TOKEN"] = "wt_wrong-token-000000000000000000000000" });
        Assert.Equal(2, refused);

        var badFile = Path.Combine(dir, "bad");
        File.WriteAllText(badFile, "adres: http://x\n");
        var stderr = new StringWriter();
        Assert.Equal(1, await WarmteCli.RunAsync(["status"], new StringWriter(), stderr, new Dictionary<string, string?> { ["WARMTE_CONFIG"] = badFile }));
        Assert.Contains("naam = waarde", stderr.ToString());
    }
}

public sealed class ProgressTests
{
    [Theory]
    [InlineData(0, 1000, "[------------------------------]   0% (0 van 1.000)")]
    [InlineData(200, 1000, "[######------------------------]  20% (200 van 1.000)")]
    [InlineData(1000, 1000, "[##############################] 100% (1.000 van 1.000)")]
    public void The_bar_shows_the_share_done_in_dutch(long done, long total, string expected) =>
        Assert.Equal(expected, Progress.Bar(done, total));

    [Fact]
    public void Nothing_is_drawn_when_stderr_is_not_the_terminal()
    {
        var stderr = new StringWriter();
        using (var progress = Progress.Start(stderr, "Bezig", 10)) progress.Report(5);
        Assert.Equal("", stderr.ToString());
    }
}
