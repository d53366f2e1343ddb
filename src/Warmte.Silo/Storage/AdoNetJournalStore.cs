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
public sealed class AdoNetJournalStore(Database database) : IJournalStore
{
    private bool Pg => database.IsPostgres;

    // PostgreSQL keeps JSON as jsonb: the text parameter is cast in the statement.
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

    public async Task CommitAsync(JournalCommit commit)
    {
        await using var connection = await database.OpenAsync();
        await using var tx = await connection.BeginTransactionAsync();
        try
        {
            await WriteAsync(connection, tx, commit);
            await tx.CommitAsync();
        }
        catch (DbException e) when (IsUniqueViolation(e))
        {
            await tx.RollbackAsync();
            throw Conflict(commit, "a row it would add is already there");
        }
    }

    /// <summary>
    /// The statements of one commit, inside <paramref name="tx"/>; the upgrade of old grain state
    /// (<see cref="JournalUpgrade"/>) uses it too, so old and new rows are written alike.
    /// </summary>
    internal async Task WriteAsync(DbConnection connection, DbTransaction tx, JournalCommit commit)
    {
        var at = InstantPattern.ExtendedIso.Format(commit.At);
        var lastSeq = commit.FirstSeq + commit.Entries.Count - 1;
        if (commit.ExpectedVersion == 0)
        {
            // New grain: the primary key refuses a second first commit (unique violation → conflict).
            await using var insert = Command(connection, tx,
                $"INSERT INTO warmte_snapshot (grain_type, grain_key, version, last_seq, state, modified_at) VALUES (@type, @key, 1, @last, {Json("state")}, @at)",
                ("type", commit.GrainType), ("key", commit.GrainKey), ("last", lastSeq), ("state", commit.State), ("at", at));
            await insert.ExecuteNonQueryAsync();
        }
        else
        {
            await using var update = Command(connection, tx,
                $"UPDATE warmte_snapshot SET version = @expected + 1, last_seq = @last, state = {Json("state")}, modified_at = @at " +
                "WHERE grain_type = @type AND grain_key = @key AND version = @expected",
                ("type", commit.GrainType), ("key", commit.GrainKey), ("expected", commit.ExpectedVersion), ("last", lastSeq),
                ("state", commit.State), ("at", at));
            if (await update.ExecuteNonQueryAsync() != 1)
            {
                await tx.RollbackAsync();
                throw Conflict(commit, "another activation committed first");
            }
        }

        var seq = commit.FirstSeq;
        foreach (var entry in commit.Entries)
        {
            await using var append = Command(connection, tx,
                $"INSERT INTO warmte_journal (grain_type, grain_key, seq, kind, tag, at, actor, payload) VALUES (@type, @key, @seq, @kind, @tag, @at, @actor, {Json("payload")})",
                ("type", commit.GrainType), ("key", commit.GrainKey), ("seq", seq++), ("kind", entry.Kind), ("tag", entry.Tag),
                ("at", InstantPattern.ExtendedIso.Format(entry.At)), ("actor", entry.Actor), ("payload", entry.Payload));
            await append.ExecuteNonQueryAsync();
        }

        if (commit.Idempotency is { } idem) await WriteKeyAsync(connection, tx, commit.GrainType, commit.GrainKey, idem, at);
        await CountSummaryChangeAsync(connection, tx, commit, at);
    }

    internal async Task WriteKeyAsync(DbConnection connection, DbTransaction tx, string grainType, string grainKey, IdempotencyRecord idem, string at)
    {
        await using var key = Command(connection, tx,
            $"INSERT INTO warmte_idempotency (grain_type, grain_key, idem_key, fingerprint, answer, seq, at) VALUES (@type, @key, @idem, @fingerprint, {Json("answer")}, @seq, @at)",
            ("type", grainType), ("key", grainKey), ("idem", idem.Key), ("fingerprint", idem.Fingerprint),
            ("answer", idem.Answer), ("seq", idem.Seq), ("at", at));
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
        await using var reader = await cmd.ExecuteReaderAsync();
        var records = new List<JournalRecord>();
        while (await reader.ReadAsync())
            records.Add(new JournalRecord(Convert.ToInt64(reader.GetValue(0)), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                InstantPattern.ExtendedIso.Parse(reader.GetString(3)).Value, reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetString(5)));
        return records;
    }

    public async Task<long> CountAsync(string grainType, string grainKey, string kind, string? tag = null)
    {
        await using var connection = await database.OpenAsync();
        await using var cmd = Command(connection, null,
            "SELECT COUNT(*) FROM warmte_journal WHERE grain_type = @type AND grain_key = @key AND kind = @kind" + (tag is null ? "" : " AND tag = @tag"),
            ("type", grainType), ("key", grainKey), ("kind", kind), ("tag", tag));
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
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

    public async Task<IReadOnlyList<StoredProjectSummary>> ReadProjectSummariesAsync()
    {
        await using var connection = await database.OpenAsync();
        await using var cmd = Command(connection, null,
            "SELECT project_id, cooperative_id, as_of, changes, computed, " + Text("summary") + " FROM warmte_project_summary");
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new List<StoredProjectSummary>();
        while (await reader.ReadAsync())
        {
            var asOf = LocalDatePattern.Iso.Parse(reader.GetString(2));
            rows.Add(new StoredProjectSummary(reader.GetString(0), reader.GetString(1), asOf.Success ? asOf.Value : null,
                Convert.ToInt64(reader.GetValue(3)) != Convert.ToInt64(reader.GetValue(4)), reader.GetString(5)));
        }
        return rows;
    }

    public async Task<long> ProjectChangesAsync(string projectId)
    {
        await using var connection = await database.OpenAsync();
        await using var cmd = Command(connection, null, "SELECT changes FROM warmte_project_summary WHERE project_id = @project", ("project", projectId));
        return await cmd.ExecuteScalarAsync() is { } value and not DBNull ? Convert.ToInt64(value) : 0;
    }

    public async Task WriteProjectSummaryAsync(string projectId, string cooperativeId, LocalDate asOf, string summary, long changes, Instant at)
    {
        await using var connection = await database.OpenAsync();
        // changes is the commit path's: a summary never moves it, so one computed before a later commit stays stale.
        await using var cmd = Command(connection, null,
            "INSERT INTO warmte_project_summary (project_id, cooperative_id, as_of, changes, computed, summary, updated_at) " +
            $"VALUES (@project, @cooperative, @asOf, @changes, @changes, {Json("summary")}, @at) " +
            "ON CONFLICT (project_id) DO UPDATE SET cooperative_id = excluded.cooperative_id, as_of = excluded.as_of, computed = excluded.computed, " +
            "summary = excluded.summary, updated_at = excluded.updated_at",
            ("project", projectId), ("cooperative", cooperativeId), ("asOf", LocalDatePattern.Iso.Format(asOf)), ("summary", summary),
            ("changes", changes), ("at", InstantPattern.ExtendedIso.Format(at)));
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>Grain types whose key is a project id: their commits concern that project's summary.</summary>
    private static readonly HashSet<string> ProjectKeyed = new(StringComparer.Ordinal)
    {
        Projects.ProjectGrain.JournalType, Grants.FundingGrain.JournalType, CashFlow.CashPlanGrain.JournalType,
        BusinessCase.Versions.BusinessCaseGrain.JournalType, TenantConsent.TenantConsentGrain.JournalType,
    };

    /// <summary>
    /// In the commit's transaction: counts the commit against the project summaries it concerns
    /// (warmte_project_summary.changes), so the wide views never show a summary older than a
    /// committed change — without a transaction of its own. docs/storage.md, "Project summaries".
    /// </summary>
    private async Task CountSummaryChangeAsync(DbConnection connection, DbTransaction tx, JournalCommit commit, string at)
    {
        if (ProjectKeyed.Contains(commit.GrainType))
        {
            await using var bump = Command(connection, tx,
                "INSERT INTO warmte_project_summary (project_id, cooperative_id, as_of, changes, computed, summary, updated_at) " +
                $"VALUES (@project, '', '', 1, 0, {Json("empty")}, @at) " +
                "ON CONFLICT (project_id) DO UPDATE SET changes = warmte_project_summary.changes + 1",
                ("project", commit.GrainKey), ("empty", "{}"), ("at", at));
            await bump.ExecuteNonQueryAsync();
        }
        else if (commit.GrainType == Alv.AlvGrain.JournalType)
        {
            // An ALV decision moves a gate of one of the cooperative's projects: all of them count it.
            await using var bump = Command(connection, tx,
                "UPDATE warmte_project_summary SET changes = changes + 1 WHERE cooperative_id = @cooperative", ("cooperative", commit.GrainKey));
            await bump.ExecuteNonQueryAsync();
        }
    }

    public async Task DeleteProjectSummaryAsync(string projectId)
    {
        await using var connection = await database.OpenAsync();
        await using var cmd = Command(connection, null, "DELETE FROM warmte_project_summary WHERE project_id = @project", ("project", projectId));
        await cmd.ExecuteNonQueryAsync();
    }

    // jsonb read back as text (PostgreSQL would otherwise hand out its own JSON type).
    private string Text(string column) => Pg ? column + "::text" : column;

    private static InconsistentStateException Conflict(JournalCommit commit, string why) =>
        new($"Journal commit of {commit.GrainType}/{commit.GrainKey} at version {commit.ExpectedVersion} refused: {why}.",
            commit.ExpectedVersion.ToString(), "unknown");

    private static bool IsUniqueViolation(DbException e) => e switch
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
}
