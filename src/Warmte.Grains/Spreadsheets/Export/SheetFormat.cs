using ClosedXML.Excel;
using NodaTime;

namespace Warmte.Spreadsheets.Export;

/// <summary>
/// Number formats and small helpers shared by the export sheets. Number format codes are
/// locale-neutral in the file; a spreadsheet opened in nl-NL shows € 7.800.000,00 and 3,00%.
/// The euro format carries the nl-NL locale tag (413) so the symbol stands in front, as in Dutch.
/// </summary>
public static class SheetFormat
{
    public const string Euro = "[$€-413] #,##0.00;[$€-413] -#,##0.00";
    public const string Percent = "0.00%";
    public const string Ratio = "0.0000";
    public const string Factor = "0.0000000000";
    public const string Number = "#,##0.##";
    public const string Whole = "0";
    public const string Date = "dd-mm-yyyy";
    public const string Month = "mm-yyyy";
    /// <summary>A moment (export time, last change), in Amsterdam time.</summary>
    public const string Moment = "dd-mm-yyyy hh:mm";

    /// <summary>Input cells: a coordinator may change these and the formulas follow.</summary>
    public static readonly XLColor InputFill = XLColor.FromHtml("#FFF2CC");
    public static readonly XLColor HeaderFill = XLColor.FromHtml("#D9E1F2");
    public static readonly XLColor RiskFill = XLColor.FromHtml("#F8CBAD");
    public static readonly XLColor StallFill = XLColor.FromHtml("#F8CBAD");

    /// <summary>Column letters of a 1-based column number: 1 → A, 27 → AA.</summary>
    public static string Letters(int column)
    {
        var letters = "";
        for (var c = column; c > 0; c = (c - 1) / 26) letters = (char)('A' + (c - 1) % 26) + letters;
        return letters;
    }

    public static string Address(int row, int column) => Letters(column) + row;

    public static string Absolute(int row, int column) => "$" + Letters(column) + "$" + row;

    /// <summary>Widths are set by hand: ClosedXML's AdjustToContents measures text with GDI+, which Linux servers lack.</summary>
    public static void Widths(IXLWorksheet sheet, params double[] widths)
    {
        for (var i = 0; i < widths.Length; i++) sheet.Column(i + 1).Width = widths[i];
    }

    public static void Header(IXLRange range) =>
        range.Style.Font.SetBold().Fill.SetBackgroundColor(HeaderFill);

    public static void Section(IXLWorksheet sheet, int row, string title) =>
        sheet.Cell(row, 1).SetValue(title).Style.Font.SetBold().Font.SetFontSize(12);

    public static void SetMoney(this IXLCell cell, decimal? value)
    {
        if (value is { } v) cell.SetValue(v);
        cell.Style.NumberFormat.Format = Euro;
    }

    /// <summary>
    /// Every date cell goes through here: the value and its dd-mm-jjjj format together. A bare DateTime gets the
    /// spreadsheet's built-in date format, shown per program and locale (2026/12/07, 1/30/27).
    /// </summary>
    public static void SetDate(this IXLCell cell, LocalDate? value)
    {
        if (value is { } d) cell.SetValue(d.ToDateTimeUnspecified());
        cell.Style.NumberFormat.Format = Date;
    }

    /// <summary>A moment as its Amsterdam date and time, dd-mm-jjjj uu:mm.</summary>
    public static void SetMoment(this IXLCell cell, Instant value)
    {
        cell.SetValue(value.InZone(Common.AmsterdamTime.Zone).LocalDateTime.ToDateTimeUnspecified());
        cell.Style.NumberFormat.Format = Moment;
    }

    public static void SetMonth(this IXLCell cell, YearMonth value)
    {
        cell.SetValue(value.OnDayOfMonth(1).ToDateTimeUnspecified());
        cell.Style.NumberFormat.Format = Month;
    }

    /// <summary>A unique sheet name of at most 31 characters without the characters Excel forbids.</summary>
    public static string SheetName(string wanted, ISet<string> taken)
    {
        var clean = new string(wanted.Select(c => "[]:*?/\\".Contains(c) ? '-' : c).ToArray()).Trim('\'');
        if (clean.Length == 0) clean = "Blad";
        var name = clean.Length > 31 ? clean[..31] : clean;
        for (var n = 2; taken.Contains(name); n++)
        {
            var suffix = " (" + n + ")";
            name = (clean.Length + suffix.Length > 31 ? clean[..(31 - suffix.Length)] : clean) + suffix;
        }
        taken.Add(name);
        return name;
    }

    /// <summary>Sheet names with spaces or punctuation are quoted in references: 'Naam met spatie'!A1.</summary>
    public static string Quoted(string sheetName) => "'" + sheetName.Replace("'", "''") + "'";
}
