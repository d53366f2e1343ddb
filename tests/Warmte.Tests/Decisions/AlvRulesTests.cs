using System.Collections.Immutable;
using NodaTime;
using Warmte.Alv;
using Warmte.Common;
using Warmte.Members;

namespace Warmte.Tests.Decisions;

public sealed class AlvRulesTests
{
    private static readonly LocalDate Date = new(2024, 12, 14);
    private static readonly Instant Now = Instant.FromUtc(2024, 12, 14, 10, 0);

    private static readonly ImmutableDictionary<string, Member> Register = new[]
    {
        Member("L-1", new LocalDate(2020, 1, 1)),
        Member("L-2", new LocalDate(2020, 1, 1)),
        Member("L-3", new LocalDate(2020, 1, 1), woningequivalenten: 5),
        Member("LAAT", new LocalDate(2024, 12, 15)),
        Member("WEG", new LocalDate(2020, 1, 1), leftOn: new LocalDate(2024, 6, 1)),
        Member("GEEN-STEM", new LocalDate(2020, 1, 1), eligible: false),
    }.ToImmutableDictionary(m => m.Number);

    private static Member Member(string number, LocalDate joined, LocalDate? leftOn = null, bool eligible = true, int woningequivalenten = 1) => new()
    {
        Number = number, Name = "Lid " + number, Category = MemberCategory.EigenaarBewoner, Woningequivalenten = woningequivalenten,
        Address = new DutchAddress("1054 AB", 1, null), JoinedOn = joined, LeftOn = leftOn, EligibleToVote = eligible,
    };

    private static AlvRecord Meeting(AlvRecord? record = null, string decisionType = "Realisatiebesluit", int noticeDays = 14, string? secondOf = null, string id = "alv")
    {
        var outcome = AlvRules.CreateMeeting(record ?? AlvRecord.Empty, new CreateMeeting
        {
            Id = id, Title = "ALV", Date = Date, NoticeDate = Date.PlusDays(-noticeDays), SecondMeetingOf = secondOf,
            Proposals = [new ProposalInput { Id = "besluit", Title = "Besluit", DecisionType = decisionType, ProjectId = "wg-terrein" }],
        }, Date, "bestuur", Now);
        Assert.True(outcome.IsOk, outcome.Refusal is { } r ? string.Join("; ", r.Errors.Select(e => e.Field + ": " + e.Reason)) : "");
        return outcome.Value!.Value;
    }

    // The journal's answers travel with each record (the grain reads them from the journal): the book after the facts so far.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<AlvRecord, BallotBook> Books = new();

    private static Outcome<AlvChange> Track(AlvRecord before, Outcome<AlvChange> outcome)
    {
        if (outcome.IsOk) Books.AddOrUpdate(outcome.Value!.Record, Book(before).With(outcome.Value.Facts));
        return outcome;
    }

    private static BallotBook Book(AlvRecord record) => Books.TryGetValue(record, out var book) ? book : BallotBook.Empty;

    private static Outcome<AlvChange> Vote(AlvRecord record, string member, string choice = "Voor", string? proxy = null) =>
        Track(record, AlvRules.CastBallot(record, "alv", "besluit", new CastBallot { MemberNumber = member, Choice = choice, ProxyHolder = proxy },
            MemberRules.Check(Register, AlvRules.NumbersIn(new CastBallot { MemberNumber = member, ProxyHolder = proxy }), Date), Book(record), Date, "bestuur", Now));

    private static Outcome<AlvChange> Close(AlvRecord record, string proposal, Electorate electorate, LocalDate today, string actor) =>
        Track(record, AlvRules.Close(record, "alv", proposal, electorate, Book(record), today, actor, Now));

    private static Outcome<AlvChange> Tally(AlvRecord record, string proposal, RecordTally tally, EligibilityCheck eligibility, LocalDate today) =>
        Track(record, AlvRules.RecordTally(record, "alv", proposal, tally, eligibility, Book(record), today, "bestuur", Now));

    private static AlvRecord Ok(Outcome<Audit.Change<AlvRecord>> outcome)
    {
        Assert.True(outcome.IsOk, outcome.Refusal?.Message + " " + string.Join("; ", outcome.Refusal?.Errors.Select(e => e.Reason) ?? []));
        return outcome.Value!.Value;
    }

    private static AlvRecord Ok(Outcome<AlvChange> outcome)
    {
        Assert.True(outcome.IsOk, outcome.Refusal?.Message + " " + string.Join("; ", outcome.Refusal?.Errors.Select(e => e.Reason) ?? []));
        return outcome.Value!.Record;
    }

    [Theory]
    [InlineData("LAAT", "pas op 15-12-2024 lid geworden")]
    [InlineData("WEG", "uitgeschreven")]
    [InlineData("GEEN-STEM", "niet stemgerechtigd")]
    [InlineData("X-99", "staat niet in het ledenregister")]
    public void A_non_member_or_late_member_is_refused_with_the_reason(string member, string reason)
    {
        var outcome = Vote(Meeting(), member);
        var error = Assert.Single(outcome.Refusal!.Errors);
        Assert.Equal("memberNumber", error.Field);
        Assert.Contains(reason, error.Reason);
    }

    [Fact]
    public void The_same_ballot_again_changes_nothing_and_a_different_one_is_refused()
    {
        var record = Ok(Vote(Meeting(), "L-1"));
        var again = Vote(record, "l-1 ");
        Assert.Same(record, again.Value!.Record);
        var changed = Vote(record, "L-1", "Tegen");
        Assert.Equal("already-voted", changed.Refusal!.Code);
    }

    [Fact]
    public void Proxies_are_limited_to_what_the_statutes_allow()
    {
        var record = Ok(Vote(Meeting(), "L-2", proxy: "L-1"));
        var second = Vote(record, "L-3", proxy: "L-1");
        Assert.Equal("too-many-proxies", second.Refusal!.Code);

        var noProxies = Ok(AlvRules.SetStatutes(AlvRecord.Empty, new SetStatutes { Default = new DecisionRuleInput { MaxProxiesPerAttendee = 0 } }));
        var refused = Vote(Meeting(noProxies), "L-2", proxy: "L-1");
        Assert.Equal("proxyHolder", Assert.Single(refused.Refusal!.Errors).Field);
    }

    private static AlvRecord WithAttendance(AlvRecord record, params string[] present) =>
        Ok(Track(record, AlvRules.RecordAttendance(record, "alv", new RecordAttendance { Present = [.. present] },
            MemberRules.Check(Register, present, Date), Book(record), Date, "bestuur", Now)));

    /// <summary>Tester6 T6: with an attendance list, a holder not on it cannot exercise a proxy at the meeting; the refusal names her and the list.</summary>
    [Fact]
    public void Once_the_attendance_list_is_recorded_a_proxy_holder_not_on_it_is_refused()
    {
        var record = WithAttendance(Meeting(), "L-3");
        var refused = Vote(record, "L-2", proxy: "L-1");
        Assert.False(refused.IsOk);
        Assert.Equal((RefusalKind.Conflict, "proxy-holder-absent"), (refused.Refusal!.Kind, refused.Refusal.Code));
        Assert.Equal("proxyHolder", Assert.Single(refused.Refusal.Errors).Field);
        Assert.StartsWith("Lid L-1 staat niet op de presentielijst van deze vergadering (1 aanwezige)", refused.Refusal.Message);

        // On the list: accepted, and the giver is represented through her.
        var accepted = Ok(Vote(record, "L-2", proxy: "L-3"));
        Assert.Equal(1, accepted.Meetings[0].Proposals[0].Count.ByProxy);
        // Put on the list afterwards (she was there after all): then she may.
        Assert.True(Vote(WithAttendance(record, "L-1"), "L-2", proxy: "L-1").IsOk);
    }

    [Fact]
    public void A_holder_whose_own_vote_the_board_entered_at_the_meeting_may_exercise_a_proxy_without_being_on_the_list()
    {
        var record = WithAttendance(Meeting(), "L-3");
        record = Ok(Vote(record, "L-1"));
        Assert.True(Vote(record, "L-2", proxy: "L-1").IsOk);
    }

    [Fact]
    public void Without_an_attendance_list_the_proxy_ballot_counts_its_holder_present()
    {
        var record = Ok(Vote(Meeting(), "L-2", proxy: "L-1"));
        // Giver and holder both present or represented: two beyond the (empty) list.
        Assert.Equal(2, record.Meetings[0].Proposals[0].Count.Extra);
    }

    [Fact]
    public void Closing_counts_present_and_represented_members_and_fixes_the_result()
    {
        var statutes = Ok(AlvRules.SetStatutes(AlvRecord.Empty, new SetStatutes { Default = new DecisionRuleInput { Quorum = "1/2" } }));
        var record = Ok(Vote(Meeting(statutes), "L-1"));
        record = Ok(Vote(record, "L-2", "Tegen", proxy: "L-3"));
        var closed = Ok(Close(record, "besluit", MemberRules.ElectorateOn(Register.Values, Date), Date, "bestuur"));
        var result = closed.Meetings[0].Proposals[0].Closed!.Result;
        // Eligible on the date: L-1, L-2, L-3 (LAAT joined later, WEG left, GEEN-STEM may not vote).
        Assert.Equal(3, result.EligibleMembers);
        Assert.Equal(3, result.PresentOrRepresented);
        Assert.Equal(1, result.Represented);
        Assert.Equal((1L, 1L), (result.For, result.Against));
        Assert.Equal(DecisionOutcome.Verworpen, result.Outcome);

        Assert.Equal("proposal-closed", Vote(closed, "L-3").Refusal!.Code);
        Assert.Equal("proposal-closed", Close(closed, "besluit", new Electorate(Date, 3, 3), Date, "b").Refusal!.Code);
    }

    [Fact]
    public void A_correction_is_a_new_decision_that_replaces_the_closed_one_for_the_gate()
    {
        var record = Ok(Vote(Meeting(), "L-1", "Tegen"));
        record = Ok(Close(record, "besluit", new Electorate(Date, 3, 3), Date, "bestuur"));
        Assert.Equal(DecisionOutcome.Verworpen, AlvRules.DecisionFor(record, "wg-terrein", DecisionType.Realisatiebesluit)!.Result.Outcome);

        var noReason = AlvRules.AddProposal(record, "alv", new ProposalInput { Id = "p2", Title = "Correctie", DecisionType = "Realisatiebesluit", ProjectId = "wg-terrein", Corrects = "alv/besluit" }, Date.PlusDays(3));
        Assert.Equal("body.correctionReason", Assert.Single(noReason.Refusal!.Errors).Field);

        // The second room was at the meeting: its members go on the attendance list before the recount (review3 F2:
        // a recount counts only who was there, and the list is fixed while it is open).
        record = Ok(Track(record, AlvRules.RecordAttendance(record, "alv", new RecordAttendance { Present = ["L-1", "L-2", "L-3"] },
            MemberRules.Check(Register, ["L-1", "L-2", "L-3"], Date), Book(record), Date.PlusDays(3), "bestuur", Now)));
        var withRecount = Ok(AlvRules.AddProposal(record, "alv", new ProposalInput
        {
            Id = "p2", Title = "Correctie", DecisionType = "Realisatiebesluit", ProjectId = "wg-terrein", Corrects = "alv/besluit",
            CorrectionReason = "Papieren stemmen van de tweede zaal niet meegeteld.",
        }, Date.PlusDays(3)));
        Books.AddOrUpdate(withRecount, Book(record));
        record = withRecount;
        record = Ok(Tally(record, "p2", new RecordTally { For = 3, Against = 0, Abstain = 0, Present = ["L-1", "L-2", "L-3"] },
            MemberRules.Check(Register, ["L-1", "L-2", "L-3"], Date), Date.PlusDays(3)));
        record = Ok(Close(record, "p2", new Electorate(Date, 3, 3), Date.PlusDays(3), "bestuur"));
        var decision = AlvRules.DecisionFor(record, "wg-terrein", DecisionType.Realisatiebesluit)!;
        Assert.Equal(("p2", DecisionOutcome.Aangenomen, "alv/besluit"), (decision.ProposalId, decision.Result.Outcome, decision.Corrects));
        // The original stays as it was.
        Assert.Equal(DecisionOutcome.Verworpen, record.Meetings[0].Proposals[0].Closed!.Result.Outcome);
    }

    [Fact]
    public void A_tally_cannot_hold_more_votes_than_the_attendance_list()
    {
        var outcome = Tally(Meeting(), "besluit", new RecordTally { For = 3, Against = 0, Abstain = 0, Present = ["L-1", "L-2"] },
            MemberRules.Check(Register, ["L-1", "L-2"], Date), Date);
        Assert.Equal("for", Assert.Single(outcome.Refusal!.Errors).Field);
    }

    [Fact]
    public void Weighted_statutes_weigh_votes_by_woningequivalenten()
    {
        var weighted = Ok(AlvRules.SetStatutes(AlvRecord.Empty, new SetStatutes { Default = new DecisionRuleInput { Weighting = "PerWoningequivalent" } }));
        var record = Ok(Vote(Meeting(weighted), "L-1"));
        record = Ok(Vote(record, "L-2"));
        record = Ok(Vote(record, "L-3", "Tegen"));
        var result = Ok(Close(record, "besluit", new Electorate(Date, 3, 7), Date, "b")).Meetings[0].Proposals[0].Closed!.Result;
        Assert.Equal((2L, 5L, DecisionOutcome.Verworpen), (result.For, result.Against, result.Outcome));
    }

    [Fact]
    public void Notice_shorter_than_the_statutes_require_is_refused()
    {
        var outcome = AlvRules.CreateMeeting(AlvRecord.Empty, new CreateMeeting
        {
            Id = "alv", Title = "ALV", Date = Date, NoticeDate = Date.PlusDays(-6),
            Proposals = [new ProposalInput { Id = "statuten", Title = "Statuten", DecisionType = "Statutenwijziging" }],
        }, Date, "b", Now);
        // The dates are what to change (tester finding F12): one error on noticeDate, in plain Dutch.
        var error = Assert.Single(outcome.Refusal!.Errors);
        Assert.Equal("noticeDate", error.Field);
        Assert.Contains("zitten 6 dagen", error.Reason);
        Assert.Contains("voorstel 'statuten' (besluit van de soort Statutenwijziging) vraagt er minstens 7", error.Reason);
        Assert.Contains("op of na 15-12-2024", error.Reason);
        Assert.DoesNotContain("een Statutenwijziging vraagt", error.Reason);
    }

    [Theory]
    [InlineData("statuten")]
    [InlineData("realisatie besluit")]
    public void A_misspelt_decision_type_is_one_error_not_also_the_rules_of_another_type_tester_F12(string type)
    {
        var outcome = AlvRules.CreateMeeting(AlvRecord.Empty, new CreateMeeting
        {
            Id = "alv-z", Title = "z", Date = Date, NoticeDate = Date.PlusDays(-4),
            Proposals = [new ProposalInput { Id = "voorstel", Title = "p", DecisionType = type }],
        }, Date, "b", Now);
        var error = Assert.Single(outcome.Refusal!.Errors);
        Assert.Equal("proposals[0].decisionType", error.Field);
        Assert.Contains("geen besluitsoort", error.Reason);
    }

    [Fact]
    public void Adding_a_proposal_that_needs_more_notice_says_so_in_plain_Dutch()
    {
        var record = Meeting(decisionType: "Overig", noticeDays: 7);
        var strict = Ok(AlvRules.SetStatutes(record, new SetStatutes
        {
            Overrides = [new DecisionRuleInput { DecisionType = "Tariefbesluit", MinimumNoticeDays = 14 }],
        }));
        var refused = AlvRules.AddProposal(strict, "alv", new ProposalInput { Id = "tarief", Title = "Tarief", DecisionType = "Tariefbesluit" }, Date.PlusDays(-1));
        var error = Assert.Single(refused.Refusal!.Errors);
        Assert.Equal("decisionType", error.Field);
        Assert.StartsWith("een besluit van de soort Tariefbesluit vraagt een oproeptermijn van minstens 14 dagen; deze vergadering is 7 dagen vooraf opgeroepen", error.Reason);
    }

    [Fact]
    public void Statute_changes_need_two_thirds_by_default_and_kinds_can_be_set_per_decision_type()
    {
        Assert.Equal(new Share(2, 3), Statutes.LegalDefaults.RuleFor(DecisionType.Statutenwijziging).Majority);
        Assert.Equal(new Share(1, 2), Statutes.LegalDefaults.RuleFor(DecisionType.Realisatiebesluit).Majority);
        var set = Ok(AlvRules.SetStatutes(AlvRecord.Empty, new SetStatutes
        {
            Overrides = [new DecisionRuleInput { DecisionType = "realisatiebesluit", Majority = "2/3", MajorityRule = "AtLeast", Quorum = "1/3" }],
        }));
        Assert.Equal(new Share(1, 3), set.EffectiveStatutes.RuleFor(DecisionType.Realisatiebesluit).Quorum);
        var bad = AlvRules.SetStatutes(AlvRecord.Empty, new SetStatutes { Default = new DecisionRuleInput { Quorum = "veel", MajorityRule = "Soms" } });
        Assert.Equal(["default.majorityRule", "default.quorum"], bad.Refusal!.Errors.Select(e => e.Field).Order());
    }

    [Fact]
    public void A_realisatiebesluit_must_name_its_project_and_votes_wait_for_the_meeting_day()
    {
        var outcome = AlvRules.CreateMeeting(AlvRecord.Empty, new CreateMeeting
        {
            Id = "alv", Title = "ALV", Date = Date, NoticeDate = Date.PlusDays(-14),
            Proposals = [new ProposalInput { Id = "realisatie", Title = "Realisatie", DecisionType = "Realisatiebesluit" }],
        }, Date, "b", Now);
        Assert.Equal("proposals[0].projectId", Assert.Single(outcome.Refusal!.Errors).Field);
        var early = AlvRules.CastBallot(Meeting(), "alv", "besluit", new CastBallot { MemberNumber = "L-1", Choice = "Voor" },
            MemberRules.Check(Register, ["L-1"], Date), BallotBook.Empty, Date.PlusDays(-1), "b", Now);
        Assert.Equal("meeting-not-held", early.Refusal!.Code);
    }
}
