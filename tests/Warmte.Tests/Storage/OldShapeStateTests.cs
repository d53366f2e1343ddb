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
            // Since the journal the register and the answers are current rows: put back what the release
            // before stored (the register in Orleans' grain storage, the answers inside the consent
            // snapshot), so the next start upgrades from exactly that.
            await Execute(connection, "DELETE FROM warmte_row WHERE grain_type IN ('members', 'consent')");
            await Execute(connection, "DELETE FROM warmte_journal WHERE grain_type = 'members' AND grain_key = $key", ("$key", coop));
            await Execute(connection, "DELETE FROM warmte_snapshot WHERE grain_type = 'members' AND grain_key = $key", ("$key", coop));
            // The row's other columns copied from any stored grain (the upgrade reads type, key and service).
            Assert.Equal(1, await Execute(connection, """
                INSERT INTO OrleansStorage (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString, GrainIdExtensionString, ServiceId, PayloadBinary, ModifiedOn, Version)
                SELECT GrainIdHash + 1, GrainIdN0, GrainIdN1, GrainTypeHash + 1, 'members', $key, ServiceId, $payload, ModifiedOn, 1
                FROM OrleansStorage LIMIT 1
                """, ("$key", coop), ("$payload", Encoding.UTF8.GetBytes(OldMembers))));
            Assert.Equal(1, await Execute(connection, "UPDATE warmte_snapshot SET state = $payload WHERE grain_type = 'consent' AND grain_key = $key",
                ("$key", project), ("$payload", OldConsent)));
            // A database of the release before has not recorded the journal upgrade as done (JournalUpgrade.StepName).
            await Execute(connection, "DELETE FROM warmte_startup_step WHERE name = 'journal-upgraded'");
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

    // An ALV record as the previous release stored it: ballot weights and counts as whole numbers (long).
    private const string OldAlv = """
        {"record":{"statutes":null,"meetings":[{"id":"alv","title":"ALV","date":"2024-12-14","noticeDate":"2024-11-30","secondMeetingOf":null,
          "proposals":[{"id":"tarief","title":"Tarief","decisionType":"Tariefbesluit","projectId":null,"corrects":null,"correctionReason":null,"mode":"Ballots",
            "ballots":[{"memberNumber":"L-1","choice":"Voor","proxyHolder":null,"weight":4,"recordedBy":"bestuur","recordedAt":"2024-12-14T11:00:00Z"},
                       {"memberNumber":"L-2","choice":"Tegen","proxyHolder":null,"weight":1,"recordedBy":"bestuur","recordedAt":"2024-12-14T11:01:00Z"}],
            "tally":null,
            "closed":{"result":{"outcome":"Aangenomen","for":4,"against":1,"abstain":0,"denominator":5,"eligibleMembers":2,"presentOrRepresented":2,
              "quorumMet":true,"quorumWaived":false,"forPercent":80.00,
              "rule":{"quorum":{"numerator":0,"denominator":1},"majority":{"numerator":1,"denominator":2},"majorityRule":"MoreThan","abstentionsCount":false,
                      "maxProxiesPerAttendee":1,"weighting":"PerWoningequivalent","secondMeetingWithoutQuorum":true,"minimumNoticeDays":7},
              "represented":0},"closedBy":"bestuur","closedAt":"2024-12-14T12:00:00Z"}}],
          "present":[],"createdBy":"bestuur","createdAt":"2024-11-30T10:00:00Z"}]},
         "audit":[]}
        """;

    [Fact]
    public void An_alv_record_with_whole_weights_and_counts_loads_into_the_decimal_fields_and_is_written_back_the_same()
    {
        var options = Warmte.Serialization.WarmteJson.Configure(new System.Text.Json.JsonSerializerOptions()); // as the grain storage serializer is configured
        var state = System.Text.Json.JsonSerializer.Deserialize<Warmte.Common.RecordState<Warmte.Alv.AlvRecord>>(OldAlv, options)!;
        var proposal = state.Record!.Meetings[0].Proposals[0];
        Assert.Equal([4m, 1m], proposal.Ballots.Select(b => b.Weight));
        var result = proposal.Closed!.Result;
        Assert.Equal((4m, 1m, 0m, 5m), (result.For, result.Against, result.Abstain, result.Denominator));
        Assert.StartsWith("Aangenomen: 4 voor, 1 tegen, 0 onthoudingen (80,00% van 5;", result.Describe());
        // Written back, whole numbers stay whole ("weight":4, not 4.0): stored state does not churn.
        var again = System.Text.Json.JsonSerializer.Serialize(state, options);
        Assert.Contains("\"weight\":4,", again);
        Assert.Contains("\"for\":4,", again);
        Assert.Contains("\"denominator\":5,", again);
    }

    /// <summary>Overwrites the stored state holding <paramref name="marker"/>: an Orleans grain-storage row or a journal snapshot (consent is on the journal).</summary>
    private static async Task<int> Execute(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return await command.ExecuteNonQueryAsync();
    }
}
