using System.Data.Common;
using System.Diagnostics;

namespace Warmte.Silo.Storage;

/// <summary>
/// SQLite only: after a commit that blanked personal data (an erasure, a retention run, a replaced name or address),
/// empties the write-ahead log, so the erased name, address or e-mail no longer sits in old frames of
/// <c>warmtenet.db-wal</c> while the silo runs (tester9b T2; <c>secure_delete</c> covers the main file only). In the
/// background, off the commit's path, and in two steps so that no writer waits for a reader:
/// <list type="number">
/// <item><c>PRAGMA wal_checkpoint(PASSIVE)</c> copies every frame it can into the database file. It takes no write
/// lock and waits for nobody; it neither truncates nor resets the log, so the old frames' bytes stay in the file.</item>
/// <item>Only when that step copied every frame of the log (no reader holds an older snapshot):
/// <c>PRAGMA wal_checkpoint(TRUNCATE)</c>, which is what the promise needs: it resets the log and truncates the file to
/// zero bytes. It takes the write lock, but with nothing left to copy it holds it only to check the readers and
/// truncate. No busy handler (<c>busy_timeout</c> 0): a reader or writer in the way makes it answer "busy" at once
/// instead of holding the write lock while it waits.</item>
/// </list>
/// A try that could not empty the log is tried again (0.2 s, doubling to 5 s) until one does; the first miss is logged
/// (information: the data has not left the WAL yet and will be retried), a warning when it has not succeeded for a
/// minute, and an information line when it then does. Requests while one runs coalesce into one more run.
/// PostgreSQL: nothing (docs/security.md, "WAL and dead tuples on PostgreSQL").
/// </summary>
public sealed class WalCheckpoint(Database database, ILogger<WalCheckpoint>? logger = null) : IDisposable
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan LongestRetry = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan WarnAfter = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private bool _requested;
    private Task? _running;
    private long _succeeded;
    private long _passive;
    private long _truncateTries;

    /// <summary>How many checkpoints have truncated the WAL so far (for tests and diagnostics).</summary>
    public long Succeeded => Interlocked.Read(ref _succeeded);

    /// <summary>How many passive checkpoints (the first step) have run.</summary>
    public long PassiveRuns => Interlocked.Read(ref _passive);

    /// <summary>How many times the truncating step (the one that takes the write lock) was tried.</summary>
    public long TruncateTries => Interlocked.Read(ref _truncateTries);

    /// <summary>Asks for the WAL to be emptied soon; returns at once.</summary>
    public void Request()
    {
        if (database.IsPostgres || _stopping.IsCancellationRequested) return;
        lock (_gate)
        {
            _requested = true;
            _running ??= Task.Run(RunAsync);
        }
    }

    private async Task RunAsync()
    {
        var delay = FirstRetry;
        var failing = (Stopwatch?)null;
        var told = false;
        var warned = false;
        while (!_stopping.IsCancellationRequested)
        {
            lock (_gate)
            {
                if (!_requested)
                {
                    _running = null;
                    return;
                }
                _requested = false;
            }
            string? why;
            try
            {
                why = await EmptyAsync(_stopping.Token);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is DbException or InvalidOperationException or IOException)
            {
                why = e.Message;
            }
            if (why is null)
            {
                Interlocked.Increment(ref _succeeded);
                if (told) logger?.LogInformation("The SQLite write-ahead log is truncated; the erased personal data is gone from warmtenet.db-wal");
                failing = null;
                told = warned = false;
                delay = FirstRetry;
                continue;
            }
            failing ??= Stopwatch.StartNew();
            if (!told)
            {
                told = true;
                logger?.LogInformation("Erased personal data could not leave the SQLite write-ahead log yet ({Why}); "
                    + "warmtenet.db-wal may still hold it. Retried every few seconds without holding up writes (docs/security.md)", why);
            }
            else if (!warned && failing.Elapsed >= WarnAfter)
            {
                warned = true;
                logger?.LogWarning("The SQLite write-ahead log could not be truncated after an erasure for {Seconds} s ({Why}); until it is, "
                    + "warmtenet.db-wal may still hold erased personal data. Still trying; a clean stop truncates it too (docs/security.md)",
                    (int)failing.Elapsed.TotalSeconds, why);
            }
            lock (_gate) _requested = true;
            try
            {
                await Task.Delay(delay, _stopping.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LongestRetry.Ticks));
        }
    }

    /// <summary>One try of both steps: null when the log was emptied and the file truncated, else why not.</summary>
    private async Task<string?> EmptyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // No busy handler (SQLite's default; set here so it stays so): a checkpoint that finds a reader or writer in its
        // way answers "busy" at once instead of waiting, which for TRUNCATE would mean waiting with the write lock held.
        await using (var timeout = connection.CreateCommand())
        {
            timeout.CommandText = "PRAGMA busy_timeout = 0";
            await timeout.ExecuteNonQueryAsync(cancellationToken);
        }
        var (busy, log, copied) = await CheckpointAsync(connection, "PASSIVE", cancellationToken);
        Interlocked.Increment(ref _passive);
        // A reader still on an older snapshot keeps frames that cannot be copied yet: TRUNCATE would take the write lock,
        // copy no more than this did and give up. Left for the retry, when that reader has ended.
        if (busy != 0 || copied < log) return $"{Math.Max(copied, 0)} of {log} frames copied, a reader holds an older snapshot";
        Interlocked.Increment(ref _truncateTries);
        (busy, log, _) = await CheckpointAsync(connection, "TRUNCATE", cancellationToken);
        // TRUNCATE leaves 0 frames when it succeeded (and a 0-byte file).
        return busy == 0 && log <= 0 ? null : $"truncating: busy {busy}, {log} frames left, a reader or writer was active";
    }

    /// <summary>The three numbers <c>PRAGMA wal_checkpoint</c> answers: busy (1 or 0), frames in the log, frames copied.</summary>
    private static async Task<(long Busy, long Log, long Copied)> CheckpointAsync(DbConnection connection, string mode, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA wal_checkpoint({mode})";
        command.CommandTimeout = 1;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return (1, -1, -1);
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    /// <summary>Stops retrying (the host is stopping; a clean stop truncates the WAL anyway).</summary>
    public void Dispose() => _stopping.Cancel();
}
