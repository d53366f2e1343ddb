using System.Diagnostics;

namespace Warmte.Tests.Infrastructure;

/// <summary>What one run of the built CLI as its own OS process produced.</summary>
public sealed record CliProcessResult(int ExitCode, string Out, string Err)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Out}\n--- stderr ---\n{Err}";
}

/// <summary>
/// The built CLI (src/Warmte.Client/bin/&lt;configuration&gt;/net10.0/warmte.dll) run as a separate process:
/// for what differs between processes (hash seeds, core counts), which an in-process run cannot show.
/// </summary>
public static class CliProcess
{
    /// <summary>The CLI built in the same configuration (Debug or Release) as this test assembly.</summary>
    public static string CliDll
    {
        get
        {
            var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
            var dll = RepoFiles.Path("src", "Warmte.Client", "bin", configuration, "net10.0", "warmte.dll");
            return File.Exists(dll) ? dll : throw new InvalidOperationException($"{dll} not found; build the solution first.");
        }
    }

    public static Task<CliProcessResult> RunAsync(IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        RunInAsync(RepoFiles.Root, environment, args);

    /// <summary>As <see cref="RunAsync"/>, in <paramref name="workingDirectory"/> (for files the CLI writes there).</summary>
    public static async Task<CliProcessResult> RunInAsync(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory,
        };
        info.ArgumentList.Add(CliDll);
        foreach (var a in args) info.ArgumentList.Add(a);
        // No service settings from the machine running the tests: the commands used here are offline.
        info.Environment.Remove("WARMTE_URL");
        info.Environment.Remove("WARMTE_TOKEN");
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return new CliProcessResult(process.ExitCode, await stdout, await stderr);
    }
}
