using System.Net;
using System.Text.Json;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Operations;

/// <summary>
/// The built silo started with <c>--demo</c> on a fresh data directory, as a script or a load balancer meets it: it
/// polls <c>/health/ready</c>, and at the first 200 the demo must be all there. "All there" is what the demo loader
/// leaves once it has finished (the same reads again after its "Demo: …" log line), not a count copied here: the
/// umbrella's cooperatives, each cooperative with its projects, and each project's record, plan, grants and business
/// cases. Before the fix the silo answered ready as soon as it was Active, while the load was still writing.
/// </summary>
public sealed class DemoReadinessTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task With_demo_the_first_ready_answer_comes_when_the_demo_data_is_all_there()
    {
        await using var silo = SiloProcess.OnSqlite("demo-ready", "--demo",
            // The demo's own line ("Demo: …") and the migrator's, which SiloProcess's Warning level would hide.
            "--Logging:LogLevel:Warmte.Startup", "Information",
            "--Logging:LogLevel:Warmte.Silo.Storage.SchemaMigrator", "Information");
        silo.Start();
        using var anonymous = new HttpClient { BaseAddress = new Uri(silo.BaseUrl + "/"), Timeout = TimeSpan.FromSeconds(5) };
        using var client = silo.Client();

        var deadline = DateTime.UtcNow + StartTimeout;
        JsonElement ready;
        while (true)
        {
            Assert.True(silo.Running, $"the silo exited during start:\n{silo.Tail()}");
            Assert.True(DateTime.UtcNow < deadline, $"not ready after {StartTimeout}:\n{silo.Tail()}");
            try
            {
                using var answer = await anonymous.GetAsync("health/ready");
                if (answer.StatusCode == HttpStatusCode.OK)
                {
                    ready = JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.Clone();
                    break;
                }
                Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
            }
            catch (HttpRequestException) { }      // not listening yet
            catch (TaskCanceledException) { }
            await Task.Delay(50);
        }
        // Read at once, before the loader could finish what it had not finished yet.
        var atFirstReady = await Snapshot(client);

        Assert.Equal("ok", ready.GetProperty("checks").GetProperty("demo").GetString());
        await WaitForLogAsync(silo, "Demo: ");
        var loaded = await Snapshot(client);
        Assert.Contains(loaded, line => line.StartsWith("api/cooperatives/ketelhuiswg ", StringComparison.Ordinal));
        Assert.Contains(loaded, line => line.StartsWith("api/projects/wg-terrein ", StringComparison.Ordinal));
        Assert.Equal(loaded, atFirstReady);

        // A fresh database's first start records its schema scripts; it claims no backfill of older rows.
        var log = silo.Tail(5000);
        Assert.Contains("Schema script 0001_", log);
        Assert.DoesNotContain("rows backfilled", log);
    }

    /// <summary>What the demo wrote, read through the API: one "path status body" line per read, in a fixed order.</summary>
    private static async Task<List<string>> Snapshot(HttpClient client)
    {
        var lines = new List<string>();
        async Task<JsonElement?> Read(string path)
        {
            using var answer = await client.GetAsync(path);
            var body = await answer.Content.ReadAsStringAsync();
            lines.Add($"{path} {(int)answer.StatusCode} {body}");
            return answer.IsSuccessStatusCode ? JsonDocument.Parse(body).RootElement.Clone() : null;
        }

        // The umbrella's member list only: its comparison rows carry alerts, which are evaluated after the load on their own.
        using (var umbrella = await client.GetAsync("api/umbrellas"))
            lines.Add($"api/umbrellas {(int)umbrella.StatusCode} {await umbrella.Content.ReadAsStringAsync()}");
        var cooperatives = await Read("api/cooperatives");
        foreach (var cooperative in cooperatives?.EnumerateArray().ToList() ?? [])
        {
            var id = cooperative.GetProperty("cooperative").GetProperty("id").GetString()!;
            await Read($"api/cooperatives/{id}");
            await Read($"api/cooperatives/{id}/members/summary");
            await Read($"api/cooperatives/{id}/alv/meetings");
            foreach (var project in cooperative.GetProperty("projects").EnumerateArray())
            {
                var projectId = project.GetProperty("id").GetString()!;
                await Read($"api/projects/{projectId}");
                await Read($"api/projects/{projectId}/grants");
                await Read($"api/projects/{projectId}/cashflow-plan");
                await Read($"api/projects/{projectId}/business-cases");
            }
        }
        return lines;
    }

    private static async Task WaitForLogAsync(SiloProcess silo, string text)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (!silo.Tail(5000).Contains(text, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"'{text}' not logged within {StartTimeout}:\n{silo.Tail()}");
            await Task.Delay(200);
        }
    }
}
