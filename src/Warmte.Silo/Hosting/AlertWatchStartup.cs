using Warmte.Alerts;
using Warmte.Cooperatives;
using Warmte.Registry;
using Warmte.Silo.Demo;

namespace Warmte.Silo.Hosting;

/// <summary>
/// After the silo starts: loads the demo if asked, then makes every project's alert watch register
/// its reminder. With the embedded default the reminders live in memory, so this re-registration
/// at every start is what makes the daily evaluation survive restarts; on PostgreSQL the reminders
/// are stored and this is a harmless repeat.
/// </summary>
public static class AlertWatchStartup
{
    private const int WatchesAtOnce = 16;

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
                var grains = app.Services.GetRequiredService<IGrainFactory>();
                var projects = await ProjectDirectory.AllProjectIdsAsync(grains);
                // A bounded number at a time: all at once (10,000 projects) exhausted the storage connection
                // pool and failed activations for minutes after a start (measured in issue 8, docs/performance.md).
                var failed = 0;
                await Parallel.ForEachAsync(projects, new ParallelOptions { MaxDegreeOfParallelism = WatchesAtOnce }, async (p, _) =>
                {
                    try { await grains.GetGrain<IAlertWatchGrain>(p).Watch(); }
                    catch (Exception) { Interlocked.Increment(ref failed); }
                });
                if (failed > 0) logger.LogWarning("Alert watches not registered for {Failed} of {Count} projects; their alerts are still computed on every read", failed, projects.Length);
                logger.LogInformation("Alert watches registered for {Count} projects", projects.Length - failed);
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Registering the alert watches failed; alerts are still computed on every read");
            }
        });
    }
}
