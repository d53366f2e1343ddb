using System.Net;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Warmte.Silo.Storage;
using Warmte.Tests.Cli;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Storage;

/// <summary>
/// State stored before addresses had a huisletter and woningequivalenten decimals (one house-number
/// field plus a toevoeging, whole woningequivalenten) still loads, shows, and meets new imports of
/// the same addresses: the stored payloads here are written by hand in the old shape.
/// </summary>
public sealed class OldShapeStateTests
{
    static OldShapeStateTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    // The member register as the previous release stored it: address without "huisletter", whole woningequivalenten.
    private const string OldMembers = """
        {"members":[
          {"number":"L-1","name":"Anna de Vries","category":"Huurder","woningequivalenten":1,
           "address":{"postcode":"1054 AB","huisnummer":12,"toevoeging":"H"},"joinedOn":"2020-01-15","leftOn":null,"eligibleToVote":true},
          {"number":"L-2","name":"Café Oost","category":"Bedrijf","woningequivalenten":3,
           "address":{"postcode":"1054 AB","huisnummer":14,"toevoeging":null},"joinedOn":"2021-03-01","leftOn":null,"eligibleToVote":true}],
         "audit":[]}
        """;

    // A complex with one answer, as the previous release stored it.
    private const string OldConsent = """
        {"record":{"complexes":[{"id":"complex-a","name":"Complex A","corporation":"Stadgenoot","rentedHomes":10,
           "threshold":{"numerator":7,"denominator":10},"proposalDate":"2025-01-15","deadline":null,
           "declarations":[{"address":{"postcode":"1054 AB","huisnummer":12,"toevoeging":"H"},"response":"Akkoord","on":"2025-02-01",
             "recordedBy":"bestuur","recordedAt":"2025-02-01T10:00:00Z"}]}],
           "notApplicableReason":null},
         "audit":[]}
        """;

    [Fact]
    public async Task Members_and_consent_stored_in_the_old_shape_load_show_and_meet_new_imports()
    {
        var dataDir = WarmteServer.NewDataDir();
        const string coop = "oudecoop";
        const string project = "oud-project";
        await using (var first = await WarmteServer.StartAsync(dataDir))
        {
            var admin = first.Client();
            await ApiCalls.SeedCooperativeWithProject(admin, coop, project);
            // Rows to overwrite: one member and one complex with one answer, marked so they can be found.
            Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/cooperatives/{coop}/members", new
            {
                members = new[] { new { number = "MARK-1", name = "x", category = "huurder", postcode = "9999 ZZ", huisnummer = 1, joinedOn = "2020-01-01" } },
            })).Status);
            await admin.Put($"api/projects/{project}/consent/complexes/complex-a", new { name = "Complex A", corporation = "Stadgenoot", rentedHomes = 10, proposalDate = "2025-01-15" });
            await admin.Post($"api/projects/{project}/consent/complexes/complex-a/declarations",
                new { declarations = new[] { new { postcode = "9999 ZZ", huisnummer = 1, response = "Akkoord", on = "2025-02-01" } } });
        }

        var settings = StorageSettings.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["DataDir"] = dataDir }).Build());
        await using (var connection = new SqliteConnection(settings.ConnectionString))
        {
            await connection.OpenAsync();
            Assert.Equal(1, await Replace(connection, "\"MARK-1\"", OldMembers));
            Assert.Equal(1, await Replace(connection, "\"9999 ZZ\"", OldConsent));
        }

        await using var second = await WarmteServer.StartAsync(dataDir);
        var client = second.Client();
        var members = await client.Get($"api/cooperatives/{coop}/members");
        Assert.Equal(HttpStatusCode.OK, members.Status);
        var anna = members.Body[0];
        Assert.Equal("H", anna.GetProperty("address").GetProperty("toevoeging").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, anna.GetProperty("address").GetProperty("huisletter").ValueKind);
        var summary = await client.Get($"api/cooperatives/{coop}/members/summary");
        Assert.Equal(4m, summary.Body.GetProperty("woningequivalenten").GetDecimal());

        var env = CliHarness.Env(second.BaseUrl, WarmteServer.BootstrapAdminToken);
        var shown = await CliHarness.Run(env, null, "members", coop);
        Assert.True(shown.ExitCode == 0, shown.ToString());
        Assert.Contains("1054 AB 12-H", shown.Out);
        Assert.Contains("1054 AB 14", shown.Out);

        // The same members in a treasurer's list ("12-H" in one column) change nothing; "14" with 2,5 WEQ updates one.
        var list = Path.Combine(dataDir, "leden.csv");
        File.WriteAllBytes(list, Encoding.GetEncoding(1252).GetBytes(
            "Lid nr.;Naam;Categorie;WEQ;Postcode;Huisnr;Lid sinds\r\nL-1;Anna de Vries;HUURDER;1;1054AB;12-H;15-01-2020\r\nL-2;Café Oost;bedrijf;2,5;1054 ab;14;01-03-2021\r\n"));
        var imported = await CliHarness.Run(env, null, "import", "members", coop, list);
        Assert.True(imported.ExitCode == 0, imported.ToString());
        Assert.Contains("0 nieuw, 1 bijgewerkt, 1 ongewijzigd", imported.Out);
        Assert.Equal(3.5m, (await client.Get($"api/cooperatives/{coop}/members/summary")).Body.GetProperty("woningequivalenten").GetDecimal());

        // A later answer from the old answer's address, written "12 -h", replaces it instead of adding an address.
        var answers = Path.Combine(dataDir, "akkoord.csv");
        File.WriteAllText(answers, "Postcode;Huisnummer;Antwoord;Datum\n1054 ab;12 -h;geweigerd;2025-02-10\n");
        var consent = await CliHarness.Run(env, null, "import", "consent", project, "complex-a", answers);
        Assert.True(consent.ExitCode == 0, consent.ToString());
        Assert.Contains("0 akkoord, 1 geweigerd, 9 zonder antwoord van 10", consent.Out);
    }

    private static async Task<int> Replace(SqliteConnection connection, string marker, string oldPayload)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE OrleansStorage SET PayloadBinary = $payload WHERE instr(CAST(PayloadBinary AS TEXT), $marker) > 0";
        command.Parameters.AddWithValue("$payload", Encoding.UTF8.GetBytes(oldPayload));
        command.Parameters.AddWithValue("$marker", marker);
        return await command.ExecuteNonQueryAsync();
    }
}
