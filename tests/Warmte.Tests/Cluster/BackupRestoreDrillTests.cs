using System.Diagnostics;
using Warmte.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Warmte.Tests.Cluster;

/// <summary>
/// Runs scripts/restore-drill.sh, the operator's restore drill, on this build: for SQLite and for
/// PostgreSQL it writes, backs up while the silo runs, writes more, restores and checks that the
/// state of the backup is back (the later cooperative gone, the spending total as it was).
/// </summary>
public sealed class BackupRestoreDrillTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_restore_drill_brings_back_the_state_of_the_backup_on_sqlite_and_postgresql()
    {
        var work = Path.Combine(Path.GetTempPath(), "warmte-drill-" + Guid.NewGuid().ToString("N")[..8]);
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[]
                 {
                     RepoFiles.Path("scripts", "restore-drill.sh"), "--no-build", "--work", work,
                     "--pg-port", FreePort.Next().ToString(), "--http-port", FreePort.Next().ToString(),
                     "--silo-port", FreePort.Next().ToString(), "--gateway-port", FreePort.Next().ToString(),
                 })
            info.ArgumentList.Add(arg);
        info.Environment["WARMTE_SILO_DLL"] = SiloProcess.SiloDll;
        using var drill = Process.Start(info)!;
        var stdout = drill.StandardOutput.ReadToEndAsync();
        var stderr = drill.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(12));
        try
        {
            await drill.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            drill.Kill(entireProcessTree: true);
            throw;
        }
        var text = await stdout + await stderr;
        output.WriteLine(text);
        Assert.True(drill.ExitCode == 0, text);
        Assert.Contains("drill passed: sqlite", text);
        Assert.Contains("drill passed: postgres", text);
        try { Directory.Delete(work, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
