using NodaTime;
using Warmte.Members;

namespace Warmte.Tests.Decisions;

public sealed class MemberRulesTests
{
    private static readonly LocalDate Today = new(2026, 11, 22);

    private static MemberInput Input(string number, string postcode = "1054 ab", string category = "huurder") => new()
    {
        Number = number, Name = "Lid " + number, Category = category, Woningequivalenten = 1, Postcode = postcode, Huisnummer = 12,
        Toevoeging = "h", JoinedOn = new LocalDate(2020, 1, 1),
    };

    [Fact]
    public void Members_are_validated_and_normalised()
    {
        var outcome = MemberRules.Validate([Input(" l-1 ")], Today);
        var member = Assert.Single(outcome.Value);
        Assert.Equal(("L-1", "1054 AB", "H", MemberCategory.Huurder), (member.Number, member.Address!.Postcode, member.Address.Toevoeging, member.Category));
    }

    [Fact]
    public void Every_bad_field_is_named_with_its_row_and_nothing_is_accepted()
    {
        var outcome = MemberRules.Validate([Input("L-1"), Input("L-2", postcode: "1054 SS", category: "buurman"), Input("l-1"),
            new MemberInput { Number = "L-4" }], Today);
        var fields = outcome.Refusal!.Errors.Select(e => e.Field).ToList();
        Assert.Contains("members[1].postcode", fields);
        Assert.Contains("members[1].category", fields);
        Assert.Contains("members[2].number", fields);
        Assert.Contains("members[3].name", fields);
        Assert.Contains("members[3].joinedOn", fields);
        Assert.Contains("members[0]", outcome.Refusal.Errors.Single(e => e.Field == "members[2].number").Reason);
    }

    [Fact]
    public void A_re_registered_member_number_updates_and_never_duplicates()
    {
        var register = new Dictionary<string, Member>();
        var first = MemberRules.Merge(register, MemberRules.Validate([Input("L-1"), Input("L-2")], Today).Value);
        Assert.Equal(new RegistrationResult(2, 0, 0), first);
        var again = MemberRules.Merge(register, MemberRules.Validate([Input("L-1"), Input("L-2") with { Name = "Nieuwe naam" }], Today).Value);
        Assert.Equal(new RegistrationResult(0, 1, 1), again);
        Assert.Equal(2, register.Count);
        Assert.Equal("Nieuwe naam", register["L-2"].Name);
    }

    [Fact]
    public void The_summary_counts_without_personal_data()
    {
        var members = MemberRules.Validate([Input("L-1"), Input("L-2", category: "bedrijf") with { Woningequivalenten = 4 },
            Input("L-3") with { LeftOn = new LocalDate(2023, 1, 1) }, Input("L-4") with { EligibleToVote = false }], Today).Value;
        var summary = MemberRules.Summarise("coop", members, Today);
        Assert.Equal((3, 2, 6, 1), (summary.Members, summary.EligibleToVote, summary.Woningequivalenten, summary.FormerMembers));
        Assert.Equal([MemberCategory.Huurder, MemberCategory.Bedrijf], summary.ByCategory.Select(c => c.Category));
    }
}
