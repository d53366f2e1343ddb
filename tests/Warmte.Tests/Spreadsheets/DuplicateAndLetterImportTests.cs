using System.Text;
using NodaTime;
using Warmte.Members;
using Warmte.Spreadsheets.Import;
using Warmte.TenantConsent;

namespace Warmte.Tests.Spreadsheets;

/// <summary>
/// Tester9a T9: an exact duplicate row in a member list blocked the whole import ("lidnummer OW-005 staat ook al in rij 10").
/// Identical rows (every column the import reads equal after normalising) are read once with a warning naming both rows;
/// rows with the same member number and different contents stay refused, naming the columns that differ. The file is a
/// CSV as Excel (nl-NL) saves it: Windows-1252, ';', CRLF, decimal comma, d-M-yyyy dates.
/// </summary>
public sealed class MemberDuplicateRowTests
{
    private static readonly LocalDate Today = new(2026, 12, 7);

    static MemberDuplicateRowTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private static ImportResult<MemberInput> Read(params string[] rows)
    {
        var path = Path.Combine(Path.GetTempPath(), $"leden-{Guid.NewGuid():N}.csv");
        var text = "Lidnr;Naam;Categorie;Postcode;Huisnummer;WEQ;Lid sinds\r\n" + string.Concat(rows.Select(r => r + "\r\n"));
        File.WriteAllBytes(path, Encoding.GetEncoding(1252).GetBytes(text));
        try
        {
            var sheets = SheetReader.Read(path);
            Assert.True(sheets.IsOk, sheets.Refusal?.Errors[0].Reason);
            return Imports.Members(sheets.Value!, Today);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void An_identical_row_is_read_once_with_a_warning_naming_both_rows()
    {
        var result = Read(
            "OW-004;Anna de Vries;huurder;1093 BS;14-H;1;1-5-2026",
            "OW-005;José Muñoz;eigenaar-bewoner;1093 BS;9A;2,5;1-5-2026",
            "OW-006;Café Oost;bedrijf;1093 BT;12;1;1-5-2026",
            // Row 5 is row 3 again as another program writes it: postcode without space, category in capitals, WEQ 2.50, date as ISO.
            "ow-005;José Muñoz ;EIGENAAR-BEWONER;1093bs;9 a;2,50;2026-05-01");
        Assert.True(result.IsClean, string.Join("\n", result.Problems));
        Assert.Equal(["OW-004", "OW-005", "OW-006"], result.Rows.Select(r => r.Item.Number));
        Assert.Equal(0, result.BadRows);
        var warning = Assert.Single(result.Warnings).ToString();
        Assert.Equal("Blad '" + warning.Split('\'')[1] + "', rij 3, kolom A (Lidnr): rij 5 is gelijk aan deze rij (lid OW-005, elke kolom hetzelfde); "
                     + "het lid is één keer ingelezen. Haal de dubbele rij weg als u de lijst bijhoudt.", warning);
    }

    [Fact]
    public void The_same_number_with_other_contents_is_refused_naming_the_columns_that_differ()
    {
        var result = Read(
            "OW-005;José Muñoz;eigenaar-bewoner;1093 BS;9A;1;1-5-2026",
            "OW-006;Café Oost;bedrijf;1093 BT;12;1;1-5-2026",
            "OW-005;José Munoz;eigenaar-bewoner;1093 BS;9-A;1;1-5-2026");
        var problem = Assert.Single(result.Problems).ToString();
        Assert.EndsWith("rij 4, kolom A (Lidnr): lidnummer OW-005 staat ook al in rij 2, met andere gegevens in kolom B (Naam) en kolom E (Huisnummer); "
                        + "één lid heeft één rij: maak de rijen gelijk of haal er één weg.", problem);
        Assert.Equal(["OW-005", "OW-006"], result.Rows.Select(r => r.Item.Number));
        Assert.Equal(1, result.BadRows);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void A_row_as_the_register_export_writes_an_erased_member_is_read_without_an_address_for_the_service_to_judge()
    {
        var result = Read("OW-004;Anna de Vries;huurder;1093 BS;14-H;1;1-5-2026", "OW-009;(gewist);huurder;;;1;1-5-2024");
        Assert.True(result.IsClean, string.Join("\n", result.Problems));
        var erased = result.Rows.Single(r => r.Item.Number == "OW-009").Item;
        Assert.Null(erased.Postcode);
        Assert.Null(erased.Huisnummer);
        // Any other member without an address is still refused.
        var missing = Read("OW-010;Piet;huurder;;;1;1-5-2024");
        Assert.Contains(missing.Problems, p => p.ToString().Contains("kolom D (Postcode): is leeg."));
    }
}

/// <summary>
/// Tester9a T13: the register has "Dapperstraat 14-H" (toevoeging H), the consent list "Dapperstraat 14 H" (huisletter H): two
/// BAG addresses. The consent import warns, naming both, and still reads the row as written.
/// </summary>
public sealed class ConsentLetterOrAdditionTests
{
    private static ImportResult<DeclarationInput> Consent(string csv)
    {
        var path = Path.Combine(Path.GetTempPath(), $"akkoord-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, csv, new UTF8Encoding(true));
        try
        {
            var sheets = SheetReader.Read(path);
            Assert.True(sheets.IsOk, sheets.Refusal?.Errors[0].Reason);
            return Imports.Consent(sheets.Value!);
        }
        finally { File.Delete(path); }
    }

    private static readonly (string, DutchAddress)[] Register =
    [
        ("OW-003", new DutchAddress("1093 BS", 14, "H")),
        ("OW-004", new DutchAddress("1093 BS", 9, null, "A")),
        ("OW-007", new DutchAddress("1093 BS", 20, "2", "A")),
        ("OW-008", new DutchAddress("1093 BS", 30, "H")),
        ("OW-009", new DutchAddress("1093 BS", 30, null, "H")),
    ];

    [Fact]
    public void A_consent_address_that_is_a_members_address_with_letter_and_addition_swapped_is_warned_about_naming_both()
    {
        var read = Consent("Postcode;Huisnummer;Antwoord;Datum\r\n"
                           + "1093 BS;14 H;akkoord;02-11-2026\r\n"   // huisletter H; the register: toevoeging H
                           + "1093 BS;9-A;akkoord;02-11-2026\r\n"    // toevoeging A; the register: huisletter A
                           + "1093 BS;20-A2;geweigerd;02-11-2026\r\n" // toevoeging A2; the register: 20A-2
                           + "1093 BS;9A;akkoord;02-11-2026\r\n"     // the member's own address
                           + "1093 BS;30H;akkoord;02-11-2026\r\n"    // both 30-H and 30H are members: this one is OW-009's own
                           + "1093 BS;15-H;akkoord;02-11-2026\r\n");  // no member at 15
        Assert.True(read.IsClean, string.Join("\n", read.Problems));
        var result = Imports.WarnLetterOrAddition(read, Register);
        Assert.Equal(6, result.Rows.Length); // read as written
        var warnings = result.Warnings.Select(w => w.ToString()).ToList();
        Assert.Equal(3, warnings.Count);
        Assert.EndsWith("rij 2, kolom B (Huisnummer): 1093 BS 14H (huisletter H) staat in het ledenregister als 1093 BS 14-H (toevoeging H, lid OW-003); "
                        + "volgens de BAG zijn dat twee verschillende adressen (14H is huisletter H, 14-H toevoeging H). Controleer welk adres klopt en "
                        + "maak de lijst of het register gelijk; de rij wordt ingelezen zoals hij er staat.", warnings[0]);
        Assert.Contains("rij 3, kolom B (Huisnummer): 1093 BS 9-A (toevoeging A) staat in het ledenregister als 1093 BS 9A (huisletter A, lid OW-004)", warnings[1]);
        Assert.Contains("rij 4, kolom B (Huisnummer): 1093 BS 20-A2 (toevoeging A2) staat in het ledenregister als 1093 BS 20A-2 (huisletter A en toevoeging 2, lid OW-007)", warnings[2]);
        Assert.Empty(Imports.WarnLetterOrAddition(read, []).Warnings);
    }

    [Theory]
    [InlineData(14, "H", null, 14, null, "H", true)]
    [InlineData(14, null, "H", 14, "H", null, true)]
    [InlineData(14, "A", "2", 14, null, "A2", true)]
    [InlineData(14, "H", null, 14, "H", null, false)] // the same address
    [InlineData(14, "H", null, 15, null, "H", false)] // another number
    [InlineData(14, "H", null, 14, null, "HS", false)] // other characters
    public void Only_letter_and_addition_differ(int n1, string? l1, string? t1, int n2, string? l2, string? t2, bool expected) =>
        Assert.Equal(expected, Imports.OnlyLetterAndAdditionDiffer(new DutchAddress("1093 BS", n1, t1, l1), new DutchAddress("1093 BS", n2, t2, l2)));
}
