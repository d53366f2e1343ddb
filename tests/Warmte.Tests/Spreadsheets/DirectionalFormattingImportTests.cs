using System.Text;
using NodaTime;
using Warmte.Spreadsheets.Import;

namespace Warmte.Tests.Spreadsheets;

/// <summary>
/// A member list whose name cell holds a right-to-left override (it would display "Jan de Vries" while holding other
/// text) is refused on that row and column, naming the character; Arabic and Hebrew names with their marks are read as
/// written. The file is a CSV as Excel saves "CSV UTF-8": a byte-order mark, ';', CRLF.
/// </summary>
public sealed class DirectionalFormattingImportTests
{
    private static readonly LocalDate Today = new(2026, 12, 7);

    private static ImportResult<Members.MemberInput> Import(params string[] rows)
    {
        var path = Path.Combine(Path.GetTempPath(), $"warmte-bidi-{Guid.NewGuid():N}.csv");
        var text = "Lidnummer;Naam;Categorie;Postcode;Huisnummer;Straat;Lid sinds\r\n" + string.Concat(rows.Select(r => r + "\r\n"));
        File.WriteAllText(path, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        try
        {
            var sheets = SheetReader.Read(path);
            Assert.True(sheets.IsOk, sheets.Refusal?.Errors[0].Reason);
            return Imports.Members(sheets.Value!, Today);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void An_override_in_a_name_or_an_isolate_in_a_street_is_named_by_row_column_and_character()
    {
        var result = Import(
            "L-1;\u0641\u0627\u0637\u0645\u0629 \u0627\u0644\u0632\u0647\u0631\u0627\u0621;huurder;1054 AB;12;Wibautstraat;14-12-2020",
            "L-2;Jan\u202Eseirv ed;huurder;1054 AB;14;Wibautstraat;3-1-2021",
            "L-3;\u05D9\u05E2\u05DC \u05DB\u05D4\u05DF\u200F;huurder;1054 AB;16;\u2067Wibautstraat\u2069;3-1-2021");
        var problems = result.Problems.Select(p => p.ToString()).ToList();
        Assert.Equal(2, problems.Count);
        Assert.Contains("rij 3, kolom B (Naam)", problems[0]);
        Assert.Contains("U+202E (RIGHT-TO-LEFT OVERRIDE)", problems[0]);
        Assert.Contains("rij 4, kolom F (Straat)", problems[1]);
        Assert.Contains("U+2067 (RIGHT-TO-LEFT ISOLATE)", problems[1]);
        Assert.DoesNotContain(problems, p => p.Contains("rij 2,", StringComparison.Ordinal));
    }

    [Fact]
    public void Names_in_arabic_and_hebrew_with_their_marks_are_read_as_written()
    {
        var result = Import(
            "L-1;\u0641\u0627\u0637\u0645\u0629 \u0627\u0644\u0632\u0647\u0631\u0627\u0621;huurder;1054 AB;12;Wibautstraat;14-12-2020",
            "L-2;\u05D9\u05E2\u05DC \u05DB\u05D4\u05DF\u200F;huurder;1054 AB;16;Wibautstraat;3-1-2021");
        Assert.True(result.IsClean, string.Join("\n", result.Problems));
        Assert.Equal(["\u0641\u0627\u0637\u0645\u0629 \u0627\u0644\u0632\u0647\u0631\u0627\u0621", "\u05D9\u05E2\u05DC \u05DB\u05D4\u05DF\u200F"],
            result.Rows.Select(r => r.Item.Name));
    }
}
