using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using HdrHistogram;

namespace Warmte.LoadGen;

/// <summary>How one request ended, for the error columns.</summary>
public enum Outcome
{
    Ok,
    Conflict,      // 409: a state refusal or a concurrent change (retryable)
    Unavailable,   // 503: the cluster could not take the call right now (retryable)
    TooMany,       // 429: rate limited (should not happen with RateLimit:Enabled=false)
    ClientError,   // any other 4xx: the workload sent something the API refuses — a generator bug
    ServerError,   // 5xx: a service bug, must stay 0
    Failed,        // no answer: connection refused, reset or timed out
}

/// <summary>
/// Latencies and outcomes of one kind of operation. Latencies of answered requests (any status)
/// go into an HdrHistogram in microseconds; requests without an answer are only counted.
/// </summary>
public sealed class OperationStats(string name)
{
    private const long HighestMicros = 120_000_000; // two minutes
    private readonly LongHistogram _latency = new(1, HighestMicros, 3);
    private readonly ConcurrentDictionary<int, long> _byStatus = new();
    private readonly long[] _outcomes = new long[Enum.GetValues<Outcome>().Length];

    public string Name { get; } = name;

    public void Record(int status, long micros)
    {
        var outcome = Classify(status);
        Interlocked.Increment(ref _outcomes[(int)outcome]);
        _byStatus.AddOrUpdate(status, 1, (_, n) => n + 1);
        if (outcome == Outcome.Failed) return;
        lock (_latency) _latency.RecordValue(Math.Clamp(micros, 1, HighestMicros));
    }

    public static Outcome Classify(int status) => status switch
    {
        >= 200 and < 300 => Outcome.Ok,
        409 => Outcome.Conflict,
        503 => Outcome.Unavailable,
        429 => Outcome.TooMany,
        >= 400 and < 500 => Outcome.ClientError,
        >= 500 => Outcome.ServerError,
        _ => Outcome.Failed,
    };

    public OperationResult Result(double seconds)
    {
        lock (_latency)
        {
            double Ms(double percentile) => _latency.TotalCount == 0 ? 0 : _latency.GetValueAtPercentile(percentile) / 1000.0;
            var total = _outcomes.Sum();
            return new OperationResult(
                Name, total, _outcomes[(int)Outcome.Ok], seconds > 0 ? _outcomes[(int)Outcome.Ok] / seconds : 0,
                Ms(50), Ms(95), Ms(99), _latency.TotalCount == 0 ? 0 : _latency.GetMaxValue() / 1000.0,
                _outcomes[(int)Outcome.Conflict], _outcomes[(int)Outcome.Unavailable], _outcomes[(int)Outcome.TooMany],
                _outcomes[(int)Outcome.ClientError], _outcomes[(int)Outcome.ServerError], _outcomes[(int)Outcome.Failed],
                _byStatus.Where(kv => Classify(kv.Key) != Outcome.Ok).OrderBy(kv => kv.Key)
                    .ToDictionary(kv => kv.Key == 0 ? "no-answer" : kv.Key.ToString(), kv => kv.Value));
        }
    }
}

/// <summary>Every operation's stats for one measurement, created on first use.</summary>
public sealed class Recorder
{
    private readonly ConcurrentDictionary<string, OperationStats> _operations = new();

    public OperationStats For(string operation) => _operations.GetOrAdd(operation, name => new OperationStats(name));

    public IReadOnlyList<OperationResult> Results(double seconds) =>
        [.. _operations.Values.OrderBy(o => o.Name, StringComparer.Ordinal).Select(o => o.Result(seconds))];
}

/// <summary>One operation's figures. Latencies in milliseconds; throughput counts successful (2xx) answers per second.</summary>
public sealed record OperationResult(
    string Operation, long Requests, long Succeeded, double PerSecond,
    double P50Ms, double P95Ms, double P99Ms, double MaxMs,
    long Conflicts409, long Unavailable503, long RateLimited429, long OtherClientErrors4xx, long ServerErrors5xx, long NoAnswer,
    IReadOnlyDictionary<string, long> ErrorsByStatus);

/// <summary>One measurement of the run (a JSON file per measurement; `report` turns a folder of them into markdown).</summary>
public sealed record MeasurementResult
{
    public required string Kind { get; init; }          // mixed, rate, write-compare, activate, umbrella, setup
    public required string Label { get; init; }         // e.g. "1 silo", "3 silos"
    public required DateTimeOffset StartedAt { get; init; }
    public required double Seconds { get; init; }
    public required IReadOnlyList<string> Urls { get; init; }
    public int? Concurrency { get; init; }
    public double? OfferedRate { get; init; }
    public required IReadOnlyList<OperationResult> Operations { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, object?>? Figures { get; init; }

    public string Machine { get; init; } = MachineDescription.Current();
}

public static class MachineDescription
{
    public static string Current()
    {
        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
        return $"{Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}, load average {load} at start";
    }
}
