using System.Data.Common;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace Warmte.LoadGen;

/// <summary>
/// Issue 15's 100,000-project data set on the embedded SQLite default, in minutes instead of hours:
/// the service itself writes one block (one umbrella of <see cref="Dataset.CooperativesPerUmbrella"/>
/// cooperatives with their projects, grants and bookings, through the HTTP API: `setup`), and
/// `scale-out` copies that block's rows for every further umbrella, with the ids renumbered. The
/// copies are the rows the service wrote, with three things changed: the ids (cooperative, project,
/// umbrella, and the numbers in the generated names), the random booking ids (a stable hash of the
/// original and the block, so they stay unique), and the reminders' hash (computed the way Orleans
/// computes it, checked against the block's own rows first) and start time (spread over the day,
/// as projects created over time would be). The registry's row lists every cooperative and umbrella.
/// `scale-check` then reads copies through the running service and compares each answer with the
/// block's answer, renumbered the same way: equal, or the copy is not what the service would have
/// written. Resumable: blocks already present are skipped.
/// On PostgreSQL (<c>--pg CONNSTR</c> instead of <c>--db FILE</c>) the same rows are copied with one
/// binary <c>COPY</c> per table and block, in one transaction per block, from the block the service
/// wrote into that database; then <c>VACUUM (ANALYZE)</c>, as a database that grew over time would have
/// its statistics.
/// </summary>
public static class ScaleOut
{
    private static readonly string[] Tables = ["warmte_snapshot", "warmte_journal", "warmte_idempotency", "warmte_row", "warmte_project_summary", "OrleansRemindersTable", "warmte_alert_due"];

    /// <summary>The alert sweep's slice of a project (AlertSweepSchedule.SliceOf: bits 32–63 of FNV-1a 64 of the id, modulo 32).</summary>
    public static int AlertSlice(string projectId)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(projectId)) hash = (hash ^ b) * 1099511628211UL;
        return (int)((hash >> 32) % 32);
    }

    /// <summary>Renumbers one text of block 0 for block k (cooperative c becomes c + k × U, umbrella u becomes u + k).</summary>
    public sealed class Renumber(Dataset set)
    {
        private readonly Regex _coop = new($@"{Regex.Escape(set.Prefix)}-c(\d{{4}})", RegexOptions.Compiled | RegexOptions.CultureInvariant);
        private readonly Regex _umbrella = new($@"{Regex.Escape(set.Prefix)}-u(\d{{3}})", RegexOptions.Compiled | RegexOptions.CultureInvariant);
        // The generated names carry the numbers too (DatasetSetup: "Coöperatie Belasting P n U.A.", "Belastingkoepel P n").
        private readonly Regex _coopName = new($@"Belasting {Regex.Escape(set.Prefix)} (\d+) U\.A\.", RegexOptions.Compiled | RegexOptions.CultureInvariant);
        private readonly Regex _umbrellaName = new($@"Belastingkoepel {Regex.Escape(set.Prefix)} (\d+)", RegexOptions.Compiled | RegexOptions.CultureInvariant);
        private static readonly Regex BookingId = new(@"""b-([0-9a-f]{12})""", RegexOptions.Compiled | RegexOptions.CultureInvariant);

        public string Apply(string text, int k)
        {
            if (k == 0) return text;
            var u = set.CooperativesPerUmbrella;
            text = _coop.Replace(text, m => $"{set.Prefix}-c{int.Parse(m.Groups[1].Value) + k * u:D4}");
            text = _umbrella.Replace(text, m => $"{set.Prefix}-u{int.Parse(m.Groups[1].Value) + k:D3}");
            text = _coopName.Replace(text, m => $"Belasting {set.Prefix} {int.Parse(m.Groups[1].Value) + k * u} U.A.");
            text = _umbrellaName.Replace(text, m => $"Belastingkoepel {set.Prefix} {int.Parse(m.Groups[1].Value) + k}");
            text = BookingId.Replace(text, m => $"\"b-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{m.Groups[1].Value}/{k}")))[..12]}\"");
            return text;
        }
    }

    /// <summary>Orleans' hash of a grain id ("alertwatch/key"), as the reminder table stores it (uint as int).</summary>
    public static int GrainHash(string grainId) => unchecked((int)Orleans.Runtime.GrainId.Parse(grainId).GetUniformHashCode());

    /// <summary>Copies block 0 in the SQLite file <paramref name="target"/>, or in the PostgreSQL database when <paramref name="postgres"/> (a connection string).</summary>
    public static async Task<MeasurementResult> RunAsync(string target, Dataset set, TextWriter log, bool postgres = false)
    {
        var u = set.CooperativesPerUmbrella;
        if (set.Cooperatives % u != 0) throw new ArgumentException($"--cooperatives must be a multiple of --umbrella-size ({u}).");
        if (set.Cooperatives > 10_000) throw new ArgumentException("At most 10,000 cooperatives (the ids have four digits).");
        var blocks = set.Cooperatives / u;
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        await using DbConnection db = postgres ? new NpgsqlConnection(target) : new SqliteConnection($"Data Source={target};Pooling=false");
        await db.OpenAsync();
        if (!postgres) await Exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;");
        var renumber = new Renumber(set);
        var block0 = new Regex($@"^(\w+/)?{Regex.Escape(set.Prefix)}-(c(\d{{4}})|u000)", RegexOptions.CultureInvariant);
        bool InBlock0(string key)
        {
            var m = block0.Match(key);
            return m.Success && (m.Groups[3].Success ? int.Parse(m.Groups[3].Value) < u : true);
        }

        // Block 0's rows, as the service wrote them.
        var template = new Dictionary<string, (string[] Columns, List<object?[]> Rows)>();
        var pgTypes = new Dictionary<string, NpgsqlDbType[]>();
        foreach (var table in Tables)
        {
            // A block written by a release before the alert sweep has no due table (its projects have reminders instead).
            await using (var has = db.CreateCommand())
            {
                has.CommandText = postgres
                    ? "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = lower(@t)"
                    : "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = @t";
                AddParameter(has, "@t", table);
                if (Convert.ToInt64(await has.ExecuteScalarAsync()) == 0) continue;
            }
            var keyColumn = table switch { "warmte_project_summary" or "warmte_alert_due" => "project_id", "OrleansRemindersTable" => "GrainId", _ => "grain_key" };
            // Only the columns a COPY may write: PostgreSQL computes generated ones (warmte_project_summary.stale, postgresql/0019).
            var select = "*";
            if (postgres)
            {
                await using var names = db.CreateCommand();
                names.CommandText = "SELECT string_agg(column_name, ', ' ORDER BY ordinal_position) FROM information_schema.columns " +
                    "WHERE table_schema = current_schema() AND table_name = lower(@t) AND is_generated = 'NEVER'";
                AddParameter(names, "@t", table);
                select = (string)(await names.ExecuteScalarAsync())!;
            }
            await using var cmd = db.CreateCommand();
            cmd.CommandText = $"SELECT {select} FROM {table}";
            await using var reader = await cmd.ExecuteReaderAsync();
            var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToArray();
            if (postgres) pgTypes[table] = Enumerable.Range(0, reader.FieldCount).Select(i => PgType(reader.GetDataTypeName(i))).ToArray();
            var key = Column(columns, keyColumn);
            var rows = new List<object?[]>();
            while (await reader.ReadAsync())
            {
                var row = new object?[columns.Length];
                reader.GetValues(row!);
                if (row[key] is string k && InBlock0(k)) rows.Add(row);
            }
            template[table] = (columns, rows);
        }
        var projectsInBlock = template["warmte_project_summary"].Rows.Count;
        if (projectsInBlock != u * set.ProjectsPerCooperative)
            throw new InvalidOperationException($"Block 0 has {projectsInBlock} project summaries, expected {u * set.ProjectsPerCooperative}: run `setup` with --cooperatives {u} first (and start the silo once, so the summaries are built).");

        // The reminders' hash: ours must be Orleans' own, checked on every row the service wrote.
        var (remColumns, remRows) = template["OrleansRemindersTable"];
        int gi = Column(remColumns, "GrainId"), gh = Column(remColumns, "GrainHash"), st = Column(remColumns, "StartTime");
        foreach (var row in remRows)
            if (GrainHash((string)row[gi]!) != Convert.ToInt32(row[gh]))
                throw new InvalidOperationException($"Reminder hash of {row[gi]} differs from Orleans' ({row[gh]} stored): not copying.");
        log.WriteLine($"scale-out: block 0 has {string.Join(", ", template.Select(t => $"{t.Value.Rows.Count} {t.Key}"))}; reminder hashes match Orleans' ({remRows.Count})");

        var copied = 0;
        for (var k = 1; k < blocks; k++)
        {
            await using (var exists = db.CreateCommand())
            {
                exists.CommandText = "SELECT COUNT(*) FROM warmte_snapshot WHERE grain_type = 'cooperative' AND grain_key = @key";
                AddParameter(exists, "@key", set.CooperativeId(k * u));
                if (Convert.ToInt64(await exists.ExecuteScalarAsync()) > 0) continue;
            }
            await using var tx = await db.BeginTransactionAsync();
            foreach (var (table, (columns, rows)) in template)
            {
                // One row of the copy: block 0's values renumbered for block k.
                object?[] Copy(object?[] row)
                {
                    var values = row.Select(v => v is string s ? renumber.Apply(s, k) : v).ToArray();
                    if (table == "warmte_project_summary")
                    {
                        // The summary is binary (ProjectSummaryCodec) with block 0's ids inside: the copy is a
                        // placeholder (empty, stale) that the service recomputes on its first read.
                        values[Column(columns, "summary")] = Array.Empty<byte>();
                        values[Column(columns, "computed")] = -1L;
                        values[Column(columns, "as_of")] = "";
                    }
                    if (table == "OrleansRemindersTable")
                    {
                        values[gh] = GrainHash((string)values[gi]!);
                        // Projects created over time register at different times of day: spread the blocks over 24 h.
                        var start = row[st] is DateTime at ? at : DateTime.Parse((string)row[st]!, System.Globalization.CultureInfo.InvariantCulture);
                        var spread = start.AddSeconds(86_400.0 * k / blocks);
                        values[st] = postgres ? spread : spread.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", System.Globalization.CultureInfo.InvariantCulture);
                    }
                    if (table == "warmte_alert_due")
                    {
                        // The copy's own slice, and its due time spread over the day like the reminders'.
                        values[Column(columns, "slice")] = AlertSlice((string)values[Column(columns, "project_id")]!);
                        var dueAt = Column(columns, "due_at");
                        values[dueAt] = Convert.ToInt64(row[dueAt]) + 86_400_000L * k / blocks;
                    }
                    return values;
                }

                if (db is NpgsqlConnection pg)
                {
                    var types = pgTypes[table];
                    await using var copy = await pg.BeginBinaryImportAsync($"COPY {table} ({string.Join(", ", columns)}) FROM STDIN (FORMAT BINARY)");
                    foreach (var row in rows)
                    {
                        await copy.StartRowAsync();
                        var values = Copy(row);
                        for (var i = 0; i < values.Length; i++)
                            if (values[i] is null or DBNull) await copy.WriteNullAsync();
                            else await copy.WriteAsync(values[i], types[i]);
                    }
                    await copy.CompleteAsync();
                    continue;
                }
                await using var insert = db.CreateCommand();
                insert.Transaction = tx;
                insert.CommandText = $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select((_, i) => "@p" + i))})";
                var parameters = columns.Select((_, i) => AddParameter(insert, "@p" + i, null)).ToArray();
                insert.Prepare();
                foreach (var row in rows)
                {
                    var values = Copy(row);
                    for (var i = 0; i < values.Length; i++) parameters[i].Value = values[i] ?? DBNull.Value;
                    await insert.ExecuteNonQueryAsync();
                }
            }
            await tx.CommitAsync();
            copied++;
            if (k % Math.Max(1, blocks / 20) == 0) log.WriteLine($"  scale-out: block {k + 1}/{blocks} ({clock.Elapsed.TotalSeconds:0} s)");
        }

        // The registry (Orleans' grain storage, one row): every cooperative and umbrella, as creating them would have listed them.
        await using (var read = db.CreateCommand())
        {
            read.CommandText = "SELECT PayloadBinary FROM OrleansStorage WHERE GrainTypeString = 'registry'";
            var payload = (byte[]?)await read.ExecuteScalarAsync() ?? throw new InvalidOperationException("No registry row.");
            var registry = JsonNode.Parse(payload)!.AsObject();
            var coops = registry["cooperatives"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
            var umbrellas = registry["umbrellas"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
            coops.AddRange(Enumerable.Range(0, set.Cooperatives).Select(set.CooperativeId).Except(coops));
            umbrellas.AddRange(Enumerable.Range(0, blocks).Select(set.UmbrellaId).Except(umbrellas));
            registry["cooperatives"] = new JsonArray([.. coops.Select(c => (JsonNode)c)]);
            registry["umbrellas"] = new JsonArray([.. umbrellas.Select(x => (JsonNode)x)]);
            await using var write = db.CreateCommand();
            write.CommandText = "UPDATE OrleansStorage SET PayloadBinary = @p, Version = Version + 1 WHERE GrainTypeString = 'registry'";
            AddParameter(write, "@p", Encoding.UTF8.GetBytes(registry.ToJsonString()));
            await write.ExecuteNonQueryAsync();
        }
        await Exec(db, postgres ? "VACUUM (ANALYZE)" : "PRAGMA wal_checkpoint(TRUNCATE);");
        long bytes;
        if (postgres)
        {
            await using var size = db.CreateCommand();
            size.CommandText = "SELECT pg_database_size(current_database())";
            bytes = Convert.ToInt64(await size.ExecuteScalarAsync());
        }
        else bytes = new FileInfo(target).Length;
        log.WriteLine($"scale-out: {copied} block(s) copied, {set.Cooperatives} cooperatives, {set.Projects} projects, {clock.Elapsed.TotalSeconds:0} s");
        return new MeasurementResult
        {
            Kind = "scale-out", Label = postgres ? new NpgsqlConnectionStringBuilder(target).Database ?? "PostgreSQL" : target, StartedAt = started, Seconds = clock.Elapsed.TotalSeconds, Urls = [], Concurrency = 1,
            Operations = [],
            Figures = new() { ["blocks copied"] = copied, ["cooperatives"] = set.Cooperatives, ["projects"] = set.Projects, ["database bytes"] = bytes },
        };
    }

    /// <summary>Reads copies through the service and compares each answer with block 0's, renumbered: any difference fails.</summary>
    public static async Task<MeasurementResult> CheckAsync(ServiceClient api, Dataset set, TextWriter log)
    {
        var u = set.CooperativesPerUmbrella;
        var blocks = set.Cooperatives / u;
        var renumber = new Renumber(set);
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var recorder = new Recorder();
        var compared = 0;
        var differences = new List<string>();
        foreach (var k in new[] { 1, blocks / 2, blocks - 1 }.Where(k => k > 0).Distinct())
        {
            for (var c = 0; c < u; c += Math.Max(1, u / 3))
            {
                var coop = set.CooperativeId(c);
                var p = set.ProjectId(c, (c + k) % set.ProjectsPerCooperative);
                string[] paths = c > 0 ? [] : [$"api/umbrellas/{set.UmbrellaId(0)}"];
                paths =
                [
                    .. paths,
                    $"api/projects/{p}", $"api/projects/{p}/grants", $"api/projects/{p}/grants/audit", $"api/projects/{p}/spending",
                    $"api/projects/{p}/cash-position", $"api/projects/{p}/alerts", $"api/cooperatives/{coop}", $"api/cooperatives/{coop}/audit",
                    $"api/cooperatives/{coop}/members",
                ];
                foreach (var path in paths)
                {
                    var original = await api.GetAsync(path, readBody: true);
                    var copy = await api.GetAsync(renumber.Apply(path, k), readBody: true);
                    recorder.For("read").Record(original.Status, original.Micros);
                    recorder.For("read").Record(copy.Status, copy.Micros);
                    compared++;
                    // The umbrella comparison sorts its rows by cooperative name, and renumbered names sort differently
                    // ("… 1000 U.A." before "… 991 U.A."): compare its rows as a set there, everything else byte for byte.
                    var unordered = path.StartsWith("api/umbrellas/", StringComparison.Ordinal);
                    if (!original.Ok || copy.Status != original.Status
                        || Normal(renumber.Apply(original.Body ?? "", k), unordered) != Normal(copy.Body ?? "", unordered))
                        differences.Add($"{renumber.Apply(path, k)}: {copy.Status} {Cut(copy.Body)} — expected {original.Status} {Cut(renumber.Apply(original.Body ?? "", k))}");
                }
            }
        }
        foreach (var d in differences) log.WriteLine("  DIFFERENT " + d);
        log.WriteLine($"scale-check: {compared} answers of copies compared with block 0's: {differences.Count} different");
        if (differences.Count > 0) throw new InvalidOperationException($"{differences.Count} copied answers differ from the service's own.");
        return new MeasurementResult
        {
            Kind = "scale-check", Label = "copies read like block 0", StartedAt = started, Seconds = clock.Elapsed.TotalSeconds, Urls = api.BaseUrls, Concurrency = 1,
            Operations = recorder.Results(clock.Elapsed.TotalSeconds), Figures = new() { ["answers compared"] = compared, ["different"] = differences.Count },
        };
    }

    private static string Normal(string body, bool unorderedRows)
    {
        if (!unorderedRows) return body;
        var node = JsonNode.Parse(body)!.AsObject();
        if (node["rows"] is JsonArray rows)
            node["rows"] = new JsonArray([.. rows.Select(r => r!.ToJsonString()).Order(StringComparer.Ordinal).Select(r => JsonNode.Parse(r))]);
        return node.ToJsonString();
    }

    private static string Cut(string? s) => s is { Length: > 300 } ? s[..300] + "…" : s ?? "";

    /// <summary>A column's index by name; PostgreSQL folds unquoted column names to lower case.</summary>
    private static int Column(string[] columns, string name) => Array.FindIndex(columns, c => string.Equals(c, name, StringComparison.OrdinalIgnoreCase));

    private static DbParameter AddParameter(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return parameter;
    }

    /// <summary>The COPY type of a column, from the name PostgreSQL reports for it.</summary>
    private static NpgsqlDbType PgType(string name) => name.Split('(')[0].Trim() switch // "character varying(150)": the type without its length
    {
        "text" => NpgsqlDbType.Text,
        "character varying" or "varchar" => NpgsqlDbType.Varchar,
        "jsonb" => NpgsqlDbType.Jsonb,
        "bytea" => NpgsqlDbType.Bytea,
        "bigint" => NpgsqlDbType.Bigint,
        "integer" => NpgsqlDbType.Integer,
        "smallint" => NpgsqlDbType.Smallint,
        "boolean" => NpgsqlDbType.Boolean,
        "timestamp with time zone" or "timestamptz" => NpgsqlDbType.TimestampTz,
        _ => throw new NotSupportedException($"scale-out: no COPY type for the column type '{name}'."),
    };

    private static async Task Exec(DbConnection db, string sql)
    {
        await using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync();
    }
}
