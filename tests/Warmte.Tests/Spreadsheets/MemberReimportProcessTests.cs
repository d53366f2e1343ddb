using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Warmte.Silo.Storage;
using Warmte.Tests.Cli;
using Warmte.Tests.Decisions;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Spreadsheets;

/// <summary>
/// Tester finding A5 (review F1) as the treasurer and the board ran it: the built <c>warmte</c> as a separate process
/// against a real service whose date is 06-12-2026. A member list without an "Uitgeschreven" column (semicolons, BOM,
/// CRLF, a title line) is imported; the board writes three members out and erases one; the same list is sent again.
/// The write-outs stay, the erased member stays erased (named on its row in the dry run and the real run), and
/// <c>member rejoin</c> is the one way back.
/// </summary>
public sealed class MemberReimportProcessTests(ConsentImportServerFixture fixture) : IClassFixture<ConsentImportServerFixture>
{
    private const string ErasedName = "Pietje Jansen-Vlietland";

    private const string List = "\uFEFFLedenlijst Zuidwarmte 2026\r\n"
        + "Lid nr.;Naam;Categorie;Postcode;Huisnr;WEQ;Lid sinds;E-mail\r\n"
        + "Z-001;Anna de Vries;huurder;1073 AB;1;1;01-05-2024;anna@voorbeeld.nl\r\n"
        + "Z-002;Bram Visser;eigenaar-bewoner;1073 AB;3;1;01-05-2024;\r\n"
        + "Z-003;Chantal Bos;huurder;1073 AC;5-2;1;01-05-2024;\r\n"
        + "Z-004;" + ErasedName + ";huurder;1073 AD;18-2;1;01-05-2024;pietje@voorbeeld.nl\r\n"
        + "Z-008;Dirk Smit;huurder;1073 AC;7;1;01-05-2024;\r\n"
        + "Z-009;Kees Bakker;bedrijf;1073 AB;9;2,5;01-05-2024;\r\n"
        + "Z-010;Ria Mulder;huurder;1073 AJ;30;1;01-06-2024;\r\n";

    private Task<CliResult> Warmte(params string[] args) =>
        BuiltProgram.Run("dotnet", [BuiltProgram.WarmteDll, .. args], new Dictionary<string, string?>
        {
            ["WARMTE_URL"] = fixture.Server.BaseUrl, ["WARMTE_TOKEN"] = fixture.Server.AdminToken, ["WARMTE_CONFIG"] = "/nonexistent/warmte-config",
        }, TimeSpan.FromSeconds(180));

    private static void Ok(CliResult result) => Assert.True(result.ExitCode == 0, result.ToString());

    [Fact]
    public async Task Reimporting_the_list_after_leave_and_erase_keeps_both_and_rejoin_is_the_way_back()
    {
        var coop = $"coop-{Guid.NewGuid().ToString("N")[..8]}";
        await ApiCalls.SeedCooperativeWithProject(fixture.Server.Client(), coop, $"proj-{Guid.NewGuid().ToString("N")[..8]}");
        var csv = Path.Combine(Path.GetTempPath(), $"warmte-leden-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(csv, List, new UTF8Encoding(false));
        try
        {
            // Tester5 T10g: the dry run shows what a row sets beyond name and address, the e-mail address too.
            var firstDry = await Warmte("import", "members", coop, csv, "--dry-run");
            Ok(firstDry);
            Assert.Contains("rij 3: Z-001 Anna de Vries (huurder), 1073 AB 1, 1 WEQ, lid sinds 01-05-2024, e-mail anna@voorbeeld.nl", firstDry.Out);
            Assert.Contains("rij 4: Z-002 Bram Visser (eigenaar-bewoner), 1073 AB 3, 1 WEQ, lid sinds 01-05-2024" + Environment.NewLine, firstDry.Out);
            var first = await Warmte("import", "members", coop, csv);
            Ok(first);
            Assert.Contains("Ledenregister bijgewerkt: 7 nieuw, 0 bijgewerkt, 0 ongewijzigd.", first.Out);

            Ok(await Warmte("member", "leave", coop, "Z-004", "--on", "2026-12-06"));
            Ok(await Warmte("privacy", "erase", coop, "Z-004"));
            Ok(await Warmte("member", "leave", coop, "Z-009", "--on", "2026-12-15"));
            Ok(await Warmte("member", "leave", coop, "Z-010", "--on", "2026-12-10"));
            var far = await Warmte("member", "leave", coop, "Z-001", "--on", "9999-12-31");
            Assert.NotEqual(0, far.ExitCode);
            Assert.Contains("31-12-9999 ligt meer dan 5 jaar in de toekomst (uiterlijk 06-12-2031)", far.Err);
            CliHarness.AssertNoStackTrace(far);
            var before = (await fixture.Server.Client().Get($"api/cooperatives/{coop}/members")).Raw;

            // The dry run names the erased member's row and says that nothing would change.
            var dry = await Warmte("import", "members", coop, csv, "--dry-run");
            Ok(dry);
            Assert.Contains("rij 6: overgeslagen, lid Z-004 is gewist op 06-12-2026 (AVG)", dry.Out);
            Assert.Contains("De dienst zou vastleggen: 0 nieuw, 0 bijgewerkt, 6 ongewijzigd.", dry.Out);
            Assert.DoesNotContain("rij 6: Z-004", dry.Out);
            Assert.Contains("Proefrun: er is niets verstuurd.", dry.Out);

            // The same list again.
            var again = await Warmte("import", "members", coop, csv);
            Ok(again);
            Assert.Contains("Ledenregister bijgewerkt: 0 nieuw, 0 bijgewerkt, 6 ongewijzigd; 1 gewist lid overgeslagen (AVG).", again.Out);
            Assert.Contains("rij 6: overgeslagen, lid Z-004 is gewist op 06-12-2026 (AVG)", again.Out);
            // Tester T8.2: the real run counts the erased row as the dry run does, not "7 goede rijen" before sending.
            Assert.Contains("6 goede rijen, 0 foute rijen, 1 overgeslagen rij.", dry.Out);
            Assert.Contains("6 goede rijen, 0 foute rijen, 1 overgeslagen rij.", again.Out);
            Assert.DoesNotContain("7 goede rijen", again.Out);
            Assert.Equal(before, (await fixture.Server.Client().Get($"api/cooperatives/{coop}/members")).Raw);

            var members = await Warmte("members", coop);
            Ok(members);
            // Z-009 and Z-010 gave notice (15-12 and 10-12): members until then; Z-004 left today.
            Assert.True(members.Out.Contains("6 leden, waarvan 6 stemgerechtigd") && members.Out.Contains("1 oud-lid."), members.Out);
            Assert.DoesNotContain(ErasedName, members.Out);
            var json = JsonDocument.Parse((await fixture.Server.Client().Get($"api/cooperatives/{coop}/members")).Raw).RootElement
                .EnumerateArray().ToDictionary(m => m.GetProperty("number").GetString()!);
            Assert.Equal("(gewist)", json["Z-004"].GetProperty("name").GetString());
            Assert.Equal("2026-12-06", json["Z-004"].GetProperty("erasedOn").GetString());
            Assert.Equal("2026-12-15", json["Z-009"].GetProperty("leftOn").GetString());
            Assert.Equal("2026-12-10", json["Z-010"].GetProperty("leftOn").GetString());

            // The way back: rejoin, audited; not for the erased member.
            var rejoin = await Warmte("member", "rejoin", coop, "Z-010");
            Ok(rejoin);
            Assert.Contains("Lid Z-010 is (weer) lid sinds 01-06-2024, zonder uitschrijving.", rejoin.Out);
            Assert.Equal(JsonValueKind.Null, (await fixture.Server.Client().Get($"api/cooperatives/{coop}/members/Z-010")).Body.GetProperty("leftOn").ValueKind);
            var erased = await Warmte("member", "rejoin", coop, "Z-004");
            Assert.NotEqual(0, erased.ExitCode);
            Assert.Contains("gewist op 06-12-2026 (AVG)", erased.Err);
            CliHarness.AssertNoStackTrace(erased);

            // The erased name, address and e-mail address are in no table.
            var server = fixture.Server;
            var settings = StorageSettings.From(new ConfigurationBuilder().AddInMemoryCollection(server.PostgresConnectionString is null
                ? new Dictionary<string, string?> { ["DataDir"] = server.DataDir }
                : new Dictionary<string, string?> { ["Storage:Provider"] = "PostgreSQL", ["Storage:ConnectionString"] = server.PostgresConnectionString }).Build());
            Assert.Empty(await MemberPrivacyTests.ScanAsync(new Database(settings), [ErasedName, "Vlietland", "1073 AD", "pietje@voorbeeld.nl"]));
        }
        finally
        {
            File.Delete(csv);
        }
    }
}
