using System.Data.Common;
using NodaTime;
using Warmte.Alerts;

namespace Warmte.Silo.Storage;

/// <summary>
/// Once per database, before Orleans starts (schema migrator, under its lock): every project gets its
/// row in the alert sweep's due table, and the per-project alert reminders of the releases before
/// (GrainId 'alertwatch/…', name 'alerts') are deleted, so Orleans' reminder service never loads
/// them. A project keeps its time of day: due when its old reminder would have fired next; a project
/// without one (a database from before stored reminders) is due at its own place in the next period
/// (<see cref="AlertWatchSchedule.FirstDue"/>). Reads only the project keys and the reminder rows,
/// activates no grain, all in one transaction; recorded as 'alert-sweep-due-times' in
/// warmte_startup_step, so later starts read one row. docs/storage.md, "Alert sweeps".
/// </summary>
public sealed class AlertSweepUpgrade(Database database, IClock clock, TimeSpan period, ILogger logger)
{
    public const string StepName = "alert-sweep-due-times";

    /// <summary>Does the step unless the database records it; returns whether it ran.</summary>
    public async Task<bool> RunAsync(DbConnection connection, CancellationToken cancellationToken = default)
    {
        if (await StartupSteps.IsDoneAsync(connection, StepName, cancellationToken)) return false;
        var pg = database.IsPostgres;
        var now = clock.GetCurrentInstant();
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);

        var projects = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.Transaction = tx;
            list.CommandText = "SELECT grain_key FROM warmte_snapshot WHERE grain_type = @type";
            Database.Parameter(list, "type", Projects.ProjectGrain.JournalType);
            await using var reader = await list.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) projects.Add(reader.GetString(0));
        }
        var reminders = new Dictionary<string, Instant>(StringComparer.Ordinal);
        await using (var list = connection.CreateCommand())
        {
            list.Transaction = tx;
            list.CommandText = "SELECT GrainId, StartTime, Period FROM OrleansRemindersTable WHERE ReminderName = @name AND GrainId LIKE 'alertwatch/%'";
            Database.Parameter(list, "name", AlertWatchGrain.ReminderName);
            await using var reader = await list.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var project = reader.GetString(0)["alertwatch/".Length..];
                var start = Instant.FromDateTimeUtc(DateTime.SpecifyKind(reader.GetDateTime(1), DateTimeKind.Utc));
                var every = TimeSpan.FromMilliseconds(Convert.ToInt64(reader.GetValue(2)));
                var at = AlertSweepSchedule.FromReminder(start, every, now);
                // Several services in one database: the earliest.
                reminders[project] = reminders.TryGetValue(project, out var other) && other < at ? other : at;
            }
        }

        var rows = projects.Select(p => (Project: p, Slice: AlertSweepSchedule.SliceOf(p),
            Due: reminders.TryGetValue(p, out var at) ? at : AlertSweepSchedule.FirstDueAt(p, null, now, period))).ToList();
        if (pg)
        {
            await using var insert = connection.CreateCommand();
            insert.Transaction = tx;
            insert.CommandText = "INSERT INTO warmte_alert_due (project_id, slice, due_at) SELECT * FROM unnest(@projects, @slices, @dues) ON CONFLICT (project_id) DO NOTHING";
            Database.Parameter(insert, "projects", rows.Select(r => r.Project).ToArray());
            Database.Parameter(insert, "slices", rows.Select(r => r.Slice).ToArray());
            Database.Parameter(insert, "dues", rows.Select(r => r.Due.ToUnixTimeMilliseconds()).ToArray());
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        else
        {
            await using var insert = connection.CreateCommand();
            insert.Transaction = tx;
            insert.CommandText = "INSERT INTO warmte_alert_due (project_id, slice, due_at) VALUES (@project, @slice, @due) ON CONFLICT (project_id) DO NOTHING";
            var project = insert.CreateParameter(); project.ParameterName = "project"; insert.Parameters.Add(project);
            var slice = insert.CreateParameter(); slice.ParameterName = "slice"; insert.Parameters.Add(slice);
            var due = insert.CreateParameter(); due.ParameterName = "due"; insert.Parameters.Add(due);
            foreach (var r in rows)
            {
                project.Value = r.Project; slice.Value = r.Slice; due.Value = r.Due.ToUnixTimeMilliseconds();
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        int removed;
        await using (var delete = connection.CreateCommand())
        {
            delete.Transaction = tx;
            delete.CommandText = "DELETE FROM OrleansRemindersTable WHERE ReminderName = @name AND GrainId LIKE 'alertwatch/%'";
            Database.Parameter(delete, "name", AlertWatchGrain.ReminderName);
            removed = await delete.ExecuteNonQueryAsync(cancellationToken);
        }
        var detail = $"{rows.Count} projects, {removed} per-project reminders removed";
        await StartupSteps.RecordAsync(connection, tx, StepName, now, detail, cancellationToken);
        await tx.CommitAsync(cancellationToken);
        logger.LogInformation("Alert sweep: due times of {Count} projects written, {Removed} per-project reminders removed", rows.Count, removed);
        return true;
    }
}

/// <summary>The warmte_startup_step table: one row per one-time step done on this database.</summary>
public static class StartupSteps
{
    public static async Task<bool> IsDoneAsync(DbConnection connection, string name, CancellationToken cancellationToken = default)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM warmte_startup_step WHERE name = @name";
        Database.Parameter(cmd, "name", name);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(cancellationToken)) > 0;
    }

    public static async Task RecordAsync(DbConnection connection, DbTransaction? tx, string name, Instant at, string detail, CancellationToken cancellationToken = default)
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "INSERT INTO warmte_startup_step (name, done_at, detail) VALUES (@name, @at, @detail) ON CONFLICT (name) DO NOTHING";
        Database.Parameter(cmd, "name", name);
        Database.Parameter(cmd, "at", at.ToString());
        Database.Parameter(cmd, "detail", detail);
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }
}
