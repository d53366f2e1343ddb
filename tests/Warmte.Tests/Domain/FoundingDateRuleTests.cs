using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using Warmte.Cooperatives;
using Warmte.Members;

namespace Warmte.Tests.Domain;

/// <summary>
/// A founding date may not move past the join date of a member already stored (nobody is a member before the
/// founding, the rule the register applies to every join date); the unchanged date is not re-judged.
/// </summary>
public sealed class FoundingDateRuleTests
{
    private static readonly LocalDate Today = new(2026, 12, 6);

    private static CooperativeRecord Coop(LocalDate? founded) => new()
    {
        Id = "c", StatutoryName = "Coöperatie C U.A.", Kind = CooperativeKind.HeatNetwork, Municipality = "Amsterdam",
        FoundedOn = founded, CreatedAt = Instant.FromUtc(2026, 1, 1, 0, 0),
    };

    [Fact]
    public void A_date_after_the_first_join_is_refused_naming_the_field_the_member_and_the_join_date()
    {
        var outcome = CooperativeRules.Update(Coop(new LocalDate(2019, 12, 18)), new UpdateCooperative { FoundedOn = new LocalDate(2020, 6, 1) }, Today,
            new FirstJoined("KWG-0012", new LocalDate(2020, 3, 2)));
        Assert.False(outcome.IsOk);
        var error = Assert.Single(outcome.Refusal!.Errors);
        Assert.Equal("foundedOn", error.Field);
        Assert.StartsWith("01-06-2020 ligt na de toetreding van lid KWG-0012 op 02-03-2020", error.Reason);
    }

    [Fact]
    public void The_first_join_date_itself_an_unchanged_date_and_an_empty_register_are_fine()
    {
        var first = new FirstJoined("1", new LocalDate(2020, 3, 2));
        Assert.True(CooperativeRules.Update(Coop(null), new UpdateCooperative { FoundedOn = first.JoinedOn }, Today, first).IsOk);
        // Stored before the rule: a founding date already after a join date is not refused for being sent again.
        Assert.True(CooperativeRules.Update(Coop(new LocalDate(2021, 1, 1)), new UpdateCooperative { FoundedOn = new LocalDate(2021, 1, 1) }, Today, first).IsOk);
        Assert.True(CooperativeRules.Update(Coop(null), new UpdateCooperative { FoundedOn = new LocalDate(2025, 1, 1) }, Today, firstMember: null).IsOk);
        Assert.True(CooperativeRules.Update(Coop(null), new UpdateCooperative { Municipality = "Utrecht" }, Today, first).IsOk);
    }

    [Property(MaxTest = 200)]
    public Property A_new_founding_date_is_accepted_exactly_when_no_stored_member_joined_before_it() =>
        Prop.ForAll(Gen.Choose(0, 3000).ToArbitrary(), Gen.Choose(0, 3000).ArrayOf().ToArbitrary(), (foundedDay, joinDays) =>
        {
            var start = new LocalDate(2015, 1, 1);
            var founded = start.PlusDays(foundedDay);
            var members = joinDays.Select((d, i) => new Member
            {
                Number = $"{i + 1}", Name = "Lid", Category = MemberCategory.Huurder, Woningequivalenten = 1, Address = null, EligibleToVote = true,
                JoinedOn = start.PlusDays(d),
            }).ToList();
            var outcome = CooperativeRules.Update(Coop(null), new UpdateCooperative { FoundedOn = founded }, Today, MemberRules.FirstJoined(members));
            Assert.Equal(members.All(m => m.JoinedOn >= founded), outcome.IsOk);
        });
}
