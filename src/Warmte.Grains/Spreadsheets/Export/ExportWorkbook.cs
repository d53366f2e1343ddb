using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using ClosedXML.Excel;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Warmte.Spreadsheets.Export;

/// <summary>
/// A workbook of a few ClosedXML sheets (overview, Toelichting: autofilter, conditional formatting,
/// links) plus any number of big sheets that are streamed (the project sheets, thousands of formula
/// cells each). Saving lets ClosedXML write the small sheets with an empty placeholder for each
/// streamed one, then copies that package into the final .xlsx entry by entry, writing each streamed
/// sheet's XML straight into its entry (one sheet in memory at a time) and extending the shared string
/// table and the style sheet with what those sheets use. Measured in docs/performance.md (issue 6).
/// </summary>
public sealed class ExportWorkbook : IDisposable
{
    private readonly List<(string Name, Action<SheetCells> Write)> _streamed = [];

    /// <summary>The ClosedXML part: add the small sheets here, in the order they appear among the streamed ones.</summary>
    public XLWorkbook Workbook { get; } = XlsxFile.New();

    public IXLWorksheet AddWorksheet(string name) => Workbook.AddWorksheet(name);

    /// <summary>A sheet at this position whose cells <paramref name="write"/> writes when the workbook is saved.</summary>
    public void AddStreamedSheet(string name, Action<SheetCells> write)
    {
        Workbook.AddWorksheet(name);
        _streamed.Add((name, write));
    }

    public byte[] ToBytes()
    {
        using var stream = new MemoryStream();
        WriteTo(stream);
        return stream.ToArray();
    }

    public void WriteTo(Stream output)
    {
        using var basis = new MemoryStream();
        XlsxFile.SaveAsClosedXmlWrites(Workbook, basis);
        basis.Position = 0;
        using var source = new ZipArchive(basis, ZipArchiveMode.Read);
        var parts = SheetParts(source);
        const string StylesPath = "xl/styles.xml";
        var stringsPath = parts.SharedStrings
            ?? throw new InvalidOperationException("ClosedXML wrote no shared string table: the small sheets always hold text.");
        var styles = new StyleSheet(new Stylesheet(RootXml(source.GetEntry(StylesPath)!)));
        var strings = new SharedStrings(source.GetEntry(stringsPath)!);
        var streamed = _streamed.ToDictionary(s => parts.Sheets[s.Name], s => s);

        using (var target = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in source.Entries)
            {
                if (entry.FullName == StylesPath || entry.FullName == stringsPath) continue;
                var copy = target.CreateEntry(entry.FullName, CompressionLevel.Optimal);
                using var to = copy.Open();
                if (streamed.TryGetValue(entry.FullName, out var sheet))
                {
                    var cells = new BufferedSheet(sheet.Name);
                    sheet.Write(cells);
                    cells.WriteXml(to, strings, styles, selected: parts.First == sheet.Name);
                }
                else XlsxFile.CopyPart(entry, to);
            }
            using (var to = target.CreateEntry(stringsPath, CompressionLevel.Optimal).Open()) strings.WriteXml(to);
            using (var to = target.CreateEntry(StylesPath, CompressionLevel.Optimal).Open()) styles.WriteXml(to);
        }
    }

    public void Dispose() => Workbook.Dispose();

    /// <summary>A part's root element as XML text, without the declaration (what the SDK's element constructors take).</summary>
    private static string RootXml(ZipArchiveEntry entry)
    {
        using var stream = entry.Open();
        return XDocument.Load(stream).Root!.ToString(System.Xml.Linq.SaveOptions.DisableFormatting);
    }

    private sealed record Parts(Dictionary<string, string> Sheets, string? First, string? SharedStrings);

    /// <summary>Where each sheet (by name) and the shared string table are in the package, from workbook.xml and its relationships.</summary>
    private static Parts SheetParts(ZipArchive zip)
    {
        XNamespace main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
        XNamespace r = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
        XNamespace rels = "http://schemas.openxmlformats.org/package/2006/relationships";
        XDocument Load(string path)
        {
            using var stream = zip.GetEntry(path)!.Open();
            return XDocument.Load(stream);
        }
        var targets = Load("xl/_rels/workbook.xml.rels").Root!.Elements(rels + "Relationship")
            .ToDictionary(e => (string)e.Attribute("Id")!, e => (Target: (string)e.Attribute("Target")!, Type: (string)e.Attribute("Type")!));
        static string PartPath(string target) => target.StartsWith('/') ? target[1..] : "xl/" + target;
        var sheets = Load("xl/workbook.xml").Root!.Element(main + "sheets")!.Elements(main + "sheet").ToList();
        var paths = sheets.ToDictionary(s => (string)s.Attribute("name")!, s => PartPath(targets[(string)s.Attribute(r + "id")!].Target));
        var strings = targets.Values.Where(t => t.Type.EndsWith("/sharedStrings", StringComparison.Ordinal)).Select(t => PartPath(t.Target)).FirstOrDefault();
        return new Parts(paths, sheets.Select(s => (string?)s.Attribute("name")).FirstOrDefault(), strings);
    }
}

/// <summary>The workbook's shared string table: ClosedXML's strings as they were, then those of the streamed sheets, each once.</summary>
public sealed class SharedStrings
{
    private readonly List<string> _existing = [];
    private readonly Dictionary<string, int> _added = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private int _references;

    public SharedStrings(ZipArchiveEntry entry)
    {
        using var stream = entry.Open();
        using var reader = XmlReader.Create(stream);
        reader.MoveToContent();
        _references = int.TryParse(reader.GetAttribute("count"), CultureInfo.InvariantCulture, out var count) ? count : 0;
        reader.Read();
        while (!reader.EOF)
        {
            if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "si") _existing.Add(reader.ReadOuterXml());
            else reader.Read();
        }
    }

    public int Index(string text)
    {
        _references++;
        if (!_added.TryGetValue(text, out var index))
        {
            index = _existing.Count + _order.Count;
            _added[text] = index;
            _order.Add(text);
        }
        return index;
    }

    public void WriteXml(Stream stream)
    {
        const string Main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
        using var xml = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new UTF8Encoding(false), CloseOutput = false });
        xml.WriteStartDocument(true);
        xml.WriteStartElement("sst", Main);
        xml.WriteAttributeString("count", Math.Max(_references, _existing.Count + _order.Count).ToString(CultureInfo.InvariantCulture));
        xml.WriteAttributeString("uniqueCount", (_existing.Count + _order.Count).ToString(CultureInfo.InvariantCulture));
        foreach (var item in _existing) xml.WriteRaw(item);
        foreach (var text in _order)
        {
            xml.WriteStartElement("si", Main);
            xml.WriteStartElement("t", Main);
            if (text.Length > 0 && (char.IsWhiteSpace(text[0]) || char.IsWhiteSpace(text[^1]) || text.Contains('\n')))
                xml.WriteAttributeString("xml", "space", null, "preserve");
            xml.WriteString(Escape(text));
            xml.WriteEndElement();
            xml.WriteEndElement();
        }
        xml.WriteEndElement();
        xml.WriteEndDocument();
    }

    /// <summary>
    /// Characters XML cannot carry (control characters, lone surrogates) as the spreadsheet escape _xHHHH_,
    /// and a literal "_x" that would read as such an escape as _x005F_x.
    /// </summary>
    public static string Escape(string text)
    {
        var clean = true;
        for (var i = 0; i < text.Length && clean; i++)
            clean = !NeedsEscape(text, i) && !(text[i] == '_' && i + 1 < text.Length && text[i + 1] == 'x');
        if (clean) return text;
        var sb = new StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            if (NeedsEscape(text, i)) sb.Append("_x").Append(((int)text[i]).ToString("X4", CultureInfo.InvariantCulture)).Append('_');
            else if (text[i] == '_' && IsEscapeAt(text, i)) sb.Append("_x005F_");
            else
            {
                sb.Append(text[i]);
                if (char.IsHighSurrogate(text[i])) sb.Append(text[++i]);
            }
        }
        return sb.ToString();
    }

    private static bool NeedsEscape(string text, int i)
    {
        var c = text[i];
        if (c < 0x20) return c is not ('\t' or '\n' or '\r');
        if (c is '\uFFFE' or '\uFFFF') return true;
        if (char.IsHighSurrogate(c)) return i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]);
        return char.IsLowSurrogate(c) && (i == 0 || !char.IsHighSurrogate(text[i - 1]));
    }

    private static bool IsEscapeAt(string text, int i) =>
        i + 6 < text.Length && text[i + 1] == 'x' && text[i + 6] == '_'
        && text.AsSpan(i + 2, 4).ToString().All(Uri.IsHexDigit);
}

/// <summary>
/// ClosedXML's style sheet plus one cell format per look the streamed sheets use: the same number
/// format codes, fonts (the workbook's default font, bold, italic, another size) and solid fills.
/// </summary>
public sealed class StyleSheet
{
    private readonly Stylesheet _sheet;
    private readonly Dictionary<CellStyle, int> _formats = [];
    private readonly Dictionary<string, uint> _numberFormats = new(StringComparer.Ordinal);
    private readonly Dictionary<(bool Bold, bool Italic, double? Size), uint> _fonts = [];
    private readonly Dictionary<int, uint> _fills = [];
    private uint _nextNumberFormat = 164;

    public StyleSheet(Stylesheet sheet)
    {
        _sheet = sheet;
        _sheet.NumberingFormats ??= new NumberingFormats();
        foreach (var format in _sheet.NumberingFormats.Elements<NumberingFormat>())
        {
            _numberFormats.TryAdd(format.FormatCode!.Value!, format.NumberFormatId!.Value);
            _nextNumberFormat = Math.Max(_nextNumberFormat, format.NumberFormatId.Value + 1);
        }
        _formats[CellStyle.Default] = 0;
        _fonts[(false, false, null)] = 0;
    }

    public int Index(CellStyle style)
    {
        if (_formats.TryGetValue(style, out var index)) return index;
        var cellFormats = _sheet.CellFormats!;
        var format = new CellFormat
        {
            NumberFormatId = NumberFormat(style.NumberFormat), FontId = Font(style), FillId = Fill(style.FillArgb), BorderId = 0, FormatId = 0,
        };
        if (format.NumberFormatId.Value != 0) format.ApplyNumberFormat = true;
        if (format.FontId.Value != 0) format.ApplyFont = true;
        if (format.FillId.Value != 0) format.ApplyFill = true;
        if (style.WrapText)
        {
            format.Alignment = new Alignment { WrapText = true };
            format.ApplyAlignment = true;
        }
        cellFormats.AppendChild(format);
        index = cellFormats.Elements<CellFormat>().Count() - 1;
        cellFormats.Count = (uint)(index + 1);
        _formats[style] = index;
        return index;
    }

    private uint NumberFormat(string code)
    {
        if (code == CellStyle.Unset) return 0;
        if (_numberFormats.TryGetValue(code, out var id)) return id;
        id = _nextNumberFormat++;
        _sheet.NumberingFormats!.AppendChild(new NumberingFormat { NumberFormatId = id, FormatCode = code });
        _sheet.NumberingFormats.Count = (uint)_sheet.NumberingFormats.Elements<NumberingFormat>().Count();
        _numberFormats[code] = id;
        return id;
    }

    private uint Font(CellStyle style)
    {
        var key = (style.Bold, style.Italic, style.FontSize);
        if (_fonts.TryGetValue(key, out var id)) return id;
        var fonts = _sheet.Fonts!;
        var font = (Font)fonts.Elements<Font>().First().CloneNode(true);
        if (style.Bold) font.Bold = new Bold();
        if (style.Italic) font.Italic = new Italic();
        if (style.FontSize is { } size) font.FontSize = new FontSize { Val = size };
        fonts.AppendChild(font);
        id = (uint)fonts.Elements<Font>().Count() - 1;
        fonts.Count = id + 1;
        _fonts[key] = id;
        return id;
    }

    private uint Fill(int? argb)
    {
        if (argb is not { } color) return 0;
        if (_fills.TryGetValue(color, out var id)) return id;
        var fills = _sheet.Fills!;
        fills.AppendChild(new Fill
        {
            PatternFill = new PatternFill
            {
                PatternType = PatternValues.Solid,
                ForegroundColor = new ForegroundColor { Rgb = color.ToString("X8", CultureInfo.InvariantCulture) },
                BackgroundColor = new BackgroundColor { Indexed = 64 },
            },
        });
        id = (uint)fills.Elements<Fill>().Count() - 1;
        fills.Count = id + 1;
        _fills[color] = id;
        return id;
    }

    public void WriteXml(Stream stream)
    {
        using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true);
        writer.Write("<?xml version=\"1.0\" encoding=\"utf-8\" standalone=\"yes\"?>");
        writer.Write(_sheet.OuterXml);
    }
}
