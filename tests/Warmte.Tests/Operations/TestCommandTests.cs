using System.Diagnostics;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Operations;

/// <summary>
/// The README's test command (scripts/test.sh) on a machine that lacks what the tests need: it names each
/// missing package and the line that installs it, and runs no test. The machine is simulated by a PATH
/// that holds only the few programs the script itself uses (no ssconvert, no curl, no initdb on it).
/// </summary>
public sealed class TestCommandTests : IDisposable
{
    private readonly string _bin = Path.Combine(Path.GetTempPath(), "warmte-bare-path-" + Guid.NewGuid().ToString("N")[..8]);

    public TestCommandTests()
    {
        Directory.CreateDirectory(_bin);
        foreach (var tool in new[] { "bash", "dirname", "id", "ls", "sed", "dotnet" })
        {
            var target = Which(tool) ?? throw new InvalidOperationException($"{tool} not found on PATH");
            File.CreateSymbolicLink(Path.Combine(_bin, tool), target);
        }
    }

    [Fact]
    public async Task Check_names_each_missing_package_with_the_install_line_and_runs_nothing()
    {
        var (code, stdout, stderr) = await RunScript("--check");

        Assert.Equal(1, code);
        Assert.Contains("gnumeric: ssconvert", stderr);
        Assert.Contains("curl: ", stderr);
        var install = InstallLine(stderr, "sudo apt-get update && sudo apt-get install -y --no-install-recommends ");
        Assert.Contains("gnumeric", install);
        Assert.Contains("curl", install);
        Assert.DoesNotContain("Test run", stdout);
        Assert.DoesNotContain("passed", stdout);
    }

    [Fact]
    public async Task Without_root_it_installs_nothing_and_says_how_to()
    {
        // As root (CI), run the script as the unprivileged user 'nobody'; otherwise the test already is not root.
        var asNobody = Environment.UserName == "root" ? Which("setpriv") : null;
        var (code, stdout, stderr) = asNobody is null
            ? await RunScript()
            : await Run(asNobody, ["--reuid=65534", "--regid=65534", "--clear-groups", "bash", RepoFiles.Path("scripts", "test.sh")]);

        Assert.Equal(1, code);
        Assert.Contains("Install them as root", stderr);
        var install = InstallLine(stderr, "sudo apt-get update && sudo apt-get install -y --no-install-recommends ");
        Assert.Contains("gnumeric", install);
        Assert.Contains("curl", install);
        Assert.DoesNotContain("Installing:", stderr);
        Assert.DoesNotContain("Test run", stdout);
    }

    [Fact]
    public async Task An_unknown_argument_is_refused_before_anything_happens()
    {
        var (code, _, stderr) = await RunScript("--fast");
        Assert.Equal(2, code);
        Assert.Contains("unknown argument '--fast'", stderr);
        Assert.DoesNotContain("missing", stderr);
    }

    /// <summary>The packages named on the install line (other packages may be missing on a developer's machine too).</summary>
    private static string[] InstallLine(string stderr, string prefix)
    {
        var line = stderr.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        Assert.True(line is not null, $"No line '{prefix}…' in:\n{stderr}");
        return line[prefix.Length..].Split(' ');
    }

    private Task<(int, string, string)> RunScript(params string[] args) =>
        Run(Path.Combine(_bin, "bash"), [RepoFiles.Path("scripts", "test.sh"), .. args]);

    private async Task<(int Code, string Stdout, string Stderr)> Run(string program, string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["PATH"] = _bin;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(TimeSpan.FromSeconds(60).ToCancellationToken());
        return (process.ExitCode, await stdout, await stderr);
    }

    private static string? Which(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, tool)).FirstOrDefault(File.Exists);

    public void Dispose() => Directory.Delete(_bin, recursive: true);
}
