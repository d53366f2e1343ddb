using System.Text.Json;
using NodaTime;
using NodaTime.Testing;
using Warmte.Alerts;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Alerts;

/// <summary>
/// "Sinds" through the API on the demo, with the injected clock moving on and the silo restarted on the same SQLite file:
/// every alert the project and the portfolio show keeps its date, the cash forecasts (dated from the watch's first raise)
/// included. Before, the forecasts said "sinds vandaag" on every read.
/// </summary>
public sealed class AlertSinceApiTests
{
    [Fact]
    public async Task Every_alert_keeps_its_since_as_the_days_pass_and_across_a_silo_restart()
    {
        var clock = new FakeClock(Instant.FromUtc(2026, 12, 7, 9, 0));
        var dataDir = WarmteServer.NewDataDir();
        Dictionary<string, string> first, firstPortfolio;
        await using (var server = await WarmteServer.StartAsync(dataDir, clock: clock))
        {
            var admin = server.Client();
            Assert.True((await admin.Post("api/demo", new { })).Body.GetProperty("loaded").GetBoolean());
            // Beside the demo's cash forecast: a milestone overdue since the day after 01-11-2026, and one replanned today
            // three months past its baseline (slipping since today, 07-12-2026).
            Assert.Equal(System.Net.HttpStatusCode.OK, (await admin.Put("api/projects/wg-terrein/milestones/test-te-laat", new { name = "Te laat", plannedOn = "2026-11-01" })).Status);
            Assert.Equal(System.Net.HttpStatusCode.OK, (await admin.Put("api/projects/wg-terrein/milestones/test-schuift", new { name = "Schuift", plannedOn = "2027-06-01" })).Status);
            Assert.Equal(System.Net.HttpStatusCode.OK, (await admin.Put("api/projects/wg-terrein/milestones/test-schuift", new { name = "Schuift", plannedOn = "2027-09-01" })).Status);
            await Evaluated(admin);
            first = await Alerts(admin);
            Assert.Equal("2026-11-02", first["milestone-overdue|mijlpaal/test-te-laat"]);
            Assert.Equal("2026-12-07", first["milestone-slipping|mijlpaal/test-schuift"]);
            firstPortfolio = await PortfolioAlerts(admin);
            // The demo has alerts from stored dates and at least one cash forecast: otherwise this test could not fail.
            Assert.Contains(first.Keys, k => AlertSince.IsObserved(k.Split('|')[0]));
            Assert.Contains(first.Keys, k => !AlertSince.IsObserved(k.Split('|')[0]));
            Assert.All(first.Values, since => Assert.True(string.CompareOrdinal(since, "2026-12-07") <= 0, since));

            clock.AdvanceDays(3);
            AssertSameSince(first, await Alerts(admin), "three days later");
            AssertSameSince(firstPortfolio, await PortfolioAlerts(admin), "portfolio, three days later");
        }

        clock.AdvanceDays(2);
        await using (var again = await WarmteServer.StartAsync(dataDir, clock: clock))
        {
            var admin = again.Client();
            AssertSameSince(first, await Alerts(admin), "after a restart, five days later");
            AssertSameSince(firstPortfolio, await PortfolioAlerts(admin), "portfolio after a restart");
        }
    }

    /// <summary>Every alert present on both reads has the same since; the forecasts must be among them.</summary>
    private static void AssertSameSince(Dictionary<string, string> before, Dictionary<string, string> after, string when)
    {
        var common = before.Keys.Intersect(after.Keys).ToList();
        Assert.Contains(common, k => AlertSince.IsObserved(k.Split('|')[0]));
        foreach (var key in common) Assert.True(before[key] == after[key], $"{when}: {key} since {before[key]}, now {after[key]}");
    }

    private static async Task<Dictionary<string, string>> Alerts(HttpClient admin) =>
        (await admin.Get("api/projects/wg-terrein/alerts")).Body.EnumerateArray().ToDictionary(Key, a => a.GetProperty("since").GetString()!);

    private static async Task<Dictionary<string, string>> PortfolioAlerts(HttpClient admin) =>
        (await admin.Get("api/portfolio")).Body.GetProperty("projects").EnumerateArray()
            .Single(p => p.GetProperty("projectId").GetString() == "wg-terrein").GetProperty("alerts").EnumerateArray()
            .ToDictionary(Key, a => a.GetProperty("since").GetString()!);

    private static string Key(JsonElement a) => $"{a.GetProperty("kind").GetString()}|{a.GetProperty("subject").GetString()}";

    /// <summary>Waits until the watch evaluated the project after the last write (a write asks without waiting).</summary>
    private static async Task Evaluated(HttpClient admin)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        while (!(await admin.Get("api/projects/wg-terrein/alerts/history")).Body.GetProperty("active").EnumerateArray()
                   .Any(w => w.GetProperty("key").GetString() == "milestone-slipping|mijlpaal/test-schuift"))
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, "the demo project's alerts were never evaluated");
            await Task.Delay(100);
        }
    }
}
