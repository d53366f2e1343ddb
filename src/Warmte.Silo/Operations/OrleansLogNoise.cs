using System.Diagnostics;
using Microsoft.Extensions.Logging.Console;

namespace Warmte.Silo.Operations;

/// <summary>
/// Two Orleans warnings that alarm an operator without cause (tester8 T12), kept off the console and said again
/// in a form that fits:
/// <list type="bullet">
/// <item>The silo port's TLS refusal of a connection (a port probe, a peer without a valid certificate) came as a
/// warning with the full stack trace of SslStream; now one line in <see cref="TransportCategory"/> with the reason.</item>
/// <item>"Participant check thread has not completed for 06:23:50" at every start: a race in Orleans 10.4's watchdog,
/// not a stall. Its platform thread is started before the component check's first timestamp is set, so its first
/// check measures from timestamp 0, which is the machine's boot: the figure is the machine's uptime. A stall
/// longer than this process has run is impossible, so such a report is dropped (Debug); every other watchdog
/// entry is passed on unchanged in <see cref="WatchdogCategory"/>.</item>
/// </list>
/// Only the console (plain or JSON) is spared the originals; other log providers still get them as Orleans wrote them.
/// </summary>
public sealed class OrleansLogNoise(IServiceProvider services) : ILoggerProvider
{
    public const string TlsCategory = "Orleans.Connections.Security.TlsServerConnectionMiddleware";
    public const string OrleansWatchdogCategory = "Orleans.Runtime.Watchdog";

    /// <summary>Where the one-line TLS refusals are written.</summary>
    public const string TransportCategory = "Warmte.SiloTransport";

    /// <summary>Where Orleans' watchdog entries are passed on (all but the start-up race).</summary>
    public const string WatchdogCategory = "Warmte.Watchdog";

    // A monotonic clock from when logging was set up (before Orleans starts its watchdog): how long the service has existed at
    // least, with no wall-clock time read (the start-up race is about elapsed time, not a date).
    private static readonly long LoggingSetUp = Stopwatch.GetTimestamp();

    private ILogger? _transport, _watchdog;

    public static void Add(ILoggingBuilder logging)
    {
        // Warnings and below of these two categories leave the console; errors stay (they are rare and real).
        logging.AddFilter<ConsoleLoggerProvider>(TlsCategory, LogLevel.Error);
        logging.AddFilter<ConsoleLoggerProvider>(OrleansWatchdogCategory, LogLevel.Error);
        logging.Services.AddSingleton<ILoggerProvider, OrleansLogNoise>();
    }

    // Resolved at the first entry, not in the constructor: the logger factory is what creates this provider.
    private ILogger Transport => _transport ??= services.GetRequiredService<ILoggerFactory>().CreateLogger(TransportCategory);

    private ILogger Watchdog => _watchdog ??= services.GetRequiredService<ILoggerFactory>().CreateLogger(WatchdogCategory);

    public ILogger CreateLogger(string categoryName) => categoryName switch
    {
        TlsCategory => new Relay(Tls),
        OrleansWatchdogCategory => new Relay(WatchdogEntry),
        _ => Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance,
    };

    public void Dispose() { }

    private void Tls(LogLevel level, EventId id, string message, Exception? exception, IReadOnlyList<KeyValuePair<string, object?>> _)
    {
        if (level >= LogLevel.Error) return; // already on the console as Orleans wrote it
        var reason = exception is null ? message : $"{message}: {exception.Message.Split('\n', 2)[0].Trim()}";
        Transport.Log(level, id, "Silo port: a TLS connection was refused ({Reason})", reason);
    }

    private void WatchdogEntry(LogLevel level, EventId id, string message, Exception? exception, IReadOnlyList<KeyValuePair<string, object?>> values)
    {
        if (level >= LogLevel.Error) return;
        if (IsStartupRace(values, Stopwatch.GetElapsedTime(LoggingSetUp)))
        {
            Watchdog.LogDebug("Orleans watchdog start-up report dropped (measured from the machine's boot, not a stall): {Message}", message);
            return;
        }
        Watchdog.Log(level, id, exception, "{Message}", message); // Orleans' own text, already formatted
    }

    /// <summary>A stall report longer than the process has existed: the watchdog measured from timestamp 0 (boot).</summary>
    public static bool IsStartupRace(IReadOnlyList<KeyValuePair<string, object?>> values, TimeSpan processAge) =>
        values.Any(v => v.Key == "TimeSinceLastTick" && v.Value is TimeSpan stalled && stalled > processAge + TimeSpan.FromSeconds(1));

    private delegate void Handler(LogLevel level, EventId id, string message, Exception? exception, IReadOnlyList<KeyValuePair<string, object?>> values);

    private sealed class Relay(Handler handler) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel is >= LogLevel.Warning and < LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            handler(logLevel, eventId, formatter(state, exception), exception, state as IReadOnlyList<KeyValuePair<string, object?>> ?? []);
        }
    }
}
