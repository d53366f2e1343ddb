using NodaTime;

namespace Warmte.Serialization;

// NodaTime types are not Orleans-serializable on their own. These surrogates carry them across
// grain calls in their smallest exact form; grain *storage* uses System.Text.Json instead
// (see WarmteJson), so stored state stays readable ISO text.

[GenerateSerializer]
public struct LocalDateSurrogate
{
    [Id(0)] public int Year;
    [Id(1)] public int Month;
    [Id(2)] public int Day;
}

[RegisterConverter]
public sealed class LocalDateSurrogateConverter : IConverter<LocalDate, LocalDateSurrogate>
{
    public LocalDate ConvertFromSurrogate(in LocalDateSurrogate surrogate) =>
        new(surrogate.Year, surrogate.Month, surrogate.Day);

    public LocalDateSurrogate ConvertToSurrogate(in LocalDate value) =>
        new() { Year = value.Year, Month = value.Month, Day = value.Day };
}

[GenerateSerializer]
public struct YearMonthSurrogate
{
    [Id(0)] public int Year;
    [Id(1)] public int Month;
}

[RegisterConverter]
public sealed class YearMonthSurrogateConverter : IConverter<YearMonth, YearMonthSurrogate>
{
    public YearMonth ConvertFromSurrogate(in YearMonthSurrogate surrogate) => new(surrogate.Year, surrogate.Month);

    public YearMonthSurrogate ConvertToSurrogate(in YearMonth value) => new() { Year = value.Year, Month = value.Month };
}

[GenerateSerializer]
public struct InstantSurrogate
{
    /// <summary>Nanoseconds since the Unix epoch; exact for every Instant this service records.</summary>
    [Id(0)] public long UnixNanoseconds;
}

[RegisterConverter]
public sealed class InstantSurrogateConverter : IConverter<Instant, InstantSurrogate>
{
    public Instant ConvertFromSurrogate(in InstantSurrogate surrogate) =>
        Instant.FromUnixTimeTicks(0).PlusNanoseconds(surrogate.UnixNanoseconds);

    public InstantSurrogate ConvertToSurrogate(in Instant value) =>
        new() { UnixNanoseconds = value.ToUnixTimeTicks() * 100 };
}
