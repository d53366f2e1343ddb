using System.Net;
using Warmte.Silo.Auth;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Http;

public sealed class DemoAndTokenCommandTests
{
    [Fact]
    public async Task The_demo_seeds_apec_with_ketelhuiswg_from_the_domain_facts_and_loads_only_once()
    {
        await using var server = await WarmteServer.StartAsync();
        var admin = server.Client();
        var first = await admin.Post("api/demo", new { });
        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.True(first.Body.GetProperty("loaded").GetBoolean());

        var project = await admin.Get("api/projects/wg-terrein");
        Assert.Equal("Realisatie", project.Text("phase"));
        Assert.Equal(1500, project.Body.GetProperty("woningequivalenten").GetInt32());
        // The realisatiebesluit is the ALV's decision of 14-12-2024 with the seed's 96% of the votes.
        var meeting = await admin.Get("api/cooperatives/ketelhuiswg/alv/meetings/alv-2024-12-14");
        var decision = meeting.Body.GetProperty("proposals")[0];
        Assert.Equal("Aangenomen", decision.GetProperty("result").GetProperty("outcome").GetString());
        Assert.Equal(96m, decision.GetProperty("result").GetProperty("forPercent").GetDecimal());
        var consent = await admin.Get("api/projects/wg-terrein/consent");
        Assert.True(consent.Body.GetProperty("allReached").GetBoolean());
        Assert.All(consent.Body.GetProperty("complexes").EnumerateArray(), c => Assert.Equal("Stadgenoot", c.GetProperty("corporation").GetString()));
        var lastConnection = project.Body.GetProperty("milestones").EnumerateArray().Single(m => m.GetProperty("key").GetString() == "laatste-aansluiting");
        Assert.Equal("2027-08-31", lastConnection.GetProperty("plannedOn").GetString());
        var coop = await admin.Get("api/cooperatives/ketelhuiswg");
        Assert.Equal("2019-12-18", coop.Body.GetProperty("cooperative").GetProperty("foundedOn").GetString());

        var apec = await admin.Get("api/umbrellas/apec");
        var rows = apec.Body.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(5, rows.Select(r => r.GetProperty("cooperativeId").GetString()).Distinct().Count());
        // Everything that is not KetelhuisWG says it is fictional.
        Assert.All(rows.Where(r => r.GetProperty("cooperativeId").GetString() != "ketelhuiswg"),
            r => Assert.Contains("fictief", r.GetProperty("cooperativeName").GetString()));
        Assert.Equal(4, rows.Select(r => r.GetProperty("kind").GetString()).Distinct().Count());
        // The comparison carries the money side: grants and the latest business case.
        var wg = rows.Single(r => r.GetProperty("projectId").GetString() == "wg-terrein").GetProperty("finance");
        Assert.Equal(7_700_000m, wg.GetProperty("subsidiesGranted").GetDecimal());
        Assert.Equal(2_700_000m, wg.GetProperty("subsidiesOutstanding").GetDecimal());
        Assert.Equal(30_000_000m, wg.GetProperty("investment").GetDecimal());
        Assert.True(wg.GetProperty("financingCloses").GetBoolean());

        // The PAW grant shows the stall pattern: € 1 M tranches, 9-12 months from request to payment.
        var paw = await admin.Get("api/projects/wg-terrein/grants/paw");
        Assert.Equal(7_700_000m, paw.Body.GetProperty("grant").GetProperty("amountGranted").GetDecimal());
        Assert.Equal(5_000_000m, paw.Body.GetProperty("totalPaid").GetDecimal());
        Assert.InRange(paw.Body.GetProperty("leadTimes").GetProperty("requestToPaymentDays").GetInt32(), 270, 370);
        Assert.Equal("VerantwoordingIngediend", paw.Body.GetProperty("grant").GetProperty("tranches")[5].GetProperty("status").GetString());
        var businessCases = await admin.Get("api/projects/wg-terrein/business-cases");
        Assert.True(businessCases.Body[0].GetProperty("kpis").GetProperty("financingCloses").GetBoolean());
        // F15 in the comparison: "Financiering rond" carries the cash gap in time of the same saved version, in the CLI's words.
        var saved = businessCases.Body[businessCases.Body.GetArrayLength() - 1].GetProperty("kpis");
        var lowest = saved.GetProperty("lowestCashBalance").GetDecimal();
        var lowestYear = saved.GetProperty("lowestCashBalanceYear").GetInt32();
        Assert.True(lowest < 0m, $"the demo's business case dips below zero in a year (lowest {lowest})");
        Assert.Equal(lowest, wg.GetProperty("lowestCashBalance").GetDecimal());
        Assert.Equal(lowestYear, wg.GetProperty("lowestCashBalanceYear").GetInt32());
        Assert.Equal(-lowest, wg.GetProperty("bridgingNeeded").GetDecimal());
        var wholeEuros = decimal.Round(-lowest, 0, MidpointRounding.AwayFromZero).ToString("#,##0", System.Globalization.CultureInfo.GetCultureInfo("nl-NL"));
        Assert.Equal($"ja, overbrugging € {wholeEuros} in {lowestYear}", wg.GetProperty("financingClosesText").GetString());

        var auditBefore = (await admin.Get("api/projects/wg-terrein/audit")).Body.GetProperty("total").GetInt32();
        var second = await admin.Post("api/demo", new { });
        Assert.False(second.Body.GetProperty("loaded").GetBoolean());
        Assert.Equal(auditBefore, (await admin.Get("api/projects/wg-terrein/audit")).Body.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task The_token_command_creates_and_revokes_tokens_in_the_database_of_a_running_silo()
    {
        await using var server = await WarmteServer.StartAsync();
        var (output, errors) = (new StringWriter(), new StringWriter());
        var created = await Silo.Hosting.SiloCommandLine.RunAsync(
            ["token", "create", "--role", "board:ketelhuiswg", "--name", "Bestuur KetelhuisWG", "--data-dir", server.DataDir], output, errors);
        // The command's own words on failure, so a red run says why (CI once saw exit 1 here with nothing to go on).
        Assert.True(created == 0, $"token create exit {created}: {errors}");
        var lines = output.ToString().Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var token = Assert.Single(lines, l => l.StartsWith(TokenStore.Prefix, StringComparison.Ordinal));
        var id = lines[0].Split(' ')[1];

        var status = await server.Client(token).Get("api/status");
        Assert.Equal(HttpStatusCode.OK, status.Status);
        Assert.Equal("board:ketelhuiswg", status.Body.GetProperty("caller").GetProperty("role").GetString());

        errors = new StringWriter();
        var revoked = await Silo.Hosting.SiloCommandLine.RunAsync(["token", "revoke", id, "--data-dir", server.DataDir], output, errors);
        Assert.True(revoked == 0, $"token revoke exit {revoked}: {errors}");
        Assert.Equal(1, await TokenCommand.RunAsync(["revoke", id, "--data-dir", server.DataDir]));
        Assert.Equal(1, await TokenCommand.RunAsync(["create", "--role", "koning", "--name", "x", "--data-dir", server.DataDir]));
        // The silo caches token lookups for a few seconds; after that the revoked token is refused.
        await Task.Delay(TokenStore.CacheFor.ToTimeSpan() + TimeSpan.FromMilliseconds(500));
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Client(token).Get("api/status")).Status);
    }

    /// <summary>
    /// Tester F13: a board token for a cooperative that does not exist was made silently. It is still made (tokens are made
    /// before the data exists, e.g. before the first start with --demo), but both ways say so and name the cooperative.
    /// </summary>
    [Fact]
    public async Task A_board_token_for_a_cooperative_that_does_not_exist_is_made_with_a_warning_naming_it()
    {
        await using var server = await WarmteServer.StartAsync();
        var admin = server.Client();
        await ApiCalls.SeedCooperativeWithProject(admin, "zuidwarmte", "warmtenet-zuid");

        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        Assert.Equal(0, await Silo.Hosting.SiloCommandLine.RunAsync(
            ["token", "create", "--role", "board:zuidwarmt", "--name", "Bestuur (typfout)", "--data-dir", server.DataDir], stdout, stderr));
        Assert.Contains(TokenStore.Prefix, stdout.ToString());
        Assert.Contains("coöperatie 'zuidwarmt' bestaat (nog) niet", stderr.ToString());

        (stdout, stderr) = (new StringWriter(), new StringWriter());
        Assert.Equal(0, await Silo.Hosting.SiloCommandLine.RunAsync(
            ["token", "create", "--role", "board:zuidwarmte", "--name", "Bestuur", "--data-dir", server.DataDir], stdout, stderr));
        Assert.Contains(TokenStore.Prefix, stdout.ToString());
        Assert.Equal("", stderr.ToString());

        var typo = await admin.Post("api/tokens", new { name = "Bestuur (typfout)", role = "board:zuidwarmt" });
        Assert.Equal(HttpStatusCode.Created, typo.Status);
        Assert.Contains("coöperatie 'zuidwarmt' bestaat (nog) niet", typo.Text("warning"));
        var right = await admin.Post("api/tokens", new { name = "Bestuur", role = "board:zuidwarmte" });
        Assert.Equal(HttpStatusCode.Created, right.Status);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, right.Body.GetProperty("warning").ValueKind);
        var reader = await admin.Post("api/tokens", new { name = "Lezer", role = "reader" });
        Assert.Equal(System.Text.Json.JsonValueKind.Null, reader.Body.GetProperty("warning").ValueKind);
    }

    [Fact]
    public async Task A_board_updates_its_cooperative_and_bad_updates_change_nothing()
    {
        await using var server = await WarmteServer.StartAsync();
        var admin = server.Client();
        await ApiCalls.SeedCooperativeWithProject(admin, "ketelhuiswg", "wg-terrein");
        var board = server.Client((await admin.Post("api/tokens", new { name = "Bestuur", role = "board:ketelhuiswg" })).Text("token"));

        var ok = await board.Patch("api/cooperatives/ketelhuiswg", new { statutoryName = "Coöperatie KetelhuisWG U.A." });
        Assert.Equal(HttpStatusCode.OK, ok.Status);
        Assert.Equal("Coöperatie KetelhuisWG U.A.", ok.Body.GetProperty("cooperative").GetProperty("statutoryName").GetString());

        var bad = await board.Patch("api/cooperatives/ketelhuiswg", new { statutoryName = "Nieuw", kind = "Kolencentrale" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.Equal(["kind"], bad.ErrorFields);
        var read = await admin.Get("api/cooperatives/ketelhuiswg");
        Assert.Equal("Coöperatie KetelhuisWG U.A.", read.Body.GetProperty("cooperative").GetProperty("statutoryName").GetString());

        var project = await board.Patch("api/projects/wg-terrein", new { woningequivalenten = 1270 });
        Assert.Equal(1270, project.Body.GetProperty("woningequivalenten").GetInt32());
    }
}
