using System.Diagnostics;
using System.Text.RegularExpressions;
using Npgsql;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Operations;

/// <summary>
/// The tests' PostgreSQL fixture (<see cref="PostgresServer"/>) must not outlive its test process, however that
/// process ends. Each test runs the real fixture in a process of its own (tests/Warmte.PgFixtureHost, which compiles
/// the same PostgresServer.cs and starts it as a test process does), ends it the hard way, and looks in /proc for the
/// server's postmaster: killed with its whole process tree (the watcher stops the server), killed together with the
/// watcher (the next fixture start reaps it), and a start whose wait runs out while the postmaster is still coming up
/// (pg_ctl -t 0: what a busy machine did with 60 s; the start stops it before failing).
/// </summary>
public sealed class PostgresFixtureCleanupTests
{
    // initdb, a start and removing a data directory each take long on a busy machine.
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task A_test_process_killed_with_its_process_tree_leaves_no_server_running()
    {
        var (host, port, root) = await StartHostAsync();
        var data = Path.Combine(root, "data");
        Assert.Single(PostgresServer.ServerProcesses(data));
        await using (var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres"))
            await connection.OpenAsync();   // a real server, accepting connections

        host.Kill(entireProcessTree: true);
        await host.WaitForExitAsync();

        await EventuallyAsync(() => PostgresServer.ServerProcesses(data).Count == 0 && !Directory.Exists(root),
            $"the server of {root} still runs (or its directory is left) after its test process was killed");
    }

    [Fact]
    public async Task A_server_whose_test_process_and_watcher_were_both_killed_is_stopped_by_the_next_fixture_start()
    {
        var (first, _, firstRoot) = await StartHostAsync();
        var firstData = Path.Combine(firstRoot, "data");
        var watcher = Assert.Single(WatchersOf(firstRoot));
        using (var process = Process.GetProcessById(watcher)) process.Kill();
        first.Kill(entireProcessTree: true);
        await first.WaitForExitAsync();
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Single(PostgresServer.ServerProcesses(firstData));   // left running: nothing of its own run is there to stop it

        var (second, _, secondRoot) = await StartHostAsync();
        try
        {
            Assert.Empty(PostgresServer.ServerProcesses(firstData));   // stopped before the next server started
            Assert.Single(PostgresServer.ServerProcesses(Path.Combine(secondRoot, "data")));   // the reaper left the living run's server alone
            await EventuallyAsync(() => !Directory.Exists(firstRoot), $"{firstRoot} is left");   // removed in the background
        }
        finally
        {
            second.Kill(entireProcessTree: true);
            await second.WaitForExitAsync();
            await EventuallyAsync(() => PostgresServer.ServerProcesses(Path.Combine(secondRoot, "data")).Count == 0, $"{secondRoot} still runs");
        }
    }

    [Fact]
    public async Task A_start_that_gives_up_waiting_stops_the_postmaster_it_started_and_removes_its_directory()
    {
        using var host = Start(new Dictionary<string, string> { [PostgresServer.StartTimeoutVariable] = "0" });
        var line = await ReadLineAsync(host);
        Assert.StartsWith("failed ", line);
        Assert.Contains("did not start", line);
        var root = Regex.Match(line, Regex.Escape(Path.Combine(Path.GetTempPath(), PostgresServer.Prefix)) + "[0-9a-f]{8}").Value;
        Assert.NotEqual("", root);
        Assert.Equal(2, await WaitExitAsync(host));

        Assert.Empty(PostgresServer.ServerProcesses(Path.Combine(root, "data")));
        await EventuallyAsync(() => !Directory.Exists(root), $"{root} is left");   // by the watcher, once the process is gone
        // And nothing comes up later from it either.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Empty(PostgresServer.ServerProcesses(Path.Combine(root, "data")));
    }

    private static string HostDll
    {
        get
        {
            var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
            var dll = RepoFiles.Path("tests", "Warmte.PgFixtureHost", "bin", configuration, "net10.0", "Warmte.PgFixtureHost.dll");
            return File.Exists(dll) ? dll : throw new InvalidOperationException($"{dll} not found; build the solution first.");
        }
    }

    private static Process Start(IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(HostDll);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) info.Environment[name] = value;
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the fixture host");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<(Process Host, int Port, string Root)> StartHostAsync()
    {
        var host = Start();
        var line = await ReadLineAsync(host);
        var parts = line.Split(' ');
        Assert.True(parts is ["ready", _, _], $"the fixture host answered: {line}");
        return (host, int.Parse(parts[1]), parts[2]);
    }

    private static async Task<string> ReadLineAsync(Process host)
    {
        using var limit = new CancellationTokenSource(Patience);
        try
        {
            return await host.StandardOutput.ReadLineAsync(limit.Token) ?? "(no output)";
        }
        catch (OperationCanceledException)
        {
            host.Kill(entireProcessTree: true);
            throw new TimeoutException($"the fixture host said nothing within {Patience}");
        }
    }

    private static async Task<int> WaitExitAsync(Process host)
    {
        using var limit = new CancellationTokenSource(Patience);
        await host.WaitForExitAsync(limit.Token);
        return host.ExitCode;
    }

    /// <summary>The watcher processes of <paramref name="root"/> (sh … warmte-pg-watch root …), from /proc.</summary>
    private static List<int> WatchersOf(string root)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var argv = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0');
                if (argv.Contains("warmte-pg-watch") && argv.Contains(root)) found.Add(pid);
            }
            catch (IOException) { }
        }
        return found;
    }

    private static async Task EventuallyAsync(Func<bool> condition, string message)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, message);
            await Task.Delay(200);
        }
    }
}
