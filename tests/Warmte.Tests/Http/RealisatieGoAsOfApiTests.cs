using System.Net;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Http;

/// <summary>
/// Review2 F4 end to end: a Go into Realisatie is judged against the realisatiebesluit in force on its <c>decidedOn</c>,
/// not the latest. A later meeting (called with notice, strictly later) overturns the accepted decision: a Go dated
/// before that meeting still stands; one dated after it is refused on the realisatiebesluit, naming the later meeting.
/// </summary>
public sealed class RealisatieGoAsOfApiTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private WarmteServer Server => fixture.Server;

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    private static object Go(string decidedOn) => new { to = "Realisatie", decidedOn, decidedBy = "ALV", rationale = "bouwen" };

    [Fact]
    public async Task A_go_dated_before_a_later_meeting_overturned_the_realisatiebesluit_stands_one_dated_after_it_is_refused()
    {
        var admin = Server.Client();
        var coop = NewId("coop");
        var project = await ApiCalls.SeedCooperativeWithProject(admin, coop, NewId("proj"));
        await ApiCalls.TakeToRealisatieGate(admin, project);
        var first = await ApiCalls.PassRealisatiebesluitWithoutTenants(admin, coop, project, "2024-12-14");

        // A later meeting, called two weeks ahead, votes the realisatiebesluit again and rejects it.
        var later = await admin.Post($"api/cooperatives/{coop}/alv/meetings", new
        {
            id = "herstemming", title = "ALV herstemming", date = "2025-06-01", noticeDate = "2025-05-15",
            proposals = new[]
            {
                new { id = "opnieuw", title = "Realisatiebesluit opnieuw", decisionType = "Realisatiebesluit", projectId = project,
                      corrects = $"{first}/realisatiebesluit", correctionReason = "nieuwe kostenraming" },
            },
        });
        Assert.Equal(HttpStatusCode.Created, later.Status);
        foreach (var member in new[] { "L-1", "L-2", "L-3" })
            Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/cooperatives/{coop}/alv/meetings/herstemming/proposals/opnieuw/ballots", new { memberNumber = member, choice = "Tegen" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"api/cooperatives/{coop}/alv/meetings/herstemming/proposals/opnieuw/close", new { })).Status);

        // Today's checklist: the decision in force now is the rejection.
        var gate = await admin.Get($"api/projects/{project}/gate");
        var condition = gate.Body.GetProperty("nextGate").GetProperty("conditions").EnumerateArray().Single(c => c.GetProperty("key").GetString() == "realisatiebesluit");
        Assert.False(condition.GetProperty("met").GetBoolean());
        Assert.Contains("herstemming", condition.GetProperty("evidence").GetString());

        // Dated after the later meeting: refused on the realisatiebesluit, nothing changes.
        var before = (await admin.Get($"api/projects/{project}")).Raw;
        var refused = await admin.Post($"api/projects/{project}/transitions", Go("2025-07-01"));
        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Equal(["conditions.realisatiebesluit"], refused.ErrorFields);
        Assert.Contains("herstemming", refused.Raw);
        Assert.Equal(before, (await admin.Get($"api/projects/{project}")).Raw);

        // Dated between the two meetings: the accepted decision was in force then, so the Go stands.
        var go = await admin.Post($"api/projects/{project}/transitions", Go("2025-03-01"));
        Assert.True(go.Status == HttpStatusCode.OK, go.Raw);
        var moved = await admin.Get($"api/projects/{project}");
        Assert.Equal("Realisatie", moved.Text("phase"));
        Assert.Equal("2025-03-01", moved.Text("phaseSince"));
    }
}
