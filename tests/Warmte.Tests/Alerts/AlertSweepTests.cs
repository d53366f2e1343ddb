using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using Orleans;
using Warmte.Alerts;
using Warmte.Silo.Storage;
using Warmte.Tests.Infrastructure;
using Warmte.Tests.Storage;

namespace Warmte.Tests.Alerts;

/// <summary>
/// The alert sweeps (issue 15): a fixed number of sweep grains read their slice's due projects from
/// warmte_alert_due and evaluate those, and only those; a database of the release before, whose
/// projects each had a stored reminder, is upgraded at its first start to due rows at the same times of
/// day, without any per-project reminder left, and its alerts still fire. Real SQLite files and the
/// PostgreSQL fixture.
/// </summary>
public sealed class AlertSweepTests
{
    private const string FixtureToken = "fixture-admin-token-0123456789abcdef0123456789";

    [Fact]
    public Task A_sweep_evaluates_the_due_projects_and_not_the_others_on_sqlite() => DueAndNotDue(postgres: null);

    [Fact]
    public async Task A_sweep_evaluates_the_due_projects_and_not_the_others_on_postgresql() =>
        await DueAndNotDue(await (await PostgresServer.GetAsync()).CreateDatabaseAsync());

    [Fact]
    public Task An_upgraded_sqlite_file_has_no_per_project_reminders_and_its_alerts_still_fire()
    {
        var (dataDir, database) = StoredFixtures.Sqlite("release-ba5f89c-businesscase.sqlite.db");
        return Upgrades(database, clock => WarmteServer.StartAsync(dataDir, clock: clock));
    }

    [Fact]
    public async Task An_upgraded_postgresql_dump_has_no_per_project_reminders_and_its_alerts_still_fire()
    {
        var (connectionString, database) = await StoredFixtures.PostgresAsync("release-ba5f89c-businesscase.postgresql.sql");
        await Upgrades(database, clock => WarmteServer.StartAsync(postgres: connectionString, clock: clock));
    }

    [Fact]
    public async Task A_retried_project_creation_registers_a_watch_the_first_try_did_not_store()
    {
        // The first try stored the project and its link, then met a full disk at the alert watch (review17): the API
        // answered 503, the board tries again and gets "bestaat al"; the sweep must still know the project.
        await using var server = await WarmteServer.StartAsync();
        var admin = server.Client();
        var database = server.App.Services.GetRequiredService<Database>();
        await ApiCalls.SeedCooperativeWithProject(admin, "retrycoop", "retry-project");
        Assert.NotNull(await DueRow(database, "retry-project"));
        await using (var connection = await database.OpenAsync())
        await using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = "DELETE FROM warmte_alert_due WHERE project_id = 'retry-project'";
            Assert.Equal(1, await cmd.ExecuteNonQueryAsync());
        }

        var retry = await admin.Post("api/cooperatives/retrycoop/projects", new
        {
            id = "retry-project", name = "Warmtenet opnieuw", woningequivalenten = 100, plannedConnections = 80, startedOn = "2018-01-01",
        });
        Assert.Equal(System.Net.HttpStatusCode.Conflict, retry.Status);
        Assert.Equal(AlertSweepSchedule.SliceOf("retry-project"), (await DueRow(database, "retry-project"))!.Value.Slice);
    }

    private static async Task DueAndNotDue(string? postgres)
    {
        var clock = new FakeClock(Instant.FromUtc(2026, 11, 22, 10, 0));
        await using var server = await WarmteServer.StartAsync(postgres: postgres, clock: clock);
        var admin = server.Client();
        var grains = server.App.Services.GetRequiredService<IGrainFactory>();
        var database = server.App.Services.GetRequiredService<Database>();
        await ApiCalls.SeedCooperativeWithProject(admin, "ketelhuiswg", "due-project");
        var other = await admin.Post("api/cooperatives/ketelhuiswg/projects", new
        {
            id = "later-project", name = "Warmtenet later", woningequivalenten = 100, plannedConnections = 80, startedOn = "2018-01-01",
        });
        Assert.Equal(System.Net.HttpStatusCode.Created, other.Status);
        foreach (var p in new[] { "due-project", "later-project" })
        {
            // Due in ten days: no alert yet (the change itself is evaluated at once).
            await admin.Put($"api/projects/{p}/milestones/start-bouw", new { name = "Start bouw", plannedOn = "2026-12-02" });
            var watch = grains.GetGrain<IAlertWatchGrain>(p);
            await Eventually(async () => (await watch.History()).LastEvaluatedAt is not null);
            // The first evaluation may be the creation's; the milestone's change is queued on the summary grain, which
            // handles one call at a time: a call behind it returns once that change's evaluation is done, so none is
            // left to run after the clock moves (it would be an evaluation the sweep did not make).
            await grains.GetGrain<IProjectSummaryGrain>(p).Current();
            Assert.Empty((await watch.History()).Active);
            // Creating the project gave it a due row in its own slice.
            Assert.Equal(AlertSweepSchedule.SliceOf(p), (await DueRow(database, p))!.Value.Slice);
        }

        // Twenty days on, by time alone both milestones are overdue; only one project is due.
        clock.AdvanceDays(20);
        var now = clock.GetCurrentInstant();
        var dueAt = now - Duration.FromMinutes(3);
        var laterAt = now + Duration.FromHours(2);
        await SetDue(database, "due-project", dueAt);
        await SetDue(database, "later-project", laterAt);

        foreach (var slice in new[] { AlertSweepSchedule.SliceOf("due-project"), AlertSweepSchedule.SliceOf("later-project") }.Distinct())
            await grains.GetGrain<IAlertSweepGrain>(slice).Sweep();

        var due = await grains.GetGrain<IAlertWatchGrain>("due-project").History();
        Assert.Contains(due.Active, a => a.Alert.Kind == "milestone-overdue");
        Assert.Equal(now, due.LastEvaluatedAt);
        var later = await grains.GetGrain<IAlertWatchGrain>("later-project").History();
        Assert.Empty(later.Active);
        Assert.NotEqual(now, later.LastEvaluatedAt);

        // The evaluated project is next due one period (a day) after its due time, keeping its time of day; the other is untouched.
        Assert.Equal(dueAt + Duration.FromDays(1), (await DueRow(database, "due-project"))!.Value.DueAt);
        Assert.Equal(laterAt, (await DueRow(database, "later-project"))!.Value.DueAt);

        // A second sweep at the same moment finds nothing due.
        Assert.Equal(0, await grains.GetGrain<IAlertSweepGrain>(AlertSweepSchedule.SliceOf("due-project")).Sweep());
    }

    private static async Task Upgrades(Database database, Func<IClock, Task<WarmteServer>> start)
    {
        // The fixture's per-project reminders, as the release before stored them (one per project).
        var old = new Dictionary<string, DateTime>();
        await using (var connection = await database.OpenAsync())
        await using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = "SELECT GrainId, StartTime FROM OrleansRemindersTable WHERE ReminderName = 'alerts'";
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync()) old[reader.GetString(0)["alertwatch/".Length..]] = reader.GetDateTime(1);
        }
        Assert.Equal(4, old.Count);
        Assert.Contains("wg-terrein", old.Keys);
        // Before every reminder's first tick: each project must be due exactly when its reminder would have fired.
        var clock = new FakeClock(Instant.FromDateTimeUtc(DateTime.SpecifyKind(old.Values.Min(), DateTimeKind.Utc)) - Duration.FromHours(1));

        var plannedOn = clock.GetCurrentInstant().InUtc().Date.PlusDays(10);
        await using (var server = await start(clock))
        {
            Assert.DoesNotContain(await StoredReminderTests.ReminderRows(database), r => r.StartsWith("alertwatch/", StringComparison.Ordinal));
            foreach (var (project, startTime) in old)
            {
                var row = await DueRow(database, project);
                Assert.NotNull(row);
                Assert.Equal(AlertSweepSchedule.SliceOf(project), row.Value.Slice);
                Assert.Equal(new DateTimeOffset(DateTime.SpecifyKind(startTime, DateTimeKind.Utc)).ToUnixTimeMilliseconds(), row.Value.DueAt.ToUnixTimeMilliseconds());
            }
            Assert.Contains($"{old.Count} projects, {old.Count} per-project reminders removed", await StepDetail(database, AlertSweepUpgrade.StepName));

            // A milestone due in ten days: no alert. Then time alone makes it overdue, and the sweep raises it.
            var api = server.Client(FixtureToken);
            var put = await api.Put("api/projects/wg-terrein/milestones/sweep-check", new { name = "Controle na upgrade", plannedOn = plannedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) });
            Assert.True(put.Status is System.Net.HttpStatusCode.OK or System.Net.HttpStatusCode.Created, put.Raw);
            var watch = server.App.Services.GetRequiredService<IGrainFactory>().GetGrain<IAlertWatchGrain>("wg-terrein");
            await Eventually(async () => (await watch.History()).LastEvaluatedAt == clock.GetCurrentInstant());
            Assert.DoesNotContain((await watch.History()).Active, a => a.Alert.Subject == "mijlpaal/sweep-check");
            clock.AdvanceDays(20);
            await server.App.Services.GetRequiredService<IGrainFactory>().GetGrain<IAlertSweepGrain>(AlertSweepSchedule.SliceOf("wg-terrein")).Sweep();
            Assert.Contains((await watch.History()).Active, a => a.Alert.Subject == "mijlpaal/sweep-check" && a.Alert.Kind == "milestone-overdue");
        }

        // A second start does not do the step again: no reminder comes back, the due times stay as the sweep moved them.
        var before = await DueRow(database, "wg-terrein");
        await using (await start(clock))
        {
            Assert.DoesNotContain(await StoredReminderTests.ReminderRows(database), r => r.StartsWith("alertwatch/", StringComparison.Ordinal));
            Assert.Equal(before, await DueRow(database, "wg-terrein"));
            Assert.Contains($"{old.Count} projects", await StepDetail(database, AlertSweepUpgrade.StepName));
        }
    }

    private static async Task<(int Slice, Instant DueAt)?> DueRow(Database database, string project)
    {
        await using var connection = await database.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT slice, due_at FROM warmte_alert_due WHERE project_id = @p";
        Database.Parameter(cmd, "p", project);
        await using var reader = await cmd.ExecuteReaderAsync();
        return await reader.ReadAsync()
            ? (Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture), Instant.FromUnixTimeMilliseconds(Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture)))
            : null;
    }

    private static async Task SetDue(Database database, string project, Instant at)
    {
        await using var connection = await database.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "UPDATE warmte_alert_due SET due_at = @at WHERE project_id = @p";
        Database.Parameter(cmd, "p", project);
        Database.Parameter(cmd, "at", at.ToUnixTimeMilliseconds());
        Assert.Equal(1, await cmd.ExecuteNonQueryAsync());
    }

    public static async Task<string> StepDetail(Database database, string step)
    {
        await using var connection = await database.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT detail FROM warmte_startup_step WHERE name = @n";
        Database.Parameter(cmd, "n", step);
        return (string?)await cmd.ExecuteScalarAsync() ?? "";
    }

    /// <summary>Waits for an asynchronous effect (a one-way evaluation) with a generous ceiling; not a timing assertion.</summary>
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
