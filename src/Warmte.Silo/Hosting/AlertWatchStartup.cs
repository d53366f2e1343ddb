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
                await Task.WhenAll(projects.Select(p => grains.GetGrain<IAlertWatchGrain>(p).Watch()));
                logger.LogInformation("Alert watches registered for {Count} projects", projects.Length);
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Registering the alert watches failed; alerts are still computed on every read");
            }
        });
    }
}
