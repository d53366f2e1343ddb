using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Warmte.Spreadsheets.Import;

namespace Warmte.Tests.Spreadsheets;

/// <summary>The separator a CSV file is read with is the one its table uses, whatever stands above the header.</summary>
public sealed class CsvSeparatorProperties
{
    // Cell text as people type it: letters, digits, spaces, '-', and the decimal comma/point.
    private static readonly Gen<string> Cell =
        Gen.Elements("Anna", "14-H", "2,5", "1.234,56", "1091 GM", "", "ja", "01-03-2020", "De Vries", "3");

    [Property(MaxTest = 300)]
    public Property The_table_s_separator_is_found_under_any_title_lines() =>
        Prop.ForAll(
            (from separator in Gen.Elements(';', ',', '\t')
             from columns in Gen.Choose(3, 12)
             from rows in Gen.Choose(1, 15)
             from titles in Gen.Elements("Ledenlijst", "Coöperatie Test 2026", "").ListOf().Select(l => l.Take(5).ToList())
             from cells in Cell.ArrayOf(columns * rows)
             select (separator, columns, titles, cells)).ToArbitrary(),
            t =>
            {
                var (separator, columns, titles, cells) = t;
                // A cell holding the separator itself is quoted, as every spreadsheet program writes it.
                string Quote(string c) => c.Contains(separator) ? $"\"{c}\"" : c;
                var header = string.Join(separator, Enumerable.Range(1, columns).Select(i => $"Kolom {i}"));
                var body = cells.Chunk(columns).Select(r => string.Join(separator, r.Select(Quote)));
                var text = string.Join("\r\n", titles.Append(header).Concat(body));
                return CsvSeparator.Detect(text) == separator;
            });

    [Fact]
    public void A_comma_file_with_a_decimal_comma_in_quotes_is_a_comma_file() =>
        Assert.Equal(',', CsvSeparator.Detect("Nr,Naam,WEQ\n1,Anna,\"2,5\"\n2,Bram,1\n"));

    [Fact]
    public void A_semicolon_file_whose_every_row_has_a_decimal_comma_is_a_semicolon_file() =>
        Assert.Equal(';', CsvSeparator.Detect("Nr;Naam;WEQ;Bedrag\n1;Anna;2,5;1,25\n2;Bram;1,5;3,75\n"));
}
