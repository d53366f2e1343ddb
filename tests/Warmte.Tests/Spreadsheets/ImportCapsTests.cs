using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using ClosedXML.Excel;
using Warmte.Spreadsheets.Import;

namespace Warmte.Tests.Spreadsheets;

/// <summary>
/// Issue 16: caps on what an imported spreadsheet may hold (sheets, rows, columns, decompressed size of an
/// .xlsx), refused with a Dutch message naming the limit. The zip bombs are made here, in the test: one whose
/// parts declare a huge size, and one whose sheet lies about its size and inflates to 256 MB; both are
/// refused having allocated a few megabytes at most.
/// </summary>
public sealed class ImportCapsTests
{
    private const long MegaByte = 1024 * 1024;

    [Fact]
    public void A_zip_bomb_whose_sheet_lies_about_its_size_is_refused_without_inflating_it_into_memory()
    {
        var bomb = Bomb(actualBytes: 256 * MegaByte, declaredBytes: 4_096);
        Assert.True(bomb.Length < 2 * MegaByte, "the crafted file is small");

        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var read = SheetReader.Read(new MemoryStream(bomb), "leden.xlsx");
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        Assert.False(read.IsOk);
        var reason = read.Refusal!.Errors.Single().Reason;
        Assert.Equal("file", read.Refusal.Errors.Single().Field);
        Assert.Contains("beschadigd of vervalst", reason);
        Assert.Contains("xl/worksheets/sheet1.xml", reason);
        Assert.True(allocated < 16 * MegaByte, $"allocated {allocated / MegaByte} MB reading a 256 MB bomb");

        // Declaring its true size, the same bomb is over the 100 MB limit, named in the refusal.
        var honest = SheetReader.Read(new MemoryStream(Bomb(actualBytes: 256 * MegaByte, declaredBytes: null)), "leden.xlsx");
        Assert.Contains("groter dan 100 MB", honest.Refusal!.Errors.Single().Reason);
        Assert.Contains(ImportLimits.MegabytesVariable, honest.Refusal.Errors.Single().Reason);
    }

    [Fact]
    public void A_zip_whose_parts_declare_more_than_the_limit_is_refused_before_anything_is_inflated()
    {
        var bomb = Bomb(actualBytes: MegaByte, declaredBytes: 3_000_000_000);
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var read = SheetReader.Read(new MemoryStream(bomb), "begroting.xlsx", ImportLimits.Default with { MaxDecompressedBytes = 50 * MegaByte });
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        Assert.False(read.IsOk);
        Assert.Contains("groter dan 50 MB", read.Refusal!.Errors.Single().Reason);
        Assert.True(allocated < MegaByte, $"allocated {allocated} bytes");
    }

    [Fact]
    public void A_sheet_with_more_columns_than_the_limit_is_refused_naming_the_limit()
    {
        var file = Workbook(book =>
        {
            var sheet = book.AddWorksheet("Leden");
            sheet.Cell(1, 1).Value = "Naam";
            sheet.Cell(2, 301).Value = "ver weg";
        });
        var refused = SheetReader.Read(new MemoryStream(file), "leden.xlsx");
        Assert.False(refused.IsOk);
        var reason = refused.Refusal!.Errors.Single().Reason;
        Assert.Contains("301 kolommen", reason);
        Assert.Contains("hoogstens 200", reason);

        Assert.True(SheetReader.Read(new MemoryStream(file), "leden.xlsx", ImportLimits.Default with { MaxColumns = 301 }).IsOk);
    }

    [Fact]
    public void Too_many_rows_or_sheets_are_refused_naming_the_limit_and_a_file_within_them_is_read()
    {
        var file = Workbook(book =>
        {
            foreach (var name in new[] { "Een", "Twee", "Drie" })
            {
                var sheet = book.AddWorksheet(name);
                for (var row = 1; row <= 12; row++) sheet.Cell(row, 1).Value = row;
            }
        });
        var rows = SheetReader.Read(new MemoryStream(file), "b.xlsx", ImportLimits.Default with { MaxRows = 11 });
        Assert.Contains("meer dan 11 rijen", rows.Refusal!.Errors.Single().Reason);
        var sheets = SheetReader.Read(new MemoryStream(file), "b.xlsx", ImportLimits.Default with { MaxSheets = 2 });
        Assert.Contains("3 bladen; hoogstens 2", sheets.Refusal!.Errors.Single().Reason);

        var read = SheetReader.Read(new MemoryStream(file), "b.xlsx", ImportLimits.Default with { MaxRows = 12, MaxSheets = 3 });
        Assert.True(read.IsOk);
        Assert.Equal(3, read.Value!.Length);
        Assert.All(read.Value, s => Assert.Equal(12, s.Rows.Length));
    }

    [Fact]
    public void The_CLI_takes_the_limits_from_the_environment_and_refuses_a_value_that_is_not_a_whole_number()
    {
        var set = new Dictionary<string, string?> { [ImportLimits.RowsVariable] = "500", [ImportLimits.MegabytesVariable] = "20" };
        var limits = ImportLimits.From(name => set.GetValueOrDefault(name));
        Assert.True(limits.IsOk);
        Assert.Equal(500, limits.Value!.MaxRows);
        Assert.Equal(20 * MegaByte, limits.Value.MaxDecompressedBytes);
        Assert.Equal(ImportLimits.Default.MaxColumns, limits.Value.MaxColumns);

        var wrong = ImportLimits.From(name => name == ImportLimits.ColumnsVariable ? "veel" : null);
        Assert.False(wrong.IsOk);
        Assert.Equal(ImportLimits.ColumnsVariable, wrong.Refusal!.Errors.Single().Field);
    }

    private static byte[] Workbook(Action<XLWorkbook> fill)
    {
        using var book = new XLWorkbook();
        fill(book);
        using var stream = new MemoryStream();
        book.SaveAs(stream);
        return stream.ToArray();
    }

    /// <summary>
    /// The skeleton of an .xlsx whose one sheet inflates to <paramref name="actualBytes"/> while its zip headers
    /// (local and central) say <paramref name="declaredBytes"/>.
    /// </summary>
    private static byte[] Bomb(long actualBytes, uint? declaredBytes)
    {
        var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            Text(zip, "[Content_Types].xml", """<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>""");
            Text(zip, "xl/workbook.xml", """<?xml version="1.0"?><workbook><sheets><sheet name="Leden" sheetId="1"/></sheets></workbook>""");
            var sheet = zip.CreateEntry("xl/worksheets/sheet1.xml", CompressionLevel.SmallestSize);
            using var part = sheet.Open();
            var spaces = new byte[MegaByte];
            Array.Fill(spaces, (byte)' ');
            var header = Encoding.UTF8.GetBytes("<worksheet><sheetData>");
            part.Write(header);
            for (long written = header.Length; written < actualBytes; written += spaces.Length) part.Write(spaces);
        }
        var bytes = output.ToArray();
        if (declaredBytes is not { } declared) return bytes;
        var name = Encoding.UTF8.GetBytes("xl/worksheets/sheet1.xml");
        Patch(bytes, 0x04034b50, name, nameOffset: 30, sizeOffset: 22, declared);
        Patch(bytes, 0x02014b50, name, nameOffset: 46, sizeOffset: 24, declared);
        return bytes;
    }

    /// <summary>Overwrites the uncompressed size in the zip header with this signature that names the sheet.</summary>
    internal static void Patch(byte[] zip, uint signature, byte[] name, int nameOffset, int sizeOffset, uint size)
    {
        for (var i = 0; i + nameOffset + name.Length <= zip.Length; i++)
            if (BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(i)) == signature && zip.AsSpan(i + nameOffset, name.Length).SequenceEqual(name))
            {
                BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(i + sizeOffset), size);
                return;
            }
        throw new InvalidOperationException("header not found");
    }

    private static void Text(ZipArchive zip, string name, string text)
    {
        using var writer = new StreamWriter(zip.CreateEntry(name).Open());
        writer.Write(text);
    }
}
