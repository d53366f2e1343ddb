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

    /// <summary>
    /// Tester6 T8: the letter carries street and town when the register has them (set through the API or read from the columns
    /// Straat and Woonplaats of a member list), and otherwise a marked empty address block; the CLI names the letters without one.
    /// Street and town are personal data: only the board and admins see them.
    /// </summary>
    [Fact]
    public async Task Letters_print_the_postal_address_and_the_board_is_told_which_letters_lack_one()
    {
        var admin = fixture.Server.Client();
        var coop = $"coop-{Guid.NewGuid().ToString("N")[..8]}";
        await ApiCalls.SeedCooperativeWithProject(admin, coop, $"proj-{Guid.NewGuid().ToString("N")[..8]}");
        var registered = await admin.Post($"api/cooperatives/{coop}/members", new
        {
            members = new object[]
            {
                new { number = "A-1", name = "Piet Jansen", category = "huurder", postcode = "1091gn", huisnummer = 3, toevoeging = "hs", joinedOn = "2020-01-01",
                      street = "  Wibautstraat ", town = "Amsterdam" },
                new { number = "A-2", name = "Els de Vries", category = "huurder", postcode = "1091 GN", huisnummer = 5, joinedOn = "2020-01-01" },
                new { number = "A-3", name = "Kees Bakker", category = "huurder", postcode = "1054 AB", huisnummer = 7, joinedOn = "2020-01-01" },
            },
        });
        Assert.True(registered.Status == HttpStatusCode.OK, registered.Raw);
        var badStreet = await admin.Put($"api/cooperatives/{coop}/members/A-2", new
        {
            name = "Els de Vries", category = "huurder", postcode = "1091 GN", huisnummer = 5, joinedOn = "2020-01-01", street = new string('x', 81),
        });
        Assert.Equal(HttpStatusCode.BadRequest, badStreet.Status);
        Assert.Equal(["street"], badStreet.ErrorFields);
        var board = (await admin.Post("api/tokens", new { name = "Bestuur", role = $"board:{coop}" })).Text("token");

        // A-3's street and town come from a member list with the columns Straat and Woonplaats.
        var folder = Directory.CreateTempSubdirectory("warmte-brief-").FullName;
        var list = Path.Combine(folder, "leden.csv");
        await File.WriteAllTextAsync(list, "Lidnummer;Naam;Categorie;Postcode;Huisnummer;Lid sinds;Straat;Woonplaats\n"
                                           + "A-3;Kees Bakker;huurder;1054 AB;7;2020-01-01;Eerste Helmersstraat;amsterdam\n");
        var imported = await Run(board, "import", "members", coop, list);
        Assert.True(imported.Code == 0, imported.Out + imported.Err);
        Assert.Contains("\"Straat\" → Straat", imported.Out);
        Assert.Contains("\"Woonplaats\" → Woonplaats", imported.Out);
        var a3 = await Server(board).Get($"api/cooperatives/{coop}/members/A-3");
        Assert.Equal(("Eerste Helmersstraat", "amsterdam"), (a3.Text("street"), a3.Text("town")));
        Assert.Equal("Wibautstraat", (await Server(board).Get($"api/cooperatives/{coop}/members/A-1")).Text("street"));
        // Personal data (docs/security.md): a financier sees neither the member nor the street.
        var financier = Server((await admin.Post("api/tokens", new { name = "Gemeente", role = "financier" })).Text("token"));
        var hidden = await financier.Get($"api/cooperatives/{coop}/members/A-3");
        Assert.Equal(HttpStatusCode.Forbidden, hidden.Status);
        Assert.DoesNotContain("Helmersstraat", hidden.Raw);
        var shown = await Run(board, "members", coop);
        Assert.Contains("Eerste Helmersstraat 7, 1054 AB amsterdam", shown.Out);

        await admin.Put($"api/cooperatives/{coop}/alv/statutes", new { electronic = new { advanceVotingAllowed = true } });
        await admin.Post($"api/cooperatives/{coop}/alv/meetings", new
        {
            id = "alv", title = "ALV", date = OnlineVotingFixture.MeetingDate, noticeDate = "2027-03-01",
            proposals = new[] { new { id = "tarief", title = "Tarief", decisionType = "Tariefbesluit" } },
        });
        Assert.Equal(0, (await Run(board, "alv", "online", "open", coop, "alv", "--proposals", "tarief", "--opens", "2027-03-01")).Code);
        var letters = Path.Combine(folder, "brieven.html");
        var codes = await Run(board, "alv", "online", "codes", coop, "alv", "--out", letters);
        Assert.True(codes.Code == 0, codes.Err);
        Assert.Contains("Let op: 1 van de 3 brieven heeft geen volledig postadres (straat of woonplaats ontbreekt in het ledenregister): A-2.", codes.Err);
        Assert.Contains("--members A-2", codes.Err);
        var html = await File.ReadAllTextAsync(letters);
        // Name; street and house number; postcode, two spaces, town in capitals (the Dutch postal order).
        Assert.Contains("<div class=\"adres\">Piet Jansen<br>Wibautstraat 3-HS<br>1091 GN&nbsp;&nbsp;AMSTERDAM</div>", html);
        Assert.Contains("<div class=\"adres\">Kees Bakker<br>Eerste Helmersstraat 7<br>1054 AB&nbsp;&nbsp;AMSTERDAM</div>", html);
        Assert.Contains("<div class=\"adres onvolledig\">Els de Vries<br><span class=\"invullen\">&nbsp;</span> 5<br>1091 GN&nbsp;&nbsp;<span class=\"invullen\">&nbsp;</span>"
                        + "<p class=\"let-op\">Adres onvolledig in het ledenregister (straat en woonplaats ontbreken): vul het hier in vóór verzending.</p></div>", html);

        // With every address complete the CLI says nothing about addresses.
        var again = await Run(board, "alv", "online", "codes", coop, "alv", "--members", "A-1,A-3", "--out", Path.Combine(folder, "twee.html"));
        Assert.True(again.Code == 0, again.Err);
        Assert.DoesNotContain("postadres", again.Err);
        Directory.Delete(folder, recursive: true);
    }

    private HttpClient Server(string token) => fixture.Server.Client(token);
}
