using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using Warmte.Members;

namespace Warmte.Tests.Decisions;

/// <summary>
/// The member register's dates for every input (tester F13): a join date before the cooperative's founding is
/// refused and one on or after it is not; writing a member out sets only <c>leftOn</c>, and only after the join date and
/// at most five years ahead (review F7).
/// </summary>
public sealed class MemberDateProperties
{
    private static readonly LocalDate Today = new(2026, 12, 6);
    private static readonly LocalDate Founded = new(2019, 12, 18);

    private static MemberInput Input(LocalDate joined) => new()
    {
        Number = "L-1", Name = "Anna", Category = "huurder", Postcode = "1054 AB", Huisnummer = 12, JoinedOn = joined,
    };

    [Property(MaxTest = 300)]
    public Property A_join_date_is_refused_exactly_when_it_lies_before_the_founding() =>
        Prop.ForAll(Gen.Choose(-4000, 2500).ToArbitrary(), days =>
        {
            var joined = Founded.PlusDays(days);
            var outcome = MemberRules.Validate([Input(joined)], Today, foundedOn: Founded);
            var refusedForFounding = !outcome.IsOk && outcome.Refusal!.Errors.Any(e => e.Field == "members[0].joinedOn" && e.Reason.Contains("oprichting"));
            Assert.Equal(joined < Founded, refusedForFounding);
            // Without a founding date nothing is checked against it.
            Assert.DoesNotContain(MemberRules.Validate([Input(joined)], Today).Refusal?.Errors ?? [], e => e.Reason.Contains("oprichting"));
        });

    [Property(MaxTest = 300)]
    public Property Writing_out_sets_only_leftOn_and_only_after_the_join_date() =>
        Prop.ForAll(Gen.Choose(0, 2000).ToArbitrary(), Gen.Choose(-500, 3000).ToArbitrary(), (joinDays, leaveDays) =>
        {
            var member = MemberRules.Validate([Input(Founded.PlusDays(joinDays))], Founded.PlusDays(joinDays)).Value![0];
            var leftOn = member.JoinedOn.PlusDays(leaveDays);
            var today = member.JoinedOn; // the day the member joined: a write-out up to five years ahead is a notice given
            var left = MemberRules.Leave(member, member.Number, leftOn, today);
            if (leftOn <= member.JoinedOn || leftOn > today.PlusYears(5))
                Assert.Equal(["leftOn"], left.Refusal!.Errors.Select(e => e.Field));
            else
                Assert.Equal(member with { LeftOn = leftOn }, left.Value);
        });

    [Fact]
    public void An_unknown_or_erased_member_is_not_written_out()
    {
        Assert.False(MemberRules.Leave(null, "L-404", Today, Today).IsOk);
        var member = MemberRules.Validate([Input(Founded)], Today).Value![0] with { LeftOn = Today.PlusDays(-10) };
        var erased = MemberPrivacyRules.Erased(member, Today);
        var refused = MemberRules.Leave(erased, erased.Number, Today, Today);
        Assert.Equal("member-erased", refused.Refusal!.Code);
    }
}
