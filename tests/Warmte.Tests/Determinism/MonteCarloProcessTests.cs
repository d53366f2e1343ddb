using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Determinism;

/// <summary>
/// The same model, seed and number of runs give byte-identical Monte Carlo output in separate processes:
/// each process has its own string-hash seed, and one of them sees a single core.
/// </summary>
public sealed class MonteCarloProcessTests
{
    [Fact]
    public async Task The_built_cli_gives_the_same_json_bytes_in_two_processes_with_different_core_counts()
    {
        string[] args = ["model", "montecarlo", "models/ketelhuiswg.json", "--runs", "2000", "--seed", "7", "--json"];

        var one = await CliProcess.RunAsync(new Dictionary<string, string> { ["DOTNET_PROCESSOR_COUNT"] = "1" }, args);
        var all = await CliProcess.RunAsync(null, args);

        Assert.True(one.ExitCode == 0, one.ToString());
        Assert.True(all.ExitCode == 0, all.ToString());
        Assert.Contains("\"npvP50\"", one.Out);
        Assert.Equal(one.Out, all.Out);
    }
}

/// <summary>The API's Monte Carlo on a saved version gives the same bytes before and after the silo process restarts.</summary>
public sealed class MonteCarloRestartTests
{
    [Fact]
    public async Task The_api_gives_the_same_monte_carlo_bytes_before_and_after_a_silo_restart()
    {
        await using var silo = SiloProcess.OnSqlite("montecarlo restart");
        silo.Start();
        await silo.WaitHealthyAsync(TimeSpan.FromMinutes(2));
        var project = await ApiCalls.SeedCooperativeWithProject(silo.Client(), "mc-coop", "mc-proj");
        var model = System.Text.Json.Nodes.JsonNode.Parse(RepoFiles.Read("models", "ketelhuiswg.json"))!;
        var saved = await silo.Client().Post($"api/projects/{project}/business-cases", new { model });
        Assert.True(saved.Status == System.Net.HttpStatusCode.Created, saved.Raw);

        var before = await silo.Client().Post($"api/projects/{project}/business-cases/1/montecarlo", new { runs = 1000, seed = 7 });
        silo.Stop();
        silo.Start();
        await silo.WaitHealthyAsync(TimeSpan.FromMinutes(2));
        var after = await silo.Client().Post($"api/projects/{project}/business-cases/1/montecarlo", new { runs = 1000, seed = 7 });

        Assert.True(before.Status == System.Net.HttpStatusCode.OK, before.Raw);
        Assert.Equal("Model", before.Body.GetProperty("uncertaintyOrigin").GetString());
        Assert.Equal(before.Raw, after.Raw);
    }
}
