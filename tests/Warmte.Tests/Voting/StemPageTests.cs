using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Warmte.Tests.Infrastructure;
using Warmte.Tests.Web;

namespace Warmte.Tests.Voting;

/// <summary>The member's voting page (/stem) in Chromium at a phone's viewport.</summary>
[Collection(BrowserCollection.Name)]
public sealed class StemPageTests(BrowserFixture fixture)
{
    private const int PhoneWidth = 390, PhoneHeight = 844;

    /// <summary>A cooperative whose meeting is today (the fixture's 15 January 2027) with online voting open; the members' codes.</summary>
    private async Task<(string Coop, Dictionary<string, string> Codes)> MeetingToday(bool onlineProxies = false, string[]? secretBallotTypes = null)
    {
        var admin = fixture.Server.Client();
        var coop = $"stem-{Guid.NewGuid().ToString("N")[..8]}";
        var project = await ApiCalls.SeedCooperativeWithProject(admin, coop, $"p-{Guid.NewGuid().ToString("N")[..8]}");
        await ApiCalls.SeedMembers(admin, coop);
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/cooperatives/{coop}/alv/statutes", new { electronic = new { advanceVotingAllowed = true, onlineProxiesAllowed = onlineProxies, secretBallotTypes = secretBallotTypes ?? [] } })).Status);
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/cooperatives/{coop}/alv/meetings", new
        {
            id = "alv", title = "Winter-ALV", date = "2027-01-15", noticeDate = "2027-01-01",
            proposals = new object[]
            {
                new { id = "realisatiebesluit", title = "Realisatiebesluit warmtenet", decisionType = "Realisatiebesluit", projectId = project },
                new { id = "tarief", title = "Tarief 2028", decisionType = "Tariefbesluit" },
            },
        })).Status);
        var opened = await admin.Put($"api/cooperatives/{coop}/alv/meetings/alv/online", new
        {
            proposals = new[]
            {
                new { proposalId = "realisatiebesluit", explanation = "Het bestuur stelt voor het warmtenet te bouwen." },
                new { proposalId = "tarief", explanation = "Vastrecht gelijk, GJ-prijs +2%." },
            },
        });
        Assert.True(opened.Status == HttpStatusCode.OK, opened.Raw);
        var issued = await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv/online/codes", new { });
        return (coop, issued.Body.GetProperty("codes").EnumerateArray().ToDictionary(c => c.GetProperty("memberNumber").GetString()!, c => c.GetProperty("code").GetString()!));
    }

    [Fact]
    public async Task A_member_follows_the_link_votes_confirms_and_gets_receipts_that_the_check_page_knows()
    {
        var (coop, codes) = await MeetingToday();
        var page = await fixture.NewPage(PhoneWidth, PhoneHeight);
        await page.GotoAsync($"/stem#{codes["L-1"]}");

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Uw stembiljet" })).ToBeVisibleAsync();
        // The code left the address bar (and the history) as soon as the page read it.
        Assert.DoesNotContain(codes["L-1"], page.Url);
        await Assertions.Expect(page.Locator("#paper-intro")).ToContainTextAsync("Lid L-1");
        var realisatie = page.GetByRole(AriaRole.Group, new() { Name = "Realisatiebesluit warmtenet" });
        await Assertions.Expect(realisatie).ToContainTextAsync("Het bestuur stelt voor het warmtenet te bouwen.");
        // Each choice is a labelled radio button in the proposal's fieldset.
        await realisatie.GetByLabel("Voor", new() { Exact = true }).CheckAsync();
        var tarief = page.GetByRole(AriaRole.Group, new() { Name = "Tarief 2028" });
        // By keyboard: focus the first choice, arrow to the next.
        await tarief.GetByLabel("Voor", new() { Exact = true }).FocusAsync();
        await page.Keyboard.PressAsync("ArrowDown");
        await Assertions.Expect(tarief.GetByLabel("Tegen", new() { Exact = true })).ToBeCheckedAsync();
        Assert.NotEqual("none", await page.EvaluateAsync<string>("getComputedStyle(document.activeElement).outlineStyle"));
        // Phone first: nothing sticks out sideways.
        Assert.True(await page.EvaluateAsync<int>("document.documentElement.scrollWidth") <= PhoneWidth);

        await page.GetByRole(AriaRole.Button, new() { Name = "Controleer mijn keuzes" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Klopt dit?" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#confirm-list")).ToContainTextAsync("Realisatiebesluit warmtenet: Voor");
        await Assertions.Expect(page.Locator("#confirm-list")).ToContainTextAsync("Tarief 2028: Tegen");
        await page.GetByRole(AriaRole.Button, new() { Name = "Bevestig en stem" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Uw stem is ontvangen" })).ToBeVisibleAsync();
        var receipts = await page.Locator("#receipts .receipt").AllTextContentsAsync();
        Assert.Equal(2, receipts.Count);
        Assert.All(receipts, r => Assert.Matches("^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$", r));

        // The votes are the ALV's ballots, cast online.
        var ballots = await fixture.Server.Client().Get($"api/cooperatives/{coop}/alv/meetings/alv/proposals/tarief/ballots");
        Assert.Equal("Online", ballots.Body.GetProperty("items")[0].GetProperty("channel").GetString());

        // Back on the ballot paper the member sees the votes, not the choices again.
        var again = await fixture.NewPage(PhoneWidth, PhoneHeight);
        await again.GotoAsync($"/stem#{codes["L-1"]}");
        await Assertions.Expect(again.Locator("#items")).ToContainTextAsync("(online)");
        await Assertions.Expect(again.Locator("#items .voted")).ToHaveCountAsync(2);
        await Assertions.Expect(again.GetByRole(AriaRole.Button, new() { Name = "Controleer mijn keuzes" })).ToBeHiddenAsync();

        // The receipt check: the confirmation links to it with the meeting filled in; before the result it says so.
        await page.GetByRole(AriaRole.Link, new() { Name = "deze pagina" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Ontvangstcode controleren" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Vergadering", new() { Exact = true })).ToHaveValueAsync($"{coop}/alv");
        await page.GetByLabel("Ontvangstcode", new() { Exact = true }).FillAsync(receipts[0].ToLowerInvariant());
        await page.GetByRole(AriaRole.Button, new() { Name = "Controleren" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("De uitslag is er nog niet of deze stemming bestaat niet");

        // After the result the same check shows the choice each receipt is counted under.
        var admin = fixture.Server.Client();
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals/realisatiebesluit/close", new { })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals/tarief/close", new { })).Status);
        await page.GetByLabel("Ontvangstcode", new() { Exact = true }).FillAsync(receipts[1]);
        await page.GetByRole(AriaRole.Button, new() { Name = "Controleren" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Tarief 2028: geteld als Tegen");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToBeHiddenAsync();
        await page.Context.CloseAsync();
        await again.Context.CloseAsync();
    }

    [Fact]
    public async Task A_proposal_left_blank_is_named_on_the_confirm_and_receipt_pages_and_can_be_voted_on_later_with_the_same_code()
    {
        var (coop, codes) = await MeetingToday();
        var page = await fixture.NewPage(PhoneWidth, PhoneHeight);
        var failed = new List<string>();
        page.Response += (_, r) => { if (r.Status >= 400) failed.Add($"{r.Status} {r.Url}"); };
        await page.GotoAsync($"/stem#{codes["L-1"]}");
        var realisatie = page.GetByRole(AriaRole.Group, new() { Name = "Realisatiebesluit warmtenet" });
        await realisatie.GetByLabel("Voor", new() { Exact = true }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Controleer mijn keuzes" }).ClickAsync();

        // The confirm page lists every proposal; the blank one says what it means (tester F4).
        await Assertions.Expect(page.Locator("#confirm-list li")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#confirm-list li").Nth(0)).ToHaveTextAsync("Realisatiebesluit warmtenet: Voor");
        await Assertions.Expect(page.Locator("#confirm-list li").Nth(1)).ToHaveTextAsync(
            "Tarief 2028: geen keuze — u kunt hier later nog over stemmen met dezelfde code, zolang online stemmen open is");
        await page.GetByRole(AriaRole.Button, new() { Name = "Bevestig en stem" }).ClickAsync();

        // The receipt page: one receipt, the proposal still open, and the meeting key the receipt check asks for.
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Uw stem is ontvangen" })).ToBeVisibleAsync();
        Assert.Single(await page.Locator("#receipts .receipt").AllTextContentsAsync());
        await Assertions.Expect(page.Locator("#still-open")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#still-open-list li")).ToHaveTextAsync(["Tarief 2028: nog niet gestemd"]);
        await Assertions.Expect(page.Locator("#voting-key")).ToHaveTextAsync($"{coop}/alv");
        await Assertions.Expect(page.Locator("#step-done")).ToContainTextAsync($"Vergadering: {coop}/alv");
        Assert.True(await page.EvaluateAsync<int>("document.documentElement.scrollWidth") <= PhoneWidth);

        // What the page promised holds: later, the same code votes on the blank proposal, and nothing is left open.
        var later = await fixture.NewPage(PhoneWidth, PhoneHeight);
        later.Response += (_, r) => { if (r.Status >= 400) failed.Add($"{r.Status} {r.Url}"); };
        await later.GotoAsync($"/stem#{codes["L-1"]}");
        await later.GetByRole(AriaRole.Group, new() { Name = "Tarief 2028" }).GetByLabel("Tegen", new() { Exact = true }).CheckAsync();
        await later.GetByRole(AriaRole.Button, new() { Name = "Controleer mijn keuzes" }).ClickAsync();
        await Assertions.Expect(later.Locator("#confirm-list li")).ToHaveTextAsync(["Tarief 2028: Tegen"]);
        await later.GetByRole(AriaRole.Button, new() { Name = "Bevestig en stem" }).ClickAsync();
        await Assertions.Expect(later.GetByRole(AriaRole.Heading, new() { Name = "Uw stem is ontvangen" })).ToBeVisibleAsync();
        await Assertions.Expect(later.Locator("#still-open")).ToBeHiddenAsync();
        var ballots = await fixture.Server.Client().Get($"api/cooperatives/{coop}/alv/meetings/alv/proposals/tarief/ballots");
        Assert.Equal("Online", ballots.Body.GetProperty("items")[0].GetProperty("channel").GetString());

        // No request of the page failed (the browser's own /favicon.ico answered 401 before the page declared an icon).
        Assert.Empty(failed);
        await page.Context.CloseAsync();
        await later.Context.CloseAsync();
    }

    [Fact]
    public async Task A_vote_whose_answer_is_lost_is_resent_with_the_same_nonce_and_counted_once()
    {
        var (coop, codes) = await MeetingToday();
        var page = await fixture.NewPage(PhoneWidth, PhoneHeight);
        // The first answer to each vote is lost on the way back: the silo counted it, the page hears a dropped connection.
        var sent = new List<string>();
        await page.RouteAsync("**/api/stem/votes", async route =>
        {
            var body = route.Request.PostData ?? "";
            bool first;
            lock (sent)
            {
                first = !sent.Contains(body);
                sent.Add(body);
            }
            var response = await route.FetchAsync();
            if (response.Status == 200 && first) await route.AbortAsync("connectionreset");
            else await route.FulfillAsync(new() { Response = response });
        });
        await page.GotoAsync($"/stem#{codes["L-2"]}");
        await page.GetByRole(AriaRole.Group, new() { Name = "Realisatiebesluit warmtenet" }).GetByLabel("Tegen", new() { Exact = true }).CheckAsync();
        await page.GetByRole(AriaRole.Group, new() { Name = "Tarief 2028" }).GetByLabel("Onthouding", new() { Exact = true }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Controleer mijn keuzes" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Bevestig en stem" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Uw stem is ontvangen" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#error")).ToBeHiddenAsync();
        var receipts = await page.Locator("#receipts .receipt").AllTextContentsAsync();
        Assert.Equal(2, receipts.Count);
        // Each vote went twice, with the same body (the same nonce); one nonce for the whole confirmation.
        Assert.Equal(4, sent.Count);
        Assert.Equal(sent[0], sent[1]);
        Assert.Equal(sent[2], sent[3]);
        var nonces = sent.Select(b => System.Text.Json.JsonDocument.Parse(b).RootElement.GetProperty("nonce").GetString()).Distinct().ToList();
        Assert.Single(nonces);
        Assert.Matches("^[A-Za-z0-9_-]{22}$", nonces[0]);

        // Counted once each, under the receipt the page shows.
        var admin = fixture.Server.Client();
        foreach (var proposal in new[] { "realisatiebesluit", "tarief" })
            Assert.Equal(1, (await admin.Get($"api/cooperatives/{coop}/alv/meetings/alv/proposals/{proposal}/turnout")).Body.GetProperty("online").GetInt32());
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv/proposals/tarief/close", new { })).Status);
        var published = await admin.Get($"api/cooperatives/{coop}/alv/meetings/alv/proposals/tarief/receipts");
        Assert.Equal([receipts[1]], published.Body.GetProperty("onthouding").EnumerateArray().Select(e => e.GetString()).ToList());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_vote_the_service_cannot_take_for_a_few_seconds_is_resent_until_it_is_counted_once()
    {
        // A silo stops during the vote: until the others declare it dead (2-3 s) the service answers 503
        // with Retry-After. The page keeps sending the same vote, tells the member so, and gets its receipt.
        var (coop, codes) = await MeetingToday();
        var page = await fixture.NewPage(PhoneWidth, PhoneHeight);
        var refused = new Dictionary<string, int>();
        var forwarded = new List<string>();
        await page.RouteAsync("**/api/stem/votes", async route =>
        {
            var body = route.Request.PostData ?? "";
            int before;
            lock (refused) refused[body] = (before = refused.GetValueOrDefault(body)) + 1;
            if (before < 4)
            {
                await route.FulfillAsync(new()
                {
                    Status = 503, ContentType = "application/problem+json", Headers = new Dictionary<string, string> { ["Retry-After"] = "1" },
                    Body = """{"title":"De dienst kan dit nu niet verwerken","status":503}""",
                });
                return;
            }
            lock (forwarded) forwarded.Add(body);
            await route.ContinueAsync();
        });
        await page.GotoAsync($"/stem#{codes["L-3"]}");
        await page.GetByRole(AriaRole.Group, new() { Name = "Realisatiebesluit warmtenet" }).GetByLabel("Voor", new() { Exact = true }).CheckAsync();
        await page.GetByRole(AriaRole.Group, new() { Name = "Tarief 2028" }).GetByLabel("Tegen", new() { Exact = true }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Controleer mijn keuzes" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Bevestig en stem" }).ClickAsync();

        await Assertions.Expect(page.Locator("#notice")).ToContainTextAsync("uw stem wordt opnieuw verstuurd");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Uw stem is ontvangen" })).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#error")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#notice")).ToBeHiddenAsync();
        Assert.Equal(2, await page.Locator("#receipts .receipt").CountAsync());
        // Each vote refused four times, then sent once more with the same body (the same nonce).
        Assert.Equal(2, refused.Count);
        Assert.All(refused.Values, n => Assert.Equal(5, n));
        Assert.Equal(refused.Keys.Order(), forwarded.Order());

        var admin = fixture.Server.Client();
        foreach (var proposal in new[] { "realisatiebesluit", "tarief" })
            Assert.Equal(1, (await admin.Get($"api/cooperatives/{coop}/alv/meetings/alv/proposals/{proposal}/turnout")).Body.GetProperty("online").GetInt32());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_member_gives_a_proxy_on_the_page_and_the_holder_votes_for_them_with_their_own_code()
    {
        var (coop, codes) = await MeetingToday(onlineProxies: true);
        var giver = await fixture.NewPage(PhoneWidth, PhoneHeight);
        await giver.GotoAsync($"/stem#{codes["L-1"]}");
        await Assertions.Expect(giver.GetByRole(AriaRole.Heading, new() { Name = "Volmacht geven" })).ToBeVisibleAsync();
        // A proxy to oneself is refused in Dutch, nothing given.
        await giver.GetByLabel("Lidnummer van wie voor u stemt").FillAsync("L-1");
        var which = giver.GetByRole(AriaRole.Group, new() { Name = "Voor welke voorstellen?" });
        await which.GetByLabel("Tarief 2028").CheckAsync();
        await giver.GetByRole(AriaRole.Button, new() { Name = "Volmacht geven" }).ClickAsync();
        await Assertions.Expect(giver.GetByRole(AriaRole.Alert)).ToContainTextAsync("uzelf");

        await giver.GetByLabel("Lidnummer van wie voor u stemt").FillAsync("l-2");
        await giver.GetByRole(AriaRole.Button, new() { Name = "Volmacht geven" }).ClickAsync();
        await Assertions.Expect(giver.Locator("#proxy-status")).ToHaveTextAsync("Volmacht gegeven.");
        await Assertions.Expect(giver.GetByRole(AriaRole.Alert)).ToBeHiddenAsync();
        await Assertions.Expect(giver.Locator("#proxies-given")).ToContainTextAsync("Tarief 2028: volmacht aan lid L-2.");
        await Assertions.Expect(giver.GetByRole(AriaRole.Button, new() { Name = "Volmacht voor Tarief 2028 intrekken" })).ToBeVisibleAsync();
        // On the ballot that proposal now says who votes; the other one the member still votes on.
        await Assertions.Expect(giver.GetByRole(AriaRole.Group, new() { Name = "Tarief 2028", Exact = true })).ToContainTextAsync("lid L-2 volmacht gegeven");
        Assert.True(await giver.EvaluateAsync<int>("document.documentElement.scrollWidth") <= PhoneWidth);

        var holder = await fixture.NewPage(PhoneWidth, PhoneHeight);
        await holder.GotoAsync($"/stem#{codes["L-2"]}");
        var forGiver = holder.GetByRole(AriaRole.Group, new() { Name = "Tarief 2028 – voor Lid L-1 (lid L-1, bij volmacht)" });
        await Assertions.Expect(forGiver).ToBeVisibleAsync();
        await forGiver.GetByLabel("Onthouding", new() { Exact = true }).CheckAsync();
        await holder.GetByRole(AriaRole.Group, new() { Name = "Tarief 2028", Exact = true }).GetByLabel("Voor", new() { Exact = true }).CheckAsync();
        await holder.GetByRole(AriaRole.Button, new() { Name = "Controleer mijn keuzes" }).ClickAsync();
        await Assertions.Expect(holder.Locator("#confirm-list")).ToContainTextAsync("Tarief 2028 (voor lid L-1, bij volmacht): Onthouding");
        await Assertions.Expect(holder.Locator("#confirm-list")).ToContainTextAsync("Tarief 2028: Voor");
        await holder.GetByRole(AriaRole.Button, new() { Name = "Bevestig en stem" }).ClickAsync();
        await Assertions.Expect(holder.GetByRole(AriaRole.Heading, new() { Name = "Uw stem is ontvangen" })).ToBeVisibleAsync();
        Assert.Equal(2, (await holder.Locator("#receipts .receipt").AllTextContentsAsync()).Count);

        // The ALV holds L-1's ballot with L-2 as proxy holder, and L-2's own.
        var ballots = await fixture.Server.Client().Get($"api/cooperatives/{coop}/alv/meetings/alv/proposals/tarief/ballots");
        var items = ballots.Body.GetProperty("items").EnumerateArray().ToDictionary(b => b.GetProperty("memberNumber").GetString()!);
        Assert.Equal(["L-1", "L-2"], items.Keys.Order());
        Assert.Equal("L-2", items["L-1"].GetProperty("proxyHolder").GetString());

        // The giver sees it was used and can no longer withdraw it.
        var back = await fixture.NewPage(PhoneWidth, PhoneHeight);
        await back.GotoAsync($"/stem#{codes["L-1"]}");
        await Assertions.Expect(back.Locator("#proxies-given")).ToContainTextAsync("lid L-2 heeft voor u gestemd");
        await Assertions.Expect(back.GetByRole(AriaRole.Button, new() { Name = "Volmacht voor Tarief 2028 intrekken" })).ToHaveCountAsync(0);
        await Assertions.Expect(back.GetByRole(AriaRole.Group, new() { Name = "Tarief 2028", Exact = true })).ToContainTextAsync("bij volmacht door lid L-2");
        foreach (var p in new[] { giver, holder, back }) await p.Context.CloseAsync();
    }

    /// <summary>
    /// Tester6 T9 on the phone: with an agenda "Tarief, Statuten, Benoeming" (ids that sort the other way round) the holder's
    /// ballots for the giver and the giver's "volmacht gegeven" list follow the agenda, like her own ballots.
    /// </summary>
    [Fact]
    public async Task Proxy_ballots_and_proxies_given_are_shown_in_agenda_order()
    {
        var admin = fixture.Server.Client();
        var coop = $"stem-{Guid.NewGuid().ToString("N")[..8]}";
        await ApiCalls.SeedCooperativeWithProject(admin, coop, $"p-{Guid.NewGuid().ToString("N")[..8]}");
        await ApiCalls.SeedMembers(admin, coop);
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/cooperatives/{coop}/alv/statutes", new { electronic = new { advanceVotingAllowed = true, onlineProxiesAllowed = true } })).Status);
        string[] titles = ["Tarief 2028", "Wijziging huishoudelijk reglement", "Benoeming kascommissie"];
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/cooperatives/{coop}/alv/meetings", new
        {
            id = "alv", title = "Winter-ALV", date = "2027-01-15", noticeDate = "2027-01-01",
            proposals = new object[]
            {
                new { id = "tarief", title = titles[0], decisionType = "Tariefbesluit" },
                new { id = "statuten", title = titles[1], decisionType = "Overig" },
                new { id = "benoeming", title = titles[2], decisionType = "Overig" },
            },
        })).Status);
        var opened = await admin.Put($"api/cooperatives/{coop}/alv/meetings/alv/online",
            new { proposals = new[] { new { proposalId = "tarief" }, new { proposalId = "statuten" }, new { proposalId = "benoeming" } } });
        Assert.True(opened.Status == HttpStatusCode.OK, opened.Raw);
        var issued = await admin.Post($"api/cooperatives/{coop}/alv/meetings/alv/online/codes", new { });
        var codes = issued.Body.GetProperty("codes").EnumerateArray().ToDictionary(c => c.GetProperty("memberNumber").GetString()!, c => c.GetProperty("code").GetString()!);

        var giver = await fixture.NewPage(PhoneWidth, PhoneHeight);
        await giver.GotoAsync($"/stem#{codes["L-1"]}");
        await giver.GetByLabel("Lidnummer van wie voor u stemt").FillAsync("L-2");
        foreach (var title in titles) await giver.GetByRole(AriaRole.Group, new() { Name = "Voor welke voorstellen?" }).GetByLabel(title).CheckAsync();
        await giver.GetByRole(AriaRole.Button, new() { Name = "Volmacht geven" }).ClickAsync();
        await Assertions.Expect(giver.Locator("#proxy-status")).ToHaveTextAsync("Volmacht gegeven.");
        await Assertions.Expect(giver.Locator("#proxies-given li")).ToHaveCountAsync(3);
        var given = await giver.Locator("#proxies-given li").AllTextContentsAsync();
        Assert.Equal(titles, given.Select(g => titles.Single(t => g.StartsWith(t + ":", StringComparison.Ordinal))));

        var holder = await fixture.NewPage(PhoneWidth, PhoneHeight);
        await holder.GotoAsync($"/stem#{codes["L-2"]}");
        await Assertions.Expect(holder.Locator("#items fieldset.proxy legend")).ToHaveCountAsync(3);
        Assert.Equal(titles.Select(t => $"{t} – voor Lid L-1 (lid L-1, bij volmacht)"), await holder.Locator("#items fieldset.proxy legend").AllTextContentsAsync());
        Assert.Equal(titles, await holder.Locator("#items fieldset:not(.proxy) legend").AllTextContentsAsync());
        foreach (var p in new[] { giver, holder }) await p.Context.CloseAsync();
    }

    /// <summary>
    /// Tester4 T1 on the phone: L-2 voted for L-1 with her proxy and was then written out. Her page does not say "U heeft
    /// gestemd": it says the proxy vote does not count and why, offers the choices and the withdraw button, and her own vote counts.
    /// </summary>
    [Fact]
    public async Task A_giver_whose_holder_was_written_out_is_told_her_proxy_vote_does_not_count_and_votes_herself()
    {
        var (coop, codes) = await MeetingToday(onlineProxies: true);
        var member = fixture.Server.Client(token: null);
        Assert.Equal(HttpStatusCode.OK, (await member.Post("api/stem/proxy", new { code = codes["L-1"], holder = "L-2", proposalIds = new[] { "tarief" } })).Status);
        var byHolder = await member.Post("api/stem/votes", new { code = codes["L-2"], proposalId = "tarief", choice = "Voor", forMember = "L-1" });
        Assert.True(byHolder.Status == HttpStatusCode.OK, byHolder.Raw);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Server.Client().Post($"api/cooperatives/{coop}/members/L-2/leave", new { leftOn = "2027-01-15" })).Status);

        var page = await fixture.NewPage(PhoneWidth, PhoneHeight);
        await page.GotoAsync($"/stem#{codes["L-1"]}");
        var tarief = page.GetByRole(AriaRole.Group, new() { Name = "Tarief 2028", Exact = true });
        await Assertions.Expect(tarief).ToContainTextAsync("Uw stem bij volmacht via lid L-2 telt niet: lid L-2 is op 15-01-2027 uitgeschreven");
        await Assertions.Expect(tarief).ToContainTextAsync("U kunt nu zelf stemmen");
        await Assertions.Expect(tarief).Not.ToContainTextAsync("U heeft gestemd");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Volmacht voor Tarief 2028 intrekken" })).ToBeVisibleAsync();
        await tarief.GetByLabel("Tegen", new() { Exact = true }).CheckAsync();
        await page.GetByRole(AriaRole.Group, new() { Name = "Realisatiebesluit warmtenet" }).GetByLabel("Voor", new() { Exact = true }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Controleer mijn keuzes" }).ClickAsync();
        await Assertions.Expect(page.Locator("#confirm-list")).ToContainTextAsync("Tarief 2028: Tegen");
        await page.GetByRole(AriaRole.Button, new() { Name = "Bevestig en stem" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Uw stem is ontvangen" })).ToBeVisibleAsync();
        Assert.Equal(2, (await page.Locator("#receipts .receipt").AllTextContentsAsync()).Count);
        Assert.True(await page.EvaluateAsync<int>("document.documentElement.scrollWidth") <= PhoneWidth);

        var again = await fixture.NewPage(PhoneWidth, PhoneHeight);
        await again.GotoAsync($"/stem#{codes["L-1"]}");
        await Assertions.Expect(again.GetByRole(AriaRole.Group, new() { Name = "Tarief 2028", Exact = true })).ToContainTextAsync("U heeft gestemd (online)");
        // Only what can be done: her own vote counts, so the proxy can no longer be withdrawn (the service answers 409) — no
        // "Intrekken" any more, but what became of it.
        await Assertions.Expect(again.Locator("#proxies-given")).ToContainTextAsync("Tarief 2028: volmacht aan lid L-2; u heeft zelf gestemd, de volmacht wordt niet gebruikt.");
        await Assertions.Expect(again.GetByRole(AriaRole.Button, new() { Name = "Volmacht voor Tarief 2028 intrekken" })).ToHaveCountAsync(0);
        await Assertions.Expect(again.GetByRole(AriaRole.Button, new() { Name = "Intrekken" })).ToHaveCountAsync(0);
        foreach (var p in new[] { page, again }) await p.Context.CloseAsync();
    }

    /// <summary>
    /// Tester5 T5: the same on a secret ballot (Tariefbesluit secret by the statutes). That proxy vote cannot be taken out of the
    /// count, so a vote of her own or through a new holder would count twice. Before: the page invited her to vote or give a new
    /// proxy and every way was then refused (409 dead-proxy-secret, under a field "memberNumber" the request does not have). Now the
    /// page says the board decides and offers no choice, no withdraw and no new proxy for it; the refusals name no field.
    /// </summary>
    [Fact]
    public async Task On_a_secret_ballot_a_giver_whose_holder_was_written_out_is_told_the_board_decides_and_offered_nothing_for_it()
    {
        var (coop, codes) = await MeetingToday(onlineProxies: true, secretBallotTypes: ["Tariefbesluit"]);
        var member = fixture.Server.Client(token: null);
        Assert.Equal(HttpStatusCode.OK, (await member.Post("api/stem/proxy", new { code = codes["L-1"], holder = "L-2", proposalIds = new[] { "tarief" } })).Status);
        var byHolder = await member.Post("api/stem/votes", new { code = codes["L-2"], proposalId = "tarief", choice = "Voor", forMember = "L-1" });
        Assert.True(byHolder.Status == HttpStatusCode.OK, byHolder.Raw);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Server.Client().Post($"api/cooperatives/{coop}/members/L-2/leave", new { leftOn = "2027-01-15" })).Status);

        var page = await fixture.NewPage(PhoneWidth, PhoneHeight);
        await page.GotoAsync($"/stem#{codes["L-1"]}");
        var tarief = page.GetByRole(AriaRole.Group, new() { Name = "Tarief 2028", Exact = true });
        await Assertions.Expect(tarief).ToContainTextAsync("Uw stem bij volmacht via lid L-2 telt niet: lid L-2 is op 15-01-2027 uitgeschreven");
        await Assertions.Expect(tarief).ToContainTextAsync("Het bestuur beslist");
        await Assertions.Expect(tarief).Not.ToContainTextAsync("U kunt nu zelf stemmen");
        await Assertions.Expect(tarief.GetByRole(AriaRole.Radio)).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#proxies-given")).ToContainTextAsync("Tarief 2028: volmacht aan lid L-2; die stem telt niet en is bij deze geheime stemming niet te vervangen, het bestuur beslist.");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Volmacht voor Tarief 2028 intrekken" })).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#proxy-proposals").GetByLabel("Tarief 2028")).ToHaveCountAsync(0);
        // The other proposal is hers to vote on as ever.
        await Assertions.Expect(page.GetByRole(AriaRole.Group, new() { Name = "Realisatiebesluit warmtenet" }).GetByRole(AriaRole.Radio)).ToHaveCountAsync(3);
        Assert.True(await page.EvaluateAsync<int>("document.documentElement.scrollWidth") <= PhoneWidth);
        await page.Context.CloseAsync();

        // What the page no longer offers is refused, with the same text and no field the requests do not have.
        var own = await member.Post("api/stem/votes", new { code = codes["L-1"], proposalId = "tarief", choice = "Tegen" });
        var withdraw = await member.Post("api/stem/proxy/withdraw", new { code = codes["L-1"], proposalIds = new[] { "tarief" } });
        var replace = await member.Post("api/stem/proxy", new { code = codes["L-1"], holder = "L-3", proposalIds = new[] { "tarief" } });
        foreach (var refused in new[] { own, withdraw, replace })
        {
            Assert.True((refused.Status, refused.Code) == (HttpStatusCode.Conflict, "dead-proxy-secret"), refused.Raw);
            Assert.Empty(refused.ErrorFields);
            Assert.Contains("Het bestuur beslist", refused.Raw);
        }
        // Nothing changed: the proxy to L-2 stands.
        var paper = (await member.Post("api/stem/paper", new { code = codes["L-1"] })).Body;
        Assert.Equal("L-2", paper.GetProperty("proxiesGiven")[0].GetProperty("holder").GetString());
        Assert.True(paper.GetProperty("items")[1].GetProperty("boardDecides").GetBoolean());
    }

    /// <summary>
    /// Tester A1: a member written out per the meeting date while their paper is open presses "Bevestig en stem":
    /// the page says why in one sentence (once, not once per proposal, no "De invoer is niet geldig." in front)
    /// and goes back to the paper, which now offers nothing to choose — no confirm button that cannot work.
    /// Opening the code again shows the same at once.
    /// </summary>
    [Fact]
    public async Task A_member_written_out_before_the_meeting_is_told_once_in_one_sentence_and_is_offered_nothing_to_retry()
    {
        var (coop, codes) = await MeetingToday(onlineProxies: true);
        const string Reason = "U bent per 15-01-2027 geen lid meer en kunt bij de vergadering van 15-01-2027 niet stemmen en geen volmacht geven. Heeft u vragen, neem dan contact op met het bestuur.";
        var page = await fixture.NewPage(PhoneWidth, PhoneHeight);
        await page.GotoAsync($"/stem#{codes["L-3"]}");
        await page.GetByRole(AriaRole.Group, new() { Name = "Realisatiebesluit warmtenet" }).GetByLabel("Voor", new() { Exact = true }).CheckAsync();
        await page.GetByRole(AriaRole.Group, new() { Name = "Tarief 2028" }).GetByLabel("Tegen", new() { Exact = true }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Controleer mijn keuzes" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Klopt dit?" })).ToBeVisibleAsync();

        // Meanwhile the board writes the member out per the meeting date.
        var left = await fixture.Server.Client().Post($"api/cooperatives/{coop}/members/L-3/leave", new { leftOn = "2027-01-15" });
        Assert.True(left.Status == HttpStatusCode.OK, left.Raw);

        await page.GetByRole(AriaRole.Button, new() { Name = "Bevestig en stem" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Uw stembiljet" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync(Reason);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Bevestig en stem" })).ToBeHiddenAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Controleer mijn keuzes" })).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#items input[type=radio]")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#paper-intro")).ToContainTextAsync(Reason);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Volmacht geven" })).ToBeHiddenAsync();
        Assert.Equal(0, (await fixture.Server.Client().Get($"api/cooperatives/{coop}/alv/meetings/alv/proposals/tarief/ballots")).Body.GetProperty("total").GetInt32());

        // The code opened again: the reason at once, nothing to choose, no proxy form.
        var again = await fixture.NewPage(PhoneWidth, PhoneHeight);
        await again.GotoAsync($"/stem#{codes["L-3"]}");
        await Assertions.Expect(again.Locator("#paper-intro")).ToContainTextAsync(Reason);
        await Assertions.Expect(again.GetByRole(AriaRole.Group, new() { Name = "Tarief 2028" })).ToContainTextAsync("U kunt hierover niet stemmen.");
        await Assertions.Expect(again.Locator("#items input[type=radio]")).ToHaveCountAsync(0);
        await Assertions.Expect(again.GetByRole(AriaRole.Button, new() { Name = "Controleer mijn keuzes" })).ToBeHiddenAsync();
        await Assertions.Expect(again.GetByRole(AriaRole.Heading, new() { Name = "Volmacht geven" })).ToBeHiddenAsync();
        Assert.True(await again.EvaluateAsync<int>("document.documentElement.scrollWidth") <= PhoneWidth);
        foreach (var p in new[] { page, again }) await p.Context.CloseAsync();
    }

    [Fact]
    public async Task The_demo_code_typed_sloppily_opens_the_upcoming_demo_meeting_and_a_wrong_code_says_so()
    {
        var page = await fixture.NewPage(PhoneWidth, PhoneHeight);
        await page.GotoAsync("/stem");
        await page.GetByLabel("Stemcode", new() { Exact = true }).FillAsync("XXXX-XXXX-XXXX-XXXX");
        await page.GetByRole(AriaRole.Button, new() { Name = "Verder" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("niet (meer) geldig");

        // The README's printed code, typed with an O for the zero, lower case and spaces.
        await page.GetByLabel("Stemcode", new() { Exact = true }).FillAsync("demo stem kwg1 0001");
        await page.GetByLabel("Stemcode", new() { Exact = true }).PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Uw stembiljet" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#title")).ToContainTextAsync("demo, online stemmen open");
        await Assertions.Expect(page.Locator("#paper-intro")).ToContainTextAsync("Lid 1 (fictief)");
        await Assertions.Expect(page.GetByRole(AriaRole.Group, new() { Name = "Warmtetarief volgend jaar (fictief)" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToBeHiddenAsync();
        await page.Context.CloseAsync();
    }
}
