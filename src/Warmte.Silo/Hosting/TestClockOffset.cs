using NodaTime;
using Warmte.Silo.Storage;

namespace Warmte.Silo.Hosting;

/// <summary>
/// <c>Testing:ClockOffsetSeconds</c>: the service's clock (<see cref="IClock"/>: dates of decisions, vote windows,
/// "today") runs this many seconds ahead of (or, negative, behind) the machine's, at most two days either way.
/// For tests that run silos as separate processes and need the service's date fixed for the length of a run
/// (FailoverTests sets every silo's clock to noon in Amsterdam, so no run crosses midnight). Never set in
/// production; a silo with it set says so at every start. Certificates, Orleans and the logs keep real time.
/// </summary>
public static class TestClockOffset
{
    public const string Key = "Testing:ClockOffsetSeconds";

    /// <summary>The clock to use, or null when the key is not set; a bad value refuses the start.</summary>
    public static IClock? From(IConfiguration configuration)
    {
        if (configuration[Key] is not { Length: > 0 } text) return null;
        if (!long.TryParse(text.Trim(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            || Math.Abs(seconds) > 172_800)
            throw new ConfigurationException($"{Key} '{text}' is no whole number of seconds between -172800 and 172800.");
        return new OffsetClock(SystemClock.Instance, Duration.FromSeconds(seconds));
    }

    private sealed class OffsetClock(IClock inner, Duration offset) : IClock
    {
        public Instant GetCurrentInstant() => inner.GetCurrentInstant() + offset;
        public override string ToString() => $"system clock {offset.TotalSeconds:+0;-0} s";
    }
}
