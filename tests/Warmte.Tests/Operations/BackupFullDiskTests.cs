using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Operations;

/// <summary>
/// `Warmte.Silo backup --to` onto a disk without room (tester8 T9): a Dutch message, exit 1, and no copy or journal
/// left behind. The real program in a process of its own whose files may not grow past 64 kB (the shell's
/// `ulimit -f`, SIGXFSZ ignored): the kernel refuses the copy's writes past that size, as a full disk refuses them,
/// without mounting a small file system. (SQLite calls this SQLITE_IOERR_WRITE; a full disk's ENOSPC is SQLITE_FULL:
/// both get the same answer, checked by hand on a 100 kB tmpfs.)
/// </summary>
public sealed class BackupFullDiskTests
{
    [Fact]
    public async Task A_backup_onto_a_full_disk_says_so_in_Dutch_and_leaves_no_file_behind()
    {
        var dataDir = Directory.CreateTempSubdirectory("warmte-backup-full-");
        try
        {
            // A database of about 800 kB, far more than the 64 kB the copy may grow to.
            await using (var db = new SqliteConnection($"Data Source={Path.Combine(dataDir.FullName, "warmtenet.db")};Pooling=False"))
            {
                await db.OpenAsync();
                await using var cmd = db.CreateCommand();
                cmd.CommandText = "CREATE TABLE filler (n INTEGER PRIMARY KEY, data BLOB); "
                                  + "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 200) "
                                  + "INSERT INTO filler SELECT n, randomblob(4000) FROM c;";
                await cmd.ExecuteNonQueryAsync();
            }
            var copies = Directory.CreateDirectory(Path.Combine(dataDir.FullName, "copies"));
            var target = Path.Combine(copies.FullName, "b.db");

            var (exit, stdout, stderr) = await RunSilo(64, "backup", "--data-dir", dataDir.FullName, "--to", target);

            Assert.True(exit == 1, $"exit {exit}\nstdout: {stdout}\nstderr: {stderr}");
            Assert.StartsWith("Warmte.Silo backup is mislukt: de schijf van het doel is vol", stderr);
            Assert.Contains("er is geen kopie gemaakt", stderr);
            Assert.DoesNotContain("SQLite Error", stderr);
            Assert.DoesNotContain("disk I/O error", stderr);
            // Nothing left beside the target: no half copy, no b.db-journal.
            Assert.Empty(copies.GetFileSystemInfos());

            // With room the same command makes the copy (the limit, not the command, was the problem).
            var (again, _, err) = await RunSilo(null, "backup", "--data-dir", dataDir.FullName, "--to", target);
            Assert.True(again == 0, err);
            await using var copy = new SqliteConnection($"Data Source={target};Mode=ReadOnly;Pooling=False");
            await copy.OpenAsync();
            await using var count = copy.CreateCommand();
            count.CommandText = "SELECT count(*) FROM filler";
            Assert.Equal(200L, await count.ExecuteScalarAsync());
        }
        finally
        {
            dataDir.Delete(recursive: true);
        }
    }

    /// <summary>Runs the built silo with <paramref name="args"/> under bash, its files limited to <paramref name="kilobytes"/> (null: no limit).</summary>
    private static async Task<(int Exit, string Stdout, string Stderr)> RunSilo(int? kilobytes, params string[] args)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        // SIGXFSZ ignored, so a write past the limit is refused ("file too large") instead of killing the process. The
        // runtime's W^X double mapping writes its code into a memory file, which the limit would refuse too: off.
        info.ArgumentList.Add(kilobytes is { } kb ? $"trap '' XFSZ; ulimit -f {kb}; exec dotnet \"$@\"" : "exec dotnet \"$@\"");
        info.Environment["DOTNET_EnableWriteXorExecute"] = "0";
        info.ArgumentList.Add("bash");
        info.ArgumentList.Add(SiloProcess.SiloDll);
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
