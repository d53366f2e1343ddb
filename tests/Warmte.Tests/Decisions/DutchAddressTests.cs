using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using Warmte.Members;

namespace Warmte.Tests.Decisions;

/// <summary>
/// House numbers as people write them, read into BAG's parts (huisnummer, huisletter, toevoeging),
/// and the postcode forms of real member lists. The expected parts are BAG practice in Amsterdam,
/// written down here by hand (docs/spreadsheet-import.md has the same table).
/// </summary>
public sealed class DutchAddressTests
{
    [Theory]
    [InlineData("14", 14, null, null)]
    [InlineData("14-H", 14, null, "H")]      // "huis": toevoeging in Amsterdam's BAG
    [InlineData("14-h", 14, null, "H")]
    [InlineData("14 - H", 14, null, "H")]
    [InlineData("14H", 14, "H", null)]       // attached letter: huisletter
    [InlineData("14 H", 14, "H", null)]
    [InlineData("14-1", 14, null, "1")]      // floors
    [InlineData("14-2", 14, null, "2")]
    [InlineData("14 1", 14, null, "1")]
    [InlineData("14-III", 14, null, "III")]
    [InlineData("14 III", 14, null, "III")]
    [InlineData("14 hs", 14, null, "HS")]
    [InlineData("14hs", 14, null, "HS")]
    [InlineData("9A", 9, "A", null)]
    [InlineData("9 a", 9, "A", null)]
    [InlineData("9-A", 9, null, "A")]
    [InlineData("9/A", 9, null, "A")]
    [InlineData("14A-2", 14, "A", "2")]
    [InlineData("14 a 2", 14, "A", "2")]
    [InlineData("14-1hg", 14, null, "1HG")]
    [InlineData("14\u2013H", 14, null, "H")]  // an en dash from a word processor
    [InlineData(" 007 ", 7, null, null)]
    [InlineData("99999", 99999, null, null)]
    public void Written_forms_read_as_BAG_parts(string written, int number, string? letter, string? addition)
    {
        var (value, problems) = HouseNumber.Parse(written);
        Assert.True(problems.IsEmpty, string.Join("; ", problems));
        Assert.Equal(new HouseNumber(number, letter, addition), value);
    }

    [Theory]
    [InlineData(14, null, null, "14")]
    [InlineData(14, null, "H", "14-H")]
    [InlineData(9, "A", null, "9A")]
    [InlineData(14, "A", "2", "14A-2")]
    [InlineData(14, null, "III", "14-III")]
    public void Display_follows_BAG(int number, string? letter, string? addition, string shown) =>
        Assert.Equal(shown, new HouseNumber(number, letter, addition).ToString());

    /// <summary>Tester10 T10: "2 hoog" is a floor in words; one message with the form to write, not two about characters and length.</summary>
    [Theory]
    [InlineData("103-2 hoog", "toevoeging '2 hoog' is een verdieping in woorden: 2 hoog = verdieping 2; schrijf 103-2 ")]
    [InlineData("7-2hoog", "toevoeging '2hoog' is een verdieping in woorden: 2 hoog = verdieping 2; schrijf 7-2 ")]
    [InlineData("14 3e hoog", "3 hoog = verdieping 3; schrijf 14-3 ")]
    [InlineData("14-1-hoog", "1 hoog = verdieping 1; schrijf 14-1 ")]
    public void A_floor_written_as_n_hoog_gets_one_message_suggesting_the_number_with_the_floor(string text, string expected)
    {
        var (value, problems) = HouseNumber.Parse(text);
        Assert.Null(value);
        Assert.Contains(expected, Assert.Single(problems));
        // The same in a separate Toevoeging column.
        var (_, parts) = HouseNumber.Of(103, null, "2 hoog");
        Assert.Equal(("toevoeging", "toevoeging '2 hoog' is een verdieping in woorden: 2 hoog = verdieping 2; schrijf 103-2 (of de toevoeging zoals de BAG die kent)."), Assert.Single(parts));
        // "hoog" as a word elsewhere is not a floor: the usual messages.
        Assert.Contains("langer dan 4 tekens", Assert.Single(HouseNumber.Parse("14-hooger").Problems));
    }

    [Fact]
    public void A_bad_house_number_names_every_problem_at_once()
    {
        var (value, problems) = HouseNumber.Parse("0-ABCDE!");
        Assert.Null(value);
        Assert.Contains(problems, p => p.Contains("tussen 1 en 99999"));
        Assert.Contains(problems, p => p.Contains("langer dan 4 tekens"));
        Assert.Contains(problems, p => p.Contains("alleen letters en cijfers"));
        Assert.Contains("begint niet met een huisnummer", Assert.Single(HouseNumber.Parse("H14").Problems));
        Assert.Contains("tussen 1 en 99999", Assert.Single(HouseNumber.Parse("100000").Problems));
        Assert.Equal("is verplicht.", Assert.Single(HouseNumber.Parse("  ").Problems));
        Assert.False(HouseNumber.TryParse("14-", out _, out var missing));
        Assert.Contains("ontbreekt", Assert.Single(missing));
    }

    [Fact]
    public void Separate_parts_are_checked_each_with_its_own_field()
    {
        var (value, problems) = HouseNumber.Of(0, "AB", "12345");
        Assert.Null(value);
        Assert.Equal(["huisnummer", "huisletter", "toevoeging"], problems.Select(p => p.Part));
        Assert.Equal(new HouseNumber(14, "H", "2"), HouseNumber.Of(14, " h ", "-2").Value);
    }

    [Theory]
    [InlineData("1053AB")]
    [InlineData("1053 ab")]
    [InlineData("1053 AB")]
    [InlineData(" 1053  ab ")]
    [InlineData("1053-AB")]
    public void Postcodes_as_written_are_kept_as_1053_AB(string written) => Assert.Equal("1053 AB", Postcode.Normalise(written));

    [Theory]
    [InlineData("0153 AB")]
    [InlineData("1053 SS")]
    [InlineData("1053 A")]
    [InlineData("AB 1053")]
    public void Not_a_postcode(string written) => Assert.Null(Postcode.Normalise(written));

    [Theory]
    [InlineData("Wibautstraat 14-H", "14-H", null)]
    [InlineData("Wibautstraat 14 H, 1091 GM Amsterdam", "14 H", "1091 GM")]
    [InlineData("1e Oosterparkstraat 9a", "9a", null)]
    [InlineData("Wibautstraat 14 1", "14 1", null)]
    [InlineData("Tweede Jan Steenstraat 3-III 1073 VR", "3-III", "1073 VR")]
    [InlineData("Keizersgracht 1234 ab", "1234 ab", null)] // a four-digit number with toevoeging AB, not a postcode
    public void A_whole_address_line_gives_its_house_number_and_postcode(string line, string number, string? postcode)
    {
        var (text, pc, problem) = AddressLine.Split(line);
        Assert.Null(problem);
        Assert.Equal((number, postcode), (text, pc));
    }

    /// <summary>
    /// Street and town from one address cell, for the member register's postal address: the street before the house
    /// number, the town after the postcode or after a last comma (not a toevoeging after a comma: ", hs" stays with the
    /// number). Whitespace runs become one space.
    /// </summary>
    [Theory]
    [InlineData("Dapperstraat 14-H, 1093 BS Amsterdam", "14-H", "1093 BS", "Dapperstraat", "Amsterdam")]
    [InlineData("Dapperstraat 14 H", "14 H", null, "Dapperstraat", null)]
    [InlineData("Kerkweg 2a 1234 AB  Ons Dorp", "2a", "1234 AB", "Kerkweg", "Ons Dorp")]
    [InlineData("1e Oosterparkstraat 9a, Amsterdam", "9a", null, "1e Oosterparkstraat", "Amsterdam")]
    [InlineData("Eerste  Helmersstraat 7", "7", null, "Eerste Helmersstraat", null)]
    [InlineData("1091 GM Wibautstraat 20, 1091 GM Amsterdam", "20", "1091 GM", "Wibautstraat", "Amsterdam")]
    [InlineData("1091 GM 20-H", "20-H", "1091 GM", null, null)]
    [InlineData("Plein 1940-1945 12, 1234 AB Ons Dorp", "12", "1234 AB", "Plein 1940-1945", "Ons Dorp")]
    [InlineData("Dapperstraat 14, hs", "14, hs", null, "Dapperstraat", null)] // refused as a house number by the caller, not a town "hs"
    public void A_whole_address_line_gives_its_street_and_town(string line, string number, string? postcode, string? street, string? town)
    {
        var parts = AddressLine.Read(line);
        Assert.Equal((number, postcode, street, town, (string?)null), (parts.HouseNumberText, parts.Postcode, parts.Street, parts.Town, parts.Doubt));
    }

    /// <summary>A line that also reads with the first number as part of the street is read the first way and doubted, naming both readings.</summary>
    [Theory]
    [InlineData("Laan 1940 45, 1234 AB Ons Dorp", "straat Laan, huisnummer 1940-45; het kan ook straat Laan 1940, huisnummer 45 zijn")]
    [InlineData("Wibautstraat 14 1", "straat Wibautstraat, huisnummer 14-1; het kan ook straat Wibautstraat 14, huisnummer 1 zijn")]
    public void A_line_that_reads_two_ways_is_doubted(string line, string both)
    {
        var parts = AddressLine.Read(line);
        Assert.Null(parts.Problem);
        Assert.Contains(both, parts.Doubt);
    }

    [Fact]
    public void An_address_line_without_a_number_says_so() =>
        Assert.Contains("heeft geen huisnummer", AddressLine.Split("Wibautstraat").Problem);

    private static Gen<HouseNumber> HouseNumbers() =>
        from number in Gen.Choose(1, 99_999)
        from letter in Gen.Elements<string?>(null, null, "A", "B", "H", "Z")
        from addition in Gen.Elements<string?>(null, null, "H", "1", "2", "III", "HS", "1HG", "A", "BIS", "2B")
        select new HouseNumber(number, letter, addition);

    [Property(MaxTest = 500)]
    public Property Display_then_parse_gives_the_same_house_number() =>
        Prop.ForAll(HouseNumbers().ToArbitrary(), house => HouseNumber.Parse(house.ToString()).Value == house);

    [Property(MaxTest = 300)]
    public Property Every_written_form_of_letter_and_addition_reads_back() =>
        Prop.ForAll(HouseNumbers().ToArbitrary(), Gen.Elements("-", " - ", "/").ToArbitrary(), Gen.Elements("", " ").ToArbitrary(), (house, sep, gap) =>
        {
            var written = $"{house.Number}{(house.Letter is null ? "" : gap + house.Letter.ToLowerInvariant())}{(house.Addition is null ? "" : sep + house.Addition.ToLowerInvariant())}";
            return HouseNumber.Parse(written).Value == house;
        });

    [Property(MaxTest = 300)]
    public Property A_member_address_stored_and_shown_reads_back_the_same() =>
        Prop.ForAll(HouseNumbers().ToArbitrary(), house =>
        {
            var v = new Common.Validation();
            var address = MemberRules.Address(v, "m", "1053ab", house.Number, house.Addition, house.Letter);
            var shown = address!.ToString(); // "1053 AB 14A-2"
            var again = HouseNumber.Parse(shown["1053 AB ".Length..]).Value;
            return !v.HasErrors && again == house && Postcode.Normalise(shown[..7]) == address.Postcode;
        });
}

/// <summary>Woningequivalenten with decimals: 2,5 for a café; more than two decimals refused naming the field; sums exact.</summary>
public sealed class WoningequivalentenTests
{
    private static readonly LocalDate Today = new(2026, 11, 22);

    private static MemberInput Member(string number, decimal? weq) => new()
    {
        Number = number, Name = "Lid " + number, Category = "bedrijf", Woningequivalenten = weq, Postcode = "1053 AB", Huisnummer = 1,
        JoinedOn = new LocalDate(2020, 1, 1),
    };

    [Fact]
    public void Two_decimals_are_kept_and_more_are_refused_naming_the_field()
    {
        var ok = MemberRules.Validate([Member("L-1", 2.5m), Member("L-2", 0.25m), Member("L-3", 2.50m)], Today);
        Assert.True(ok.IsOk);
        Assert.Equal([2.5m, 0.25m, 2.5m], ok.Value.Select(m => m.Woningequivalenten));
        Assert.Equal("2.5", ok.Value[2].Woningequivalenten.ToString(System.Globalization.CultureInfo.InvariantCulture)); // 2,50 kept as 2,5

        var refused = MemberRules.Validate([Member("L-1", 2.555m)], Today).Refusal!;
        var error = Assert.Single(refused.Errors);
        Assert.Equal("members[0].woningequivalenten", error.Field);
        Assert.Contains("2,555 heeft meer dan 2 decimalen", error.Reason);
    }

    [Property(MaxTest = 200)]
    public Property The_register_total_is_the_exact_sum_of_the_members() =>
        Prop.ForAll(Gen.ListOf(Gen.Choose(0, 1_000_000)).ToArbitrary(), hundredths =>
        {
            var inputs = hundredths.Select((h, i) => (MemberInput?)Member($"L-{i}", h / 100m)).ToList();
            if (inputs.Count == 0) return true;
            var members = MemberRules.Validate(inputs, Today).Value;
            var expected = hundredths.Sum(h => (long)h); // in hundredths, as integers
            var summary = MemberRules.Summarise("c", members, Today);
            var electorate = MemberRules.ElectorateOn(members, Today);
            return summary.Woningequivalenten * 100 == expected && electorate.Woningequivalenten * 100 == expected
                   && summary.ByCategory.Sum(c => c.Woningequivalenten) == summary.Woningequivalenten;
        });

    [Theory]
    [InlineData("HUURDER", MemberCategory.Huurder)]
    [InlineData(" eigenaar ", MemberCategory.EigenaarBewoner)]
    [InlineData("Eigenaar bewoner", MemberCategory.EigenaarBewoner)]
    [InlineData("EIGENAAR-BEWONER", MemberCategory.EigenaarBewoner)]
    [InlineData("Bedrijf", MemberCategory.Bedrijf)]
    public void Categories_are_read_in_any_case_with_stray_spaces(string written, MemberCategory category)
    {
        Assert.True(MemberRules.TryParseCategory(written, out var parsed));
        Assert.Equal(category, parsed);
    }
}
