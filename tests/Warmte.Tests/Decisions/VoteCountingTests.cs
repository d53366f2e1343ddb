using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using Warmte.Alv;
using Warmte.Members;

namespace Warmte.Tests.Decisions;

/// <summary>ALV results decided on exact integers, at the boundaries the statutes draw.</summary>
public sealed class VoteCountingTests
{
    private static DecisionRule Rule(string majority = "1/2", MajorityRule kind = MajorityRule.MoreThan, string quorum = "0",
        bool abstentionsCount = false, bool secondMeeting = true) => Statutes.LegalDefaults.Default with
    {
        Majority = Share.Parse(majority)!, MajorityRule = kind, Quorum = Share.Parse(quorum)!, AbstentionsCount = abstentionsCount,
        SecondMeetingWithoutQuorum = secondMeeting,
    };

    private static DecisionResult Decide(DecisionRule rule, long @for, long against, long abstain = 0, int eligible = 200, int present = 100, bool second = false) =>
        VoteCounting.Decide(rule, new VoteTotals(@for, against, abstain), eligible, present, 0, second);

    [Fact]
    public void Ninety_six_for_and_four_against_is_96_percent_and_passes_two_thirds()
    {
        var result = Decide(Rule("2/3", MajorityRule.AtLeast), 96, 4);
        Assert.Equal(DecisionOutcome.Aangenomen, result.Outcome);
        Assert.Equal(96.00m, result.ForPercent);
        Assert.Equal(100, result.Denominator);
    }

    [Theory]
    [InlineData(2, 1, MajorityRule.AtLeast, DecisionOutcome.Aangenomen)]  // exactly two thirds reaches "at least 2/3"
    [InlineData(2, 1, MajorityRule.MoreThan, DecisionOutcome.Verworpen)]  // but not "more than 2/3"
    [InlineData(200, 101, MajorityRule.AtLeast, DecisionOutcome.Verworpen)] // 66.4451...% is short
    [InlineData(666_667, 333_333, MajorityRule.AtLeast, DecisionOutcome.Aangenomen)]
    [InlineData(666_666, 333_334, MajorityRule.AtLeast, DecisionOutcome.Verworpen)] // 66.6666% rounds to 66.67% but is below 2/3
    public void Two_thirds_is_compared_exactly(long @for, long against, MajorityRule kind, DecisionOutcome expected) =>
        Assert.Equal(expected, Decide(Rule("2/3", kind), @for, against, present: 100).Outcome);

    [Fact]
    public void Half_of_the_votes_is_not_more_than_half()
    {
        Assert.Equal(DecisionOutcome.Verworpen, Decide(Rule(), 50, 50).Outcome);
        Assert.Equal(DecisionOutcome.Aangenomen, Decide(Rule(), 51, 50).Outcome);
    }

    [Fact]
    public void Abstentions_count_against_only_when_the_statutes_say_so()
    {
        Assert.Equal(DecisionOutcome.Aangenomen, Decide(Rule(), 40, 30, abstain: 30).Outcome);
        var counted = Decide(Rule(abstentionsCount: true), 40, 30, abstain: 30);
        Assert.Equal(DecisionOutcome.Verworpen, counted.Outcome);
        Assert.Equal(100, counted.Denominator);
    }

    [Fact]
    public void Quorum_one_member_short_means_no_decision_and_a_second_meeting_may_decide_without_it()
    {
        // Half of 201 eligible members is 100.5: 101 present meets it, 100 does not.
        Assert.Equal(DecisionOutcome.Aangenomen, Decide(Rule(quorum: "1/2"), 60, 10, eligible: 201, present: 101).Outcome);
        var short1 = Decide(Rule(quorum: "1/2"), 60, 10, eligible: 201, present: 100);
        Assert.Equal(DecisionOutcome.GeenQuorum, short1.Outcome);
        Assert.False(short1.QuorumMet);

        var second = Decide(Rule(quorum: "1/2"), 60, 10, eligible: 201, present: 100, second: true);
        Assert.Equal(DecisionOutcome.Aangenomen, second.Outcome);
        Assert.True(second.QuorumWaived);
        Assert.Equal(DecisionOutcome.GeenQuorum, Decide(Rule(quorum: "1/2", secondMeeting: false), 60, 10, eligible: 201, present: 100, second: true).Outcome);
    }

    [Fact]
    public void No_votes_cast_rejects()
    {
        Assert.Equal(DecisionOutcome.Verworpen, Decide(Rule(), 0, 0, abstain: 5).Outcome);
    }

    [Theory]
    [InlineData("2/3", 2, 3)]
    [InlineData("50%", 1, 2)]
    [InlineData("66,67%", 6667, 10000)]
    [InlineData(" 3 / 4 ", 3, 4)]
    public void Shares_are_read_exactly(string text, int numerator, int denominator) =>
        Assert.Equal(new Share(numerator, denominator), Share.Parse(text));

    [Theory]
    [InlineData("3/2")]
    [InlineData("1/0")]
    [InlineData("-1/2")]
    [InlineData("120%")]
    [InlineData("half")]
    [InlineData("0.5")]
    public void Nonsense_shares_are_refused(string text) => Assert.Null(Share.Parse(text));

    // ---- the order of ballots does not matter; one member, one vote ----

    private static readonly LocalDate MeetingDate = new(2024, 12, 14);

    private static AlvRecord OpenMeeting()
    {
        var created = AlvRules.CreateMeeting(AlvRecord.Empty, new CreateMeeting
        {
            Id = "alv", Title = "ALV", Date = MeetingDate, NoticeDate = MeetingDate.PlusDays(-14),
            Proposals = [new ProposalInput { Id = "besluit", Title = "Tariefbesluit", DecisionType = "Tariefbesluit" }],
        }, MeetingDate, "t", Instant.FromUtc(2024, 12, 14, 10, 0));
        Assert.True(created.IsOk, created.Refusal?.Message);
        return created.Value!.Value;
    }

    private static EligibilityCheck Everyone(params string[] numbers) =>
        new([.. numbers.Select(n => new Voter(n, 1))], System.Collections.Immutable.ImmutableDictionary<string, string>.Empty);

    private static (AlvRecord Record, int Accepted) Cast(AlvRecord record, IEnumerable<(string Member, VoteChoice Choice)> ballots)
    {
        var accepted = 0;
        var book = BallotBook.Empty; // what the journal holds: the grain looks the member up there
        foreach (var (member, choice) in ballots)
        {
            var outcome = AlvRules.CastBallot(record, "alv", "besluit", new CastBallot { MemberNumber = member, Choice = choice.ToString() },
                Everyone(member), book, MeetingDate, "t", Instant.FromUtc(2024, 12, 14, 11, 0));
            if (!outcome.IsOk) continue;
            if (!ReferenceEquals(outcome.Value!.Record, record)) accepted++;
            record = outcome.Value!.Record;
            book = book.With(outcome.Value.Facts);
        }
        return (record, accepted);
    }

    private static DecisionResult Close(AlvRecord record)
    {
        var closed = AlvRules.Close(record, "alv", "besluit", new Electorate(MeetingDate, 50, 50), BallotBook.Empty, MeetingDate, "t", Instant.FromUtc(2024, 12, 14, 12, 0));
        return closed.Value!.Record.Meetings[0].Proposals[0].Closed!.Result;
    }

    private static Gen<(string, VoteChoice)[]> Ballots() =>
        from count in Gen.Choose(0, 40)
        from ballots in (from member in Gen.Choose(1, 15) from choice in Gen.Elements(VoteChoice.Voor, VoteChoice.Tegen, VoteChoice.Onthouding)
                         select ($"L-{member}", choice)).ArrayOf(count)
        select ballots;

    [Property(MaxTest = 200)]
    public Property The_result_does_not_depend_on_the_order_of_distinct_ballots() =>
        Prop.ForAll(Ballots().ToArbitrary(), Gen.Choose(0, int.MaxValue).ToArbitrary(), (ballots, seed) =>
        {
            // One ballot per member (the first each member sent), shuffled.
            var distinct = ballots.DistinctBy(b => b.Item1).ToArray();
            var shuffled = distinct.OrderBy(_ => new Random(seed).Next()).ToArray();
            var random = new Random(seed);
            shuffled = [.. distinct.Select(b => (b, random.Next())).OrderBy(x => x.Item2).Select(x => x.b)];
            Assert.Equal(Close(Cast(OpenMeeting(), distinct).Record), Close(Cast(OpenMeeting(), shuffled).Record));
        });

    [Property(MaxTest = 200)]
    public Property A_member_votes_at_most_once_per_proposal_whatever_is_sent() =>
        Prop.ForAll(Ballots().ToArbitrary(), ballots =>
        {
            var (record, accepted) = Cast(OpenMeeting(), ballots);
            var members = ballots.Select(b => b.Item1).Distinct().Count();
            Assert.Equal(members, accepted);
            var result = Close(record);
            Assert.Equal(members, result.For + result.Against + result.Abstain);
            // Each member's first ballot is the one that counts.
            var first = ballots.DistinctBy(b => b.Item1).ToArray();
            Assert.Equal(first.Count(b => b.Item2 == VoteChoice.Voor), result.For);
        });
}

/// <summary>Weighted votes (statutes: per woningequivalent) with fractional woningequivalenten: totals exact, the outcome exact.</summary>
public sealed class WeightedVoteTests
{
    private static readonly LocalDate MeetingDate = new(2024, 12, 14);

    private static AlvRecord Weighted(string majority = "1/2", MajorityRule kind = MajorityRule.MoreThan)
    {
        var rule = Statutes.LegalDefaults.Default with { Weighting = VoteWeighting.PerWoningequivalent, Majority = Share.Parse(majority)!, MajorityRule = kind };
        var created = AlvRules.CreateMeeting(AlvRecord.Empty with { Statutes = new Statutes { Default = rule } }, new CreateMeeting
        {
            Id = "alv", Title = "ALV", Date = MeetingDate, NoticeDate = MeetingDate.PlusDays(-14),
            Proposals = [new ProposalInput { Id = "besluit", Title = "Tariefbesluit", DecisionType = "Tariefbesluit" }],
        }, MeetingDate, "t", Instant.FromUtc(2024, 12, 14, 10, 0));
        Assert.True(created.IsOk, created.Refusal?.Message);
        return created.Value!.Value;
    }

    private static DecisionResult CastAndClose(AlvRecord record, IReadOnlyList<(decimal Weq, VoteChoice Choice)> votes)
    {
        var voters = votes.Select((v, i) => new Voter($"L-{i}", v.Weq)).ToArray();
        var eligibility = new EligibilityCheck([.. voters], System.Collections.Immutable.ImmutableDictionary<string, string>.Empty);
        for (var i = 0; i < votes.Count; i++)
        {
            var cast = AlvRules.CastBallot(record, "alv", "besluit", new CastBallot { MemberNumber = $"L-{i}", Choice = votes[i].Choice.ToString() },
                eligibility, BallotBook.Empty, MeetingDate, "t", Instant.FromUtc(2024, 12, 14, 11, 0));
            Assert.True(cast.IsOk, cast.Refusal?.Message);
            record = cast.Value!.Record;
        }
        var closed = AlvRules.Close(record, "alv", "besluit", new Electorate(MeetingDate, votes.Count, votes.Sum(v => v.Weq)), BallotBook.Empty, MeetingDate, "t",
            Instant.FromUtc(2024, 12, 14, 12, 0));
        return closed.Value!.Record.Meetings[0].Proposals[0].Closed!.Result;
    }

    [Fact]
    public void A_cafe_with_two_and_a_half_woningequivalenten_weighs_two_and_a_half()
    {
        // 2,5 (café) + 1 for, 1 + 1 + 1 against: 3,5 of 6,5 is more than half.
        var result = CastAndClose(Weighted(), [(2.5m, VoteChoice.Voor), (1m, VoteChoice.Voor), (1m, VoteChoice.Tegen), (1m, VoteChoice.Tegen), (1m, VoteChoice.Tegen)]);
        Assert.Equal((3.5m, 3m, 6.5m, DecisionOutcome.Aangenomen), (result.For, result.Against, result.Denominator, result.Outcome));
        Assert.StartsWith("Aangenomen: 3,5 voor, 3 tegen, 0 onthoudingen (53,85% van 6,5;", result.Describe());
    }

    [Fact]
    public void A_whole_percentage_is_written_with_two_decimals_as_everywhere_else_T8_5()
    {
        // 3 of 4: the gate evidence and the API's resultText said "75% van 4" where alv show said "75,00%".
        var result = CastAndClose(Weighted(), [(1m, VoteChoice.Voor), (1m, VoteChoice.Voor), (1m, VoteChoice.Voor), (1m, VoteChoice.Tegen)]);
        Assert.StartsWith("Aangenomen: 3 voor, 1 tegen, 0 onthoudingen (75,00% van 4;", result.Describe());
    }

    [Fact]
    public void Exactly_two_thirds_in_hundredths_reaches_at_least_two_thirds_and_a_hundredth_less_does_not()
    {
        // 6,66 for and 3,33 against is exactly 2/3; 6,65 for is not.
        Assert.Equal(DecisionOutcome.Aangenomen, CastAndClose(Weighted("2/3", MajorityRule.AtLeast), [(6.66m, VoteChoice.Voor), (3.33m, VoteChoice.Tegen)]).Outcome);
        Assert.Equal(DecisionOutcome.Verworpen, CastAndClose(Weighted("2/3", MajorityRule.AtLeast), [(6.65m, VoteChoice.Voor), (3.33m, VoteChoice.Tegen)]).Outcome);
    }

    private static Gen<(decimal, VoteChoice)[]> Votes() =>
        from count in Gen.Choose(1, 30)
        from votes in (from hundredths in Gen.Choose(0, 1_000_000) from choice in Gen.Elements(VoteChoice.Voor, VoteChoice.Tegen, VoteChoice.Onthouding)
                       select (hundredths / 100m, choice)).ArrayOf(count)
        select votes;

    [Property(MaxTest = 200)]
    public Property Weighted_totals_are_the_exact_sums_and_the_outcome_is_decided_on_them() =>
        Prop.ForAll(Votes().ToArbitrary(), votes =>
        {
            var result = CastAndClose(Weighted("2/3", MajorityRule.AtLeast), votes);
            // Expected, computed independently in whole hundredths (integers).
            long Hundredths(VoteChoice c) => votes.Where(v => v.Item2 == c).Sum(v => (long)(v.Item1 * 100));
            long f = Hundredths(VoteChoice.Voor), a = Hundredths(VoteChoice.Tegen), o = Hundredths(VoteChoice.Onthouding);
            Assert.Equal((f, a, o), ((long)(result.For * 100), (long)(result.Against * 100), (long)(result.Abstain * 100)));
            var passes = f + a > 0 && 3 * f >= 2 * (f + a);
            Assert.Equal(passes ? DecisionOutcome.Aangenomen : DecisionOutcome.Verworpen, result.Outcome);
        });
}
