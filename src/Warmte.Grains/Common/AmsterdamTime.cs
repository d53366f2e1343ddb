using NodaTime;

namespace Warmte.Common;

/// <summary>Calendar dates in this service are dates in Amsterdam: "today" is Amsterdam's today.</summary>
public static class AmsterdamTime
{
    public static readonly DateTimeZone Zone = DateTimeZoneProviders.Tzdb["Europe/Amsterdam"];

    public static LocalDate Today(IClock clock) => clock.GetCurrentInstant().InZone(Zone).Date;

    public static LocalDate DateOf(Instant instant) => instant.InZone(Zone).Date;
}
