using Warmte.Alerts;
using Warmte.Silo.Demo;

namespace Warmte.Silo.Hosting;

/// <summary>
/// After the silo starts: loads the demo if asked, then makes sure every alert sweep has its stored
/// reminder (<see cref="AlertSweepSchedule.Slices"/> grains, whatever the number of projects; each
/// checks its reminder once per activation). The projects' due times are rows of warmte_alert_due,
/// written when a project is created, and for a database of an earlier release once, by the schema
/// migrator before Orleans starts (<see cref="Storage.AlertSweepUpgrade"/>), which also removes the
/// per-project reminders of that release. Nothing here reads or activates a project.
/// </summary>
public static class AlertWatchStartup
{
    public static void Start(WebApplication app, bool loadDemoFirst)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Warmte.Startup");
        _ = Task.Run(async () =>
        {
            if (loadDemoFirst)
            {
                var readiness = app.Services.GetRequiredService<DemoReadiness>();
                try
                {
                    var result = await app.Services.GetRequiredService<DemoData>().LoadAsync();
                    readiness.MarkLoaded();
                    logger.LogInformation("Demo: {Message}", result.Message);
                }
                catch (Exception ex)
                {
                    readiness.MarkFailed();
                    logger.LogError(ex, "Loading the demo data failed; /health/ready stays 503 (demo: laden mislukt) until a start loads it");
                }
            }
            try
            {
                await StartSweepsAsync(app.Services.GetRequiredService<IGrainFactory>(), logger);
            }
            catch (Exception ex) when (!app.Lifetime.ApplicationStopping.IsCancellationRequested)
            {
                logger.LogError(ex, "Starting the alert sweeps failed; alerts are still computed on every read and after every change");
            }
            catch (Exception)
            {
                // Stopping: the next start starts them.
            }
        });
    }

    /// <summary>Starts every sweep (idempotent: a sweep whose reminder is stored keeps its schedule).</summary>
    public static async Task StartSweepsAsync(IGrainFactory grains, ILogger logger)
    {
        await Task.WhenAll(Enumerable.Range(0, AlertSweepSchedule.Slices).Select(i => grains.GetGrain<IAlertSweepGrain>(i).Start()));
        logger.LogInformation("Alert sweeps started: {Slices} slices", AlertSweepSchedule.Slices);
    }
}
