namespace Warmte;

/// <summary>
/// The median, the one function every lead time uses (a grant's days, the funder's months in the cash plan; tester T4): the
/// middle value, and for an even count the mean of the two middle values (233 and 309 days: 271). Taking the lower of the
/// two made the stall planning optimistic.
/// </summary>
public static class Median
{
    /// <summary>The median of <paramref name="values"/>; null when there are none.</summary>
    public static decimal? Of(IEnumerable<decimal> values)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0) return null;
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2m;
    }

    /// <summary>The same over whole numbers (days, months): a half where the two middle values differ by an odd number.</summary>
    public static decimal? Of(IEnumerable<int> values) => Of(values.Select(v => (decimal)v));

    /// <summary>
    /// A median as the whole days or months a date or a simulated month can move by: rounded up, so a forecast errs on the late
    /// side (13,5 days → 14).
    /// </summary>
    public static int Whole(decimal median) => (int)Math.Ceiling(median);
}
