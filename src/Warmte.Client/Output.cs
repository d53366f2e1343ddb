using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using NodaTime;
using NodaTime.Text;

namespace Warmte.Client;

/// <summary>nl-NL formatting of what the service sends: dates 14-12-2024, numbers 1.500, times in Amsterdam.</summary>
internal static class Nl
{
    public static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("nl-NL");

    private static readonly LocalDatePattern DutchDate = LocalDatePattern.CreateWithInvariantCulture("dd-MM-uuuu");
    private static readonly LocalDateTimePattern DutchDateTime = LocalDateTimePattern.CreateWithInvariantCulture("dd-MM-uuuu HH:mm");
    private static readonly DateTimeZone Amsterdam = DateTimeZoneProviders.Tzdb["Europe/Amsterdam"];

    /// <summary>Placeholder for a value the service did not send.</summary>
    public const string None = "—";

    public static string Date(LocalDate date) => DutchDate.Format(date);

    /// <summary>An ISO date from the API ("2024-12-14") as "14-12-2024"; other text is shown as it came.</summary>
    public static string Date(string? iso)
    {
        if (string.IsNullOrWhiteSpace(iso)) return None;
        var parsed = LocalDatePattern.Iso.Parse(iso);
        return parsed.Success ? Date(parsed.Value) : iso;
    }

    /// <summary>An ISO instant from the API as Amsterdam wall-clock time, "14-12-2024 10:00".</summary>
    public static string Instant(string? iso)
    {
        if (string.IsNullOrWhiteSpace(iso)) return None;
        var parsed = InstantPattern.ExtendedIso.Parse(iso);
        return parsed.Success ? DutchDateTime.Format(parsed.Value.InZone(Amsterdam).LocalDateTime) : iso;
    }

    public static string Number(long value) => value.ToString("#,##0", Culture);

    public static string Number(int value) => Number((long)value);

    /// <summary>A number the service may leave out: "—" when it did.</summary>
    public static string Number(int? value) => value is { } v ? Number((long)v) : None;

    /// <summary>Euros to the cent: "€ 7.800.000,00", "€ -1.250,50".</summary>
    public static string Money(decimal euros) => "€ " + Signed(euros).ToString("#,##0.00", Culture);

    /// <summary>Whole euros: "€ 7.800.000".</summary>
    public static string Euros(decimal euros) => "€ " + Amount(euros);

    /// <summary>Whole euros without the sign, for wide tables: "7.800.000", "-1.251".</summary>
    public static string Amount(decimal euros) =>
        Signed(decimal.Round(euros, 0, MidpointRounding.AwayFromZero)).ToString("#,##0", Culture);

    /// <summary>A fraction as a percentage: 0.03 → "3,00%".</summary>
    public static string Percent(decimal fraction, int decimals = 2) =>
        Signed(decimal.Round(fraction * 100m, decimals, MidpointRounding.AwayFromZero)).ToString("#,##0." + new string('0', decimals), Culture) + "%";

    /// <summary>A ratio such as a DSCR to two decimals, "1,35"; "—" when there is none.</summary>
    public static string Ratio(decimal? ratio) =>
        ratio is { } r ? Signed(decimal.Round(r, 2, MidpointRounding.AwayFromZero)).ToString("0.00", Culture) : None;

    /// <summary>A number with at most <paramref name="decimals"/> decimals: 1.5 → "1,5", 20 → "20".</summary>
    public static string Number(decimal value, int decimals) =>
        Signed(decimal.Round(value, decimals, MidpointRounding.AwayFromZero)).ToString("#,##0." + new string('#', decimals), Culture);

    /// <summary>Years as short ranges: "2028–2030, 2035"; "geen" when there are none.</summary>
    public static string Years(IEnumerable<int> years)
    {
        var sorted = years.Distinct().Order().ToList();
        if (sorted.Count == 0) return "geen";
        var parts = new List<string>();
        for (var i = 0; i < sorted.Count;)
        {
            var j = i;
            while (j + 1 < sorted.Count && sorted[j + 1] == sorted[j] + 1) j++;
            parts.Add(j == i ? sorted[i].ToString(CultureInfo.InvariantCulture) : $"{sorted[i]}–{sorted[j]}");
            i = j + 1;
        }
        return string.Join(", ", parts);
    }

    /// <summary>Rounding can leave a negative zero, which would print as "-0".</summary>
    private static decimal Signed(decimal value) => value == 0m ? 0m : value;

    /// <summary>"1 maand", "19 maanden".</summary>
    public static string Count(long value, string singular, string plural) =>
        $"{Number(value)} {(value is 1 or -1 ? singular : plural)}";

    /// <summary>Days of slip against the baseline: "0 dagen", "+45 dagen", "-3 dagen".</summary>
    public static string Slip(int? days) => days switch
    {
        null => None,
        > 0 => "+" + Count(days.Value, "dag", "dagen"),
        _ => Count(days.Value, "dag", "dagen"),
    };

    /// <summary>The Dutch label of a cooperative kind, as the cooperatives themselves say it.</summary>
    public static string Kind(string? kind) => kind switch
    {
        "HeatNetwork" => "warmtenet",
        "LocalGeneration" => "lokale opwek",
        "CityWideGeneration" => "stadsbrede opwek",
        "Communication" => "communicatie en gedrag",
        null or "" => None,
        _ => kind,
    };

    /// <summary>The Dutch label of a tranche status, as the cooperatives and funders say it.</summary>
    public static string TrancheStatus(string? status) => status switch
    {
        "Gepland" => "gepland",
        "Aangevraagd" => "aangevraagd",
        "VerantwoordingIngediend" => "verantwoording ingediend",
        "Goedgekeurd" => "goedgekeurd",
        "Afgekeurd" => "afgekeurd",
        "Uitbetaald" => "uitbetaald",
        null or "" => None,
        _ => status,
    };

    /// <summary>The Dutch label of an alert's severity, from the one table the rules keep (<see cref="Warmte.Alerts.AlertSeverityLabels"/>).</summary>
    public static string Severity(string? severity) => string.IsNullOrEmpty(severity) ? None : Warmte.Alerts.AlertSeverityLabels.Label(severity);

    /// <summary>The Dutch label of an alert's kind, from the one table the rules keep (<see cref="Warmte.Alerts.AlertKinds"/>).</summary>
    public static string AlertKind(string? kind) => string.IsNullOrEmpty(kind) ? None : Warmte.Alerts.AlertKinds.Label(kind);

    public static string YesNo(bool? value) => value switch
    {
        true => "ja",
        false => "nee",
        null => None,
    };

    /// <summary>Euros to the cent, or "—" when the service left the amount out.</summary>
    public static string Money(decimal? euros) => euros is { } e ? Money(e) : None;

    /// <summary>The Dutch label of a transition kind.</summary>
    public static string Transition(string? kind) => kind switch
    {
        "Go" => "go",
        "NoGo" => "no-go",
        "Stop" => "gestopt",
        null or "" => None,
        _ => kind,
    };
}

/// <summary>Tolerant reading of API JSON: a missing or differently typed field reads as null, never throws.</summary>
internal static class JsonRead
{
    public static JsonElement? Prop(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : null;

    public static string? Str(this JsonElement element, string name) => element.Prop(name) switch
    {
        { ValueKind: JsonValueKind.String } s => s.GetString(),
        { ValueKind: JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False } other => other.GetRawText(),
        _ => null,
    };

    public static int? Int(this JsonElement element, string name) =>
        element.Prop(name) is { ValueKind: JsonValueKind.Number } n && n.TryGetInt32(out var value) ? value : null;

    /// <summary>A number as an exact decimal (amounts in euros), or null.</summary>
    public static decimal? Dec(this JsonElement element, string name) =>
        element.Prop(name) is { ValueKind: JsonValueKind.Number } n && n.TryGetDecimal(out var value) ? value : null;

    public static bool? Bool(this JsonElement element, string name) => element.Prop(name) switch
    {
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        _ => null,
    };

    public static IEnumerable<JsonElement> Items(this JsonElement element, string name) =>
        element.Prop(name) is { ValueKind: JsonValueKind.Array } array ? array.EnumerateArray() : [];

    public static IEnumerable<JsonElement> Items(this JsonElement element) =>
        element.ValueKind == JsonValueKind.Array ? element.EnumerateArray() : [];

    /// <summary>Re-indents JSON for people, keeping every field and leaving é, ö and € readable.</summary>
    public static string Pretty(JsonDocument document)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            document.WriteTo(writer);
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}

/// <summary>A plain-text table with aligned columns; numbers are right-aligned.</summary>
internal sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];
    private readonly HashSet<int> _rightAligned = [];

    public int RowCount => _rows.Count;

    public TextTable AlignRight(params int[] columns)
    {
        foreach (var c in columns) _rightAligned.Add(c);
        return this;
    }

    public void Add(params string?[] cells) =>
        _rows.Add([.. Enumerable.Range(0, headers.Length).Select(i => Clean(i < cells.Length ? cells[i] : null))]);

    public void WriteTo(TextWriter writer, string indent = "")
    {
        var widths = Enumerable.Range(0, headers.Length)
            .Select(i => _rows.Select(r => r[i].Length).Append(headers[i].Length).Max())
            .ToArray();
        writer.WriteLine(indent + Line(headers, widths));
        writer.WriteLine(indent + string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in _rows) writer.WriteLine(indent + Line(row, widths));
    }

    private string Line(string[] cells, int[] widths) =>
        string.Join("  ", cells.Select((cell, i) => _rightAligned.Contains(i) ? cell.PadLeft(widths[i]) : cell.PadRight(widths[i])))
            .TrimEnd();

    /// <summary>One line per cell: line breaks and tabs in server text would break the columns.</summary>
    private static string Clean(string? text) =>
        string.IsNullOrEmpty(text) ? Nl.None : string.Join(' ', text.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries));
}
