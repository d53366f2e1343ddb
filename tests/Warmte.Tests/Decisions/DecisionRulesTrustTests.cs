using System.Collections.Immutable;
using Warmte.Alv;

namespace Warmte.Tests.Decisions;

/// <summary>
/// Tester10 T1 and T13 in the rules themselves: the law's rule for a statute change follows the default, statutes stored
/// with a frozen derivation are read right, a board's own choice stays, and a count without votes for or against reads sensibly.
/// </summary>
public sealed class DecisionRulesTrustTests
{
    private static DecisionRule Rule(Share quorum) => Statutes.LegalDefaults.Default with { Quorum = quorum };

    [Fact]
    public void The_statute_change_rule_follows_the_default_quorum_and_keeps_two_thirds()
    {
        var statutes = new Statutes { Default = Rule(new Share(1, 2)), OverridesChosen = true };
        var rule = statutes.RuleFor(DecisionType.Statutenwijziging);
        Assert.Equal(new Share(1, 2), rule.Quorum);
        Assert.Equal(new Share(2, 3), rule.Majority);
        Assert.Equal(MajorityRule.AtLeast, rule.MajorityRule);
        // The legal defaults themselves: no quorum, 2/3 for a statute change.
        Assert.Equal(Share.None, Statutes.LegalDefaults.RuleFor(DecisionType.Statutenwijziging).Quorum);
        Assert.Equal(new Share(2, 3), Statutes.LegalDefaults.RuleFor(DecisionType.Statutenwijziging).Majority);
    }

    [Fact]
    public void The_input_offered_for_sending_back_holds_no_derived_rule_so_a_new_default_is_followed()
    {
        var read = Statutes.LegalDefaults.WithLaw();
        Assert.Contains(read.Overrides, o => o is { Type: DecisionType.Statutenwijziging, Derived: true });
        var input = AlvRules.AsInput(read);
        Assert.Empty(input.Overrides!.Value);

        // The CLI's round trip: read input, change the default's quorum, send it back.
        var sent = input with { Default = input.Default! with { Quorum = "1/2" } };
        var saved = AlvRules.SetStatutes(AlvRecord.Empty with { Statutes = Statutes.LegalDefaults }, sent);
        Assert.True(saved.IsOk);
        Assert.Equal(new Share(1, 2), saved.Value!.Value.EffectiveStatutes.RuleFor(DecisionType.Statutenwijziging).Quorum);
    }

    [Fact]
    public void Statutes_stored_with_the_old_built_in_statute_change_rule_are_read_as_following_the_default()
    {
        // As the CLI stored them before (tester10 T1): default quorum 1/2, the built-in Statutenwijziging rule sent back with quorum 0.
        var frozen = new TypedDecisionRule(DecisionType.Statutenwijziging, Rule(Share.None) with { Majority = new Share(2, 3), MajorityRule = MajorityRule.AtLeast });
        var stored = new Statutes { Default = Rule(new Share(1, 2)), Overrides = [frozen] };
        var read = stored.WithLaw();
        Assert.Equal(new Share(1, 2), read.RuleFor(DecisionType.Statutenwijziging).Quorum);
        Assert.Equal(new Share(1, 2), stored.RuleFor(DecisionType.Statutenwijziging).Quorum);
        Assert.Equal(frozen, Assert.Single(read.IgnoredOverrides));
        var warning = Assert.Single(RuleWarnings.ForStatutes(read, [], "coop"));
        Assert.Contains("geen keuze van het bestuur", warning);
        Assert.Contains("quorum 1/2", warning);
    }

    [Fact]
    public void A_frozen_derivation_of_an_earlier_default_with_a_weaker_quorum_is_not_read_as_a_choice()
    {
        // Derived from an earlier default (quorum 1/3, two volmachten), frozen, then the default went to quorum 1/2.
        var earlier = Rule(new Share(1, 3)) with { MaxProxiesPerAttendee = 2 };
        var frozen = new TypedDecisionRule(DecisionType.Statutenwijziging, LegalMinimums.Apply(DecisionType.Statutenwijziging, earlier));
        var stored = new Statutes { Default = Rule(new Share(1, 2)), Overrides = [frozen] };
        Assert.Equal(new Share(1, 2), stored.RuleFor(DecisionType.Statutenwijziging).Quorum);
    }

    [Fact]
    public void A_boards_own_statute_change_rule_stays_whether_stored_before_or_after()
    {
        // Stricter than the default and than the law: a choice, also in statutes stored before the marker existed.
        var own = new TypedDecisionRule(DecisionType.Statutenwijziging, Rule(new Share(2, 3)) with { Majority = new Share(3, 4), MajorityRule = MajorityRule.AtLeast });
        var old = new Statutes { Default = Rule(new Share(1, 2)), Overrides = [own] };
        Assert.Equal(new Share(2, 3), old.RuleFor(DecisionType.Statutenwijziging).Quorum);
        Assert.Equal(new Share(3, 4), old.RuleFor(DecisionType.Statutenwijziging).Majority);
        Assert.Empty(old.WithLaw().IgnoredOverrides);

        // Saved since: a weaker quorum for a statute change stays when the board sent it (its explicit choice).
        var saved = AlvRules.SetStatutes(AlvRecord.Empty, new SetStatutes
        {
            Default = new DecisionRuleInput { Quorum = "1/2" },
            Overrides = [new DecisionRuleInput { DecisionType = "Statutenwijziging", Quorum = "0" }],
        });
        Assert.True(saved.IsOk);
        var read = saved.Value!.Value.EffectiveStatutes;
        Assert.Equal(Share.None, read.RuleFor(DecisionType.Statutenwijziging).Quorum);
        Assert.Equal(new Share(1, 2), read.RuleFor(DecisionType.Overig).Quorum);
        Assert.Single(AlvRules.AsInput(read).Overrides!.Value);
    }

    [Fact]
    public void Online_voting_with_a_quorum_where_online_voters_are_not_present_is_said_with_how_to_change_it()
    {
        var statutes = new Statutes
        {
            Default = Rule(new Share(1, 3)), OverridesChosen = true, Electronic = new ElectronicVoting { AdvanceVotingAllowed = true },
        }.WithLaw();
        var warning = Assert.Single(RuleWarnings.ForStatutes(statutes, [], "helmersbuurt"));
        Assert.Contains("Online stemmers tellen onder deze statuten niet mee voor het quorum", warning);
        Assert.Contains("warmte alv statutes helmersbuurt --online-present ja", warning);

        var counting = statutes with { Electronic = statutes.Electronic with { AdvanceVotersCountAsPresent = true } };
        Assert.Empty(RuleWarnings.ForStatutes(counting, [], "helmersbuurt"));
        var noQuorum = new Statutes { Default = Rule(Share.None), OverridesChosen = true, Electronic = statutes.Electronic }.WithLaw();
        Assert.Empty(RuleWarnings.ForStatutes(noQuorum, [], "helmersbuurt"));
    }

    [Fact]
    public void A_count_of_only_abstentions_says_so_instead_of_a_percentage_of_nothing()
    {
        var rule = Statutes.LegalDefaults.RuleFor(DecisionType.Overig);
        var text = VoteCounting.Decide(rule, new VoteTotals(0, 0, 40), 40, 40, 0, secondMeeting: false).Describe();
        Assert.StartsWith("Verworpen: 0 voor, 0 tegen, 40 onthoudingen (geen stemmen voor of tegen, alleen onthoudingen; meer dan 1/2 vereist", text);
        Assert.DoesNotContain("0,00%", text);
        var voted = VoteCounting.Decide(rule, new VoteTotals(3, 1, 0), 40, 40, 0, secondMeeting: false).Describe();
        Assert.Contains("75,00% van 4", voted);
    }
}
