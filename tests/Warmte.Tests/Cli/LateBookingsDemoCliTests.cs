using NodaTime;
using NodaTime.Testing;
using Warmte.Client;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Cli;

/// <summary>
/// Tester T8 with the tester's steps: the demo's wg-terrein on 07-12-2026 (the plan has 41 of 54 work months done,
/// done in 01-2028), then the board books its first € 98.345,67 of actual spending for 10 and 11-2026. Before, the work
/// done fell to 0, the end moved to 06-2031 and the lowest cash from € 4,53 mln to € 235k.
/// </summary>
public sealed class LateBookingsDemoCliTests
{
    private static async Task<(int Code, string Out, string Err)> Run(WarmteServer server, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var env = new Dictionary<string, string?> { ["WARMTE_URL"] = server.BaseUrl, ["WARMTE_TOKEN"] = server.AdminToken };
        var code = await WarmteCli.RunAsync(args, stdout, stderr, env);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task A_first_booking_of_two_recent_months_keeps_the_work_done_where_the_plan_has_it_T8()
    {
        await using var server = await WarmteServer.StartAsync(clock: new FakeClock(Instant.FromUtc(2026, 12, 7, 10, 0)));
        var admin = server.Client();
        Assert.True((await admin.Post("api/demo", new { })).Body.GetProperty("loaded").GetBoolean());

        var before = (await admin.Get("api/projects/wg-terrein/cash-timeline")).Body;
        Assert.Equal("Planned", before.GetProperty("state").GetProperty("progressSource").GetString());
        var doneBefore = before.GetProperty("state").GetProperty("workMonthsDone").GetInt32();
        var endBefore = YearMonthOf(before.GetProperty("projection").GetProperty("summary").GetProperty("completedIn").GetString()!);

        Assert.Equal(0, (await Run(server, "spending", "book", "wg-terrein", "--month", "2026-10", "--kind", "Design", "--amount", "50.000,00")).Code);
        Assert.Equal(0, (await Run(server, "spending", "book", "wg-terrein", "--month", "2026-11", "--kind", "Advisers", "--amount", "48.345,67")).Code);

        var after = (await admin.Get("api/projects/wg-terrein/cash-timeline")).Body;
        var state = after.GetProperty("state");
        Assert.Equal("EstimatedFromSpending", state.GetProperty("progressSource").GetString());
        Assert.Equal("2026-10", state.GetProperty("bookedFrom").GetString());
        var planned = state.GetProperty("plannedBeforeBookings").GetInt32();
        // By hand: October to December are at most three work months of the plan, so before October it had at least
        // three fewer than today's estimate; the bookings add to that and never take it back.
        Assert.InRange(planned, doneBefore - 3, doneBefore);
        var done = state.GetProperty("workMonthsDone").GetInt32();
        Assert.InRange(done, planned, doneBefore);
        // The end moves by no more than the work months the bookings did not pay for (at most those three), not by 3½ years.
        var end = YearMonthOf(after.GetProperty("projection").GetProperty("summary").GetProperty("completedIn").GetString()!);
        Assert.True(end <= endBefore.PlusMonths(doneBefore - done), $"done {end}, before {endBefore}");

        var timeline = await Run(server, "cash-timeline", "wg-terrein");
        Assert.Equal(0, timeline.Code);
        Assert.Contains($"Werk gedaan", timeline.Out);
        Assert.Contains($"geschat: {planned} volgens het plan tot de eerste boeking (10-2026), de rest uit de geboekte uitgaven", timeline.Out);
        // T10k: the column with "werkelijk"/"verwacht" has a header.
        Assert.Matches(@"Maand\s+Soort\s+Status", timeline.Out);
    }

    private static YearMonth YearMonthOf(string text) => NodaTime.Text.YearMonthPattern.Iso.Parse(text).Value;
}
