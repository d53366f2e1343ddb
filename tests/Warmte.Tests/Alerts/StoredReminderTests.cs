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
/// Reminders are stored on both engines, so the pass that registers every project's alert watch
/// runs once per database: a restart on the same data skips it, and the watch still fires after
/// the restart from its stored reminder. A database without the record (one from before stored
/// reminders) gets the pass once. Observed from outside through the start-up log.
/// </summary>
public sealed class StoredReminderTests
{
    [Fact]
    public Task The_registration_pass_runs_once_and_the_stored_reminder_fires_after_a_restart_on_sqlite() =>
        RestartTwice(dataDir: WarmteServer.NewDataDir(), postgres: null);

    [Fact]
    public async Task The_registration_pass_runs_once_and_the_stored_reminder_fires_after_a_restart_on_postgresql()
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
            // A new database: the pass runs over no projects and is recorded.
            await Eventually(() => Task.FromResult(Passes(firstLogs).Contains("Alert watches registered for 0 projects")));
            var admin = first.Client();
            await ApiCalls.SeedCooperativeWithProject(admin, "ketelhuiswg", "wg-terrein");
            // Due in ten days: no alert yet. Creating the project registered its watch (stored reminder).
            await admin.Put("api/projects/wg-terrein/milestones/start-bouw", new { name = "Start bouw", plannedOn = "2026-12-02" });
            var watch = first.App.Services.GetRequiredService<IGrainFactory>().GetGrain<IAlertWatchGrain>("wg-terrein");
            await Eventually(async () => (await watch.History()).LastEvaluatedAt is not null);
            Assert.Empty((await watch.History()).Active);
        }

        // Only time passes, while the silo is down. After the restart nothing calls the watch: its
        // stored reminder must fire, and the start-up pass must not run again.
        clock.AdvanceDays(20);
        var secondLogs = new CapturedLogs();
        await using (var second = await Start(dataDir, postgres, clock, secondLogs))
        {
            await Eventually(() => Task.FromResult(Passes(secondLogs).Contains("start-up pass skipped")));
            var watch = second.App.Services.GetRequiredService<IGrainFactory>().GetGrain<IAlertWatchGrain>("wg-terrein");
            await Eventually(async () => (await watch.History()).Active.Any(a => a.Alert.Kind == "milestone-overdue"));
            Assert.DoesNotContain("Alert watches registered for", Passes(secondLogs));

            // Make this a database from before the record (reminders were in memory then).
            var database = second.App.Services.GetRequiredService<Database>();
            await using var connection = await database.OpenAsync();
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = "DELETE FROM warmte_startup_step WHERE name = @name";
            Database.Parameter(cmd, "name", AlertWatchStartup.StepName);
            Assert.Equal(1, await cmd.ExecuteNonQueryAsync());
        }

        var thirdLogs = new CapturedLogs();
        await using (await Start(dataDir, postgres, clock, thirdLogs))
            await Eventually(() => Task.FromResult(Passes(thirdLogs).Contains("Alert watches registered for 1 projects")));

        var fourthLogs = new CapturedLogs();
        await using (await Start(dataDir, postgres, clock, fourthLogs))
        {
            await Eventually(() => Task.FromResult(Passes(fourthLogs).Contains("start-up pass skipped")));
            Assert.DoesNotContain("Alert watches registered for", Passes(fourthLogs));
        }
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
