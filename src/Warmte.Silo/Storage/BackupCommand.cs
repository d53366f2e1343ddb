using Microsoft.Data.Sqlite;
using Warmte.Silo.Hosting;

namespace Warmte.Silo.Storage;

/// <summary>
/// `Warmte.Silo.dll backup --to FILE [--data-dir DIR]`: a consistent copy of the embedded SQLite
/// database while the silo keeps running, made with SQLite's <c>VACUUM INTO</c> (a read
/// transaction, so the silo's writes wait at most briefly). No sqlite3 program is needed on the
/// machine. PostgreSQL is backed up with pg_dump instead: see scripts/backup.sh and docs/operations.md.
/// </summary>
public static class BackupCommand
{
    /// <summary>
    /// Copies &lt;DataDir&gt;/warmtenet.db to <paramref name="target"/>. <paramref name="configurationArgs"/> are the
    /// configuration arguments from the command line (--DataDir, --Storage:...), parsed by <see cref="SiloCommandLine"/>.
    /// </summary>
    public static async Task<int> RunAsync(string[] configurationArgs, string target, TextWriter stdout, TextWriter stderr)
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(configurationArgs)
            .Build();
        // A mistyped key (--Storage:Provder) would leave the verb on the wrong database without a word.
        Hosting.StartupSettings.CheckKnownKeys(configuration);
        var storage = StorageSettings.From(configuration, createDataDir: false);
        if (storage.Provider != StorageProvider.Sqlite)
            return Fail(stderr, "backup maakt kopieën van de SQLite-opslag; voor PostgreSQL: scripts/backup.sh postgres (pg_dump).");
        var source = Path.Combine(storage.DataDir, "warmtenet.db");
        if (!File.Exists(source)) return Fail(stderr, $"{source} bestaat niet; geef de map van de dienst met --data-dir.");
        target = Path.GetFullPath(target);
        if (File.Exists(target)) return Fail(stderr, $"{target} bestaat al; kies een nieuwe bestandsnaam.");

        // The copy holds members' data: created 0600 before SQLite writes into it (VACUUM INTO accepts an empty file).
        try { DataPermissions.CreatePrivateFile(target); }
        catch (IOException) when (File.Exists(target)) { return Fail(stderr, $"{target} bestaat al; kies een nieuwe bestandsnaam."); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail(stderr, $"{target} kan niet worden aangemaakt: {e.Message}");
        }
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = source, Mode = SqliteOpenMode.ReadWrite, DefaultTimeout = 60,
        }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "VACUUM INTO @target";
        command.Parameters.AddWithValue("@target", target);
        try { await command.ExecuteNonQueryAsync(); }
        catch (Exception e)
        {
            RemovePartial(target); // no empty or half copy left to be mistaken for a backup, nor SQLite's journal beside it
            if (TargetFull(e))
                return Fail(stderr, $"Warmte.Silo backup is mislukt: de schijf van het doel is vol (of neemt geen groter bestand aan); er is geen kopie gemaakt en {target} is weer weg. "
                                    + $"Maak ruimte op die schijf of kies een doel op een andere schijf (de database is {SizeOf(source)} bytes; de kopie wordt niet groter).");
            throw;
        }
        stdout.WriteLine($"Kopie van {source} gemaakt: {target} ({new FileInfo(target).Length.ToString("N0", System.Globalization.CultureInfo.GetCultureInfo("nl-NL"))} bytes).");
        return SiloCommandLine.Ok;
    }

    /// <summary>
    /// The copy could not be written for lack of room: SQLITE_FULL (a full disk: the kernel's ENOSPC), or a write of the
    /// copy refused (SQLITE_IOERR_WRITE, 778: e.g. a file larger than the file system or the process's limit takes).
    /// VACUUM INTO only reads the source, so a refused write is a write of the copy.
    /// </summary>
    private static bool TargetFull(Exception e) =>
        StorageSpace.IsFull(e) || e is SqliteException { SqliteExtendedErrorCode: SqliteIoErrWrite };

    private const int SqliteIoErrWrite = 778;

    /// <summary>The unfinished copy and the files SQLite made beside it while writing it (tester8 T9: b.db-journal stayed).</summary>
    private static void RemovePartial(string target)
    {
        foreach (var file in new[] { target, target + "-journal", target + "-wal", target + "-shm" })
        {
            try { File.Delete(file); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* what cannot be removed, the error below still reports */ }
        }
    }

    private static string SizeOf(string file) =>
        new FileInfo(file).Length.ToString("N0", System.Globalization.CultureInfo.GetCultureInfo("nl-NL"));

    private static int Fail(TextWriter stderr, string message)
    {
        stderr.WriteLine(message);
        return SiloCommandLine.Failed;
    }
}
