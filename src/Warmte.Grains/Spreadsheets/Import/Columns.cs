using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using NodaTime;
using NodaTime.Text;

namespace Warmte.Spreadsheets.Import;

/// <summary>A column an import understands: the field it fills, its Dutch label, and the headers people write for it.</summary>
public sealed record ColumnSpec(string Field, string Label, bool Required, params string[] Synonyms);

/// <summary>One problem in a file: sheet, row and column as a spreadsheet user sees them, and the reason.</summary>
public sealed record ImportProblem(string Sheet, int Row, string? Column, string Reason)
{
    public override string ToString() =>
        $"Blad '{Sheet}', rij {Row}{(Column is null ? "" : $", kolom {Column}")}: {Reason}";
}

/// <summary>Where each field was found: the header row and, per field, the column letter and the header text.</summary>
public sealed record HeaderMapping(Sheet Sheet, int HeaderRow, ImmutableDictionary<string, (int Index, string Header)> Columns)
{
    /// <summary>Per field, the name a user reads for it (<see cref="ColumnSpec.Label"/>: "Lidnummer", not "number"; tester5 T10c).</summary>
    public ImmutableDictionary<string, string> Labels { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>The user's name of a field: its label, else the field itself.</summary>
    public string Label(string field) => Labels.TryGetValue(field, out var label) ? label : field;

    public string ColumnName(string field) =>
        Columns.TryGetValue(field, out var c) ? $"{Letter(c.Index)} ({c.Header})" : field;

    public static string Letter(int index)
    {
        var letters = "";
        for (var i = index + 1; i > 0; i = (i - 1) / 26) letters = (char)('A' + (i - 1) % 26) + letters;
        return letters;
    }
}

/// <summary>
/// Finds the header row (anywhere in the first rows, under a title or merged cells) and matches
/// headers regardless of case, accents, spacing and punctuation, with Dutch and English synonyms.
/// </summary>
public static class HeaderMatcher
{
    public const int SearchRows = 20;

    public static string Normalise(string text)
    {
        var decomposed = text.Trim().ToLowerInvariant().Normalize(NormalizationForm.FormD);
        var kept = new StringBuilder(decomposed.Length);
        foreach (var ch in decomposed)
            if (char.IsLetterOrDigit(ch) && CharUnicodeInfo.GetUnicodeCategory(ch) != UnicodeCategory.NonSpacingMark) kept.Append(ch);
        return kept.ToString();
    }

    /// <summary>A row needs at least this many known headers to be taken as the header row when required columns may be missing.</summary>
    public const int MinimumKnownColumns = 2;

    /// <summary>
    /// The sheet and row that match the most columns with every required one present; null with the
    /// reason otherwise. With <paramref name="allowMissing"/> the required columns need not all be
    /// there: the row with the most known headers (at least <see cref="MinimumKnownColumns"/>) wins,
    /// and the caller names what is missing and what to do.
    /// </summary>
    public static (HeaderMapping? Mapping, string? Problem) Find(IEnumerable<Sheet> sheets, IReadOnlyList<ColumnSpec> specs, int searchRows = SearchRows, bool allowMissing = false)
    {
        HeaderMapping? best = null;
        var bestCount = allowMissing ? MinimumKnownColumns - 1 : 0;
        foreach (var sheet in sheets)
        foreach (var row in sheet.Rows.Take(searchRows))
        {
            var found = ImmutableDictionary.CreateBuilder<string, (int, string)>();
            for (var i = 0; i < row.Cells.Length; i++)
            {
                if (row[i] is not string header || Normalise(header) is not { Length: > 0 } key) continue;
                var spec = specs.FirstOrDefault(s => !found.ContainsKey(s.Field) && s.Synonyms.Any(y => Normalise(y) == key));
                if (spec is not null) found[spec.Field] = (i, header.Trim());
            }
            if ((allowMissing || specs.Where(s => s.Required).All(s => found.ContainsKey(s.Field))) && found.Count > bestCount)
            {
                best = new HeaderMapping(sheet, row.Number, found.ToImmutable())
                {
                    Labels = specs.Where(s => found.ContainsKey(s.Field)).ToImmutableDictionary(s => s.Field, s => s.Label),
                };
                bestCount = found.Count;
            }
        }
        return best is not null
            ? (best, null)
            : (null, (searchRows == SearchRows ? $"geen kopregel gevonden in de eerste {SearchRows} rijen" : "geen kopregel gevonden") + " met de verplichte kolommen "
                     + string.Join(", ", specs.Where(s => s.Required).Select(s => $"{s.Label} (bijv. \"{s.Synonyms[0]}\")")) + ".");
    }
}

/// <summary>Reads one cell as a typed value, or says why it cannot.</summary>
public static class Cells
{
    private static readonly LocalDatePattern[] DatePatterns =
    [
        LocalDatePattern.Iso,
        LocalDatePattern.CreateWithInvariantCulture("d-M-uuuu"),
        LocalDatePattern.CreateWithInvariantCulture("d/M/uuuu"),
        LocalDatePattern.CreateWithInvariantCulture("d.M.uuuu"),
    ];

    public static string? Text(object? value) => value switch
    {
        null => null,
        string s => string.IsNullOrWhiteSpace(s) ? null : s.Trim(),
        double d when d == Math.Floor(d) && Math.Abs(d) < 1e15 => ((long)d).ToString(CultureInfo.InvariantCulture),
        double d => d.ToString(CultureInfo.InvariantCulture),
        DateTime t => t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture)?.Trim(),
    };

    public static (int? Value, string? Problem) WholeNumber(object? value)
    {
        var (number, problem) = Decimal(value);
        if (problem is not null || number is null) return (null, problem);
        return number == decimal.Truncate(number.Value) && number is >= int.MinValue and <= int.MaxValue
            ? ((int)number.Value, null)
            : (null, $"'{Text(value)}' is geen geheel getal.");
    }

    /// <summary>
    /// A number as written in a Dutch or English sheet: 1234,56, 1.234,56, 1234.56 or 1,234.56. A lone
    /// separator followed by exactly three digits (1.234 or 1,234) is ambiguous and refused.
    /// </summary>
    public static (decimal? Value, string? Problem) Decimal(object? value)
    {
        switch (value)
        {
            case null: return (null, null);
            case double d:
                // Spreadsheet numbers are doubles; money has cents, so 15 significant digits keep it exact.
                return (decimal.Parse(d.ToString("G15", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture), null);
            case int i: return (i, null);
            case long l: return (l, null);
            case decimal m: return (m, null);
        }
        var text = Text(value);
        if (text is null) return (null, null);
        var t = text.Replace("€", "").Replace(" ", "").Replace("\u00A0", "");
        var comma = t.LastIndexOf(',');
        var dot = t.LastIndexOf('.');
        string normalised;
        if (comma >= 0 && dot >= 0)
            normalised = comma > dot ? t.Replace(".", "").Replace(',', '.') : t.Replace(",", "");
        else if (comma >= 0 || dot >= 0)
        {
            var sep = comma >= 0 ? ',' : '.';
            var parts = t.Split(sep);
            if (parts.Length == 2 && parts[1].Length == 3 && parts[0].TrimStart('-').Length is >= 1 and <= 3)
                return (null, $"'{text}' is dubbelzinnig (duizendtal of decimaal?); schrijf bijv. 1234,00 of 1.234,00.");
            normalised = parts.Length == 2 ? parts[0] + "." + parts[1] : t.Replace(sep.ToString(), "");
        }
        else normalised = t;
        return decimal.TryParse(normalised, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var parsed)
            ? (parsed, null)
            : (null, $"'{text}' is geen getal.");
    }

    public static (LocalDate? Value, string? Problem) Date(object? value)
    {
        switch (value)
        {
            case null: return (null, null);
            case DateTime t: return (LocalDate.FromDateTime(t), null);
            case double d when d is > 0 and < 2958466:
                return (LocalDate.FromDateTime(DateTime.FromOADate(d)), null); // a date cell without date format
        }
        var text = Text(value);
        if (text is null) return (null, null);
        foreach (var pattern in DatePatterns)
            if (pattern.Parse(text) is { Success: true } parsed) return (parsed.Value, null);
        return (null, $"'{text}' is geen datum; schrijf bijv. 14-12-2024 of 2024-12-14.");
    }

    private static readonly string[][] MonthNames =
    [
        ["jan", "januari", "january"], ["feb", "februari", "february"], ["mrt", "maart", "mar", "march"], ["apr", "april"],
        ["mei", "may"], ["jun", "juni", "june"], ["jul", "juli", "july"], ["aug", "augustus", "august"],
        ["sep", "sept", "september"], ["okt", "oktober", "oct", "october"], ["nov", "november"], ["dec", "december"],
    ];

    /// <summary>A calendar month: 2025-03, 03-2025, 3/2025, maart 2025, mrt 2025, or a date (cell or text) in it.</summary>
    public static (NodaTime.YearMonth? Value, string? Problem) Month(object? value)
    {
        if (value is DateTime or double)
        {
            var (date, problem) = Date(value);
            return date is { } d ? (new NodaTime.YearMonth(d.Year, d.Month), null) : (null, problem);
        }
        var text = Text(value);
        if (text is null) return (null, null);
        var parts = System.Text.RegularExpressions.Regex.Split(text.Trim().ToLowerInvariant(), @"[\s\-/.]+");
        if (parts.Length == 2)
        {
            int year, month = 0;
            if (int.TryParse(parts[0], out var a) && int.TryParse(parts[1], out var b))
                (year, month) = parts[0].Length == 4 ? (a, b) : (b, a);
            else
            {
                var name = int.TryParse(parts[0], out _) ? parts[1] : parts[0];
                var number = int.TryParse(parts[0], out _) ? parts[0] : parts[1];
                year = int.TryParse(number, out var y) ? y : 0;
                for (var i = 0; i < MonthNames.Length; i++) if (MonthNames[i].Contains(name)) month = i + 1;
            }
            if (year is >= 1900 and <= 2200 && month is >= 1 and <= 12) return (new NodaTime.YearMonth(year, month), null);
        }
        var (asDate, _) = Date(text);
        return asDate is { } day
            ? (new NodaTime.YearMonth(day.Year, day.Month), null)
            : (null, $"'{text}' is geen maand; schrijf bijv. 2025-03, 03-2025 of maart 2025.");
    }

    public static (bool? Value, string? Problem) YesNo(object? value)
    {
        if (value is bool b) return (b, null);
        var text = Text(value);
        if (text is null) return (null, null);
        return HeaderMatcher.Normalise(text) switch
        {
            "ja" or "j" or "yes" or "y" or "true" or "waar" or "1" or "x" => (true, null),
            "nee" or "n" or "no" or "false" or "onwaar" or "0" => (false, null),
            _ => (null, $"'{text}' is geen ja of nee."),
        };
    }
}
