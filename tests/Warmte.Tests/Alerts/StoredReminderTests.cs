using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NodaTime;
using NodaTime.Testing;
using Orleans;
using Orleans.Hosting;
using Orleans.Runtime;
using Warmte.Alerts;
using Warmte.Silo.Hosting;
using Warmte.Silo.Storage;
using Warmte.Tests.Infrastructure;
using Warmte.Tests.Operations;

namespace Warmte.Tests.Alerts;

/// <summary>
/// Reminders are stored on both engines; the alert watch's periodic evaluation rides on a fixed number
/// of alert sweeps (one stored reminder each), whatever the number of projects. After a restart on
/// the same data nothing calls the watch: its slice's sweep, from its stored reminder, finds it due
/// and raises the alert that only the passing of time made true. No per-project reminder is stored.
/// </summary>
public sealed class StoredReminderTests
{
    [Fact]
    public Task The_sweep_reminders_fire_after_a_restart_and_no_project_has_a_reminder_on_sqlite() =>
        RestartTwice(dataDir: WarmteServer.NewDataDir(), postgres: null);

    [Fact]
    public async Task The_sweep_reminders_fire_after_a_restart_and_no_project_has_a_reminder_on_postgresql()
    {
        var pg = await PostgresServer.GetAsync();
        await RestartTwice(dataDir: null, postgres: await pg.CreateDatabaseAsync());
    }

    /// <summary>
    /// The SQLite reminder queries (sqlite/0005) through Orleans' own ADO.NET reminder table, key by
    /// key: upsert and its version, read by grain and by name, both ring-range queries, the
    /// versioned delete.
    /// </summary>
    [Fact]
    public async Task Every_sqlite_reminder_query_works_through_the_orleans_provider()
    {
        await using var server = await WarmteServer.StartAsync();
        var table = server.App.Services.GetRequiredService<IReminderTable>();
        var grain = GrainId.Create("test", "stored-reminder-" + Guid.NewGuid().ToString("N"));
        var start = new DateTime(2026, 12, 6, 4, 30, 15, 250, DateTimeKind.Utc);

        var first = Assert.IsType<string>(await table.UpsertRow(new ReminderEntry { GrainId = grain, ReminderName = "a", StartAt = start, Period = TimeSpan.FromDays(1) }));
        var second = Assert.IsType<string>(await table.UpsertRow(new ReminderEntry { GrainId = grain, ReminderName = "a", StartAt = start.AddHours(1), Period = TimeSpan.FromHours(12) }));
        Assert.NotEqual(first, second);
        await table.UpsertRow(new ReminderEntry { GrainId = grain, ReminderName = "b", StartAt = start, Period = TimeSpan.FromMinutes(5) });

        var a = Assert.IsType<ReminderEntry>(await table.ReadRow(grain, "a"));
        Assert.Equal(grain, a.GrainId);
        Assert.Equal(start.AddHours(1), a.StartAt.ToUniversalTime());
        Assert.Equal(TimeSpan.FromHours(12), a.Period);
        Assert.Equal(second, a.ETag);
        Assert.Equal(["a", "b"], (await table.ReadRows(grain)).Reminders.Select(r => r.ReminderName).Order());

        var hash = grain.GetUniformHashCode();
        Assert.Contains((await table.ReadRows(hash - 1, hash)).Reminders, r => r.GrainId == grain);   // (h-1, h]
        Assert.DoesNotContain((await table.ReadRows(hash, hash - 1)).Reminders, r => r.GrainId == grain); // wraps: all but h
        Assert.Contains((await table.ReadRows(hash - 1 - int.MaxValue, hash)).Reminders, r => r.GrainId == grain);

        Assert.False(await table.RemoveRow(grain, "a", first));   // a stale version deletes nothing
        Assert.True(await table.RemoveRow(grain, "a", second));
        Assert.Equal(["b"], (await table.ReadRows(grain)).Reminders.Select(r => r.ReminderName));
    }

    private static async Task RestartTwice(string? dataDir, string? postgres)
    {
        var clock = new FakeClock(Instant.FromUtc(2026, 11, 22, 10, 0));

        var firstLogs = new CapturedLogs();
        await using (var first = await Start(dataDir, postgres, clock, firstLogs))
        {
            dataDir = first.DataDir;
            await Eventually(() => Task.FromResult(Passes(firstLogs).Contains($"Alert sweeps started: {AlertSweepSchedule.Slices} slices")));
            var admin = first.Client();
            await ApiCalls.SeedCooperativeWithProject(admin, "ketelhuiswg", "wg-terrein");
            // Due in ten days: no alert yet. Creating the project gave it a due time in its slice.
            await admin.Put("api/projects/wg-terrein/milestones/start-bouw", new { name = "Start bouw", plannedOn = "2026-12-02" });
            var watch = first.App.Services.GetRequiredService<IGrainFactory>().GetGrain<IAlertWatchGrain>("wg-terrein");
            await Eventually(async () => (await watch.History()).LastEvaluatedAt is not null);
            Assert.Empty((await watch.History()).Active);
            var reminders = await ReminderRows(first.App.Services.GetRequiredService<Database>());
            Assert.DoesNotContain(reminders, r => r.StartsWith("alertwatch/", StringComparison.Ordinal));
            Assert.Equal(AlertSweepSchedule.Slices, reminders.Count(r => r.StartsWith("alertsweep/", StringComparison.Ordinal)));
        }

        // Only time passes, while the silo is down. After the restart nothing calls the watch: its
        // sweep's stored reminder must fire and find it due.
        clock.AdvanceDays(20);
        var secondLogs = new CapturedLogs();
        await using (var second = await Start(dataDir, postgres, clock, secondLogs))
        {
            var watch = second.App.Services.GetRequiredService<IGrainFactory>().GetGrain<IAlertWatchGrain>("wg-terrein");
            await Eventually(async () => (await watch.History()).Active.Any(a => a.Alert.Kind == "milestone-overdue"));
            var reminders = await ReminderRows(second.App.Services.GetRequiredService<Database>());
            Assert.Equal(AlertSweepSchedule.Slices, reminders.Count);
            Assert.All(reminders, r => Assert.StartsWith("alertsweep/", r));
        }
    }

    /// <summary>The GrainId of every stored reminder.</summary>
    public static async Task<List<string>> ReminderRows(Database database)
    {
        await using var connection = await database.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT GrainId FROM OrleansRemindersTable";
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        return rows;
    }

    private static Task<WarmteServer> Start(string? dataDir, string? postgres, IClock clock, CapturedLogs logs) =>
        WarmteServer.StartAsync(dataDir, postgres, clock,
            extraArgs: ["--Alerts:Period", "00:00:02", "--Logging:LogLevel:Warmte.Startup", "Information"],
            configure: builder =>
            {
                builder.Logging.AddProvider(logs);
                builder.Services.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
            });

    private static string Passes(CapturedLogs logs) =>
        string.Join("\n", logs.Entries.Where(e => e.Contains("Warmte.Startup", StringComparison.Ordinal)));

    /// <summary>Waits for an asynchronous effect (a reminder tick, the start-up pass) with a generous ceiling; not a timing assertion.</summary>
    private static async Task Eventually(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The condition did not become true within 60 s.");
            await Task.Delay(200);
        }
    }
}
