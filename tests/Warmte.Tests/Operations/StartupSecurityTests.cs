using System.Diagnostics;
using System.Net;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Operations;

/// <summary>What a real silo process does with its secrets and files at start (docs/operations.md, "Security at start").</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // file modes; the suite runs on Linux
public sealed class StartupSecurityTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_revoked_preset_admin_token_stays_revoked_and_the_next_start_succeeds_with_a_warning()
    {
        await using var silo = SiloProcess.OnSqlite("revoked preset");
        silo.Start();
        await silo.WaitHealthyAsync(StartTimeout);
        var admin = silo.Client();
        var tokens = await admin.Get("api/tokens");
        Assert.Equal(HttpStatusCode.OK, tokens.Status);
        var presetId = tokens.Body.EnumerateArray().Single().GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Delete($"api/tokens/{presetId}")).Status);
        silo.Stop();

        silo.Start();
        await silo.WaitHealthyAsync(StartTimeout);
        // The revocation holds across the restart: the preset token was not inserted again.
        Assert.Equal(HttpStatusCode.Unauthorized, (await silo.Client().Get("api/status")).Status);
        silo.Stop();
        Assert.Contains("is revoked and stays revoked; remove it from the configuration", File.ReadAllText(silo.LogPath));
    }

    [Fact]
    public async Task The_data_directory_database_and_backups_are_for_the_services_user_only_and_looser_modes_are_tightened_at_start()
    {
        await using var silo = SiloProcess.OnSqlite("file modes");
        var dataDir = Path.GetDirectoryName(silo.LogPath)!;
        // The test made the directory with the usual umask (0755): the start tightens it.
        File.SetUnixFileMode(dataDir, (UnixFileMode)Convert.ToInt32("755", 8));
        silo.Start();
        await silo.WaitHealthyAsync(StartTimeout);
        // A write so that SQLite has its -wal and -shm files open.
        Assert.Equal(HttpStatusCode.Created, (await silo.Client().Post("api/cooperatives", new
        {
            id = "modes", statutoryName = "Coöperatie Modes U.A.", kind = "HeatNetwork", municipality = "Amsterdam",
        })).Status);

        Assert.Equal("700", Mode(dataDir));
        foreach (var name in new[] { "warmtenet.db", "warmtenet.db-wal", "warmtenet.db-shm" })
        {
            var path = Path.Combine(dataDir, name);
            Assert.True(File.Exists(path), $"{name} is missing");
            Assert.Equal("600", Mode(path));
        }

        var backup = Path.Combine(Path.GetTempPath(), "warmte-backup-" + Guid.NewGuid().ToString("N")[..8] + ".db");
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { RepoFiles.Path("scripts", "backup.sh"), "sqlite", "--to", backup, "--data-dir", dataDir }) info.ArgumentList.Add(arg);
        info.Environment["WARMTE_SILO_DLL"] = SiloProcess.SiloDll;
        info.Environment.Remove("Auth__BootstrapAdminToken");
        using (var run = Process.Start(info)!)
        {
            var output = await run.StandardOutput.ReadToEndAsync() + await run.StandardError.ReadToEndAsync();
            await run.WaitForExitAsync();
            Assert.True(run.ExitCode == 0, output);
        }
        Assert.Equal("600", Mode(backup));
        Assert.True(new FileInfo(backup).Length > 0);
        File.Delete(backup);

        silo.Stop();
        Assert.Contains("Rechten van een databestand waren ruimer dan alleen de eigenaar: " + dataDir + ": 0755 -> 0700 (aangescherpt)", File.ReadAllText(silo.LogPath));
    }

    private static string Mode(string path) => Convert.ToString((int)File.GetUnixFileMode(path), 8);

    [Fact]
    public async Task The_first_admin_token_goes_to_a_new_0600_file_only_when_asked_and_an_existing_file_is_never_overwritten()
    {
        var dir = Path.Combine(Path.GetTempPath(), "warmte-tokenfile-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        var tokenFile = Path.Combine(dir, "admin-token");
        await using var silo = SiloProcess.OnSqlite("token file", "--Auth:BootstrapTokenFile", tokenFile);
        silo.PresetAdminToken = false;
        silo.Start();
        await silo.WaitHealthyAsync(StartTimeout);
        Assert.Equal("600", Mode(tokenFile));
        var token = File.ReadAllText(tokenFile).Trim();
        Assert.StartsWith("wt_", token);
        Assert.Equal(HttpStatusCode.OK, (await silo.Client(token).Get("api/status")).Status);
        silo.Stop();
        // A restart with the setting still there: an admin exists, so the file is neither needed nor touched.
        silo.Start();
        await silo.WaitHealthyAsync(StartTimeout);
        silo.Stop();
        Assert.Equal(token, File.ReadAllText(tokenFile).Trim());
        var log = File.ReadAllText(silo.LogPath);
        Assert.Contains($"eerste beheerderstoken geschreven naar {tokenFile}", log);
        Assert.DoesNotContain(token, log);
        Assert.DoesNotContain("wt_", log);

        // A new service pointed at a file that exists already refuses to start rather than overwrite it.
        await using var other = SiloProcess.OnSqlite("token file exists", "--Auth:BootstrapTokenFile", tokenFile);
        other.PresetAdminToken = false;
        other.Start();
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => other.WaitHealthyAsync(StartTimeout));
        Assert.Contains("bestaat al en wordt nooit overschreven", refused.Message);
        Assert.Equal(token, File.ReadAllText(tokenFile).Trim());
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task A_backup_into_a_missing_folder_says_so_and_one_onto_an_existing_file_is_refused()
    {
        var dataDir = Directory.CreateTempSubdirectory("warmte-backup-target-");
        File.WriteAllBytes(Path.Combine(dataDir.FullName, "warmtenet.db"), []); // an empty file is an empty SQLite database
        var missing = Path.Combine(dataDir.FullName, "nope", "copy.db");
        var err = new StringWriter();
        Assert.Equal(1, await Warmte.Silo.Storage.BackupCommand.RunAsync(["--DataDir", dataDir.FullName], missing, new StringWriter(), err));
        Assert.Contains("kan niet worden aangemaakt", err.ToString());

        var existing = Path.Combine(dataDir.FullName, "existing.db");
        File.WriteAllText(existing, "mine");
        err = new StringWriter();
        Assert.Equal(1, await Warmte.Silo.Storage.BackupCommand.RunAsync(["--DataDir", dataDir.FullName], existing, new StringWriter(), err));
        Assert.Contains("bestaat al", err.ToString());
        Assert.Equal("mine", File.ReadAllText(existing));

        // A backup that is made reports its size as a Dutch reader writes numbers (a page is 4.096 bytes).
        var made = Path.Combine(dataDir.FullName, "copy.db");
        var output = new StringWriter();
        Assert.Equal(0, await Warmte.Silo.Storage.BackupCommand.RunAsync(["--DataDir", dataDir.FullName], made, output, new StringWriter()));
        var size = new FileInfo(made).Length;
        Assert.True(size >= 1000, $"a backup of {size} bytes");
        Assert.Contains($"({size.ToString("#,##0", System.Globalization.CultureInfo.GetCultureInfo("nl-NL"))} bytes)", output.ToString());
        Assert.Matches(@"\(\d{1,3}(\.\d{3})+ bytes\)", output.ToString());
        dataDir.Delete(recursive: true);
    }
}
