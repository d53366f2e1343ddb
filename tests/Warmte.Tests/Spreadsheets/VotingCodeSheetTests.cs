using System.Net;
using ClosedXML.Excel;
using Warmte.Tests.Infrastructure;
using Warmte.Tests.Voting;

namespace Warmte.Tests.Spreadsheets;

/// <summary>
/// The voting codes' mail-merge sheet (POST …/online/codes?format=xlsx) has an E-mail column filled for the members the
/// register has an address for (papercut l), and only the own board and admins reach it (AVG, docs/security.md).
/// </summary>
public sealed class VotingCodeSheetTests(OnlineVotingFixture fixture) : IClassFixture<OnlineVotingFixture>
{
    private WarmteServer Server => fixture.Server;

    [Fact]
    public async Task The_mail_merge_sheet_has_each_members_e_mail_address_where_the_register_has_one()
    {
        var admin = Server.Client();
        var coop = $"coop-{Guid.NewGuid().ToString("N")[..8]}";
        await ApiCalls.SeedCooperativeWithProject(admin, coop, $"proj-{Guid.NewGuid().ToString("N")[..8]}");
        var members = await admin.Post($"api/cooperatives/{coop}/members", new
        {
            members = new object[]
            {
                new { number = "M-1", name = "Anna de Vries", category = "eigenaar-bewoner", woningequivalenten = 1, postcode = "1054 AB", huisnummer = 1, joinedOn = "2020-01-01", email = "anna@voorbeeld.nl" },
                new { number = "M-2", name = "Bram Jansen", category = "eigenaar-bewoner", woningequivalenten = 1, postcode = "1054 AB", huisnummer = 2, joinedOn = "2020-01-01" },
            },
        });
        Assert.True(members.Status == HttpStatusCode.OK, members.Raw);
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/cooperatives/{coop}/alv/meetings", new
        {
            id = "alv", title = "Voorjaars-ALV", date = OnlineVotingFixture.MeetingDate, noticeDate = "2027-03-01",
            proposals = new object[] { new { id = "tarief", title = "Tarief 2028", decisionType = "Tariefbesluit" } },
        })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/cooperatives/{coop}/alv/statutes", new { electronic = new { advanceVotingAllowed = true } })).Status);
        var board = Server.Client((await admin.Post("api/tokens", new { name = "Bestuur", role = $"board:{coop}" })).Text("token"));
        Assert.Equal(HttpStatusCode.OK, (await board.Put($"api/cooperatives/{coop}/alv/meetings/alv/online",
            new { opens = "2027-03-01", proposals = new[] { new { proposalId = "tarief", explanation = "Vastrecht en GJ-prijs." } } })).Status);

        using var response = await board.PostAsync($"api/cooperatives/{coop}/alv/meetings/alv/online/codes?format=xlsx",
            new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var workbook = new XLWorkbook(new MemoryStream(await response.Content.ReadAsByteArrayAsync()));
        var sheet = workbook.Worksheet("Stemcodes");
        var headers = sheet.Row(1).CellsUsed().Select(c => c.GetString()).ToList();
        var email = headers.IndexOf("E-mail") + 1;
        Assert.True(email > 0, "no E-mail column: " + string.Join(", ", headers));
        // The earlier columns keep their places (merge templates made before).
        Assert.Equal(["Lidnummer", "Naam", "Adres", "Stemcode", "Link"], headers.Take(5));
        var rows = Enumerable.Range(2, 2).ToDictionary(r => sheet.Cell(r, 1).GetString(), r => sheet.Cell(r, email).GetString());
        Assert.Equal("anna@voorbeeld.nl", rows["M-1"]);
        Assert.Equal("", rows["M-2"]);

        // Another cooperative's board never gets the sheet (nor the addresses in it).
        var other = Server.Client((await admin.Post("api/tokens", new { name = "Ander", role = "board:andere-coop" })).Text("token"));
        Assert.Equal(HttpStatusCode.Forbidden, (await other.Post($"api/cooperatives/{coop}/alv/meetings/alv/online/codes?format=xlsx", new { })).Status);
        var financier = Server.Client((await admin.Post("api/tokens", new { name = "Gemeente", role = "financier" })).Text("token"));
        Assert.Equal(HttpStatusCode.Forbidden, (await financier.Post($"api/cooperatives/{coop}/alv/meetings/alv/online/codes?format=xlsx", new { })).Status);
    }
}
