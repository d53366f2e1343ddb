using System.Text;
using Warmte.Spreadsheets.Import;

namespace Warmte.Tests.Spreadsheets;

/// <summary>
/// Tester9b T5: a .csv had no cap (a 300 MB file took 3.3 GB; a million rows took 468 MB before the row limit, which
/// named the file "blad ''"). It now has the size cap of an .xlsx (checked before it is read), a cell-length cap and
/// the row cap checked on the text before any cell is read, each refusal naming the file. The caps are made small
/// here so the files stay small.
/// </summary>
public sealed class CsvCapsTests
{
    private const string Header = "Lidnummer;Naam;Categorie;Postcode;Huisnummer\n";

    private static MemoryStream Csv(string text) => new(Encoding.UTF8.GetBytes(text));

    [Fact]
    public void A_csv_larger_than_the_size_cap_is_refused_before_it_is_read_naming_the_file_and_the_limit()
    {
        var limits = ImportLimits.Default with { MaxDecompressedBytes = 1024 * 1024 };
        var text = Header + string.Concat(Enumerable.Range(1, 30_000).Select(i => $"L-{i};Lid {i};eigenaar-bewoner;1054 AB;{i}\n"));
        Assert.True(Encoding.UTF8.GetByteCount(text) > 1024 * 1024);

        var stream = Csv(text);
        var refused = SheetReader.Read(stream, "leden.csv", limits);
        Assert.False(refused.IsOk);
        Assert.Equal("'leden.csv' is groter dan 1 MB, de grens voor een spreadsheet (WARMTE_IMPORT_MAX_MB).", refused.Refusal!.Errors.Single().Reason);
        Assert.Equal(0, stream.Position); // a seekable file is not read at all

        // The same bytes through a stream that cannot tell its length: read up to the cap, then refused.
        var unseekable = SheetReader.Read(new ForwardOnly(Encoding.UTF8.GetBytes(text)), "leden.csv", limits);
        Assert.Contains("groter dan 1 MB", unseekable.Refusal!.Errors.Single().Reason);

        Assert.True(SheetReader.Read(Csv(text), "leden.csv", limits with { MaxDecompressedBytes = 2 * 1024 * 1024 }).IsOk);
    }

    [Fact]
    public void A_cell_longer_than_the_cell_cap_is_refused_naming_file_row_and_column()
    {
        var limits = ImportLimits.Default with { MaxCellCharacters = 100 };
        var refused = SheetReader.Read(Csv(Header + $"L-1;{new string('a', 101)};eigenaar-bewoner;1054 AB;1\n"), "leden.csv", limits);
        Assert.False(refused.IsOk);
        Assert.StartsWith("'leden.csv' heeft in rij 2, kolom 2 een cel van meer dan 100 tekens", refused.Refusal!.Errors.Single().Reason);

        // An unclosed quote makes the rest of the file one cell: the same refusal, with the hint.
        var unclosed = SheetReader.Read(Csv(Header + "L-1;\"Jan;eigenaar-bewoner;1054 AB;1\n" + string.Concat(Enumerable.Repeat("L-2;Piet;eigenaar-bewoner;1054 AB;2\n", 10))), "leden.csv", limits);
        Assert.Contains("aanhalingsteken", unclosed.Refusal!.Errors.Single().Reason);

        Assert.True(SheetReader.Read(Csv(Header + $"L-1;{new string('a', 100)};eigenaar-bewoner;1054 AB;1\n"), "leden.csv", limits).IsOk);
    }

    [Fact]
    public void A_quote_inside_a_cell_is_plain_text_as_the_reader_reads_it_so_a_long_list_still_imports()
    {
        // Review18 #2: the pre-check counted every quote, so one stray quote mid-cell made the rest of a list over 32 KB
        // "a cell of more than 32,767 characters". The reader opens a quote only at a cell's start.
        var rows = Enumerable.Range(1, 1_000).Select(i => i == 3 ? "L-3;Café \"De Hoek;bedrijf;1054 AB;3\n" : $"L-{i};Lid {i};eigenaar-bewoner;1054 AB;{i}\n");
        var text = Header + string.Concat(rows);
        Assert.True(text.Length > 40_000);

        var read = SheetReader.Read(Csv(text), "leden.csv");
        Assert.True(read.IsOk, read.Refusal?.Errors.Single().Reason);
        var sheet = read.Value.Single();
        Assert.Equal(1_001, sheet.Rows.Count(r => !r.IsBlank));
        Assert.Equal("Café \"De Hoek", sheet.Rows[3][1]);
        Assert.Equal("L-1000", sheet.Rows[1_000][0]);

        // A quoted cell with an escaped quote and a separator inside is one cell, as before.
        var quoted = SheetReader.Read(Csv(Header + "L-1;\"Café \"\"De Hoek\"\"; achter\";bedrijf;1054 AB;1\n" + text[Header.Length..]), "leden.csv");
        Assert.True(quoted.IsOk, quoted.Refusal?.Errors.Single().Reason);
        Assert.Equal("Café \"De Hoek\"; achter", quoted.Value.Single().Rows[1][1]);
    }

    [Fact]
    public void An_unclosed_quote_at_the_start_of_a_cell_in_a_long_list_still_gets_the_unclosed_quote_hint()
    {
        var text = Header + "L-1; \"Jan;eigenaar-bewoner;1054 AB;1\n"
                   + string.Concat(Enumerable.Range(2, 1_000).Select(i => $"L-{i};Lid {i};eigenaar-bewoner;1054 AB;{i}\n"));
        Assert.True(text.Length > 40_000);

        var refused = SheetReader.Read(Csv(text), "leden.csv");
        Assert.False(refused.IsOk);
        var reason = refused.Refusal!.Errors.Single().Reason;
        Assert.StartsWith("'leden.csv' heeft in rij 2, kolom 2 een cel van meer dan 32.767 tekens", reason);
        Assert.Contains("Een aanhalingsteken (\") dat niet gesloten wordt", reason);
    }

    [Fact]
    public void More_rows_than_the_row_cap_are_refused_naming_the_file_not_a_sheet()
    {
        var limits = ImportLimits.Default with { MaxRows = 50 };
        var rows = Header + string.Concat(Enumerable.Range(1, 50).Select(i => $"L-{i};Lid;eigenaar-bewoner;1054 AB;{i}\n"));
        var refused = SheetReader.Read(Csv(rows), "leden.csv", limits);
        Assert.False(refused.IsOk);
        Assert.Equal("'leden.csv' heeft meer dan 50 rijen, de grens voor een spreadsheet (WARMTE_IMPORT_MAX_ROWS); splits het bestand.", refused.Refusal!.Errors.Single().Reason);
        Assert.DoesNotContain("blad", refused.Refusal.Errors.Single().Reason);

        // Blank lines at the end do not count; 49 members and the header fit.
        var fits = SheetReader.Read(Csv(Header + string.Concat(Enumerable.Range(1, 49).Select(i => $"L-{i};Lid;eigenaar-bewoner;1054 AB;{i}\n")) + "\n\n;;;\n"), "leden.csv", limits);
        Assert.True(fits.IsOk, fits.Refusal?.Errors.Single().Reason);
        Assert.Equal(50, fits.Value.Single().Rows.Count(r => !r.IsBlank));
        Assert.Equal("leden", fits.Value.Single().Name);
    }

    [Fact]
    public void A_windows_1252_csv_is_still_read_as_before()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var bytes = Encoding.GetEncoding(1252).GetBytes(Header + "L-1;Coöperatie Één;eigenaar-bewoner;1054 AB;1\n");
        var read = SheetReader.Read(new MemoryStream(bytes), "leden.csv");
        Assert.True(read.IsOk);
        Assert.Equal("Coöperatie Één", read.Value.Single().Rows[1][1]);
    }

    /// <summary>A stream that reads forward only and cannot tell its length (a pipe).</summary>
    private sealed class ForwardOnly(byte[] bytes) : Stream
    {
        private readonly MemoryStream _inner = new(bytes);
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 4096));
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
