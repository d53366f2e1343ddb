using System.Diagnostics;
using System.Security.Claims;

namespace Warmte.Silo.Operations;

/// <summary>
/// One structured log line per request: method, path (made safe by <see cref="LogSafe"/>), status,
/// duration and the caller's token id and role. Never the token, the Authorization header or the
/// query string.
/// <para>
/// The line's level (docs/operations.md, "Logs"): 5xx at Error (but 503 storage-full, storage-full-partial, not-ready and busy: Information); refusals (4xx) and slow requests
/// (at least <c>RequestLog:SlowMs</c>, default 1000 ms) at Information; other successful requests at
/// <c>RequestLog:SuccessLevel</c> (default Information, so every request is logged as before; an
/// operator with heavy traffic sets Debug or None and keeps failures, refusals and slow requests).
/// Nothing is formatted when the line's level is off; the line is a source-generated
/// <see cref="LoggerMessageAttribute"/> (no argument array, no template parsing per request).
/// </para>
/// </summary>
public sealed partial class RequestLogging
{
    public const string Category = "Warmte.Requests";

    /// <summary>The level of a successful, not slow request (default Information).</summary>
    public const string SuccessLevelKey = "RequestLog:SuccessLevel";

    /// <summary>From this duration on a successful request is logged at Information whatever <see cref="SuccessLevelKey"/> says (default 1000).</summary>
    public const string SlowMsKey = "RequestLog:SlowMs";

    private readonly RequestDelegate _next;
    private readonly ILogger _logger;
    private readonly LogLevel _successLevel;
    private readonly long _slowTicks;

    public RequestLogging(RequestDelegate next, ILoggerFactory loggers, IConfiguration configuration)
    {
        _next = next;
        _logger = loggers.CreateLogger(Category);
        var settings = Settings(configuration);
        _successLevel = settings.SuccessLevel;
        _slowTicks = (long)(settings.SlowMs / 1000.0 * Stopwatch.Frequency);
    }

    /// <summary>
    /// The two settings, checked: a level name (Trace … Critical, None) and a whole number of
    /// milliseconds ≥ 0. A wrong value stops the start with the key named, not silently logging
    /// something else.
    /// </summary>
    public static (LogLevel SuccessLevel, int SlowMs) Settings(IConfiguration configuration)
    {
        var level = LogLevel.Information;
        if (configuration[SuccessLevelKey] is { Length: > 0 } text
            && (!Enum.TryParse(text.Trim(), ignoreCase: true, out level) || !Enum.IsDefined(level) || int.TryParse(text, out _)))
            throw new InvalidOperationException(
                $"{SuccessLevelKey} = '{text}': kies uit Trace, Debug, Information, Warning, Error, Critical, None.");
        var slowMs = 1000;
        if (configuration[SlowMsKey] is { Length: > 0 } ms && (!int.TryParse(ms.Trim(), out slowMs) || slowMs < 0))
            throw new InvalidOperationException($"{SlowMsKey} = '{ms}': geef een geheel aantal milliseconden, 0 of meer.");
        return (level, slowMs);
    }

    /// <summary>The problem code of a 503 after a transient failure (a silo declared dead, a refused silo connection).</summary>
    public const string UnavailableCode = "unavailable";

    /// <summary>The level of one request's line (pure: what the docs promise).</summary>
    /// <param name="problemCode">The problem code answered, if any. Three 503s are states, not failures, and are logged
    /// as refusals (Information): a write refused because the storage is full (StorageSpace logs one warning per
    /// episode, not an error per request) and /health/ready's not-ready (a probe every few seconds while a disk is
    /// full or a silo starts would otherwise be an error line each). A 503 busy too (tester9b T7): the client is told to
    /// retry, and any token could otherwise fill the error log with a burst of costly requests. And 503 unavailable
    /// (tester10 T8): a grain on a silo that just died, answered "retry in 2 s" during the seconds of a failover; its cause
    /// is already one Warning line ("Transient failure on …"), and an Error line per request made a normal failover look
    /// like a failing service.</param>
    public static LogLevel LevelOf(int status, bool slow, LogLevel successLevel, string? problemCode = null) =>
        status >= 500 && problemCode is not (Storage.StorageSpace.ProblemCode or Storage.StorageSpace.PartialProblemCode or "not-ready"
            or CostlyWork.BusyCode or UnavailableCode) ? LogLevel.Error
        : status >= 400 || slow ? LogLevel.Information
        : successLevel;

    public async Task InvokeAsync(HttpContext http)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await _next(http);
        }
        finally
        {
            var status = http.Response.StatusCode;
            var elapsed = Stopwatch.GetTimestamp() - started;
            var level = LevelOf(status, elapsed >= _slowTicks, _successLevel, http.Items[RefusalRecording.ProblemCodeItem] as string);
            // Nothing below is computed (path scrubbing, claims, formatting) when the line is not written.
            // None is checked here: the logger factory's filters let None through to any provider that says yes.
            if (level != LogLevel.None && _logger.IsEnabled(level))
                Request(_logger, level, http.Request.Method, LogSafe.Path(http.Request.Path), status,
                    elapsed * 1000.0 / Stopwatch.Frequency,
                    http.User.FindFirstValue("token_id") ?? "-", http.User.FindFirstValue(ClaimTypes.Role) ?? "-");
        }
    }

    [LoggerMessage(EventId = 0, EventName = "Request", SkipEnabledCheck = true,
        Message = "HTTP {Method} {Path} {Status} in {DurationMs:0.0} ms (token {TokenId}, role {Role})")]
    private static partial void Request(ILogger logger, LogLevel level, string method, string path, int status, double durationMs, string tokenId, string role);
}
