using System.Net;
using System.Text.Json;
using NodaTime;
using NodaTime.Testing;
using Warmte.Alerts;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Http;

/// <summary>
/// Tester finding F5/F5b on the demo (SQLite, today 06-12-2026): the cash page said 3 months of
/// runway and money in 02-2028, the portfolio 53 months and 30-08-2027, the cash timeline 09-2027.
/// Every view now gives one runway and one expected date, from the actual tranches and spending.
/// </summary>
public sealed class OneCashAnswerApiTests : IAsyncLifetime
{
    private readonly FakeClock _clock = new(Instant.FromUtc(2026, 12, 6, 10, 0));
    private WarmteServer _server = null!;

    public async Task InitializeAsync() => _server = await WarmteServer.StartAsync(clock: _clock);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private sealed record Views(int? PageRunway, string PageBasis, string? PageNext, int? TimelineRunway, string? TimelineNext,
        JsonElement TimelinePayments, int? PortfolioRunway, string? PortfolioNext, string[] CashAlerts);

    /// <summary>A runway: a number only when the money runs out, null when it lasts (docs/cashflow-plan.md, "Outlook").</summary>
    private static int? Runway(JsonElement o) => o.GetProperty("runwayMonths") is { ValueKind: JsonValueKind.Number } r ? r.GetInt32() : null;

    private static async Task<Views> Read(HttpClient client)
    {
        var page = (await client.Get("api/projects/wg-terrein/cashflow")).Body.GetProperty("outlook");
        var timeline = (await client.Get("api/projects/wg-terrein/cash-timeline")).Body;
        var row = (await client.Get("api/portfolio")).Body.GetProperty("projects").EnumerateArray()
            .Single(p => p.GetProperty("projectId").GetString() == "wg-terrein");
        var alerts = (await client.Get("api/projects/wg-terrein/alerts")).Body.EnumerateArray()
            .Where(a => a.GetProperty("subject").GetString() == "kas").Select(a => a.GetProperty("message").GetString()!).ToArray();
        static string? Next(JsonElement o) => o.GetProperty("nextPayment") is { ValueKind: JsonValueKind.Object } n ? n.GetProperty("expectedOn").GetString() : null;
        return new Views(
            Runway(page), page.GetProperty("basis").GetString()!, Next(page),
            Runway(timeline.GetProperty("outlook")), Next(timeline.GetProperty("outlook")),
            timeline.GetProperty("state").GetProperty("expectedPayments"),
            Runway(row),
            row.GetProperty("nextExpectedPayment").GetString(), alerts);
    }

    /// <summary>The portfolio's summaries follow a change within a second or so; read until they did.</summary>
    private static async Task<Views> Settled(HttpClient client)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        while (true)
        {
            var views = await Read(client);
            if ((views.PortfolioRunway == views.PageRunway && views.PortfolioNext == views.PageNext) || DateTimeOffset.UtcNow > deadline) return views;
            await Task.Delay(250);
        }
    }

    private static void AssertOneAnswer(Views v, string basis)
    {
        Assert.Equal(basis, v.PageBasis);
        Assert.Equal(v.PageRunway, v.TimelineRunway);
        Assert.Equal(v.PageRunway, v.PortfolioRunway);
        Assert.Equal(v.PageNext, v.TimelineNext);
        Assert.Equal(v.PageNext, v.PortfolioNext);
        // A cash alert speaks of the same facts, and says so.
        Assert.All(v.CashAlerts, m => Assert.Contains(basis == "Actual" ? "vanaf de werkelijke stand" : "volgens de simulatie van het kasstroomplan", m));
    }

    [Fact]
    public async Task The_demo_project_has_one_runway_and_one_expected_payment_in_every_view()
    {
        var admin = _server.Client();
        Assert.True((await admin.Post("api/demo", new { })).Body.GetProperty("loaded").GetBoolean());

        // Tranche 6 was requested on 01-10-2026. The funder's request-to-payment days on tranches 1-5 of the
        // demo were 61, 335, 336, 319 and 333: median 333, so it is expected on 01-10-2026 + 333 days.
        // The demo books no spending but tranches 1-5 were paid: the actual balance answers, with the plan's spending from
        // where the plan has the work today (tester A7; before, the plan's simulation answered and ignored the payments).
        var before = await Settled(admin);
        AssertOneAnswer(before, "Actual");
        Assert.Equal("2027-08-30", before.PageNext);
        var six = Assert.Single(before.TimelinePayments.EnumerateArray());
        Assert.Equal("2027-08", six.GetProperty("month").GetString());

        // Then tranche 6 is approved and paid, and € 170.085,50 of spending booked.
        Assert.Equal(HttpStatusCode.OK, (await admin.Post("api/projects/wg-terrein/grants/paw/tranches/6/approve", new { on = "2026-11-16" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Post("api/projects/wg-terrein/grants/paw/tranches/6/pay", new { on = "2026-12-01", amount = 1_000_000m })).Status);
        Assert.Equal(HttpStatusCode.Created, (await admin.Post("api/projects/wg-terrein/spending", new { month = "2026-11", kind = "Design", amount = 170_085.50m })).Status);

        var after = await Settled(admin);
        AssertOneAnswer(after, "Actual");
        Assert.Null(after.PageNext);   // nothing requested is on its way any more
        Assert.Empty(after.TimelinePayments.EnumerateArray());
    }

    /// <summary>
    /// Tester A7: the financier approves and pays tranche 6 (balance € 6.150.000), nothing is booked. The runway-low alert,
    /// the portfolio's "Geld reikt nog 3 maanden" and the cash page came from the plan's simulation that ignored the paid
    /// tranches, while the cash timeline showed the money and no stall. Now every view answers from the actual balance.
    /// </summary>
    [Fact]
    public async Task After_the_financier_pays_a_tranche_with_nothing_booked_no_view_shows_a_false_shortage_A7()
    {
        var admin = _server.Client();
        Assert.True((await admin.Post("api/demo", new { })).Body.GetProperty("loaded").GetBoolean());
        var financier = _server.Client((await admin.Post("api/tokens", new { name = "Financier algemeen", role = "financier" })).Text("token"));
        Assert.Equal(HttpStatusCode.OK, (await financier.Post("api/projects/wg-terrein/grants/paw/tranches/6/approve", new { on = "2026-12-06" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await financier.Post("api/projects/wg-terrein/grants/paw/tranches/6/pay", new { on = "2026-12-06", amount = 1_000_000m })).Status);

        var after = await Settled(admin);
        AssertOneAnswer(after, "Actual");
        var timeline = (await admin.Get("api/projects/wg-terrein/cash-timeline")).Body;
        // Every euro paid, less the plan's spending up to today, which stands in for the bookings (tester7 T2).
        var actual = timeline.GetProperty("actual");
        Assert.Equal(6_150_000m, actual.GetProperty("bookedBalance").GetDecimal());
        Assert.True(actual.GetProperty("planned").GetDecimal() > 0m);
        Assert.Equal(6_150_000m - actual.GetProperty("planned").GetDecimal(), actual.GetProperty("balance").GetDecimal());
        Assert.Equal("Planned", timeline.GetProperty("state").GetProperty("progressSource").GetString());
        Assert.True(timeline.GetProperty("outlook").GetProperty("workFromPlan").GetBoolean());
        // With the plan's spending up to today (tester7 T2) the money paid carries the work for years: the first stall of the cash
        // line is years away, and every view says the same stall — no runway-low alert, no stall now.
        var stalls = timeline.GetProperty("projection").GetProperty("stalls").EnumerateArray().ToList();
        var page = (await admin.Get("api/projects/wg-terrein/cashflow")).Body.GetProperty("outlook");
        Assert.NotEqual("InStall", page.GetProperty("state").GetString());
        if (stalls.Count > 0)
        {
            Assert.True(string.CompareOrdinal(stalls[0].GetProperty("start").GetString(), "2027-04") > 0, stalls[0].GetRawText());
            Assert.Equal(stalls[0].GetProperty("start").GetString(), page.GetProperty("gapStart").GetString());
            Assert.True(Runway(page) > AlertRules.RunwayAlertMonths);
        }
        else Assert.NotEqual("GapAhead", page.GetProperty("state").GetString());
        var alerts = AlertsOf((await admin.Get("api/projects/wg-terrein/alerts")).Body);
        Assert.DoesNotContain(alerts, a => a.StartsWith("runway-low: ", StringComparison.Ordinal) || a.StartsWith("in-stall: ", StringComparison.Ordinal));
        var row = (await financier.Get("api/portfolio")).Body.GetProperty("projects").EnumerateArray().Single(p => p.GetProperty("projectId").GetString() == "wg-terrein");
        Assert.DoesNotContain(AlertsOf(row.GetProperty("alerts")), a => a.StartsWith("runway-low: ", StringComparison.Ordinal));
        Assert.Equal(after.TimelineRunway, Runway(row));
    }

    private static string[] AlertsOf(JsonElement alerts) =>
        [.. alerts.EnumerateArray().Select(a => $"{a.GetProperty("kind").GetString()}: {a.GetProperty("message").GetString()}").Order(StringComparer.Ordinal)];

    /// <summary>
    /// Review2 F3: the outlook cache was keyed on the stored plan, not on the lead times observed on the grants nor
    /// their tranches, so after a tranche payment the funder's portfolio kept a High "in-stall" alert ("geld verwacht
    /// 09-2027") that the cash page and the project's alerts no longer showed. The reviewer's sequence: a project
    /// without bookings (plan basis), tranche 1 requested, accounted and approved, the alerts read (which filled
    /// the cache), then paid.
    /// </summary>
    [Fact]
    public async Task After_a_tranche_payment_the_portfolio_shows_the_projects_own_alerts()
    {
        var admin = _server.Client();
        var project = await ApiCalls.SeedCooperativeWithProject(admin, "c-f3", "p-f3");
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/projects/{project}/cashflow-plan",
            new { plan = System.Text.Json.Nodes.JsonNode.Parse(RepoFiles.Read("models", "ketelhuiswg-ontwikkeling.json")) })).Status);
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/projects/{project}/grants", new
        {
            id = "paw", funder = "Rijk", scheme = "PAW", amountGranted = 7_700_000m, decidedOn = "2019-01-01",
            tranches = new[] { new { amount = 1_000_000m }, new { amount = 1_000_000m } },
        })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/projects/{project}/grants/paw/tranches/1/request", new { on = "2019-02-01" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/projects/{project}/grants/paw/tranches/1/accounting",
            new { on = "2019-02-02", amount = 100_000m, periodFrom = "2019-01-01", periodTo = "2019-01-31" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/projects/{project}/grants/paw/tranches/1/approve", new { on = "2019-02-05" })).Status);
        // Before the payment the plan's simulation (no observed lead times yet) has the work standing still today.
        var before = AlertsOf((await admin.Get($"api/projects/{project}/alerts")).Body);
        Assert.Contains(before, a => a.StartsWith("in-stall: ", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/projects/{project}/grants/paw/tranches/1/pay", new { on = "2019-02-08", amount = 1_000_000m })).Status);

        // The portfolio follows within a second or so; read until it agrees with the project's own alerts (or give up).
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        string[] own, row;
        while (true)
        {
            own = AlertsOf((await admin.Get($"api/projects/{project}/alerts")).Body);
            row = AlertsOf((await admin.Get("api/portfolio")).Body.GetProperty("projects").EnumerateArray()
                .Single(p => p.GetProperty("projectId").GetString() == project).GetProperty("alerts"));
            if (own.SequenceEqual(row) || DateTimeOffset.UtcNow > deadline) break;
            await Task.Delay(250);
        }
        Assert.Equal(own, row);
        // With the funder's observed lead time (paid in the month of the request) the plan's money lasts: no stall any more.
        var outlook = (await admin.Get($"api/projects/{project}/cashflow")).Body.GetProperty("outlook");
        Assert.NotEqual("InStall", outlook.GetProperty("state").GetString());
        Assert.DoesNotContain(own, a => a.StartsWith("in-stall: ", StringComparison.Ordinal));
    }
}
