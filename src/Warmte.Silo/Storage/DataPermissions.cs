namespace Warmte.Silo.Storage;

/// <summary>
/// The data directory and the SQLite files in it hold members' names, addresses and ballots: readable
/// by the service's user only (directory 0700, files 0600), whatever the umask. Looser permissions
/// found at start are tightened, and the caller logs what was changed.
/// </summary>
public static class DataPermissions
{
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>The database and the files SQLite keeps next to it.</summary>
    public static readonly string[] DatabaseFiles = ["warmtenet.db", "warmtenet.db-wal", "warmtenet.db-shm", "warmtenet.db-journal"];

    /// <summary>Creates the data directory, 0700 when new; an existing one is left to <see cref="Secure"/>.</summary>
    public static void CreateDirectory(string dataDir)
    {
        if (OperatingSystem.IsWindows() || Directory.Exists(dataDir)) Directory.CreateDirectory(dataDir);
        else Directory.CreateDirectory(dataDir, DirectoryMode);
    }

    /// <summary>
    /// At the service's start: creates the data directory (0700) and an empty database file (0600) if missing; SQLite gives its
    /// -wal and -shm files the database file's permissions. Returns one line per tightened path.
    /// </summary>
    public static IReadOnlyList<string> Secure(string dataDir)
    {
        var changes = new List<string>();
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(dataDir);
            return changes;
        }
        CreateDirectory(dataDir);
        Tighten(dataDir, DirectoryMode, changes);
        var database = Path.Combine(dataDir, DatabaseFiles[0]);
        if (!File.Exists(database))
        {
            // An empty file is a valid empty SQLite database; creating it here fixes its mode before SQLite opens it.
            try { using var _ = new FileStream(database, new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = FileMode }); }
            catch (IOException) when (File.Exists(database)) { } // another process (a token command) made it just now
        }
        foreach (var name in DatabaseFiles)
        {
            var path = Path.Combine(dataDir, name);
            if (File.Exists(path)) Tighten(path, FileMode, changes);
        }
        return changes;
    }

    /// <summary>Creates an empty file readable by its owner only; fails if it exists (never overwrites).</summary>
    public static void CreatePrivateFile(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            using var _ = new FileStream(path, System.IO.FileMode.CreateNew, FileAccess.Write);
            return;
        }
        using var created = new FileStream(path, new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = FileMode });
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void Tighten(string path, UnixFileMode wanted, List<string> changes)
    {
        var mode = File.GetUnixFileMode(path);
        if ((mode & ~wanted) == 0) return;
        try
        {
            File.SetUnixFileMode(path, mode & wanted);
            changes.Add($"{path}: {Octal(mode)} -> {Octal(mode & wanted)} (aangescherpt)");
        }
        catch (UnauthorizedAccessException)
        {
            changes.Add($"{path}: {Octal(mode)}, niet aangescherpt (de dienst is niet de eigenaar); zet het op {Octal(wanted)}");
        }
    }

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0');
}
