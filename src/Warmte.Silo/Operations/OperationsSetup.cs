using Microsoft.Extensions.Logging.Console;

namespace Warmte.Silo.Operations;

/// <summary>
/// What an operator needs around the API (docs/operations.md): JSON logs, one log line per request,
/// rate limiting per token, the refusal audit, readiness and the admin-only Orleans dashboard.
/// WarmteHost calls these three at their place in the pipeline.
/// </summary>
public static class OperationsSetup
{
    public static void AddWarmteOperations(this WebApplicationBuilder builder)
    {
        if (JsonLogs(builder.Configuration))
            builder.Logging.AddJsonConsole(o =>
            {
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
            });
        // These categories write request URLs with their query string (where a token may be pasted by
        // mistake); the service's own request log replaces them, so they stay quiet whatever is configured.
        // Hosting's is off entirely: even at Warning it opens a log scope carrying the raw request path.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Routing", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Http.Result", LogLevel.Warning);
        // Orleans' placement retries log every attempt at Information ("Polly[3] Execution attempt"):
        // Warning also when no appsettings.json is next to the working directory (tester F13).
        builder.Logging.AddFilter("Polly", LogLevel.Warning);
        // Orleans' TLS refusals with a stack trace and its watchdog's start-up race: one line, or none (OrleansLogNoise).
        OrleansLogNoise.Add(builder.Logging);
        // The request log's two settings are checked at the start: a wrong value stops it, naming the key.
        RequestLogging.Settings(builder.Configuration);
        builder.Services.AddSingleton<RefusalAuditStore>();
        RateLimiting.Add(builder.Services, builder.Configuration);
        CostlyWork.Add(builder.Services, builder.Configuration);
        DashboardAccess.Add(builder);
    }

    /// <summary>
    /// Logging:Format=json (or the standard Logging:Console:FormatterName=json, which alone would leave out
    /// the timestamps): the console is what a log shipper reads, one JSON object per line and nothing else.
    /// </summary>
    public static bool JsonLogs(IConfiguration configuration) =>
        string.Equals(configuration["Logging:Format"], "json", StringComparison.OrdinalIgnoreCase)
        || string.Equals(configuration["Logging:Console:FormatterName"], "json", StringComparison.OrdinalIgnoreCase);

    /// <summary>First in the pipeline, so the request log and the refusal audit see the final status.</summary>
    public static void UseWarmteRequestObservation(this WebApplication app)
    {
        app.UseMiddleware<RequestLogging>();
        app.UseMiddleware<RefusalRecording>();
        // Something was stored, possibly by a grain on another silo whose journal saw it: a full-disk episode this silo
        // started when such a silo's refusal reached it ends here (StorageSpace.Answered).
        app.Use(async (http, next) =>
        {
            await next(http);
            if (http.Response.StatusCode == StatusCodes.Status201Created)
                http.RequestServices.GetRequiredService<Storage.StorageSpace>().Written();
        });
    }

    /// <summary>After authentication (the limiter partitions by token id), before authorization.</summary>
    public static void UseWarmteRateLimiting(this WebApplication app) => RateLimiting.Use(app);

    public static void MapWarmteOperations(this WebApplication app)
    {
        app.MapReadiness();
        DashboardAccess.Map(app);
    }
}
