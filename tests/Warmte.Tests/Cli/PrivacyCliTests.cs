using System.Text.Json;
using Warmte.Client;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Cli;

/// <summary>The board exercises members' privacy from the command line: retention settings, the access file, erasure.</summary>
public sealed class PrivacyCliTests(CliServerFixture fixture) : IClassFixture<CliServerFixture>
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
    public async Task A_board_sets_retention_writes_a_members_access_file_and_erases_a_former_member()
    {
        var admin = Server.Client();
        var coop = $"coop-{Guid.NewGuid().ToString("N")[..8]}";
        await ApiCalls.SeedCooperativeWithProject(admin, coop, $"proj-{Guid.NewGuid().ToString("N")[..8]}");
        await ApiCalls.SeedMembers(admin, coop);
        var board = (await admin.Post("api/tokens", new { name = "Bestuur", role = $"board:{coop}" })).Text("token");
        var reader = (await admin.Post("api/tokens", new { name = "Lezer", role = "reader" })).Text("token");

        var set = await Run(board, "privacy", "set", coop, "--former-members", "24");
        Assert.Equal(0, set.Code);
        Assert.Contains("24 maanden", set.Out);
        Assert.Contains("niet automatisch", set.Out);
        var wrong = await Run(board, "privacy", "set", coop, "--former-members", "twee");
        Assert.Equal(1, wrong.Code); // bad input, nothing sent
        Assert.Contains("geen aantal maanden", wrong.Err);
        Assert.Equal(24, JsonDocument.Parse((await admin.Get($"api/cooperatives/{coop}/privacy")).Raw).RootElement.GetProperty("formerMemberRetentionMonths").GetInt32());

        var folder = Directory.CreateTempSubdirectory("warmte-inzage-").FullName;
        var file = Path.Combine(folder, "inzage.json");
        var export = await Run(board, "privacy", "export", coop, "L-2", "--out", file);
        Assert.Equal(0, export.Code);
        var written = JsonDocument.Parse(await File.ReadAllTextAsync(file)).RootElement;
        Assert.Equal("Lid L-2", written.GetProperty("register").GetProperty("member").GetProperty("name").GetString());
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        var again = await Run(board, "privacy", "export", coop, "L-2", "--out", file);
        Assert.Equal(1, again.Code); // an existing file is not overwritten without --force
        Assert.Contains("--force", again.Err);
        var notAllowed = await Run(reader, "privacy", "export", coop, "L-2", "--out", Path.Combine(folder, "lezer.json"));
        Assert.NotEqual(0, notAllowed.Code);
        Assert.False(File.Exists(Path.Combine(folder, "lezer.json")));

        var stillMember = await Run(board, "privacy", "erase", coop, "L-2");
        Assert.Equal(1, stillMember.Code);
        Assert.Contains("oud-leden", stillMember.Err);
        Assert.Equal("OK", (await admin.Put($"api/cooperatives/{coop}/members/L-2", new
        {
            name = "Lid L-2", category = "eigenaar-bewoner", postcode = "1054 AB", huisnummer = 2, joinedOn = "2020-01-01", leftOn = "2021-01-01",
        })).Status.ToString());
        var erased = await Run(board, "privacy", "erase", coop, "L-2");
        Assert.Equal(0, erased.Code);
        Assert.Contains("gewist", erased.Out);
        Assert.Equal("(gewist)", (await admin.Get($"api/cooperatives/{coop}/members/L-2")).Body.GetProperty("name").GetString());
    }
    [Fact]
    public async Task A_former_member_has_no_voting_right_in_the_members_table_and_the_access_file_tester_F19()
    {
        var admin = Server.Client();
        var coop = $"coop-{Guid.NewGuid().ToString("N")[..8]}";
        await ApiCalls.SeedCooperativeWithProject(admin, coop, $"proj-{Guid.NewGuid().ToString("N")[..8]}");
        await ApiCalls.SeedMembers(admin, coop);
        var board = (await admin.Post("api/tokens", new { name = "Bestuur", role = $"board:{coop}" })).Text("token");
        Assert.Equal("OK", (await admin.Put($"api/cooperatives/{coop}/members/L-3", new
        {
            name = "Lid L-3", category = "huurder", postcode = "1054 AB", huisnummer = 3, joinedOn = "2020-01-01", leftOn = "2021-06-30",
        })).Status.ToString());
        Assert.Equal(0, (await Run(board, "privacy", "erase", coop, "L-3")).Code);

        var members = await Run(board, "members", coop);
        Assert.Equal(0, members.Code);
        Assert.Contains("2 leden, waarvan 2 stemgerechtigd", members.Out);
        Assert.Contains("1 oud-lid.", members.Out);
        Assert.DoesNotContain("oud-leden", members.Out);
        var former = members.Out.Split('\n').Single(l => l.TrimStart().StartsWith("L-3 "));
        Assert.Contains("30-06-2021", former);
        Assert.EndsWith("— (oud-lid)", former.TrimEnd());
        var current = members.Out.Split('\n').Single(l => l.TrimStart().StartsWith("L-1 "));
        Assert.EndsWith("ja", current.TrimEnd());

        var folder = Directory.CreateTempSubdirectory("warmte-inzage-").FullName;
        Assert.Equal(0, (await Run(board, "privacy", "export", coop, "L-3", "--out", Path.Combine(folder, "l3.json"))).Code);
        var l3 = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "l3.json"))).RootElement;
        Assert.False(l3.GetProperty("mayVoteToday").GetBoolean());
        Assert.Contains("oud-lid, uitgeschreven op 30-06-2021", l3.GetProperty("votingRight").GetString());
        Assert.Equal(0, (await Run(board, "privacy", "export", coop, "L-1", "--out", Path.Combine(folder, "l1.json"))).Code);
        var l1 = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "l1.json"))).RootElement;
        Assert.True(l1.GetProperty("mayVoteToday").GetBoolean());
    }
}
