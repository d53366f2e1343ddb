using System.Collections.Immutable;
using NodaTime;
using Warmte.Members;

namespace Warmte.Tests.Decisions;

/// <summary>Tester6 T8: optional street and town on a member, kept like e-mail, erased with the address, never in the journal fact.</summary>
public sealed class MemberPostalAddressTests
{
    private static readonly LocalDate Today = new(2026, 12, 7);

    private static MemberInput Input(string? street, string? town) => new()
    {
        Number = "OW-005", Name = "Piet Jansen", Category = "huurder", Postcode = "1091 GN", Huisnummer = 3, Toevoeging = "HS",
        JoinedOn = new LocalDate(2025, 2, 1), Street = street, Town = town,
    };

    private static Common.Outcome<MemberRules.Prepared> Prepare(MemberInput input, Member? known = null) =>
        MemberRules.Prepare([input], known is null ? ImmutableDictionary<string, Member>.Empty : ImmutableDictionary<string, Member>.Empty.Add(known.Number, known), Today);

    [Fact]
    public void Street_and_town_are_stored_trimmed_and_kept_when_a_later_list_has_no_such_columns()
    {
        var first = Assert.Single(Prepare(Input("  Eerste   Helmersstraat ", " Amsterdam")).Value!.Members);
        Assert.Equal(("Eerste Helmersstraat", "Amsterdam"), (first.Street, first.Town));
        Assert.True(first.HasPostalAddress);
        var kept = Assert.Single(Prepare(Input(null, null), first).Value!.Members);
        Assert.Equal(("Eerste Helmersstraat", "Amsterdam"), (kept.Street, kept.Town));
        var cleared = Assert.Single(Prepare(Input("", null), first).Value!.Members);
        Assert.Equal((null, "Amsterdam"), (cleared.Street, cleared.Town));
        Assert.False(cleared.HasPostalAddress);
    }

    [Fact]
    public void A_street_that_is_too_long_or_a_town_with_an_escape_is_refused_naming_the_field()
    {
        var refused = Prepare(Input(new string('x', MemberRules.MaxAddressTextLength + 1), "Amster\u001b[2Jdam"));
        Assert.False(refused.IsOk);
        Assert.Equal(["members[0].street", "members[0].town"], refused.Refusal!.Errors.Select(e => e.Field).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_street_and_town_typed_over_two_lines_in_a_spreadsheet_cell_are_stored_on_one_line()
    {
        // Alt+Enter in a cell reaches the rules as a line break (review18 #1); a pasted tab likewise.
        var member = Assert.Single(Prepare(Input("Eerste\r\nHelmersstraat\t", "Amster\ndam")).Value!.Members);
        Assert.Equal(("Eerste Helmersstraat", "Amster dam"), (member.Street, member.Town));
    }

    [Fact]
    public void Erasure_removes_street_and_town_and_the_journal_fact_only_says_the_address_changed()
    {
        var member = Assert.Single(Prepare(Input("Wibautstraat", "Amsterdam")).Value!.Members) with { LeftOn = new LocalDate(2026, 1, 1) };
        var erased = MemberPrivacyRules.Erased(member, Today);
        Assert.Equal((null, null, null), (erased.Street, erased.Town, erased.Address));
        var moved = member with { Street = "Ruyschstraat" };
        var fact = MemberFact.Of("updated", moved, member);
        Assert.True(fact.AddressChanged);
        Assert.DoesNotContain("Ruyschstraat", System.Text.Json.JsonSerializer.Serialize(fact));
    }
}
