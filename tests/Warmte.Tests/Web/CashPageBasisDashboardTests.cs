using System.Net;
using System.Text.Json;
using Microsoft.Playwright;
using Warmte.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Warmte.Tests.Web;

/// <summary>
/// Tester finding T3 in a real browser: the cash page of a project with booked spending has two outlook boxes (the top
/// one and the one under "Vanaf de werkelijke stand"); both say "Vandaag" is the service's month (before: the second said
/// the projection's first month, a month later). The tiles under the chart are the simulation of the plan from the start;
/// they say so, and the sentence above them gives the answer from the actual state, as the API's projection has it.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class CashPageBasisDashboardTests(BrowserFixture fixture)
{
    private static readonly System.Globalization.CultureInfo Nl = System.Globalization.CultureInfo.GetCultureInfo("nl-NL");

    private static string Words(string yearMonth) => DateTime.ParseExact(yearMonth + "-01", "yyyy-MM-dd", Nl).ToString("MMMM yyyy", Nl);

    [Fact]
    public async Task Both_outlooks_say_the_services_month_and_the_tiles_say_their_basis()
    {
        var admin = fixture.Server.Client();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var project = await ApiCalls.SeedCooperativeWithProject(admin, $"coop-{suffix}", $"proj-{suffix}");
        var plan = JsonDocument.Parse(RepoFiles.Read("models", "ketelhuiswg-ontwikkeling.json"),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }).RootElement;
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/projects/{project}/cashflow-plan", new { plan })).Status);
        // The fixture's today is 15-01-2027; booked spending makes both outlooks "from the actual state" and shows the second box.
        var booked = await admin.Post($"api/projects/{project}/spending", new { month = "2027-01", kind = "Design", amount = 85_000m });
        Assert.True(booked.Status == HttpStatusCode.Created, booked.Raw);
        var timeline = (await admin.Get($"api/projects/{project}/cash-timeline")).Body;
        // The projection from the actual state starts after today, but its outlook is dated today, the service's month (tester T16).
        Assert.Equal("2027-01", timeline.GetProperty("outlook").GetProperty("today").GetString());
        var actual = timeline.GetProperty("projection").GetProperty("summary");
        var simulation = (await admin.Get($"api/projects/{project}/cashflow")).Body.GetProperty("summary");

        var page = await fixture.SignedIn(fixture.CoordinatorToken);
        await page.GotoAsync($"/app/cashflow?id={project}");
        var boxes = page.Locator(".outlook");
        await Expect(boxes).ToHaveCountAsync(2);
        await Expect(boxes.Nth(0)).ToContainTextAsync("Vandaag (januari 2027), tranches na verantwoording, vanaf de werkelijke stand");
        await Expect(boxes.Nth(1)).ToContainTextAsync("Vandaag (januari 2027), tranches na verantwoording, vanaf de werkelijke stand");
        await Expect(page.Locator("main")).Not.ToContainTextAsync("Vandaag (februari 2027)");

        // The tiles: the simulation from the start, labelled so, with the actual state's answer right above them.
        await Expect(page.Locator("#cash-summary-basis")).ToHaveTextAsync(
            "Deze cijfers zijn van de simulatie van het plan vanaf de start (met gesimuleerde aanvragen), niet van de werkelijke stand.");
        var stalls = actual.GetProperty("stallCount").GetInt32();
        var months = actual.GetProperty("monthsStalled").GetInt32();
        var stallText = stalls == 0 ? "geen windstilte meer" : $"nog {stalls} {(stalls == 1 ? "windstilte" : "windstiltes")} (samen {months} maanden)";
        var done = actual.GetProperty("completed").GetBoolean() ? Words(actual.GetProperty("completedIn").GetString()!) : "niet (geld ontbreekt)";
        await Expect(page.Locator("#cash-summary-actual")).ToHaveTextAsync(
            $"Vanaf de werkelijke stand (zie \"Vanaf de werkelijke stand\" hieronder): {stallText}, klaar {done}.");
        // The section below gives the same figures in its own words.
        await Expect(page.Locator("main")).ToContainTextAsync($"Klaar volgens deze projectie: {Words(actual.GetProperty("completedIn").GetString()!)}");
        var tile = page.Locator("#kpi-stalls");
        await Expect(tile.Locator("dt")).ToHaveTextAsync("Windstiltes (simulatie)");
        await Expect(tile.Locator("dd")).ToHaveTextAsync($"{simulation.GetProperty("stallCount").GetInt32()} (samen {simulation.GetProperty("monthsStalled").GetInt32()} maanden)");
        await Expect(page.Locator("#cash-summary dt", new() { HasTextString = "Klaar" })).ToHaveTextAsync("Klaar (simulatie)");
        await page.Context.CloseAsync();
    }

    /// <summary>
    /// Tester9a T1 in a real browser: the KetelhuisWG plan on a project with a € 300.000 grant in 3 tranches, tranche 1 paid and
    /// tranche 2 requested, spending booked. The work stops (the cash does not cover a work month above the € 150.000 buffer) and
    /// no payment restarts it, but tranches 2 and 3 still come: the page shows the service's own sentence, which names them, and
    /// never "er komt geen betaling meer" nor "het geld is op".
    /// </summary>
    [Fact]
    public async Task The_cash_page_says_the_work_stands_still_and_names_the_payments_still_coming()
    {
        var admin = fixture.Server.Client();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var project = await ApiCalls.SeedCooperativeWithProject(admin, $"coop-{suffix}", $"proj-{suffix}");
        var grant = await admin.Post($"api/projects/{project}/grants", new
        {
            id = "gem-ontw", funder = "Gemeente Amsterdam", scheme = "Ontwikkelsubsidie", amountGranted = 300_000m, decidedOn = "2026-02-15",
            tranches = new[] { new { amount = 100_000m }, new { amount = 100_000m }, new { amount = 100_000m } },
        });
        Assert.True(grant.Status is HttpStatusCode.OK or HttpStatusCode.Created, grant.Raw);
        foreach (var (step, body) in new (string, object)[]
                 {
                     ("1/request", new { on = "2026-03-01" }),
                     ("1/accounting", new { on = "2026-09-01", amount = 60_000m, periodFrom = "2026-02-01", periodTo = "2026-08-31" }),
                     ("1/approve", new { on = "2026-09-18" }),
                     ("1/pay", new { on = "2026-10-18", amount = 100_000m }),
                     ("2/request", new { on = "2026-10-20" }),
                 })
        {
            var answer = await admin.Post($"api/projects/{project}/grants/gem-ontw/tranches/{step}", body);
            Assert.True(answer.Status == HttpStatusCode.OK, step + ": " + answer.Raw);
        }
        foreach (var (month, amount) in new[] { ("2026-04", 30_000m), ("2026-06", 30_000m), ("2026-09", 35_500m) })
            Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/projects/{project}/spending", new { month, kind = "Design", amount })).Status);
        var plan = JsonDocument.Parse(RepoFiles.Read("models", "ketelhuiswg-ontwikkeling.json"),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }).RootElement;
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/projects/{project}/cashflow-plan", new { plan })).Status);

        var outlook = (await admin.Get($"api/projects/{project}/cash-timeline")).Body.GetProperty("outlook");
        Assert.True(outlook.GetProperty("runsOut").GetBoolean(), outlook.ToString());
        Assert.True(outlook.GetProperty("paymentsInGap").GetDecimal() > 0m, outlook.ToString());
        var sentence = outlook.GetProperty("runsOutText").GetString()!;
        Assert.Contains("ligt het werk stil", sentence);
        Assert.Contains("is niet genoeg om het werk weer op te starten", sentence);

        var page = await fixture.SignedIn(fixture.CoordinatorToken);
        await page.GotoAsync($"/app/cashflow?id={project}");
        var boxes = page.Locator(".outlook");
        await Expect(boxes.Nth(0)).ToContainTextAsync(sentence);
        await Expect(page.Locator("main")).Not.ToContainTextAsync("geen betaling meer");
        await Expect(page.Locator("main")).Not.ToContainTextAsync("Het geld is op");
        await page.Context.CloseAsync();
    }

    /// <summary>
    /// Tester T2 in a real browser: a plan followed by hand (see CashForecastTruthsTests.SmallPlan, here from the fixture's month
    /// 01-2027): work 01–03, then a stall in which € 1.000 of organisation a month runs on with no money, so the cash closes at
    /// −1.000 in 04-2027 … −5.000 in 08-2027. The cash page says so in the outlook box.
    /// </summary>
    [Fact]
    public async Task The_cash_page_says_when_the_cash_goes_below_zero_and_by_how_much()
    {
        var admin = fixture.Server.Client();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var project = await ApiCalls.SeedCooperativeWithProject(admin, $"coop-{suffix}", $"proj-{suffix}");
        var plan = JsonDocument.Parse("""
            {"formatVersion":1,"name":"Klein","startMonth":"2027-01","openingBalance":0,"cashBuffer":0,"restartCost":0,
            "phases":[{"name":"Ontwerp","months":6,"budget":60000}],
            "workPlan":[{"name":"Organisatie","kind":"organisation","monthlyCost":1000,"runsDuringStall":true},{"name":"Ontwerp","kind":"design","monthlyCost":9000}],
            "grant":{"name":"S","funder":"F","amount":60000,"trancheSize":30000,"waitsForAccounting":true},
            "leadTimes":{"requestToApprovedMonths":5,"approvedToPaidMonths":1}}
            """).RootElement;
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/projects/{project}/cashflow-plan", new { plan })).Status);
        var page = await fixture.SignedIn(fixture.CoordinatorToken);
        await page.GotoAsync($"/app/cashflow?id={project}");
        await Expect(page.Locator(".outlook").First).ToContainTextAsync(
            "De kas is leeg in 04-2027 (tekort € 5.000,00 in 08-2027): de vaste kosten zijn dan niet meer te betalen.");
        await page.Context.CloseAsync();
    }

    /// <summary>
    /// Carried from session 16: the cash page's chart drew the booked balance while the cash timeline's rows and "Saldo nu" count the
    /// plan's spending where nothing is booked yet (today's fixed costs). The chart's actual line now has the rows' balance, month by
    /// month, and the months with planned amounts are hatched, with the amount and a legend.
    /// </summary>
    [Fact]
    public async Task The_charts_actual_line_is_the_cash_timelines_balance_with_planned_months_marked()
    {
        var admin = fixture.Server.Client();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var project = await ApiCalls.SeedCooperativeWithProject(admin, $"coop-{suffix}", $"proj-{suffix}");
        var plan = JsonDocument.Parse("""
            {"formatVersion":1,"name":"Klein","startMonth":"2026-11","openingBalance":50000,"cashBuffer":0,"restartCost":0,
            "phases":[{"name":"Ontwerp","months":6,"budget":60000}],
            "workPlan":[{"name":"Organisatie","kind":"organisation","monthlyCost":1000,"runsDuringStall":true},{"name":"Ontwerp","kind":"design","monthlyCost":9000}],
            "grant":{"name":"S","funder":"F","amount":60000,"trancheSize":30000,"waitsForAccounting":true},
            "leadTimes":{"requestToApprovedMonths":5,"approvedToPaidMonths":1}}
            """).RootElement;
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/projects/{project}/cashflow-plan", new { plan })).Status);
        // Two work months booked; nothing yet in the fixture's month 01-2027, so its € 1.000 organisation is planned, not booked.
        foreach (var month in new[] { "2026-11", "2026-12" })
        {
            var booked = await admin.Post($"api/projects/{project}/spending", new { month, kind = "Design", amount = 10_000m });
            Assert.True(booked.Status == HttpStatusCode.Created, booked.Raw);
        }
        var timeline = (await admin.Get($"api/projects/{project}/cash-timeline")).Body;
        var rows = timeline.GetProperty("actual").GetProperty("months").EnumerateArray()
            .ToDictionary(m => m.GetProperty("month").GetString()!, m => (Closing: m.GetProperty("closing").GetDecimal(), Planned: m.GetProperty("planned").GetDecimal()));
        // By hand: € 50.000 − € 10.000 − € 10.000 − € 1.000 (January's organisation, planned) = € 29.000.
        Assert.Equal(29_000m, timeline.GetProperty("actual").GetProperty("balance").GetDecimal());
        Assert.Equal((29_000m, 1_000m), rows["2027-01"]);
        var labels = (await admin.Get($"api/projects/{project}/cashflow")).Body.GetProperty("months").EnumerateArray()
            .Select(m => m.GetProperty("month").GetString()!).ToList();
        static string Js(decimal v) => v.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);
        var expected = string.Join(";", labels.Select(l => rows.TryGetValue(l, out var r) ? Js(r.Closing) : ""));

        var page = await fixture.SignedIn(fixture.CoordinatorToken);
        await page.GotoAsync($"/app/cashflow?id={project}");
        var chart = page.Locator("#cash-chart");
        await Expect(chart.Locator("path[data-series=werkelijk]")).ToHaveAttributeAsync("data-values", expected);
        // The planned months, hatched, with their amounts: here only January.
        var planned = chart.Locator("rect[data-kind=planned]");
        await Expect(planned).ToHaveCountAsync(rows.Count(r => r.Value.Planned > 0 && labels.Contains(r.Key)));
        await Expect(planned.First).ToHaveAttributeAsync("data-from", "2027-01");
        await Expect(planned.First).ToHaveAttributeAsync("data-amount", "1000");
        await Expect(page.Locator(".legend").First).ToContainTextAsync("Gepland, nog niet geboekt");
        // The same balance in words below the chart.
        await Expect(page.Locator("#from-actual")).ToContainTextAsync("Saldo nu € 29.000,00 (met € 1.000,00 geplande uitgaven");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_portfolio_page_names_the_cooperative_by_its_name()
    {
        // Tester T8.7: the financier's portfolio showed "ketelhuiswg" where the coordinator's views say the cooperative's name.
        var screens = fixture.Screens;
        var row = (await screens.Server.Client(screens.FinancierToken).Get("api/portfolio")).Body.GetProperty("projects").EnumerateArray()
            .Single(p => p.GetProperty("cooperativeId").GetString() == "ketelhuiswg");
        var name = row.GetProperty("cooperativeName").GetString()!;
        Assert.Contains("KetelhuisWG", name);
        var page = await screens.SignedIn(screens.FinancierToken);
        await page.GotoAsync("/app/portfolio");
        var line = page.Locator("#portfolio tbody tr").Filter(new() { HasTextString = row.GetProperty("projectName").GetString()! });
        await Expect(line).ToContainTextAsync(name);
        await Expect(line).Not.ToContainTextAsync("ketelhuiswg");
        await page.Context.CloseAsync();
    }
}
