using System.Data.Common;
using Microsoft.Data.Sqlite;
using NodaTime;
using NodaTime.Text;
using Npgsql;
using Orleans.Storage;
using Warmte.Journal;

namespace Warmte.Silo.Storage;

/// <summary>
/// The journal on SQLite or PostgreSQL (tables warmte_snapshot, warmte_journal,
/// warmte_idempotency; docs/storage.md, "The journal"). A commit is one transaction: the snapshot
/// row moves to the next version only from the version the grain loaded, the journal rows and the
/// idempotency row are inserted; a stale version or a taken key rolls all of it back and raises
/// <see cref="InconsistentStateException"/>.
/// </summary>
public sealed class AdoNetJournalStore : IJournalStore
{
    private readonly Database database;
    private readonly PgGroupCommit? groupCommit;
    private readonly StorageSpace? space;
    private readonly WalCheckpoint? walCheckpoint;

    /// <param name="database">The service's database.</param>
    /// <param name="groupCommit">
    /// PostgreSQL: commits that arrive while others are being written go to the server together, in one
    /// transaction and round trip (<see cref="PgGroupCommit"/>, docs/storage.md "Group commit"); false for
    /// one transaction per commit. Ignored on SQLite.
    /// </param>
    /// <param name="space">Told of every commit refused for lack of space and of every commit that succeeds (a full disk:
    /// <see cref="StorageSpace"/>); null where nobody asks (tools, tests of the store alone).</param>
    /// <param name="walCheckpoint">SQLite: asked after every commit that <see cref="JournalCommit.ErasesPersonalData"/>; null: not asked.</param>
    public AdoNetJournalStore(Database database, bool groupCommit = false, StorageSpace? space = null, WalCheckpoint? walCheckpoint = null)
    {
        this.database = database;
        this.space = space;
        this.walCheckpoint = walCheckpoint;
        if (groupCommit && database.IsPostgres) this.groupCommit = new PgGroupCommit(database, this);
    }

    /// <summary>
    /// With group commit: the batches of more than one commit written so far and the commits in them
    /// (null without group commit). For diagnostics and tests.
    /// </summary>
    public (long Batches, long Commits)? Grouped => groupCommit?.Grouped;

    private bool Pg => database.IsPostgres;

    internal bool IsPostgres => database.IsPostgres;

    // PostgreSQL keeps history JSON as jsonb: the text parameter is cast in the statement. The
    // snapshot's state is text on both engines (postgresql/0013): it is only ever read whole, and
    // parsing it into jsonb on every commit was the largest part of PostgreSQL's CPU per booking.
    private string Json(string parameter) => Pg ? $"CAST(@{parameter} AS jsonb)" : "@" + parameter;

    public async Task<StoredSnapshot?> LoadAsync(string grainType, string grainKey)
    {
        await using var connection = await database.OpenAsync();
        await using var cmd = Command(connection, null,
            "SELECT version, last_seq, " + Text("state") + " FROM warmte_snapshot WHERE grain_type = @type AND grain_key = @key",
            ("type", grainType), ("key", grainKey));
        await using var reader = await cmd.ExecuteReaderAsync();
        return await reader.ReadAsync()
            ? new StoredSnapshot(Convert.ToInt64(reader.GetValue(0)), Convert.ToInt64(reader.GetValue(1)), reader.GetString(2))
            : null;
    }

    public Task CommitAsync(JournalCommit commit) => Writing(() => CommitCheckedAsync(commit));

    /// <summary>
    /// A write of the store: a database that is full becomes <see cref="StorageFullException"/> (nothing was stored;
    /// the API answers 503 storage-full, also after a grain call), and the space monitor hears of both outcomes.
    /// </summary>
    private async Task Writing(Func<Task> write)
    {
        try
        {
            await write();
        }
        catch (Exception e) when (StorageSpace.IsFull(e) && e is not StorageFullException)
        {
            space?.Refused(e);
            throw new StorageFullException($"The database is full; nothing was stored ({StorageSpace.Describe(e)}).");
        }
        space?.Written();
    }

    private async Task CommitCheckedAsync(JournalCommit commit)
    {
        // A register's commit with its members-today row goes the transaction's way (registers commit seldom).
        if (Pg && commit.Rows.Count == 0 && commit.MemberCount is null)
        {
            await CommitInOneStatementAsync(commit);
            return;
        }
        await using var connection = await database.OpenAsync();
        if (commit.Rows.Count > 0) await SecureDeleteAsync(connection);
        await using var tx = await connection.BeginTransactionAsync();
        try
        {
            await WriteAsync(connection, tx, commit);
            await tx.CommitAsync();
        }
        catch (DbException e) when (IsUniqueViolation(e))
        {
            await tx.RollbackAsync();
            throw ConflictOf(commit, uniqueViolation: true);
        }
        // Erased data may still sit in older WAL frames: truncate the WAL soon, off this commit's path (WalCheckpoint).
        if (commit.ErasesPersonalData) walCheckpoint?.Request();
    }

    /// <summary>
    /// The statements of one commit, inside <paramref name="tx"/>; the upgrade of old grain state
    /// (<see cref="JournalUpgrade"/>) uses it too, so old and new rows are written alike. On
    /// PostgreSQL they go to the server as one batch (one round trip, then the commit's); the
    /// snapshot's version check is read from the batch's first statement afterwards, and a miss
    /// rolls the whole transaction back.
    /// </summary>
    internal async Task WriteAsync(DbConnection connection, DbTransaction tx, JournalCommit commit)
    {
        var at = InstantPattern.ExtendedIso.Format(commit.At);
        var lastSeq = commit.FirstSeq + commit.Entries.Count - 1;
        var statements = new List<(string Sql, (string Name, object? Value)[] Parameters)>();
        statements.Add(commit.ExpectedVersion == 0
            // New grain: the primary key refuses a second first commit (unique violation → conflict).
            ? ($"INSERT INTO warmte_snapshot (grain_type, grain_key, version, last_seq, state, modified_at) VALUES (@type, @key, 1, @last, @state, @at)",
                [("type", commit.GrainType), ("key", commit.GrainKey), ("last", lastSeq), ("state", commit.State), ("at", at)])
            : ($"UPDATE warmte_snapshot SET version = @expected + 1, last_seq = @last, state = @state, modified_at = @at " +
                "WHERE grain_type = @type AND grain_key = @key AND version = @expected",
                [("type", commit.GrainType), ("key", commit.GrainKey), ("expected", commit.ExpectedVersion), ("last", lastSeq), ("state", commit.State), ("at", at)]));
        var seq = commit.FirstSeq;
        foreach (var entry in commit.Entries)
            statements.Add(($"INSERT INTO warmte_journal (grain_type, grain_key, seq, kind, tag, at, actor, payload) VALUES (@type, @key, @seq, @kind, @tag, @at, @actor, {Json("payload")})",
                [("type", commit.GrainType), ("key", commit.GrainKey), ("seq", seq++), ("kind", entry.Kind), ("tag", entry.Tag),
                 ("at", InstantPattern.ExtendedIso.Format(entry.At)), ("actor", entry.Actor), ("payload", entry.Payload)]));
        if (commit.Idempotency is { } idem) statements.Add(KeyStatement(commit.GrainType, commit.GrainKey, idem, at));
        // Counted against the project summaries it concerns, in the same batch (docs/storage.md, "Project summaries").
        if (SummaryCountSql(Pg, SummaryCountOf(commit.GrainType), afterSnapshot: false) is { } summary)
            statements.Add((summary, [("key", commit.GrainKey), ("at", at)]));
        // A register's members today, stamped with the snapshot's new version (docs/storage.md, "Members today beside the summaries").
        if (commit.MemberCount is { } count)
            statements.Add(("INSERT INTO warmte_member_count (cooperative_id, register_version, as_of, members, changes, modified_at) " +
                "VALUES (@key, @countVersion, @countAsOf, @countMembers, @countChanges, @at) ON CONFLICT (cooperative_id) DO UPDATE SET " +
                "register_version = excluded.register_version, as_of = excluded.as_of, members = excluded.members, changes = excluded.changes, modified_at = excluded.modified_at",
                [("key", commit.GrainKey), ("countVersion", commit.ExpectedVersion + 1), ("countAsOf", LocalDatePattern.Iso.Format(count.AsOf)),
                 ("countMembers", count.Members), ("countChanges", count.Changes), ("at", at)]));

        int snapshotRows;
        if (connection is NpgsqlConnection pg)
        {
            await using var batch = new NpgsqlBatch(pg, (NpgsqlTransaction)tx);
            foreach (var (sql, parameters) in statements)
            {
                var command = new NpgsqlBatchCommand(sql);
                foreach (var (name, value) in parameters)
                    if (sql.Contains("@" + name, StringComparison.Ordinal)) command.Parameters.Add(new NpgsqlParameter(name, value ?? DBNull.Value));
                batch.BatchCommands.Add(command);
            }
            await batch.ExecuteNonQueryAsync();
            snapshotRows = batch.BatchCommands[0].RecordsAffected;
        }
        else
        {
            snapshotRows = -1;
            foreach (var (sql, parameters) in statements)
            {
                await using var command = Command(connection, tx, sql, parameters);
                var rows = await command.ExecuteNonQueryAsync();
                if (snapshotRows < 0)
                {
                    snapshotRows = rows;
                    if (rows != 1) break; // the version moved: nothing more to write
                }
            }
        }
        if (snapshotRows != 1)
        {
            await tx.RollbackAsync();
            throw ConflictOf(commit, uniqueViolation: false);
        }
        // Current rows after the batch (prepared per row kind; a register's rows are many).
        if (commit.Rows.Count > 0) await WriteRowsAsync(connection, tx, commit.GrainType, commit.GrainKey, commit.Rows, at);
    }

    /// <summary>Commits of up to this many journal rows use a prepared statement (<see cref="CommitInOneStatementAsync"/>).</summary>
    internal const int MaxPreparedEntries = 4;

    /// <summary>
    /// PostgreSQL, a commit without current rows: the whole commit as one statement — the snapshot's
    /// update (or insert) in a data-modifying CTE, and the journal rows, the key row and the summary
    /// count each inserted <c>FROM</c> that CTE, so they are written only when the snapshot moved. One
    /// statement is one (implicit) transaction and one round trip: no BEGIN, no COMMIT, nothing to
    /// roll back. The statement answers how many snapshot rows moved: 0 (another activation committed
    /// first) means nothing at all was written; a taken key or journal row fails the whole statement
    /// (unique violation). Either way <see cref="InconsistentStateException"/>, as for the transaction.
    /// With group commit on, the statement goes to the server together with other grains' statements
    /// that arrived meanwhile, in one implicit transaction (<see cref="PgGroupCommit"/>).
    /// </summary>
    private async Task CommitInOneStatementAsync(JournalCommit commit)
    {
        // An ALV commit counts every project summary of its cooperative: it goes alone, so no batch holds a
        // cooperative's summary rows besides those of the projects in it (docs/storage.md, "Group commit").
        if (groupCommit is not null && commit.Entries.Count <= MaxPreparedEntries && commit.GrainType != Alv.AlvGrain.JournalType)
        {
            await groupCommit.CommitAsync(commit);
            return;
        }
        await CommitAloneAsync(commit);
    }

    /// <summary>One commit as its own statement and (implicit) transaction; also the group commit's fallback.</summary>
    internal async Task CommitAloneAsync(JournalCommit commit)
    {
        var (sql, parameters) = OneStatement(commit);
        await using var connection = (NpgsqlConnection)await database.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters) cmd.Parameters.Add(parameter);
        long moved;
        try
        {
            // Prepared on the server, once per pooled connection and statement shape: parsing and
            // planning this CTE was most of PostgreSQL's CPU per booking (docs/performance.md). The
            // shapes are few (grain type does not enter the text; entries 1..MaxPreparedEntries, with
            // or without key, new or existing grain); a commit of more entries runs unprepared.
            if (commit.Entries.Count <= MaxPreparedEntries) await cmd.PrepareAsync();
            moved = Convert.ToInt64(await cmd.ExecuteScalarAsync());
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw ConflictOf(commit, uniqueViolation: true);
        }
        if (moved != 1) throw ConflictOf(commit, uniqueViolation: false);
    }

    /// <summary>
    /// The text and parameters of <see cref="CommitInOneStatementAsync"/>'s statement; it answers one
    /// row, the number of snapshot rows that moved (1, or 0 when another activation committed first).
    /// </summary>
    internal static (string Sql, List<NpgsqlParameter> Parameters) OneStatement(JournalCommit commit)
    {
        var lastSeq = commit.FirstSeq + commit.Entries.Count - 1;
        var summary = SummaryCountOf(commit.GrainType);
        var sql = StatementTexts.GetOrAdd((commit.ExpectedVersion == 0, commit.Entries.Count, commit.Idempotency is not null, summary), StatementText);
        var parameters = new List<NpgsqlParameter>(8 + 6 * commit.Entries.Count)
        {
            new("type", commit.GrainType), new("key", commit.GrainKey), new("last", lastSeq), new("state", commit.State),
            new("at", InstantPattern.ExtendedIso.Format(commit.At)),
        };
        if (commit.ExpectedVersion != 0) parameters.Add(new("expected", commit.ExpectedVersion));
        var seq = commit.FirstSeq;
        for (var i = 0; i < commit.Entries.Count; i++)
        {
            var entry = commit.Entries[i];
            parameters.Add(new($"seq{i}", seq++));
            parameters.Add(new($"kind{i}", entry.Kind));
            parameters.Add(new($"tag{i}", (object?)entry.Tag ?? DBNull.Value) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            parameters.Add(new($"at{i}", InstantPattern.ExtendedIso.Format(entry.At)));
            parameters.Add(new($"actor{i}", (object?)entry.Actor ?? DBNull.Value) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            parameters.Add(new($"payload{i}", entry.Payload));
        }
        if (commit.Idempotency is { } idem)
        {
            parameters.Add(new("idem", idem.Key));
            parameters.Add(new("fingerprint", idem.Fingerprint));
            parameters.Add(new("answer", (object?)idem.Answer ?? DBNull.Value) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            parameters.Add(new("idemSeq", (object?)idem.Seq ?? DBNull.Value) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        }
        return (sql, parameters);
    }

    private enum SummaryCount { None, Project, Cooperative }

    /// <summary>Which project summaries a commit of <paramref name="grainType"/> is counted against.</summary>
    private static SummaryCount SummaryCountOf(string grainType) =>
        ProjectKeyed.Contains(grainType) ? SummaryCount.Project
        : grainType == Alv.AlvGrain.JournalType ? SummaryCount.Cooperative : SummaryCount.None;

    /// <summary>
    /// The one text that counts a commit against the project summaries it concerns (warmte_project_summary.changes), so the
    /// wide views never show a summary older than a committed change — in the commit's own transaction, on both write paths:
    /// the statements of <see cref="WriteAsync"/> and (<paramref name="afterSnapshot"/>) a clause of PostgreSQL's one-statement
    /// commit, where it counts only when the snapshot moved (<c>s</c>, the statement's snapshot CTE). Parameters: <c>@key</c>
    /// (the grain's key: the project, or for an ALV commit the cooperative, all of whose projects count it — an ALV decision
    /// moves a gate of any of them) and <c>@at</c>. A project's row is made as a placeholder when it has none yet.
    /// docs/storage.md, "Project summaries".
    /// </summary>
    private static string? SummaryCountSql(bool postgres, SummaryCount count, bool afterSnapshot) => count switch
    {
        SummaryCount.Project =>
            "INSERT INTO warmte_project_summary (project_id, cooperative_id, as_of, changes, computed, summary, updated_at) " +
            "SELECT @key, '', '', 1, 0, " + (postgres ? "CAST('' AS bytea)" : "X''") + ", @at" +
            // SQLite reads "ON CONFLICT" after a bare SELECT as a join's ON: its SELECT needs a WHERE.
            (afterSnapshot ? " FROM s" : postgres ? "" : " WHERE true") +
            " ON CONFLICT (project_id) DO UPDATE SET changes = warmte_project_summary.changes + 1",
        SummaryCount.Cooperative =>
            "UPDATE warmte_project_summary SET changes = changes + 1 WHERE project_id IN (" +
            (postgres ? CooperativeSummaryRowsLockedPg : CooperativeSummaryRowsSqlite) + ")" +
            (afterSnapshot ? " AND EXISTS (SELECT 1 FROM s)" : ""),
        _ => null,
    };

    // The statement's text depends only on its shape (built once per shape, not per commit).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(bool New, int Entries, bool Key, SummaryCount Summary), string> StatementTexts = new();

    private static string StatementText((bool New, int Entries, bool Key, SummaryCount Summary) shape)
    {
        var sql = new System.Text.StringBuilder();
        sql.Append(shape.New
            ? "WITH s AS (INSERT INTO warmte_snapshot (grain_type, grain_key, version, last_seq, state, modified_at) " +
              "VALUES (@type, @key, 1, @last, @state, @at) RETURNING 1 AS moved)"
            : "WITH s AS (UPDATE warmte_snapshot SET version = @expected + 1, last_seq = @last, state = @state, modified_at = @at " +
              "WHERE grain_type = @type AND grain_key = @key AND version = @expected RETURNING 1 AS moved)");
        for (var i = 0; i < shape.Entries; i++)
            sql.Append($", j{i} AS (INSERT INTO warmte_journal (grain_type, grain_key, seq, kind, tag, at, actor, payload) " +
                $"SELECT @type, @key, @seq{i}, @kind{i}, @tag{i}, @at{i}, @actor{i}, CAST(@payload{i} AS jsonb) FROM s)");
        if (shape.Key)
            sql.Append(", k AS (INSERT INTO warmte_idempotency (grain_type, grain_key, idem_key, fingerprint, answer, seq, at) " +
                "SELECT @type, @key, @idem, @fingerprint, CAST(@answer AS jsonb), @idemSeq, @at FROM s)");
        // Counted against the project summaries it concerns (docs/storage.md, "Project summaries"), as in WriteAsync.
        if (SummaryCountSql(postgres: true, shape.Summary, afterSnapshot: true) is { } count) sql.Append(", p AS (" + count + ")");
        sql.Append(" SELECT COUNT(*) FROM s");
        return sql.ToString();
    }

    /// <summary>The refusal a commit gets when its snapshot version had moved or a row it adds is taken (transaction, statement or batch).</summary>
    internal static InconsistentStateException ConflictOf(JournalCommit commit, bool uniqueViolation) =>
        Conflict(commit, uniqueViolation ? "a row it would add is already there" : "another activation committed first");

    /// <summary>
    /// Upserts or deletes current rows (warmte_row) inside <paramref name="tx"/>; one prepared
    /// statement each for upserts and deletes, so a register of thousands is one quick transaction.
    /// </summary>
    internal async Task WriteRowsAsync(DbConnection connection, DbTransaction tx, string grainType, string grainKey, IReadOnlyList<RowChange> rows, string at)
    {
        DbCommand? upsert = null, delete = null;
        try
        {
            foreach (var row in rows)
            {
                if (row.Data is null)
                {
                    delete ??= Command(connection, tx,
                        "DELETE FROM warmte_row WHERE grain_type = @type AND grain_key = @key AND kind = @kind AND entity_id = @id",
                        ("type", grainType), ("key", grainKey), ("kind", ""), ("id", ""));
                    delete.Parameters["kind"].Value = row.Kind;
                    delete.Parameters["id"].Value = row.Id;
                    await delete.ExecuteNonQueryAsync();
                }
                else
                {
                    upsert ??= Command(connection, tx,
                        $"INSERT INTO warmte_row (grain_type, grain_key, kind, entity_id, tag, data, modified_at) VALUES (@type, @key, @kind, @id, @tag, {Json("data")}, @at) " +
                        "ON CONFLICT (grain_type, grain_key, kind, entity_id) DO UPDATE SET tag = excluded.tag, data = excluded.data, modified_at = excluded.modified_at",
                        ("type", grainType), ("key", grainKey), ("kind", ""), ("id", ""), ("tag", ""), ("data", ""), ("at", at));
                    upsert.Parameters["kind"].Value = row.Kind;
                    upsert.Parameters["id"].Value = row.Id;
                    upsert.Parameters["tag"].Value = (object?)row.Tag ?? DBNull.Value;
                    upsert.Parameters["data"].Value = row.Data;
                    await upsert.ExecuteNonQueryAsync();
                }
            }
        }
        finally
        {
            if (upsert is not null) await upsert.DisposeAsync();
            if (delete is not null) await delete.DisposeAsync();
        }
    }

    /// <summary>
    /// SQLite: overwrite deleted content with zeros (PRAGMA secure_delete), so an erased name or a
    /// removed consent answer does not linger in the file's free pages. Per connection; harmless on a
    /// pooled one. PostgreSQL frees dead tuples at VACUUM (docs/storage.md).
    /// </summary>
    private async Task SecureDeleteAsync(DbConnection connection)
    {
        if (Pg) return;
        await using var pragma = Command(connection, null, "PRAGMA secure_delete = ON");
        await pragma.ExecuteNonQueryAsync();
    }

    public async Task<IReadOnlyList<CurrentRow>> ReadRowsAsync(string grainType, string grainKey, RowQuery query)
    {
        await using var connection = await database.OpenAsync();
        var limit = query.Take == int.MaxValue ? "" : " LIMIT @take OFFSET @skip";
        if (limit.Length == 0 && query.Skip > 0) limit = Pg ? " OFFSET @skip" : " LIMIT -1 OFFSET @skip";
        // COLLATE "C" on PostgreSQL: byte order, as SQLite's default, so both engines page alike.
        await using var cmd = Command(connection, null,
            "SELECT kind, entity_id, tag, " + Text("data") + " FROM warmte_row WHERE grain_type = @type AND grain_key = @key AND kind = @kind" +
            (query.Tag is null ? "" : " AND tag = @tag") + (Pg ? " ORDER BY entity_id COLLATE \"C\"" : " ORDER BY entity_id") + limit,
            ("type", grainType), ("key", grainKey), ("kind", query.Kind), ("tag", query.Tag), ("take", query.Take), ("skip", query.Skip));
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new List<CurrentRow>();
        while (await reader.ReadAsync())
            rows.Add(new CurrentRow(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(3)));
        return rows;
    }

    public async Task<long> CountRowsAsync(string grainType, string grainKey, string kind, string? tag = null)
    {
        await using var connection = await database.OpenAsync();
        await using var cmd = Command(connection, null,
            "SELECT COUNT(*) FROM warmte_row WHERE grain_type = @type AND grain_key = @key AND kind = @kind" + (tag is null ? "" : " AND tag = @tag"),
            ("type", grainType), ("key", grainKey), ("kind", kind), ("tag", tag));
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    private (string Sql, (string Name, object? Value)[] Parameters) KeyStatement(string grainType, string grainKey, IdempotencyRecord idem, string at) =>
        ($"INSERT INTO warmte_idempotency (grain_type, grain_key, idem_key, fingerprint, answer, seq, at) VALUES (@type, @key, @idem, @fingerprint, {Json("answer")}, @seq, @at)",
         [("type", grainType), ("key", grainKey), ("idem", idem.Key), ("fingerprint", idem.Fingerprint), ("answer", idem.Answer), ("seq", idem.Seq), ("at", at)]);

    internal async Task WriteKeyAsync(DbConnection connection, DbTransaction tx, string grainType, string grainKey, IdempotencyRecord idem, string at)
    {
        var (sql, parameters) = KeyStatement(grainType, grainKey, idem, at);
        await using var key = Command(connection, tx, sql, parameters);
        await key.ExecuteNonQueryAsync();
    }

    public async Task<IdempotencyRecord?> FindIdempotencyAsync(string grainType, string grainKey, string idempotencyKey)
    {
        await using var connection = await database.OpenAsync();
        await using var cmd = Command(connection, null,
            "SELECT fingerprint, " + Text("answer") + ", seq FROM warmte_idempotency WHERE grain_type = @type AND grain_key = @key AND idem_key = @idem",
            ("type", grainType), ("key", grainKey), ("idem", idempotencyKey));
        await using var reader = await cmd.ExecuteReaderAsync();
        if (!await reader.ReadAsync()) return null;
        return new IdempotencyRecord(idempotencyKey, reader.GetString(0),
            reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : Convert.ToInt64(reader.GetValue(2)));
    }

    public async Task<IReadOnlyList<JournalRecord>> ReadAsync(string grainType, string grainKey, JournalQuery query)
    {
        await using var connection = await database.OpenAsync();
        var order = query.NewestFirst ? "DESC" : "ASC";
        var limit = query.Take == int.MaxValue ? "" : " LIMIT @take OFFSET @skip";
        if (limit.Length == 0 && query.Skip > 0) limit = Pg ? " OFFSET @skip" : " LIMIT -1 OFFSET @skip";
        await using var cmd = Command(connection, null,
            "SELECT seq, kind, tag, at, actor, " + Text("payload") + " FROM warmte_journal WHERE grain_type = @type AND grain_key = @key AND kind = @kind" +
            (query.Tag is null ? "" : " AND tag = @tag") + $" ORDER BY seq {order}" + limit,
            ("type", grainType), ("key", grainKey), ("kind", query.Kind), ("tag", query.Tag), ("take", query.Take), ("skip", query.Skip));
        return await Records(cmd);
    }

    /// <summary>The journal rows a query selects as (seq, kind, tag, at, actor, payload), in its order.</summary>
    private static async Task<IReadOnlyList<JournalRecord>> Records(System.Data.Common.DbCommand cmd)
    {
        await using var reader = await cmd.ExecuteReaderAsync();
        var records = new List<JournalRecord>();
        while (await reader.ReadAsync())
            records.Add(new JournalRecord(Convert.ToInt64(reader.GetValue(0)), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                InstantPattern.ExtendedIso.Parse(reader.GetString(3)).Value, reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetString(5)));
        return records;
    }

    public async Task<IReadOnlyList<JournalRecord>> ReadTagRangeAsync(string grainType, string grainKey, string kind, string tagFrom, string tagTo)
    {
        await using var connection = await database.OpenAsync();
        await using var cmd = Command(connection, null, ReadTagRangeSql(Text("payload")),
            ("type", grainType), ("key", grainKey), ("kind", kind), ("from", tagFrom), ("to", tagTo));
        return await Records(cmd);
    }

    /// <summary>
    /// The statement of <see cref="ReadTagRangeAsync"/> (public so a test can ask the engine for its plan): equality on the
    /// grain and kind, a closed range on tag — the columns of ix_warmte_journal_tag in its order, no LIKE; byte order on both
    /// engines (SQLite's BINARY, the tag column's "C" collation on PostgreSQL, postgresql/0021). <paramref name="payload"/>
    /// is the payload column as text for this engine.
    /// </summary>
    public static string ReadTagRangeSql(string payload = "payload") =>
        "SELECT seq, kind, tag, at, actor, " + payload + " FROM warmte_journal WHERE grain_type = @type AND grain_key = @key AND kind = @kind" +
        " AND tag >= @from AND tag <= @to ORDER BY seq";

    public async Task<IReadOnlyList<JournalRecord>> ReadSpendingRangeAsync(string grainType, string grainKey, string tagFrom, string tagTo,
        SpendingRows which, long skip = 0, int take = int.MaxValue)
    {
        await using var connection = await database.OpenAsync();
        var limit = take == int.MaxValue ? (skip > 0 ? (Pg ? " OFFSET @skip" : " LIMIT -1 OFFSET @skip") : "") : " LIMIT @take OFFSET @skip";
        await using var cmd = Command(connection, null, ReadSpendingRangeSql(Pg, which) + limit,
            ("type", grainType), ("key", grainKey), ("from", tagFrom), ("to", tagTo), ("take", take), ("skip", skip));
        return await Records(cmd);
    }

    /// <summary>
    /// The statement of <see cref="ReadSpendingRangeAsync"/> without its window (public so a test can ask the engine for its
    /// plan): the tag range of <see cref="ReadTagRangeSql"/>, and the booking's id tells month totals ("t-…") from the rest.
    /// </summary>
    public static string ReadSpendingRangeSql(bool postgres, SpendingRows which) =>
        "SELECT seq, kind, tag, at, actor, " + (postgres ? "payload::text" : "payload") + " FROM warmte_journal" +
        " WHERE grain_type = @type AND grain_key = @key AND kind = 'spending' AND tag >= @from AND tag <= @to AND " +
        "substr(" + (postgres ? "(payload -> 'booking' ->> 'id')" : "json_extract(payload, '$.booking.id')") + ", 1, 2) " +
        (which == SpendingRows.Totals ? "=" : "<>") + " 't-' ORDER BY seq";

    public async Task<long> CountAsync(string grainType, string grainKey, string kind, string? tag = null)
    {
        await using var connection = await database.OpenAsync();
        await using var cmd = Command(connection, null,
            "SELECT COUNT(*) FROM warmte_journal WHERE grain_type = @type AND grain_key = @key AND kind = @kind" + (tag is null ? "" : " AND tag = @tag"),
            ("type", grainType), ("key", grainKey), ("kind", kind), ("tag", tag));
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    public async Task<long> CountByTagPrefixAsync(string grainType, string grainKey, string kind, string tagPrefix)
    {
        var (from, to) = JournalTags.PrefixRange(tagPrefix);
        await using var connection = await database.OpenAsync();
        await using var cmd = Command(connection, null, CountByTagPrefixSql(to is not null),
            ("type", grainType), ("key", grainKey), ("kind", kind), ("from", from), ("to", to));
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    /// <summary>
    /// The statement of <see cref="CountByTagPrefixAsync"/> (public so a test can ask the engine for its plan): equality on
    /// the grain and kind, a range on tag — the columns of ix_warmte_journal_tag in its order. Byte order on both engines:
    /// SQLite's default BINARY collation, the "C" collation of the column on PostgreSQL (postgresql/0021).
    /// </summary>
    public static string CountByTagPrefixSql(bool bounded) =>
        "SELECT COUNT(*) FROM warmte_journal WHERE grain_type = @type AND grain_key = @key AND kind = @kind AND tag >= @from" +
        (bounded ? " AND tag < @to" : "");

    public async Task<IReadOnlyDictionary<string, StoredMemberCount>> ReadMemberCountsAsync(string registerType, IReadOnlyCollection<string> cooperativeIds)
    {
        var found = new Dictionary<string, StoredMemberCount>(StringComparer.Ordinal);
        if (cooperativeIds.Count == 0) return found;
        await using var connection = await database.OpenAsync();
        // From the registers' snapshots (primary key), each with its count row if any: a register that never committed has
        // no snapshot and no members; one with a snapshot but no current row is asked by the caller.
        foreach (var chunk in cooperativeIds.Distinct().Chunk(500))
        {
            var names = chunk.Select((_, i) => "k" + i).ToArray();
            await using var cmd = Command(connection, null,
                "SELECT s.grain_key, s.version, c.register_version, c.as_of, c.members, c.changes FROM warmte_snapshot s " +
                "LEFT JOIN warmte_member_count c ON c.cooperative_id = s.grain_key WHERE s.grain_type = @type AND s.grain_key IN ("
                + string.Join(", ", names.Select(n => "@" + n)) + ")",
                [("type", registerType), .. chunk.Select((key, i) => (names[i], (object?)key))]);
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var asOf = reader.IsDBNull(3) ? null : LocalDatePattern.Iso.Parse(reader.GetString(3)) is { Success: true } parsed ? parsed.Value : (LocalDate?)null;
                var count = asOf is { } day ? new MemberCountRow(day, Convert.ToInt32(reader.GetValue(4)), reader.IsDBNull(5) ? "" : reader.GetString(5)) : null;
                found[reader.GetString(0)] = new StoredMemberCount(Convert.ToInt64(reader.GetValue(1)),
                    reader.IsDBNull(2) ? null : Convert.ToInt64(reader.GetValue(2)), count);
            }
        }
        return found;
    }

    public async Task<IReadOnlyList<string>> RegistersWithoutCurrentCountAsync(string registerType)
    {
        var keys = new List<string>();
        await using var connection = await database.OpenAsync();
        await using var cmd = Command(connection, null,
            "SELECT s.grain_key FROM warmte_snapshot s LEFT JOIN warmte_member_count c ON c.cooperative_id = s.grain_key " +
            "WHERE s.grain_type = @type AND (c.register_version IS NULL OR c.register_version <> s.version) ORDER BY s.grain_key",
            ("type", registerType));
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) keys.Add(reader.GetString(0));
        return keys;
    }

    public async Task<IReadOnlyDictionary<string, StoredSnapshot>> LoadManyAsync(string grainType, IReadOnlyCollection<string> grainKeys)
    {
        var found = new Dictionary<string, StoredSnapshot>(StringComparer.Ordinal);
        if (grainKeys.Count == 0) return found;
        await using var connection = await database.OpenAsync();
        // In chunks, well under either engine's limit of parameters per statement.
        foreach (var chunk in grainKeys.Distinct().Chunk(500))
        {
            var names = chunk.Select((_, i) => "k" + i).ToArray();
            await using var cmd = Command(connection, null,
                "SELECT grain_key, version, last_seq, " + Text("state") + " FROM warmte_snapshot WHERE grain_type = @type AND grain_key IN ("
                + string.Join(", ", names.Select(n => "@" + n)) + ")",
                [("type", grainType), .. chunk.Select((key, i) => (names[i], (object?)key))]);
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                found[reader.GetString(0)] = new StoredSnapshot(Convert.ToInt64(reader.GetValue(1)), Convert.ToInt64(reader.GetValue(2)), reader.GetString(3));
        }
        return found;
    }

    public async Task<IReadOnlyList<StoredProjectSummary>> ReadProjectSummariesAsync(IReadOnlyCollection<string>? cooperativeIds = null)
    {
        var rows = new List<StoredProjectSummary>(cooperativeIds is null ? 0 : cooperativeIds.Count * 10);
        await using var connection = await database.OpenAsync();
        // Every row, or those of the cooperatives asked (by the index on cooperative_id; in chunks, well under
        // either engine's limit of parameters per statement).
        foreach (var chunk in cooperativeIds is null ? [null] : cooperativeIds.Distinct().Chunk(500).Select(c => (string[]?)c))
        {
            var names = chunk?.Select((_, i) => "c" + i).ToArray() ?? [];
            await using var cmd = Command(connection, null,
                "SELECT project_id, cooperative_id, as_of, changes, computed, summary FROM warmte_project_summary"
                + (chunk is null ? "" : " WHERE cooperative_id IN (" + string.Join(", ", names.Select(n => "@" + n)) + ")"),
                [.. (chunk ?? []).Select((id, i) => (names[i], (object?)id))]);
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync()) rows.Add(SummaryOf(reader));
        }
        return rows;
    }

    /// <summary>A row of <c>SELECT project_id, cooperative_id, as_of, changes, computed, summary</c>.</summary>
    private static StoredProjectSummary SummaryOf(DbDataReader reader)
    {
        var asOf = LocalDatePattern.Iso.Parse(reader.GetString(2));
        return new StoredProjectSummary(reader.GetString(0), reader.GetString(1), asOf.Success ? asOf.Value : null,
            reader.GetInt64(3) != reader.GetInt64(4), reader.GetFieldValue<byte[]>(5));
    }

    // A row whose funder rows may not describe it: stale (a commit since it was computed), or its funder rows not
    // written for the summary as stored. funders_indexed holds computed + 1 of the summary whose funders the funder
    // rows hold (0: never indexed), so a row rewritten by a build that knows nothing of the index (an older release
    // run on this database: it moves computed, not funders_indexed) falls back to "read by every funder" by itself.
    // Written exactly as the partial index ix_warmte_project_summary_unsettled's predicate, so both engines use it. On
    // PostgreSQL the predicate reads the generated column stale (= changes <> computed, postgresql/0019): a predicate
    // naming changes made every commit's count a non-HOT update with three index entries.
    private string Unsettled => Pg
        ? "(stale OR funders_indexed <> computed + 1)"
        : "(changes <> computed OR funders_indexed <> computed + 1)";

    public async Task<FunderProjectSummaries> ReadFunderProjectSummariesAsync(string funderId)
    {
        var rows = new List<StoredProjectSummary>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        await using var connection = await database.OpenAsync();
        // Two statements, one round trip: the funder's settled rows (funder index → summary by key) and every
        // unsettled row (partial index); then the ids of all rows (the narrow index on cooperative_id covers them).
        await using var cmd = Command(connection, null,
            "SELECT s.project_id, s.cooperative_id, s.as_of, s.changes, s.computed, s.summary FROM warmte_project_summary_funder f " +
            "JOIN warmte_project_summary s ON s.project_id = f.project_id WHERE f.funder = @funder AND NOT (s.changes <> s.computed OR s.funders_indexed <> s.computed + 1)" +
            " UNION ALL SELECT project_id, cooperative_id, as_of, changes, computed, summary FROM warmte_project_summary WHERE " + Unsettled +
            "; SELECT project_id FROM warmte_project_summary",
            ("funder", funderId));
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add(SummaryOf(reader));
        await reader.NextResultAsync();
        while (await reader.ReadAsync()) ids.Add(reader.GetString(0));
        return new FunderProjectSummaries(rows, ids);
    }

    public async Task<IReadOnlyList<UnindexedProjectSummary>> ReadUnindexedProjectSummariesAsync(string? afterProjectId, int limit)
    {
        await using var connection = await database.OpenAsync();
        await using var cmd = Command(connection, null,
            "SELECT project_id, computed, summary FROM warmte_project_summary WHERE " + Unsettled + " AND funders_indexed <> computed + 1 AND changes = computed" +
            (afterProjectId is null ? "" : " AND project_id > @after") + " ORDER BY project_id LIMIT @limit",
            ("after", afterProjectId), ("limit", limit));
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new List<UnindexedProjectSummary>();
        while (await reader.ReadAsync()) rows.Add(new UnindexedProjectSummary(reader.GetString(0), reader.GetInt64(1), reader.GetFieldValue<byte[]>(2)));
        return rows;
    }

    public async Task<IReadOnlyList<string>> ReadStaleProjectSummaryIdsAsync(string? afterProjectId, int limit)
    {
        await using var connection = await database.OpenAsync();
        // Unsettled first, so both engines read the partial index; of those only the stale ones (not merely unindexed).
        await using var cmd = Command(connection, null,
            "SELECT project_id FROM warmte_project_summary WHERE " + Unsettled + " AND " + (Pg ? "stale" : "changes <> computed") +
            (afterProjectId is null ? "" : " AND project_id > @after") + " ORDER BY project_id LIMIT @limit",
            ("after", afterProjectId), ("limit", limit));
        await using var reader = await cmd.ExecuteReaderAsync();
        var ids = new List<string>();
        while (await reader.ReadAsync()) ids.Add(reader.GetString(0));
        return ids;
    }

    public async Task<int> IndexProjectSummaryFundersAsync(IReadOnlyList<(string ProjectId, long Computed, IReadOnlyCollection<string> Funders)> rows)
    {
        if (rows.Count == 0) return 0;
        await using var connection = await database.OpenAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var indexed = 0;
        // In project order (ordinal), as every transaction that holds several summary rows takes them.
        foreach (var (projectId, computed, funders) in rows.OrderBy(r => r.ProjectId, StringComparer.Ordinal))
        {
            // Only the row that was read: a summary written since set its own funders, a commit since made it stale.
            await using var mark = Command(connection, tx,
                "UPDATE warmte_project_summary SET funders_indexed = @indexed " +
                "WHERE project_id = @project AND computed = @computed AND changes = @computed AND funders_indexed <> @indexed",
                ("project", projectId), ("computed", computed), ("indexed", computed + 1));
            if (await mark.ExecuteNonQueryAsync() != 1) continue;
            await WriteFundersAsync(connection, tx, projectId, funders);
            indexed++;
        }
        await tx.CommitAsync();
        return indexed;
    }

    /// <summary>Replaces a project's funder rows inside <paramref name="tx"/>.</summary>
    private static async Task WriteFundersAsync(DbConnection connection, DbTransaction tx, string projectId, IReadOnlyCollection<string>? funders)
    {
        await using (var delete = Command(connection, tx, "DELETE FROM warmte_project_summary_funder WHERE project_id = @project", ("project", projectId)))
            await delete.ExecuteNonQueryAsync();
        foreach (var funder in (funders ?? []).Distinct(StringComparer.Ordinal))
        {
            await using var insert = Command(connection, tx,
                "INSERT INTO warmte_project_summary_funder (funder, project_id) VALUES (@funder, @project)", ("funder", funder), ("project", projectId));
            await insert.ExecuteNonQueryAsync();
        }
    }

    public async Task<long> ProjectChangesAsync(string projectId)
    {
        await using var connection = await database.OpenAsync();
        await using var cmd = Command(connection, null, "SELECT changes FROM warmte_project_summary WHERE project_id = @project", ("project", projectId));
        return await cmd.ExecuteScalarAsync() is { } value and not DBNull ? Convert.ToInt64(value) : 0;
    }

    public Task WriteProjectSummaryAsync(string projectId, string cooperativeId, LocalDate asOf, byte[] summary, long changes, Instant at,
        IReadOnlyCollection<string>? funders = null) =>
        Writing(() => WriteProjectSummaryCheckedAsync(projectId, cooperativeId, asOf, summary, changes, at, funders));

    private async Task WriteProjectSummaryCheckedAsync(string projectId, string cooperativeId, LocalDate asOf, byte[] summary, long changes, Instant at,
        IReadOnlyCollection<string>? funders)
    {
        await using var connection = await database.OpenAsync();
        // The row and its funder rows together: a portfolio never sees the one without the other.
        await using var tx = await connection.BeginTransactionAsync();
        // changes is the commit path's: a summary never moves it, so one computed before a later commit stays stale.
        await using (var cmd = Command(connection, tx,
            "INSERT INTO warmte_project_summary (project_id, cooperative_id, as_of, changes, computed, summary, updated_at, funders_indexed) " +
            "VALUES (@project, @cooperative, @asOf, @changes, @changes, @summary, @at, @indexed) " +
            "ON CONFLICT (project_id) DO UPDATE SET cooperative_id = excluded.cooperative_id, as_of = excluded.as_of, computed = excluded.computed, " +
            "summary = excluded.summary, updated_at = excluded.updated_at, funders_indexed = excluded.funders_indexed",
            ("project", projectId), ("cooperative", cooperativeId), ("asOf", LocalDatePattern.Iso.Format(asOf)), ("summary", summary),
            ("changes", changes), ("at", InstantPattern.ExtendedIso.Format(at)), ("indexed", funders is null ? 0L : changes + 1)))
            await cmd.ExecuteNonQueryAsync();
        await WriteFundersAsync(connection, tx, projectId, funders);
        await tx.CommitAsync();
    }

    /// <summary>
    /// A cooperative's summary rows (<c>@key</c>: its id), locked in the order of their project ids as
    /// C# orders them (ordinal; the "C" collation), the order in which a group commit locks the rows of
    /// the projects in its batch (<see cref="PgGroupCommit"/>): two transactions that each hold several
    /// summary rows never wait on each other in a circle. PostgreSQL only: SQLite has one writer.
    /// </summary>
    private const string CooperativeSummaryRowsLockedPg =
        "SELECT project_id FROM warmte_project_summary WHERE cooperative_id = @key ORDER BY project_id COLLATE \"C\" FOR UPDATE";

    private const string CooperativeSummaryRowsSqlite = "SELECT project_id FROM warmte_project_summary WHERE cooperative_id = @key";

    /// <summary>Grain types whose key is a project id: their commits concern that project's summary.</summary>
    private static readonly HashSet<string> ProjectKeyed = new(StringComparer.Ordinal)
    {
        Projects.ProjectGrain.JournalType, Grants.GrantsGrain.JournalType, CashFlow.CashFlowPlanGrain.JournalType,
        BusinessCase.Versions.BusinessCaseGrain.JournalType, TenantConsent.TenantConsentGrain.JournalType,
    };

    public async Task DeleteProjectSummaryAsync(string projectId)
    {
        await using var connection = await database.OpenAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await using (var cmd = Command(connection, tx, "DELETE FROM warmte_project_summary WHERE project_id = @project", ("project", projectId)))
            await cmd.ExecuteNonQueryAsync();
        await WriteFundersAsync(connection, tx, projectId, null);
        await tx.CommitAsync();
    }

    // jsonb read back as text (PostgreSQL would otherwise hand out its own JSON type).
    private string Text(string column) => Pg ? column + "::text" : column;

    private static InconsistentStateException Conflict(JournalCommit commit, string why) =>
        new($"Journal commit of {commit.GrainType}/{commit.GrainKey} at version {commit.ExpectedVersion} refused: {why}.",
            commit.ExpectedVersion.ToString(), "unknown");

    internal static bool IsUniqueViolation(DbException e) => e switch
    {
        SqliteException s => s.SqliteErrorCode == 19, // SQLITE_CONSTRAINT
        PostgresException p => p.SqlState == PostgresErrorCodes.UniqueViolation,
        _ => false,
    };

    private static DbCommand Command(DbConnection connection, DbTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters)
            if (sql.Contains("@" + name, StringComparison.Ordinal)) Database.Parameter(cmd, name, value);
        return cmd;
    }

    public async Task<IReadOnlyList<long>> SnapshotVersionsAsync(IReadOnlyList<(string GrainType, string GrainKey)> grains)
    {
        if (grains.Count == 0) return [];
        await using var connection = await database.OpenAsync();
        // One primary-key lookup per grain (OR of the key's two columns), one round trip.
        var where = string.Join(" OR ", grains.Select((_, i) => $"(grain_type = @t{i} AND grain_key = @k{i})"));
        await using var cmd = Command(connection, null, "SELECT grain_type, grain_key, version FROM warmte_snapshot WHERE " + where,
            [.. grains.SelectMany((g, i) => new (string, object?)[] { ($"t{i}", g.GrainType), ($"k{i}", g.GrainKey) })]);
        await using var reader = await cmd.ExecuteReaderAsync();
        var found = new Dictionary<(string, string), long>();
        while (await reader.ReadAsync())
            found[(reader.GetString(0), reader.GetString(1))] = Convert.ToInt64(reader.GetValue(2));
        return [.. grains.Select(g => found.GetValueOrDefault((g.GrainType, g.GrainKey)))];
    }

    public async Task<Instant?> LastEntryAtAsync(string grainKey, IReadOnlyCollection<string> grainTypes)
    {
        if (grainTypes.Count == 0) return null;
        await using var connection = await database.OpenAsync();
        // One primary-key lookup per grain: its snapshot's last seq is its newest journal row. The instants are
        // compared parsed: ISO text with a varying number of fraction digits does not sort as text.
        var types = string.Join(", ", grainTypes.Select((_, i) => $"@t{i}"));
        await using var cmd = Command(connection, null,
            "SELECT j.at FROM warmte_snapshot s JOIN warmte_journal j ON j.grain_type = s.grain_type AND j.grain_key = s.grain_key AND j.seq = s.last_seq " +
            $"WHERE s.grain_key = @key AND s.grain_type IN ({types})",
            [("key", grainKey), .. grainTypes.Select((t, i) => ($"t{i}", (object?)t))]);
        await using var reader = await cmd.ExecuteReaderAsync();
        Instant? last = null;
        while (await reader.ReadAsync())
        {
            var at = InstantPattern.ExtendedIso.Parse(reader.GetString(0)).Value;
            if (last is null || at > last) last = at;
        }
        return last;
    }

    public async Task<JournalRecord?> FindBookingAsync(string grainType, string grainKey, string bookingId)
    {
        await using var connection = await database.OpenAsync();
        await using var cmd = Command(connection, null, FindBookingSql(Pg), ("type", grainType), ("key", grainKey), ("id", bookingId));
        await using var reader = await cmd.ExecuteReaderAsync();
        return await reader.ReadAsync()
            ? new JournalRecord(Convert.ToInt64(reader.GetValue(0)), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                InstantPattern.ExtendedIso.Parse(reader.GetString(3)).Value, reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetString(5))
            : null;
    }

    /// <summary>
    /// The statement of <see cref="FindBookingAsync"/> (public so a test can ask the engine for its plan): the kind and
    /// the expression literally as in the partial index (sqlite/0016, postgresql/0018), so the planner can use it; on
    /// SQLite named (INDEXED BY: without statistics its planner could take the kind index instead, and a statement the
    /// index cannot answer is an error rather than a scan). No ORDER BY: every row of one booking id is of the same month
    /// (a month total's id holds its month), and an order would tempt PostgreSQL into walking the kind index in seq order.
    /// </summary>
    public static string FindBookingSql(bool postgres) =>
        "SELECT seq, kind, tag, at, actor, " + (postgres ? "payload::text" : "payload") + " FROM warmte_journal " +
        (postgres ? "" : "INDEXED BY ix_warmte_journal_booking ") +
        "WHERE grain_type = @type AND grain_key = @key AND kind = 'spending' AND " +
        (postgres ? "(payload -> 'booking' ->> 'id')" : "json_extract(payload, '$.booking.id')") + " = @id LIMIT 1";
}
