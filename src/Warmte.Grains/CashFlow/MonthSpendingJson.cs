using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime;
using NodaTime.Text;

namespace Warmte.CashFlow;

/// <summary>
/// The stored form of <see cref="CashFlowPlanState.Spent"/> (the cash plan's snapshot, rewritten
/// with every booking): one JSON string, a token per month separated by <c>;</c>,
/// <code>"2026-01 12345.67 17;9.5 0/3/1;2026-06 -5 2 0/1"</code>
/// Each token: the month (JJJJ-MM; left out when it is the month after the previous token's), the
/// amount (invariant digits, its scale kept: 120.50 stays 120.50), then the counts —
/// <list type="bullet">
/// <item><c>17</c>: 17 bookings, each with the amount's decimals (the usual case; <see cref="MonthSpending.Scales"/> = [0, …, 0, 17]);</item>
/// <item><c>0/3/1</c>: the bookings per number of decimals (<see cref="MonthSpending.Scales"/>), their sum the number of bookings;</item>
/// <item><c>2 0/1</c> or <c>0 -</c>: both, when they do not agree (<c>-</c>: no scales), as a snapshot of an older release may hold.</item>
/// </list>
/// The list has been an array of objects (<c>{"month":…,"amount":…,"bookings":…,"scales":[…]}</c>,
/// about 70 bytes a month: 5 kB for a project booked over six years, over PostgreSQL's 2 kB TOAST
/// threshold, so compressed anew at every booking). Expand/contract: release 61e553b read both forms
/// and still wrote the array, so that its binaries could be rolled back; <b>this release writes
/// <see cref="Format"/></b> (about 20 bytes a month) and still reads the array, which snapshots keep
/// until their grain's next commit rewrites them. A build before 61e553b cannot read what this one
/// writes: the oldest build the binaries may be rolled back to is 61e553b (docs/operations.md,
/// "Rolling back the binaries"; docs/storage.md, "The cash plan's months").
/// </summary>
public sealed class MonthSpendingJson : JsonConverter<ImmutableArray<MonthSpending>>
{
    public override bool HandleNull => true;

    public override ImmutableArray<MonthSpending> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return [];
            case JsonTokenType.StartArray:
                // The form before 12-2026: objects; missing counts as the old reader took them (0, none).
                var old = JsonSerializer.Deserialize<MonthSpending[]>(ref reader, options) ?? [];
                return [.. old.Select(m => m.Scales.IsDefault ? m with { Scales = [] } : m)];
            case JsonTokenType.String:
                return Parse(reader.GetString()!);
            default:
                throw new JsonException($"spent: expected a string or an array, found {reader.TokenType}.");
        }
    }

    /// <summary>The compact form (<see cref="Format"/>): one JSON string, read by release 61e553b and every build after it.</summary>
    public override void Write(Utf8JsonWriter writer, ImmutableArray<MonthSpending> value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Format(value));

    /// <summary>The compact text of <paramref name="months"/> (see the class summary).</summary>
    public static string Format(ImmutableArray<MonthSpending> months)
    {
        if (months.IsDefaultOrEmpty) return "";
        var text = new StringBuilder(months.Length * 20);
        YearMonth? previous = null;
        foreach (var m in months)
        {
            if (text.Length > 0) text.Append(';');
            if (previous is not { } p || p.PlusMonths(1) != m.Month) text.Append(YearMonthPattern.Iso.Format(m.Month)).Append(' ');
            previous = m.Month;
            text.Append(m.Amount.ToString(CultureInfo.InvariantCulture)).Append(' ');
            // Per booking, for every month of the project: no LINQ, no arrays (a profile showed the first version).
            var scales = m.Scales.IsDefault ? [] : m.Scales;
            if (IsUsual(scales, m.Amount, m.Bookings)) text.Append(m.Bookings);
            else if (scales.Length > 1 && Sum(scales) == m.Bookings) AppendCounts(text, scales);
            else
            {
                text.Append(m.Bookings).Append(' ');
                if (scales.IsEmpty) text.Append('-');
                else AppendCounts(text, scales);
            }
        }
        return text.ToString();
    }

    /// <summary>The months from their compact text; a malformed token is refused (the snapshot is not guessed at).</summary>
    public static ImmutableArray<MonthSpending> Parse(string text)
    {
        if (text.Length == 0) return [];
        var months = ImmutableArray.CreateBuilder<MonthSpending>();
        YearMonth? previous = null;
        foreach (var token in text.Split(';'))
        {
            var parts = token.Split(' ');
            var at = 0;
            YearMonth month;
            if (parts[0].Length == 7 && YearMonthPattern.Iso.Parse(parts[0]) is { Success: true } given) { month = given.Value; at = 1; }
            else if (previous is { } p) month = p.PlusMonths(1);
            else throw Malformed(token);
            previous = month;
            var rest = parts.Length - at;
            if (rest is < 2 or > 3
                || !decimal.TryParse(parts[at], NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
                throw Malformed(token);
            int bookings;
            ImmutableArray<int> scales;
            if (rest == 3)
            {
                bookings = Count(parts[at + 1], token);
                scales = parts[at + 2] == "-" ? [] : Counts(parts[at + 2], token);
            }
            else if (parts[at + 1].Contains('/'))
            {
                scales = Counts(parts[at + 1], token);
                bookings = scales.Sum();
            }
            else
            {
                bookings = Count(parts[at + 1], token);
                scales = Usual(amount, bookings);
            }
            months.Add(new MonthSpending(month, amount, bookings, scales));
        }
        return months.ToImmutable();
    }

    /// <summary>Whether <paramref name="scales"/> is [0, …, 0, <paramref name="bookings"/>] ending at the amount's scale.</summary>
    private static bool IsUsual(ImmutableArray<int> scales, decimal amount, int bookings)
    {
        if (scales.Length != SpendingLedger.Scale(amount) + 1 || scales[^1] != bookings) return false;
        for (var i = 0; i < scales.Length - 1; i++)
            if (scales[i] != 0) return false;
        return true;
    }

    private static int Sum(ImmutableArray<int> counts)
    {
        var sum = 0;
        foreach (var c in counts) sum += c;
        return sum;
    }

    private static void AppendCounts(StringBuilder text, ImmutableArray<int> counts)
    {
        for (var i = 0; i < counts.Length; i++)
        {
            if (i > 0) text.Append('/');
            text.Append(counts[i]);
        }
    }

    private static int Count(string text, string token) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw Malformed(token);

    private static ImmutableArray<int> Counts(string text, string token) => [.. text.Split('/').Select(c => Count(c, token))];

    private static JsonException Malformed(string token) =>
        new($"spent: '{token}' is not '[JJJJ-MM] amount bookings-or-scales'.");

    /// <summary>Every booking of the month carries the decimals of the month's sum: [0, …, 0, bookings].</summary>
    private static ImmutableArray<int> Usual(decimal amount, int bookings)
    {
        var counts = new int[SpendingLedger.Scale(amount) + 1];
        counts[^1] = bookings;
        return [.. counts];
    }
}
