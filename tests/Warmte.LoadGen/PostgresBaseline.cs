using System.Diagnostics;
using Npgsql;

namespace Warmte.LoadGen;

/// <summary>
/// The physical limit for persisted writes: single-row upserts with Npgsql straight into a table
/// of its own on the service's database (same server, same settings), with a payload of the size
/// the service writes for one grain state, by the same number of concurrent clients.
/// </summary>
public static class PostgresBaseline
{
    public const string Table = "loadgen_raw_upsert";

    /// <summary>Average stored size of the grain states a spending booking rewrites (the project's cash plan), or null when none are stored.</summary>
    public static async Task<int?> CashPlanStateBytesAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        // Since the journal (docs/storage.md) a booking writes the cash plan's snapshot plus one journal
        // row and its key; before, the whole OrleansStorage row. Whichever the database has.
        string[] queries =
        [
            "SELECT avg(octet_length(state::text))::int FROM warmte_snapshot WHERE grain_type = 'cashplan'",
            "SELECT avg(octet_length(payloadbinary))::int FROM orleansstorage WHERE graintypestring ILIKE '%cashplan%'",
        ];
        foreach (var query in queries)
        {
            try
            {
                await using var cmd = new NpgsqlCommand(query, connection);
                if (await cmd.ExecuteScalarAsync() is int bytes) return bytes;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
            {
                // a database of a release before the journal: the next query
            }
        }
        return null;
    }

    public static async Task<(Recorder Recorder, double Seconds)> RunAsync(
        string connectionString, int clients, TimeSpan duration, TimeSpan warmup, int payloadBytes, int rows)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = Math.Max(clients + 2, 10) };
        await using var dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        await using (var create = dataSource.CreateCommand(
            $"CREATE TABLE IF NOT EXISTS {Table} (id integer PRIMARY KEY, version integer NOT NULL, payload bytea NOT NULL, modified timestamptz NOT NULL DEFAULT now())"))
            await create.ExecuteNonQueryAsync();

        var recorder = new Recorder();
        var clock = Stopwatch.StartNew();
        var end = warmup + duration;
        var workers = Enumerable.Range(0, clients).Select(i => Task.Run(async () =>
        {
            var rng = new Random(31 * i + 5);
            var payload = new byte[payloadBytes];
            await using var connection = await dataSource.OpenConnectionAsync();
            // The same statement shape as the grain storage write: one row, one round trip, version bumped in the row.
            await using var upsert = new NpgsqlCommand(
                $"INSERT INTO {Table} (id, version, payload) VALUES (@id, 1, @payload) " +
                $"ON CONFLICT (id) DO UPDATE SET payload = excluded.payload, version = {Table}.version + 1, modified = now()", connection);
            var id = new NpgsqlParameter<int>("id", 0);
            upsert.Parameters.Add(id);
            var data = new NpgsqlParameter<byte[]>("payload", payload);
            upsert.Parameters.Add(data);
            while (clock.Elapsed < end)
            {
                rng.NextBytes(payload);
                id.TypedValue = rng.Next(rows);
                data.TypedValue = payload;
                var startedAt = clock.Elapsed;
                var started = Stopwatch.GetTimestamp();
                int status;
                try
                {
                    await upsert.ExecuteNonQueryAsync();
                    status = 200;
                }
                catch (NpgsqlException)
                {
                    status = 500;
                }
                if (startedAt >= warmup) recorder.For("raw upsert").Record(status, (long)(Stopwatch.GetElapsedTime(started).TotalMilliseconds * 1000));
            }
        })).ToArray();
        await Task.WhenAll(workers);
        return (recorder, (clock.Elapsed - warmup).TotalSeconds);
    }
}
