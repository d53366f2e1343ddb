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
            if (loadDemoFirst) await LoadDemoAsync(app, logger);
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

    /// <summary>How often the demo load is tried, and the wait before the second try (doubled before each next one).</summary>
    public const int DemoTries = 4;

    public static readonly TimeSpan DemoFirstRetryDelay = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Loads the demo, trying again with backoff (2, 4, 8 s) when a try fails: a transient error (a busy database, a
    /// time-out) no longer leaves the silo not ready until a restart (review R6). A retry completes what the failed
    /// try wrote (<see cref="DemoData"/>: every step skips what is there). After the last try /health/ready stays 503
    /// and says why; a restart tries again.
    /// </summary>
    private static async Task LoadDemoAsync(WebApplication app, ILogger logger)
    {
        var readiness = app.Services.GetRequiredService<DemoReadiness>();
        var demo = app.Services.GetRequiredService<DemoData>();
        var stopping = app.Lifetime.ApplicationStopping;
        var delay = DemoFirstRetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var result = await demo.LoadAsync();
                readiness.MarkLoaded();
                logger.LogInformation("Demo: {Message}", result.Message);
                return;
            }
            catch (Exception ex) when (!stopping.IsCancellationRequested)
            {
                var reason = $"{ex.GetType().Name}: {WarmteHost.ScrubbedFirstLine(ex.Message)}";
                if (attempt == DemoTries)
                {
                    readiness.MarkFailed($"{DemoTries} pogingen, de laatste: {reason}");
                    logger.LogError(ex, "Loading the demo data failed, try {Attempt} of {Tries}, the last; /health/ready stays 503 (demo: laden mislukt) until a start loads it",
                        attempt, DemoTries);
                    return;
                }
                readiness.MarkRetrying(attempt + 1, DemoTries, reason);
                logger.LogWarning(ex, "Loading the demo data failed, try {Attempt} of {Tries}; trying again in {Delay} s (what was loaded stays and is completed)",
                    attempt, DemoTries, delay.TotalSeconds);
                try
                {
                    await Task.Delay(delay, stopping);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                delay *= 2;
            }
            catch (Exception)
            {
                return; // stopping: the next start loads it
            }
        }
    }

    /// <summary>Starts every sweep (idempotent: a sweep whose reminder is stored keeps its schedule).</summary>
    public static async Task StartSweepsAsync(IGrainFactory grains, ILogger logger)
    {
        await Task.WhenAll(Enumerable.Range(0, AlertSweepSchedule.Slices).Select(i => grains.GetGrain<IAlertSweepGrain>(i).Start()));
        logger.LogInformation("Alert sweeps started: {Slices} slices", AlertSweepSchedule.Slices);
    }
}
