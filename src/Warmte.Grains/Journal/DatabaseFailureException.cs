namespace Warmte.Journal;

/// <summary>How the service answers a database failure (docs/api.md): the classification a silo makes of its driver's exception.</summary>
public enum DatabaseFailureKind
{
    /// <summary>The database refused for lack of space: 503 storage-full.</summary>
    Full,

    /// <summary>A broken connection, a database that went down, a time-out (the driver calls it transient): 503 unavailable.</summary>
    Unavailable,

    /// <summary>Anything else (a bug): 500 internal-error, logged as an error.</summary>
    Other,
}

/// <summary>
/// A database driver's exception (Npgsql's, SQLite's) as it crosses from the silo that met it to the silo that called:
/// Orleans cannot serialise the drivers' own types (CodecNotFoundException, answered 500), so the grain's silo sends this
/// instead, classified there with the rules a local call is answered by (docs/operations.md, "A full disk"; the full-disk
/// drill). The message names the driver's type and code and its first line, never SQL, parameters or a connection string.
/// </summary>
[GenerateSerializer, Alias("Warmte.DatabaseFailureException")]
public sealed class DatabaseFailureException : Exception
{
    public DatabaseFailureException(DatabaseFailureKind kind, string message) : base(message) => Kind = kind;

    /// <summary>For Orleans' serialiser.</summary>
    public DatabaseFailureException() { }

    [Id(0)] public DatabaseFailureKind Kind { get; init; }
}
