using System.Diagnostics;
using System.Security.Claims;

namespace Warmte.Silo.Operations;

/// <summary>
/// One structured log line per request: method, path (made safe by <see cref="LogSafe"/>), status,
/// duration and the caller's token id and role. Never the token, the Authorization header or the
/// query string.
/// </summary>
public sealed class RequestLogging(RequestDelegate next, ILoggerFactory loggers)
{
    public const string Category = "Warmte.Requests";

    private readonly ILogger logger = loggers.CreateLogger(Category);

    public async Task InvokeAsync(HttpContext http)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(http);
        }
        finally
        {
            if (logger.IsEnabled(LogLevel.Information))
            {
                var status = http.Response.StatusCode;
                var level = status >= 500 ? LogLevel.Error : LogLevel.Information;
                logger.Log(level, "HTTP {Method} {Path} {Status} in {DurationMs:0.0} ms (token {TokenId}, role {Role})",
                    http.Request.Method, LogSafe.Path(http.Request.Path), status,
                    Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                    http.User.FindFirstValue("token_id") ?? "-", http.User.FindFirstValue(ClaimTypes.Role) ?? "-");
            }
        }
    }
}
