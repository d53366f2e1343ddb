using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using Warmte.Alv;
using Warmte.Common;
using Warmte.Members;

namespace Warmte.Tests.Decisions;

/// <summary>
/// Review3 F2: a same-meeting correction is a recount of that meeting's votes, nothing more. It is added, counted
/// and closed within <see cref="AlvRules.RecountDays"/> days of the meeting, counts only members who were at the
/// meeting (its attendance list, or the corrected decision's tally or ballots), is never closed without votes, and
/// is in force from the day it was closed (Amsterdam time), not from the meeting's date.
/// </summary>
public sealed class RecountTests
{
    private const string Project = "wg";
    private static readonly LocalDate Held = new(2024, 12, 14);
    private static readonly string[] AtMeeting = ["L-1", "L-2", "L-3", "L-4"];

    private static readonly ImmutableDictionary<string, Member> Register = new[] { "L-1", "L-2", "L-3", "L-4", "L-5" }.ToImmutableDictionary(n => n, n => new Member
    {
        Number = n, Name = "Lid " + n, Category = MemberCategory.EigenaarBewoner, Woningequivalenten = 1,
        Address = new DutchAddress("1054 AB", 1, null), JoinedOn = new LocalDate(2020, 1, 1), EligibleToVote = true,
    });

    private static Instant Noon(LocalDate day) => Instant.FromUtc(day.Year, day.Month, day.Day, 11, 0);

    // The journal's answers travel with each record, as the grain reads them from the journal.
    private static readonly ConditionalWeakTable<AlvRecord, BallotBook> Books = new();
    private static BallotBook Book(AlvRecord record) => Books.TryGetValue(record, out var book) ? book : BallotBook.Empty;

    private static Outcome<AlvChange> Track(AlvRecord before, Outcome<AlvChange> outcome)
    {
        if (outcome.IsOk) Books.AddOrUpdate(outcome.Value!.Record, Book(before).With(outcome.Value.Facts));
        return outcome;
    }

    private static Outcome<Audit.Change<AlvRecord>> Carry(AlvRecord before, Outcome<Audit.Change<AlvRecord>> outcome)
    {
        if (outcome.IsOk) Books.AddOrUpdate(outcome.Value!.Value, Book(before));
        return outcome;
    }

    private static string Errors(Refusal? r) => r is null ? "" : r.Code + " " + r.Message + " " + string.Join("; ", r.Errors.Select(e => e.Field + ": " + e.Reason));

    private static AlvRecord Ok(Outcome<AlvChange> o) { Assert.True(o.IsOk, Errors(o.Refusal)); return o.Value!.Record; }

    private static AlvRecord Ok(Outcome<Audit.Change<AlvRecord>> o) { Assert.True(o.IsOk, Errors(o.Refusal)); return o.Value!.Value; }

    private static Outcome<AlvChange> Tally(AlvRecord record, string proposal, int @for, int against, string[] present, LocalDate today) =>
        Track(record, AlvRules.RecordTally(record, "alv", proposal, new RecordTally { For = @for, Against = against, Abstain = 0, Present = [.. present] },
            MemberRules.Check(Register, present, Held), Book(record), today, "bestuur", Noon(today)));

    private static Outcome<AlvChange> Close(AlvRecord record, string proposal, Instant at) =>
        Track(record, AlvRules.Close(record, "alv", proposal, new Electorate(Held, 5, 5), Book(record), AmsterdamTime.DateOf(at), "bestuur", at,
            MemberRules.Check(Register, Register.Keys, Held)));

    private static Outcome<Audit.Change<AlvRecord>> AddRecount(AlvRecord record, LocalDate today, string id = "herstel", string corrects = "alv/besluit") =>
        Carry(record, AlvRules.AddProposal(record, "alv", new ProposalInput
        {
            Id = id, Title = "Herstel telling", DecisionType = "Realisatiebesluit", ProjectId = Project, Corrects = corrects, CorrectionReason = "telfout",
        }, today));

    /// <summary>The ALV of 14-12-2024, called 14 days ahead, adopted the realisatiebesluit by paper count: 3 for, 1 against, four present.</summary>
    private static AlvRecord Adopted()
    {
        var created = Ok(AlvRules.CreateMeeting(AlvRecord.Empty, new CreateMeeting
        {
            Id = "alv", Title = "ALV", Date = Held, NoticeDate = Held.PlusDays(-14),
            Proposals = [new ProposalInput { Id = "besluit", Title = "Realisatiebesluit", DecisionType = "Realisatiebesluit", ProjectId = Project }],
        }, Held.PlusDays(-14), "bestuur", Noon(Held.PlusDays(-14))));
        var tallied = Ok(Tally(created, "besluit", 3, 1, AtMeeting, Held));
        return Ok(Close(tallied, "besluit", Noon(Held)));
    }

    private static DecisionStatus? InForce(AlvRecord record, LocalDate? asOf = null) => AlvRules.DecisionFor(record, Project, DecisionType.Realisatiebesluit, asOf);

    [Fact]
    public void The_reviewers_case_a_correction_added_two_years_after_the_meeting_is_refused_as_a_new_vote()
    {
        var record = Adopted();
        var late = AddRecount(record, new LocalDate(2026, 12, 6));
        Assert.Equal((RefusalKind.Conflict, "recount-period-over"), (late.Refusal!.Kind, late.Refusal.Code));
        Assert.Equal("corrects", Assert.Single(late.Refusal.Errors).Field);
        Assert.Contains("tot en met 28-12-2024", late.Refusal.Message);
        Assert.Contains("latere vergadering", late.Refusal.Message);
        Assert.Equal(("besluit", DecisionOutcome.Aangenomen), (InForce(record)!.ProposalId, InForce(record)!.Result.Outcome));
    }

    [Fact]
    public void The_reviewers_case_a_recount_closed_without_votes_is_refused_and_the_adopted_decision_stands()
    {
        var record = Ok(AddRecount(Adopted(), Held.PlusDays(2)));
        var empty = Close(record, "herstel", Noon(Held.PlusDays(2)));
        Assert.Equal("recount-empty", empty.Refusal!.Code);
        Assert.Equal(("besluit", DecisionOutcome.Aangenomen), (InForce(record)!.ProposalId, InForce(record)!.Result.Outcome));
    }

    [Fact]
    public void A_recount_counts_only_the_members_who_were_at_the_meeting()
    {
        var record = Ok(AddRecount(Adopted(), Held.PlusDays(2)));
        // L-5 was not on the meeting's list nor on the corrected tally: a new presence list is a new vote.
        var outsider = Tally(record, "herstel", 2, 0, ["L-1", "L-5"], Held.PlusDays(2));
        var error = Assert.Single(outsider.Refusal!.Errors);
        Assert.Equal("present[1]", error.Field);
        Assert.Contains("lid L-5 staat niet op de presentielijst van de vergadering van 14-12-2024", error.Reason);
        // Nor can the board add L-5 to the attendance list while the recount is open.
        var attendance = Track(record, AlvRules.RecordAttendance(record, "alv", new RecordAttendance { Present = ["L-5"] },
            MemberRules.Check(Register, ["L-5"], Held), Book(record), Held.PlusDays(2), "bestuur", Noon(Held.PlusDays(2))));
        Assert.Equal("recount-open", attendance.Refusal!.Code);
        // A ballot per member: only those who were there; never online.
        var ballot = Track(record, AlvRules.CastBallot(record, "alv", "herstel", new CastBallot { MemberNumber = "L-5", Choice = "Voor" },
            MemberRules.Check(Register, ["L-5"], Held), Book(record), Held.PlusDays(2), "bestuur", Noon(Held.PlusDays(2))));
        Assert.Equal("memberNumber", Assert.Single(ballot.Refusal!.Errors).Field);
        var online = Track(record, AlvRules.CastBallot(record, "alv", "herstel", new CastBallot { MemberNumber = "L-1", Choice = "Voor", Channel = BallotChannel.Online },
            MemberRules.Check(Register, ["L-1"], Held), Book(record), Held.PlusDays(2), "bestuur", Noon(Held.PlusDays(2))));
        Assert.Equal("recount-not-online", online.Refusal!.Code);
        // Those who were there: accepted.
        Assert.True(Track(record, AlvRules.CastBallot(record, "alv", "herstel", new CastBallot { MemberNumber = "L-2", Choice = "Tegen" },
            MemberRules.Check(Register, ["L-2"], Held), Book(record), Held.PlusDays(2), "bestuur", Noon(Held.PlusDays(2)))).IsOk);
    }

    [Fact]
    public void A_genuine_recount_within_the_period_replaces_the_decision_from_the_day_it_was_closed_in_Amsterdam()
    {
        var record = Ok(AddRecount(Adopted(), Held.PlusDays(10)));
        record = Ok(Tally(record, "herstel", 1, 3, AtMeeting, Held.PlusDays(12)));
        // 23:30 UTC on 27-12 is 00:30 on 28-12 in Amsterdam: the 14th day after the meeting, the last of the period.
        var closedAt = Instant.FromUtc(2024, 12, 27, 23, 30);
        record = Ok(Close(record, "herstel", closedAt));

        Assert.Equal(("herstel", DecisionOutcome.Verworpen), (InForce(record)!.ProposalId, InForce(record)!.Result.Outcome));
        // Until the recount was closed the adopted decision stood: a gate decided on 27-12 is judged by it.
        Assert.Equal(("besluit", DecisionOutcome.Aangenomen), (InForce(record, new LocalDate(2024, 12, 27))!.ProposalId, InForce(record, new LocalDate(2024, 12, 27))!.Result.Outcome));
        Assert.Equal("besluit", InForce(record, Held)!.ProposalId);
        Assert.Equal("herstel", InForce(record, new LocalDate(2024, 12, 28))!.ProposalId);
        // A recount of the recount after the period is a new vote.
        Assert.Equal("recount-period-over", AddRecount(record, Held.PlusDays(15), "herstel2", "alv/herstel").Refusal!.Code);
    }

    [Fact]
    public void A_recount_added_in_time_cannot_be_counted_or_closed_after_the_period()
    {
        var record = Ok(AddRecount(Adopted(), Held.PlusDays(3)));
        Assert.Equal("recount-period-over", Tally(record, "herstel", 1, 3, AtMeeting, Held.PlusDays(15)).Refusal!.Code);
        record = Ok(Tally(record, "herstel", 1, 3, AtMeeting, Held.PlusDays(14)));
        Assert.Equal("recount-period-over", Close(record, "herstel", Noon(Held.PlusDays(15))).Refusal!.Code);
        Assert.Equal("besluit", InForce(record)!.ProposalId);
    }

    /// <summary>
    /// For any day a recount is added, counted and closed (at any hour), and any day looked at: the decision in force
    /// that day was taken at a meeting held by then and called at least the law's 7 days ahead, or is a recount of that
    /// meeting closed on or before that day (Amsterdam) and within the recount period; otherwise the adopted decision.
    /// </summary>
    [Property(MaxTest = 200)]
    public Property The_decision_in_force_on_any_day_was_called_with_notice_or_is_a_recount_closed_by_then() =>
        Prop.ForAll((from addLag in Gen.Choose(0, 25)
                     from closeLag in Gen.Choose(0, 25)
                     from hour in Gen.Choose(0, 23)
                     from @for in Gen.Choose(0, 4)
                     from look in Gen.Choose(-5, 60)
                     select (addLag, closeLag, hour, @for, look)).ToArbitrary(), input =>
        {
            var record = Adopted();
            var added = AddRecount(record, Held.PlusDays(input.addLag));
            Assert.Equal(input.addLag <= AlvRules.RecountDays, added.IsOk);
            var closedOn = (LocalDate?)null;
            if (added.IsOk)
            {
                var at = Held.PlusDays(Math.Max(input.addLag, input.closeLag));
                var instant = Instant.FromUtc(at.Year, at.Month, at.Day, input.hour, 0);
                var day = AmsterdamTime.DateOf(instant);
                var tallied = Tally(added.Value!.Value, "herstel", input.@for, 4 - input.@for, AtMeeting, day);
                Assert.Equal(day <= AlvRules.RecountUntil(AlvRules.Find(record, "alv")!), tallied.IsOk);
                if (tallied.IsOk)
                {
                    record = Ok(Close(tallied.Value!.Record, "herstel", instant));
                    closedOn = day;
                }
            }

            var look = Held.PlusDays(input.look);
            var inForce = InForce(record, look);
            if (look < Held) { Assert.Null(inForce); return; }
            var meeting = AlvRules.Find(record, inForce!.MeetingId)!;
            Assert.True(meeting.Date <= look);
            Assert.True(Period.DaysBetween(meeting.NoticeDate, meeting.Date) >= LegalMinimums.NoticeDays);
            var proposal = meeting.Proposals.Single(p => p.Id == inForce.ProposalId);
            if (AlvRules.IsSameMeetingCorrection(proposal, meeting.Id))
            {
                Assert.True(AmsterdamTime.DateOf(proposal.Closed!.ClosedAt) <= look);
                Assert.True(AmsterdamTime.DateOf(proposal.Closed.ClosedAt) <= AlvRules.RecountUntil(meeting));
                Assert.True(proposal.Count.Tally is not null || proposal.Count.Ballots > 0);
            }
            Assert.Equal(closedOn is { } c && c <= look ? "herstel" : "besluit", inForce.ProposalId);
        });
}
