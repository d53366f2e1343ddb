using System.Diagnostics;
using Microsoft.Extensions.Logging.Console;

namespace Warmte.Silo.Operations;

/// <summary>
/// Orleans log entries that alarm an operator without cause during a cluster's normal life (tester8 T12, tester10 T8),
/// kept off the console and said again as one line at a level that fits:
/// <list type="bullet">
/// <item>The silo port's TLS refusal of a connection (a port probe, a peer without a valid certificate) came as a
/// warning with the full stack trace of SslStream; now one line in <see cref="TransportCategory"/> with the reason.
/// The outgoing side (this silo connecting to a peer) likewise: a handshake that timed out on a busy machine is one
/// Information line (Orleans connects again), a refused one one Warning line with the reason.</item>
/// <item>"Participant check thread has not completed for 06:23:50" at every start: a race in Orleans 10.4's watchdog,
/// not a stall. Its platform thread is started before the component check's first timestamp is set, so its first
/// check measures from timestamp 0, which is the machine's boot: the figure is the machine's uptime. A stall
/// longer than this process has run is impossible, so such a report is dropped (Debug); every other watchdog
/// entry is passed on unchanged in <see cref="WatchdogCategory"/>.</item>
/// <item>While a silo joins or after one died, Orleans' client directory and call-cancellation manager log Errors with
/// stack traces for calls to a peer that is not reachable yet or any more; its join check logs an Error per attempt
/// ("Failed to get ping responses … Will continue attempting"); its placement retries (Polly) log each attempt with a
/// stack; and the grain directory's hand-over to a silo that just left is reported as a "Rolling upgrade diagnostic"
/// though no upgrade runs. Each becomes one line in <see cref="ClusterCategory"/>: Information for a passing state
/// Orleans retries itself, Warning from the third join attempt on. Entries whose exception is not such a transient
/// passing peer-call failure (a bug, a database that is not reachable, a failed join's connectivity check, a time-out) are passed on at their own level with their stack trace (<see cref="ClusterCategory"/>,
/// Orleans' text prefixed with its source), so a real failure is never hidden. The decision is <see cref="Tame"/>.</item>
/// </list>
/// Only the console (plain or JSON) is spared the originals; other log providers still get them as Orleans wrote them.
/// </summary>
public sealed class OrleansLogNoise(IServiceProvider services) : ILoggerProvider
{
    public const string TlsCategory = "Orleans.Connections.Security.TlsServerConnectionMiddleware";
    public const string TlsClientCategory = "Orleans.Connections.Security.TlsClientConnectionMiddleware";
    public const string OrleansWatchdogCategory = "Orleans.Runtime.Watchdog";
    public const string ClientDirectoryCategory = "Orleans.Runtime.GrainDirectory.ClientDirectory";
    public const string CancellationCategory = "Orleans.Runtime.GrainCallCancellationManager";
    public const string MembershipAgentCategory = "Orleans.Runtime.MembershipService.MembershipAgent";
    public const string RemoteDirectoryCategory = "Orleans.Runtime.GrainDirectory.DistributedRemoteGrainDirectory";
    public const string HandoffCategory = "Orleans.Runtime.GrainDirectory.GrainDirectoryHandoffManager";
    public const string ManifestCategory = "Orleans.Runtime.Metadata.ClusterManifestProvider";
    public const string PollyCategory = "Polly";

    /// <summary>Where the one-line TLS refusals are written.</summary>
    public const string TransportCategory = "Warmte.SiloTransport";

    /// <summary>Where Orleans' watchdog entries are passed on (all but the start-up race).</summary>
    public const string WatchdogCategory = "Warmte.Watchdog";

    /// <summary>Where the cluster's tamed lines (and the untamed entries of those categories) are written.</summary>
    public const string ClusterCategory = "Warmte.Cluster";

    /// <summary>Categories whose warnings (and, for the last four, errors) leave the console for <see cref="Tame"/>.</summary>
    private static readonly (string Category, LogLevel ConsoleFrom)[] Tamed =
    [
        (TlsCategory, LogLevel.Error), (TlsClientCategory, LogLevel.Error), (OrleansWatchdogCategory, LogLevel.Error),
        (RemoteDirectoryCategory, LogLevel.Error), (HandoffCategory, LogLevel.Error), (ManifestCategory, LogLevel.Error), (ClientDirectoryCategory, LogLevel.None), (CancellationCategory, LogLevel.None),
        (MembershipAgentCategory, LogLevel.None), (PollyCategory, LogLevel.None),
    ];

    // A monotonic clock from when logging was set up (before Orleans starts its watchdog): how long the service has existed at
    // least, with no wall-clock time read (the start-up race is about elapsed time, not a date).
    private static readonly long LoggingSetUp = Stopwatch.GetTimestamp();

    /// <summary>The last refusal of an outgoing silo connection's TLS handshake, for the dead silo's last words (<see cref="Hosting.DeclaredDead"/>).</summary>
    public static string? LastOutgoingTlsFailure { get; private set; }

    private readonly Dictionary<string, ILogger> _loggers = [];

    public static void Add(ILoggingBuilder logging)
    {
        // Below ConsoleFrom these categories leave the console; what is left there (errors of the first four) is rare and real.
        foreach (var (category, from) in Tamed) logging.AddFilter<ConsoleLoggerProvider>(category, from);
        logging.Services.AddSingleton<ILoggerProvider, OrleansLogNoise>();
    }

    // Resolved at the first entry, not in the constructor: the logger factory is what creates this provider.
    private ILogger Logger(string category)
    {
        lock (_loggers)
        {
            if (!_loggers.TryGetValue(category, out var logger))
                _loggers[category] = logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(category);
            return logger;
        }
    }

    public ILogger CreateLogger(string categoryName) =>
        Tamed.Any(t => t.Category == categoryName) ? new Relay(categoryName, Write) : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public void Dispose() { }

    private void Write(string category, LogLevel level, EventId id, string message, Exception? exception, IReadOnlyList<KeyValuePair<string, object?>> values)
    {
        if (category == TlsClientCategory && level < LogLevel.Error && exception is not null and not OperationCanceledException)
            LastOutgoingTlsFailure = FirstLine(exception.Message).TrimEnd('.');
        if (Tame(category, level, message, exception, values, Stopwatch.GetElapsedTime(LoggingSetUp)) is not { } line) return;
        var logger = Logger(line.Category);
        if (line.Exception is null) logger.Log(line.Level, id, "{Message}", line.Text);
        else logger.Log(line.Level, id, line.Exception, "{Message}", line.Text);
    }

    /// <summary>What one tamed entry becomes: a line in a Warmte category, with the exception (and its stack) only when it is kept.</summary>
    public sealed record Line(LogLevel Level, string Category, string Text, Exception? Exception = null);

    /// <summary>
    /// The line an Orleans entry of a tamed category becomes on the console, or null for none (dropped, or an error the
    /// console already shows as Orleans wrote it). Pure: the rules the docs promise (docs/operations.md, "Logs").
    /// </summary>
    public static Line? Tame(string category, LogLevel level, string message, Exception? exception,
        IReadOnlyList<KeyValuePair<string, object?>> values, TimeSpan processAge)
    {
        var reason = exception is null ? message : $"{message}: {exception.GetType().Name}: {FirstLine(exception.Message)}";
        switch (category)
        {
            case TlsCategory:
                return level >= LogLevel.Error ? null
                    : new Line(level, TransportCategory, $"Silo port: a TLS connection was refused ({(exception is null ? message : $"{message}: {FirstLine(exception.Message)}")})");
            case TlsClientCategory:
                if (level >= LogLevel.Error) return null;
                return exception is OperationCanceledException || message.Contains("timed out", StringComparison.OrdinalIgnoreCase)
                    ? new Line(LogLevel.Information, TransportCategory, "Silo port: the TLS handshake of a connection to another silo timed out (a busy machine or a silo "
                                                                        + "still starting); Orleans connects again")
                    // Either side may have refused: the peer this silo's certificate, or this silo the peer's (each checks the other).
                    : new Line(LogLevel.Warning, TransportCategory, $"Silo port: the TLS handshake of a connection to another silo failed ({reason}); "
                                                                     + "both silos' certificates must be issued by a CA in the other's Orleans:Tls:CaCertificates");
            case OrleansWatchdogCategory:
                if (level >= LogLevel.Error) return null;
                return IsStartupRace(values, processAge)
                    ? new Line(LogLevel.Debug, WatchdogCategory, $"Orleans watchdog start-up report dropped (measured from the machine's boot, not a stall): {message}")
                    : new Line(level, WatchdogCategory, message, exception);
            case RemoteDirectoryCategory or HandoffCategory or ManifestCategory:
                // Warnings only (their errors stay on the console as written).
                if (level >= LogLevel.Error) return null;
                if (message.StartsWith("Rolling upgrade", StringComparison.Ordinal) && (exception is null || IsTransient(exception)))
                    return new Line(LogLevel.Information, ClusterCategory, "Grain directory: handing a directory partition over to another silo failed after a silo joined or "
                                                                      + $"left; Orleans rebuilds it (Orleans calls this a rolling-upgrade diagnostic; no upgrade is running). {Reason(message, exception)}");
                if (IsTransient(exception))
                    return new Line(LogLevel.Information, ClusterCategory,
                        $"{Source(category)}: a call to another silo failed for now, as while a silo joins or after one died; Orleans retries. {Reason(message, exception)}");
                return new Line(level, ClusterCategory, $"{Source(category)}: {message}", exception);
            case MembershipAgentCategory when message.StartsWith("Failed to get ping responses", StringComparison.Ordinal):
                var attempt = values.FirstOrDefault(v => v.Key == "Attempt").Value is int n ? n : 0;
                return new Line(attempt >= 3 ? LogLevel.Warning : LogLevel.Information, ClusterCategory,
                    $"Joining the cluster: {Value(values, "FailedCount")} of {Value(values, "ActiveCount")} active silos did not answer yet "
                    + $"({Value(values, "FailedSilos")}); attempt {attempt}, retrying until {Value(values, "Timeout")} (Orleans:Membership:MaxJoinAttemptTime). "
                    + "If it stays so: is this silo's certificate refused by the others, or its silo port unreachable for them?");
            case ClientDirectoryCategory or CancellationCategory or MembershipAgentCategory or PollyCategory:
                if (IsTransient(exception))
                    return new Line(LogLevel.Information, ClusterCategory,
                        $"{Source(category)}: a call to another silo failed for now, as while a silo joins or after one died; Orleans retries. {Reason(message, exception)}");
                return new Line(level, ClusterCategory, $"{Source(category)}: {message}", exception);
            default:
                return null;
        }
    }

    private static string Source(string category) => category == PollyCategory ? "Orleans retries (Polly)" : category[(category.LastIndexOf('.') + 1)..];

    private static string Reason(string message, Exception? exception) =>
        exception is null ? $"({FirstLine(message)})" : $"({FirstLine(message)} {exception.GetType().Name}: {FirstLine(exception.Message)})";

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();

    private static object? Value(IReadOnlyList<KeyValuePair<string, object?>> values, string key) => values.FirstOrDefault(v => v.Key == key).Value;

    /// <summary>
    /// An exception (or one inside it) that means "a call to another silo failed for now", which Orleans retries itself.
    /// Narrower than <see cref="Hosting.WarmteHost.IsTransient"/> (what the API answers 503 for): a database that is not
    /// reachable (the membership table on PostgreSQL), a failed cluster join's connectivity check and time-outs are not a
    /// passing peer-call failure and keep their own level and stack (review19 #5). The search stops at a database error,
    /// so one with a socket error inside is not tamed either.
    /// </summary>
    public static bool IsTransient(Exception? exception)
    {
        for (var depth = 0; exception is not null && depth < 8; depth++)
        {
            if (exception is System.Data.Common.DbException or Warmte.Journal.DatabaseFailureException
                    or Orleans.Runtime.MembershipService.OrleansClusterConnectivityCheckFailedException)
                return false;
            if (exception is Orleans.Runtime.SiloUnavailableException or Orleans.Runtime.OrleansMessageRejectionException
                    or Orleans.Runtime.Messaging.ConnectionFailedException or Orleans.Networking.Shared.SocketConnectionException
                    or IOException or System.Net.Sockets.SocketException
                    or Microsoft.AspNetCore.Connections.ConnectionAbortedException or Microsoft.AspNetCore.Connections.ConnectionResetException)
                return true;
            exception = exception is AggregateException { InnerExceptions.Count: 1 } one ? one.InnerExceptions[0] : exception.InnerException;
        }
        return false;
    }

    /// <summary>A stall report longer than the process has existed: the watchdog measured from timestamp 0 (boot).</summary>
    public static bool IsStartupRace(IReadOnlyList<KeyValuePair<string, object?>> values, TimeSpan processAge) =>
        values.Any(v => v.Key == "TimeSinceLastTick" && v.Value is TimeSpan stalled && stalled > processAge + TimeSpan.FromSeconds(1));

    private delegate void Handler(string category, LogLevel level, EventId id, string message, Exception? exception, IReadOnlyList<KeyValuePair<string, object?>> values);

    private sealed class Relay(string category, Handler handler) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel is >= LogLevel.Warning and < LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            handler(category, logLevel, eventId, formatter(state, exception), exception, state as IReadOnlyList<KeyValuePair<string, object?>> ?? []);
        }
    }
}
