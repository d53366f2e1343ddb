using System.Collections.Immutable;
using NodaTime;
using Warmte.Tests.Spreadsheets;
using Warmte.Voting;

namespace Warmte.Tests.Voting;

/// <summary>The voting-code mail-merge sheet as a real spreadsheet program (Gnumeric) reads it: every cell the text a letter prints.</summary>
public sealed class CodeSheetTests
{
    [Fact]
    public void A_mail_merge_reads_every_cell_as_the_text_of_the_letter_dates_as_dd_mm_yyyy()
    {
        // Dates with a day of 12 or less (06-12-2026) are the ones a type-guessing writer takes for 12 June (tester F9);
        // member numbers with leading zeros, addresses like 14-1 and a formula-looking name must stay text as well.
        var issued = new IssuedCodes("coop", "alv", "ALV najaar", new LocalDate(2026, 12, 20), new LocalDate(2026, 12, 6),
            [new IssuedCode("0012", "=HYPERLINK(\"x\")", "1091 GM 14-1", "0123-4567-89AB-CDEF")
                { Home = new Warmte.Members.DutchAddress("1091 GM", 14, "1"), Street = "Wibautstraat", Town = "Amsterdam" },
             new IssuedCode("1001", "Anna", "1054 AB 3-5", "E7DJ-73V1-7NMT-P3YS") { Home = new Warmte.Members.DutchAddress("1054 AB", 3, "5") }],
            "Coöperatie Test");
        var folder = Directory.CreateTempSubdirectory("codesheet-").FullName;
        try
        {
            var path = Path.Combine(folder, "stemcodes.xlsx");
            File.WriteAllBytes(path, Warmte.Spreadsheets.Export.VotingCodeSheet.Write(issued, "https://stem.example.nl", new Dictionary<string, string> { ["0012"] = "lid12@example.nl" }));
            var rows = Gnumeric.RecalculatedSheet(path, "Stemcodes");
            // The e-mail address (papercut l) and the postal parts for a window envelope come last (tester6 T8): empty where the register has none.
            Assert.Equal(["Lidnummer", "Naam", "Adres", "Stemcode", "Link", "Vergadering", "Datum vergadering", "Online stemmen vanaf",
                "E-mail", "Straat", "Huisnummer", "Postcode", "Woonplaats", "Postadres ontbreekt"], rows[0]);
            Assert.Equal(["0012", "=HYPERLINK(\"x\")", "1091 GM 14-1", "0123-4567-89AB-CDEF", "https://stem.example.nl/stem#0123-4567-89AB-CDEF", "ALV najaar", "20-12-2026", "06-12-2026",
                "lid12@example.nl", "Wibautstraat", "14-1", "1091 GM", "Amsterdam", ""], rows[1]);
            Assert.Equal(["1001", "Anna", "1054 AB 3-5", "E7DJ-73V1-7NMT-P3YS", "https://stem.example.nl/stem#E7DJ-73V1-7NMT-P3YS", "ALV najaar", "20-12-2026", "06-12-2026",
                "", "", "3-5", "1054 AB", "", "straat en woonplaats"], rows[2]);
        }
        finally { Directory.Delete(folder, recursive: true); }
    }
}

/// <summary>Tester F10: without Voting:PublicUrl the links point at the request's own address; the board is told, in Dutch.</summary>
public sealed class PublicUrlWarningTests
{
    [Fact]
    public void Without_a_public_url_the_warning_names_the_address_the_links_use_and_with_one_there_is_none()
    {
        var warning = Warmte.Silo.Api.OnlineVotingEndpoints.PublicUrlWarning(new Warmte.Silo.Api.VotingSettings(), "http://localhost:7502");
        Assert.NotNull(warning);
        Assert.Contains("http://localhost:7502/stem", warning);
        Assert.Contains("Stel Voting:PublicUrl in", warning);
        Assert.All(warning, c => Assert.True(c < 128, "a header value must be ASCII")); // it travels in a response header
        Assert.Null(Warmte.Silo.Api.OnlineVotingEndpoints.PublicUrlWarning(new Warmte.Silo.Api.VotingSettings { PublicUrl = "https://stem.example.nl" }, "http://localhost:7502"));
    }
}

/// <summary>Tester6 T8: the board's warning names the letters without a postal address, in member numbers only (it travels in a header).</summary>
public sealed class PostalAddressWarningTests
{
    private static IssuedCodes Issued(params IssuedCode[] codes) =>
        new("coop", "alv", "ALV", new LocalDate(2026, 12, 20), new LocalDate(2026, 12, 6), [.. codes], "Coöperatie Test");

    private static IssuedCode Code(string number, string? street, string? town) =>
        new(number, "Naam " + number, "1091 GN 3", "AAAA-BBBB-CCCC-DDDD") { Home = new Warmte.Members.DutchAddress("1091 GN", 3, null), Street = street, Town = town };

    [Fact]
    public void Every_letter_with_street_and_town_gives_no_warning()
    {
        Assert.Null(CodeLetters.WithoutPostalAddress(Issued(Code("A-1", "Wibautstraat", "Amsterdam"))));
    }

    [Fact]
    public void The_warning_counts_and_names_the_letters_without_street_or_town_in_ascii()
    {
        var one = CodeLetters.WithoutPostalAddress(Issued(Code("A-1", "Wibautstraat", "Amsterdam"), Code("A-2", "Wibautstraat", null)))!;
        Assert.StartsWith("1 van de 2 brieven heeft geen volledig postadres (straat of woonplaats ontbreekt in het ledenregister): A-2. Vul het adres op die brief", one);
        var all = CodeLetters.WithoutPostalAddress(Issued(Code("A-1", null, null), Code("A-2", null, "Amsterdam")))!;
        Assert.StartsWith("Geen van de 2 brieven heeft een volledig postadres (straat of woonplaats ontbreekt in het ledenregister): A-1, A-2.", all);
        Assert.EndsWith("--members A-1,A-2.", all);
        Assert.All(one + all, c => Assert.True(c < 128, "a header value must be ASCII"));
        Assert.Equal("straat", CodeLetters.MissingParts(Code("A-2", null, "Amsterdam")));
        Assert.Equal("woonplaats", CodeLetters.MissingParts(Code("A-2", "Wibautstraat", " ".Trim())));
    }

    /// <summary>
    /// Tester9b T3: the warning travels in a response header and grew with the register (10.5 kB for 540 members, the list
    /// twice), past nginx's default header buffer (4 or 8 kB). It now names the first ten and counts the rest.
    /// </summary>
    [Fact]
    public void With_hundreds_of_letters_without_an_address_the_warning_stays_short_and_names_the_first_ten()
    {
        var codes = Enumerable.Range(1, 600).Select(i => Code($"KWG-{i:0000}", null, null)).ToArray();
        var warning = CodeLetters.WithoutPostalAddress(Issued(codes))!;
        Assert.True(warning.Length < 1024, $"{warning.Length} characters");
        Assert.StartsWith("Geen van de 600 brieven heeft een volledig postadres (straat of woonplaats ontbreekt in het ledenregister): "
                          + "KWG-0001, KWG-0002, KWG-0003, KWG-0004, KWG-0005, KWG-0006, KWG-0007, KWG-0008, KWG-0009, KWG-0010 en nog 590.", warning);
        Assert.DoesNotContain("KWG-0011", warning);
        Assert.Contains("kolom Postadres ontbreekt van het werkblad", warning);
        Assert.All(warning, c => Assert.True(c < 128, "a header value must be ASCII"));
    }
}
