using System.Diagnostics;
using Npgsql;

namespace Warmte.LoadGen;

/// <summary>
/// The physical limit for a persisted write: inserting the one fact the user sent — one spending
/// booking row, shaped and indexed like the service's journal row (<c>warmte_journal</c>: primary
/// key and both indexes), one statement per booking, with PostgreSQL's default durability (fsync
/// and synchronous_commit on) — with Npgsql straight into a table of its own on the service's
/// database, by the same number of concurrent clients.
/// </summary>
public static class PostgresBaseline
{
    public const string Table = "loadgen_raw_booking";

    /// <summary>The one statement per booking (also the HTTP floor's, <see cref="FloorServer"/>): parameters key, seq, tag, at, payload.</summary>
    public const string InsertSql =
        $"INSERT INTO {Table} (grain_type, grain_key, seq, kind, tag, at, actor, payload) " +
        "VALUES ('cashplan', @key, @seq, 'spending', @tag, @at, 'loadgen', @payload::jsonb)";

    /// <summary>The data source both the raw clients and the HTTP floor use: a pool a little larger than the clients.</summary>
    public static NpgsqlDataSource CreateDataSource(string connectionString, int clients) =>
        NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = Math.Max(clients + 2, 10) }.ConnectionString);

    /// <summary>The booking table with the journal's keys: <paramref name="fresh"/> drops a previous one (empty indexes), else it is kept if there.</summary>
    public static async Task CreateTableAsync(NpgsqlDataSource dataSource, bool fresh)
    {
        await using var create = dataSource.CreateCommand($"""
            {(fresh ? $"DROP TABLE IF EXISTS {Table};" : "")}
            CREATE TABLE IF NOT EXISTS {Table} (
                grain_type text NOT NULL, grain_key text NOT NULL, seq bigint NOT NULL, kind text NOT NULL,
                tag text NULL, at text NOT NULL, actor text NULL, payload jsonb NOT NULL,
                PRIMARY KEY (grain_type, grain_key, seq));
            CREATE INDEX IF NOT EXISTS ix_{Table}_kind ON {Table} (grain_type, grain_key, kind, seq);
            CREATE INDEX IF NOT EXISTS ix_{Table}_tag ON {Table} (grain_type, grain_key, kind, tag, seq);
            """);
        await create.ExecuteNonQueryAsync();
    }

    /// <summary>A fresh, empty booking table (before the HTTP floor's phase, as before the raw one).</summary>
    public static async Task RecreateTableAsync(string connectionString)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await CreateTableAsync(dataSource, fresh: true);
    }

    /// <summary>A booking's journal payload as the service stored it (so the raw insert writes the same bytes), or null when none is stored.</summary>
    public static async Task<string?> BookingPayloadAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        try
        {
            await using var cmd = new NpgsqlCommand(
                "SELECT payload::text FROM warmte_journal WHERE grain_type = 'cashplan' AND kind = 'spending' ORDER BY seq DESC LIMIT 1", connection);
            return await cmd.ExecuteScalarAsync() as string;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return null; // a database of a release before the journal
        }
    }

    public static async Task<(Recorder Recorder, double Seconds)> RunAsync(
        string connectionString, int clients, TimeSpan duration, TimeSpan warmup, string payload, int grains)
    {
        await using var dataSource = CreateDataSource(connectionString, clients);
        // A fresh table each run, so its indexes start as small as the journal's did.
        await CreateTableAsync(dataSource, fresh: true);

        var recorder = new Recorder();
        var clock = Stopwatch.StartNew();
        var end = warmup + duration;
        var workers = Enumerable.Range(0, clients).Select(i => Task.Run(async () =>
        {
            // Each client writes its own grains' rows (seq per grain, as the service does); no two clients collide.
            var seqs = new long[Math.Max(1, grains / clients + 1)];
            var rng = new Random(31 * i + 5);
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var insert = new NpgsqlCommand(InsertSql, connection);
            var key = new NpgsqlParameter<string>("key", "");
            var seq = new NpgsqlParameter<long>("seq", 0L);
            var tag = new NpgsqlParameter<string>("tag", "");
            var at = new NpgsqlParameter<string>("at", "");
            foreach (var p in new NpgsqlParameter[] { key, seq, tag, at, new NpgsqlParameter<string>("payload", payload) }) insert.Parameters.Add(p);
            while (clock.Elapsed < end)
            {
                var grain = rng.Next(seqs.Length);
                key.TypedValue = $"c{i}-p{grain}";
                seq.TypedValue = ++seqs[grain];
                tag.TypedValue = $"2026-{1 + rng.Next(12):00}";
                at.TypedValue = DateTimeOffset.UtcNow.ToString("O");
                var startedAt = clock.Elapsed;
                var started = Stopwatch.GetTimestamp();
                int status;
                try
                {
                    await insert.ExecuteNonQueryAsync();
                    status = 200;
                }
                catch (NpgsqlException)
                {
                    status = 500;
                }
                if (startedAt >= warmup) recorder.For("raw booking insert").Record(status, (long)(Stopwatch.GetElapsedTime(started).TotalMilliseconds * 1000));
            }
        })).ToArray();
        await Task.WhenAll(workers);
        return (recorder, (clock.Elapsed - warmup).TotalSeconds);
    }
}
