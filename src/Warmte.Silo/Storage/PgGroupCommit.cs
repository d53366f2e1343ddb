using System.Threading.Channels;
using Npgsql;
using Warmte.Journal;

namespace Warmte.Silo.Storage;

/// <summary>
/// Group commit on PostgreSQL (docs/storage.md, "Group commit"): the one-statement commits of
/// different grains that arrive while earlier ones are being written go to the server together, as
/// one batch in one implicit transaction — one round trip, one commit record and one WAL flush for
/// all of them instead of one each.
/// <para>
/// Nothing waits to fill a batch: a commit that finds a writer free is sent at once, alone; batches
/// form only from what queues up while every writer is busy, so a quiet service answers as fast as
/// without this, and a busy one writes more per transaction.
/// </para>
/// <para>
/// Each commit keeps its own outcome. A commit whose snapshot moved on (another activation committed
/// first) answers 0 rows in the batch and only that commit is refused; the others commit. An error
/// the server reports (a taken key, a deadlock) rolls the whole batch back, and then every commit of
/// it is sent again alone, one after the other, so each gets exactly the answer it would have got
/// without grouping. When the server's answer is lost (a broken connection, a timeout) the batch may
/// or may not have committed: every commit of it gets that error, as a commit alone would, and is
/// not sent again (a resent commit that had gone in would be refused as a conflict, telling the user
/// "nothing saved" about something saved).
/// </para>
/// </summary>
internal sealed class PgGroupCommit
{
    /// <summary>At most this many commits in one transaction (a batch's statements and parameters stay small).</summary>
    internal const int MaxBatch = 64;

    /// <summary>
    /// Batches in flight at once. More than one so the server works on one while the next is
    /// gathered and sent; few enough that a busy service does form batches.
    /// </summary>
    internal const int Writers = 3;

    private readonly Database database;
    private readonly AdoNetJournalStore store;
    private readonly Channel<Pending> queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = false });

    private sealed record Pending(JournalCommit Commit, TaskCompletionSource Done);

    private long batches, batchedCommits;

    /// <summary>Batches of more than one commit written so far, and the commits in them (diagnostics, tests).</summary>
    public (long Batches, long Commits) Grouped => (Interlocked.Read(ref batches), Interlocked.Read(ref batchedCommits));

    public PgGroupCommit(Database database, AdoNetJournalStore store)
    {
        this.database = database;
        this.store = store;
        for (var i = 0; i < Writers; i++) _ = Task.Run(WriteLoopAsync);
    }

    /// <summary>Commits <paramref name="commit"/> (with whatever others are waiting); refuses as <see cref="AdoNetJournalStore.CommitAloneAsync"/> does.</summary>
    public Task CommitAsync(JournalCommit commit)
    {
        var pending = new Pending(commit, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!queue.Writer.TryWrite(pending)) return store.CommitAloneAsync(commit); // never: the channel is unbounded and not completed
        return pending.Done.Task;
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        while (await queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && queue.Reader.TryRead(out var pending)) batch.Add(pending);
            if (batch.Count == 0) continue;
            try
            {
                await WriteAsync(batch);
            }
            catch (Exception e)
            {
                // WriteAsync answers every commit itself; this only keeps the writer alive if it did not.
                foreach (var pending in batch) pending.Done.TrySetException(e);
            }
        }
    }

    private async Task WriteAsync(List<Pending> batch)
    {
        if (batch.Count == 1)
        {
            await AloneAsync(batch[0]);
            return;
        }
        // Row locks in one order in every batch: a project's summary row is locked by the commits of
        // its grains, and two batches taking two projects' rows in opposite orders would deadlock.
        batch.Sort((a, b) =>
        {
            var byKey = string.CompareOrdinal(a.Commit.GrainKey, b.Commit.GrainKey);
            return byKey != 0 ? byKey : string.CompareOrdinal(a.Commit.GrainType, b.Commit.GrainType);
        });
        var moved = new long[batch.Count];
        try
        {
            await using var connection = (NpgsqlConnection)await database.OpenAsync();
            await using var command = new NpgsqlBatch(connection);
            foreach (var pending in batch)
            {
                var (sql, parameters) = AdoNetJournalStore.OneStatement(pending.Commit);
                var statement = new NpgsqlBatchCommand(sql);
                foreach (var parameter in parameters) statement.Parameters.Add(parameter);
                command.BatchCommands.Add(statement);
            }
            // The statements are the same few shapes as a commit alone: prepared once per pooled connection.
            await command.PrepareAsync();
            await using (var reader = await command.ExecuteReaderAsync())
            {
                for (var i = 0; i < batch.Count; i++)
                {
                    if (i > 0 && !await reader.NextResultAsync()) throw new InvalidOperationException("group commit: fewer results than statements");
                    if (!await reader.ReadAsync()) throw new InvalidOperationException("group commit: a statement answered no row");
                    moved[i] = reader.GetInt64(0);
                }
                // The transaction commits at the batch's end: read to it, so an error there is seen
                // before any commit is answered as written.
                while (await reader.NextResultAsync()) { }
            }
        }
        catch (PostgresException)
        {
            // The server refused a statement (a taken key, a deadlock): the implicit transaction rolled back and
            // nothing of the batch was written. Each commit alone, with its own answer — one after the other, so a
            // batch's retries never take more pooled connections than the writer holds.
            foreach (var pending in batch) await AloneAsync(pending);
            return;
        }
        catch (Exception e)
        {
            // No answer from the server (a lost connection, a timeout): the batch may have committed or not. Each
            // commit gets that error, as a commit alone would — never a definite "refused, nothing saved" for a
            // commit that may be there.
            foreach (var pending in batch) pending.Done.TrySetException(e);
            return;
        }
        Interlocked.Increment(ref batches);
        Interlocked.Add(ref batchedCommits, batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            if (moved[i] == 1) batch[i].Done.TrySetResult();
            else batch[i].Done.TrySetException(AdoNetJournalStore.ConflictOf(batch[i].Commit, uniqueViolation: false));
        }
    }

    private async Task AloneAsync(Pending pending)
    {
        try
        {
            await store.CommitAloneAsync(pending.Commit);
            pending.Done.TrySetResult();
        }
        catch (Exception e)
        {
            pending.Done.TrySetException(e);
        }
    }
}
