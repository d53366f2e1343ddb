using System.Collections.Immutable;
using System.Text;
using ExcelDataReader;
using Warmte.Common;

namespace Warmte.Spreadsheets.Import;

/// <summary>One row as read: its 1-based row number in the sheet and the raw cell values.</summary>
public sealed record SheetRow(int Number, ImmutableArray<object?> Cells)
{
    public object? this[int column] => column < Cells.Length ? Cells[column] : null;

    public bool IsBlank => Cells.All(c => c is null || c is string s && string.IsNullOrWhiteSpace(s));
}

public sealed record Sheet(string Name, ImmutableArray<SheetRow> Rows);

/// <summary>
/// Reads the files people keep: .xlsx, the old binary .xls, LibreOffice's .ods (<see cref="OdsReader"/>),
/// and .csv with ';' or ',' in UTF-8 or Windows-1252. Cells come back as the reader gives them (text,
/// number, date); the column readers interpret them.
/// </summary>
public static class SheetReader
{
    /// <summary>The default cap on rows per sheet (<see cref="ImportLimits.MaxRows"/>).</summary>
    public const int MaxRows = 100_000;

    static SheetReader()
    {
        // ExcelDataReader needs the legacy code pages (also for .xlsx) and CSV files may be Windows-1252.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
    }

    public static Outcome<ImmutableArray<Sheet>> Read(string path, ImportLimits? limits = null)
    {
        if (!File.Exists(path)) return Refusal.Invalid("file", $"'{path}' bestaat niet.");
        using var stream = File.OpenRead(path);
        return Read(stream, Path.GetFileName(path), limits);
    }

    /// <summary>
    /// Reads every sheet within <paramref name="limits"/> (default <see cref="ImportLimits.Default"/>): an
    /// .xlsx or .ods is checked as a zip first (<see cref="ZipCheck"/>), sheets, rows and columns while reading, each
    /// before the memory for it is taken. Over a limit: a Dutch refusal on "file" naming the limit.
    /// </summary>
    public static Outcome<ImmutableArray<Sheet>> Read(Stream stream, string fileName, ImportLimits? limits = null)
    {
        limits ??= ImportLimits.Default;
        var extension = Path.GetExtension(fileName).ToLowerInvariant();
        try
        {
            if (extension is ".xlsx" or ".xlsm" or ".ods")
            {
                if (!stream.CanSeek)
                {
                    var copy = new MemoryStream();
                    stream.CopyTo(copy);
                    copy.Position = 0;
                    stream = copy;
                }
                if (ZipCheck.Check(stream, fileName, limits) is { } refused) return refused;
                if (extension == ".ods") return OdsReader.Read(stream, fileName, limits);
            }
            var csv = extension is ".csv" or ".txt";
            (byte[] Utf8, string Text, char Separator) csvText = default;
            if (csv)
            {
                var checkedText = CsvText.Read(stream, fileName, limits);
                if (!checkedText.IsOk) return checkedText.Refusal!;
                csvText = checkedText.Value;
            }
            using var reader = extension switch
            {
                ".csv" or ".txt" => CsvReader(csvText.Utf8!, csvText.Separator),
                ".xlsx" or ".xls" or ".xlsm" => ExcelReaderFactory.CreateReader(stream),
                _ => null,
            };
            if (reader is null)
                return Refusal.Invalid("file", $"'{fileName}' heeft geen bekend formaat; gebruik .xlsx, .xls, .ods of .csv.");
            var sheets = ImmutableArray.CreateBuilder<Sheet>();
            var dutch = System.Globalization.CultureInfo.GetCultureInfo("nl-NL");
            do
            {
                if (sheets.Count >= limits.MaxSheets)
                    return Refusal.Invalid("file", $"'{fileName}' heeft meer dan {limits.MaxSheets.ToString("N0", dutch)} bladen, de grens voor een spreadsheet ({ImportLimits.SheetsVariable}).");
                var rows = ImmutableArray.CreateBuilder<SheetRow>();
                var number = 0;
                var blankRows = 0; // blank rows read but not yet added: only added when a row with a value follows
                // ExcelDataReader pads every row to the widest one, so formatted empty rows and columns still cost their
                // cells to read. At most five times the cells the limits allow a sheet are looked at: Calc's rows of 1.024
                // columns fit up to about the row limit, a million formatted rows of 16.384 columns (hours) do not.
                long cellsRead = 0;
                var cellBudget = 5L * limits.MaxRows * limits.MaxColumns;
                // A .csv has no sheet: its refusals name the file (tester9b T5: it said "blad ''").
                var where = csv ? $"'{fileName}'" : $"blad '{reader.Name}'";
                while (reader.Read())
                {
                    number++;
                    cellsRead += reader.FieldCount;
                    if (cellsRead > cellBudget)
                        return Refusal.Invalid("file", $"{where} is met zijn opgemaakte lege rijen en kolommen te groot om te lezen: al {number.ToString("N0", dutch)} rijen van {reader.FieldCount.ToString("N0", dutch)} kolommen, meer cellen dan de grenzen voor een spreadsheet toelaten ({ImportLimits.RowsVariable}, {ImportLimits.ColumnsVariable}). Wis de opmaak van de lege rijen en kolommen, of kopieer alleen de gevulde cellen naar een nieuw blad, en lees het opnieuw in.");
                    // A whole column or row formatted in Calc or Excel widens FieldCount to 1.024 or 16.384 and can add
                    // a million empty rows: only the cells up to the last value count, as in the .ods reader.
                    var width = Width(reader);
                    if (width == 0)
                    {
                        blankRows++;
                        continue;
                    }
                    if (number > limits.MaxRows)
                        return Refusal.Invalid("file", $"{where} heeft meer dan {limits.MaxRows.ToString("N0", dutch)} rijen, de grens voor een spreadsheet ({ImportLimits.RowsVariable}); splits het bestand.");
                    if (width > limits.MaxColumns)
                        return Refusal.Invalid("file", $"{where} heeft {width.ToString("N0", dutch)} kolommen; hoogstens {limits.MaxColumns.ToString("N0", dutch)} toegestaan ({ImportLimits.ColumnsVariable}).");
                    for (; blankRows > 0; blankRows--) rows.Add(new SheetRow(rows.Count + 1, []));
                    var cells = new object?[width];
                    for (var i = 0; i < cells.Length; i++) cells[i] = reader.GetValue(i);
                    rows.Add(new SheetRow(number, [.. cells]));
                }
                sheets.Add(new Sheet(csv ? Path.GetFileNameWithoutExtension(fileName) : reader.Name ?? "Blad1", rows.ToImmutable()));
            }
            while (reader.NextResult());
            return Outcome<ImmutableArray<Sheet>>.Ok(sheets.ToImmutable());
        }
        catch (Exception ex) when (ex is ExcelDataReader.Exceptions.ExcelReaderException or InvalidDataException or IOException or NotSupportedException or ArgumentException)
        {
            // Not the library's English message (tester6 T15): what it means and what to do.
            return Refusal.Invalid("file", $"'{fileName}' kan niet gelezen worden als {extension}: het bestand is beschadigd of geen spreadsheet van die soort. "
                                           + $"Open het in het spreadsheetprogramma en sla het opnieuw op als .xlsx of .csv.");
        }
    }

    /// <summary>The row's cells up to and including its last value (0 for a blank row); empty text counts as no value.</summary>
    private static int Width(IExcelDataReader reader)
    {
        for (var i = reader.FieldCount - 1; i >= 0; i--)
            if (reader.GetValue(i) is { } value && !(value is string s && s.Length == 0))
                return i + 1;
        return 0;
    }

    /// <summary>The reader of a .csv already checked and made UTF-8 by <see cref="CsvText"/>.</summary>
    private static IExcelDataReader CsvReader(byte[] utf8, char separator) =>
        ExcelReaderFactory.CreateCsvReader(new MemoryStream(utf8, writable: false), new ExcelReaderConfiguration
        {
            // Our own choice of separator: ExcelDataReader's scores a separator that occurs nowhere as
            // perfectly consistent, so a title line without ';' above the header made a whole file one column.
            AutodetectSeparators = [separator],
            FallbackEncoding = Encoding.UTF8,
        });
}
