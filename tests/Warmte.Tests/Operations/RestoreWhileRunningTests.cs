using System.Diagnostics;
using System.Net;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Operations;

/// <summary>
/// Tester T3 (lost data): scripts/restore.sh ran while the silo was up, moved the database aside and exited 0; the
/// silo kept writing to the moved file and confirmed bookings that were gone after a restart. Now the restore
/// refuses while a silo uses the data (SQLite: the silo's lock on warmte.lock; PostgreSQL: a live row in the
/// membership table), changes nothing, and works once the silo is stopped. Tester T8: scripts/backup.sh found only a
/// Release build, which the README's <c>dotnet run</c> does not make.
/// </summary>
public sealed class RestoreWhileRunningTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    private static async Task<(int Code, string Out, string Err)> Script(string script, IReadOnlyDictionary<string, string?>? env, params string[] args)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(script);
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment.Remove("Auth__BootstrapAdminToken");
        info.Environment["WARMTE_SILO_DLL"] = SiloProcess.SiloDll;
        foreach (var (key, value) in env ?? new Dictionary<string, string?>())
            if (value is null) info.Environment.Remove(key); else info.Environment[key] = value;
        using var run = Process.Start(info)!;
        var stdout = run.StandardOutput.ReadToEndAsync();
        var stderr = run.StandardError.ReadToEndAsync();
        await run.WaitForExitAsync();
        return (run.ExitCode, await stdout, await stderr);
    }

    private static object Cooperative(string id) => new { id, statutoryName = $"Coöperatie {id} U.A.", kind = "HeatNetwork", municipality = "Amsterdam" };

    [Fact]
    public async Task T3_a_sqlite_restore_is_refused_while_the_silo_runs_and_works_after_it_stopped()
    {
        var dir = WarmteServer.NewDataDir();
        var backup = Path.Combine(Path.GetTempPath(), "warmte-t3-" + Guid.NewGuid().ToString("N")[..8] + ".db");
        await using var silo = SiloProcess.OnSqliteIn("t3", dir);
        silo.Start();
        await silo.WaitHealthyAsync(StartTimeout);
        var client = silo.Client();
        Assert.Equal(HttpStatusCode.Created, (await client.Post("api/cooperatives", Cooperative("voor-backup"))).Status);
        var made = await Script(RepoFiles.Path("scripts", "backup.sh"), null, "sqlite", "--data-dir", dir, "--to", backup);
        Assert.True(made.Code == 0, made.Err);
        Assert.Equal(HttpStatusCode.Created, (await client.Post("api/cooperatives", Cooperative("na-backup"))).Status);

        var refused = await Script(RepoFiles.Path("scripts", "restore.sh"), null, "sqlite", "--data-dir", dir, "--from", backup);
        Assert.Equal(1, refused.Code);
        Assert.Contains($"restore.sh: {Path.GetFullPath(dir)} is in use by a running Warmte.Silo (it holds warmte.lock there); nothing was restored. Stop that silo first", refused.Err);
        Assert.Empty(Directory.GetDirectories(dir, "before-restore-*"));
        // The silo still serves the live database, and what it confirms now is kept.
        Assert.Equal(HttpStatusCode.Created, (await client.Post("api/cooperatives", Cooperative("na-weigering"))).Status);
        silo.Stop();

        await using (var again = SiloProcess.OnSqliteIn("t3-again", dir))
        {
            again.Start();
            await again.WaitHealthyAsync(StartTimeout);
            var list = await again.Client().Get("api/cooperatives");
            Assert.Contains("na-weigering", list.Raw);
            Assert.Contains("na-backup", list.Raw);
            again.Stop();
        }

        var restored = await Script(RepoFiles.Path("scripts", "restore.sh"), null, "sqlite", "--data-dir", dir, "--from", backup);
        Assert.True(restored.Code == 0, restored.Err);
        Assert.Single(Directory.GetDirectories(dir, "before-restore-*"));
        await using var after = SiloProcess.OnSqliteIn("t3-after", dir);
        after.Start();
        await after.WaitHealthyAsync(StartTimeout);
        var cooperatives = await after.Client().Get("api/cooperatives");
        Assert.Contains("voor-backup", cooperatives.Raw);
        Assert.DoesNotContain("na-backup", cooperatives.Raw);
        File.Delete(backup);
    }

    [Fact]
    public async Task T3_a_postgresql_restore_is_refused_while_a_silo_is_active_in_the_membership_and_works_after_it_stopped()
    {
        var pg = await PostgresServer.GetAsync();
        var connection = await pg.CreateDatabaseAsync();
        var database = connection.Split(';').Single(p => p.StartsWith("Database=", StringComparison.Ordinal))["Database=".Length..];
        var conninfo = $"host=127.0.0.1 port={pg.Port} user=postgres dbname={database}";
        var dump = Path.Combine(Path.GetTempPath(), "warmte-t3-" + Guid.NewGuid().ToString("N")[..8] + ".dump");
        var server = await WarmteServer.StartAsync(postgres: connection);
        try
        {
            Assert.Equal(HttpStatusCode.Created, (await server.Client().Post("api/cooperatives", Cooperative("voor-dump"))).Status);
            var made = await Script(RepoFiles.Path("scripts", "backup.sh"), null, "postgres", "--pg", conninfo, "--to", dump);
            Assert.True(made.Code == 0, made.Err);
            Assert.Equal(HttpStatusCode.Created, (await server.Client().Post("api/cooperatives", Cooperative("na-dump"))).Status);

            var refused = await Script(RepoFiles.Path("scripts", "restore.sh"), null, "postgres", "--pg", conninfo, "--from", dump);
            Assert.Equal(1, refused.Code);
            Assert.Contains($"restore.sh: silos are running on '{conninfo}': 127.0.0.1:", refused.Err);
            Assert.Contains("nothing was restored. Stop all silos first", refused.Err);
            Assert.Contains("na-dump", (await server.Client().Get("api/cooperatives")).Raw);
        }
        finally
        {
            await server.DisposeAsync();
        }

        var restored = await Script(RepoFiles.Path("scripts", "restore.sh"), null, "postgres", "--pg", conninfo, "--from", dump);
        Assert.True(restored.Code == 0, restored.Err);
        await using var after = await WarmteServer.StartAsync(postgres: connection);
        var cooperatives = await after.Client().Get("api/cooperatives");
        Assert.Contains("voor-dump", cooperatives.Raw);
        Assert.DoesNotContain("na-dump", cooperatives.Raw);
        File.Delete(dump);
    }

    /// <summary>
    /// T8: a checkout with only the Debug build (what <c>dotnet run</c> makes) and no WARMTE_SILO_DLL: backup.sh uses it.
    /// With a Release build too, the newer of the two is used (here the Release "build" is an old empty file).
    /// </summary>
    [Fact]
    public async Task T8_backup_uses_the_debug_build_when_there_is_no_newer_release_build()
    {
        var repo = Path.Combine(Path.GetTempPath(), "warmte-t8-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(repo, "scripts"));
        File.Copy(RepoFiles.Path("scripts", "backup.sh"), Path.Combine(repo, "scripts", "backup.sh"));
        var bin = Path.Combine(repo, "src", "Warmte.Silo", "bin");
        Directory.CreateDirectory(Path.Combine(bin, "Debug"));
        Directory.CreateSymbolicLink(Path.Combine(bin, "Debug", "net10.0"), Path.GetDirectoryName(SiloProcess.SiloDll)!);

        // A database to back up: the token verb creates it when asked to (no host, no port).
        var dir = WarmteServer.NewDataDir();
        var token = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { SiloProcess.SiloDll, "--data-dir", dir, "token", "create", "--new-database", "--role", "admin", "--name", "T8" }) token.ArgumentList.Add(a);
        using (var made = Process.Start(token)!)
        {
            var output = await made.StandardOutput.ReadToEndAsync() + await made.StandardError.ReadToEndAsync();
            await made.WaitForExitAsync();
            Assert.True(made.ExitCode == 0, output);
        }

        var noDll = new Dictionary<string, string?> { ["WARMTE_SILO_DLL"] = null };
        var first = Path.Combine(repo, "first.db");
        var onlyDebug = await Script(Path.Combine(repo, "scripts", "backup.sh"), noDll, "sqlite", "--data-dir", dir, "--to", first);
        Assert.True(onlyDebug.Code == 0, onlyDebug.Out + onlyDebug.Err);
        Assert.Equal("SQLite format 3", File.ReadAllText(first)[..15]);

        var release = Path.Combine(bin, "Release", "net10.0", "Warmte.Silo.dll");
        Directory.CreateDirectory(Path.GetDirectoryName(release)!);
        File.WriteAllText(release, "");
        File.SetLastWriteTimeUtc(release, new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var second = Path.Combine(repo, "second.db");
        var newerDebug = await Script(Path.Combine(repo, "scripts", "backup.sh"), noDll, "sqlite", "--data-dir", dir, "--to", second);
        Assert.True(newerDebug.Code == 0, newerDebug.Out + newerDebug.Err);
        Assert.True(File.Exists(second));

        // WARMTE_SILO_DLL still wins, and a wrong one is named.
        var wrong = await Script(Path.Combine(repo, "scripts", "backup.sh"), new Dictionary<string, string?> { ["WARMTE_SILO_DLL"] = "/nonexistent/Warmte.Silo.dll" },
            "sqlite", "--data-dir", dir, "--to", Path.Combine(repo, "third.db"));
        Assert.Equal(1, wrong.Code);
        Assert.Contains("WARMTE_SILO_DLL=/nonexistent/Warmte.Silo.dll does not exist", wrong.Err);
        Directory.Delete(repo, recursive: true);
    }
}
