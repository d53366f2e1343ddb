using System.Net;
using System.Text.Json;
using Microsoft.Playwright;
using Warmte.Silo.Demo;
using Warmte.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Warmte.Tests.Web;

/// <summary>
/// The board opens online voting from the dashboard (the API's rules and Dutch reasons, shown at the
/// field), re-issues one member's code, and nobody else gets the form or gets past the API. And the
/// demo's member page offers an online proxy with the two printed codes.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class OnlineVotingDashboardTests(BrowserFixture fixture)
{
    /// <summary>
    /// A cooperative of its own (so the demo's pages and the other tests stay as they are): three
    /// members, statutes with advance electronic voting, a meeting on 05-02-2027 called on 10-01-2027
    /// with two proposals, no online voting yet. Answers (cooperative, project, board token).
    /// </summary>
    private async Task<(string Coop, string Project, string BoardToken)> MeetingWithoutOnlineVoting()
    {
        var admin = fixture.Server.Client();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var coop = $"coop-{suffix}";
        var project = await ApiCalls.SeedCooperativeWithProject(admin, coop, $"proj-{suffix}");
        await ApiCalls.SeedMembers(admin, coop);
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/cooperatives/{coop}/alv/statutes", new { electronic = new { advanceVotingAllowed = true } })).Status);
        var created = await admin.Post($"api/cooperatives/{coop}/alv/meetings", new
        {
            id = "alv", title = "Voorjaars-ALV", date = "2027-02-05", noticeDate = "2027-01-10",
            proposals = new object[]
            {
                new { id = "jaarrekening", title = "Jaarrekening 2026", decisionType = "Overig" },
                new { id = "tarief", title = "Tarief 2028", decisionType = "Tariefbesluit" },
            },
        });
        Assert.True(created.Status == HttpStatusCode.Created, created.Raw);
        return (coop, project, await BrowserFixture.Token(admin, $"board:{coop}", $"Bestuur {coop}"));
    }

    [Fact]
    public async Task The_board_opens_online_voting_in_the_dashboard_and_the_panel_switches_to_open_with_turnout_zero()
    {
        var (coop, project, boardToken) = await MeetingWithoutOnlineVoting();
        var admin = fixture.Server.Client();
        var page = await fixture.SignedIn(boardToken);
        page.Dialog += (_, dialog) => dialog.AcceptAsync(); // the confirm before a code is replaced
        await page.GotoAsync($"/app/decisions?id={project}");
        var form = page.Locator("[data-online-open='alv']");
        await Expect(form).ToBeVisibleAsync();
        await Expect(form.GetByLabel("Jaarrekening 2026", new() { Exact = true })).ToBeCheckedAsync();
        await Expect(form.GetByLabel("Tarief 2028", new() { Exact = true })).ToBeCheckedAsync();
        var opens = form.GetByLabel("Eerste stemdag (dd-mm-jjjj)");
        // Every control of the form has a label a screen reader announces.
        Assert.Empty(await page.EvaluateAsync<string[]>(
            "() => [...document.querySelectorAll('[data-online-open] input, [data-online-open] textarea')].filter(e => e.labels.length === 0).map(e => e.id)"));

        // Earlier than the API allows: the notice date (10-01-2027) comes after the 30th day before the meeting (06-01-2027).
        await opens.FillAsync("01-12-2026");
        await form.GetByRole(AriaRole.Button, new() { Name = "Online stemmen openen" }).ClickAsync();
        await Expect(form.Locator("#open-alv-opens-error")).ToContainTextAsync("Eerste stemdag: mag niet eerder zijn dan 10-01-2027");
        await Expect(opens).ToHaveAttributeAsync("aria-invalid", "true");
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Get($"api/cooperatives/{coop}/alv/meetings/alv/online")).Status);

        // Only one proposal, from today (15-01-2027 in the fixture), with an explanation for the member page.
        await form.GetByLabel("Jaarrekening 2026", new() { Exact = true }).UncheckAsync();
        await form.GetByLabel("Toelichting bij Tarief 2028 (voor de leden; mag leeg)").FillAsync("Vastrecht gelijk, GJ-prijs +2%.");
        await opens.FillAsync("15-01-2027");
        await form.GetByRole(AriaRole.Button, new() { Name = "Online stemmen openen" }).ClickAsync();

        var panel = page.Locator("[data-online='alv']");
        await Expect(panel.Locator("[data-online-status]")).ToHaveTextAsync("Open");
        await Expect(panel).ToContainTextAsync("Online stemmen van 15-01-2027 tot en met 05-02-2027");
        await Expect(panel.Locator("[data-count='voters']")).ToContainTextAsync("0");
        await Expect(panel.Locator("[data-count='codes']")).ToContainTextAsync("0");
        var rows = page.Locator("#online-turnout-alv tbody tr");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First.Locator("th")).ToHaveTextAsync("Tarief 2028");
        await Expect(rows.First.Locator("td").Nth(0)).ToHaveTextAsync("0");
        await Expect(rows.First.Locator("td").Nth(1)).ToHaveTextAsync("0");
        await Expect(page.Locator("[data-online-open='alv']")).ToHaveCountAsync(0);
        var view = (await admin.Get($"api/cooperatives/{coop}/alv/meetings/alv/online")).Body;
        Assert.Equal("open", view.GetProperty("status").GetString());
        Assert.Equal("2027-01-15", view.GetProperty("opens").GetString());
        Assert.Equal(["tarief"], view.GetProperty("proposals").EnumerateArray().Select(p => p.GetProperty("proposalId").GetString()));
        Assert.Equal("Vastrecht gelijk, GJ-prijs +2%.", view.GetProperty("proposals")[0].GetProperty("explanation").GetString());

        // A new code for one member: a letter to download; a number that is no voting member is named at the field.
        var member = panel.GetByLabel("Lidnummer (nieuwe stemcode voor één lid)");
        await member.FillAsync("L-9");
        await panel.GetByRole(AriaRole.Button, new() { Name = "Code opnieuw uitgeven (brief)" }).ClickAsync();
        await Expect(panel.Locator("#reissue-alv-error")).ToContainTextAsync("'L-9' is geen stemgerechtigd lid");
        await Expect(member).ToHaveAttributeAsync("aria-invalid", "true");
        await member.FillAsync("L-2");
        var download = await page.RunAndWaitForDownloadAsync(() =>
            panel.GetByRole(AriaRole.Button, new() { Name = "Code opnieuw uitgeven (brief)" }).ClickAsync());
        Assert.Equal("stembrief-L-2.html", download.SuggestedFilename);
        var letter = await File.ReadAllTextAsync(await download.PathAsync());
        Assert.Contains("Lidnummer L-2", letter);
        await Expect(panel.Locator("#reissue-alv-status")).ToContainTextAsync("Nieuwe stemcode voor lid L-2 uitgegeven");
        Assert.Equal(1, (await admin.Get($"api/cooperatives/{coop}/alv/meetings/alv/online")).Body.GetProperty("codesIssued").GetInt32());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_closed_meetings_panel_shows_the_counted_electorate_and_labels_the_register_after_a_backdated_write_out_tester6_T5()
    {
        var admin = fixture.Server.Client();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var coop = $"coop-{suffix}";
        var project = await ApiCalls.SeedCooperativeWithProject(admin, coop, $"proj-{suffix}");
        await ApiCalls.SeedMembers(admin, coop);
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/cooperatives/{coop}/alv/statutes", new { electronic = new { advanceVotingAllowed = true } })).Status);
        // Held today (15-01-2027 in the fixture), online voting from the notice on; L-1 and L-2 vote at the meeting, closed.
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/cooperatives/{coop}/alv/meetings", new
        {
            id = "alv", title = "Winter-ALV", date = "2027-01-15", noticeDate = "2027-01-01",
            proposals = new[] { new { id = "jaarrekening", title = "Jaarrekening 2026", decisionType = "Overig" } },
        })).Status);
        var opened = await admin.Put($"api/cooperatives/{coop}/alv/meetings/alv/online", new { opens = "2027-01-01", proposals = new[] { new { proposalId = "jaarrekening" } } });
        Assert.True(opened.Status == HttpStatusCode.OK, opened.Raw);
        foreach (var number in new[] { "L-1", "L-2" })
            Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals/jaarrekening/ballots", new { memberNumber = number, choice = "Voor" })).Status);
        var closed = await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals/jaarrekening/close", new { });
        Assert.True(closed.Status == HttpStatusCode.OK, closed.Raw);
        var counted = closed.Body.GetProperty("closed").GetProperty("result").GetProperty("eligibleMembers").GetInt32();
        Assert.Equal(3, counted);
        var left = await admin.Post($"api/cooperatives/{coop}/members/L-2/leave", new { leftOn = "2027-01-10" });
        Assert.Contains("die uitslag blijft staan", left.Raw);

        var page = await fixture.SignedIn(await BrowserFixture.Token(admin, $"board:{coop}", $"Bestuur {coop}"));
        await page.GotoAsync($"/app/decisions?id={project}");
        var panel = page.Locator("[data-online='alv']");
        await Expect(panel.Locator("[data-count='electorate']")).ToContainTextAsync("3");
        await Expect(panel.Locator("[data-electorate-now='2']")).ToContainTextAsync(
            "De uitslagen zijn geteld met 3 stemgerechtigden; volgens het register van nu waren het er 2 op de vergaderdatum.");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Only_the_own_board_gets_the_open_form_and_a_put_from_anyone_else_is_refused()
    {
        var (coop, project, _) = await MeetingWithoutOnlineVoting();
        foreach (var token in new[] { fixture.FinancierToken, fixture.OtherBoardToken, fixture.KetelhuisBoardToken })
        {
            var page = await fixture.SignedIn(token);
            await page.GotoAsync($"/app/decisions?id={project}");
            await Expect(page.Locator("#alv")).ToBeVisibleAsync();
            await Expect(page.Locator("[data-online-open]")).ToHaveCountAsync(0);
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Online stemmen openen" })).ToHaveCountAsync(0);
            // Going around the page with the same token: the API refuses it and nothing opens.
            var status = await page.EvaluateAsync<JsonElement>(@"async path => {
                const { api } = await import('/assets/api.js');
                try { await api(path, { method: 'PUT', body: { proposals: [{ proposalId: 'tarief' }] } }); return { status: 200 }; }
                catch (e) { return { status: e.status, code: e.code }; } }", $"/api/cooperatives/{coop}/alv/meetings/alv/online");
            Assert.Equal(403, status.GetProperty("status").GetInt32());
            Assert.Equal("forbidden", status.GetProperty("code").GetString());
            await page.Context.CloseAsync();
        }
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Server.Client().Get($"api/cooperatives/{coop}/alv/meetings/alv/online")).Status);
    }

    [Fact]
    public async Task The_demo_member_page_offers_an_online_proxy_with_the_printed_codes()
    {
        var member = fixture.Server.Client(token: null);
        foreach (var (code, number) in new[] { ("DEM0-STEM-KWG1-0001", "KWG-0001"), ("DEM0-STEM-KWG3-0003", "KWG-0003") })
        {
            var paper = await member.Post("api/stem/paper", new { code });
            Assert.True(paper.Status == HttpStatusCode.OK, paper.Raw);
            Assert.Equal(number, paper.Text("memberNumber"));
            Assert.True(paper.Body.GetProperty("proxiesAllowed").GetBoolean());
            Assert.True(paper.Body.GetProperty("open").GetBoolean());
        }
        Assert.Equal(1, (await fixture.Server.Client().Get("api/cooperatives/ketelhuiswg/alv/statutes")).Body
            .GetProperty("default").GetProperty("maxProxiesPerAttendee").GetInt32());

        var page = await fixture.NewPage(390, 844);
        await page.GotoAsync("/stem#" + DemoData.PrintedProxyHolderCode);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Volmacht geven" })).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Lidnummer van wie voor u stemt")).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }
}
