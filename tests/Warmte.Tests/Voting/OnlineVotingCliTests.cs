using System.Net;
using ClosedXML.Excel;
using Warmte.Client;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Voting;

/// <summary>warmte alv online open|codes|close against the real service.</summary>
public sealed class OnlineVotingCliTests(OnlineVotingFixture fixture) : IClassFixture<OnlineVotingFixture>
{
    private async Task<(int Code, string Out, string Err)> Run(string token, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var env = new Dictionary<string, string?> { ["WARMTE_URL"] = fixture.Server.BaseUrl, ["WARMTE_TOKEN"] = token };
        var code = await WarmteCli.RunAsync(args, stdout, stderr, env);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task A_board_opens_online_voting_writes_the_codes_to_a_sheet_and_closes_it()
    {
        var admin = fixture.Server.Client();
        var coop = $"coop-{Guid.NewGuid().ToString("N")[..8]}";
        await ApiCalls.SeedCooperativeWithProject(admin, coop, $"proj-{Guid.NewGuid().ToString("N")[..8]}");
        await ApiCalls.SeedMembers(admin, coop);
        await admin.Put($"api/cooperatives/{coop}/alv/statutes", new { electronic = new { advanceVotingAllowed = true } });
        await admin.Post($"api/cooperatives/{coop}/alv/meetings", new
        {
            id = "alv", title = "ALV", date = OnlineVotingFixture.MeetingDate, noticeDate = "2027-03-01",
            proposals = new[] { new { id = "tarief", title = "Tarief", decisionType = "Tariefbesluit" } },
        });
        var board = (await admin.Post("api/tokens", new { name = "Bestuur", role = $"board:{coop}" })).Text("token");

        var opened = await Run(board, "alv", "online", "open", coop, "alv", "--proposals", "tarief", "--opens", "2027-03-01");
        Assert.True(opened.Code == 0, opened.Err);
        Assert.Contains("open, van 01-03-2027 tot en met 20-03-2027", opened.Out);

        var folder = Directory.CreateTempSubdirectory("warmte-codes-").FullName;
        var sheet = Path.Combine(folder, "stemcodes.xlsx");
        var codes = await Run(board, "alv", "online", "codes", coop, "alv", "--out", sheet);
        Assert.True(codes.Code == 0, codes.Err);
        // No Voting:PublicUrl on this silo: the links point at the address the CLI used, and the CLI says so (tester F10).
        Assert.Contains("Let op: Voting:PublicUrl is niet ingesteld", codes.Err);
        Assert.Contains($"{fixture.Server.BaseUrl.TrimEnd('/')}/stem", codes.Err);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(sheet));
        string code;
        using (var workbook = new XLWorkbook(sheet))
        {
            Assert.Equal(4, workbook.Worksheet("Stemcodes").LastRowUsed()!.RowNumber());
            code = workbook.Worksheet("Stemcodes").Cell(2, 4).GetString();
        }
        Assert.Equal(HttpStatusCode.OK, (await fixture.Server.Client(token: null).Post("api/stem/paper", new { code })).Status);

        // The sheet holds the only copy of the codes: never overwritten without --force, and nothing re-issued.
        var before = await File.ReadAllBytesAsync(sheet);
        var again = await Run(board, "alv", "online", "codes", coop, "alv", "--out", sheet);
        Assert.Equal(1, again.Code);
        Assert.Contains("--force", again.Err);
        Assert.Equal(before, await File.ReadAllBytesAsync(sheet));
        Assert.Equal(HttpStatusCode.OK, (await fixture.Server.Client(token: null).Post("api/stem/paper", new { code })).Status);
        Assert.Equal(1, (await Run(board, "alv", "online", "codes", coop, "alv", "--out", Path.Combine(folder, "codes.pdf"))).Code);

        var closed = await Run(board, "alv", "online", "close", coop, "alv");
        Assert.True(closed.Code == 0, closed.Err);
        Assert.Contains("gesloten", closed.Out);
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Server.Client(token: null).Post("api/stem/paper", new { code })).Status);
        Directory.Delete(folder, recursive: true);
    }
}
