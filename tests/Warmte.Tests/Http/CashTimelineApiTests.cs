using System.Net;
using NodaTime;
using NodaTime.Testing;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Http;

/// <summary>
/// One cash line per project: actual up to today, projected after it from where the project really
/// is (cash, work done, tranches on their way), with the funder's lead times observed on the project.
/// </summary>
public sealed class CashTimelineApiTests : IAsyncLifetime
{
    // Today is 15 June 2026 for this service; the plan started in January.
    private readonly FakeClock _clock = new(Instant.FromUtc(2026, 6, 15, 10, 0));
    private WarmteServer _server = null!;

    public async Task InitializeAsync() => _server = await WarmteServer.StartAsync(clock: _clock);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static object Plan() => new
    {
        formatVersion = 1,
        name = "Proefwijk ontwikkeling",
        startMonth = "2026-01",
        phases = new[] { new { name = "Haalbaarheid", months = 6, budget = 600_000m }, new { name = "Ontwerp", months = 6, budget = 600_000m } },
        workPlan = new[] { new { name = "Ontwerp en advies", kind = "design", monthlyCost = 100_000m } },
        grant = new { name = "PAW", funder = "Rijk", amount = 1_200_000m, trancheSize = 300_000m },
        leadTimes = new { requestToApprovedMonths = 2, approvedToPaidMonths = 1 },
    };

    private async Task<(HttpClient Admin, HttpClient Board, string Project)> ProjectWithActuals()
    {
        var admin = _server.Client();
        var coop = $"coop-{Guid.NewGuid().ToString("N")[..8]}";
        var project = await ApiCalls.SeedCooperativeWithProject(admin, coop, $"proj-{Guid.NewGuid().ToString("N")[..8]}");
        Assert.Equal(HttpStatusCode.OK, (await admin.Put($"api/projects/{project}/cashflow-plan", new { plan = Plan() })).Status);
        await admin.Post($"api/projects/{project}/grants", new
        {
            id = "paw", funder = "Rijk", scheme = "PAW", amountGranted = 1_200_000m, decidedOn = "2025-12-01",
            tranches = Enumerable.Repeat(new { amount = 300_000m }, 4).ToArray(),
        });
        // Tranche 1 came with the decision; tranche 2 was requested in April with the accounting of the first.
        foreach (var (path, body) in new (string, object)[]
                 {
                     ("1/request", new { on = "2026-01-02" }),
                     ("1/accounting", new { on = "2026-01-05", amount = 1m, periodFrom = "2025-12-01", periodTo = "2025-12-31" }),
                     ("1/approve", new { on = "2026-01-10" }),
                     ("1/pay", new { on = "2026-01-20", amount = 300_000m }),
                     ("2/request", new { on = "2026-04-01" }),
                     ("2/accounting", new { on = "2026-04-01", amount = 300_000m, periodFrom = "2026-01-01", periodTo = "2026-03-31" }),
                 })
            Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/projects/{project}/grants/paw/tranches/{path}", body)).Status);
        var board = _server.Client((await admin.Post("api/tokens", new { name = "Bestuur", role = $"board:{coop}" })).Text("token"));
        foreach (var month in new[] { "2026-01", "2026-02", "2026-03" })
            Assert.Equal(HttpStatusCode.Created, (await board.Post($"api/projects/{project}/spending", new { month, kind = "Design", amount = 100_000m })).Status);
        return (admin, board, project);
    }

    [Fact]
    public async Task The_line_is_actual_up_to_today_and_projected_after_from_the_actual_state()
    {
        var (admin, board, project) = await ProjectWithActuals();
        Assert.Equal(HttpStatusCode.OK, (await board.Put($"api/projects/{project}/progress", new { month = "2026-03", workMonthsDone = 3 })).Status);

        var timeline = (await admin.Get($"api/projects/{project}/cash-timeline")).Body;
        var actual = timeline.GetProperty("actual");
        Assert.Equal("2026-06", actual.GetProperty("today").GetString());
        Assert.Equal(0m, actual.GetProperty("balance").GetDecimal());
        var state = timeline.GetProperty("state");
        Assert.Equal(3, state.GetProperty("workMonthsDone").GetInt32());
        Assert.Equal("Reported", state.GetProperty("progressSource").GetString());

        // Tranche 1 went request → paid within January, so the funder's observed lead time is one month;
        // tranche 2, requested in April, is late already: it is expected next month, not in the past.
        var months = timeline.GetProperty("projection").GetProperty("months").EnumerateArray().ToList();
        Assert.Equal("2026-07", months[0].GetProperty("month").GetString());
        Assert.Equal(actual.GetProperty("balance").GetDecimal(), months[0].GetProperty("opening").GetDecimal());
        Assert.Equal(300_000m, months[0].GetProperty("grantReceived").GetDecimal());
        Assert.Equal(4, months[0].GetProperty("workMonth").GetInt32());
        Assert.Equal("Working", months[0].GetProperty("status").GetString());
        // Nine work months remain; with one month's lead each next tranche arrives as the last one runs
        // out (requested with its accounting once spent), so the work runs July 2026 to March 2027 unbroken.
        var summary = timeline.GetProperty("projection").GetProperty("summary");
        Assert.True(summary.GetProperty("completed").GetBoolean());
        Assert.Equal("2027-03", summary.GetProperty("completedIn").GetString());
        Assert.Equal(0, summary.GetProperty("monthsStalled").GetInt32());
        Assert.Equal(12, summary.GetProperty("workMonthsDone").GetInt32());
        Assert.Equal(1_200_000m, summary.GetProperty("grantPaid").GetDecimal());
        // The outlook is dated today, the actual month, though the projection starts the month after (tester T16).
        Assert.Equal("2026-06", timeline.GetProperty("outlook").GetProperty("today").GetString());
    }

    [Fact]
    public async Task Without_a_progress_report_the_work_done_is_estimated_from_the_spending()
    {
        var (admin, _, project) = await ProjectWithActuals();
        var state = (await admin.Get($"api/projects/{project}/cash-timeline")).Body.GetProperty("state");
        Assert.Equal(3, state.GetProperty("workMonthsDone").GetInt32());
        Assert.Equal("EstimatedFromSpending", state.GetProperty("progressSource").GetString());
    }

    [Fact]
    public async Task A_progress_report_that_cannot_be_true_is_refused_and_changes_nothing()
    {
        var (admin, board, project) = await ProjectWithActuals();
        Assert.Equal(HttpStatusCode.OK, (await board.Put($"api/projects/{project}/progress", new { month = "2026-04", workMonthsDone = 3, stalled = true })).Status);

        foreach (var (body, field) in new (object, string)[]
                 {
                     (new { month = "2026-05", workMonthsDone = 13 }, "workMonthsDone"),   // the plan has 12
                     (new { month = "2026-05", workMonthsDone = 2 }, "workMonthsDone"),    // less than April's 3
                     (new { month = "2026-07", workMonthsDone = 4 }, "month"),             // the future
                     (new { month = "2025-12", workMonthsDone = 0 }, "month"),             // before the plan
                     (new { month = "juni", workMonthsDone = 4 }, "month"),
                 })
        {
            var refused = await board.Put($"api/projects/{project}/progress", body);
            Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
            Assert.Equal([field], refused.ErrorFields);
        }
        var reports = (await admin.Get($"api/projects/{project}/progress")).Body.EnumerateArray().ToList();
        var report = Assert.Single(reports);
        Assert.Equal(3, report.GetProperty("workMonthsDone").GetInt32());

        var stranger = _server.Client((await admin.Post("api/tokens", new { name = "Ander bestuur", role = "board:iemand-anders" })).Text("token"));
        Assert.Equal(HttpStatusCode.Forbidden, (await stranger.Put($"api/projects/{project}/progress", new { month = "2026-05", workMonthsDone = 4 })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.Get($"api/projects/{project}/cash-timeline?regime=Milestones")).Status);
    }
}
