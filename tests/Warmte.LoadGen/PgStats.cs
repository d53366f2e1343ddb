using Npgsql;

namespace Warmte.LoadGen;

/// <summary>
/// PostgreSQL's own counters for the database (pg_stat_database): transactions committed and rows
/// written and read, so write-compare can say how much database work one booking is. Counters
/// reach the view within about a second (backends flush their statistics when idle).
/// </summary>
public static class PgStats
{
    public readonly record struct Reading(long Commits, long RowsWritten, long RowsRead);

    public static async Task<Reading> ReadAsync(string connectionString)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var cmd = new NpgsqlCommand(
                "SELECT xact_commit, tup_inserted + tup_updated + tup_deleted, tup_returned + tup_fetched FROM pg_stat_database WHERE datname = current_database()",
                connection);
            await using var reader = await cmd.ExecuteReaderAsync();
            return await reader.ReadAsync() ? new Reading(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2)) : default;
        }
        catch (NpgsqlException)
        {
            return default;
        }
    }
}
