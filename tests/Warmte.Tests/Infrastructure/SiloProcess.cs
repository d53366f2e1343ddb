using System.Diagnostics;
using System.Net.Http.Headers;

namespace Warmte.Tests.Infrastructure;

/// <summary>
/// The built silo (src/Warmte.Silo/bin/&lt;configuration&gt;/net10.0/Warmte.Silo.dll) as a separate
/// OS process on free loopback ports, so a test can kill it like a crash (kill -9) and start it again
/// with the same settings. Its console goes to a log file named in assertion messages.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly string[] _args;
    private Process? _process;
    private StreamWriter? _log;

    private SiloProcess(string name, string[] args, int httpPort, int siloPort, string logPath)
    {
        Name = name;
        _args = args;
        HttpPort = httpPort;
        SiloPort = siloPort;
        LogPath = logPath;
    }

    public string Name { get; }

    public int HttpPort { get; }

    public int SiloPort { get; }

    public string LogPath { get; }

    public string BaseUrl => $"http://127.0.0.1:{HttpPort}";

    /// <summary>Whether the silo starts with the tests' admin token (Auth:BootstrapAdminToken); off to see a real first start.</summary>
    public bool PresetAdminToken { get; set; } = true;

    /// <summary>
    /// The host environment (ASPNETCORE_ENVIRONMENT) the silo runs in; null: none set, ASP.NET's default Production
    /// (the machine's ASPNETCORE_ENVIRONMENT and DOTNET_ENVIRONMENT are not passed on). Testing:ClockOffsetSeconds
    /// needs <see cref="Warmte.Silo.Hosting.TestClockOffset.Environment"/>.
    /// </summary>
    public string? HostEnvironment { get; set; }

    public bool Running => _process is { HasExited: false };

    /// <summary>Waits until the process has exited (a refused start) and answers its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        if (_process is null) throw new InvalidOperationException($"{Name} was never started");
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        return _process.ExitCode;
    }

    /// <summary>The silo built next to this test assembly, in the same configuration (Debug or Release).</summary>
    public static string SiloDll
    {
        get
        {
            var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
            var dll = RepoFiles.Path("src", "Warmte.Silo", "bin", configuration, "net10.0", "Warmte.Silo.dll");
            return File.Exists(dll) ? dll : throw new InvalidOperationException($"{dll} not found; build the solution first.");
        }
    }

    /// <summary>
    /// A silo of cluster <paramref name="clusterId"/> on the PostgreSQL database <paramref name="postgres"/>; not started yet.
    /// Silo-to-silo TLS with a certificate of the tests' shared CA (cluster mode requires it); extra arguments may override it.
    /// </summary>
    public static SiloProcess OnPostgres(string name, string postgres, string clusterId, params string[] extraArgs) =>
        Create(name, clusterId, ["--Storage:Provider", "PostgreSQL", "--Storage:ConnectionString", postgres,
            .. TestCertificateAuthority.Shared.SiloArgs(name), "--Voting:CodeKey", WarmteServer.ClusterCodeKey, .. extraArgs]);

    /// <summary>A single silo on a SQLite file in its own data directory; not started yet.</summary>
    public static SiloProcess OnSqlite(string name, params string[] extraArgs) =>
        Create(name, "test-" + Guid.NewGuid().ToString("N")[..8], extraArgs);

    /// <summary>A single silo on the SQLite file in <paramref name="dataDir"/> (e.g. another silo's, to start on its data); not started yet.</summary>
    public static SiloProcess OnSqliteIn(string name, string dataDir, params string[] extraArgs) =>
        Create(name, "test-" + Guid.NewGuid().ToString("N")[..8], extraArgs, dataDir);

    private static SiloProcess Create(string name, string clusterId, string[] extraArgs, string? dataDir = null)
    {
        var http = FreePort.Next();
        var silo = FreePort.Next();
        var dir = dataDir ?? Path.Combine(Path.GetTempPath(), "warmte-silo-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(dir);
        string[] args =
        [
            SiloDll,
            "--urls", $"http://127.0.0.1:{http}",
            "--data-dir", dir,
            "--Orleans:ClusterId", clusterId,
            "--Orleans:SiloPort", silo.ToString(), "--Orleans:GatewayPort", FreePort.Next().ToString(),
            "--Logging:LogLevel:Default", "Warning",
            // Tests send faster than one token may in production; the limiter has its own tests.
            "--RateLimit:Enabled", "false",
            .. extraArgs,
        ];
        return new SiloProcess(name, args, http, silo, Path.Combine(dir, "silo.log"));
    }

    /// <summary>Starts the process (again, after a kill: same ports, same database, a new Orleans generation).</summary>
    public void Start()
    {
        if (Running) throw new InvalidOperationException($"{Name} is already running");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in _args) info.ArgumentList.Add(a);
        if (PresetAdminToken) info.Environment["Auth__BootstrapAdminToken"] = WarmteServer.BootstrapAdminToken;
        info.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        info.Environment.Remove("DOTNET_ENVIRONMENT");
        if (HostEnvironment is not null) info.Environment["ASPNETCORE_ENVIRONMENT"] = HostEnvironment;
        _log ??= new StreamWriter(LogPath, append: true) { AutoFlush = true };
        _process = Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet");
        _process.OutputDataReceived += (_, e) => WriteLog(e.Data);
        _process.ErrorDataReceived += (_, e) => WriteLog(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Waits until GET /health answers; fails with the log's tail if the process exits or time runs out.</summary>
    public async Task WaitHealthyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (!Running)
            {
                _process!.WaitForExit(); // the parameterless overload also waits for the redirected output to reach the log
                throw new InvalidOperationException($"{Name} exited during start:\n{Tail()}");
            }
            try
            {
                if ((await http.GetAsync(BaseUrl + "/health")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{Name} not healthy after {timeout}:\n{Tail()}");
            await Task.Delay(250);
        }
    }

    /// <summary>A crash: the process is killed at once (SIGKILL), no shutdown, no goodbye to the cluster.</summary>
    public void Kill()
    {
        if (_process is null) return;
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    /// <summary>
    /// A normal shutdown (SIGTERM, as systemd or `docker stop` sends): waits until the process has
    /// exited and all of its console output is in the log file.
    /// </summary>
    public void Stop()
    {
        if (_process is null || _process.HasExited) return;
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()])) kill.WaitForExit();
        if (!_process.WaitForExit(30_000)) throw new TimeoutException($"{Name} did not stop within 30 s of SIGTERM:\n{Tail()}");
        _process.WaitForExit(); // the parameterless overload also waits for the redirected output to drain
    }

    public HttpClient Client(string? token = WarmteServer.BootstrapAdminToken)
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl + "/"), Timeout = TimeSpan.FromSeconds(15) };
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private void WriteLog(string? line)
    {
        if (line is null || _log is not { } log) return;
        lock (log)
        {
            try { log.WriteLine(line); }
            catch (ObjectDisposedException) { } // output still draining after the test ended
        }
    }

    public string Tail(int lines = 40)
    {
        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            var all = new StreamReader(stream).ReadToEnd().Split('\n');
            return string.Join('\n', all.TakeLast(lines));
        }
        catch (IOException) { return "(no log)"; }
    }

    public ValueTask DisposeAsync()
    {
        if (Running) Kill();
        _process?.Dispose();
        if (_log is { } log) lock (log) log.Dispose();
        return ValueTask.CompletedTask;
    }
}
