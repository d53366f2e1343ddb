using Microsoft.Data.Sqlite;
using NodaTime;
using Npgsql;
using Warmte.Journal;

namespace Warmte.Silo.Storage;

/// <summary>
/// Whether the database is full (docs/operations.md, "A full disk"). An episode starts at the first write the
/// database refuses for lack of space and ends at the first write it takes again: one warning when it starts, one
/// when it ends, however many writes were refused in between (tester8 T3: a flood of 28,470 error entries). Writes
/// are never held back on the way in: each one tries, so a write that fits ends the episode, once
/// <see cref="Settle"/> has passed since the last refusal (on a nearly full disk a small write still fits while the
/// next larger one does not: without it every such pair would be an episode of its own, two lines each).
/// </summary>
public sealed class StorageSpace(IClock clock, ILogger<StorageSpace> logger)
{
    /// <summary>The problem code of a write refused because the storage is full (503).</summary>
    public const string ProblemCode = "storage-full";

    /// <summary>
    /// The problem code of a write of several commits refused by a full storage after an earlier commit landed (503): the
    /// detail says what is stored, and that the same request again completes it (Journal.PartiallyStoredException).
    /// </summary>
    public const string PartialProblemCode = "storage-full-partial";

    /// <summary>Retry-After of a storage-full answer, in seconds: freeing space takes a person, not a moment.</summary>
    public const int RetryAfterSeconds = 60;

    /// <summary>
    /// How long after the last refused write /health/ready keeps answering 503. A load balancer that takes the silo
    /// out sends no more writes, so without a limit nothing would ever find out that space was freed; after this
    /// quiet time the silo is ready again and the next write tells (a refusal: not ready again, no new warning).
    /// </summary>
    public static readonly Duration NotReadyAfterRefusal = Duration.FromSeconds(30);

    /// <summary>A write that succeeds ends an episode only this long after the last refused one.</summary>
    public static readonly Duration Settle = Duration.FromSeconds(10);

    private readonly Lock _gate = new();
    private volatile bool _full;
    private Instant _since;
    private Instant _lastRefused;
    private long _refused;

    /// <summary>True from a refused write until a write succeeds.</summary>
    public bool Full => _full;

    /// <summary>Whether /health/ready should answer 503: full, and a write was refused within <see cref="NotReadyAfterRefusal"/>.</summary>
    public bool NotReady
    {
        get
        {
            if (!_full) return false;
            lock (_gate) return _full && clock.GetCurrentInstant() - _lastRefused < NotReadyAfterRefusal;
        }
    }

    /// <summary>A write was refused for lack of space: the first of an episode is logged (once), the others counted.</summary>
    public void Refused(Exception error)
    {
        var now = clock.GetCurrentInstant();
        bool first;
        lock (_gate)
        {
            first = !_full;
            if (first)
            {
                _since = now;
                _refused = 0;
            }
            _full = true;
            _lastRefused = now;
            _refused++;
        }
        if (first)
            logger.LogWarning(
                "Storage full: the database refused a write for lack of space ({Reason}). Every write is answered 503 {Code} and "
                + "nothing is saved until space is freed; /health/ready answers 503 meanwhile. Reads go on. This is logged once "
                + "per episode; a line follows when writes succeed again.",
                Describe(error), ProblemCode);
    }

    /// <summary>
    /// A write succeeded (a journal's commit, or a request answered 201 Created, which a grain on another silo may have
    /// stored): ends an episode (one line with how long it lasted and how many writes were refused), when
    /// the last refusal is at least <see cref="Settle"/> ago.
    /// </summary>
    public void Written()
    {
        if (!_full) return;
        var now = clock.GetCurrentInstant();
        Instant since;
        long refused;
        lock (_gate)
        {
            if (!_full || now - _lastRefused < Settle) return;
            _full = false;
            since = _since;
            refused = _refused;
        }
        var lasted = now - since;
        logger.LogWarning("Storage has room again: a write succeeded after {Refused} writes were refused for lack of space over {Seconds:0} s.",
            refused, lasted.TotalSeconds);
    }

    /// <summary>
    /// A write answered 503 storage-full by the API: counted here unless a journal already counted it (its
    /// <see cref="StorageFullException"/>; one refused write, one count). That journal may be another silo's, where the
    /// grain lives (the full-disk drill: the silo that took the request stayed ready and said nothing while every write it
    /// forwarded was refused): then this silo's episode starts here too, with its warning and /health/ready 503; later
    /// ones only keep it not ready, uncounted.
    /// </summary>
    public void Answered(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is not StorageFullException) continue;
            if (!_full)
            {
                Refused(error);
                return;
            }
            lock (_gate) _lastRefused = clock.GetCurrentInstant();
            return;
        }
        Refused(error);
    }

    /// <summary>
    /// Whether <paramref name="error"/> (or an exception inside it) is the database saying it is full: SQLite's
    /// SQLITE_FULL (13), PostgreSQL's disk_full (53100), or <see cref="StorageFullException"/> (the journal's
    /// translation, which crosses a grain call) or <see cref="DatabaseFailureException"/> of kind Full (a driver's exception
    /// that crossed from another silo, <see cref="DatabaseFailureCodec"/>), and PostgreSQL's refusal of a new connection for lack of space
    /// (<see cref="PgInitFileNotWritten"/>). PostgreSQL's out_of_memory (53200) is not: the server's memory,
    /// not its disk, and Npgsql calls it transient, so it is answered 503 unavailable.
    /// </summary>
    public static bool IsFull(Exception? error)
    {
        for (var depth = 0; error is not null && depth < 8; depth++)
        {
            switch (error)
            {
                case StorageFullException:
                case DatabaseFailureException { Kind: DatabaseFailureKind.Full }:
                case SqliteException { SqliteErrorCode: SqliteFull }:
                case PostgresException { SqlState: PostgresErrorCodes.DiskFull }:
                case PostgresException { SqlState: PostgresErrorCodes.InternalError, MessageText: PgInitFileNotWritten }:
                    return true;
                case AggregateException aggregate when aggregate.InnerExceptions.Any(IsFull):
                    return true;
            }
            error = error.InnerException;
        }
        return false;
    }

    /// <summary>
    /// PostgreSQL's refusal of a new connection whose backend could not write its relation-cache file (relcache.c, FATAL,
    /// SQLSTATE XX000 without the disk_full code): on a full disk every new connection ends so once the file is gone
    /// (the full-disk drill, scripts/full-disk-drill.sh, met it on most requests). Matched on the server's English text:
    /// with a translated lc_messages it stays an unexpected error.
    /// </summary>
    public const string PgInitFileNotWritten = "could not write init file";

    /// <summary>SQLite's primary result code for "database or disk is full".</summary>
    public const int SqliteFull = 13;

    /// <summary>The driver's first line (its code and words), for the one log line of an episode.</summary>
    public static string Describe(Exception error)
    {
        var inner = error;
        for (var e = error; e is not null; e = e.InnerException)
            if (e is SqliteException or PostgresException) inner = e;
        var line = inner.Message.Split('\n', 2)[0].Trim();
        return $"{inner.GetType().Name}: {(line.Length > 200 ? line[..200] + "…" : line)}";
    }
}
