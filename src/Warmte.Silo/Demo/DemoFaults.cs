using Warmte.Silo.Hosting;
using Warmte.Silo.Storage;

namespace Warmte.Silo.Demo;

/// <summary>
/// <c>Testing:DemoFaults</c>: makes the demo load fail at one of its checkpoints (<see cref="DemoData.Checkpoints"/>), so
/// tests with real processes can show what a failure in the middle of the load leaves and what the next try or the next
/// start makes of it. <c>fail:&lt;checkpoint&gt;:&lt;n&gt;</c> throws a transient error there on the first n tries (the
/// retry with backoff must complete the load); <c>crash:&lt;checkpoint&gt;</c> ends the process there at once, as a crash
/// or a kill would (the next start must complete the half-loaded demo). Honoured only in the host environment
/// <see cref="TestClockOffset.Environment"/>, like <see cref="TestClockOffset"/>: anywhere else the key refuses the start.
/// </summary>
public sealed class DemoFaults
{
    public const string Key = "Testing:DemoFaults";

    public static readonly DemoFaults None = new(null, null, 0);

    private readonly string? _crashAt;
    private readonly string? _failAt;
    private int _failuresLeft;

    private DemoFaults(string? crashAt, string? failAt, int failures) => (_crashAt, _failAt, _failuresLeft) = (crashAt, failAt, failures);

    public static DemoFaults From(IConfiguration configuration, string environmentName)
    {
        if (configuration[Key] is not { Length: > 0 } text) return None;
        if (!string.Equals(environmentName, TestClockOffset.Environment, StringComparison.OrdinalIgnoreCase))
            throw new ConfigurationException(
                $"{Key} is gezet, maar deze silo draait niet in de testomgeving (omgeving: '{environmentName}'). Deze sleutel laat het laden van "
                + $"de demo expres mislukken en is alleen voor tests; verwijder hem. Er is niets geopend of gewijzigd.");
        var parts = text.Trim().Split(':');
        return parts switch
        {
            ["crash", var at] when DemoData.Checkpoints.Contains(at) => new DemoFaults(at, null, 0),
            ["fail", var at, var n] when DemoData.Checkpoints.Contains(at) && int.TryParse(n, out var count) && count > 0 => new DemoFaults(null, at, count),
            _ => throw new ConfigurationException(
                $"{Key} '{text}': verwacht crash:<punt> of fail:<punt>:<aantal>, met als punt een van {string.Join(", ", DemoData.Checkpoints)}."),
        };
    }

    /// <summary>Called by the loader at each checkpoint.</summary>
    public void At(string checkpoint)
    {
        if (checkpoint == _crashAt)
        {
            Console.Error.WriteLine($"{Key}: het proces stopt nu bij '{checkpoint}', midden in het laden van de demo.");
            Console.Error.Flush();
            Environment.FailFast($"{Key}: crash at demo checkpoint '{checkpoint}'");
        }
        if (checkpoint == _failAt && Interlocked.Decrement(ref _failuresLeft) >= 0)
            throw new TimeoutException($"{Key}: a transient failure at demo checkpoint '{checkpoint}' (for tests).");
    }
}
