using NodaTime;
using Warmte.Alv;

namespace Warmte.Tests.Decisions;

/// <summary>
/// Review19 #3: statutes saved before every override was the board's own choice. A statute change never ends up with a weaker
/// quorum than an ordinary decision unless the board chose that since; a stored rule kept or ignored is warned; a proposal that
/// got votes before rules were fixed keeps the rule it was voted under.
/// </summary>
public sealed class StatutesSavedBeforeTests
{
    private static DecisionRule Rule(Share quorum) => Statutes.LegalDefaults.Default with { Quorum = quorum };

    private static TypedDecisionRule DerivedFrom(DecisionRule @default) =>
        new(DecisionType.Statutenwijziging, LegalMinimums.Apply(DecisionType.Statutenwijziging, @default));

    [Fact]
    public void A_copy_frozen_while_it_equalled_the_default_is_not_sent_back_so_a_new_default_quorum_reaches_statute_changes()
    {
        // The old CLI sent the derived rule back while the default had quorum 1/3: the stored copy equals today's derivation.
        var stored = new Statutes { Default = Rule(new Share(1, 3)), Overrides = [DerivedFrom(Rule(new Share(1, 3)))] };
        var read = stored.WithLaw();
        Assert.Equal(new Share(1, 3), read.RuleFor(DecisionType.Statutenwijziging).Quorum);
        Assert.Empty(AlvRules.AsInput(read).Overrides!.Value);
        Assert.Contains(RuleWarnings.ForStatutes(read, [], "coop"), w => w.Contains("geen keuze van het bestuur"));

        // The new CLI's round trip: --quorum 1/2 on the default.
        var input = AlvRules.AsInput(read);
        var saved = AlvRules.SetStatutes(AlvRecord.Empty with { Statutes = stored }, input with { Default = input.Default! with { Quorum = "1/2" } });
        Assert.True(saved.IsOk);
        var after = saved.Value!.Value.EffectiveStatutes;
        Assert.Equal(new Share(1, 2), after.RuleFor(DecisionType.Statutenwijziging).Quorum);
        Assert.Equal(new Share(2, 3), after.RuleFor(DecisionType.Statutenwijziging).Majority);
    }

    [Fact]
    public void A_kept_statute_change_rule_of_old_statutes_gets_at_least_the_default_quorum_and_is_warned()
    {
        // Not a derivation (3/4 majority), but no quorum while ordinary decisions need 1/2.
        var own = new TypedDecisionRule(DecisionType.Statutenwijziging, Rule(Share.None) with { Majority = new Share(3, 4), MajorityRule = MajorityRule.AtLeast });
        var stored = new Statutes { Default = Rule(new Share(1, 2)), Overrides = [own] };
        var read = stored.WithLaw();
        var rule = read.RuleFor(DecisionType.Statutenwijziging);
        Assert.Equal(new Share(1, 2), rule.Quorum);
        Assert.Equal(new Share(3, 4), rule.Majority);
        var warning = Assert.Single(RuleWarnings.ForStatutes(read, [], "coop"), w => w.Contains("behouden als keuze van het bestuur"));
        Assert.Contains("in plaats van het opgeslagen quorum 0", warning);

        // A stricter kept rule stays as stored, and is still said.
        var strict = new Statutes { Default = Rule(new Share(1, 3)), Overrides = [own with { Rule = own.Rule with { Quorum = new Share(2, 3) } }] }.WithLaw();
        Assert.Equal(new Share(2, 3), strict.RuleFor(DecisionType.Statutenwijziging).Quorum);
        Assert.Contains(RuleWarnings.ForStatutes(strict, [], "coop"), w => w.Contains("behouden als keuze van het bestuur"));

        // Saved since this release: the board's explicit choice, no warning about it.
        var chosen = (stored with { OverridesChosen = true }).WithLaw();
        Assert.Equal(Share.None, chosen.RuleFor(DecisionType.Statutenwijziging).Quorum);
        Assert.DoesNotContain(RuleWarnings.ForStatutes(chosen, [], "coop"), w => w.Contains("behouden"));
    }

    [Fact]
    public void A_proposal_voted_before_the_new_reading_keeps_its_rule_also_when_the_statutes_are_saved_again()
    {
        // tester10 T1's statutes: default quorum 1/2, a frozen statute-change rule without quorum. Ballots came in before this release.
        var frozen = DerivedFrom(Rule(Share.None));
        var stored = new Statutes { Default = Rule(new Share(1, 2)), Overrides = [frozen] };
        var voted = new Proposal
        {
            Id = "wijziging", Title = "Statutenwijziging", DecisionType = DecisionType.Statutenwijziging, Mode = BallotMode.Ballots,
            Count = ProposalCount.Empty with { For = 10, Ballots = 10, AtMeeting = 10 },
        };
        var notVoted = voted with { Id = "later", Count = ProposalCount.Empty, Mode = BallotMode.Open };
        var meeting = new Meeting
        {
            Id = "alv", Title = "ALV", Date = new LocalDate(2026, 12, 20), NoticeDate = new LocalDate(2026, 12, 1),
            CreatedBy = "t", CreatedAt = Instant.FromUtc(2026, 11, 1, 0, 0), Proposals = [voted, notVoted],
        };
        var record = AlvRecord.Empty with { Statutes = stored, Meetings = [meeting] };
        var read = record.EffectiveStatutes;
        Assert.Equal(Share.None, ProposalRules.Of(read, voted, default).Rule.Quorum);
        Assert.Equal(new Share(1, 2), ProposalRules.Of(read, notVoted, default).Rule.Quorum);
        Assert.Contains(RuleWarnings.ForStatutes(read, [meeting], "coop"), w => w.Contains("alv/wijziging") && w.Contains("zoals die toen gold"));

        // Saving the statutes again fixes the voted proposal's rules as it was voted under; the other one follows the new statutes.
        var now = Instant.FromUtc(2026, 12, 7, 23, 0);
        var saved = AlvRules.SetStatutes(record, new SetStatutes { Default = new DecisionRuleInput { Quorum = "2/3" } }, now);
        Assert.True(saved.IsOk);
        var after = saved.Value!.Value;
        var proposals = Assert.Single(after.Meetings).Proposals;
        var fixedRules = proposals.Single(p => p.Id == "wijziging").Rules;
        Assert.NotNull(fixedRules);
        Assert.Equal(Share.None, fixedRules.Rule.Quorum);
        Assert.Equal(now, fixedRules.FixedAt);
        Assert.Null(proposals.Single(p => p.Id == "later").Rules);
        Assert.Equal(new Share(2, 3), ProposalRules.Of(after.EffectiveStatutes, proposals.Single(p => p.Id == "later"), now).Rule.Quorum);
    }
}
