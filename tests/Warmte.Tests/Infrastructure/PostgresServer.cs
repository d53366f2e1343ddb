using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Warmte.Tests.Infrastructure;

/// <summary>
/// A real, throwaway PostgreSQL server for the test run: initdb into a temp directory
/// (<c>/tmp/warmte-pg-*</c>), started on a free loopback port (as the postgres OS user when the tests run as
/// root). Each test gets its own database. The server is shared by the whole test process and never disposed by a
/// test, so it is stopped and its directory removed on every way the test process can end:
/// <list type="bullet">
/// <item>a normal end: at process exit (<see cref="AppDomain.ProcessExit"/>), synchronously;</item>
/// <item>a start that fails (pg_ctl's wait ran out while the postmaster was still coming up, a bad option): stopped
/// and removed at once, before the exception reaches the tests;</item>
/// <item>a test process killed mid-run (SIGKILL, a runner's hang time-out, a killed process tree): a watcher started
/// with the server, in a session of its own (<c>setsid -f</c>, so a process-tree or process-group kill does not take it
/// along), reads a pipe whose other end only the test process holds; the kernel closes that end when the process ends,
/// however it ends, and the watcher then stops the server and removes its directory;</item>
/// <item>the watcher killed as well (the whole machine's processes killed, a container restarted): every fixture start
/// first reaps the directories whose owning test process (pid and start time in the file <c>owner</c>) is gone,
/// stopping a server still running there.</item>
/// </list>
/// The pipe rather than a parent-death signal: PR_SET_PDEATHSIG fires when the starting <em>thread</em> ends (thread pool
/// threads do), is lost through pg_ctl's fork of the postmaster, and cannot be set from .NET; a pipe's end is closed by
/// the kernel for the process as a whole, with nothing to poll and no pid that could be reused.
/// </summary>
public sealed class PostgresServer
{
    /// <summary>The directories' name prefix under the temp folder; the reaper only looks at these.</summary>
    public const string Prefix = "warmte-pg-";

    /// <summary>Seconds pg_ctl waits for the server to accept connections (WARMTE_PG_START_TIMEOUT; default 60).</summary>
    public const string StartTimeoutVariable = "WARMTE_PG_START_TIMEOUT";

    private static readonly Lazy<Task<PostgresServer>> Shared = new(StartAsync);

    // The watcher's stdin: kept open (and reachable, so no finalizer closes it) for the life of this process.
    private static Process? _watcher;

    private PostgresServer(string root, int port)
    {
        Root = root;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The server's directory (data in <c>data</c>, log in <c>server.log</c>, owner in <c>owner</c>).</summary>
    public string Root { get; }

    public static Task<PostgresServer> GetAsync() => Shared.Value;

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Maximum Pool Size=30;Connection Idle Lifetime=15;Timeout=30";

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "wt_" + Guid.NewGuid().ToString("N")[..16];
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await cmd.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    private static async Task<PostgresServer> StartAsync()
    {
        var asRoot = Environment.UserName == "root";
        Reap(asRoot);
        var root = Path.Combine(Path.GetTempPath(), Prefix + Guid.NewGuid().ToString("N")[..8]);
        var data = Path.Combine(root, "data");
        Directory.CreateDirectory(root);
        // Before anything is started: whose server this is, for the reaper of a later run.
        await File.WriteAllTextAsync(Path.Combine(root, "owner"), $"{Environment.ProcessId} {StartTime(Environment.ProcessId)}\n");
        try
        {
            if (asRoot) await RunAsync("chown", "postgres", root);
            StartWatcher(asRoot, root, data);
            await RunAsPostgresAsync(asRoot, "initdb", "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync");
            var port = FreePort.Next();
            var wait = int.TryParse(Environment.GetEnvironmentVariable(StartTimeoutVariable), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
                ? seconds : 60;
            await RunAsPostgresAsync(asRoot, "pg_ctl", "-D", data, "-l", Path.Combine(root, "server.log"), "-w", "-t", wait.ToString(CultureInfo.InvariantCulture),
                "-o", $"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400",
                "start");
            var server = new PostgresServer(root, port);
            // The server at once (a run that ends leaves none); the directory after this process is gone, by the watcher, so
            // a test runner that kills a test host slow to exit cannot catch it half deleted.
            AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop(asRoot, root);
            return server;
        }
        catch (Exception failure)
        {
            // pg_ctl gave up waiting (a busy machine) while the postmaster went on starting: stop it, or it outlives the run.
            Stop(asRoot, root);
            throw new InvalidOperationException($"The tests' PostgreSQL server in {root} did not start (stopped again; the directory goes when this process ends): {failure.Message}", failure);
        }
    }

    /// <summary>
    /// Stops the server of <paramref name="root"/>: pg_ctl's immediate shutdown, then SIGKILL for any postmaster of its data
    /// directory still there (one pg_ctl had not seen write its pid file yet). The directory stays (removed by the watcher
    /// once the owner is gone, or by a later start's reaper). Never throws.
    /// </summary>
    private static void Stop(bool asRoot, string root)
    {
        var data = Path.Combine(root, "data");
        try
        {
            if (File.Exists(Path.Combine(data, "postmaster.pid")))
                RunAsPostgresAsync(asRoot, "pg_ctl", "-D", data, "-m", "immediate", "-w", "-t", "30", "stop").GetAwaiter().GetResult();
        }
        catch (Exception) { }   // not running (any more), or already stopped by the watcher
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var left = ServerProcesses(data);
            if (left.Count == 0) break;
            foreach (var pid in left)
            {
                try { using var process = Process.GetProcessById(pid); process.Kill(); } catch (Exception) { }
            }
            Thread.Sleep(100);
        }
    }

    /// <summary>
    /// Every leftover of an earlier run: the server of a directory whose owner process is gone is stopped now (before this
    /// run's server starts); such directories, and those of a build before owner files that have no running server and are
    /// over an hour old (one with a running server may be another checkout's run in progress and is left alone), are
    /// removed in the background, at most <see cref="ReapAtOnce"/> per start (removing a data directory is slow on a busy
    /// machine, and a test run should not wait for it).
    /// </summary>
    private static void Reap(bool asRoot)
    {
        var running = AllServerProcesses().Select(p => p.Data).ToHashSet();
        var remove = new List<string>();   // an earlier run of this build's first, then older builds' leftovers
        foreach (var root in Directory.EnumerateDirectories(Path.GetTempPath(), Prefix + "*"))
        {
            try
            {
                var owner = Path.Combine(root, "owner");
                if (File.Exists(owner))
                {
                    var parts = File.ReadAllText(owner).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    if (parts.Length == 2 && int.TryParse(parts[0], out var pid) && StartTime(pid) == parts[1]) continue;   // its run goes on
                    if (running.Contains(Path.Combine(root, "data"))) Stop(asRoot, root);
                    remove.Insert(0, root);
                }
                else if (!running.Contains(Path.Combine(root, "data")) && Directory.GetLastWriteTimeUtc(root) < DateTime.UtcNow.AddHours(-1))
                {
                    remove.Add(root);
                }
            }
            catch (Exception) { }   // another run's directory changing under us, or not ours to remove
        }
        if (remove.Count == 0) return;
        _ = Task.Run(() =>
        {
            foreach (var root in remove.Take(ReapAtOnce))
            {
                try { Directory.Delete(root, recursive: true); } catch (Exception) { }
            }
        });
    }

    private const int ReapAtOnce = 25;

    /// <summary>
    /// The watcher: <c>setsid -f sh</c>, in a session of its own (reparented, out of this process's tree and group), whose
    /// stdin is a pipe from this process. When this process ends its end of the pipe closes, <c>cat</c> returns, and the
    /// watcher stops the server and removes the directory. After a normal end the ProcessExit handler has done both already.
    /// </summary>
    private static void StartWatcher(bool asRoot, string root, string data)
    {
        var info = new ProcessStartInfo("setsid")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        string[] stop = asRoot ? ["runuser", "-u", "postgres", "--", Resolve("pg_ctl")] : [Resolve("pg_ctl")];
        string[] args = ["-f", "sh", "-c", WatcherScript, "warmte-pg-watch", root, .. stop, "-D", data, "-m", "immediate", "-w", "-t", "30", "stop"];
        foreach (var arg in args) info.ArgumentList.Add(arg);
        _watcher = Process.Start(info) ?? throw new InvalidOperationException("could not start the PostgreSQL watcher (setsid, sh)");
    }

    private static readonly List<Process> OtherWatchers = [];

    /// <summary>
    /// Runs <paramref name="command"/> once this process has ended, however it ends: the server's watcher for other
    /// fixtures that start servers of their own (scripts/cluster.sh's PostgreSQL and silos in ClusterScriptLogTests). The
    /// command runs in a session of its own with no output; <paramref name="name"/> names the watcher in <c>ps</c>.
    /// </summary>
    public static void WhenThisProcessEnds(string name, params string[] command)
    {
        var info = new ProcessStartInfo("setsid")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        string[] args = ["-f", "sh", "-c", "exec >/dev/null 2>&1; cat >/dev/null; exec \"$@\"", name, .. command];
        foreach (var arg in args) info.ArgumentList.Add(arg);
        var watcher = Process.Start(info) ?? throw new InvalidOperationException($"could not start the watcher {name} (setsid, sh)");
        lock (OtherWatchers) OtherWatchers.Add(watcher);
    }

    private const string WatcherScript =
        """
        exec >/dev/null 2>&1
        root=$1; shift
        cat >/dev/null
        if [ -f "$root/data/postmaster.pid" ]; then "$@"; fi
        rm -rf "$root"
        """;

    /// <summary>The kernel's start time of process <paramref name="pid"/> (clock ticks since boot; with the pid it names one process for good), or null if none.</summary>
    public static string? StartTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the command name (in parentheses, which may hold spaces): state is field 3, starttime field 22.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return fields[19];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>The postmasters (and a starting one's shell) of data directory <paramref name="data"/>, from /proc.</summary>
    public static List<int> ServerProcesses(string data) => [.. AllServerProcesses().Where(p => p.Data == data).Select(p => p.Pid)];

    /// <summary>
    /// Every PostgreSQL postmaster on this machine with its data directory (<c>postgres -D dir</c>), and every shell of pg_ctl
    /// about to become one (<c>sh -c exec "…/postgres" -D "dir" …</c>), from /proc. Its backends are left out: they end
    /// when their postmaster does.
    /// </summary>
    public static List<(int Pid, string Data)> AllServerProcesses()
    {
        var found = new List<(int, string)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var argv = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0');
                if (argv.Length < 3) continue;
                var program = Path.GetFileName(argv[0]);
                if (program == "postgres" && Array.IndexOf(argv, "-D") is var d and >= 0 && d + 1 < argv.Length)
                    found.Add((pid, argv[d + 1]));
                else if (program == "sh" && argv[1] == "-c" && argv[2].Contains("postgres", StringComparison.Ordinal)
                         && argv[2].IndexOf("-D \"", StringComparison.Ordinal) is var q and >= 0)
                {
                    var start = q + 4;
                    var end = argv[2].IndexOf('"', start);
                    if (end > start) found.Add((pid, argv[2][start..end]));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        return found;
    }

    private static Task RunAsPostgresAsync(bool asRoot, string tool, params string[] args)
    {
        var path = Resolve(tool);
        return asRoot ? RunAsync("runuser", ["-u", "postgres", "--", path, .. args]) : RunAsync(path, args);
    }

    /// <summary>initdb/pg_ctl from PATH, else from Debian's versioned directory (the newest installed).</summary>
    private static string Resolve(string tool)
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, tool)).FirstOrDefault(File.Exists);
        if (onPath is not null) return onPath;
        var debian = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => d, StringComparer.Ordinal)
                .Select(d => Path.Combine(d, "bin", tool)).FirstOrDefault(File.Exists)
            : null;
        return debian ?? throw new InvalidOperationException(
            $"PostgreSQL server tool '{tool}' not found on PATH or in /usr/lib/postgresql/*/bin; install Debian's postgresql package (see README).");
    }

    private static async Task RunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {await stdout}{await stderr}");
    }
}
