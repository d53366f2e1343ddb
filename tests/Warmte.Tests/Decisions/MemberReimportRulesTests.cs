using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using Warmte.Members;

namespace Warmte.Tests.Decisions;

/// <summary>
/// The member register's rules for a re-sent list or a PUT (review F1, tester A5) and for far-away leave dates
/// (review F7), pure: what the input does not give keeps its stored value, an erased member is never filled again,
/// only <see cref="MemberRules.Rejoin"/> clears a <c>leftOn</c>, and the retention pass never throws on any stored date.
/// </summary>
public sealed class MemberReimportRulesTests
{
    private static readonly LocalDate Today = new(2026, 12, 6);

    private static MemberInput Input(string number = "Z-1") => new()
    {
        Number = number, Name = "Anna de Vries", Category = "huurder", Postcode = "1073 AB", Huisnummer = 1, JoinedOn = new LocalDate(2024, 5, 1),
    };

    private static Member Stored(string number = "Z-1") => MemberRules.Validate([Input(number)], Today).Value![0] with
    {
        LeftOn = new LocalDate(2026, 11, 10), Woningequivalenten = 2.5m, EligibleToVote = false, Email = "anna@voorbeeld.nl",
    };

    private static ImmutableSortedDictionary<string, Member> Register(params Member[] members) =>
        members.ToImmutableSortedDictionary(m => m.Number, m => m, StringComparer.Ordinal);

    [Fact]
    public void Fields_the_input_does_not_give_keep_their_stored_values()
    {
        var prepared = MemberRules.Prepare([Input() with { Name = "Anna de Vries-Smit" }], Register(Stored()), Today).Value!;
        Assert.Equal(Stored() with { Name = "Anna de Vries-Smit" }, Assert.Single(prepared.Members));

        // Given fields replace the stored ones; an empty e-mail text clears the address.
        var given = MemberRules.Prepare([Input() with { LeftOn = new LocalDate(2026, 12, 31), Woningequivalenten = 1, EligibleToVote = true, Email = "" }],
            Register(Stored()), Today).Value!.Members[0];
        Assert.Equal((new LocalDate(2026, 12, 31), 1m, true, (string?)null), (given.LeftOn, given.Woningequivalenten, given.EligibleToVote, given.Email));

        // A new member gets the defaults.
        var fresh = MemberRules.Prepare([Input("Z-2")], Register(Stored()), Today).Value!.Members[0];
        Assert.Equal(((LocalDate?)null, 1m, true, (string?)null), (fresh.LeftOn, fresh.Woningequivalenten, fresh.EligibleToVote, fresh.Email));
    }

    [Fact]
    public void An_erased_member_is_left_out_and_named_with_the_date_of_erasure()
    {
        var erased = MemberPrivacyRules.Erased(Stored(), new LocalDate(2026, 12, 1));
        var prepared = MemberRules.Prepare([Input("Z-2"), Input("z-1 ")], Register(erased), Today).Value!;
        Assert.Equal(["Z-2"], prepared.Members.Select(m => m.Number));
        var row = Assert.Single(prepared.Erased);
        Assert.Equal("members[1].number", row.Field);
        Assert.Contains("lid Z-1 is gewist op 01-12-2026 (AVG)", row.Reason);
        Assert.Empty(prepared.Skipped);
        // Even a row that is wrong in itself: nothing about an erased member is taken from the input.
        var wrong = MemberRules.Prepare([Input() with { Postcode = "nergens" }], Register(erased), Today);
        Assert.True(wrong.IsOk);
        Assert.Single(wrong.Value!.Erased);

        // Merge on its own (without Prepare) does not replace an erased member either, and keeps a stored leftOn.
        var register = new Dictionary<string, Member> { ["Z-1"] = erased, ["Z-3"] = Stored("Z-3") };
        var fromList = MemberRules.Validate([Input(), Input("Z-3")], Today).Value;
        var result = MemberRules.Merge(register, fromList);
        Assert.Equal((0, 1, 1), (result.Created, result.Updated, result.Unchanged)); // Z-3: the list's defaults, but the stored leftOn
        Assert.Equal(erased, register["Z-1"]);
        Assert.Equal(new LocalDate(2026, 11, 10), register["Z-3"].LeftOn);
    }

    [Fact]
    public void A_join_date_on_or_after_the_kept_leftOn_is_refused_naming_joinedOn()
    {
        var refused = MemberRules.Prepare([Input() with { JoinedOn = new LocalDate(2026, 11, 10) }], Register(Stored()), Today);
        Assert.Equal(["members[0].joinedOn"], refused.Refusal!.Errors.Select(e => e.Field));
        Assert.Contains("member rejoin", refused.Refusal.Errors[0].Reason);
        // With skipInvalid the row is a skipped problem and the other rows go through.
        var good = MemberRules.Prepare([Input() with { JoinedOn = new LocalDate(2026, 11, 10) }, Input("Z-2")], Register(Stored()), Today, skipInvalid: true).Value!;
        Assert.Equal(["Z-2"], good.Members.Select(m => m.Number));
        Assert.Equal(["members[0].joinedOn"], good.Skipped.Select(e => e.Field));
    }

    [Fact]
    public void Rejoin_clears_leftOn_refuses_an_erased_member_and_leaves_a_current_one_as_it_is()
    {
        Assert.Null(MemberRules.Rejoin(Stored(), "Z-1").Value!.LeftOn);
        Assert.Equal(Stored() with { LeftOn = null }, MemberRules.Rejoin(Stored(), "Z-1").Value);
        var current = Stored() with { LeftOn = null };
        Assert.Same(current, MemberRules.Rejoin(current, "Z-1").Value);
        Assert.Equal("member-erased", MemberRules.Rejoin(MemberPrivacyRules.Erased(Stored(), Today), "Z-1").Refusal!.Code);
        Assert.Equal("not-found", MemberRules.Rejoin(null, "Z-9").Refusal!.Code);
    }

    [Property(MaxTest = 300)]
    public Property A_list_without_leftOn_never_changes_a_stored_leftOn() =>
        Prop.ForAll(Gen.Choose(1, 3000).ToArbitrary(), Gen.Choose(0, 1).ToArbitrary(), (leftDays, asList) =>
        {
            var stored = Stored() with { LeftOn = Stored().JoinedOn.PlusDays(leftDays) };
            var input = Input() with { Name = "Andere naam", Woningequivalenten = null, EligibleToVote = null, Email = null, LeftOn = null };
            var prepared = MemberRules.Prepare([input], Register(stored), Today).Value!;
            var register = new Dictionary<string, Member> { [stored.Number] = stored };
            MemberRules.Merge(register, asList == 1 ? prepared.Members : MemberRules.Validate([input], Today).Value);
            Assert.Equal(stored.LeftOn, register[stored.Number].LeftOn);
        });

    private static Gen<LocalDate> AnyDate =>
        from days in Gen.Choose(0, Period.Between(LocalDate.MinIsoValue, LocalDate.MaxIsoValue, PeriodUnits.Days).Days)
        select LocalDate.MinIsoValue.PlusDays(days);

    [Property(MaxTest = 1000)]
    public Property The_retention_pass_never_throws_and_erases_exactly_who_is_past_the_period() =>
        Prop.ForAll(AnyDate.ToArbitrary(), AnyDate.ToArbitrary(), Gen.Choose(0, MemberPrivacyRules.MaxRetentionMonths).ToArbitrary(), (left, today, months) =>
        {
            var member = Stored() with { JoinedOn = LocalDate.MinIsoValue, LeftOn = left };
            var due = MemberPrivacyRules.DueForErasure([member], months, today);
            bool expected;
            try { expected = left.PlusMonths(months) <= today; }
            catch (OverflowException) { expected = false; } // past the calendar's end: after any today
            catch (ArgumentOutOfRangeException) { expected = false; }
            Assert.Equal(expected, due.Length == 1);
        });

    [Theory]
    [InlineData(9999, 12, 31)]
    [InlineData(9999, 1, 1)]
    [InlineData(9990, 6, 30)]
    public void A_stored_leftOn_at_the_end_of_the_calendar_does_not_stop_the_pass_for_the_others(int year, int month, int day)
    {
        var far = Stored("Z-1") with { LeftOn = new LocalDate(year, month, day) };
        var due = Stored("Z-2") with { LeftOn = new LocalDate(2024, 1, 31) };
        Assert.Equal(["Z-2"], MemberPrivacyRules.DueForErasure([far, due], 24, Today).Select(m => m.Number));
        Assert.Equal(["Z-2"], MemberPrivacyRules.DueForErasure([far, due], MemberPrivacyRules.MaxRetentionMonths, LocalDate.MaxIsoValue).Select(m => m.Number));
    }

    [Fact]
    public void A_leftOn_more_than_five_years_ahead_is_refused_by_leave_and_by_a_list()
    {
        var member = Stored() with { LeftOn = null };
        Assert.True(MemberRules.Leave(member, "Z-1", Today.PlusYears(5), Today).IsOk);
        foreach (var far in new[] { Today.PlusYears(5).PlusDays(1), new LocalDate(2962, 12, 6), LocalDate.MaxIsoValue })
        {
            Assert.Equal(["leftOn"], MemberRules.Leave(member, "Z-1", far, Today).Refusal!.Errors.Select(e => e.Field));
            Assert.Equal(["members[0].leftOn"], MemberRules.Validate([Input() with { LeftOn = far }], Today).Refusal!.Errors.Select(e => e.Field));
        }
        Assert.Contains("meer dan 5 jaar in de toekomst (uiterlijk 06-12-2031)", MemberRules.Leave(member, "Z-1", new LocalDate(9999, 12, 31), Today).Refusal!.Errors[0].Reason);
        Assert.Equal(LocalDate.MaxIsoValue, MemberRules.LeaveHorizon(LocalDate.MaxIsoValue)); // no overflow at the calendar's end
    }
}
