using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using Warmte.Members;
using Warmte.Spreadsheets.Import;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Decisions;

/// <summary>
/// Addresses in one cell with the postcode first, as housing corporations export them ("1091 GM Wibautstraat 20",
/// tester finding F8), read by the one address parser the member and consent imports share; and where an address
/// cannot be read, the message says what was found.
/// </summary>
public sealed class PostcodeFirstAddressTests
{
    [Theory]
    [InlineData("1091 GM Wibautstraat 20", "20", "1091 GM")]
    [InlineData("1091GM Wibautstraat 20", "20", "1091GM")]
    [InlineData("1091 gm, Wibautstraat 20-H", "20-H", "1091 gm")]
    [InlineData("1091 GM  Wibautstraat 14 hs", "14 hs", "1091 GM")]
    [InlineData("1091 GM 1e Oosterparkstraat 9a", "9a", "1091 GM")]
    [InlineData("1091 GM 20-H", "20-H", "1091 GM")] // postcode and number, no street
    [InlineData("1091 GM Wibautstraat 20, 1091 GM Amsterdam", "20", "1091 GM")] // first and last, the same (review3 F10)
    [InlineData("1091GM Wibautstraat 20-H 1091 gm", "20-H", "1091GM")]
    public void A_line_with_the_postcode_first_gives_its_house_number_and_postcode(string line, string number, string postcode)
    {
        var (text, pc, problem) = AddressLine.Split(line);
        Assert.Null(problem);
        Assert.Equal((number, postcode), (text, pc));
    }

    [Fact]
    public void A_postcode_without_a_house_number_says_it_found_the_postcode()
    {
        Assert.Equal("'1091 GM': postcode 1091 GM gevonden maar geen huisnummer (bijv. 1091 GM Wibautstraat 14-H of Wibautstraat 14-H, 1091 GM).",
            AddressLine.Split("1091 GM").Problem);
        Assert.Contains("postcode 1091 GM gevonden maar geen huisnummer", AddressLine.Split("1091 GM Wibautstraat").Problem);
    }

    [Fact]
    public void Two_different_postcodes_in_one_line_are_named_not_guessed()
    {
        var (text, _, problem) = AddressLine.Split("1091 GM Wibautstraat 20, 1012 AB Amsterdam");
        Assert.Null(text);
        // A long line is shortened to 40 characters in the message, as every address message does.
        Assert.Equal("'1091 GM Wibautstraat 20, 1012 AB Amsterd…' heeft twee verschillende postcodes (1091 GM en 1012 AB); "
                     + "geef er één (bijv. Wibautstraat 14-H, 1091 GM Amsterdam).", problem);
    }

    private static Gen<string> Postcodes() =>
        from digits in Gen.Choose(1000, 9999)
        from first in Gen.Elements("ABCDEFGHJKLMNPRSTVWXZ".ToCharArray())
        from second in Gen.Elements("BCEFGHJKLMNPRTVWXZ".ToCharArray()) // never SA, SD, SS (not issued)
        select $"{digits} {first}{second}";

    private static Gen<HouseNumber> HouseNumbers() =>
        from number in Gen.Choose(1, 99_999)
        from letter in Gen.Elements<string?>(null, null, "A", "B", "H", "Z")
        from addition in Gen.Elements<string?>(null, null, "H", "1", "2", "III", "HS", "1HG", "A", "BIS", "2B")
        select new HouseNumber(number, letter, addition);

    private static (string? Postcode, HouseNumber? House) Read(string line)
    {
        var (text, postcode, problem) = AddressLine.Split(line);
        return problem is null && text is not null ? (Postcode.Normalise(postcode), HouseNumber.Parse(text).Value) : (null, null);
    }

    private static Gen<(string Postcode, HouseNumber House, string Street, int Form)> Addresses() =>
        from postcode in Postcodes()
        from house in HouseNumbers()
        from street in Gen.Elements("Wibautstraat", "1e Oosterparkstraat", "Tweede Jan Steenstraat", "Plein '40-'45", "Van der Pekstraat")
        from form in Gen.Choose(0, 5)
        select (postcode, house, street, form);

    [Property(MaxTest = 500)]
    public Property Postcode_first_and_postcode_last_read_as_the_same_address() =>
        Prop.ForAll(Addresses().ToArbitrary(), a =>
        {
            var (postcode, house, street, form) = a;
            var number = form % 2 == 0 ? house.ToString() : house.ToString().ToLowerInvariant();
            var squeezed = postcode.Replace(" ", "");
            var first = form switch
            {
                0 or 1 => $"{postcode} {street} {number}",
                2 or 3 => $"{squeezed} {street} {number}",
                _ => $"{postcode.ToLowerInvariant()}, {street} {number}",
            };
            var last = form switch
            {
                0 or 1 => $"{street} {number}, {postcode} Amsterdam",
                2 or 3 => $"{street} {number} {squeezed}",
                _ => $"{street} {number}, {postcode.ToLowerInvariant()}",
            };
            var expected = ((string?)postcode, (HouseNumber?)house);
            return (Read(first) == expected && Read(last) == expected).Label($"{first} | {last}: {Read(first)} {Read(last)}");
        });

    private static string Csv(params string[] lines)
    {
        var path = Path.Combine(Path.GetTempPath(), $"warmte-adres-{Guid.NewGuid():N}.csv");
        File.WriteAllBytes(path, Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(string.Join("\r\n", lines) + "\r\n")).ToArray());
        return path;
    }

    private static ImmutableSheets Sheets(string path)
    {
        var sheets = SheetReader.Read(path);
        Assert.True(sheets.IsOk, sheets.Refusal?.Errors[0].Reason);
        return new(sheets.Value!);
    }

    private sealed record ImmutableSheets(System.Collections.Immutable.ImmutableArray<Sheet> Value);

    [Fact]
    public void The_consent_import_reads_the_testers_file_with_the_postcode_first_and_says_what_it_found_where_it_cannot()
    {
        var result = Imports.Consent(Sheets(RepoFiles.Path("tests", "Warmte.Tests", "Spreadsheets", "Fixtures", "akkoord-blok-a.csv")).Value);
        Assert.Equal(["1091 GM 20", "1091 GM 22", "1091 GM 18", "1091 GM 20-H", "1091 GM 24", "1091 GM 26"],
            result.Rows.Select(r => $"{r.Item.Postcode} {new HouseNumber(r.Item.Huisnummer!.Value, r.Item.Huisletter, r.Item.Toevoeging)}"));
        var problems = result.Problems.Select(p => p.ToString()).ToList();
        Assert.Contains("Blad 'akkoord-blok-a', rij 6, kolom A (Adres): 'Wibautstraat 30': huisnummer 30 gevonden maar geen postcode, en er is geen kolom Postcode; "
                        + "zet de postcode voor of achter het adres (1091 GM Wibautstraat 14-H of Wibautstraat 14-H, 1091 GM Amsterdam) of voeg een kolom Postcode toe.", problems);
        Assert.Contains(problems, p => p.StartsWith("Blad 'akkoord-blok-a', rij 7, kolom A (Adres): '1091 GM': postcode 1091 GM gevonden maar geen huisnummer"));
        Assert.DoesNotContain(problems, p => p.Contains("bevat geen postcode"));
    }

    [Fact]
    public void The_member_import_reads_an_address_column_with_the_postcode_first()
    {
        var result = Imports.Members(Sheets(Csv(
            "Lidnummer;Naam;Categorie;Adres;Lid sinds",
            "1001;Anna de Vries;huurder;1091 GM Wibautstraat 14-H;01-03-2020",
            "1002;José Muñoz;eigenaar;1091gm, Wibautstraat 9a;01-03-2020")).Value, new LocalDate(2026, 12, 6));
        Assert.True(result.IsClean, string.Join("\n", result.Problems));
        Assert.Equal(["1091 GM 14-H", "1091 GM 9A"],
            result.Rows.Select(r => $"{r.Item.Postcode} {new HouseNumber(r.Item.Huisnummer!.Value, r.Item.Huisletter, r.Item.Toevoeging)}"));
    }
}
