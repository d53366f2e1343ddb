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
