using System.Net;
using System.Text.Json;
using NodaTime;
using NodaTime.Testing;
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

    private sealed record Views(int PageRunway, string PageBasis, string? PageNext, int TimelineRunway, string? TimelineNext,
        JsonElement TimelinePayments, int? PortfolioRunway, string? PortfolioNext, string[] CashAlerts);

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
            page.GetProperty("runwayMonths").GetInt32(), page.GetProperty("basis").GetString()!, Next(page),
            timeline.GetProperty("outlook").GetProperty("runwayMonths").GetInt32(), Next(timeline.GetProperty("outlook")),
            timeline.GetProperty("state").GetProperty("expectedPayments"),
            row.GetProperty("runwayMonths") is { ValueKind: JsonValueKind.Number } r ? r.GetInt32() : null,
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
        // The demo books no spending: nothing says how much of the money received is spent, so the plan's simulation answers.
        var before = await Settled(admin);
        AssertOneAnswer(before, "Plan");
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
}
