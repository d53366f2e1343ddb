using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Warmte.Serialization;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Cluster;

/// <summary>
/// A storage version conflict seen through the HTTP API: the caller gets a retryable 409
/// concurrent-change (never a 500), nothing is stored by the refused write, and the retry with the
/// same idempotency key is stored exactly once.
/// </summary>
public sealed class ConcurrencyApiTests
{
    [Fact]
    public async Task A_stale_copy_answers_409_concurrent_change_and_the_retry_with_the_same_key_books_once()
    {
        // Two clusters on one database (different ClusterIds, the same ServiceId) both hold the
        // project's cash plan in memory: the worst case of a stale copy, as after a split or failover.
        var pg = await PostgresServer.GetAsync();
        var database = await pg.CreateDatabaseAsync();
        await using var a = await WarmteServer.StartAsync(postgres: database);
        await using var b = await WarmteServer.StartAsync(postgres: database);
        var project = await ApiCalls.SeedCooperativeWithProject(a.Client(), "ketelhuiswg", "wg-terrein");
        Assert.Equal(HttpStatusCode.OK, (await b.Client().Get($"api/projects/{project}/spending")).Status); // b loads the (empty) state

        var first = await Book(a.Client(), project, "boeking-a", 1_234.56m);
        Assert.Equal(HttpStatusCode.Created, first.Status);

        var stale = await Book(b.Client(), project, "boeking-b", 789.01m);
        Assert.Equal(HttpStatusCode.Conflict, stale.Status);
        Assert.Equal("concurrent-change", stale.Body.GetProperty("code").GetString());

        var retry = await Book(b.Client(), project, "boeking-b", 789.01m);
        Assert.Equal(HttpStatusCode.Created, retry.Status);
        // The answer was lost: the same request again on the other cluster, whose copy is stale too:
        // at most one more 409, then the key is found and nothing is booked twice.
        var again = await Book(a.Client(), project, "boeking-b", 789.01m);
        if (again.Status == HttpStatusCode.Conflict)
        {
            Assert.Equal("concurrent-change", again.Body.GetProperty("code").GetString());
            again = await Book(a.Client(), project, "boeking-b", 789.01m);
        }
        Assert.Equal(HttpStatusCode.Created, again.Status);

        var bookings = (await b.Client().Get($"api/projects/{project}/spending")).Body.GetProperty("items").EnumerateArray()
            .Select(x => (x.GetProperty("note").GetString(), x.GetProperty("amount").GetDecimal())).ToList();
        Assert.Equal([("boeking-a", 1_234.56m), ("boeking-b", 789.01m)], bookings);
        Assert.Equal(2_023.57m, (await b.Client().Get($"api/projects/{project}/cash-position")).Body.GetProperty("totalSpent").GetDecimal());
    }

    private static async Task<ApiCalls.Answer> Book(HttpClient client, string project, string key, decimal amount)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/projects/{project}/spending")
        {
            Content = JsonContent.Create(new { month = "2024-03", kind = "Design", amount, note = key }, options: WarmteJson.Default),
        };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await client.SendAsync(request);
        var raw = await response.Content.ReadAsStringAsync();
        return new ApiCalls.Answer(response.StatusCode, JsonDocument.Parse(raw).RootElement.Clone(), raw, response.Content.Headers.ContentType?.MediaType);
    }
}
