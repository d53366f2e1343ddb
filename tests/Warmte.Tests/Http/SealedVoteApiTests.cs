using System.Net;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Http;

/// <summary>Sealed until closed (issue 17): through the HTTP API nobody, the board included, sees totals of an open proposal.</summary>
public sealed class SealedVoteApiTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task An_open_proposal_shows_turnout_only_and_its_totals_appear_when_closed()
    {
        var admin = fixture.Server.Client();
        var coop = $"coop-{Guid.NewGuid().ToString("N")[..8]}";
        var project = await ApiCalls.SeedCooperativeWithProject(admin, coop, $"proj-{Guid.NewGuid().ToString("N")[..8]}");
        var members = await ApiCalls.SeedMembers(admin, coop, 7);
        var board = fixture.Server.Client((await admin.Post("api/tokens", new { name = "Bestuur", role = $"board:{coop}" })).Text("token"));
        Assert.Equal(HttpStatusCode.Created, (await board.Post($"api/cooperatives/{coop}/alv/meetings", new
        {
            id = "alv", title = "ALV", date = "2024-12-14", noticeDate = "2024-11-30",
            proposals = new[] { new { id = "realisatiebesluit", title = "R", decisionType = "Realisatiebesluit", projectId = project } },
        })).Status);
        var path = $"api/cooperatives/{coop}/alv/meetings/alv/proposals/realisatiebesluit";
        var choices = new[] { "Voor", "Tegen", "Voor" };
        for (var i = 0; i < members.Length; i++)
        {
            var cast = await board.Post($"{path}/ballots", new { memberNumber = members[i], choice = choices[i % 3] });
            Assert.Equal(HttpStatusCode.OK, cast.Status);
            // The answer to the board's own ballot carries no totals either.
            Assert.DoesNotContain("\"for\"", cast.Raw);
            Assert.DoesNotContain("Voor", cast.Raw);
        }
        var second = await board.Post($"{path}/ballots", new { memberNumber = members[0], choice = "Tegen" });
        Assert.Equal((HttpStatusCode.Conflict, "already-voted"), (second.Status, second.Code));
        Assert.Contains("op de vergadering", second.Raw);

        foreach (var reader in new[] { board, admin })
        {
            var view = (await reader.Get($"api/cooperatives/{coop}/alv/meetings/alv")).Body.GetProperty("proposals")[0];
            Assert.Equal(members.Length, view.GetProperty("ballotCount").GetInt32());
            Assert.Equal(System.Text.Json.JsonValueKind.Null, view.GetProperty("result").ValueKind);
            var ballots = await reader.Get($"{path}/ballots");
            Assert.Equal(members.Length, ballots.Body.GetProperty("total").GetInt32());
            Assert.All(ballots.Body.GetProperty("items").EnumerateArray(), b => Assert.Equal(System.Text.Json.JsonValueKind.Null, b.GetProperty("choice").ValueKind));
            Assert.Equal(members.Length, (await reader.Get($"{path}/turnout")).Body.GetProperty("ballots").GetInt32());
            Assert.Equal(HttpStatusCode.Conflict, (await reader.Get($"{path}/receipts")).Status);
        }

        Assert.Equal(HttpStatusCode.OK, (await board.Post($"{path}/close", new { })).Status);
        var closed = (await board.Get($"api/cooperatives/{coop}/alv/meetings/alv")).Body.GetProperty("proposals")[0].GetProperty("result");
        Assert.Equal(Enumerable.Range(0, members.Length).Count(i => choices[i % 3] == "Voor"), closed.GetProperty("for").GetInt32());
        Assert.Equal(Enumerable.Range(0, members.Length).Count(i => choices[i % 3] == "Tegen"), closed.GetProperty("against").GetInt32());
        var after = (await board.Get($"{path}/ballots")).Body.GetProperty("items");
        Assert.Equal(choices[0], after[0].GetProperty("choice").GetString());
    }
}
