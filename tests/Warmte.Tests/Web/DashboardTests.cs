using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Warmte.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Warmte.Tests.Web;

/// <summary>The web dashboard in a real (headless) browser against the real service with the demo data.</summary>
[Collection(BrowserCollection.Name)]
public sealed class DashboardTests(BrowserFixture fixture)
{
    private static readonly CultureInfo Dutch = CultureInfo.GetCultureInfo("nl-NL");

    /// <summary>The tests that take the README's screenshots read the demo from a service of their own, which no test writes to.</summary>
    private BrowserFixture.DataSet Screens => fixture.Screens;

    private static decimal Dscr(string text) => decimal.Parse(text.Split(' ')[0], NumberStyles.Number, Dutch);

    /// <summary>Every form control on the page has a label a screen reader can announce.</summary>
    private static async Task AssertEveryControlIsLabelled(IPage page)
    {
        var unlabelled = await page.EvaluateAsync<string[]>(
            "() => [...document.querySelectorAll('input, select, textarea')].filter(e => e.labels.length === 0 && !e.getAttribute('aria-label')).map(e => e.id || e.name)");
        Assert.Empty(unlabelled);
    }

    [Fact]
    public async Task A_wrong_token_is_refused_and_a_financier_signs_in_to_the_portfolio_with_alerts_most_urgent_first()
    {
        var page = await Screens.NewPage();
        await page.GotoAsync("/");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Aanmelden" })).ToBeVisibleAsync();
        await BrowserFixture.Screenshot(page, "sign-in");
        await page.GetByLabel("Token").FillAsync("wt_this-token-does-not-exist-000000000000");
        await page.GetByRole(AriaRole.Button, new() { Name = "Aanmelden" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("onbekend of ingetrokken");
        Assert.EndsWith("/", page.Url);

        var financier = await Screens.SignedIn(Screens.FinancierToken);
        await Expect(financier).ToHaveURLAsync(new Regex("/app/portfolio$"));
        await Expect(financier.Locator("#signed-in-as")).ToContainTextAsync("financier");
        await Expect(financier.Locator("#portfolio-totals")).ToContainTextAsync("€ 7.700.000,00");
        await Expect(financier.Locator("#portfolio tbody tr")).ToHaveCountAsync(1);
        // How long the money lasts, as the cash outlook says: "nog N maanden" only when it runs out; when it lasts, until
        // the end of the work (before: "53 maanden", the months to the end of the work, read as "the money runs out then").
        var cash = (await Screens.Server.Client(Screens.FinancierToken).Get("api/projects/wg-terrein/cashflow")).Body.GetProperty("outlook");
        var lasts = financier.Locator("#portfolio tbody tr td").Nth(6); // the row header (project) is a th
        // First whether the cash goes below zero (the bills cannot be paid then, whatever the runway).
        if (cash.TryGetProperty("cashShortFrom", out var shortFrom) && shortFrom.ValueKind == JsonValueKind.String)
            await Expect(lasts).ToHaveTextAsync(new Regex($@"^kas leeg vanaf {shortFrom.GetString()![5..]}-{shortFrom.GetString()![..4]} \(tekort €\s[\d.]+,\d\d( in \d\d-\d{{4}})?\)$"));
        else if (cash.GetProperty("state").GetString() == "NoGapAhead")
        {
            var until = DateTime.ParseExact(cash.GetProperty("moneyLastsUntil").GetString() + "-01", "yyyy-MM-dd", Dutch).ToString("MMMM yyyy", Dutch);
            await Expect(lasts).ToHaveTextAsync($"tot het einde van het werk ({until})");
        }
        else
            await Expect(lasts).ToHaveTextAsync(new Regex(@"^nog \d+ maand(en)?$"));

        // The demo on 15-01-2027: tranche 6 waits for approval. Tranches 1-5 were paid and nothing is booked: the runway
        // comes from the actual balance, which covers the work, so no false "runway-low" (tester A7; before, the plan's
        // simulation said 2 months and an 11-month stall).
        var severities = await financier.Locator("#alerts tbody tr td:first-child").AllInnerTextsAsync();
        Assert.NotEmpty(severities);
        Assert.DoesNotContain(await financier.Locator("#alerts tbody tr").AllInnerTextsAsync(), row => row.Contains("maanden werk", StringComparison.Ordinal));
        var rank = new Dictionary<string, int> { ["Hoog"] = 3, ["Middel"] = 2, ["Laag"] = 1 };
        var ranks = severities.Select(s => rank[s.Trim()]).ToList();
        Assert.Equal(ranks.OrderByDescending(r => r), ranks);
        await BrowserFixture.Screenshot(financier, "portfolio");
    }

    [Fact]
    public async Task The_board_opens_the_ketelhuiswg_project_and_sees_the_phases_the_next_gate_and_the_milestones()
    {
        var page = await Screens.SignedIn(Screens.KetelhuisBoardToken);
        await Expect(page).ToHaveURLAsync(new Regex("/app/$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Coöperatie KetelhuisWG U.A.");
        await BrowserFixture.Screenshot(page, "overview-board");

        await page.Locator("li.own").GetByRole(AriaRole.Link, new() { Name = "Warmtenet WG-terrein" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(@"/app/project\?id=wg-terrein$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Warmtenet WG-terrein");

        var current = page.Locator(".timeline li[aria-current=step]");
        await Expect(current).ToHaveAttributeAsync("data-phase", "Realisatie");
        await Expect(current).ToContainTextAsync("sinds 01-04-2025");
        await Expect(page.Locator(".timeline li[data-phase=Ontwikkeling]")).ToContainTextAsync("01-07-2021 – 01-04-2025");
        await Expect(page.Locator(".timeline li[data-phase=Beheer]")).ToContainTextAsync("nog niet");

        var checklist = page.Locator("#gate-checklist");
        await Expect(checklist.Locator("caption")).ToContainTextAsync("Realisatie → Beheer");
        await Expect(checklist.Locator("tbody tr")).ToHaveCountAsync(2);
        await Expect(checklist.Locator("[data-met=false]")).ToHaveCountAsync(2);
        await Expect(checklist).ToContainTextAsync("Nog niet aanwezig.");
        await Expect(page.GetByRole(AriaRole.Rowheader, new() { Name = "Intentieverklaring (letter of intent)" })).ToBeVisibleAsync();

        var lastConnection = page.Locator("#milestones tbody tr", new() { HasText = "Laatste aansluiting" });
        await Expect(lastConnection).ToContainTextAsync("31-08-2027");
        await Expect(lastConnection).ToContainTextAsync("nog niet");
        // Its own board may record milestones here.
        await Expect(page.Locator("#milestone-form")).ToBeVisibleAsync();
        await AssertEveryControlIsLabelled(page);
        await BrowserFixture.Screenshot(page, "project");
    }

    [Fact]
    public async Task The_cash_page_states_the_runway_in_words_and_shades_every_stall_month_on_the_chart()
    {
        var api = Screens.Server.Client(Screens.FinancierToken);
        var simulation = (await api.Get("api/projects/wg-terrein/cashflow")).Body;
        var stalls = simulation.GetProperty("stalls").GetArrayLength();
        Assert.True(stalls > 0);
        var payments = simulation.GetProperty("months").EnumerateArray()
            .Sum(m => m.GetProperty("events").EnumerateArray().Count(e => e.GetProperty("kind").GetString() == "TranchePaid"));

        var page = await Screens.SignedIn(Screens.FinancierToken);
        await page.GotoAsync("/app/project?id=wg-terrein");
        await page.GetByRole(AriaRole.Link, new() { Name = "Kaspositie" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(@"/app/cashflow\?id=wg-terrein$"));

        var outlook = page.Locator("#outlook");
        // The demo's tranches 1-5 were paid and nothing is booked: the outlook is the actual balance with the plan's spending
        // from where the plan has the work today (tester A7), and the page says so and states the API's runway in words.
        var answer = simulation.GetProperty("outlook");
        Assert.Equal("Actual", answer.GetProperty("basis").GetString());
        await Expect(outlook).ToContainTextAsync("nog geen uitgaven of voortgang geboekt");
        var nl = System.Globalization.CultureInfo.GetCultureInfo("nl-NL");
        string Words(string yearMonth) => DateTime.ParseExact(yearMonth + "-01", "yyyy-MM-dd", nl).ToString("MMMM yyyy", nl);
        // "Vandaag" is the service's month (the demo's 15-01-2027), not the projection's first month, which from the actual
        // state is the month after it (tester A11: "Vandaag (januari 2027)" on 6 December).
        await Expect(outlook).ToContainTextAsync("Vandaag (januari 2027)");
        if (answer.GetProperty("state").GetString() == "GapAhead")
        {
            var runway = answer.GetProperty("runwayMonths").GetInt32();
            var gap = DateTime.ParseExact(answer.GetProperty("gapStart").GetString() + "-01", "yyyy-MM-dd", nl).AddMonths(-1).ToString("yyyy-MM");
            await Expect(outlook).ToContainTextAsync($"Het geld reikt nog {runway} {(runway == 1 ? "maand" : "maanden")} werk, tot en met {Words(gap)}.");
            await Expect(outlook).ToContainTextAsync($"Volgende tranche nodig vóór {Words(answer.GetProperty("moneyNeededBy").GetString()!)}.");
        }
        else
        {
            // The money lasts: until the end of the work, in words, never a number of months (a number reads as "runs out then").
            Assert.Equal("NoGapAhead", answer.GetProperty("state").GetString());
            await Expect(outlook).ToContainTextAsync($"Het geld reikt tot het einde van het werk ({Words(answer.GetProperty("moneyLastsUntil").GetString()!)})");
            await Expect(outlook).Not.ToContainTextAsync("Het geld reikt nog");
        }

        var chart = page.Locator("#cash-chart");
        await Expect(chart.Locator("rect[data-kind=stall]")).ToHaveCountAsync(stalls);
        await Expect(chart.Locator("[data-kind=tranche]")).ToHaveCountAsync(payments);
        // The first stall of the plan, as the API has it (the demo's plan is dated from today: DemoCalendar), 8 work months after
        // the start: the first tranche pays them.
        var firstStall = simulation.GetProperty("stalls")[0];
        var planStart = NodaTime.Text.YearMonthPattern.Iso.Parse((await api.Get("api/projects/wg-terrein/cashflow-plan")).Body.GetProperty("plan").GetProperty("startMonth").GetString()!).Value;
        Assert.Equal(NodaTime.Text.YearMonthPattern.Iso.Format(planStart.PlusMonths(8)), firstStall.GetProperty("start").GetString());
        await Expect(chart.Locator("rect[data-kind=stall]").First).ToHaveAttributeAsync("data-from", firstStall.GetProperty("start").GetString()!);
        await Expect(chart.Locator("rect[data-kind=stall]").First).ToHaveAttributeAsync("data-to", firstStall.GetProperty("end").GetString()!);
        await Expect(chart.Locator("path[data-series=verwacht]")).ToHaveClassAsync(new Regex("dashed"));
        await Expect(page.Locator("#kpi-stalls")).ToContainTextAsync($"{stalls} (samen");

        var regimes = page.Locator("#regime-table tbody tr");
        await Expect(regimes).ToHaveCountAsync(3);
        await Expect(regimes.Filter(new() { HasText = "Voorfinanciering per fase" }).Locator("td").Nth(2)).ToHaveTextAsync("0");
        await Expect(page.Locator("#regime-chart path.line")).ToHaveCountAsync(3);
        await BrowserFixture.Screenshot(page, "cashflow");

        // Another regime redraws the chart in place: pre-financing per phase never stalls.
        await page.GetByLabel("Financieringsregime", new() { Exact = true }).SelectOptionAsync("Milestones");
        await Expect(chart.Locator("rect[data-kind=stall]")).ToHaveCountAsync(0);
        await Expect(page.Locator("#kpi-stalls")).ToContainTextAsync("0 (samen 0 maanden)");
        await AssertEveryControlIsLabelled(page);
    }

    [Fact]
    public async Task Changing_the_loan_rate_in_the_simulator_changes_the_minimum_dscr_without_a_page_reload()
    {
        var page = await Screens.SignedIn(Screens.FinancierToken);
        await page.GotoAsync("/app/business-case?id=wg-terrein");
        var minDscr = page.Locator("#kpi-min-dscr dd");
        await Expect(minDscr).ToHaveTextAsync("1,87 (2028)");
        await Expect(page.Locator("#dscr-chart [data-kind=threshold]")).ToHaveAttributeAsync("data-value", "1.2");
        await Expect(page.Locator("#sources-uses")).ToContainTextAsync("€ 30.000.000,00");
        await Expect(page.GetByLabel("Rente per jaar (%)")).ToHaveValueAsync("3");
        // F15: closing on paper, but the saved version's cash goes below zero in a year: said beside "sluit".
        var saved = (await Screens.Server.Client(Screens.FinancierToken).Get("api/projects/wg-terrein/business-cases")).Body[0].GetProperty("kpis");
        var lowest = saved.GetProperty("lowestCashBalance").GetDecimal();
        Assert.True(saved.GetProperty("financingCloses").GetBoolean() && lowest < 0m, saved.ToString());
        await Expect(page.Locator("#kpi-closes dd")).ToHaveTextAsync(
            $"ja, maar in {saved.GetProperty("lowestCashBalanceYear").GetInt32()} € {(-lowest).ToString("#,##0.00", Dutch)} tekort (overbrugging nodig)");

        // Marks the document: a reload would lose it.
        await page.EvaluateAsync("() => { window.notReloaded = true; }");
        await page.GetByLabel("Rente per jaar (%)").FillAsync("abc");
        await page.GetByRole(AriaRole.Button, new() { Name = "Doorrekenen" }).ClickAsync();
        await Expect(page.Locator("#sim-rate-error")).ToContainTextAsync("Vul een rente in");
        await Expect(minDscr).ToHaveTextAsync("1,87 (2028)");

        await page.GetByLabel("Rente per jaar (%)").FillAsync("7,5");
        await page.GetByRole(AriaRole.Button, new() { Name = "Doorrekenen" }).ClickAsync();
        await Expect(page.Locator("#simulation-note")).ToContainTextAsync("Gesimuleerd (niet bewaard): 7,5% rente");
        await Expect(minDscr).Not.ToHaveTextAsync("1,87 (2028)");
        var simulated = Dscr(await minDscr.InnerTextAsync());
        Assert.True(simulated < 1.87m, $"min DSCR at 7.5% was {simulated}");
        Assert.True(await page.EvaluateAsync<bool>("() => window.notReloaded === true"));
        // The saved version stays drawn next to the simulation.
        await Expect(page.Locator("#dscr-chart path[data-series='DSCR gesimuleerd']")).ToHaveCountAsync(1);
        await Expect(page.Locator("#dscr-chart path[data-series='DSCR bewaarde versie']")).ToHaveCountAsync(1);
        await AssertEveryControlIsLabelled(page);
        await BrowserFixture.Screenshot(page, "business-case");

        // A longer term at the same rate lifts it again; nothing was saved.
        var at33Years = await minDscr.InnerTextAsync();
        await page.GetByLabel("Looptijd (jaren)").FillAsync("40");
        await page.GetByRole(AriaRole.Button, new() { Name = "Doorrekenen" }).ClickAsync();
        await Expect(page.Locator("#simulation-note")).ToContainTextAsync("40 jaar");
        await Expect(minDscr).Not.ToHaveTextAsync(at33Years);
        Assert.True(Dscr(await minDscr.InnerTextAsync()) > simulated);
        var versions = await Screens.Server.Client(Screens.FinancierToken).Get("api/projects/wg-terrein/business-cases");
        Assert.Equal(1, versions.Body.GetArrayLength());
    }

    [Fact]
    public async Task The_monte_carlo_shows_percentiles_where_the_base_case_falls_and_the_drivers_in_dutch()
    {
        var page = await Screens.SignedIn(Screens.FinancierToken);
        await page.GotoAsync("/app/business-case?id=wg-terrein");
        await page.GetByRole(AriaRole.Button, new() { Name = "Monte Carlo starten (2.000 trekkingen)" }).ClickAsync();

        var percentiles = page.Locator("#montecarlo-percentiles");
        await Expect(percentiles).ToContainTextAsync("Basisscenario");
        // The base case column is the saved version's own result, as the KPIs above show it.
        await Expect(percentiles.Locator("tbody tr").Nth(1)).ToContainTextAsync("1,87");
        await Expect(page.Locator("#montecarlo-base-npv")).ToHaveTextAsync(new Regex(@"^NPV: P\d{1,3}: \d{1,3},\d% van de trekkingen komt hierop of lager uit\.$"));
        await Expect(page.Locator("#montecarlo-base-dscr")).ToContainTextAsync("Laagste DSCR: P");
        await Expect(page.Locator("#montecarlo-probabilities")).ToContainTextAsync("Kans dat de financiering niet sluit: ");
        await Expect(page.Locator("#montecarlo-probabilities")).ToContainTextAsync("bronnen dekken de bestedingen niet: ");
        // F15: the chance of a year below zero beside it (the saved KetelhuisWG version itself dips below zero).
        await Expect(page.Locator("#montecarlo-probabilities")).ToContainTextAsync(new Regex(@"Kans op kastekort \(een jaar onder nul, overbrugging nodig\): \d{1,3},\d%"));

        // One row per uncertainty of the model, largest rank correlation with the NPV first.
        var model = System.Text.Json.JsonDocument.Parse(RepoFiles.Read("models", "ketelhuiswg.json"));
        var count = model.RootElement.GetProperty("uncertainties").GetArrayLength();
        var drivers = page.Locator("#montecarlo-drivers tbody tr");
        await Expect(drivers).ToHaveCountAsync(count);
        var sizes = new List<decimal>();
        for (var i = 0; i < count; i++)
            sizes.Add(Math.Abs(decimal.Parse((await drivers.Nth(i).Locator("td").First.InnerTextAsync()).Replace(',', '.'), System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(sizes.OrderByDescending(x => x), sizes);
        await Expect(page.Locator("#montecarlo-drivers")).ToContainTextAsync("Elektriciteitsprijs");
        await Expect(page.Locator("#montecarlo-uncertainties")).ToContainTextAsync("domain.md");
        await AssertEveryControlIsLabelled(page);
        await BrowserFixture.Screenshot(page, "business-case-montecarlo");
    }

    [Fact]
    public async Task The_coordinator_sorts_and_filters_the_apec_comparison_and_downloads_the_export()
    {
        var page = await Screens.SignedIn(Screens.CoordinatorToken);
        await Expect(page).ToHaveURLAsync(new Regex("/app/umbrella$"));
        var rows = page.Locator("#comparison tbody tr");
        await Expect(rows).ToHaveCountAsync(5);
        await Expect(page.Locator("#export-link")).ToHaveAttributeAsync("href", "/api/umbrellas/apec/export.xlsx");
        // The download goes with the token (a plain link cannot send it) and is the real workbook.
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#export-link").ClickAsync());
        Assert.EndsWith(".xlsx", download.SuggestedFilename);
        using (var file = File.OpenRead(await download.PathAsync()))
        using (var workbook = new ClosedXML.Excel.XLWorkbook(file))
        {
            Assert.Equal("Overzicht", workbook.Worksheets.First().Name);
            Assert.Contains("wg-terrein", workbook.Worksheets.Select(w => w.Name));
        }

        // Sort by WEQ: first ascending, then descending puts KetelhuisWG (1.500) on top.
        var weq = page.Locator("#comparison thead th[data-key=weq]");
        await weq.GetByRole(AriaRole.Button).ClickAsync();
        await Expect(weq).ToHaveAttributeAsync("aria-sort", "ascending");
        await weq.GetByRole(AriaRole.Button).ClickAsync();
        await Expect(weq).ToHaveAttributeAsync("aria-sort", "descending");
        await Expect(rows.First).ToHaveAttributeAsync("data-project", "wg-terrein");
        await Expect(rows.Nth(1)).ToHaveAttributeAsync("data-project", "warmtenet-noord");
        // F15: "Financiering rond" says the cash gap in time beside "ja" (KetelhuisWG's saved business case dips below zero).
        await Expect(rows.First).ToContainTextAsync(new Regex(@"ja, overbrugging € \d{1,3}(\.\d{3})* in 20\d\d"));
        await BrowserFixture.Screenshot(page, "umbrella");

        await page.GetByLabel("Soort").SelectOptionAsync("HeatNetwork");
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(page.Locator("#row-count")).ToHaveTextAsync("2 van 5 rijen getoond.");
        await page.GetByLabel("Zoeken").FillAsync("ketelhuis");
        await Expect(rows).ToHaveCountAsync(1);
        await page.GetByLabel("Zoeken").FillAsync("");
        await page.GetByLabel("Soort").SelectOptionAsync("");
        await page.GetByLabel("Fase").SelectOptionAsync("Haalbaarheid");
        await Expect(rows).ToHaveCountAsync(2);
        await AssertEveryControlIsLabelled(page);

        // The sort buttons work from the keyboard.
        await page.Locator("#comparison thead th[data-key=cooperative] button").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#comparison thead th[data-key=cooperative]")).ToHaveAttributeAsync("aria-sort", "ascending");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#comparison thead th[data-key=cooperative]")).ToHaveAttributeAsync("aria-sort", "descending");

        await page.GotoAsync("/app/project?id=wg-terrein");
        await Expect(page.Locator("#project-export-link")).ToHaveAttributeAsync("href", "/api/projects/wg-terrein/export.xlsx");
    }

    [Fact]
    public async Task The_decisions_page_shows_the_alv_result_and_the_consent_of_each_complex_in_counts_only()
    {
        // The personal data the service holds for KetelhuisWG (an admin may read it): none of it may reach this page.
        var admin = Screens.Server.Client();
        var register = (await admin.Get("api/cooperatives/ketelhuiswg/members")).Body.EnumerateArray().ToList();
        var consentWithAddresses = (await admin.Get("api/projects/wg-terrein/consent")).Body;
        var personal = register.SelectMany(m => new[] { m.GetProperty("name").GetString()!, m.GetProperty("number").GetString()!, m.GetProperty("address").GetProperty("postcode").GetString()! })
            .Concat(consentWithAddresses.GetProperty("complexes").EnumerateArray()
                .SelectMany(c => c.GetProperty("declarations").EnumerateArray().Select(d => d.GetProperty("address").GetProperty("postcode").GetString()!)))
            .Distinct().ToList();
        Assert.True(register.Count > 100 && personal.Count > register.Count, "the demo has members and consent per address");
        var complexes = consentWithAddresses.GetProperty("complexes").EnumerateArray().ToList();
        Assert.Equal(2, complexes.Count);

        var page = await Screens.SignedIn(Screens.FinancierToken);
        await page.GotoAsync("/app/project?id=wg-terrein");
        await page.Locator("nav.tabs").GetByRole(AriaRole.Link, new() { Name = "Stemmingen en instemming" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(@"/app/decisions\?id=wg-terrein$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Stemmingen en instemming – Warmtenet WG-terrein");
        await Expect(page.Locator("main .lead")).ToContainTextAsync("Coöperatie KetelhuisWG U.A.");

        // The ALV of 14-12-2024: the realisatiebesluit passed with 96 for and 4 against, more than half required.
        await Expect(page.Locator("[data-meeting='alv-2024-12-14'] h3")).ToContainTextAsync("ALV van 14-12-2024");
        var proposal = page.Locator("[data-proposal='alv-2024-12-14/realisatiebesluit']");
        await Expect(proposal.Locator("[data-outcome]")).ToHaveTextAsync("Aangenomen");
        await Expect(proposal.Locator("[data-count=for] dd")).ToHaveTextAsync("96");
        await Expect(proposal.Locator("[data-count=against] dd")).ToHaveTextAsync("4");
        await Expect(proposal.Locator("[data-count=for-percent] dd")).ToHaveTextAsync("96,00%");
        await Expect(proposal.Locator(".rule")).ToContainTextAsync("meer dan 1/2 van de uitgebrachte stemmen");
        await Expect(proposal.Locator(".quorum")).ToContainTextAsync("100 van 140 stemgerechtigde leden aanwezig of vertegenwoordigd");

        // Both complexes reached their 70% threshold; the bar's agreed part reaches past the threshold line.
        foreach (var complex in complexes)
        {
            var id = complex.GetProperty("id").GetString()!;
            var block = page.Locator($"article.complex[data-complex='{id}']");
            await Expect(block.Locator("[data-reached]")).ToHaveAttributeAsync("data-reached", "true");
            // Tester T10c: the day it was met (the API's reachedOn, JJJJ-MM-DD) is shown, in Dutch date order.
            var reachedOn = complex.GetProperty("reachedOn").GetString()!.Split('-');
            await Expect(block.Locator("[data-reached]")).ToHaveTextAsync($"✓ Drempel gehaald op {reachedOn[2]}-{reachedOn[1]}-{reachedOn[0]}");
            await Expect(block.Locator("[data-count=agreed] dd")).ToHaveTextAsync(complex.GetProperty("agreed").GetInt32().ToString(Dutch));
            await Expect(block.Locator("[data-count=required] dd")).ToHaveTextAsync($"{complex.GetProperty("required").GetInt32()} (70%)");
            await Expect(block).ToContainTextAsync("Bezwaartermijn tot");
            await Expect(block.Locator(".forecast")).ToContainTextAsync("Drempel gehaald.");
            var bar = block.Locator("svg.consent-bar");
            await Expect(page.GetByRole(AriaRole.Img, new() { Name = "Instemming " + complex.GetProperty("name").GetString() })).ToBeVisibleAsync();
            await Expect(bar.Locator("[data-kind=threshold]")).ToHaveAttributeAsync("data-value", "0.7");
            await Expect(bar).ToContainTextAsync("drempel 70%");
            var thresholdX = double.Parse(await bar.Locator("[data-kind=threshold]").GetAttributeAsync("x1") ?? "", CultureInfo.InvariantCulture);
            var agreedWidth = double.Parse(await bar.Locator("rect[data-kind=agreed]").GetAttributeAsync("width") ?? "", CultureInfo.InvariantCulture);
            Assert.True(agreedWidth >= thresholdX, $"{id}: agreed {agreedWidth} should reach the threshold line at {thresholdX}");
        }
        await Expect(page.Locator("#consent-total")).ToContainTextAsync(
            $"{consentWithAddresses.GetProperty("agreed").GetInt32()} van {consentWithAddresses.GetProperty("rentedHomes").GetInt32()} huurwoningen akkoord");
        await Expect(page.Locator("#consent-total")).ToContainTextAsync("Alle complexen hebben hun drempel gehaald.");

        // The Wcw check and the member counts.
        var wcw = (await admin.Get("api/projects/wg-terrein/wcw")).Body;
        await Expect(page.Locator("#wcw-missing li")).ToHaveCountAsync(wcw.GetProperty("missing").GetArrayLength());
        await Expect(page.Locator("#wcw")).ToContainTextAsync("10 tot en met 1.500 aansluitingen");
        var summary = (await admin.Get("api/cooperatives/ketelhuiswg/members/summary")).Body;
        await Expect(page.Locator("#member-categories tbody tr")).ToHaveCountAsync(summary.GetProperty("byCategory").GetArrayLength());
        await Expect(page.Locator("#members [data-count=members] dd")).ToHaveTextAsync(summary.GetProperty("members").GetInt32().ToString(Dutch));

        var text = await page.Locator("body").InnerTextAsync();
        Assert.DoesNotContain(personal, p => text.Contains(p, StringComparison.Ordinal));
        await AssertEveryControlIsLabelled(page);
        await BrowserFixture.Screenshot(page, "decisions");

        // The board's token does receive attendance and consent per address from the API; the page still shows counts only, and fits a phone.
        var board = await Screens.SignedIn(Screens.KetelhuisBoardToken, width: 390, height: 844);
        // A normal page view asks for nothing that is not there: no failed request in the browser's console (tester F13: the page
        // asked …/online of every meeting and got a 404 for each one without online voting).
        var failed = new List<string>();
        board.Response += (_, r) => { if (r.Status >= 400) failed.Add($"{r.Status} {r.Request.Method} {r.Url}"); };
        board.RequestFailed += (_, r) => failed.Add($"{r.Method} {r.Url}: {r.Failure}");
        await board.GotoAsync("/app/decisions?id=wg-terrein");
        await Expect(board.Locator("#consent-total")).ToBeVisibleAsync();
        await Expect(board.Locator("[data-online], [data-online-open]").First).ToBeVisibleAsync();
        await Expect(board.Locator("#member-register")).ToBeVisibleAsync();
        Assert.Empty(failed);
        await Expect(board.Locator("[data-proposal='alv-2024-12-14/realisatiebesluit'] [data-outcome]")).ToHaveTextAsync("Aangenomen");
        var boardText = await board.Locator("body").InnerTextAsync();
        Assert.DoesNotContain(personal, p => boardText.Contains(p, StringComparison.Ordinal));
        // Its own register is there for the board, folded until opened; the financier never gets it.
        await board.Locator("#member-register summary").ClickAsync();
        await Expect(board.Locator("#member-register-table tbody tr")).ToHaveCountAsync(register.Count);
        await Expect(board.Locator("#member-register-table")).ToContainTextAsync(register[0].GetProperty("name").GetString()!);
        await Expect(page.Locator("#member-register")).ToHaveCountAsync(0);
        var overflow = await board.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"the page is {overflow}px wider than the phone screen");
    }

    [Fact]
    public async Task What_a_test_writes_reaches_neither_the_screenshots_data_nor_the_board_overview_they_show()
    {
        // What the tests that write do (a cooperative of their own); before the screenshots had their own service,
        // overview-board.png showed such a cooperative whenever one of those tests ran first.
        var suffix = Guid.NewGuid().ToString("N")[..8];
        await ApiCalls.SeedCooperativeWithProject(fixture.Server.Client(), $"coop-{suffix}", $"proj-{suffix}");
        Assert.Contains($"coop-{suffix}", (await fixture.Server.Client().Get("api/cooperatives")).Raw);

        var shown = (await Screens.Server.Client().Get("api/cooperatives")).Body.EnumerateArray().Select(c => c.GetProperty("cooperative").GetProperty("id").GetString()!).ToList();
        Assert.Contains("ketelhuiswg", shown);
        Assert.DoesNotContain(shown, id => id.StartsWith("coop-", StringComparison.Ordinal));
        var page = await Screens.SignedIn(Screens.KetelhuisBoardToken);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Coöperatie KetelhuisWG U.A.");
        Assert.DoesNotContain($"coop-{suffix}", await page.Locator("body").InnerTextAsync());
    }

    [Fact]
    public async Task A_board_token_reads_another_cooperatives_project_but_its_write_is_refused()
    {
        var page = await fixture.SignedIn(fixture.OtherBoardToken);
        await page.GotoAsync("/app/project?id=wg-terrein");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Warmtenet WG-terrein");
        await Expect(page.Locator(".message.warning")).ToContainTextAsync("Alleen lezen: u bent aangemeld als bestuur van stadswind");
        await Expect(page.Locator("#milestone-form")).ToHaveCountAsync(0);

        // Going around the page with the same token from the same tab: the service refuses it.
        var status = await page.EvaluateAsync<JsonElement>(@"async () => {
            const { api } = await import('/assets/api.js');
            try { await api('/api/projects/wg-terrein/milestones/laatste-aansluiting', { method: 'PUT', body: { name: 'Laatste aansluiting', plannedOn: '2026-01-01' } }); return { status: 200 }; }
            catch (e) { return { status: e.status, code: e.code, message: e.message }; } }");
        Assert.Equal(403, status.GetProperty("status").GetInt32());
        Assert.Equal("forbidden", status.GetProperty("code").GetString());
        Assert.Contains("ketelhuiswg", status.GetProperty("message").GetString());
        var milestone = (await fixture.Server.Client().Get("api/projects/wg-terrein")).Body.GetProperty("milestones").EnumerateArray()
            .Single(m => m.GetProperty("key").GetString() == "laatste-aansluiting");
        Assert.Equal("2027-08-31", milestone.GetProperty("plannedOn").GetString());
    }

    [Fact]
    public async Task Once_spending_is_booked_the_cash_page_projects_from_the_actual_state()
    {
        // A project of its own, so the demo's plan-only pages stay as the other tests expect them.
        var admin = fixture.Server.Client();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var project = await ApiCalls.SeedCooperativeWithProject(admin, $"coop-{suffix}", $"proj-{suffix}");
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/projects/{project}/cashflow-plan",
            new { plan = System.Text.Json.Nodes.JsonNode.Parse(RepoFiles.Read("models", "ketelhuiswg-ontwikkeling.json"),
                documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }) })).Status);
        var start = (await admin.Get($"api/projects/{project}/cashflow")).Body.GetProperty("months")[0].GetProperty("month").GetString()!;
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/projects/{project}/spending", new { month = start, kind = "Design", amount = 50_000m })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/projects/{project}/progress", new { month = start, workMonthsDone = 1 })).Status);

        var page = await fixture.SignedIn(fixture.FinancierToken);
        await page.GotoAsync($"/app/cashflow?id={project}");
        var fromActual = page.Locator("#from-actual");
        await Expect(fromActual).ToContainTextAsync("Werk gedaan: 1 werkmaand, gemeld door het bestuur per eind");
        await Expect(fromActual).ToContainTextAsync("geen tranche onderweg");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Vanaf de werkelijke stand" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_board_records_a_milestone_of_its_own_project_in_the_page()
    {
        // A fictional demo cooperative, so the overview screenshots do not depend on the order the tests run in.
        var admin = fixture.Server.Client();
        const string project = "warmtenet-noord";
        var token = await BrowserFixture.Token(admin, "board:warmte-noord", "Bestuur Buurtwarmte Noord");

        var page = await fixture.SignedIn(token);
        await page.GotoAsync($"/app/project?id={project}");
        await page.GetByLabel("Mijlpaal", new() { Exact = true }).SelectOptionAsync("");
        await page.GetByLabel("Sleutel (kleine letters, cijfers, streepjes)").FillAsync("haalbaarheidsstudie-gereed");
        await page.GetByLabel("Naam").FillAsync("Haalbaarheidsstudie gereed");
        await page.GetByLabel("Gepland op (dd-mm-jjjj)").FillAsync("01-05-2027");
        await page.GetByRole(AriaRole.Button, new() { Name = "Mijlpaal opslaan" }).ClickAsync();
        await Expect(page.Locator("#milestone-form")).ToContainTextAsync("Mijlpaal 'Haalbaarheidsstudie gereed' opgeslagen.");
        await Expect(page.Locator("#milestones tbody tr", new() { HasText = "Haalbaarheidsstudie gereed" })).ToContainTextAsync("01-05-2027");

        // A date that does not exist is refused in the page; an empty name by the service, with the field named.
        await page.GetByLabel("Gepland op (dd-mm-jjjj)").FillAsync("31-02-2027");
        await page.GetByRole(AriaRole.Button, new() { Name = "Mijlpaal opslaan" }).ClickAsync();
        await Expect(page.Locator("#milestone-form .message.error")).ToContainTextAsync("Gepland op: geen geldige datum");
        await Expect(page.GetByLabel("Gepland op (dd-mm-jjjj)")).ToHaveAttributeAsync("aria-invalid", "true");
        await page.GetByLabel("Gepland op (dd-mm-jjjj)").FillAsync("01-06-2027");
        await page.GetByLabel("Naam").FillAsync("");
        await page.GetByRole(AriaRole.Button, new() { Name = "Mijlpaal opslaan" }).ClickAsync();
        await Expect(page.Locator("#milestone-form .message.error")).ToContainTextAsync("name");
        var saved = (await admin.Get($"api/projects/{project}")).Body.GetProperty("milestones").EnumerateArray().Single();
        Assert.Equal("Haalbaarheidsstudie gereed", saved.GetProperty("name").GetString());
        Assert.Equal("2027-05-01", saved.GetProperty("plannedOn").GetString());
    }

    /// <summary>Tester F18: on a phone the umbrella table's caption ran past the screen's edge ("…Energiecoöpera") instead of wrapping.</summary>
    [Fact]
    public async Task At_phone_width_the_umbrella_tables_caption_wraps_within_the_screen()
    {
        var page = await fixture.SignedIn(fixture.CoordinatorToken, width: 390, height: 844);
        await page.GotoAsync("/app/umbrella?id=apec");
        var caption = page.Locator("#comparison caption");
        await Expect(caption).ToContainTextAsync("klik op een kolomkop om te sorteren");
        // Every line of the caption's text lies inside the visible part of the scrolling table frame and of the screen.
        var outside = await page.EvaluateAsync<double[]>(@"() => {
            const caption = document.querySelector('#comparison caption');
            const frame = caption.closest('.table-wrap').getBoundingClientRect();
            const rects = [];
            const walker = document.createTreeWalker(caption, NodeFilter.SHOW_TEXT);
            while (walker.nextNode()) {
              const range = document.createRange();
              range.selectNodeContents(walker.currentNode);
              rects.push(...[...range.getClientRects()].filter(r => r.width > 0));
            }
            const right = Math.max(...rects.map(r => r.right)), left = Math.min(...rects.map(r => r.left));
            return [right - Math.min(frame.right, window.innerWidth), Math.max(frame.left, 0) - left, rects.length];
        }");
        Assert.True(outside[0] <= 0.5, $"the caption runs {outside[0]}px past the visible right edge");
        Assert.True(outside[1] <= 0.5, $"the caption starts {outside[1]}px left of the visible edge");
        Assert.True(outside[2] >= 2, "at 390 px the long caption wraps onto more than one line");
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"the page is {overflow}px wider than the phone screen");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task At_phone_width_the_cash_page_fits_the_screen_and_the_keyboard_reaches_the_content_first()
    {
        var page = await Screens.SignedIn(Screens.KetelhuisBoardToken, width: 390, height: 844);
        await page.GotoAsync("/app/cashflow?id=wg-terrein");
        await Expect(page.Locator("#cash-chart")).ToBeVisibleAsync();
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"the page is {overflow}px wider than the phone screen");
        await BrowserFixture.Screenshot(page, "cashflow-phone");

        await page.Keyboard.PressAsync("Tab");
        await Expect(page.Locator(":focus")).ToHaveTextAsync("Naar de inhoud");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#main")).ToBeFocusedAsync();
    }

    [Fact]
    public async Task Every_page_of_every_demo_project_renders_without_a_script_error()
    {
        var page = await fixture.SignedIn(fixture.CoordinatorToken);
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        page.Console += (_, message) => { if (message.Type == "error") errors.Add(message.Text); };
        foreach (var project in new[] { "wg-terrein", "zonnedak-sporthal", "windturbine-haven", "warmtenet-noord" })
        foreach (var path in new[] { "project", "cashflow", "business-case", "decisions" })
        {
            await page.GotoAsync($"/app/{path}?id={project}");
            await Expect(page.Locator("main .loading")).ToHaveCountAsync(0);
            await Expect(page.Locator("main h2, main .message.warning").First).ToBeVisibleAsync();
            Assert.Equal(0, await page.Locator(".message.error").CountAsync());
        }
        foreach (var path in new[] { "/app/", "/app/umbrella", "/app/portfolio" })
        {
            await page.GotoAsync(path);
            await Expect(page.Locator("main h2, main h3").First).ToBeVisibleAsync();
            Assert.Equal(0, await page.Locator(".message.error").CountAsync());
        }
        // An unknown project is said so in the page, not a blank screen.
        await page.GotoAsync("/app/project?id=bestaat-niet");
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("bestaat-niet");
        // Refused API calls (404 for a project without a plan) are answers the pages handle; a script error is not.
        Assert.DoesNotContain(errors, e => !e.StartsWith("Failed to load resource: the server responded with a status of 404", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_pages_come_from_the_silo_itself_with_a_policy_that_allows_no_foreign_script()
    {
        var anonymous = fixture.Server.Client(token: null);
        foreach (var path in new[] { "/", "/app/", "/app/project", "/app/cashflow", "/app/business-case", "/app/umbrella", "/app/portfolio", "/app/decisions", "/assets/chart.js", "/assets/site.css" })
        {
            using var response = await anonymous.GetAsync(path.TrimStart('/'));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("script-src 'self'", policy);
            var body = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain("http://", body.Replace("http://www.w3.org/2000/svg", ""));
            Assert.DoesNotContain("https://", body);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("assets/not-there.js")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("app/not-a-page")).StatusCode);
        // The data still needs a token.
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("api/projects/wg-terrein")).StatusCode);
    }
    [Fact]
    public async Task The_board_sees_its_online_voting_panel_with_turnout_and_others_see_no_panel_nor_actions()
    {
        // The demo's upcoming KetelhuisWG ALV has online voting open; one member votes online (a fresh code, so the README's stays).
        var admin = fixture.Server.Client();
        string? meeting = null;
        JsonElement view = default;
        foreach (var m in (await admin.Get("api/cooperatives/ketelhuiswg/alv/meetings")).Body.EnumerateArray())
        {
            var id = m.GetProperty("id").GetString()!;
            var answer = await admin.Get($"api/cooperatives/ketelhuiswg/alv/meetings/{id}/online");
            if (answer.Status == HttpStatusCode.OK) { meeting = id; view = answer.Body; }
        }
        Assert.NotNull(meeting);
        var proposal = view.GetProperty("proposals")[0].GetProperty("proposalId").GetString()!;
        var issued = await admin.Post($"api/cooperatives/ketelhuiswg/alv/meetings/{meeting}/online/codes", new { members = new[] { "KWG-0002" } });
        Assert.True(issued.Status == HttpStatusCode.OK, issued.Raw);
        var code = issued.Body.GetProperty("codes")[0].GetProperty("code").GetString()!;
        var vote = await fixture.Server.Client(token: null).Post("api/stem/votes", new { code, proposalId = proposal, choice = "Voor" });
        Assert.True(vote.Status is HttpStatusCode.OK or HttpStatusCode.Conflict, vote.Raw);
        var turnout = (await admin.Get($"api/cooperatives/ketelhuiswg/alv/meetings/{meeting}/proposals/{proposal}/turnout")).Body;
        Assert.True(turnout.GetProperty("online").GetInt32() >= 1);
        var voters = (await admin.Get($"api/cooperatives/ketelhuiswg/alv/meetings/{meeting}/online")).Body.GetProperty("voters").GetInt32();

        var board = await fixture.SignedIn(fixture.KetelhuisBoardToken, width: 390, height: 844);
        await board.GotoAsync("/app/decisions?id=wg-terrein");
        var panel = board.Locator($"[data-online='{meeting}']");
        await Expect(panel).ToBeVisibleAsync();
        await Expect(panel.Locator("[data-online-status]")).ToHaveTextAsync("Open");
        await Expect(panel.Locator("[data-count='voters']")).ToContainTextAsync(voters.ToString(CultureInfo.InvariantCulture));
        var row = board.Locator($"#online-turnout-{meeting} tbody tr").First;
        await Expect(row.Locator("td").Nth(1)).ToHaveTextAsync(turnout.GetProperty("online").GetInt32().ToString(CultureInfo.InvariantCulture));
        await Expect(panel.GetByRole(AriaRole.Button, new() { Name = "Stemcodes downloaden (xlsx)" })).ToBeVisibleAsync();
        await Expect(panel.GetByRole(AriaRole.Button, new() { Name = "Stembrieven downloaden (afdrukken)" })).ToBeVisibleAsync();
        await Expect(panel.GetByRole(AriaRole.Button, new() { Name = "Online stemming sluiten" })).ToBeVisibleAsync();
        // Counts only: no choice appears in the panel while the proposal is open.
        Assert.DoesNotMatch(@"\b(Voor|Tegen|Onthouding)\b", await panel.InnerTextAsync());
        var overflow = await board.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"the page is {overflow}px wider than the phone screen");

        foreach (var token in new[] { fixture.FinancierToken, fixture.OtherBoardToken })
        {
            var other = await fixture.SignedIn(token);
            await other.GotoAsync("/app/decisions?id=wg-terrein");
            await Expect(other.Locator("#alv")).ToBeVisibleAsync();
            await Expect(other.Locator("[data-online]")).ToHaveCountAsync(0);
            await Expect(other.GetByRole(AriaRole.Button, new() { Name = "Online stemming sluiten" })).ToHaveCountAsync(0);
            await other.Context.CloseAsync();
        }
        await board.Context.CloseAsync();
    }
}
