using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using NodaTime;
using NodaTime.Testing;
using Warmte.Silo.Storage;
using Warmte.Tests.Infrastructure;
using Warmte.Tests.Storage;

namespace Warmte.Tests.Decisions;

/// <summary>
/// Members' privacy (AVG) through the API on a real database: the access export, erasure of a
/// former member on request and after the retention period, consent answers removed after theirs,
/// and afterwards vote results, decisions and counts unchanged while no table row holds the erased
/// name, address or e-mail address any more (every table of the database scanned).
/// </summary>
public sealed class MemberPrivacyTests
{
    private const string Coop = "privacy-coop";
    private const string Project = "privacy-project";
    private const string Name = "Henriëtte Zonderland-Wibaut";
    private const string Postcode = "1091 QZ";
    private const string OtherName = "Lid L-3";
    private const string Email = "h.zonderland@voorbeeld.nl";

    [Fact]
    public async Task On_sqlite_erasure_and_retention_leave_votes_and_counts_and_no_trace_of_the_person() =>
        await Story(null);

    [Fact]
    public async Task On_postgresql_erasure_and_retention_leave_votes_and_counts_and_no_trace_of_the_person()
    {
        var pg = await PostgresServer.GetAsync();
        await Story(await pg.CreateDatabaseAsync());
    }

    private static async Task Story(string? postgres)
    {
        var clock = new FakeClock(Instant.FromUtc(2026, 11, 22, 10, 0));
        var dataDir = WarmteServer.NewDataDir();
        await using var server = await WarmteServer.StartAsync(dataDir, postgres, clock);
        var admin = server.Client();
        await ApiCalls.SeedCooperativeWithProject(admin, Coop, Project);
        await ApiCalls.SeedMembers(admin, Coop); // L-1, L-2, L-3
        var nine = new { number = "L-9", name = Name, category = "huurder", woningequivalenten = 1, postcode = Postcode, huisnummer = 77, toevoeging = "H", joinedOn = "2020-01-01", email = Email };
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/cooperatives/{Coop}/members/L-9", nine)).Status);

        // An ALV with named ballots, L-9's among them, closed.
        var meeting = await admin.Post($"api/cooperatives/{Coop}/alv/meetings", new
        {
            id = "alv-2024", title = "ALV", date = "2024-12-14", noticeDate = "2024-11-29",
            proposals = new[] { new { id = "realisatiebesluit", title = "Realisatiebesluit", decisionType = "Realisatiebesluit", projectId = Project } },
        });
        Assert.Equal(HttpStatusCode.Created, meeting.Status);
        foreach (var (member, choice) in new[] { ("L-1", "Voor"), ("L-2", "Tegen"), ("L-9", "Voor") })
            Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/cooperatives/{Coop}/alv/meetings/alv-2024/proposals/realisatiebesluit/ballots", new { memberNumber = member, choice })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/cooperatives/{Coop}/alv/meetings/alv-2024/proposals/realisatiebesluit/close", new { })).Status);

        // Tenant consent: 8 of 10 homes agree, one of them at L-9's address.
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/projects/{Project}/consent/complexes/complex-x", new
        {
            name = "Complex X", corporation = "Stadgenoot", rentedHomes = 10, proposalDate = "2025-01-15",
        })).Status);
        var answers = Enumerable.Range(1, 7).Select(n => new { postcode = Postcode, huisnummer = n, toevoeging = (string?)null, response = "Akkoord", on = "2025-02-01" })
            .Append(new { postcode = Postcode, huisnummer = 77, toevoeging = (string?)"H", response = "Akkoord", on = "2025-02-03" });
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/projects/{Project}/consent/complexes/complex-x/declarations", new { declarations = answers })).Status);

        // Access: everything about L-9, for L-9.
        var export = await admin.Get($"api/cooperatives/{Coop}/members/L-9/export");
        Assert.Equal(HttpStatusCode.OK, export.Status);
        Assert.Equal(Name, export.Body.GetProperty("register").GetProperty("member").GetProperty("name").GetString());
        Assert.Equal(Email, export.Body.GetProperty("register").GetProperty("member").GetProperty("email").GetString());
        Assert.Equal("created", Assert.Single(export.Body.GetProperty("register").GetProperty("history").EnumerateArray()).GetProperty("fact").GetProperty("change").GetString());
        var ballot = Assert.Single(export.Body.GetProperty("alvBallots").EnumerateArray());
        Assert.Equal(("alv-2024", "realisatiebesluit", "Voor"), (ballot.GetProperty("meetingId").GetString(), ballot.GetProperty("proposalId").GetString(), ballot.GetProperty("choice").GetString()));
        var answer = Assert.Single(export.Body.GetProperty("consentAnswers").EnumerateArray());
        Assert.Equal(("complex-x", "Akkoord"), (answer.GetProperty("complexId").GetString(), answer.GetProperty("declaration").GetProperty("response").GetString()));
        // Other roles (a reader, another cooperative's board) get no export, no answers per address and
        // may neither erase nor change or run the retention; an unknown member is a 404.
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Get($"api/cooperatives/{Coop}/members/L-404/export")).Status);
        await ApiCalls.SeedCooperativeWithProject(admin, "other-coop", "other-project");
        foreach (var role in new[] { "reader", "board:other-coop", "financier" })
        {
            var outsider = server.Client((await admin.Post("api/tokens", new { name = "Buitenstaander " + role, role })).Text("token"));
            Assert.Equal(HttpStatusCode.Forbidden, (await outsider.Get($"api/cooperatives/{Coop}/members/L-9/export")).Status);
            Assert.Equal(HttpStatusCode.Forbidden, (await outsider.Get($"api/projects/{Project}/consent/complexes/complex-x/declarations")).Status);
            Assert.Equal(HttpStatusCode.Forbidden, (await outsider.Get($"api/cooperatives/{Coop}/privacy")).Status);
            Assert.Equal(HttpStatusCode.Forbidden, (await outsider.Put($"api/cooperatives/{Coop}/privacy", new { formerMemberRetentionMonths = 0 })).Status);
            Assert.Equal(HttpStatusCode.Forbidden, (await outsider.Post($"api/cooperatives/{Coop}/privacy/retention-run", new { })).Status);
            Assert.Equal(HttpStatusCode.Forbidden, (await outsider.Post($"api/cooperatives/{Coop}/members/L-9/erase", new { })).Status);
        }
        Assert.Equal(JsonValueKind.Null, (await admin.Get($"api/cooperatives/{Coop}/privacy")).Body.GetProperty("formerMemberRetentionMonths").ValueKind);

        // Erasure on request: refused while L-9 is a member (nothing changes), done once L-9 has left.
        var early = await admin.Post($"api/cooperatives/{Coop}/members/L-9/erase", new { });
        Assert.Equal((HttpStatusCode.Conflict, "member-not-former"), (early.Status, early.Code));
        Assert.Equal(Name, (await admin.Get($"api/cooperatives/{Coop}/members/L-9")).Body.GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/cooperatives/{Coop}/members/L-9", nine with { })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/cooperatives/{Coop}/members/L-9", new
        {
            nine.number, nine.name, nine.category, nine.woningequivalenten, nine.postcode, nine.huisnummer, nine.toevoeging, nine.joinedOn, nine.email, leftOn = "2025-06-30",
        })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/cooperatives/{Coop}/members/L-3", new
        {
            number = "L-3", name = OtherName, category = "eigenaar-bewoner", woningequivalenten = 1, postcode = "1054 AB", huisnummer = 3, joinedOn = "2020-01-01", leftOn = "2026-01-31",
        })).Status);

        var meetingBefore = (await admin.Get($"api/cooperatives/{Coop}/alv/meetings/alv-2024")).Raw;
        var summaryBefore = (await admin.Get($"api/cooperatives/{Coop}/members/summary")).Raw;
        var auditBefore = (await admin.Get($"api/cooperatives/{Coop}/members/audit?pageSize=200")).Body;
        var consentBefore = (await admin.Get($"api/projects/{Project}/consent")).Body.GetProperty("complexes")[0];

        var erased = await admin.Post($"api/cooperatives/{Coop}/members/L-9/erase", new { });
        Assert.Equal(HttpStatusCode.OK, erased.Status);
        Assert.Equal("(gewist)", erased.Body.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, erased.Body.GetProperty("address").ValueKind);
        Assert.Equal(JsonValueKind.Null, erased.Body.GetProperty("email").ValueKind);
        Assert.Equal("2026-11-22", erased.Body.GetProperty("erasedOn").GetString());

        // Retention: members 12 months after leaving, consent answers 6 months after the gate was decided.
        var settings = await admin.Put($"api/cooperatives/{Coop}/privacy", new { formerMemberRetentionMonths = 12, consentAnswerRetentionMonths = 6 });
        Assert.Equal(HttpStatusCode.OK, settings.Status);
        var bad = await admin.Put($"api/cooperatives/{Coop}/privacy", new { formerMemberRetentionMonths = -1 });
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.Contains("formerMemberRetentionMonths", bad.ErrorFields);
        var tooEarly = (await admin.Post($"api/cooperatives/{Coop}/privacy/retention-run", new { })).Body;
        Assert.Equal((0, 0), (tooEarly.GetProperty("erasedMembers").GetArrayLength(), tooEarly.GetProperty("consentAnswersRemoved").GetInt32()));
        clock.Reset(Instant.FromUtc(2027, 11, 1, 10, 0)); // L-3 left 2026-01-31 + 12 months; consent decided 2026-11-22 + 6 months
        var run = (await admin.Post($"api/cooperatives/{Coop}/privacy/retention-run", new { })).Body;
        Assert.Equal(["L-3"], run.GetProperty("erasedMembers").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(8, run.GetProperty("consentAnswersRemoved").GetInt32());
        Assert.Equal("(gewist)", (await admin.Get($"api/cooperatives/{Coop}/members/L-3")).Body.GetProperty("name").GetString());

        // Votes, decisions and counts are what they were.
        Assert.Equal(meetingBefore, (await admin.Get($"api/cooperatives/{Coop}/alv/meetings/alv-2024")).Raw);
        var summaryAfter = JsonDocument.Parse((await admin.Get($"api/cooperatives/{Coop}/members/summary")).Raw).RootElement;
        var before = JsonDocument.Parse(summaryBefore).RootElement;
        foreach (var field in new[] { "members", "eligibleToVote", "formerMembers" })
            Assert.Equal(before.GetProperty(field).GetInt32(), summaryAfter.GetProperty(field).GetInt32());
        Assert.Equal(before.GetProperty("woningequivalenten").GetDecimal(), summaryAfter.GetProperty("woningequivalenten").GetDecimal());
        var consentAfter = (await admin.Get($"api/projects/{Project}/consent")).Body.GetProperty("complexes")[0];
        Assert.Equal((8, 0, true), (consentAfter.GetProperty("agreed").GetInt32(), consentAfter.GetProperty("refused").GetInt32(), consentAfter.GetProperty("reached").GetBoolean()));
        Assert.Equal(consentBefore.GetProperty("agreedPercent").GetDecimal(), consentAfter.GetProperty("agreedPercent").GetDecimal());
        Assert.Equal(0, consentAfter.GetProperty("declarations").GetArrayLength());
        Assert.Equal("2027-11-01", consentAfter.GetProperty("answersRemovedOn").GetString());
        Assert.Equal(0, (await admin.Get($"api/projects/{Project}/consent/complexes/complex-x/declarations")).Body.GetProperty("total").GetInt32());
        var lateAnswer = await admin.Post($"api/projects/{Project}/consent/complexes/complex-x/declarations", new { declarations = new[] { new { postcode = Postcode, huisnummer = 9, response = "Akkoord", on = "2025-03-01" } } });
        Assert.Equal((HttpStatusCode.Conflict, "declarations-removed"), (lateAnswer.Status, lateAnswer.Code));

        // The audit trail keeps every earlier entry as it was, plus the erasures (without the erased data).
        var auditAfter = (await admin.Get($"api/cooperatives/{Coop}/members/audit?pageSize=200")).Body;
        var oldEntries = auditBefore.GetProperty("entries").EnumerateArray().Select(e => e.GetRawText()).ToList();
        var newEntries = auditAfter.GetProperty("entries").EnumerateArray().Select(e => e.GetRawText()).ToList();
        Assert.Equal(oldEntries, newEntries.Skip(newEntries.Count - oldEntries.Count));
        Assert.Contains(newEntries, e => e.Contains("members.erased"));

        // No table row holds the erased name or address, nor the removed consent addresses.
        var settingsFor = StorageSettings.From(new ConfigurationBuilder().AddInMemoryCollection(postgres is null
            ? new Dictionary<string, string?> { ["DataDir"] = dataDir }
            : new Dictionary<string, string?> { ["Storage:Provider"] = "PostgreSQL", ["Storage:ConnectionString"] = postgres }).Build());
        var found = await ScanAsync(new Database(settingsFor), [Name, "Zonderland", "zonderland", Postcode, OtherName, Email]);
        Assert.Empty(found);
    }

    /// <summary>Every row of every table, each value as text (blobs as UTF-8): where any of <paramref name="needles"/> occurs.</summary>
    internal static async Task<List<string>> ScanAsync(Database database, string[] needles)
    {
        await using var connection = await database.OpenAsync();
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = database.IsPostgres
                ? "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
                : "SELECT name FROM sqlite_master WHERE type = 'table'";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        }
        Assert.Contains("warmte_row", tables);
        Assert.Contains("warmte_journal", tables);
        var found = new List<string>();
        foreach (var table in tables)
        {
            await using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table}\"";
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    var value = reader.GetValue(i);
                    var text = value switch { byte[] b => Encoding.UTF8.GetString(b), DBNull => "", _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "" };
                    found.AddRange(needles.Where(n => text.Contains(n, StringComparison.Ordinal)).Select(n => $"{table}.{reader.GetName(i)}: {n}"));
                }
        }
        return found;
    }
}
