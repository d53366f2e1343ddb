using System.Net;
using ClosedXML.Excel;
using System.Text.Json.Nodes;
using NodaTime;
using NodaTime.Testing;
using Warmte.Spreadsheets.Export;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Http;

/// <summary>
/// Outside tester findings A16 and A15 through the API (today 06-12-2026): the gate into Realisatie is judged on
/// tenant consent as it stood on the decision date, and evidence a passed Go rested on that changes afterwards
/// leaves a trace on the project.
/// </summary>
public sealed class GateEvidenceApiTests : IAsyncLifetime
{
    private readonly FakeClock _clock = new(Instant.FromUtc(2026, 12, 6, 10, 0));
    private WarmteServer _server = null!;

    public async Task InitializeAsync() => _server = await WarmteServer.StartAsync(clock: _clock);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>
    /// The tester's warmtenet-west: in Ontwikkeling with every deliverable (present 14-12-2024), a business case that
    /// closes, the realisatiebesluit passed at an ALV of 20-11-2026 (3 voor), complex West 1 (10 homes, proposal
    /// 01-11-2026) with 7 answers "akkoord" dated 04-12-2026. Returns (cooperative, project).
    /// </summary>
    private async Task<(string Coop, string Project)> West(HttpClient admin, string meetingDate = "2026-11-20", string noticeDate = "2026-11-06")
    {
        var coop = NewId("coop");
        var project = await ApiCalls.SeedCooperativeWithProject(admin, coop, NewId("west"));
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
        foreach (var key in new[] { "definitief-ontwerp", "contracten", "businesscase-financieringsvoorstel", "vergunningen", "financial-close" })
            Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/projects/{project}/deliverables/{key}", new { presentOn = "2024-12-14" })).Status);
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/projects/{project}/business-cases", new { model = JsonNode.Parse(RepoFiles.Read("models", "ketelhuiswg.json")) })).Status);

        var members = await ApiCalls.SeedMembers(admin, coop);
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/cooperatives/{coop}/alv/meetings", new
        {
            id = "alv-west", title = "ALV", date = meetingDate, noticeDate,
            proposals = new[] { new { id = "realisatie", title = "Realisatiebesluit", decisionType = "Realisatiebesluit", projectId = project } },
        })).Status);
        foreach (var member in members)
            Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv-west/proposals/realisatie/ballots", new { memberNumber = member, choice = "Voor" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv-west/proposals/realisatie/close", new { })).Status);

        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/projects/{project}/consent/complexes/west-1",
            new { name = "West 1", corporation = "Stadgenoot", rentedHomes = 10, proposalDate = "2026-11-01" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/projects/{project}/consent/complexes/west-1/declarations", new
        {
            declarations = Enumerable.Range(1, 7).Select(n => new { postcode = "1054 AB", huisnummer = n, response = "Akkoord", on = "2026-12-04" }),
        })).Status);
        return (coop, project);
    }

    private static Task<ApiCalls.Answer> Go(HttpClient admin, string project, string on) =>
        admin.Post($"api/projects/{project}/transitions", new { to = "Realisatie", decidedOn = on, decidedBy = "ALV", rationale = "Go" });

    [Fact]
    public async Task A_go_dated_before_the_tenants_agreed_is_refused_naming_the_complex_the_count_and_the_day_it_was_reached_A16()
    {
        var admin = _server.Client();
        var (_, project) = await West(admin);

        var refused = await Go(admin, project, "2026-11-21");
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal(["decidedOn"], refused.ErrorFields);
        Assert.Contains("op 21-11-2026 was de huurdersinstemming nog niet gehaald (West 1: 0 van 7 nodig; gehaald op 04-12-2026)", refused.Raw);
        Assert.Contains("kies een datum op of na 04-12-2026", refused.Raw);
        var unchanged = await admin.Get($"api/projects/{project}");
        Assert.Equal("Ontwikkeling", unchanged.Body.GetProperty("phase").GetString());

        // The day before the answers: still refused; on the answers' day the Go stands.
        Assert.Equal(HttpStatusCode.BadRequest, (await Go(admin, project, "2026-12-03")).Status);
        var go = await Go(admin, project, "2026-12-04");
        Assert.Equal(HttpStatusCode.OK, go.Status);
        Assert.Equal("Realisatie", go.Body.GetProperty("phase").GetString());
    }

    private static async Task<string[]> GateAlerts(HttpClient admin, string project) =>
        [.. (await admin.Get($"api/projects/{project}/alerts")).Body.EnumerateArray()
            .Where(a => a.GetProperty("kind").GetString() == "gate-evidence-changed").Select(a => a.GetProperty("message").GetString()!)];

    [Fact]
    public async Task A_correction_that_overturns_the_realisatiebesluit_a_go_rested_on_raises_an_alert_on_the_project_A15()
    {
        var admin = _server.Client();
        // The meeting on 22-11-2026: on 06-12-2026 (the service's today) a counting error of it may still be recounted (14 days).
        var (coop, project) = await West(admin, meetingDate: "2026-11-22", noticeDate: "2026-11-08");
        Assert.Equal(HttpStatusCode.OK, (await Go(admin, project, "2026-12-04")).Status);
        Assert.Empty(await GateAlerts(admin, project));

        // Afterwards a recount of the same meeting (the same three members present) rejects it.
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv-west/proposals", new
        {
            id = "telfout", title = "Correctie", decisionType = "Realisatiebesluit", projectId = project, corrects = "alv-west/realisatie", correctionReason = "telfout",
        })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/cooperatives/{coop}/alv/meetings/alv-west/proposals/telfout/tally",
            new { @for = 0, against = 3, abstain = 0, present = new[] { "L-1", "L-2", "L-3" } })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv-west/proposals/telfout/close", new { })).Status);

        var alert = Assert.Single(await GateAlerts(admin, project));
        Assert.StartsWith("Het realisatiebesluit waarop de Go van 04-12-2026 rust is gecorrigeerd: Verworpen", alert);
        Assert.Contains("correctie op alv-west/realisatie", alert);
        var raw = (await admin.Get($"api/projects/{project}/alerts")).Body.EnumerateArray().Single(a => a.GetProperty("kind").GetString() == "gate-evidence-changed");
        Assert.Equal("High", raw.GetProperty("severity").GetString());
        // The phase is a decision of people: it stays, with the trace beside it.
        Assert.Equal("Realisatie", (await admin.Get($"api/projects/{project}")).Body.GetProperty("phase").GetString());
    }

    [Fact]
    public async Task The_evidence_of_a_passed_gate_is_not_withdrawn_until_a_no_go_A15()
    {
        var admin = _server.Client();
        var (_, project) = await West(admin);
        // Before the gate is passed a deliverable may be withdrawn and recorded again.
        Assert.Equal(HttpStatusCode.OK, (await admin.Delete($"api/projects/{project}/deliverables/vergunningen")).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/projects/{project}/deliverables/vergunningen", new { presentOn = "2024-12-14" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await Go(admin, project, "2026-12-04")).Status);

        var refused = await admin.Delete($"api/projects/{project}/deliverables/financial-close");
        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Equal("deliverable-is-gate-evidence", refused.Code);
        Assert.Contains("bewijs voor de Go van 04-12-2026 naar Realisatie", refused.Raw);
        var shown = (await admin.Get($"api/projects/{project}")).Body.GetProperty("deliverables").EnumerateArray().Select(d => d.GetProperty("key").GetString()).ToList();
        Assert.Contains("financial-close", shown);
        // An earlier gate's evidence neither.
        Assert.Equal(HttpStatusCode.Conflict, (await admin.Delete($"api/projects/{project}/deliverables/intentieverklaring")).Status);

        // After a no-go back to Ontwikkeling the gate no longer stands: then it may go.
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/projects/{project}/transitions", new { to = "Ontwikkeling", decidedOn = "2026-12-05", decidedBy = "ALV", rationale = "financiering valt weg" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Delete($"api/projects/{project}/deliverables/financial-close")).Status);
    }

    [Fact]
    public async Task Consent_falling_below_the_threshold_after_the_go_raises_an_alert_that_clears_when_it_is_back_A15()
    {
        var admin = _server.Client();
        var (_, project) = await West(admin);
        Assert.Equal(HttpStatusCode.OK, (await Go(admin, project, "2026-12-04")).Status);

        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/projects/{project}/consent/complexes/west-1/declarations", new
        {
            declarations = new[] { new { postcode = "1054 AB", huisnummer = 3, response = "Geweigerd", on = "2026-12-06" } },
        })).Status);
        var alert = Assert.Single(await GateAlerts(admin, project));
        Assert.StartsWith("De huurdersinstemming waarop de Go van 04-12-2026 rust, is niet meer gehaald: West 1 nu 6 van 10 (nodig 7).", alert);

        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/projects/{project}/consent/complexes/west-1/declarations", new
        {
            declarations = new[] { new { postcode = "1054 AB", huisnummer = 8, response = "Akkoord", on = "2026-12-06" } },
        })).Status);
        Assert.Empty(await GateAlerts(admin, project));
    }

    private static async Task<XLWorkbook> Workbook(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode}");
        return new XLWorkbook(new MemoryStream(await response.Content.ReadAsByteArrayAsync()));
    }

    /// <summary>
    /// Tester T7: the portfolio and project workbooks left out the gate-evidence alert the API, the CLI and the web
    /// portfolio show. Every view now has the same alerts: count, worst severity (the row's colour) and messages; and
    /// (T9) the consent alert is dated the day the consent fell (06-12-2026), not at the Go.
    /// </summary>
    [Fact]
    public async Task The_workbooks_show_the_same_gate_alerts_as_the_api_with_the_same_worst_severity_T7_T9()
    {
        var admin = _server.Client();
        var (coop, project) = await West(admin, meetingDate: "2026-11-22", noticeDate: "2026-11-08");
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/projects/{project}/grants", new
        {
            id = "paw", funder = "Rijk", scheme = "PAW", amountGranted = 1_000_000m, decidedOn = "2026-01-01", tranches = new[] { new { amount = 1_000_000m } },
        })).Status);
        Assert.Equal(HttpStatusCode.OK, (await Go(admin, project, "2026-12-04")).Status);
        Assert.Empty(await GateAlerts(admin, project));
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/projects/{project}/consent/complexes/west-1/declarations", new
        {
            declarations = new[] { new { postcode = "1054 AB", huisnummer = 3, response = "Geweigerd", on = "2026-12-05" } },
        })).Status);

        async Task SameEverywhere(int count, string worstSeverity, string worstDutch)
        {
            var row = (await admin.Get("api/portfolio")).Body.GetProperty("projects").EnumerateArray().Single(r => r.GetProperty("projectId").GetString() == project);
            var apiAlerts = row.GetProperty("alerts").EnumerateArray().ToList();
            Assert.Equal(count, apiAlerts.Count);
            Assert.Equal(worstSeverity, apiAlerts.Select(a => a.GetProperty("severity").GetString()).First());
            var projectAlerts = (await admin.Get($"api/projects/{project}/alerts")).Body.EnumerateArray().Select(a => a.GetProperty("message").GetString()!).ToList();
            Assert.Equal(apiAlerts.Select(a => a.GetProperty("message").GetString()!), projectAlerts);

            using var portfolio = await Workbook(admin, "api/portfolio/export.xlsx");
            var sheet = portfolio.Worksheet("Portefeuille");
            var line = sheet.RowsUsed().Single(r => r.Cell(PortfolioWorkbook.SheetColumn).GetString().Length > 0 && r.Cell(1).GetString() != "Project"
                && portfolio.Worksheet(r.Cell(PortfolioWorkbook.SheetColumn).GetString()).Cell(1, 1).GetString().Contains($"({project})"));
            Assert.Equal(count, line.Cell(PortfolioWorkbook.AlertsColumn).GetValue<int>());
            Assert.Equal(worstDutch, line.Cell(PortfolioWorkbook.WorstColumn).GetString());
            Assert.Equal(string.Join(" | ", projectAlerts), line.Cell(PortfolioWorkbook.MessagesColumn).GetString());
            // The row is red exactly when the worst alert is high: the rule reads column M.
            Assert.Contains(sheet.ConditionalFormats, f => f.Values.Any(v => v.Value.Value.Contains("$M2=\"hoog\"")));
            var projectSheet = portfolio.Worksheet(line.Cell(PortfolioWorkbook.SheetColumn).GetString());
            Assert.Equal(count, projectSheet.RowsUsed().Single(r => r.Cell(1).GetString() == "Open signalen").Cell(2).GetValue<int>());

            using var single = await Workbook(admin, $"api/projects/{project}/export.xlsx");
            var sheetOfProject = single.Worksheets.Single(w => w.Cell(1, 1).GetString().Contains($"({project})"));
            var signals = sheetOfProject.RowsUsed().Single(r => r.Cell(1).GetString() == "Open signalen");
            Assert.Equal(count, signals.Cell(2).GetValue<int>());
            var listed = Enumerable.Range(1, count).Select(i => sheetOfProject.Cell(signals.RowNumber() + i, 2).GetString()).ToList();
            Assert.Equal(projectAlerts, listed.Select(l => l[(l.IndexOf(": ", StringComparison.Ordinal) + 2)..]));
        }

        // The consent fell on 06-12-2026 (the service's today), two days after the Go of 04-12-2026: a medium alert.
        await SameEverywhere(1, "Medium", "middel");
        var since = (await admin.Get($"api/projects/{project}/alerts")).Body.EnumerateArray().Single().GetProperty("since").GetString();
        Assert.Equal("2026-12-06", since);

        // A recount of the meeting overturns the realisatiebesluit: a high alert too, and the row turns red.
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv-west/proposals", new
        {
            id = "telfout", title = "Correctie", decisionType = "Realisatiebesluit", projectId = project, corrects = "alv-west/realisatie", correctionReason = "telfout",
        })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/cooperatives/{coop}/alv/meetings/alv-west/proposals/telfout/tally",
            new { @for = 0, against = 3, abstain = 0, present = new[] { "L-1", "L-2", "L-3" } })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv-west/proposals/telfout/close", new { })).Status);
        await SameEverywhere(2, "High", "hoog");
    }
}
