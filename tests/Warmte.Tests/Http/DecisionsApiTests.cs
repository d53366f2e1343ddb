using System.Net;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Http;

/// <summary>Members, ALV decisions, tenant consent and the Wcw check through the API, with who may see what.</summary>
public sealed class DecisionsApiTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private WarmteServer Server => fixture.Server;

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    private async Task<HttpClient> Token(string role) =>
        Server.Client((await Server.Client().Post("api/tokens", new { name = "Test " + role, role })).Text("token"));

    [Fact]
    public async Task Names_and_addresses_reach_only_the_own_board_and_admins_others_get_counts()
    {
        var admin = Server.Client();
        var coop = NewId("coop");
        var project = await ApiCalls.SeedCooperativeWithProject(admin, coop, NewId("proj"));
        await ApiCalls.SeedMembers(admin, coop);
        await admin.Put($"api/projects/{project}/consent/complexes/complex-a", new { name = "Complex A", corporation = "Stadgenoot", rentedHomes = 10, proposalDate = "2025-01-15" });
        await admin.Post($"api/projects/{project}/consent/complexes/complex-a/declarations",
            new { declarations = new[] { new { postcode = "1054 AB", huisnummer = 3, response = "Akkoord", on = "2025-02-01" } } });

        var board = await Token($"board:{coop}");
        var members = await board.Get($"api/cooperatives/{coop}/members");
        Assert.Equal(HttpStatusCode.OK, members.Status);
        Assert.Equal("1054 AB", members.Body[0].GetProperty("address").GetProperty("postcode").GetString());
        Assert.Equal(HttpStatusCode.OK, (await board.Get($"api/projects/{project}/consent")).Status);
        Assert.Equal(3, (await board.Get($"api/projects/{project}/consent")).Body.GetProperty("complexes")[0].GetProperty("declarations")[0].GetProperty("address").GetProperty("huisnummer").GetInt32());

        foreach (var other in new[] { await Token("financier"), await Token("coordinator"), await Token("board:andere-coop") })
        {
            var refused = await other.Get($"api/cooperatives/{coop}/members");
            Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
            Assert.DoesNotContain("Lid L-1", refused.Raw);
            Assert.Equal(HttpStatusCode.Forbidden, (await other.Get($"api/cooperatives/{coop}/members/L-1")).Status);
            var summary = await other.Get($"api/cooperatives/{coop}/members/summary");
            Assert.Equal(3, summary.Body.GetProperty("members").GetInt32());
            Assert.DoesNotContain("1054", summary.Raw);
            var consent = await other.Get($"api/projects/{project}/consent");
            Assert.Equal(1, consent.Body.GetProperty("complexes")[0].GetProperty("agreed").GetInt32());
            Assert.DoesNotContain("1054", consent.Raw);
            // The answers per address are the tenants' data, and tenants are not members: the refusal says so (tester4 T10h).
            foreach (var path in new[] { $"api/projects/{project}/consent/complexes/complex-a/declarations", $"api/projects/{project}/consent/audit" })
            {
                var answers = await other.Get(path);
                Assert.Equal(HttpStatusCode.Forbidden, answers.Status);
                Assert.Contains("huurders", answers.Raw);
                Assert.DoesNotContain("leden", answers.Raw);
                Assert.DoesNotContain("1054", answers.Raw);
            }
        }
    }

    [Fact]
    public async Task Only_the_own_board_writes_the_register_and_the_alv()
    {
        var admin = Server.Client();
        var coop = NewId("coop");
        await ApiCalls.SeedCooperativeWithProject(admin, coop, NewId("proj"));
        var otherBoard = await Token("board:andere-coop");
        var member = new { members = new[] { new { number = "L-9", name = "X", category = "huurder", postcode = "1054 AB", huisnummer = 1, joinedOn = "2020-01-01" } } };
        Assert.Equal(HttpStatusCode.Forbidden, (await otherBoard.Post($"api/cooperatives/{coop}/members", member)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await Token("financier")).Put($"api/cooperatives/{coop}/alv/statutes", new { })).Status);
        Assert.Equal(HttpStatusCode.OK, (await (await Token($"board:{coop}")).Post($"api/cooperatives/{coop}/members", member)).Status);
    }

    [Fact]
    public async Task A_member_who_joined_after_the_meeting_is_refused_naming_the_field_and_the_reason()
    {
        var admin = Server.Client();
        var coop = NewId("coop");
        var project = await ApiCalls.SeedCooperativeWithProject(admin, coop, NewId("proj"));
        await admin.Put($"api/cooperatives/{coop}/members/L-LAAT", new { name = "Laat", category = "huurder", postcode = "1054 AB", huisnummer = 5, joinedOn = "2025-01-01" });
        await admin.Post($"api/cooperatives/{coop}/alv/meetings", new
        {
            id = "alv", title = "ALV", date = "2024-12-14", noticeDate = "2024-11-30",
            proposals = new[] { new { id = "realisatiebesluit", title = "R", decisionType = "Realisatiebesluit", projectId = project } },
        });
        var before = (await admin.Get($"api/cooperatives/{coop}/alv/meetings/alv")).Raw;
        var refused = await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals/realisatiebesluit/ballots", new { memberNumber = "L-LAAT", choice = "Voor" });
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal(["memberNumber"], refused.ErrorFields);
        Assert.Contains("01-01-2025", refused.Raw);
        Assert.Equal(before, (await admin.Get($"api/cooperatives/{coop}/alv/meetings/alv")).Raw);

        var foreign = await admin.Post($"api/cooperatives/{coop}/alv/meetings", new
        {
            id = "alv-2", title = "ALV", date = "2024-12-14", noticeDate = "2024-11-30",
            proposals = new[] { new { id = "realisatiebesluit", title = "R", decisionType = "Realisatiebesluit", projectId = "bestaat-niet" } },
        });
        Assert.Equal(["proposals[0].projectId"], foreign.ErrorFields);
    }

    [Fact]
    public async Task The_gate_into_realisatie_shows_the_meeting_counts_and_consent_as_evidence()
    {
        var admin = Server.Client();
        var coop = NewId("coop");
        var project = await ApiCalls.SeedCooperativeWithProject(admin, coop, NewId("proj"));
        var date = new DateOnly(2019, 1, 1);
        foreach (var (to, keys) in new[]
                 {
                     ("Haalbaarheid", new[] { "bewonersgroep", "intentieverklaring" }),
                     ("Ontwikkeling", new[] { "haalbaarheidsstudie", "schetsontwerp", "eerste-businesscase", "juridische-knelpunten", "ontwikkelfinanciering" }),
                 })
        {
            foreach (var key in keys) await admin.Put($"api/projects/{project}/deliverables/{key}", new { presentOn = date.ToString("yyyy-MM-dd") });
            Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/projects/{project}/transitions", new { to, decidedOn = date.ToString("yyyy-MM-dd"), decidedBy = "ALV", rationale = "ok" })).Status);
            date = date.AddYears(1);
        }
        var manual = await admin.Put($"api/projects/{project}/deliverables/realisatiebesluit", new { presentOn = "2024-12-14" });
        Assert.Equal(["key"], manual.ErrorFields);

        await admin.Put($"api/projects/{project}/consent/complexes/complex-a", new { name = "Complex A", corporation = "Stadgenoot", rentedHomes = 10, proposalDate = "2025-01-15" });
        await admin.Post($"api/projects/{project}/consent/complexes/complex-a/declarations", new
        {
            declarations = Enumerable.Range(1, 7).Select(n => new { postcode = "1054 AB", huisnummer = n, response = "Akkoord", on = "2025-02-01" }),
        });
        await ApiCalls.SeedMembers(admin, coop);
        await admin.Post($"api/cooperatives/{coop}/alv/meetings", new
        {
            id = "alv-dec", title = "ALV", date = "2024-12-14", noticeDate = "2024-11-30",
            proposals = new[] { new { id = "realisatiebesluit", title = "R", decisionType = "Realisatiebesluit", projectId = project } },
        });
        await admin.Put($"api/cooperatives/{coop}/alv/meetings/alv-dec/proposals/realisatiebesluit/tally",
            new { @for = 2, against = 1, abstain = 0, present = new[] { "L-1", "L-2", "L-3" } });
        await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv-dec/proposals/realisatiebesluit/close", new { });

        var gate = await admin.Get($"api/projects/{project}/gate");
        var conditions = gate.Body.GetProperty("nextGate").GetProperty("conditions").EnumerateArray().ToDictionary(c => c.GetProperty("key").GetString()!);
        Assert.True(conditions["realisatiebesluit"].GetProperty("met").GetBoolean());
        Assert.Contains("alv-dec", conditions["realisatiebesluit"].GetProperty("evidence").GetString());
        Assert.Contains("2 voor, 1 tegen", conditions["realisatiebesluit"].GetProperty("evidence").GetString());
        Assert.True(conditions["huurdersinstemming"].GetProperty("met").GetBoolean());
        Assert.Contains("7 van 10", conditions["huurdersinstemming"].GetProperty("evidence").GetString());

        // A closed decision does not change; its correction is a new decision.
        var again = await admin.Put($"api/cooperatives/{coop}/alv/meetings/alv-dec/proposals/realisatiebesluit/tally", new { @for = 3, against = 0, abstain = 0, present = new[] { "L-1", "L-2", "L-3" } });
        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        Assert.Equal("proposal-closed", again.Code);
    }

    [Fact]
    public async Task A_statute_change_with_sixty_percent_is_rejected_after_statutes_with_only_a_default_tester_F14()
    {
        var admin = Server.Client();
        var coop = NewId("coop");
        await ApiCalls.SeedCooperativeWithProject(admin, coop, NewId("proj"));
        var members = await ApiCalls.SeedMembers(admin, coop, 5);
        // What a board naturally sends: only a default. The law's 2/3 for a statute change stays.
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/cooperatives/{coop}/alv/statutes", new { @default = new { quorum = "0" } })).Status);
        var statutes = await admin.Get($"api/cooperatives/{coop}/alv/statutes");
        var shown = statutes.Body.GetProperty("overrides").EnumerateArray().SingleOrDefault(o => o.GetProperty("type").GetString() == "Statutenwijziging");
        Assert.True(shown.ValueKind == System.Text.Json.JsonValueKind.Object, statutes.Raw);
        Assert.Equal("2/3", $"{shown.GetProperty("rule").GetProperty("majority").GetProperty("numerator").GetInt32()}/{shown.GetProperty("rule").GetProperty("majority").GetProperty("denominator").GetInt32()}");

        // A rule below the law is refused naming the field and the law, and changes nothing.
        var refused = await admin.Put($"api/cooperatives/{coop}/alv/statutes",
            new { overrides = new[] { new { decisionType = "Statutenwijziging", majority = "1/2" } } });
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal(["overrides[0].majority"], refused.ErrorFields);
        Assert.Contains("wet", refused.Raw);
        Assert.Equal(statutes.Raw, (await admin.Get($"api/cooperatives/{coop}/alv/statutes")).Raw);

        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/cooperatives/{coop}/alv/meetings", new
        {
            id = "alv-statuten", title = "Statuten", date = "2024-12-05", noticeDate = "2024-11-20",
            proposals = new[] { new { id = "statuten-2027", title = "Statuten 2027", decisionType = "Statutenwijziging" } },
        })).Status);
        foreach (var (member, choice) in members.Zip(new[] { "Voor", "Voor", "Voor", "Tegen", "Tegen" }))
            Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv-statuten/proposals/statuten-2027/ballots", new { memberNumber = member, choice })).Status);
        await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv-statuten/proposals/statuten-2027/close", new { });

        var proposal = (await admin.Get($"api/cooperatives/{coop}/alv/meetings/alv-statuten")).Body.GetProperty("proposals")[0];
        Assert.Equal("Verworpen", proposal.GetProperty("result").GetProperty("outcome").GetString());
        Assert.StartsWith("Verworpen: 3 voor, 2 tegen", proposal.GetProperty("resultText").GetString());
        Assert.Contains("minstens 2/3 vereist", proposal.GetProperty("resultText").GetString());
    }

    [Fact]
    public async Task A_rejected_realisatiebesluit_cannot_be_overturned_at_a_meeting_called_the_same_day_nor_backdated_review2_F1()
    {
        var admin = Server.Client();
        var coop = NewId("coop");
        var project = await ApiCalls.SeedCooperativeWithProject(admin, coop, NewId("proj"));
        await ApiCalls.SeedMembers(admin, coop);
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/cooperatives/{coop}/alv/meetings", new
        {
            id = "alv-a", title = "ALV voorjaar", date = "2024-06-01", noticeDate = "2024-05-15",
            proposals = new[] { new { id = "jaarrekening", title = "Jaarrekening", decisionType = "Overig" } },
        })).Status);
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/cooperatives/{coop}/alv/meetings", new
        {
            id = "alv", title = "ALV", date = "2024-12-14", noticeDate = "2024-11-30",
            proposals = new[] { new { id = "besluit", title = "R", decisionType = "Realisatiebesluit", projectId = project } },
        })).Status);
        await admin.Put($"api/cooperatives/{coop}/alv/meetings/alv/proposals/besluit/tally", new { @for = 1, against = 2, abstain = 0, present = new[] { "L-1", "L-2", "L-3" } });
        await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals/besluit/close", new { });
        var before = (await admin.Get($"api/cooperatives/{coop}/alv/meetings")).Raw;

        var spoed = await admin.Post($"api/cooperatives/{coop}/alv/meetings", new
        {
            id = "spoed", title = "Spoed", date = "2025-01-05", noticeDate = "2025-01-05",
            proposals = new[] { new { id = "opnieuw", title = "Opnieuw", decisionType = "Realisatiebesluit", projectId = project, corrects = "alv/besluit", correctionReason = "nog een keer stemmen" } },
        });
        Assert.Equal(HttpStatusCode.BadRequest, spoed.Status);
        Assert.Equal(["noticeDate"], spoed.ErrorFields);
        var backdated = await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv-a/proposals",
            new { id = "corr", title = "Correctie", decisionType = "Realisatiebesluit", projectId = project, corrects = "alv/besluit", correctionReason = "telfout" });
        Assert.Equal(HttpStatusCode.BadRequest, backdated.Status);
        Assert.Single(backdated.ErrorFields, f => f.EndsWith("corrects"));
        Assert.Equal(before, (await admin.Get($"api/cooperatives/{coop}/alv/meetings")).Raw);

        // A counting error of the same meeting is recounted there only within 14 days of the meeting (review3 F2):
        // this meeting was long ago, so a "correction" now is a new vote, refused here.
        var telfout = await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals",
            new { id = "telfout", title = "Correctie", decisionType = "Realisatiebesluit", projectId = project, corrects = "alv/besluit", correctionReason = "tweede zaal niet geteld" });
        Assert.Equal((HttpStatusCode.Conflict, "recount-period-over"), (telfout.Status, telfout.Code));
        Assert.Equal(before, (await admin.Get($"api/cooperatives/{coop}/alv/meetings")).Raw);
    }

    /// <summary>The service's date today in Amsterdam (this fixture runs on the real clock).</summary>
    private static NodaTime.LocalDate Today() => NodaTime.SystemClock.Instance.GetCurrentInstant().InZone(NodaTime.DateTimeZoneProviders.Tzdb["Europe/Amsterdam"]).Date;

    [Fact]
    public async Task A_same_meeting_correction_is_a_recount_of_that_meetings_votes_within_fourteen_days_review3_F2()
    {
        var admin = Server.Client();
        var coop = NewId("coop");
        var project = await ApiCalls.SeedCooperativeWithProject(admin, coop, NewId("proj"));
        await ApiCalls.SeedMembers(admin, coop, count: 5);
        var held = Today().PlusDays(-2);
        string Day(NodaTime.LocalDate d) => d.ToString("yyyy-MM-dd", null);
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/cooperatives/{coop}/alv/meetings", new
        {
            id = "alv", title = "ALV", date = Day(held), noticeDate = Day(held.PlusDays(-14)),
            proposals = new[] { new { id = "besluit", title = "R", decisionType = "Realisatiebesluit", projectId = project } },
        })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/cooperatives/{coop}/alv/meetings/alv/proposals/besluit/tally",
            new { @for = 3, against = 1, abstain = 0, present = new[] { "L-1", "L-2", "L-3", "L-4" } })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals/besluit/close", new { })).Status);
        var recount = new { id = "herstel", title = "Herstel telling", decisionType = "Realisatiebesluit", projectId = project, corrects = "alv/besluit", correctionReason = "telfout" };
        Assert.True((await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals", recount)).Status is HttpStatusCode.OK or HttpStatusCode.Created);

        // The reviewer's cases: closed with no votes; a new presence list.
        var empty = await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals/herstel/close", new { });
        Assert.Equal((HttpStatusCode.Conflict, "recount-empty"), (empty.Status, empty.Code));
        var outsider = await admin.Put($"api/cooperatives/{coop}/alv/meetings/alv/proposals/herstel/tally",
            new { @for = 2, against = 0, abstain = 0, present = new[] { "L-1", "L-5" } });
        Assert.Equal(HttpStatusCode.BadRequest, outsider.Status);
        Assert.Equal(["present[1]"], outsider.ErrorFields);
        Assert.Contains("L-5", outsider.Raw);
        var added = await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv/attendance", new { present = new[] { "L-5" } });
        Assert.Equal((HttpStatusCode.Conflict, "recount-open"), (added.Status, added.Code));

        // A genuine recount of the same four members closes and is the decision now.
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/cooperatives/{coop}/alv/meetings/alv/proposals/herstel/tally",
            new { @for = 1, against = 3, abstain = 0, present = new[] { "L-1", "L-2", "L-3", "L-4" } })).Status);
        var closed = await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals/herstel/close", new { });
        Assert.Equal(HttpStatusCode.OK, closed.Status);
        Assert.Equal("Verworpen", closed.Body.GetProperty("closed").GetProperty("result").GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task The_wcw_check_reports_the_route_and_what_is_missing()
    {
        var admin = Server.Client();
        var project = await ApiCalls.SeedCooperativeWithProject(admin, NewId("coop"), NewId("proj"));
        var before = await admin.Get($"api/projects/{project}/wcw");
        Assert.Equal("Geen", before.Text("route"));
        Assert.False(before.Body.GetProperty("profileRecorded").GetBoolean());
        var bad = await admin.Put($"api/projects/{project}/wcw", new { publicSharePercent = 120 });
        Assert.Equal(["publicSharePercent"], bad.ErrorFields);
        var set = await admin.Put($"api/projects/{project}/wcw", new { publicSharePercent = 0, legalEntity = true, sustainableMainSource = true, noProfitMotive = true, openVoluntaryMembership = true, memberControl = true });
        Assert.Equal("Warmtegemeenschap", set.Text("route"));
        Assert.Equal("Middel", set.Text("sizeBand"));
    }
}
