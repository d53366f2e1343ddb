using NodaTime;
using Warmte.Alerts;

namespace Warmte.Silo.Storage;

/// <summary>
/// The alert sweep's due table (warmte_alert_due, sqlite/0009, postgresql/0010) on SQLite or PostgreSQL:
/// one row per project, read per slice through the (slice, due_at) index. Due times are milliseconds
/// since the Unix epoch (UTC), so both engines compare and sort them alike.
/// </summary>
public sealed class AdoNetAlertDueStore(Database database) : IAlertDueStore
{
    public async Task<bool> AddAsync(string projectId, int slice, Instant dueAt)
    {
        await using var connection = await database.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "INSERT INTO warmte_alert_due (project_id, slice, due_at) VALUES (@project, @slice, @due) ON CONFLICT (project_id) DO NOTHING";
        Database.Parameter(cmd, "project", projectId);
        Database.Parameter(cmd, "slice", slice);
        Database.Parameter(cmd, "due", dueAt.ToUnixTimeMilliseconds());
        return await cmd.ExecuteNonQueryAsync() > 0;
    }

    public async Task<IReadOnlyList<DueWatch>> DueAsync(int slice, Instant now, int take)
    {
        await using var connection = await database.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT project_id, due_at FROM warmte_alert_due WHERE slice = @slice AND due_at <= @now ORDER BY due_at, project_id LIMIT @take";
        Database.Parameter(cmd, "slice", slice);
        Database.Parameter(cmd, "now", now.ToUnixTimeMilliseconds());
        Database.Parameter(cmd, "take", take);
        await using var reader = await cmd.ExecuteReaderAsync();
        var due = new List<DueWatch>();
        while (await reader.ReadAsync())
            due.Add(new DueWatch(reader.GetString(0), Instant.FromUnixTimeMilliseconds(Convert.ToInt64(reader.GetValue(1)))));
        return due;
    }

    public async Task<bool> MoveAsync(string projectId, Instant from, Instant to)
    {
        await using var connection = await database.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "UPDATE warmte_alert_due SET due_at = @to WHERE project_id = @project AND due_at = @from";
        Database.Parameter(cmd, "project", projectId);
        Database.Parameter(cmd, "from", from.ToUnixTimeMilliseconds());
        Database.Parameter(cmd, "to", to.ToUnixTimeMilliseconds());
        try
        {
            return await cmd.ExecuteNonQueryAsync() > 0;
        }
        catch (Exception e) when (StorageSpace.IsFull(e) && e is not Journal.StorageFullException)
        {
            // The sweep keeps a full disk quiet (it has its one warning per episode): it must recognise it without the driver.
            throw new Journal.StorageFullException($"The database is full; the due time was not moved ({StorageSpace.Describe(e)}).");
        }
    }
}
