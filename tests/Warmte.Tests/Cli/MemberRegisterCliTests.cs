using System.Net;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Cli;

/// <summary>
/// Tester findings on the member register, against the real service (API and CLI): nobody joins before the cooperative
/// was founded (F13), and a member can be written out on the command line, which the erasure's refusal names (F13).
/// </summary>
public sealed class MemberRegisterCliTests(CliServerFixture fixture) : IClassFixture<CliServerFixture>
{
    private WarmteServer Server => fixture.Server;

    private Task<CliResult> Warmte(params string[] args) => CliHarness.Run(CliHarness.Env(Server.BaseUrl, Server.AdminToken), handler: null, args);

    /// <summary>A new cooperative; ApiCalls seeds it founded on 18-12-2019.</summary>
    private async Task<string> NewCooperative()
    {
        var coop = $"coop-{Guid.NewGuid().ToString("N")[..8]}";
        await ApiCalls.SeedCooperativeWithProject(Server.Client(), coop, $"proj-{Guid.NewGuid().ToString("N")[..8]}");
        Assert.Equal("2019-12-18", (await Server.Client().Get($"api/cooperatives/{coop}")).Body.GetProperty("cooperative").GetProperty("foundedOn").GetString());
        return coop;
    }

    private static object Member(string number, string joinedOn, string? leftOn = null) => new
    {
        number, name = "Anna de Vries", category = "huurder", woningequivalenten = 1, postcode = "1091 GM", huisnummer = 14, joinedOn, leftOn,
    };

    [Fact]
    public async Task A_join_date_before_the_founding_is_refused_by_the_api_naming_joinedOn_and_the_founding_date()
    {
        var coop = await NewCooperative();
        var admin = Server.Client();

        var one = await admin.Put($"api/cooperatives/{coop}/members/5002", Member("5002", "1990-01-01"));
        Assert.Equal(HttpStatusCode.BadRequest, one.Status);
        Assert.Equal(["joinedOn"], one.ErrorFields);
        Assert.Contains("18-12-2019", one.Raw);
        Assert.Contains("01-01-1990", one.Raw);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Get($"api/cooperatives/{coop}/members/5002")).Status);

        var bulk = await admin.Post($"api/cooperatives/{coop}/members", new { members = new[] { Member("1", "2019-12-18"), Member("2", "2019-12-17") } });
        Assert.Equal(HttpStatusCode.BadRequest, bulk.Status);
        Assert.Equal(["members[1].joinedOn"], bulk.ErrorFields);
        var defaulted = await admin.Post($"api/cooperatives/{coop}/members", new
        {
            members = new[] { new { number = "3", name = "Piet", category = "huurder", postcode = "1091 GM", huisnummer = 15 } }, joinedOn = "2018-05-01",
        });
        Assert.Equal(HttpStatusCode.BadRequest, defaulted.Status);
        Assert.Equal(["joinedOn"], defaulted.ErrorFields);
        Assert.Equal(0, (await admin.Get($"api/cooperatives/{coop}/members/summary")).Body.GetProperty("members").GetInt32());

        // The founding day itself is a valid join date.
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/cooperatives/{coop}/members/5002", Member("5002", "2019-12-18"))).Status);
    }

    /// <summary>
    /// The other direction: moving the founding date later than a member already stored is refused (API 400 on
    /// foundedOn, naming that member and their join date; nothing changes, no audit entry), through the API and the
    /// CLI's <c>cooperative update</c>; the first member's join date itself, an earlier date and the unchanged date are fine.
    /// </summary>
    [Fact]
    public async Task A_founding_date_after_a_stored_members_join_date_is_refused_by_the_api_and_the_cli()
    {
        var coop = await NewCooperative();
        var admin = Server.Client();
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/cooperatives/{coop}/members/7", Member("7", "2021-05-10"))).Status);
        // The earliest join belongs to a member who has left since: still stored, still a member from that date.
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/cooperatives/{coop}/members/12", Member("12", "2020-03-02", leftOn: "2022-01-01"))).Status);
        var auditBefore = (await admin.Get($"api/cooperatives/{coop}/audit")).Body.GetProperty("total").GetInt32();

        var later = await admin.Patch($"api/cooperatives/{coop}", new { foundedOn = "2020-06-01" });
        Assert.Equal(HttpStatusCode.BadRequest, later.Status);
        Assert.Equal(["foundedOn"], later.ErrorFields);
        Assert.Contains("01-06-2020 ligt na de toetreding van lid 12 op 02-03-2020", later.Raw);
        var stored = await admin.Get($"api/cooperatives/{coop}");
        Assert.Equal("2019-12-18", stored.Body.GetProperty("cooperative").GetProperty("foundedOn").GetString());
        Assert.Equal(auditBefore, (await admin.Get($"api/cooperatives/{coop}/audit")).Body.GetProperty("total").GetInt32());

        var cli = await Warmte("cooperative", "update", coop, "--founded", "03-03-2020");
        Assert.Equal(1, cli.ExitCode);
        Assert.Contains("foundedOn", cli.Err);
        Assert.Contains("03-03-2020 ligt na de toetreding van lid 12 op 02-03-2020", cli.Err);
        Assert.Contains("In deze opdracht: foundedOn is --founded.", cli.Err);
        // Tester5 T10b: an empty name is refused under the API's field, and the CLI says which option that is.
        var empty = await Warmte("cooperative", "update", coop, "--name", "", "--municipality", " ");
        Assert.Equal(1, empty.ExitCode);
        Assert.Contains("statutoryName", empty.Err);
        Assert.Contains("In deze opdracht: ", empty.Err);
        Assert.Contains("statutoryName is --name", empty.Err);
        Assert.Contains("municipality is --municipality", empty.Err);
        Assert.Equal("2019-12-18", (await admin.Get($"api/cooperatives/{coop}")).Body.GetProperty("cooperative").GetProperty("foundedOn").GetString());

        // The day of the first join is allowed; so is the unchanged date and an earlier one.
        var same = await Warmte("cooperative", "update", coop, "--founded", "2020-03-02");
        Assert.True(same.ExitCode == 0, same.ToString());
        Assert.Contains("02-03-2020", same.Out);
        Assert.Equal(HttpStatusCode.OK, (await admin.Patch($"api/cooperatives/{coop}", new { foundedOn = "2020-03-02" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Patch($"api/cooperatives/{coop}", new { foundedOn = "2019-01-01" })).Status);
        Assert.Equal("2019-01-01", (await admin.Get($"api/cooperatives/{coop}")).Body.GetProperty("cooperative").GetProperty("foundedOn").GetString());
    }

    /// <summary>
    /// A founding date checked against the members (the cooperative asks the register) and a member write (the
    /// register asks the cooperative for its founding date) at the same moment: each grain waits on the other, so the
    /// cooperative's reads the register needs interleave; without that both calls hang until Orleans' response timeout.
    /// </summary>
    [Fact]
    public async Task A_founding_date_change_and_member_writes_at_the_same_time_both_complete()
    {
        var coop = await NewCooperative();
        var admin = Server.Client();
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/cooperatives/{coop}/members/1", Member("1", "2021-05-10"))).Status);
        for (var round = 0; round < 10; round++)
        {
            var founded = admin.Patch($"api/cooperatives/{coop}", new { foundedOn = round % 2 == 0 ? "2019-01-01" : "2019-12-18" });
            var members = Enumerable.Range(0, 4).Select(i => admin.Put($"api/cooperatives/{coop}/members/{100 + round * 4 + i}", Member($"{100 + round * 4 + i}", "2021-06-01"))).ToList();
            var all = await Task.WhenAll([founded, .. members]).WaitAsync(TimeSpan.FromSeconds(20));
            Assert.All(all, answer => Assert.Equal(HttpStatusCode.OK, answer.Status));
        }
    }

    [Fact]
    public async Task The_member_import_and_its_dry_run_name_a_join_date_before_the_founding()
    {
        var coop = await NewCooperative();
        var csv = Path.Combine(Path.GetTempPath(), $"warmte-leden-{Guid.NewGuid():N}.csv");
        File.WriteAllText(csv, "Lidnummer;Naam;Soort;Postcode;Huisnummer;Lid sinds\r\n"
            + "A-1;Zoë;huurder;1091 GM;14;01-01-1990\r\nA-2;Eva;huurder;1091 GM;15;01-06-2021\r\n");
        try
        {
            var dry = await Warmte("import", "members", coop, csv, "--dry-run");
            Assert.Equal(1, dry.ExitCode);
            Assert.Contains("rij 2", dry.Err);
            Assert.Contains("01-01-1990 ligt vóór de oprichting van de coöperatie (18-12-2019)", dry.Err);
            Assert.Contains("Proefrun: er is niets verstuurd.", dry.Out);

            var sent = await Warmte("import", "members", coop, csv);
            Assert.Equal(1, sent.ExitCode);
            Assert.Contains("01-01-1990 ligt vóór de oprichting van de coöperatie (18-12-2019)", sent.Err);
            Assert.Equal(0, (await Server.Client().Get($"api/cooperatives/{coop}/members/summary")).Body.GetProperty("members").GetInt32());
            CliHarness.AssertNoStackTrace(sent);
        }
        finally
        {
            File.Delete(csv);
        }
    }

    [Fact]
    public async Task Erasing_a_current_member_names_the_command_that_writes_them_out_and_after_it_erasure_works()
    {
        var coop = await NewCooperative();
        var admin = Server.Client();
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/cooperatives/{coop}/members/KWG-0003", Member("KWG-0003", "2020-01-01"))).Status);

        // Writing a member out is the own board's or an admin's: a reader and another cooperative's board are refused, nothing changes.
        var other = await NewCooperative();
        foreach (var role in new[] { "reader", $"board:{other}", "financier" })
        {
            var outsider = Server.Client((await admin.Post("api/tokens", new { name = "Buitenstaander", role })).Text("token"));
            var forbidden = await outsider.Post($"api/cooperatives/{coop}/members/KWG-0003/leave", new { leftOn = "2025-06-30" });
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.Status);
        }
        Assert.Equal(System.Text.Json.JsonValueKind.Null, (await admin.Get($"api/cooperatives/{coop}/members/KWG-0003")).Body.GetProperty("leftOn").ValueKind);
        Assert.Equal(["leftOn"], (await admin.Post($"api/cooperatives/{coop}/members/KWG-0003/leave", new { })).ErrorFields);

        var refused = await Warmte("privacy", "erase", coop, "KWG-0003");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains($"warmte member leave {coop} KWG-0003 --on JJJJ-MM-DD", refused.Err);

        var tooEarly = await Warmte("member", "leave", coop, "KWG-0003", "--on", "2019-06-30");
        Assert.NotEqual(0, tooEarly.ExitCode);
        Assert.Contains("ligt niet na de datum van toetreden (01-01-2020)", tooEarly.Err);
        var unknown = await Warmte("member", "leave", coop, "KWG-9999", "--on", "2025-06-30");
        Assert.NotEqual(0, unknown.ExitCode);

        var left = await Warmte("member", "leave", coop, "KWG-0003", "--on", "2025-06-30");
        Assert.True(left.ExitCode == 0, left.ToString());
        Assert.Contains("uitgeschreven per 30-06-2025", left.Out);
        var member = (await admin.Get($"api/cooperatives/{coop}/members/KWG-0003")).Body;
        Assert.Equal("2025-06-30", member.GetProperty("leftOn").GetString());
        Assert.Equal("Anna de Vries", member.GetProperty("name").GetString());

        var erased = await Warmte("privacy", "erase", coop, "KWG-0003");
        Assert.True(erased.ExitCode == 0, erased.ToString());
        Assert.Contains("gewist", erased.Out);

        var help = await Warmte("member", "leave", "--help");
        Assert.Contains("--on", help.Out);
    }

    [Fact]
    public async Task A_dry_run_the_service_cannot_check_still_reports_the_file_and_says_so()
    {
        // A reader may not write the register, so the service's check (dryRun) is refused: the file's own check still stands.
        var coop = await NewCooperative();
        var reader = (await Server.Client().Post("api/tokens", new { name = "Lezer", role = "reader" })).Text("token");
        var csv = Path.Combine(Path.GetTempPath(), $"warmte-leden-{Guid.NewGuid():N}.csv");
        File.WriteAllText(csv, "Lidnummer;Naam;Soort;Postcode;Huisnummer;Lid sinds\r\nA-1;Zoë;huurder;1091 GM;14;01-06-2021\r\n");
        try
        {
            var dry = await CliHarness.Run(CliHarness.Env(Server.BaseUrl, reader), handler: null, "import", "members", coop, csv, "--dry-run");
            Assert.True(dry.ExitCode == 0, dry.ToString());
            Assert.Contains("De dienst kon de rijen niet tegen het ledenregister controleren (HTTP 403)", dry.Out);
            Assert.Contains("rij 2: A-1 Zoë (huurder), 1091 GM 14", dry.Out);
            Assert.Contains("Proefrun: er is niets verstuurd.", dry.Out);
            Assert.Equal(0, (await Server.Client().Get($"api/cooperatives/{coop}/members/summary")).Body.GetProperty("members").GetInt32());
        }
        finally
        {
            File.Delete(csv);
        }
    }
}
