using System.Net;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Http;

/// <summary>
/// Who may book spending on a project (<c>POST /api/projects/{id}/spending</c>): its own cooperative's
/// board and an admin; another cooperative's board and a reader get 403, an unknown project 404,
/// and neither refusal books anything. The check reads only the project's cooperative
/// (<c>IProjectGrain.CooperativeId</c>), not the project's whole view.
/// </summary>
public sealed class SpendingAccessTests
{
    [Fact]
    public async Task Only_the_projects_own_board_or_an_admin_books_and_a_refusal_books_nothing()
    {
        await using var server = await WarmteServer.StartAsync();
        var admin = server.Client();
        var project = await ApiCalls.SeedCooperativeWithProject(admin, "toegang-a", "toegang-a-net");
        await ApiCalls.SeedCooperativeWithProject(admin, "toegang-b", "toegang-b-net");
        async Task<HttpClient> Token(string role) => server.Client((await admin.Post("api/tokens", new { name = "toegang", role })).Text("token"));
        var booking = new { month = "2025-03", kind = "Design", amount = 10.05m };

        var otherBoard = await (await Token("board:toegang-b")).Post($"api/projects/{project}/spending", booking);
        Assert.Equal(HttpStatusCode.Forbidden, otherBoard.Status);
        Assert.Equal("application/problem+json", otherBoard.ContentType);
        Assert.Contains("toegang-a", otherBoard.Raw); // names whose board books here
        Assert.Equal(HttpStatusCode.Forbidden, (await (await Token("reader")).Post($"api/projects/{project}/spending", booking)).Status);
        Assert.Equal(0, (await admin.Get($"api/projects/{project}/spending")).Body.GetProperty("items").GetArrayLength());

        Assert.Equal(HttpStatusCode.NotFound, (await (await Token("board:toegang-a")).Post("api/projects/bestaat-niet/spending", booking)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Post("api/projects/bestaat-niet/spending", booking)).Status);

        Assert.Equal(HttpStatusCode.Created, (await (await Token("board:toegang-a")).Post($"api/projects/{project}/spending", booking)).Status);
        Assert.Equal(HttpStatusCode.Created, (await admin.Post($"api/projects/{project}/spending", booking)).Status);
        Assert.Equal(2, (await admin.Get($"api/projects/{project}/spending")).Body.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task The_cooperative_kept_per_project_still_refuses_other_boards_and_a_project_created_after_a_404_is_its_own()
    {
        // The host keeps a project's cooperative once known (ProjectCooperatives): the refusals must not depend on
        // what was asked before — another board after the own board's booking, a project created after a 404.
        await using var server = await WarmteServer.StartAsync();
        var admin = server.Client();
        var project = await ApiCalls.SeedCooperativeWithProject(admin, "kept-a", "kept-a-net");
        async Task<HttpClient> Token(string role) => server.Client((await admin.Post("api/tokens", new { name = "kept", role })).Text("token"));
        var boardA = await Token("board:kept-a");
        var boardB = await Token("board:kept-b");
        var booking = new { month = "2025-03", kind = "Design", amount = 10.05m };

        Assert.Equal(HttpStatusCode.Created, (await boardA.Post($"api/projects/{project}/spending", booking)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await boardB.Post($"api/projects/{project}/spending", booking)).Status);
        Assert.Equal(HttpStatusCode.Created, (await boardA.Post($"api/projects/{project}/spending", booking)).Status);

        // Unknown first (404, nothing kept), then created under the other cooperative: its board books, A's does not.
        Assert.Equal(HttpStatusCode.NotFound, (await boardB.Post("api/projects/kept-b-net/spending", booking)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await boardA.Post("api/projects/kept-b-net/spending", booking)).Status);
        Assert.Equal("kept-b-net", await ApiCalls.SeedCooperativeWithProject(admin, "kept-b", "kept-b-net"));
        Assert.Equal(HttpStatusCode.Forbidden, (await boardA.Post("api/projects/kept-b-net/spending", booking)).Status);
        Assert.Equal(HttpStatusCode.Created, (await boardB.Post("api/projects/kept-b-net/spending", booking)).Status);
        Assert.Equal(2, (await admin.Get($"api/projects/{project}/spending")).Body.GetProperty("items").GetArrayLength());
        Assert.Equal(1, (await admin.Get("api/projects/kept-b-net/spending")).Body.GetProperty("items").GetArrayLength());
    }
}
