using Warmte.Tests.Cli;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Operations;

/// <summary>
/// scripts/cluster.sh run twice in one --dir (start, stop, start, stop; one silo, its own PostgreSQL, the tests'
/// build of the silo): each run's silo-1.log holds that run only, and the previous run's is kept as silo-1.log.1; a
/// restart in a new shell runs the silo binary given at start (WARMTE_SILO_DLL, recorded in cluster.env).
/// </summary>
public sealed class ClusterScriptLogTests
{
    [Fact]
    public async Task Each_start_begins_a_fresh_silo_log_and_keeps_the_previous_runs_as_log_1()
    {
        var dir = Path.Combine(Path.GetTempPath(), "warmte-cluster-logs-" + Guid.NewGuid().ToString("N")[..8]);
        var http = FreePort.Next();
        string[] places = ["--dir", dir, "--silos", "1", "--no-build", "--pg-port", FreePort.Next().ToString(),
            "--http-base", http.ToString(), "--silo-base", FreePort.Next().ToString()];
        var environment = new Dictionary<string, string?> { ["WARMTE_SILO_DLL"] = BuiltProgram.SiloDll, ["WARMTE_START_TIMEOUT"] = "240" };
        var script = RepoFiles.Path("scripts", "cluster.sh");
        var log = Path.Combine(dir, "silo-1.log");
        // Killed mid-run, this process would leave the script's PostgreSQL and silo running: stopped once it has ended
        // (after a normal end the finally below has stopped them and removed the folder; then this does nothing).
        PostgresServer.WhenThisProcessEnds("warmte-cluster-watch", "sh", "-c", "[ -d \"$1\" ] || exit 0; bash \"$2\" stop --dir \"$1\"; rm -rf \"$1\"",
            "sh", dir, script);
        try
        {
            for (var run = 1; run <= 2; run++)
            {
                var started = await BuiltProgram.Run("bash", [script, "start", .. places], environment, TimeSpan.FromMinutes(6));
                Assert.True(started.ExitCode == 0, $"run {run}: {started}");
                if (run == 1)
                {
                    // Tester8 T8: a restart from a new shell (no WARMTE_SILO_DLL) runs the binary the cluster was started with,
                    // recorded in cluster.env, and appends to this run's log.
                    Assert.Contains($"SILO_DLL={BuiltProgram.SiloDll}", await File.ReadAllTextAsync(Path.Combine(dir, "cluster.env")));
                    var newShell = new Dictionary<string, string?>(environment) { ["WARMTE_SILO_DLL"] = null };
                    var restarted = await BuiltProgram.Run("bash", [script, "restart", "1", "--dir", dir], newShell, TimeSpan.FromMinutes(6));
                    Assert.True(restarted.ExitCode == 0, $"restart: {restarted}");
                }
                var stopped = await BuiltProgram.Run("bash", [script, "stop", "--dir", dir], environment, TimeSpan.FromMinutes(3));
                Assert.True(stopped.ExitCode == 0, $"run {run}: {stopped}");
            }

            // The silo's own line at every start (ASP.NET's "Now listening on"): once in this run's log; twice in the previous
            // run's (its start and the restart, appended).
            var listening = $"Now listening on: http://127.0.0.1:{http}";
            Assert.Equal(1, Count(await File.ReadAllTextAsync(log), listening));
            Assert.True(File.Exists(log + ".1"), "the previous run's log is kept as silo-1.log.1");
            Assert.Equal(2, Count(await File.ReadAllTextAsync(log + ".1"), listening));
            Assert.False(File.Exists(log + ".2"));
        }
        finally
        {
            await BuiltProgram.Run("bash", [script, "stop", "--dir", dir], environment, TimeSpan.FromMinutes(3));
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static int Count(string text, string line) =>
        text.Split('\n').Count(l => l.Contains(line, StringComparison.Ordinal));
}
