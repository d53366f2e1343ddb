namespace Warmte.Silo.Storage;

/// <summary>
/// One serving silo per embedded data folder. Without a cluster's membership table, a second
/// <c>Warmte.Silo</c> started on the same folder (another port, a second terminal, a service manager
/// restarting too early) would be a second one-silo cluster over the same SQLite file, each holding
/// the same grains active. The lock file is held open with an exclusive lock for the process's life;
/// the operating system drops it when the process ends, also after kill -9. Taken before the database
/// is touched. The token and backup commands do not take it: they run beside a serving silo.
/// </summary>
public sealed class DataDirLock : IDisposable
{
    public const string FileName = "warmte.lock";

    private readonly FileStream _file;

    private DataDirLock(FileStream file) => _file = file;

    public static DataDirLock Acquire(string dataDir)
    {
        DataPermissions.CreateDirectory(dataDir);
        var path = Path.Combine(dataDir, FileName);
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = DataPermissions.FileMode;
        try
        {
            return new DataDirLock(new FileStream(path, options));
        }
        catch (IOException e) when (HeldByAnother(e))
        {
            throw new ConfigurationException(
                $"de gegevensmap {Path.GetFullPath(dataDir)} is al in gebruik door een andere Warmte.Silo (het slot {FileName} is bezet). "
                + "Stop die dienst eerst, of geef deze een eigen --data-dir.");
        }
        catch (IOException e)
        {
            // Not another silo (a read-only disk, a link loop, ...): say what the system said, not "in use".
            throw new ConfigurationException($"het slot {path} kan niet worden geopend: {e.Message}");
        }
    }

    // The lock is held elsewhere: .NET raises EWOULDBLOCK from flock as an IOException whose HResult is the
    // raw errno on Unix (11 on Linux, 35 on macOS), ERROR_SHARING_VIOLATION (32) on Windows.
    private static bool HeldByAnother(IOException e) =>
        OperatingSystem.IsWindows() ? (e.HResult & 0xFFFF) == 32 : e.HResult == (OperatingSystem.IsMacOS() ? 35 : 11);

    public void Dispose() => _file.Dispose();
}
