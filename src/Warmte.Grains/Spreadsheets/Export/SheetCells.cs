using ClosedXML.Excel;

namespace Warmte.Spreadsheets.Export;

/// <summary>
/// The cells of one sheet as the project sheets write them: values, formulas and their look. Two
/// implementations: <see cref="ClosedXmlCells"/> over a ClosedXML worksheet (small workbooks, tests,
/// the business case on its own) and <see cref="BufferedSheet"/>, which collects one sheet's cells and
/// streams them into the .xlsx as XML (the umbrella and portfolio workbooks: thousands of sheets,
/// where ClosedXML's object per cell and per style cost minutes). Both give the same cells; a test
/// compares them cell by cell.
/// </summary>
public abstract class SheetCells
{
    public abstract string Name { get; }

    public abstract void Text(int row, int column, string value);

    public abstract void Number(int row, int column, decimal value);

    /// <summary>A date (or month) stored as the spreadsheet's date number, shown in <paramref name="format"/>.</summary>
    public abstract void Date(int row, int column, DateTime value, string format);

    /// <summary>A formula in A1 notation, without the leading '='. No value is cached: the workbook recalculates on opening.</summary>
    public abstract void Formula(int row, int column, string formulaA1);

    public abstract void Format(int row, int column, string numberFormat);

    public abstract void Fill(int row, int column, XLColor color);

    public abstract void Bold(int row, int column, bool bold = true);

    public abstract void Italic(int row, int column);

    public abstract void FontSize(int row, int column, double size);

    /// <summary>The number format of a whole row: its cells, those already written and those still to come.</summary>
    public abstract void RowFormat(int row, string numberFormat);

    public abstract void ColumnWidth(int column, double width);

    public abstract void FreezeColumns(int columns);

    public void Number(int row, int column, int value) => Number(row, column, (decimal)value);

    public void Value(int row, int column, string value) => Text(row, column, value);
    public void Value(int row, int column, decimal value) => Number(row, column, value);
    public void Value(int row, int column, int value) => Number(row, column, value);

    public void Fill(int row, int firstColumn, int lastColumn, XLColor color)
    {
        for (var c = firstColumn; c <= lastColumn; c++) Fill(row, c, color);
    }

    /// <summary>A header row: bold on the header colour.</summary>
    public void Header(int row, int firstColumn, int lastColumn)
    {
        for (var c = firstColumn; c <= lastColumn; c++)
        {
            Bold(row, c);
            Fill(row, c, SheetFormat.HeaderFill);
        }
    }

    /// <summary>A section title: bold, 12 points.</summary>
    public void Section(int row, string title)
    {
        Text(row, 1, title);
        Bold(row, 1);
        FontSize(row, 1, 12);
    }

    public void Money(int row, int column, decimal? value)
    {
        if (value is { } v) Number(row, column, v);
        Format(row, column, SheetFormat.Euro);
    }

    public void Date(int row, int column, NodaTime.LocalDate? value)
    {
        if (value is { } d) Date(row, column, d.ToDateTimeUnspecified(), SheetFormat.Date);
        else Format(row, column, SheetFormat.Date);
    }

    public void Month(int row, int column, NodaTime.YearMonth value) =>
        Date(row, column, value.OnDayOfMonth(1).ToDateTimeUnspecified(), SheetFormat.Month);

    public void Widths(params double[] widths)
    {
        for (var i = 0; i < widths.Length; i++) ColumnWidth(i + 1, widths[i]);
    }
}

/// <summary>The cells written through ClosedXML's object model.</summary>
public sealed class ClosedXmlCells(IXLWorksheet sheet) : SheetCells
{
    public IXLWorksheet Sheet => sheet;
    public override string Name => sheet.Name;
    public override void Text(int row, int column, string value) => sheet.Cell(row, column).SetValue(value);
    public override void Number(int row, int column, decimal value) => sheet.Cell(row, column).SetValue(value);

    public override void Date(int row, int column, DateTime value, string format)
    {
        var cell = sheet.Cell(row, column);
        cell.SetValue(value);
        cell.Style.NumberFormat.Format = format;
    }

    public override void Formula(int row, int column, string formulaA1) => sheet.Cell(row, column).FormulaA1 = formulaA1;
    public override void Format(int row, int column, string numberFormat) => sheet.Cell(row, column).Style.NumberFormat.Format = numberFormat;
    public override void Fill(int row, int column, XLColor color) => sheet.Cell(row, column).Style.Fill.BackgroundColor = color;
    public override void Bold(int row, int column, bool bold = true) => sheet.Cell(row, column).Style.Font.SetBold(bold);
    public override void Italic(int row, int column) => sheet.Cell(row, column).Style.Font.SetItalic();
    public override void FontSize(int row, int column, double size) => sheet.Cell(row, column).Style.Font.SetFontSize(size);
    public override void RowFormat(int row, string numberFormat) => sheet.Row(row).Style.NumberFormat.Format = numberFormat;
    public override void ColumnWidth(int column, double width) => sheet.Column(column).Width = width;
    public override void FreezeColumns(int columns) => sheet.SheetView.FreezeColumns(columns);
}
