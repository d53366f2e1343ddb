using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Warmte.Silo.Storage;
using Warmte.Tests.Http;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.BusinessCase;

/// <summary>
/// Business-case versions live in the journal: the listing pages them (the same list, one page
/// at a time), one version is read by its number, and the stored snapshot does not grow with the
/// number of versions.
/// </summary>
public sealed class BusinessCaseVersionPagingTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private WarmteServer Server => fixture.Server;

    [Fact]
    public async Task Versions_page_from_the_journal_and_the_snapshot_stays_the_same_size()
    {
        var admin = Server.Client();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var project = await ApiCalls.SeedCooperativeWithProject(admin, $"coop-{suffix}", $"proj-{suffix}");
        long? firstSnapshot = null;
        for (var i = 1; i <= 7; i++)
        {
            var model = JsonNode.Parse(RepoFiles.Read("models", "zonnedak-sporthal.json"))!;
            model["discountRate"] = 0.01m * i;
            var saved = await admin.Post($"api/projects/{project}/business-cases", new { note = $"variant {i}", model });
            Assert.Equal(HttpStatusCode.Created, saved.Status);
            Assert.Equal(i, saved.Body.GetProperty("version").GetInt32());
            var size = await SnapshotLength(project);
            firstSnapshot ??= size;
            // The same model shape each time: the snapshot (count and latest figures) differs by at most the figures' digits.
            Assert.InRange(size, firstSnapshot.Value - 40, firstSnapshot.Value + 40);
        }

        var all = await admin.Get($"api/projects/{project}/business-cases");
        Assert.Equal(Enumerable.Range(1, 7), all.Body.EnumerateArray().Select(v => v.GetProperty("version").GetInt32()));
        Assert.Equal(Enumerable.Range(1, 7).Select(i => $"variant {i}"), all.Body.EnumerateArray().Select(v => v.GetProperty("note").GetString()));

        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/projects/{project}/business-cases?page=2&pageSize=3");
        using var response = await admin.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("7", response.Headers.GetValues("X-Total-Count").Single());
        var page = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();
        Assert.Equal([4, 5, 6], page.Select(v => v!["version"]!.GetValue<int>()));
        // The page's entries are the listing's entries.
        Assert.Equal(all.Body.EnumerateArray().Skip(3).Take(3).Select(v => v.GetRawText()), page.Select(v => v!.ToJsonString()));
        var last = await admin.Get($"api/projects/{project}/business-cases?page=3&pageSize=3");
        Assert.Equal([7], last.Body.EnumerateArray().Select(v => v.GetProperty("version").GetInt32()));
        Assert.Equal(0, (await admin.Get($"api/projects/{project}/business-cases?page=9&pageSize=3")).Body.GetArrayLength());

        // Bad paging names its field; nothing else changes.
        var bad = await admin.Get($"api/projects/{project}/business-cases?page=0&pageSize=500");
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.Equal(["page", "pageSize"], bad.ErrorFields.Order());

        // One version by its number: its own model and note; numbers outside 1..7 are not there.
        var five = await admin.Get($"api/projects/{project}/business-cases/5");
        Assert.Equal(0.05m, five.Body.GetProperty("model").GetProperty("discountRate").GetDecimal());
        Assert.Equal("variant 5", five.Body.GetProperty("version").GetProperty("note").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Get($"api/projects/{project}/business-cases/8")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Get($"api/projects/{project}/business-cases/0")).Status);
        var compare = await admin.Get($"api/projects/{project}/business-cases/compare?from=1&to=7");
        Assert.Equal(HttpStatusCode.OK, compare.Status);
        Assert.True(compare.Body.GetProperty("difference").GetProperty("npv").GetDecimal() < 0); // a higher discount rate, a lower NPV
    }

    private async Task<long> SnapshotLength(string project)
    {
        var database = Server.App.Services.GetRequiredService<Database>();
        await using var connection = await database.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT length(state) FROM warmte_snapshot WHERE grain_type = 'businesscase' AND grain_key = @key";
        Database.Parameter(cmd, "key", project);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }
}
