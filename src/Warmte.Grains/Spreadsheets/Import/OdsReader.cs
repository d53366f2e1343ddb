using System.Collections.Immutable;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Xml;
using Warmte.Common;

namespace Warmte.Spreadsheets.Import;

/// <summary>
/// Reads an OpenDocument spreadsheet (.ods, what LibreOffice Calc saves by default) into the same
/// <see cref="Sheet"/>s the ExcelDataReader path gives for an .xlsx: double for float, percentage and
/// currency cells, DateTime for date and time cells (a time on 31-12-1899), bool, string for text, null for empty, covered and
/// error cells. content.xml is streamed with an <see cref="XmlReader"/>; repeated empty cells and rows (Calc
/// writes a formatted column as a million repeated rows) are only counted, and materialised when a
/// non-empty cell or row follows, so trailing repeats cost nothing. Limits are checked before the memory
/// for a sheet, row or column is taken. The caller has run <see cref="ZipCheck"/> on the stream first.
/// </summary>
public static class OdsReader
{
    private const string OfficeNs = "urn:oasis:names:tc:opendocument:xmlns:office:1.0";
    private const string TableNs = "urn:oasis:names:tc:opendocument:xmlns:table:1.0";
    private const string TextNs = "urn:oasis:names:tc:opendocument:xmlns:text:1.0";
    private const string DrawNs = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0";
    private const string CalcExtNs = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0";
    private const string ManifestNs = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0";

    /// <summary>The mimetype of a spreadsheet and of a spreadsheet template (.ots saved as .ods).</summary>
    private static readonly string[] SpreadsheetTypes =
        ["application/vnd.oasis.opendocument.spreadsheet", "application/vnd.oasis.opendocument.spreadsheet-template"];

    /// <summary>
    /// A time-only cell: ExcelDataReader gives an .xlsx time (a fraction of a day, serial 0) as that time on
    /// 31-12-1899 (Excel's "0 januari 1900"); the .ods time cell is given the same way.
    /// </summary>
    private static readonly DateTime TimeBase = new(1899, 12, 31);

    private static readonly CultureInfo Dutch = CultureInfo.GetCultureInfo("nl-NL");

    /// <summary>A refusal found deep in the stream; caught in <see cref="Read"/>.</summary>
    private sealed class Refused(Refusal refusal) : Exception(refusal.Errors[0].Reason)
    {
        public Refusal Refusal { get; } = refusal;
    }

    /// <summary>Reads every sheet of the .ods in <paramref name="stream"/> (seekable, already through <see cref="ZipCheck"/>).</summary>
    public static Outcome<ImmutableArray<Sheet>> Read(Stream stream, string fileName, ImportLimits limits)
    {
        try
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            if (zip.GetEntry("mimetype") is { } mimetype)
            {
                using var reader = new StreamReader(mimetype.Open(), Encoding.ASCII);
                var buffer = new char[100];
                var type = new string(buffer, 0, reader.ReadBlock(buffer, 0, buffer.Length)).Trim();
                if (!SpreadsheetTypes.Contains(type))
                    return Invalid(fileName, $"is geen spreadsheet maar een ander OpenDocument-bestand ({type}); sla het op als spreadsheet (.ods) of .xlsx.");
            }
            if (Encrypted(zip))
                return Invalid(fileName, "is met een wachtwoord beveiligd; sla het zonder wachtwoord op (Bestand > Opslaan als, vinkje 'Opslaan met wachtwoord' uit) en lees het opnieuw in.");
            if (zip.GetEntry("content.xml") is not { } content)
                return Invalid(fileName, "is geen OpenDocument-spreadsheet: het onderdeel content.xml ontbreekt.");
            using var xml = XmlReader.Create(content.Open(), Settings);
            return Outcome<ImmutableArray<Sheet>>.Ok(new Parser(xml, fileName, limits).Sheets());
        }
        catch (Refused refused)
        {
            return refused.Refusal;
        }
        catch (Exception ex) when (ex is XmlException or InvalidDataException or FormatException or OverflowException)
        {
            // Not the library's English message (tester6 T15); an XML error still says where, which helps whoever repairs the file.
            return Invalid(fileName, "is beschadigd en kan niet gelezen worden als .ods"
                                     + (ex is XmlException { LineNumber: > 0 } xml ? $" (fout in content.xml op regel {xml.LineNumber}, positie {xml.LinePosition})" : "")
                                     + "; open het in LibreOffice Calc en sla het opnieuw op als .ods of .xlsx.");
        }
    }

    private static readonly XmlReaderSettings Settings = new()
    {
        // No DTDs (no entity expansion, nothing fetched), whitespace kept: inside text:p it is text.
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = false,
    };

    private static Refusal Invalid(string fileName, string reason) => Refusal.Invalid("file", $"'{fileName}' {reason}");

    /// <summary>A password-protected .ods is a normal zip whose manifest gives content.xml encryption data.</summary>
    private static bool Encrypted(ZipArchive zip)
    {
        if (zip.GetEntry("META-INF/manifest.xml") is not { } manifest) return false;
        using var xml = XmlReader.Create(manifest.Open(), Settings);
        while (xml.Read())
            if (xml.NodeType == XmlNodeType.Element && xml.LocalName == "encryption-data" && xml.NamespaceURI == ManifestNs)
                return true;
        return false;
    }

    private sealed class Parser(XmlReader xml, string fileName, ImportLimits limits)
    {
        /// <summary>
        /// Characters of cell text still allowed: text:s c="…" can make a short part expand, so all text together
        /// is held to the same limit as the decompressed file.
        /// </summary>
        private long _textBudget = limits.MaxDecompressedBytes;

        private string _sheet = "";

        public ImmutableArray<Sheet> Sheets()
        {
            var sheets = ImmutableArray.CreateBuilder<Sheet>();
            while (xml.Read())
            {
                if (xml.NodeType != XmlNodeType.Element || !Is(TableNs, "table")) continue;
                if (sheets.Count >= limits.MaxSheets)
                    throw new Refused(Invalid(fileName, $"heeft meer dan {Count(limits.MaxSheets)} bladen, de grens voor een spreadsheet ({ImportLimits.SheetsVariable})."));
                sheets.Add(Table());
            }
            return sheets.ToImmutable();
        }

        private bool Is(string ns, string name) => xml.LocalName == name && xml.NamespaceURI == ns;

        private Refused Refuse(string reason) => new(Refusal.Invalid("file", $"blad '{_sheet}' {reason}"));

        private static string Count(long n) => n.ToString("N0", Dutch);

        /// <summary>How often an element repeats (table:number-rows-repeated / -columns-repeated); at least 1.</summary>
        private long Repeated(string attribute) =>
            xml.GetAttribute(attribute, TableNs) is { } text
                ? Math.Max(1, long.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture))
                : 1;

        /// <summary>One table:table, the reader on its start element; returns with the reader on its end.</summary>
        private Sheet Table()
        {
            _sheet = xml.GetAttribute("name", TableNs) is { Length: > 0 } named ? named : "Blad1";
            var name = _sheet;
            var rows = ImmutableArray.CreateBuilder<SheetRow>();
            if (xml.IsEmptyElement) return Done();
            var depth = xml.Depth;
            long blankRows = 0; // empty rows read but not yet added: only added when a non-empty row follows
            while (Next(depth))
            {
                if (xml.NodeType != XmlNodeType.Element) continue;
                if (Is(TableNs, "table-row"))
                {
                    var repeated = Repeated("number-rows-repeated");
                    var cells = Row();
                    if (cells.IsEmpty)
                    {
                        blankRows += repeated;
                        continue;
                    }
                    var last = rows.Count + blankRows + repeated;
                    if (last > limits.MaxRows)
                        throw Refuse($"heeft meer dan {Count(limits.MaxRows)} rijen, de grens voor een spreadsheet ({ImportLimits.RowsVariable}); splits het bestand.");
                    for (; blankRows > 0; blankRows--) rows.Add(new SheetRow(rows.Count + 1, []));
                    for (var i = 0; i < repeated; i++) rows.Add(new SheetRow(rows.Count + 1, cells));
                }
                else if (Is(TableNs, "table") || Is(OfficeNs, "forms") || Is(TableNs, "shapes") || xml.NamespaceURI == DrawNs)
                    SkipElement(); // no cells in here (a sub-table would renumber the rows)
            }
            return Done();

            Sheet Done()
            {
                var sheet = new Sheet(name, rows.ToImmutable());
                _sheet = "";
                return sheet;
            }
        }

        /// <summary>Reads on within the element opened at <paramref name="depth"/>; false at its end element.</summary>
        private bool Next(int depth)
        {
            if (!xml.Read()) throw new XmlException("het bestand houdt midden in een blad op.");
            return !(xml.NodeType == XmlNodeType.EndElement && xml.Depth == depth);
        }

        /// <summary>Moves past the current element so that the next <see cref="Next"/> reads what follows it.</summary>
        private void SkipElement()
        {
            if (xml.IsEmptyElement) return;
            var depth = xml.Depth;
            while (Next(depth)) { }
        }

        /// <summary>One table:table-row: its cells up to the last non-empty one (empty when the row is).</summary>
        private ImmutableArray<object?> Row()
        {
            if (xml.IsEmptyElement) return [];
            var depth = xml.Depth;
            var cells = new List<object?>();
            long blankCells = 0;
            while (Next(depth))
            {
                if (xml.NodeType != XmlNodeType.Element) continue;
                var covered = Is(TableNs, "covered-table-cell");
                if (!covered && !Is(TableNs, "table-cell"))
                {
                    SkipElement();
                    continue;
                }
                var repeated = Repeated("number-columns-repeated");
                // A covered cell is hidden under a merged one: like Excel's merged cells it reads as empty.
                var value = covered ? Skipped() : Cell();
                if (value is null)
                {
                    blankCells += repeated;
                    continue;
                }
                var columns = cells.Count + blankCells + repeated;
                if (columns > limits.MaxColumns)
                    throw Refuse($"heeft {Count(columns)} kolommen; hoogstens {Count(limits.MaxColumns)} toegestaan ({ImportLimits.ColumnsVariable}).");
                for (; blankCells > 0; blankCells--) cells.Add(null);
                for (var i = 0; i < repeated; i++) cells.Add(value);
            }
            return [.. cells];
        }

        private object? Skipped()
        {
            SkipElement();
            return null;
        }

        /// <summary>One table:table-cell as ExcelDataReader would give it; the reader ends on the cell's end.</summary>
        private object? Cell()
        {
            var type = xml.GetAttribute("value-type", OfficeNs);
            if (xml.GetAttribute("value-type", CalcExtNs) == "error") return Skipped(); // #DEEL/0! and the like: no value
            var value = type switch
            {
                "float" or "percentage" or "currency" => Number(xml.GetAttribute("value", OfficeNs)),
                "date" => Date(xml.GetAttribute("date-value", OfficeNs)),
                "time" => TimeBase + XmlConvert.ToTimeSpan(xml.GetAttribute("time-value", OfficeNs) ?? throw Missing("time-value")),
                "boolean" => Boolean(xml.GetAttribute("boolean-value", OfficeNs)),
                _ => null,
            };
            if (value is not null)
            {
                SkipElement();
                return value;
            }
            var stringValue = xml.GetAttribute("string-value", OfficeNs);
            var text = Text();
            return type is null or "string" ? Budget(stringValue ?? text) : null;
        }

        private static FormatException Missing(string attribute) => new($"een cel zonder office:{attribute}.");

        private static object Number(string? text) =>
            double.Parse(text ?? throw Missing("value"), NumberStyles.Float, CultureInfo.InvariantCulture);

        private static object Date(string? text)
        {
            if (text is null) throw Missing("date-value");
            return DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var date)
                ? DateTime.SpecifyKind(date, DateTimeKind.Unspecified)
                : throw new FormatException($"'{text}' is geen datum.");
        }

        private static object Boolean(string? text) => text switch
        {
            "true" => true,
            "false" => false,
            _ => throw new FormatException($"'{text}' is geen waar of onwaar."),
        };

        private string? Budget(string? text)
        {
            if (string.IsNullOrEmpty(text)) return null;
            _textBudget -= text.Length;
            if (_textBudget < 0) throw TooLarge();
            return text;
        }

        private Refused TooLarge() =>
            new(Invalid(fileName, $"is uitgepakt groter dan {Count(limits.MaxDecompressedBytes / (1024 * 1024))} MB, de grens voor een spreadsheet ({ImportLimits.MegabytesVariable})."));

        /// <summary>
        /// The text the cell shows: its text:p paragraphs one per line, with the ODF white-space rules (a run of
        /// spaces, tabs and newlines is one space, none at the start of a paragraph; text:s, text:tab and
        /// text:line-break are the literal ones). Comments (office:annotation) and drawings are not cell text.
        /// </summary>
        private string Text()
        {
            if (xml.IsEmptyElement) return "";
            var depth = xml.Depth;
            var text = new StringBuilder();
            var paragraphs = 0;
            var inParagraph = -1; // the depth of the open text:p, or -1: text outside a paragraph is layout, not content
            var skipSpace = true;
            while (Next(depth))
            {
                switch (xml.NodeType)
                {
                    case XmlNodeType.EndElement when xml.Depth == inParagraph:
                        inParagraph = -1;
                        break;
                    case XmlNodeType.Element when Is(OfficeNs, "annotation") || xml.NamespaceURI == DrawNs || Is(TableNs, "table"):
                        SkipElement();
                        break;
                    case XmlNodeType.Element when Is(TextNs, "p") || Is(TextNs, "h"):
                        if (paragraphs++ > 0) Append(text, "\n", 1);
                        if (!xml.IsEmptyElement) inParagraph = xml.Depth;
                        skipSpace = true;
                        break;
                    case XmlNodeType.Element when Is(TextNs, "s"):
                        var spaces = xml.GetAttribute("c", TextNs) is { } c ? long.Parse(c, NumberStyles.None, CultureInfo.InvariantCulture) : 1;
                        Append(text, " ", spaces);
                        skipSpace = false;
                        break;
                    case XmlNodeType.Element when Is(TextNs, "tab"):
                        Append(text, "\t", 1);
                        skipSpace = false;
                        break;
                    case XmlNodeType.Element when Is(TextNs, "line-break"):
                        Append(text, "\n", 1);
                        skipSpace = false;
                        break;
                    case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace when inParagraph >= 0:
                        foreach (var ch in xml.Value)
                        {
                            if (ch is ' ' or '\t' or '\r' or '\n')
                            {
                                if (skipSpace) continue;
                                text.Append(' ');
                                skipSpace = true;
                            }
                            else
                            {
                                text.Append(ch);
                                skipSpace = false;
                            }
                        }
                        if (text.Length > _textBudget) throw TooLarge();
                        break;
                }
            }
            return text.ToString();
        }

        private void Append(StringBuilder text, string what, long times)
        {
            if (text.Length + times > Math.Min(_textBudget, int.MaxValue / 2)) throw TooLarge();
            text.Insert(text.Length, what, (int)times);
        }
    }
}
