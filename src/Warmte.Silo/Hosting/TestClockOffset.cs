using NodaTime;
using Warmte.Silo.Storage;

namespace Warmte.Silo.Hosting;

/// <summary>
/// <c>Testing:ClockOffsetSeconds</c>: the service's clock (<see cref="IClock"/>: dates of decisions, vote windows,
/// "today") runs this many seconds ahead of (or, negative, behind) the machine's, at most two days either way.
/// For tests that run silos as separate processes and need the service's date fixed for the length of a run
/// (FailoverTests sets every silo's clock to noon in Amsterdam, so no run crosses midnight). Honoured only in the
/// host environment <see cref="Environment"/> (<c>ASPNETCORE_ENVIRONMENT=Testing</c>): anywhere else the key refuses
/// the start before anything is opened, so a forgotten setting cannot move "today" of a service people rely on.
/// A silo with it set says so at every start. Certificates, Orleans and the logs keep real time.
/// </summary>
public static class TestClockOffset
{
    public const string Key = "Testing:ClockOffsetSeconds";

    /// <summary>The only host environment in which the key is honoured (ASP.NET's <c>IHostEnvironment.EnvironmentName</c>).</summary>
    public const string Environment = "Testing";

    /// <summary>
    /// The clock to use, or null when the key is not set. Refuses the start (<see cref="ConfigurationException"/>) when
    /// the key is set outside the <see cref="Environment"/> environment, or its value is no whole number of seconds
    /// within two days.
    /// </summary>
    public static IClock? From(IConfiguration configuration, string environmentName)
    {
        if (configuration[Key] is not { Length: > 0 } text) return null;
        if (!string.Equals(environmentName, Environment, StringComparison.OrdinalIgnoreCase))
            throw new ConfigurationException(
                $"{Key} is gezet, maar deze silo draait niet in de testomgeving (omgeving: '{environmentName}'). Deze sleutel verschuift "
                + "de datum van de dienst (stemtermijnen, opzegtermijnen, poortdata) en is alleen voor tests. Verwijder hem uit de "
                + $"instellingen (appsettings.json, --{Key}, de omgevingsvariabele Testing__ClockOffsetSeconds); alleen een test "
                + $"start de silo met ASPNETCORE_ENVIRONMENT={Environment}. Er is niets geopend of gewijzigd.");
        if (!long.TryParse(text.Trim(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            || Math.Abs(seconds) > 172_800)
            throw new ConfigurationException($"{Key} '{text}' is geen geheel aantal seconden tussen -172800 en 172800.");
        return new OffsetClock(SystemClock.Instance, Duration.FromSeconds(seconds));
    }

    private sealed class OffsetClock(IClock inner, Duration offset) : IClock
    {
        public Instant GetCurrentInstant() => inner.GetCurrentInstant() + offset;
        public override string ToString() => $"system clock {offset.TotalSeconds:+0;-0} s";
    }
}
