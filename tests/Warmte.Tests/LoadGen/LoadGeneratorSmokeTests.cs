using System.Text.Json;
using Warmte.LoadGen;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.LoadGen;

/// <summary>
/// The load generator (tests/Warmte.LoadGen) against a real in-test silo, briefly: its setup is
/// repeatable, its workload is accepted by the API (no 4xx, no 5xx), and the writes it counts as
/// acknowledged are stored — so the benchmark cannot silently rot when the API changes. Speed is
/// not asserted (see docs/performance.md for the measurements).
/// </summary>
public sealed class LoadGeneratorSmokeTests
{
    [Fact]
    public async Task The_mixed_workload_runs_every_operation_without_refusals_and_its_writes_are_stored()
    {
        await using var server = await WarmteServer.StartAsync(extraArgs: ["--RateLimit:Enabled", "false"]);
        using var api = new ServiceClient([server.BaseUrl], server.AdminToken);
        var set = new Dataset("smoke", Cooperatives: 2, ProjectsPerCooperative: 2, MembersPerCooperative: 8, Grants: true, CooperativesPerUmbrella: 2);

        await DatasetSetup.RunAsync(api, set, parallel: 4, TextWriter.Null);
        // Re-running the setup on the same data is fine: everything is already there.
        var again = await DatasetSetup.RunAsync(api, set, parallel: 4, TextWriter.Null);
        Assert.Equal(4, again.Operations.Single(o => o.Operation == "project").Conflicts409);

        var workload = new MixedWorkload(api, set);
        await workload.PrepareAsync(parallel: 2);
        var (recorder, seconds) = await LoadRunners.ClosedLoopAsync(workload.RunOneAsync, clients: 4, TimeSpan.FromSeconds(4), TimeSpan.Zero);
        var results = recorder.Results(seconds);

        foreach (var operation in MixedWorkload.DefaultMix.Keys)
            Assert.True(results.SingleOrDefault(r => r.Operation == operation)?.Succeeded > 0, $"no successful '{operation}' in {Describe(results)}");
        Assert.All(results, r =>
        {
            Assert.Equal(0, r.ServerErrors5xx);
            Assert.Equal(0, r.OtherClientErrors4xx);
            Assert.Equal(0, r.NoAnswer);
            Assert.Equal(0, r.Conflicts409);
        });

        // Every acknowledged spending booking and tranche step is in the stored state, exactly once.
        var admin = server.Client();
        long bookings = 0, steps = 0;
        foreach (var project in set.AllProjectIds())
        {
            bookings += (await admin.Get($"api/projects/{project}/spending?from=2020-01&to=2025-12")).Body.GetProperty("items").GetArrayLength(); // the load books in 72 months from 2020-01
            foreach (var grant in (await admin.Get($"api/projects/{project}/grants")).Body.EnumerateArray())
                steps += grant.GetProperty("grant").GetProperty("tranches").EnumerateArray().Sum(t => t.GetProperty("stepCount").GetInt32()); // the list counts a tranche's steps; they are journal rows
        }
        Assert.Equal(results.Single(r => r.Operation == "spending").Succeeded, bookings);
        Assert.Equal(results.Single(r => r.Operation == "tranche-step").Succeeded, steps);

        var markdown = Report.Markdown([new MeasurementResult
        {
            Kind = "mixed", Label = "smoke", StartedAt = DateTimeOffset.UtcNow, Seconds = seconds, Urls = [server.BaseUrl], Concurrency = 4, Operations = results,
        }]);
        Assert.Contains("| spending |", markdown);
    }

    private static string Describe(IEnumerable<OperationResult> results) => JsonSerializer.Serialize(results);
}
