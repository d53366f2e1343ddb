using System.Globalization;
using System.Text;
using Warmte.Common;

namespace Warmte.Spreadsheets.Import;

/// <summary>
/// A .csv file's bytes and text, checked before any cell is read (tester9b T5: a 300 MB file with one huge cell took
/// 3.3 GB; a million rows took 468 MB before the row limit refused them): its size against
/// <see cref="ImportLimits.MaxDecompressedBytes"/> (the cap an .xlsx has), read in chunks that stop at the limit; then one
/// pass over the text for a cell longer than <see cref="ImportLimits.MaxCellCharacters"/> and for more rows than
/// <see cref="ImportLimits.MaxRows"/>. Refusals name the file, not a sheet (a .csv has none).
/// </summary>
public static class CsvText
{
    static CsvText()
    {
        // Windows-1252 is a legacy code page.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
    }

    /// <summary>The file as bytes the CSV reader takes (UTF-8) and as text, with its separator; or the refusal.</summary>
    public static Outcome<(byte[] Utf8, string Text, char Separator)> Read(Stream stream, string fileName, ImportLimits limits)
    {
        var max = limits.MaxDecompressedBytes;
        if (stream.CanSeek && stream.Length - stream.Position > max) return TooLarge(fileName, limits);
        byte[] bytes;
        using (var buffer = new MemoryStream())
        {
            var chunk = new byte[81_920];
            int read;
            while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
            {
                if (buffer.Length + read > max) return TooLarge(fileName, limits);
                buffer.Write(chunk, 0, read);
            }
            bytes = buffer.ToArray();
        }
        string text;
        byte[] utf8;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
            utf8 = bytes; // already what the reader takes: no second copy
        }
        catch (DecoderFallbackException)
        {
            // Not UTF-8: Windows-1252, what Excel on a Dutch Windows saves as "CSV".
            text = Encoding.GetEncoding(1252).GetString(bytes);
            utf8 = Encoding.UTF8.GetBytes(text);
        }
        if (text.Length > 0 && text[0] == '\uFEFF') text = text[1..];
        var separator = CsvSeparator.Detect(text);
        if (Scan(text, separator, fileName, limits) is { } refused) return refused;
        return Outcome<(byte[], string, char)>.Ok((utf8, text, separator));
    }

    /// <summary>
    /// One pass over the text as the CSV reader splits it: the first cell longer than the limit, or a row with a value
    /// beyond the row limit; null when neither. It follows the state machine of ExcelDataReader 3.6's CSV parser exactly
    /// (review18 #2): a <c>"</c> opens a quoted value only at the start of a cell, after leading spaces (and tabs unless
    /// the tab separates); inside it <c>""</c> is a quote and a single one closes it, the rest of the cell being plain
    /// text. (Later ExcelDataReader versions also open a quote on <c>'</c>; 3.6 does not, nor does this scan.) A quote
    /// inside an unquoted cell (<c>Café "De Hoek</c>) is a plain character, so it cannot make the rest of the file one
    /// cell here while the reader reads it fine.
    /// </summary>
    private static Refusal? Scan(string text, char separator, string fileName, ImportLimits limits)
    {
        int row = 1, column = 1, cell = 0, lastRowWithValue = 0;
        var state = CsvState.PreValue;
        var rowHasValue = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (state)
            {
                case CsvState.QuotedValue:
                    if (c == '"') { state = CsvState.QuotedValueQuote; continue; }
                    break; // any other character, a separator or line end too, is part of the value
                case CsvState.QuotedValueQuote:
                    if (c == '"') { state = CsvState.QuotedValue; break; } // an escaped quote, one character
                    state = CsvState.Value; // closed: the rest of the cell is a plain value
                    goto default;
                case CsvState.PreValue:
                    if (c == ' ' || (c == '\t' && separator != '\t')) continue; // leading whitespace is skipped
                    if (c == '"') { state = CsvState.QuotedValue; continue; }
                    state = CsvState.Value;
                    goto default;
                default: // Value
                    if (c == separator) { column++; cell = 0; state = CsvState.PreValue; continue; }
                    if (c is '\n' or '\r')
                    {
                        if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
                        if (rowHasValue && row > limits.MaxRows) return TooManyRows(fileName, limits);
                        if (rowHasValue) lastRowWithValue = row;
                        row++; column = 1; cell = 0; rowHasValue = false; state = CsvState.PreValue;
                        continue;
                    }
                    break;
            }
            if (++cell > limits.MaxCellCharacters)
                return Refusal.Invalid("file", $"'{fileName}' heeft in rij {Count(row)}, kolom {Count(column)} een cel van meer dan {Count(limits.MaxCellCharacters)} tekens, "
                                               + "meer dan een spreadsheetcel kan houden. Is het het goede bestand? Een aanhalingsteken (\") dat niet gesloten wordt, "
                                               + "maakt de rest van het bestand één cel.");
            rowHasValue = true;
        }
        if (rowHasValue && row > limits.MaxRows) return TooManyRows(fileName, limits);
        return null;
    }

    private enum CsvState { PreValue, Value, QuotedValue, QuotedValueQuote }

    private static Refusal TooLarge(string fileName, ImportLimits limits) =>
        Refusal.Invalid("file", $"'{fileName}' is groter dan {Count(limits.MaxDecompressedBytes / (1024 * 1024))} MB, de grens voor een spreadsheet ({ImportLimits.MegabytesVariable}).");

    private static Refusal TooManyRows(string fileName, ImportLimits limits) =>
        Refusal.Invalid("file", $"'{fileName}' heeft meer dan {Count(limits.MaxRows)} rijen, de grens voor een spreadsheet ({ImportLimits.RowsVariable}); splits het bestand.");

    private static string Count(long n) => n.ToString("N0", CultureInfo.GetCultureInfo("nl-NL"));
}
