using System.IO.Compression;
using System.Security;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using Warmte.Spreadsheets.Import;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Spreadsheets;

/// <summary>
/// LibreOffice's own format (.ods) in every import. The fixtures are written by LibreOffice Calc (Fixtures/README.md):
/// the .ods twins of the .xlsx fixtures must read cell for cell as the .xlsx does, and leden-celsoorten.ods holds every
/// value type, merged cells, a comment, a hidden sheet and 1.048.000 formatted empty rows after the last member.
/// The damaged, bombed and oversized files are made here, byte by byte.
/// </summary>
public sealed class OdsReaderTests
{
    private const long MegaByte = 1024 * 1024;

    private static string Fixture(string name) => RepoFiles.Path("tests", "Warmte.Tests", "Spreadsheets", "Fixtures", name);

    private static Sheet[] Read(string fixture, ImportLimits? limits = null)
    {
        var read = SheetReader.Read(Fixture(fixture), limits);
        Assert.True(read.IsOk, read.Refusal?.Errors[0].Reason);
        return [.. read.Value!];
    }

    [Fact]
    public void Every_value_type_reads_as_the_column_readers_expect_it()
    {
        var sheets = Read("leden-celsoorten.ods");
        Assert.Equal(["Leden", "Verborgen"], sheets.Select(s => s.Name)); // the hidden sheet too, as from an .xlsx
        var leden = sheets[0];
        // The title, the header, two members, two empty rows, a member; none of the 1.048.000 formatted rows after it.
        Assert.Equal([1, 2, 3, 4, 5, 6, 7], leden.Rows.Select(r => r.Number));
        Assert.True(leden.Rows[4].IsBlank && leden.Rows[5].IsBlank);

        var title = leden.Rows[0];
        Assert.Equal("Ledenlijst Coöperatie Warmtenet Zuid", title[0]);
        Assert.Null(title[1]); // covered by the merge
        Assert.Null(title[2]);

        var anna = leden.Rows[2];
        Assert.Equal(1001d, anna[0]);
        Assert.Equal("Anna  de Vries", anna[1]); // text:s: the second space kept
        Assert.Equal("14-H", anna[4]);
        Assert.Equal("2,5", anna[5]); // typed as text: the text, not a number
        Assert.Equal(new DateTime(2020, 3, 1), anna[6]);
        Assert.Equal(true, anna[7]);
        Assert.Equal(1234.5d, anna[8]); // € 1.234,50
        Assert.Equal(0.055d, anna[9]); // 5,5%
        Assert.Equal(new DateTime(1899, 12, 31, 19, 30, 0), anna[10]); // 19:30, on the day ExcelDataReader gives an .xlsx time
        Assert.Equal("eerste regel\ntweede regel", anna[11]); // two lines; the comment on the cell is not its text

        var jose = leden.Rows[3];
        Assert.Equal("José Muñoz", jose[1]); // a text:span inside
        Assert.Equal(false, jose[7]);
        Assert.Equal(-12.25d, jose[8]);
        Assert.Equal(1d, jose[9]);
        Assert.Null(jose[10]);
        Assert.Equal("boven\nonder", jose[11]);

        var cafe = leden.Rows[6];
        Assert.Equal(["1003 (Double)", "Café Oost (String)", "bedrijf (String)", "1091 GM (String)", "12 (Double)", "2.5 (Double)", "2019-01-31 (DateTime)"], Typed(cafe.Cells));

        Assert.Equal(["Oude lijst (String)", "42 (Double)"], Typed(sheets[1].Rows.Single().Cells));
    }

    [Fact]
    public void The_member_import_reads_an_ods_with_text_house_numbers_and_a_decimal_comma_typed_as_text()
    {
        var result = Imports.Members(Read("leden-celsoorten.ods"), new LocalDate(2026, 12, 7));
        Assert.True(result.IsClean, string.Join("\n", result.Problems));
        Assert.Equal(2, result.Mapping!.HeaderRow);
        Assert.Equal([3, 4, 7], result.Rows.Select(r => r.Row));
        var (anna, jose, cafe) = (result.Rows[0].Item, result.Rows[1].Item, result.Rows[2].Item);
        Assert.Equal(("1001", "1091 GM", 14, null, "H", 2.5m, new LocalDate(2020, 3, 1), true),
            (anna.Number, anna.Postcode, anna.Huisnummer!.Value, anna.Huisletter, anna.Toevoeging, anna.Woningequivalenten, anna.JoinedOn!.Value, anna.EligibleToVote!.Value));
        Assert.Equal(("1002", "1091 GM", 9, "A", null, 1m, new LocalDate(2021, 12, 14), false),
            (jose.Number, jose.Postcode, jose.Huisnummer!.Value, jose.Huisletter, jose.Toevoeging, jose.Woningequivalenten, jose.JoinedOn!.Value, jose.EligibleToVote!.Value));
        Assert.Equal(("1003", 12, 2.5m, new LocalDate(2019, 1, 31)), (cafe.Number, cafe.Huisnummer!.Value, cafe.Woningequivalenten, cafe.JoinedOn!.Value));
    }

    public static TheoryData<string> Twins => new() { "ledenlijst-penningmeester", "akkoord-blok-a", "begroting-werkelijk-geweigerd", "leden-celsoorten" };

    /// <summary>Calc saved the same cells as .ods and as .xlsx: the two readers give the same sheets, rows and values.</summary>
    [Theory]
    [MemberData(nameof(Twins))]
    public void An_ods_reads_cell_for_cell_as_its_xlsx_twin(string name)
    {
        // Calc's .xlsx of a sheet with formatted columns runs its rows to column 1.024; both readers count only
        // the columns up to the last value, so both read within the default limits.
        var ods = Read(name + ".ods");
        var xlsx = Read(name + ".xlsx");
        Assert.Equal(xlsx.Select(s => s.Name), ods.Select(s => s.Name));
        for (var s = 0; s < xlsx.Length; s++)
        {
            var (expected, actual) = (Shown(xlsx[s]), Shown(ods[s]));
            for (var r = 0; r < Math.Min(expected.Count, actual.Count); r++) Assert.Equal(expected[r], actual[r]);
            Assert.Equal(expected.Count, actual.Count);
        }
    }

    private static string[] Typed(IEnumerable<object?> cells) => [.. cells.Select(c => c switch
    {
        null => "null",
        DateTime t => $"{t:yyyy-MM-dd} (DateTime)",
        _ => $"{Convert.ToString(c, System.Globalization.CultureInfo.InvariantCulture)} ({c.GetType().Name})",
    })];

    /// <summary>A sheet as "row: value (type) | …", up to its last non-empty cell and row (ExcelDataReader pads to the widest row).</summary>
    private static List<string> Shown(Sheet sheet)
    {
        var rows = sheet.Rows.Select(r =>
        {
            var cells = r.Cells.Reverse().SkipWhile(c => c is null).Reverse();
            return $"{r.Number}: " + string.Join(" | ", cells.Select(c => c is null ? "" : $"{Convert.ToString(c, System.Globalization.CultureInfo.InvariantCulture)} ({c.GetType().Name})"));
        }).ToList();
        while (rows.Count > 0 && rows[^1].EndsWith(": ", StringComparison.Ordinal)) rows.RemoveAt(rows.Count - 1);
        return rows;
    }

    [Fact]
    public void A_million_formatted_empty_rows_after_the_last_member_read_small()
    {
        using var file = new MemoryStream(File.ReadAllBytes(Fixture("leden-celsoorten.ods")));
        var before = GC.GetAllocatedBytesForCurrentThread();
        var read = SheetReader.Read(file, "leden-celsoorten.ods");
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(read.IsOk);
        Assert.Equal(7, read.Value![0].Rows.Length);
        // A row of 1.024 cells for each of the 1.048.000 rows would be gigabytes; counting them costs nothing.
        Assert.True(allocated < 4 * MegaByte, $"allocated {allocated / 1024} KB");
    }

    [Fact]
    public void A_last_row_with_a_value_repeated_a_million_times_is_refused_at_the_row_limit_before_it_is_built()
    {
        var file = Ods(Table("Leden", Row(Cell("Naam")), Row(Cell("Jan")) + Row(Cell("x"), repeated: 1_048_000)));
        var before = GC.GetAllocatedBytesForCurrentThread();
        var read = SheetReader.Read(new MemoryStream(file), "leden.ods");
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var error = Assert.Single(read.Refusal!.Errors);
        Assert.Equal("file", error.Field);
        Assert.Equal("blad 'Leden' heeft meer dan 100.000 rijen, de grens voor een spreadsheet (WARMTE_IMPORT_MAX_ROWS); splits het bestand.", error.Reason);
        Assert.True(allocated < 2 * MegaByte, $"allocated {allocated / 1024} KB");

        // Within a raised limit the repeated row is every row it stands for.
        var small = Ods(Table("Leden", Row(Cell("Naam")) + Row(Cell("x"), repeated: 3)));
        Assert.Equal([1, 2, 3, 4], SheetReader.Read(new MemoryStream(small), "leden.ods").Value![0].Rows.Select(r => r.Number));
    }

    [Fact]
    public void Columns_and_sheets_over_the_limit_are_refused_naming_the_limit()
    {
        var wide = Ods(Table("Leden", Row(Cell("Naam") + Empty(299) + Cell("ver weg"))));
        Assert.Equal("blad 'Leden' heeft 301 kolommen; hoogstens 200 toegestaan (WARMTE_IMPORT_MAX_COLUMNS).",
            SheetReader.Read(new MemoryStream(wide), "leden.ods").Refusal!.Errors.Single().Reason);
        Assert.Equal(301, SheetReader.Read(new MemoryStream(wide), "leden.ods", ImportLimits.Default with { MaxColumns = 301 }).Value![0].Rows[0].Cells.Length);
        // A value repeated across the columns counts every column it fills.
        var repeated = Ods(Table("Leden", Row(Cell("x", repeated: 16_384))));
        Assert.Contains("16.384 kolommen", SheetReader.Read(new MemoryStream(repeated), "leden.ods").Refusal!.Errors.Single().Reason);

        var three = Ods(Table("Een", Row(Cell("1"))) + Table("Twee", Row(Cell("2"))) + Table("Drie", Row(Cell("3"))));
        Assert.Equal("'b.ods' heeft meer dan 2 bladen, de grens voor een spreadsheet (WARMTE_IMPORT_MAX_SHEETS).",
            SheetReader.Read(new MemoryStream(three), "b.ods", ImportLimits.Default with { MaxSheets = 2 }).Refusal!.Errors.Single().Reason);
        Assert.Equal(3, SheetReader.Read(new MemoryStream(three), "b.ods", ImportLimits.Default with { MaxSheets = 3 }).Value!.Length);
    }

    [Fact]
    public void Text_follows_the_opendocument_white_space_rules()
    {
        var file = Ods(Table("T", Row(
            Raw("<text:p>  twee\n   woorden </text:p>")
            + Raw("<text:p>a<text:s text:c=\"3\"/>b<text:tab/>c<text:line-break/>d</text:p>")
            + Raw("<text:p/><text:p><text:span text:style-name=\"T1\">vet</text:span> en <text:a xlink:href=\"https://example.org\">link</text:a></text:p>")
            + Raw("<office:annotation><text:p>opmerking</text:p></office:annotation>")
            + "<table:table-cell office:value-type=\"string\" office:string-value=\"uit het attribuut\"><text:p>getoond</text:p></table:table-cell>"
            + "<table:table-cell office:value-type=\"float\" office:value=\"0\" calcext:value-type=\"error\"><text:p>#DEEL/0!</text:p></table:table-cell>"
            + Raw("<text:p>eind</text:p>"))));
        var cells = SheetReader.Read(new MemoryStream(file), "t.ods").Value![0].Rows[0].Cells;
        Assert.Equal(["twee woorden  (String)", "a   b\tc\nd (String)", "\nvet en link (String)", "null", "uit het attribuut (String)", "null", "eind (String)"], Typed(cells));
    }

    [Fact]
    public void A_zip_bomb_ods_is_refused_without_inflating_it_into_memory()
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var read = SheetReader.Read(new MemoryStream(Bomb(256 * MegaByte, declared: 4_096)), "leden.ods");
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var error = Assert.Single(read.Refusal!.Errors);
        Assert.Equal("file", error.Field);
        Assert.Equal("'leden.ods' is beschadigd of vervalst: onderdeel 'content.xml' is uitgepakt niet wat het zegt te zijn.", error.Reason);
        Assert.True(allocated < 16 * MegaByte, $"allocated {allocated / MegaByte} MB reading a 256 MB bomb");

        var honest = SheetReader.Read(new MemoryStream(Bomb(256 * MegaByte, declared: null)), "leden.ods");
        Assert.Equal("'leden.ods' is uitgepakt groter dan 100 MB, de grens voor een spreadsheet (WARMTE_IMPORT_MAX_MB).", honest.Refusal!.Errors.Single().Reason);
    }

    [Fact]
    public void Text_that_spaces_would_inflate_past_the_size_limit_is_refused()
    {
        // 400 cells of text:s c="100000": a few kB of XML that would be 40 million spaces.
        var file = Ods(Table("T", string.Concat(Enumerable.Repeat(Row(Raw("<text:p>x<text:s text:c=\"100000\"/></text:p>")), 400))));
        var read = SheetReader.Read(new MemoryStream(file), "t.ods", ImportLimits.Default with { MaxDecompressedBytes = 10 * MegaByte });
        Assert.Equal("'t.ods' is uitgepakt groter dan 10 MB, de grens voor een spreadsheet (WARMTE_IMPORT_MAX_MB).", read.Refusal!.Errors.Single().Reason);
        Assert.True(SheetReader.Read(new MemoryStream(file), "t.ods", ImportLimits.Default with { MaxDecompressedBytes = 100 * MegaByte }).IsOk);
    }

    [Fact]
    public void A_damaged_or_password_protected_or_garbage_file_is_refused_on_file_with_the_reason()
    {
        string Reason(byte[] bytes, string name = "leden.ods")
        {
            var read = SheetReader.Read(new MemoryStream(bytes), name);
            Assert.False(read.IsOk);
            var error = Assert.Single(read.Refusal!.Errors);
            Assert.Equal("file", error.Field);
            return error.Reason;
        }

        Assert.Equal("'ledenlijst-wachtwoord.ods' is met een wachtwoord beveiligd; sla het zonder wachtwoord op (Bestand > Opslaan als, vinkje 'Opslaan met wachtwoord' uit) en lees het opnieuw in.",
            Reason(File.ReadAllBytes(Fixture("ledenlijst-wachtwoord.ods")), "ledenlijst-wachtwoord.ods"));

        var garbage = new byte[5_000];
        new Random(20261207).NextBytes(garbage);
        Assert.Equal(NotAZip("leden.ods", ".ods"), Reason(garbage));
        Assert.Equal(NotAZip("leden.ods", ".ods"), Reason(Encoding.UTF8.GetBytes("Lid nr.;Naam\n1;Jan\n")));

        // Cut off halfway through a sheet, and a cell whose number is not one: the zip is fine, the XML is not.
        var cut = Zip(("mimetype", OdsType), ("content.xml", Content(Table("Leden", Row(Cell("Naam"))))[..^60]));
        Assert.StartsWith("'leden.ods' is beschadigd en kan niet gelezen worden als .ods", Reason(cut));
        Assert.EndsWith("; open het in LibreOffice Calc en sla het opnieuw op als .ods of .xlsx.", Reason(cut));
        NoEnglish(Reason(cut));
        var notANumber = Ods(Table("Leden", Row("<table:table-cell office:value-type=\"float\" office:value=\"veel\"/>")));
        Assert.StartsWith("'leden.ods' is beschadigd en kan niet gelezen worden als .ods", Reason(notANumber));
        NoEnglish(Reason(notANumber));

        Assert.Equal("'leden.ods' is geen OpenDocument-spreadsheet: het onderdeel content.xml ontbreekt.", Reason(Zip(("mimetype", OdsType))));
        Assert.Equal("'brief.ods' is geen spreadsheet maar een ander OpenDocument-bestand (application/vnd.oasis.opendocument.text); sla het op als spreadsheet (.ods) of .xlsx.",
            Reason(Zip(("mimetype", "application/vnd.oasis.opendocument.text"), ("content.xml", Content(""))), "brief.ods"));
        // An entity bomb in content.xml: DTDs are not read at all.
        var entities = Zip(("mimetype", OdsType), ("content.xml", "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]><d>&b;</d>"));
        Assert.StartsWith("'leden.ods' is beschadigd en kan niet gelezen worden als .ods", Reason(entities));
        NoEnglish(Reason(entities));
    }

    /// <summary>The Dutch refusal of a file that is no zip at all (tester6 T15: it ended in the library's English reason).</summary>
    private static string NotAZip(string name, string extension) =>
        $"'{name}' is beschadigd of geen spreadsheet: een {extension}-bestand is een zip-archief en dit bestand is dat niet. "
        + $"Open het in het spreadsheetprogramma en sla het opnieuw op als {extension}, of als .csv.";

    /// <summary>No sentence of a .NET or library exception in the user's text.</summary>
    private static void NoEnglish(string reason)
    {
        foreach (var word in new[] { " the ", " could ", " not ", "Unexpected", "record", "invalid", "found", "expected", "character" })
            Assert.DoesNotContain(word, reason, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Tester6 T15: a JSON file renamed .xlsx, and a .xls that is not one, are refused in Dutch only.</summary>
    [Fact]
    public void A_file_renamed_to_a_spreadsheet_extension_is_refused_in_dutch_without_the_library_message()
    {
        var json = Encoding.UTF8.GetBytes("{\"members\": [{\"number\": \"1\"}]}");
        var xlsx = SheetReader.Read(new MemoryStream(json), "nep.xlsx");
        Assert.False(xlsx.IsOk);
        Assert.Equal(NotAZip("nep.xlsx", ".xlsx"), Assert.Single(xlsx.Refusal!.Errors).Reason);

        var xls = SheetReader.Read(new MemoryStream(json), "nep.xls");
        Assert.False(xls.IsOk);
        var reason = Assert.Single(xls.Refusal!.Errors).Reason;
        Assert.Equal("'nep.xls' kan niet gelezen worden als .xls: het bestand is beschadigd of geen spreadsheet van die soort. "
                     + "Open het in het spreadsheetprogramma en sla het opnieuw op als .xlsx of .csv.", reason);
        NoEnglish(reason);
    }

    // The property: however a sheet's cells are spread over repeated rows and columns, the reader gives every
    // value at its row and column, and nothing after the last value.
    private static readonly Gen<object?> Value = Gen.Elements<object?>(null, null, null, "Anna", "14-H", "2,5", 1001d, 2.5d, -0.25d, true, false, new DateTime(2020, 3, 1));

    [Property(MaxTest = 200)]
    public Property Repeated_rows_and_columns_read_as_the_grid_they_stand_for() =>
        Prop.ForAll(
            (from width in Gen.Choose(1, 8)
             from height in Gen.Choose(1, 10)
             from grid in Value.ArrayOf(width).ArrayOf(height)
             from trailingColumns in Gen.Choose(0, 5000)
             from trailingRows in Gen.Choose(0, 1_000_000)
             select (grid, trailingColumns, trailingRows)).ToArbitrary(),
            t =>
            {
                var (grid, trailingColumns, trailingRows) = t;
                // Runs of equal cells in a row and of equal rows are written once with their repeat count, as Calc does.
                var rows = new StringBuilder();
                foreach (var run in Runs(grid.Select(r => r.Select(Written).ToArray()), (a, b) => a.SequenceEqual(b)))
                {
                    var cells = string.Concat(Runs(run.Item, (a, b) => a == b).Select(c => c.Item.Replace("/>", $" table:number-columns-repeated=\"{c.Count}\"/>").Replace("\">", $"\" table:number-columns-repeated=\"{c.Count}\">")));
                    rows.Append(Row(cells + Empty(trailingColumns), run.Count));
                }
                rows.Append(Row(Empty(1024), trailingRows + 1));
                var read = SheetReader.Read(new MemoryStream(Ods(Table("Blad", rows.ToString()))), "p.ods").Value![0];

                var lastRow = Array.FindLastIndex(grid, r => r.Any(c => c is not null));
                if (read.Rows.Length != lastRow + 1) return false;
                for (var r = 0; r <= lastRow; r++)
                {
                    var expected = grid[r].Take(Array.FindLastIndex(grid[r], c => c is not null) + 1).ToArray();
                    if (read.Rows[r].Number != r + 1 || !read.Rows[r].Cells.SequenceEqual(expected)) return false;
                }
                return true;
            });

    private static IEnumerable<(T Item, int Count)> Runs<T>(IEnumerable<T> items, Func<T, T, bool> same)
    {
        var list = items.ToList();
        for (var i = 0; i < list.Count;)
        {
            var j = i + 1;
            while (j < list.Count && same(list[i], list[j])) j++;
            yield return (list[i], j - i);
            i = j;
        }
    }

    private static string Written(object? value) => value switch
    {
        null => "<table:table-cell/>",
        string s => Cell(s),
        double d => $"<table:table-cell office:value-type=\"float\" office:value=\"{d.ToString(System.Globalization.CultureInfo.InvariantCulture)}\"><text:p>{d}</text:p></table:table-cell>",
        bool b => $"<table:table-cell office:value-type=\"boolean\" office:boolean-value=\"{(b ? "true" : "false")}\"><text:p>{(b ? "WAAR" : "ONWAAR")}</text:p></table:table-cell>",
        DateTime t => $"<table:table-cell office:value-type=\"date\" office:date-value=\"{t:yyyy-MM-dd}\"><text:p>{t:dd-MM-yyyy}</text:p></table:table-cell>",
        _ => throw new ArgumentOutOfRangeException(nameof(value)),
    };

    // A small .ods written here: the parts LibreOffice writes first (mimetype, manifest) and content.xml.
    private const string OdsType = "application/vnd.oasis.opendocument.spreadsheet";

    private static string Cell(string text, int repeated = 1) =>
        $"<table:table-cell office:value-type=\"string\"{(repeated > 1 ? $" table:number-columns-repeated=\"{repeated}\"" : "")}><text:p>{SecurityElement.Escape(text)}</text:p></table:table-cell>";

    private static string Raw(string inner, int repeated = 1) =>
        $"<table:table-cell office:value-type=\"string\"{(repeated > 1 ? $" table:number-columns-repeated=\"{repeated}\"" : "")}>{inner}</table:table-cell>";

    private static string Empty(int repeated) => repeated == 0 ? "" : $"<table:table-cell table:number-columns-repeated=\"{repeated}\"/>";

    private static string Row(string cells, int repeated = 1) =>
        $"<table:table-row{(repeated > 1 ? $" table:number-rows-repeated=\"{repeated}\"" : "")}>{cells}</table:table-row>";

    private static string Table(string name, params string[] rows) => $"<table:table table:name=\"{name}\">{string.Concat(rows)}</table:table>";

    private static string Content(string tables) =>
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
        + "xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" "
        + "xmlns:xlink=\"http://www.w3.org/1999/xlink\" xmlns:calcext=\"urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0\" office:version=\"1.3\">"
        + $"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>";

    private static byte[] Ods(string tables) => Zip(("mimetype", OdsType),
        ("META-INF/manifest.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" manifest:version=\"1.3\">"
                                  + $"<manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"{OdsType}\"/><manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/></manifest:manifest>"),
        ("content.xml", Content(tables)));

    private static byte[] Zip(params (string Name, string Text)[] parts)
    {
        var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, text) in parts)
            {
                using var writer = new StreamWriter(zip.CreateEntry(name).Open(), new UTF8Encoding(false));
                writer.Write(text);
            }
        return output.ToArray();
    }

    /// <summary>An .ods whose content.xml inflates to <paramref name="actual"/> bytes while its zip headers say <paramref name="declared"/>.</summary>
    private static byte[] Bomb(long actual, uint? declared)
    {
        var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var writer = new StreamWriter(zip.CreateEntry("mimetype", CompressionLevel.NoCompression).Open())) writer.Write(OdsType);
            using var part = zip.CreateEntry("content.xml", CompressionLevel.SmallestSize).Open();
            var spaces = new byte[MegaByte];
            Array.Fill(spaces, (byte)' ');
            for (long written = 0; written < actual; written += spaces.Length) part.Write(spaces);
        }
        var bytes = output.ToArray();
        if (declared is not { } size) return bytes;
        var name = Encoding.ASCII.GetBytes("content.xml");
        // The same header patch as the .xlsx zip bomb (ImportCapsTests): only the entry differs.
        ImportCapsTests.Patch(bytes, 0x04034b50, name, nameOffset: 30, sizeOffset: 22, size);
        ImportCapsTests.Patch(bytes, 0x02014b50, name, nameOffset: 46, sizeOffset: 24, size);
        return bytes;
    }
}
