using System.Data.Common;

namespace Warmte.Silo.Storage;

/// <summary>
/// Tests only: a full disk without a full disk. While <see cref="MaxPages"/> is set, every connection the service
/// opens to its SQLite file sets <c>PRAGMA max_page_count</c> to it, so the file cannot grow past that many pages and
/// SQLite refuses writes with SQLITE_FULL exactly as on a full disk (a value below the file's size means "no
/// growth"). Exists only in the host environment <c>Testing</c> (<see cref="Hosting.TestClockOffset.Environment"/>);
/// there is no setting for it: a test takes it from <see cref="StorageSettings.TestPageLimit"/> of the running
/// service. Connections Orleans opens for its own tables (membership, reminders, the registry) are not limited.
/// </summary>
public sealed class SqliteTestPageLimit
{
    // SQLite's own default maximum: what "no limit" sets on a pooled connection that had a limit before.
    private const long Unlimited = 1_073_741_823;

    private long _maxPages = -1; // -1: never set, nothing to do

    /// <summary>The page limit, or null for none (after a limit: SQLite's default).</summary>
    public long? MaxPages
    {
        get => Interlocked.Read(ref _maxPages) is var v && v > 0 ? v : null;
        set => Interlocked.Exchange(ref _maxPages, value is > 0 ? value.Value : 0);
    }

    internal async Task ApplyAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var limit = Interlocked.Read(ref _maxPages);
        if (limit < 0) return;
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = $"PRAGMA max_page_count = {(limit == 0 ? Unlimited : limit)}";
        await pragma.ExecuteScalarAsync(cancellationToken);
    }
}
