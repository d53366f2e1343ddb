using System.Data.Common;
using Warmte.Alerts;
using Warmte.Cooperatives;
using Warmte.Registry;
using Warmte.Silo.Demo;
using Warmte.Silo.Storage;

namespace Warmte.Silo.Hosting;

/// <summary>
/// After the silo starts: loads the demo if asked, then, once per database, makes every project's
/// alert watch register its reminder. Reminders are stored on both engines (ADO.NET reminder
/// service), and a new project registers its watch when it is created, so the pass over all
/// projects is needed only once: for a database whose projects were created before reminders
/// were stored (the embedded default kept them in memory). The row 'alert-watches-registered' in
/// warmte_startup_step records it; later starts skip the pass, whatever the number of projects.
/// On PostgreSQL the check and the pass run under an advisory lock, so one silo does it.
/// </summary>
public static class AlertWatchStartup
{
    private const int WatchesAtOnce = 16;
    public const string StepName = "alert-watches-registered";
    // Another arbitrary constant than the migrator's ("warmte" in ASCII + 1): "alert watches".
    private const long AdvisoryLockKey = 0x7761726D7466;

    public static void Start(WebApplication app, bool loadDemoFirst)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Warmte.Startup");
        _ = Task.Run(async () =>
        {
            if (loadDemoFirst)
            {
                try
                {
                    var result = await app.Services.GetRequiredService<DemoData>().LoadAsync();
                    logger.LogInformation("Demo: {Message}", result.Message);
                }
                catch (Exception ex)
                {
                    logger.LogError(ex, "Loading the demo data failed");
                }
            }
            try
            {
                await RegisterOnceAsync(app.Services.GetRequiredService<Database>(), app.Services.GetRequiredService<IGrainFactory>(),
                    app.Services.GetRequiredService<NodaTime.IClock>(), logger, app.Lifetime.ApplicationStopping);
            }
            catch (Exception ex) when (!app.Lifetime.ApplicationStopping.IsCancellationRequested)
            {
                logger.LogError(ex, "Registering the alert watches failed; alerts are still computed on every read");
            }
            catch (Exception)
            {
                // Stopping: the pass is not recorded and runs again at the next start.
            }
        });
    }

    /// <summary>Runs the registration pass unless this database records it as done; records it when every watch registered.</summary>
    public static async Task RegisterOnceAsync(Database database, IGrainFactory grains, NodaTime.IClock clock, ILogger logger, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        if (database.IsPostgres) await ExecuteAsync(connection, "SELECT pg_advisory_lock(@key)", cancellationToken, ("key", AdvisoryLockKey));
        try
        {
            if (await IsDoneAsync(connection, cancellationToken))
            {
                logger.LogInformation("Alert watches already registered on this database; start-up pass skipped");
                return;
            }
            var projects = await ProjectDirectory.AllProjectIdsAsync(grains);
            // A bounded number at a time: all at once (10,000 projects) exhausted the storage connection
            // pool and failed activations for minutes after a start (measured in issue 8, docs/performance.md).
            var failed = 0;
            await Parallel.ForEachAsync(projects, new ParallelOptions { MaxDegreeOfParallelism = WatchesAtOnce, CancellationToken = cancellationToken }, async (p, _) =>
            {
                try { await grains.GetGrain<IAlertWatchGrain>(p).Watch(); }
                catch (Exception) { Interlocked.Increment(ref failed); }
            });
            if (failed > 0)
            {
                // Not recorded: the next start tries the whole pass again.
                logger.LogWarning("Alert watches not registered for {Failed} of {Count} projects; their alerts are still computed on every read", failed, projects.Length);
                logger.LogInformation("Alert watches registered for {Count} projects", projects.Length - failed);
                return;
            }
            await ExecuteAsync(connection, "INSERT INTO warmte_startup_step (name, done_at, detail) VALUES (@name, @at, @detail)", cancellationToken,
                ("name", StepName), ("at", clock.GetCurrentInstant().ToString()), ("detail", $"{projects.Length} projects"));
            logger.LogInformation("Alert watches registered for {Count} projects", projects.Length);
        }
        finally
        {
            if (database.IsPostgres) await ExecuteAsync(connection, "SELECT pg_advisory_unlock(@key)", CancellationToken.None, ("key", AdvisoryLockKey));
        }
    }

    private static async Task<bool> IsDoneAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM warmte_startup_step WHERE name = @name";
        Database.Parameter(cmd, "name", StepName);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(cancellationToken)) > 0;
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters) Database.Parameter(cmd, name, value);
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }
}
