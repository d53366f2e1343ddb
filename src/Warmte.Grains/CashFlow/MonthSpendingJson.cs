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
/// with every booking): one JSON string with a token per month, separated by <c>;</c>,
/// <code>"2026-01 12345.67 17;2026-02 -5.5 3 0/3"</code>
/// — month (JJJJ-MM), amount (invariant digits, its scale kept: 120.50 stays 120.50), the number of
/// bookings, and the bookings per scale (<see cref="MonthSpending.Scales"/>, counts joined by
/// <c>/</c>, <c>-</c> for none) only when they are not the usual "every booking has the amount's
/// decimals". Before 12-2026 the list was an array of objects
/// (<c>{"month":…,"amount":…,"bookings":…,"scales":[…]}</c>, about 70 bytes a month, 5 kB for a
/// project booked over six years, over PostgreSQL's 2 kB TOAST threshold: compressed anew at every
/// booking); that form is still read, and the next commit writes this one (about 20 bytes a month).
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

    public override void Write(Utf8JsonWriter writer, ImmutableArray<MonthSpending> value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Format(value));

    /// <summary>The compact text of <paramref name="months"/> (see the class summary).</summary>
    public static string Format(ImmutableArray<MonthSpending> months)
    {
        if (months.IsDefaultOrEmpty) return "";
        var text = new StringBuilder(months.Length * 24);
        foreach (var m in months)
        {
            if (text.Length > 0) text.Append(';');
            text.Append(YearMonthPattern.Iso.Format(m.Month)).Append(' ')
                .Append(m.Amount.ToString(CultureInfo.InvariantCulture)).Append(' ')
                .Append(m.Bookings.ToString(CultureInfo.InvariantCulture));
            var scales = m.Scales.IsDefault ? [] : m.Scales;
            if (scales.SequenceEqual(Usual(m.Amount, m.Bookings))) continue;
            text.Append(' ');
            if (scales.IsEmpty) text.Append('-');
            else text.AppendJoin('/', scales);
        }
        return text.ToString();
    }

    /// <summary>The months from their compact text; a malformed token is refused (the snapshot is not guessed at).</summary>
    public static ImmutableArray<MonthSpending> Parse(string text)
    {
        if (text.Length == 0) return [];
        var months = ImmutableArray.CreateBuilder<MonthSpending>();
        foreach (var token in text.Split(';'))
        {
            var parts = token.Split(' ');
            if (parts.Length is < 3 or > 4
                || YearMonthPattern.Iso.Parse(parts[0]) is not { Success: true } month
                || !decimal.TryParse(parts[1], NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount)
                || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var bookings))
                throw new JsonException($"spent: '{token}' is not 'JJJJ-MM amount bookings [scales]'.");
            ImmutableArray<int> scales;
            if (parts.Length == 3) scales = Usual(amount, bookings);
            else if (parts[3] == "-") scales = [];
            else
            {
                var counts = parts[3].Split('/');
                var parsed = new int[counts.Length];
                for (var i = 0; i < counts.Length; i++)
                    if (!int.TryParse(counts[i], NumberStyles.None, CultureInfo.InvariantCulture, out parsed[i]))
                        throw new JsonException($"spent: '{token}' has scales that are not counts.");
                scales = [.. parsed];
            }
            months.Add(new MonthSpending(month.Value, amount, bookings, scales));
        }
        return months.ToImmutable();
    }

    /// <summary>Every booking of the month carries the decimals of the month's sum: [0, …, 0, bookings].</summary>
    private static ImmutableArray<int> Usual(decimal amount, int bookings)
    {
        var counts = new int[SpendingLedger.Scale(amount) + 1];
        counts[^1] = bookings;
        return [.. counts];
    }
}
