using System.Data.Common;
using System.Diagnostics;

namespace Warmte.Silo.Storage;

/// <summary>
/// SQLite only: after a commit that blanked personal data (an erasure, a retention run), folds the write-ahead log into
/// the database file and truncates it (<c>PRAGMA wal_checkpoint(TRUNCATE)</c>), so the erased name, address or e-mail
/// no longer sits in old WAL frames of <c>warmtenet.db-wal</c> while the silo runs (tester9b T2; <c>secure_delete</c>
/// covers the main file only). In the background, off the commit's path: a reader holding an older snapshot makes the
/// checkpoint busy, so it is tried again (0.2 s, doubling to 5 s) until it succeeds; a warning is logged once when it has
/// not succeeded for a minute, and an information line when it then does. Requests while one runs coalesce into one more
/// run. PostgreSQL: nothing (docs/security.md, "WAL and dead tuples on PostgreSQL").
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

    /// <summary>How many checkpoints have truncated the WAL so far (for tests and diagnostics).</summary>
    public long Succeeded => Interlocked.Read(ref _succeeded);

    /// <summary>Asks for a truncating checkpoint soon; returns at once.</summary>
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
                why = await TruncateAsync(_stopping.Token);
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
                if (warned) logger?.LogInformation("The SQLite write-ahead log is truncated; the erased personal data is gone from warmtenet.db-wal");
                failing = null;
                warned = false;
                delay = FirstRetry;
                continue;
            }
            failing ??= Stopwatch.StartNew();
            if (!warned && failing.Elapsed >= WarnAfter)
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

    /// <summary>One try: null when the WAL was checkpointed completely and truncated, else why not.</summary>
    private async Task<string?> TruncateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
        // Busy readers are answered by trying again later, not by holding the write lock while waiting here.
        command.CommandTimeout = 1;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return "no answer";
        // busy, frames in the log, frames checkpointed: TRUNCATE leaves 0 frames when it succeeded.
        var busy = reader.GetInt64(0);
        var log = reader.GetInt64(1);
        return busy == 0 && log <= 0 ? null : $"busy {busy}, {log} frames left";
    }

    /// <summary>Stops retrying (the host is stopping; a clean stop truncates the WAL anyway).</summary>
    public void Dispose() => _stopping.Cancel();
}
