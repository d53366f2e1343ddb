using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using NodaTime;
using NodaTime.Testing;
using Warmte.Silo.Storage;
using Warmte.Tests.Infrastructure;
using Warmte.Tests.Storage;

namespace Warmte.Tests.Decisions;

/// <summary>
/// Review F1 / tester A5 and review F7 through the API on a real database: after <c>leave</c> and <c>erase</c>, a
/// re-sent member list and a PUT without <c>leftOn</c> change neither the write-out nor the erasure (the erased name
/// is in no table afterwards); only the audited <c>rejoin</c> clears a <c>leftOn</c>; a <c>leftOn</c> more than five
/// years ahead is a 400 naming <c>leftOn</c> and changes nothing; the retention pass keeps working.
/// </summary>
public sealed class MemberReimportTests
{
    private const string Coop = "reimport-coop";
    private const string Erased = "Pieternella Jansen-Oudkerk";
    private const string ErasedPostcode = "1073 AD";
    private const string ErasedEmail = "p.oudkerk@voorbeeld.nl";

    [Fact]
    public async Task On_sqlite_a_reimport_or_put_keeps_leave_and_erasure_and_only_rejoin_clears_leftOn() => await Story(null);

    [Fact]
    public async Task On_postgresql_a_reimport_or_put_keeps_leave_and_erasure_and_only_rejoin_clears_leftOn()
    {
        var pg = await PostgresServer.GetAsync();
        await Story(await pg.CreateDatabaseAsync());
    }

    /// <summary>The treasurer's list: no Uitgeschreven, Stemgerechtigd, WEQ or E-mail column (properties left out).</summary>
    private static object[] List() =>
    [
        new { number = "Z-001", name = "Anna de Vries", category = "huurder", postcode = "1073 AB", huisnummer = 1, joinedOn = "2024-05-01" },
        new { number = "Z-004", name = Erased, category = "huurder", postcode = ErasedPostcode, huisnummer = 18, joinedOn = "2024-05-01" },
        new { number = "Z-009", name = "Kees Bakker", category = "eigenaar-bewoner", postcode = "1073 AB", huisnummer = 9, joinedOn = "2024-05-01" },
        new { number = "Z-010", name = "Ria Mulder", category = "huurder", postcode = "1073 AJ", huisnummer = 30, joinedOn = "2024-06-01" },
    ];

    private static async Task Story(string? postgres)
    {
        var clock = new FakeClock(Instant.FromUtc(2026, 12, 6, 11, 0));
        var dataDir = WarmteServer.NewDataDir();
        await using var server = await WarmteServer.StartAsync(dataDir, postgres, clock);
        var admin = server.Client();
        await ApiCalls.SeedCooperativeWithProject(admin, Coop, "reimport-project");
        var members = $"api/cooperatives/{Coop}/members";

        Assert.Equal(HttpStatusCode.OK, (await admin.Post(members, new { members = List() })).Status);
        // Set by the board, not in the treasurer's list: a second vote-weight, no voting right, an e-mail address.
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"{members}/Z-009", new
        {
            name = "Kees Bakker", category = "eigenaar-bewoner", postcode = "1073 AB", huisnummer = 9, joinedOn = "2024-05-01",
            woningequivalenten = 2.5m, eligibleToVote = false, email = "kees@voorbeeld.nl",
        })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"{members}/Z-004", new
        {
            name = Erased, category = "huurder", postcode = ErasedPostcode, huisnummer = 18, joinedOn = "2024-05-01", email = ErasedEmail,
        })).Status);

        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"{members}/Z-004/leave", new { leftOn = "2026-12-06" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"{members}/Z-004/erase", new { })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"{members}/Z-009/leave", new { leftOn = "2026-12-15" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"{members}/Z-010/leave", new { leftOn = "2026-11-10" })).Status);
        var registerBefore = (await admin.Get(members)).Raw;
        var summaryBefore = (await admin.Get($"{members}/summary")).Body;
        Assert.Equal((2, 2), (summaryBefore.GetProperty("members").GetInt32(), summaryBefore.GetProperty("formerMembers").GetInt32()));

        // The dry run counts what would change and names the erased row; it stores nothing.
        var dry = await admin.Post(members, new { members = List(), dryRun = true });
        Assert.Equal(HttpStatusCode.OK, dry.Status);
        Assert.Equal((0, 0, 3, true), (dry.Body.GetProperty("created").GetInt32(), dry.Body.GetProperty("updated").GetInt32(),
            dry.Body.GetProperty("unchanged").GetInt32(), dry.Body.GetProperty("dryRun").GetBoolean()));
        var erasedRow = Assert.Single(dry.Body.GetProperty("erased").EnumerateArray());
        Assert.Equal("members[1].number", erasedRow.GetProperty("field").GetString());
        Assert.Contains("lid Z-004 is gewist op 06-12-2026 (AVG)", erasedRow.GetProperty("reason").GetString());

        // The same list again: nothing changes, the erased row is answered, not stored.
        var again = await admin.Post(members, new { members = List() });
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal((0, 0, 3), (again.Body.GetProperty("created").GetInt32(), again.Body.GetProperty("updated").GetInt32(), again.Body.GetProperty("unchanged").GetInt32()));
        Assert.Equal("members[1].number", Assert.Single(again.Body.GetProperty("erased").EnumerateArray()).GetProperty("field").GetString());
        Assert.Equal(registerBefore, (await admin.Get(members)).Raw);
        Assert.Equal(summaryBefore.GetRawText(), (await admin.Get($"{members}/summary")).Body.GetRawText());

        // A changed name in the list updates the name and nothing the list does not give.
        var renamed = List().Select(m => m).ToArray();
        renamed[2] = new { number = "Z-009", name = "Kees Bakker-Smit", category = "eigenaar-bewoner", postcode = "1073 AB", huisnummer = 9, joinedOn = "2024-05-01" };
        Assert.Equal(1, (await admin.Post(members, new { members = renamed })).Body.GetProperty("updated").GetInt32());
        var nine = (await admin.Get($"{members}/Z-009")).Body;
        Assert.Equal(("Kees Bakker-Smit", "2026-12-15", 2.5m, false, "kees@voorbeeld.nl"), (nine.GetProperty("name").GetString(), nine.GetProperty("leftOn").GetString(),
            nine.GetProperty("woningequivalenten").GetDecimal(), nine.GetProperty("eligibleToVote").GetBoolean(), nine.GetProperty("email").GetString()));

        // A PUT of the erased member is refused (409, naming the erasure) and changes nothing; a PUT without leftOn keeps it.
        var put = await admin.Put($"{members}/Z-004", new { name = Erased, category = "huurder", postcode = ErasedPostcode, huisnummer = 18, joinedOn = "2024-05-01" });
        Assert.Equal((HttpStatusCode.Conflict, "member-erased"), (put.Status, put.Code));
        Assert.Contains("gewist op 06-12-2026 (AVG)", put.Raw);
        var four = (await admin.Get($"{members}/Z-004")).Body;
        Assert.Equal(("(gewist)", JsonValueKind.Null, "2026-12-06", "2026-12-06"), (four.GetProperty("name").GetString(), four.GetProperty("address").ValueKind,
            four.GetProperty("leftOn").GetString(), four.GetProperty("erasedOn").GetString()));
        var ten = await admin.Put($"{members}/Z-010", new { name = "Ria Mulder", category = "huurder", postcode = "1073 AJ", huisnummer = 30, joinedOn = "2024-06-01", email = "" });
        Assert.Equal(HttpStatusCode.OK, ten.Status);
        Assert.Equal("2026-11-10", ten.Body.GetProperty("leftOn").GetString());
        // A join date on or after the kept leftOn is refused, naming joinedOn and the write-out.
        var late = await admin.Put($"{members}/Z-010", new { name = "Ria Mulder", category = "huurder", postcode = "1073 AJ", huisnummer = 30, joinedOn = "2026-11-20" });
        Assert.Equal(HttpStatusCode.BadRequest, late.Status);
        Assert.Equal(["joinedOn"], late.ErrorFields);
        Assert.Contains("10-11-2026", late.Raw);

        // Review F7: a leftOn more than five years ahead is refused by leave, PUT and a list; nothing changes.
        foreach (var far in new[] { "9999-12-31", "2962-01-01", "2031-12-07" })
        {
            var leave = await admin.Post($"{members}/Z-001/leave", new { leftOn = far });
            Assert.Equal(HttpStatusCode.BadRequest, leave.Status);
            Assert.Equal(["leftOn"], leave.ErrorFields);
            var farPut = await admin.Put($"{members}/Z-001", new { name = "Anna de Vries", category = "huurder", postcode = "1073 AB", huisnummer = 1, joinedOn = "2024-05-01", leftOn = far });
            Assert.Equal(["leftOn"], farPut.ErrorFields);
            var farList = await admin.Post(members, new { members = new[] { new { number = "Z-001", name = "Anna de Vries", category = "huurder", postcode = "1073 AB", huisnummer = 1, joinedOn = "2024-05-01", leftOn = far } } });
            Assert.Equal(["members[0].leftOn"], farList.ErrorFields);
        }
        Assert.Equal(JsonValueKind.Null, (await admin.Get($"{members}/Z-001")).Body.GetProperty("leftOn").ValueKind); // the refusals changed nothing
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"{members}/Z-001/leave", new { leftOn = "2031-12-06" })).Status); // exactly five years: a notice
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/cooperatives/{Coop}/privacy", new { formerMemberRetentionMonths = 600 })).Status);
        var run = await admin.Post($"api/cooperatives/{Coop}/privacy/retention-run", new { });
        Assert.Equal(HttpStatusCode.OK, run.Status);
        Assert.Equal(0, run.Body.GetProperty("erasedMembers").GetArrayLength());

        // Only rejoin clears a leftOn: the board's or an admin's, audited; an erased member cannot come back.
        var other = "reimport-other";
        await ApiCalls.SeedCooperativeWithProject(admin, other, "reimport-other-project");
        foreach (var role in new[] { "reader", $"board:{other}", "financier" })
        {
            var outsider = server.Client((await admin.Post("api/tokens", new { name = "Buitenstaander", role })).Text("token"));
            Assert.Equal(HttpStatusCode.Forbidden, (await outsider.Post($"{members}/Z-010/rejoin", new { })).Status);
        }
        Assert.Equal("2026-11-10", (await admin.Get($"{members}/Z-010")).Body.GetProperty("leftOn").GetString());
        var back = await admin.Post($"{members}/Z-010/rejoin", new { });
        Assert.Equal(HttpStatusCode.OK, back.Status);
        Assert.Equal(JsonValueKind.Null, back.Body.GetProperty("leftOn").ValueKind);
        var audit = (await admin.Get($"{members}/audit?pageSize=200")).Raw;
        Assert.Contains("members.rejoined", audit);
        Assert.Contains("Uitschrijving van lid Z-010 per 10-11-2026 ingetrokken", audit);
        var history = (await admin.Get($"{members}/Z-010/export")).Body.GetProperty("register").GetProperty("history").EnumerateArray()
            .Select(h => h.GetProperty("fact").GetProperty("change").GetString()).ToList();
        Assert.Equal("rejoined", history[^1]);
        var erasedBack = await admin.Post($"{members}/Z-004/rejoin", new { });
        Assert.Equal((HttpStatusCode.Conflict, "member-erased"), (erasedBack.Status, erasedBack.Code));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Post($"{members}/Z-404/rejoin", new { })).Status);

        // The erased member's name, address and e-mail address are in no table, after all of this.
        var settings = StorageSettings.From(new ConfigurationBuilder().AddInMemoryCollection(postgres is null
            ? new Dictionary<string, string?> { ["DataDir"] = dataDir }
            : new Dictionary<string, string?> { ["Storage:Provider"] = "PostgreSQL", ["Storage:ConnectionString"] = postgres }).Build());
        Assert.Empty(await MemberPrivacyTests.ScanAsync(new Database(settings), [Erased, "Oudkerk", ErasedPostcode, ErasedEmail]));
    }
}
