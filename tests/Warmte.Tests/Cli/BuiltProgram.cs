using System.Diagnostics;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Cli;

/// <summary>
/// The built programs (Warmte.Silo.dll and warmte.dll next to their projects, in the tests' configuration) run as
/// a user runs them: a separate process, its own stdout, stderr and exit code. A run that does not end within the
/// time limit is killed and fails the test (a silo that started a server instead of answering would hang here).
/// </summary>
public static class BuiltProgram
{
    public static string SiloDll => SiloProcess.SiloDll;

    public static string WarmteDll => Built("Warmte.Client", "warmte.dll");

    /// <summary>The folder of the built programs with their native launchers (Warmte.Silo, warmte), for PATH.</summary>
    public static string SiloFolder => Path.GetDirectoryName(SiloDll)!;

    public static string WarmteFolder => Path.GetDirectoryName(WarmteDll)!;

    public static Task<CliResult> Silo(params string[] args) => Run("dotnet", [SiloDll, .. args]);

    public static Task<CliResult> Warmte(params string[] args) =>
        Run("dotnet", [WarmteDll, .. args], new Dictionary<string, string?>
        {
            // Nothing from the developer's own set-up: no token or config file, and an address where nothing listens.
            ["WARMTE_URL"] = $"http://127.0.0.1:{FreePort.Next()}", ["WARMTE_TOKEN"] = null, ["WARMTE_CONFIG"] = "/nonexistent/warmte-config",
        });

    public static async Task<CliResult> Run(string file, IEnumerable<string> args, IDictionary<string, string?>? environment = null,
        TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) info.Environment.Remove(name);
            else info.Environment[name] = value;
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start " + file);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not end within the time limit (did it start a server?)\n"
                                       + await stdout + await stderr);
        }
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    private static string Built(string project, string file)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var path = RepoFiles.Path("src", project, "bin", configuration, "net10.0", file);
        return File.Exists(path) ? path : throw new InvalidOperationException($"{path} not found; build the solution first.");
    }
}
