namespace Warmte.Journal;

/// <summary>
/// The database refused a write because its disk (or its size limit) is full: SQLite's SQLITE_FULL, PostgreSQL's
/// disk_full (SQLSTATE 53100). Nothing of the write was stored. A type of its own that Orleans serialises, so the
/// API still recognises it after a grain call, whichever driver raised it (docs/operations.md, "A full disk").
/// </summary>
[GenerateSerializer, Alias("Warmte.StorageFullException")]
public sealed class StorageFullException : Exception
{
    public StorageFullException(string message) : base(message) { }
}
