using System.Globalization;
using System.Text;
using System.Xml;
using ClosedXML.Excel;

namespace Warmte.Spreadsheets.Export;

/// <summary>The look of one cell: what ClosedXML would store as its style.</summary>
public readonly record struct CellStyle(string NumberFormat, int? FillArgb, bool Bold, bool Italic, double? FontSize, bool WrapText)
{
    /// <summary>No number format set (built-in format 0). A format set to "General" is stored as that code, as ClosedXML does.</summary>
    public const string Unset = "";
    public static readonly CellStyle Default = new(Unset, null, false, false, null, false);
    public bool IsDefault => this == Default;
}

/// <summary>
/// One sheet's cells collected in memory (a few thousand small objects, not ClosedXML's objects per
/// cell, row, column and style), then written once, row by row, as the sheet's XML into the .xlsx
/// (<see cref="WriteXml"/>). It mirrors what ClosedXML stores for the same calls: a row's number format
/// applies to the cells of that row already written and to those written later, text with a line
/// break wraps, and a cell that only has a style is still written (an empty euro cell stays euro).
/// </summary>
public sealed class BufferedSheet(string name) : SheetCells
{
    private sealed class Cell
    {
        public byte Kind; // 0 empty, 1 text, 2 number, 3 formula
        public string? Text;
        public decimal Number;
        public double Date = double.NaN;
        public CellStyle Style;
    }

    private sealed class Row
    {
        public string? Format;
        public readonly Dictionary<int, Cell> Cells = [];
    }

    private readonly Dictionary<int, Row> _rows = [];
    private readonly SortedDictionary<int, double> _widths = [];
    private int _frozenColumns;

    public override string Name => name;

    private Row RowAt(int row)
    {
        if (!_rows.TryGetValue(row, out var r)) _rows[row] = r = new Row();
        return r;
    }

    private Cell At(int row, int column)
    {
        var r = RowAt(row);
        if (!r.Cells.TryGetValue(column, out var cell))
            r.Cells[column] = cell = new Cell { Style = r.Format is { } f ? CellStyle.Default with { NumberFormat = f } : CellStyle.Default };
        return cell;
    }

    public override void Text(int row, int column, string value)
    {
        var cell = At(row, column);
        cell.Kind = 1;
        cell.Text = value;
        cell.Date = double.NaN;
        // As ClosedXML: a value with a line break wraps.
        if (value.Contains(Environment.NewLine, StringComparison.Ordinal)) cell.Style = cell.Style with { WrapText = true };
    }

    public override void Number(int row, int column, decimal value)
    {
        var cell = At(row, column);
        cell.Kind = 2;
        cell.Number = value;
        cell.Date = double.NaN;
    }

    public override void Date(int row, int column, DateTime value, string format)
    {
        var cell = At(row, column);
        cell.Kind = 2;
        cell.Date = value.ToOADate();
        cell.Style = cell.Style with { NumberFormat = format };
    }

    public override void Formula(int row, int column, string formulaA1)
    {
        var cell = At(row, column);
        cell.Kind = 3;
        cell.Text = formulaA1;
    }

    public override void Format(int row, int column, string numberFormat)
    {
        var cell = At(row, column);
        cell.Style = cell.Style with { NumberFormat = numberFormat };
    }

    public override void Fill(int row, int column, XLColor color)
    {
        var cell = At(row, column);
        cell.Style = cell.Style with { FillArgb = color.Color.ToArgb() };
    }

    public override void Bold(int row, int column, bool bold = true)
    {
        var cell = At(row, column);
        cell.Style = cell.Style with { Bold = bold };
    }

    public override void Italic(int row, int column)
    {
        var cell = At(row, column);
        cell.Style = cell.Style with { Italic = true };
    }

    public override void FontSize(int row, int column, double size)
    {
        var cell = At(row, column);
        cell.Style = cell.Style with { FontSize = size };
    }

    public override void RowFormat(int row, string numberFormat)
    {
        var r = RowAt(row);
        r.Format = numberFormat;
        foreach (var cell in r.Cells.Values) cell.Style = cell.Style with { NumberFormat = numberFormat };
    }

    public override void ColumnWidth(int column, double width) => _widths[column] = width;

    public override void FreezeColumns(int columns) => _frozenColumns = columns;

    private const string Main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

    /// <summary>The worksheet part's XML: strings go to the shared string table, looks to the style sheet.</summary>
    public void WriteXml(Stream stream, SharedStrings strings, StyleSheet styles, bool selected)
    {
        using var xml = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new UTF8Encoding(false), CloseOutput = false });
        xml.WriteStartDocument(true);
        xml.WriteStartElement("worksheet", Main);
        xml.WriteAttributeString("xmlns", "r", null, "http://schemas.openxmlformats.org/officeDocument/2006/relationships");

        var rows = _rows.Keys.Order().ToList();
        var lastColumn = _rows.Values.SelectMany(r => r.Cells.Keys).DefaultIfEmpty(1).Max();
        xml.WriteStartElement("dimension", Main);
        xml.WriteAttributeString("ref", rows.Count == 0 ? "A1" : $"A1:{SheetFormat.Letters(lastColumn)}{rows[^1]}");
        xml.WriteEndElement();

        xml.WriteStartElement("sheetViews", Main);
        xml.WriteStartElement("sheetView", Main);
        if (selected) xml.WriteAttributeString("tabSelected", "1");
        xml.WriteAttributeString("workbookViewId", "0");
        if (_frozenColumns > 0)
        {
            xml.WriteStartElement("pane", Main);
            xml.WriteAttributeString("xSplit", _frozenColumns.ToString(CultureInfo.InvariantCulture));
            xml.WriteAttributeString("topLeftCell", SheetFormat.Letters(_frozenColumns + 1) + "1");
            xml.WriteAttributeString("activePane", "topRight");
            xml.WriteAttributeString("state", "frozen");
            xml.WriteEndElement();
            xml.WriteStartElement("selection", Main);
            xml.WriteAttributeString("pane", "topRight");
            xml.WriteEndElement();
        }
        xml.WriteEndElement();
        xml.WriteEndElement();

        xml.WriteStartElement("sheetFormatPr", Main);
        xml.WriteAttributeString("defaultRowHeight", "15");
        xml.WriteEndElement();

        if (_widths.Count > 0)
        {
            xml.WriteStartElement("cols", Main);
            foreach (var (column, width) in _widths)
            {
                var number = column.ToString(CultureInfo.InvariantCulture);
                xml.WriteStartElement("col", Main);
                xml.WriteAttributeString("min", number);
                xml.WriteAttributeString("max", number);
                // As ClosedXML stores a width: plus the cell padding it subtracts again when reading.
                var stored = Math.Round(Math.Min(255.0, Math.Max(0.0, width + 0.710625)), 6);
                xml.WriteAttributeString("width", stored.ToString("R", CultureInfo.InvariantCulture));
                xml.WriteAttributeString("customWidth", "1");
                xml.WriteEndElement();
            }
            xml.WriteEndElement();
        }

        xml.WriteStartElement("sheetData", Main);
        var columns = new List<int>();
        foreach (var r in rows)
        {
            var row = _rows[r];
            var rowNumber = r.ToString(CultureInfo.InvariantCulture);
            xml.WriteStartElement("row", Main);
            xml.WriteAttributeString("r", rowNumber);
            if (row.Format is { } format)
            {
                xml.WriteAttributeString("s", styles.Index(CellStyle.Default with { NumberFormat = format }).ToString(CultureInfo.InvariantCulture));
                xml.WriteAttributeString("customFormat", "1");
            }
            columns.Clear();
            columns.AddRange(row.Cells.Keys);
            columns.Sort();
            foreach (var c in columns)
            {
                var cell = row.Cells[c];
                xml.WriteStartElement("c", Main);
                xml.WriteAttributeString("r", SheetFormat.Letters(c) + rowNumber);
                var style = styles.Index(cell.Style);
                if (style != 0) xml.WriteAttributeString("s", style.ToString(CultureInfo.InvariantCulture));
                switch (cell.Kind)
                {
                    case 1:
                        xml.WriteAttributeString("t", "s");
                        xml.WriteElementString("v", Main, strings.Index(cell.Text!).ToString(CultureInfo.InvariantCulture));
                        break;
                    case 2:
                        xml.WriteElementString("v", Main, double.IsNaN(cell.Date)
                            ? cell.Number.ToString(CultureInfo.InvariantCulture)
                            : cell.Date.ToString("R", CultureInfo.InvariantCulture));
                        break;
                    case 3:
                        xml.WriteElementString("f", Main, cell.Text!);
                        break;
                }
                xml.WriteEndElement();
            }
            xml.WriteEndElement();
        }
        xml.WriteEndElement();

        xml.WriteStartElement("pageMargins", Main);
        foreach (var (attribute, value) in new[] { ("left", "0.7"), ("right", "0.7"), ("top", "0.75"), ("bottom", "0.75"), ("header", "0.3"), ("footer", "0.3") })
            xml.WriteAttributeString(attribute, value);
        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteEndDocument();
    }
}
