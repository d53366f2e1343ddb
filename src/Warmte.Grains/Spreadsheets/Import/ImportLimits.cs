using System.Globalization;
using System.IO.Compression;
using Warmte.Common;

namespace Warmte.Spreadsheets.Import;

/// <summary>
/// Caps on what one spreadsheet may hold before it is read (issue 16): sheets, rows per sheet, columns,
/// for .xlsx and .ods (zips) the decompressed size of their parts, and for .csv its size and the length of a cell. The defaults are far above any member list or
/// budget; the CLI takes other values from WARMTE_IMPORT_MAX_SHEETS, _ROWS, _COLUMNS and _MB.
/// </summary>
public sealed record ImportLimits
{
    public static readonly ImportLimits Default = new();

    public int MaxSheets { get; init; } = 50;

    public int MaxRows { get; init; } = 100_000;

    public int MaxColumns { get; init; } = 200;

    /// <summary>All parts of an .xlsx or .ods together, decompressed; the bytes of a .csv (checked before it is read).</summary>
    public long MaxDecompressedBytes { get; init; } = 100L * 1024 * 1024;

    /// <summary>
    /// Characters in one cell of a .csv, checked before the cells are read (tester9b T5): a spreadsheet cell holds at
    /// most 32.767 (Excel's limit), so a longer one is a broken file (an unclosed quote) or not a list at all.
    /// </summary>
    public int MaxCellCharacters { get; init; } = 32_767;

    /// <summary>Parts (files) inside an .xlsx or .ods; a real workbook has a few dozen.</summary>
    public int MaxZipEntries { get; init; } = 10_000;

    public const string SheetsVariable = "WARMTE_IMPORT_MAX_SHEETS";
    public const string RowsVariable = "WARMTE_IMPORT_MAX_ROWS";
    public const string ColumnsVariable = "WARMTE_IMPORT_MAX_COLUMNS";
    public const string MegabytesVariable = "WARMTE_IMPORT_MAX_MB";

    /// <summary>The defaults with what the environment sets; a value that is not a whole number of at least 1 is refused.</summary>
    public static Outcome<ImportLimits> FromEnvironment() => From(Environment.GetEnvironmentVariable);

    public static Outcome<ImportLimits> From(Func<string, string?> variable)
    {
        var limits = Default;
        var v = new Validation();
        int? Number(string name, int max)
        {
            if (variable(name) is not { Length: > 0 } text) return null;
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= max) return n;
            v.Add(name, $"moet een heel getal van 1 tot {max.ToString("N0", CultureInfo.GetCultureInfo("nl-NL"))} zijn, niet '{text}'.");
            return null;
        }
        if (Number(SheetsVariable, 1_000) is { } sheets) limits = limits with { MaxSheets = sheets };
        if (Number(RowsVariable, 1_048_576) is { } rows) limits = limits with { MaxRows = rows };
        if (Number(ColumnsVariable, 16_384) is { } columns) limits = limits with { MaxColumns = columns };
        if (Number(MegabytesVariable, 4_096) is { } megabytes) limits = limits with { MaxDecompressedBytes = megabytes * 1024L * 1024 };
        return v.HasErrors ? v.ToRefusal() : Outcome<ImportLimits>.Ok(limits);
    }
}

/// <summary>
/// Looks inside an .xlsx or .ods (a zip) before any spreadsheet reader reads it: the number of parts, each part's
/// declared size, and then the actual decompressed bytes, streamed through a small buffer and counted, so
/// a zip bomb (a small file that inflates to gigabytes, or parts that lie about their size) is refused
/// having used a few kilobytes of memory and at most <see cref="ImportLimits.MaxDecompressedBytes"/> of inflating.
/// </summary>
public static class ZipCheck
{
    public static Refusal? Check(Stream stream, string fileName, ImportLimits limits)
    {
        var start = stream.Position;
        try
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            if (zip.Entries.Count > limits.MaxZipEntries)
                return Refused(fileName, $"bevat {Count(zip.Entries.Count)} onderdelen; hoogstens {Count(limits.MaxZipEntries)} toegestaan.");
            var sheets = zip.Entries.Count(e => e.FullName.StartsWith("xl/worksheets/", StringComparison.OrdinalIgnoreCase)
                && e.FullName.EndsWith(".xml", StringComparison.OrdinalIgnoreCase) && !e.FullName.Contains("/_rels/", StringComparison.Ordinal));
            if (sheets > limits.MaxSheets)
                return Refused(fileName, $"heeft {Count(sheets)} bladen; hoogstens {Count(limits.MaxSheets)} toegestaan.");
            long declared = 0;
            foreach (var entry in zip.Entries)
            {
                declared += entry.Length;
                if (entry.Length > limits.MaxDecompressedBytes || declared > limits.MaxDecompressedBytes)
                    return TooLarge(fileName, limits);
            }
            // The declared sizes can lie: inflate every part once, counting, and stop at the limit. (.NET's reader
            // stops a part at its declared size; a part that declares less than it holds then fails its CRC-32.)
            var buffer = new byte[81_920];
            long actual = 0;
            foreach (var entry in zip.Entries)
            {
                using var part = entry.Open();
                var crc = new System.IO.Hashing.Crc32();
                long inPart = 0;
                int read;
                while ((read = part.Read(buffer, 0, buffer.Length)) > 0)
                {
                    inPart += read;
                    actual += read;
                    if (inPart > entry.Length || actual > limits.MaxDecompressedBytes) return TooLarge(fileName, limits);
                    crc.Append(buffer.AsSpan(0, read));
                }
                if (inPart != entry.Length || crc.GetCurrentHashAsUInt32() != entry.Crc32)
                    return Refused(fileName, $"is beschadigd of vervalst: onderdeel '{entry.FullName}' is uitgepakt niet wat het zegt te zijn.");
            }
            return null;
        }
        catch (InvalidDataException)
        {
            // The library's reason is English and technical ("End of Central Directory record could not be found"): the user
            // reads what it means for them (tester6 T15).
            var extension = Path.GetExtension(fileName).ToLowerInvariant();
            return Refusal.Invalid("file", $"'{fileName}' is beschadigd of geen spreadsheet: een {extension}-bestand is een zip-archief en dit bestand is dat niet. "
                                           + $"Open het in het spreadsheetprogramma en sla het opnieuw op als {extension}, of als .csv.");
        }
        finally
        {
            stream.Position = start;
        }
    }

    private static Refusal TooLarge(string fileName, ImportLimits limits) =>
        Refused(fileName, $"is uitgepakt groter dan {Count(limits.MaxDecompressedBytes / (1024 * 1024))} MB, de grens voor een spreadsheet ({ImportLimits.MegabytesVariable}).");

    private static Refusal Refused(string fileName, string reason) => Refusal.Invalid("file", $"'{fileName}' {reason}");

    private static string Count(long n) => n.ToString("N0", CultureInfo.GetCultureInfo("nl-NL"));
}
