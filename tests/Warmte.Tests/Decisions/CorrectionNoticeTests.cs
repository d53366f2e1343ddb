using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using Warmte.Alv;
using Warmte.Common;
using Warmte.Gates;
using Warmte.Members;
using Warmte.Projects;

namespace Warmte.Tests.Decisions;

/// <summary>
/// Review2 F1: a correction (<c>corrects</c>) on the same meeting as the decision it corrects is a counting
/// error and needs no notice of its own; a correction placed in another meeting is a new vote — that meeting
/// comes after the corrected decision's meeting and is called with the statutory notice (at least the law's 7
/// days). Review2 F4: a gate decision is judged against the realisatiebesluit in force on its date.
/// </summary>
public sealed class CorrectionNoticeTests
{
    private const string Project = "wg";
    private static readonly LocalDate First = new(2024, 12, 14);
    private static readonly Instant Now = Instant.FromUtc(2024, 12, 14, 10, 0);

    private static readonly ImmutableDictionary<string, Member> Register = new[] { "L-1", "L-2", "L-3" }.ToImmutableDictionary(n => n, n => new Member
    {
        Number = n, Name = "Lid " + n, Category = MemberCategory.EigenaarBewoner, Woningequivalenten = 1,
        Address = new DutchAddress("1054 AB", 1, null), JoinedOn = new LocalDate(2020, 1, 1), EligibleToVote = true,
    });

    private static string Errors(Refusal? r) => r is null ? "" : r.Message + " " + string.Join("; ", r.Errors.Select(e => e.Field + ": " + e.Reason));

    private static Outcome<Audit.Change<AlvRecord>> Create(AlvRecord record, string id, LocalDate date, LocalDate notice, LocalDate today, ProposalInput proposal) =>
        AlvRules.CreateMeeting(record, new CreateMeeting { Id = id, Title = id, Date = date, NoticeDate = notice, Proposals = [proposal] }, today, "bestuur", Now);

    private static ProposalInput Besluit(string id = "besluit", string type = "Realisatiebesluit") =>
        new() { Id = id, Title = id, DecisionType = type, ProjectId = type == "Realisatiebesluit" ? Project : null };

    private static ProposalInput Correction(string id, string corrects) =>
        new() { Id = id, Title = "Correctie", DecisionType = "Realisatiebesluit", ProjectId = Project, Corrects = corrects, CorrectionReason = "opnieuw stemmen" };

    private static AlvRecord Ok(Outcome<Audit.Change<AlvRecord>> o) { Assert.True(o.IsOk, Errors(o.Refusal)); return o.Value!.Value; }

    // The journal's answers travel with each record (the grain reads them from the journal): a recount checks the corrected tally's list.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<AlvRecord, BallotBook> Books = new();
    private static BallotBook Book(AlvRecord record) => Books.TryGetValue(record, out var book) ? book : BallotBook.Empty;

    /// <summary>Tallies and closes a proposal at its meeting: for/against out of the three members.</summary>
    private static AlvRecord Decide(AlvRecord record, string meetingId, string proposalId, int @for, int against, LocalDate today)
    {
        var date = AlvRules.Find(record, meetingId)!.Date;
        var tally = AlvRules.RecordTally(record, meetingId, proposalId,
            new RecordTally { For = @for, Against = against, Abstain = 0, Present = ["L-1", "L-2", "L-3"] },
            MemberRules.Check(Register, ["L-1", "L-2", "L-3"], date), Book(record), today, "bestuur", Now);
        Assert.True(tally.IsOk, Errors(tally.Refusal));
        var book = Book(record).With(tally.Value!.Facts);
        var closed = AlvRules.Close(tally.Value!.Record, meetingId, proposalId, new Electorate(date, 3, 3), book, today, "bestuur", Now);
        Assert.True(closed.IsOk, Errors(closed.Refusal));
        Books.AddOrUpdate(closed.Value!.Record, book.With(closed.Value.Facts));
        return closed.Value!.Record;
    }

    /// <summary>An ALV record with one meeting on <paramref name="date"/> (called 14 days ahead) that decided the project's realisatiebesluit.</summary>
    public static AlvRecord RealisatiebesluitAt(string project, LocalDate date, int @for, int against) =>
        Decide(Ok(Create(AlvRecord.Empty, "alv", date, date.PlusDays(-14), date,
            new ProposalInput { Id = "besluit", Title = "Realisatiebesluit", DecisionType = "Realisatiebesluit", ProjectId = project })), "alv", "besluit", @for, against, date);

    /// <summary>The ALV of 14-12-2024, called 14 days ahead, rejected the realisatiebesluit (1 for, 2 against).</summary>
    private static AlvRecord Rejected() =>
        Decide(Ok(Create(AlvRecord.Empty, "alv", First, First.PlusDays(-14), First, Besluit())), "alv", "besluit", 1, 2, First);

    [Fact]
    public void The_reviewers_case_a_new_meeting_of_corrections_called_the_same_day_is_refused_on_noticeDate()
    {
        var record = Rejected();
        var day = new LocalDate(2025, 1, 5);
        var spoed = Create(record, "spoed", day, day, day, Correction("opnieuw", "alv/besluit"));
        Assert.False(spoed.IsOk);
        var error = Assert.Single(spoed.Refusal!.Errors);
        Assert.Equal("noticeDate", error.Field);
        Assert.Contains("zitten 0 dagen", error.Reason);
        // Called with the law's notice, the same correction is a new vote like any other, and it counts.
        var called = Ok(Create(record, "spoed", day, day.PlusDays(-7), day, Correction("opnieuw", "alv/besluit")));
        var decided = Decide(called, "spoed", "opnieuw", 2, 0, day);
        var inForce = AlvRules.DecisionFor(decided, Project, DecisionType.Realisatiebesluit)!;
        Assert.Equal(("spoed", DecisionOutcome.Aangenomen), (inForce.MeetingId, inForce.Result.Outcome));
    }

    [Fact]
    public void The_reviewers_case_a_correction_filed_into_an_earlier_meeting_is_refused_naming_corrects()
    {
        var earlier = new LocalDate(2024, 6, 1);
        var record = Decide(Ok(Create(AlvRecord.Empty, "alv-a", earlier, earlier.PlusDays(-14), earlier, Besluit("overig", "Overig"))), "alv-a", "overig", 2, 0, earlier);
        var later = new LocalDate(2025, 3, 1);
        record = Decide(Ok(Create(record, "alv-b", later, later.PlusDays(-14), later, Besluit())), "alv-b", "besluit", 1, 2, later);

        var backdated = AlvRules.AddProposal(record, "alv-a", Correction("corr", "alv-b/besluit"), new LocalDate(2025, 4, 1));
        Assert.Equal(RefusalKind.Invalid, backdated.Refusal!.Kind);
        var error = Assert.Single(backdated.Refusal.Errors);
        Assert.Equal("body.corrects", error.Field);
        Assert.Contains("01-03-2025", error.Reason);
        // A new meeting dated before the corrected one is refused the same way.
        var newEarlier = Create(record, "alv-c", new LocalDate(2025, 2, 1), new LocalDate(2025, 1, 1), new LocalDate(2025, 4, 1), Correction("corr", "alv-b/besluit"));
        Assert.Equal(["proposals[0].corrects"], newEarlier.Refusal!.Errors.Select(e => e.Field));
    }

    [Fact]
    public void A_correction_of_another_meeting_cannot_be_added_to_a_meeting_already_held()
    {
        var record = Rejected();
        var held = new LocalDate(2025, 2, 1);
        record = Ok(Create(record, "alv-2", held, held.PlusDays(-14), held.PlusDays(-14), Besluit("overig", "Overig")));
        var late = AlvRules.AddProposal(record, "alv-2", Correction("corr", "alv/besluit"), held.PlusDays(1));
        Assert.Equal("meeting-held", late.Refusal!.Code);
        // Before that meeting it is an agenda item like any other: in time for the notice, it may be added.
        Assert.True(AlvRules.AddProposal(record, "alv-2", Correction("corr", "alv/besluit"), held.PlusDays(-14)).IsOk);
    }

    /// <summary>
    /// Tester5 T2: an item put on the agenda after the notice went out was in no notice the members got; it needs the
    /// notice period from the day it is added. On the meeting day (or 6 days ahead, under the law's 7) it is refused;
    /// 7 days ahead, or on the notice date, it is an agenda item like any other.
    /// </summary>
    [Theory]
    [InlineData(0, false)]
    [InlineData(6, false)]
    [InlineData(7, true)]
    [InlineData(13, true)]
    [InlineData(14, true)]
    public void An_item_added_after_the_notice_needs_the_notice_period_from_the_day_it_is_added(int daysAhead, bool accepted)
    {
        var meetingDay = new LocalDate(2025, 2, 1);
        var record = Ok(Create(AlvRecord.Empty, "alv", meetingDay, meetingDay.PlusDays(-14), meetingDay.PlusDays(-14), Besluit("overig", "Overig")));
        var added = AlvRules.AddProposal(record, "alv", Besluit("realisatie-2"), meetingDay.PlusDays(-daysAhead));
        Assert.Equal(accepted, added.IsOk);
        if (accepted) return;
        var error = Assert.Single(added.Refusal!.Errors);
        Assert.Equal("decisionType", error.Field);
        Assert.Contains("na de oproeping van 18-01-2025", error.Reason);
        Assert.Contains("minstens 7 dagen", error.Reason);
        Assert.Contains(daysAhead == 0 ? "nog 0 dagen" : "nog 6 dagen", error.Reason);
    }

    [Fact]
    public void A_counting_error_is_corrected_on_the_same_meeting_after_it_was_held_without_notice_of_its_own()
    {
        var record = Rejected();
        var fixedUp = AlvRules.AddProposal(record, "alv", Correction("telfout", "alv/besluit"), First.PlusDays(10));
        Assert.True(fixedUp.IsOk, Errors(fixedUp.Refusal));
        Books.AddOrUpdate(fixedUp.Value!.Value, Book(record));
        var decided = Decide(fixedUp.Value!.Value, "alv", "telfout", 2, 1, First.PlusDays(10));
        var inForce = AlvRules.DecisionFor(decided, Project, DecisionType.Realisatiebesluit, First)!;
        Assert.Equal(("telfout", DecisionOutcome.Aangenomen, First), (inForce.ProposalId, inForce.Result.Outcome, inForce.MeetingDate));
    }

    /// <summary>
    /// For any dates of a second meeting and its notice, and any day the correction is entered: the correction of
    /// the rejected decision is accepted exactly when the law allows it, and the decision in force on any day was
    /// taken at a meeting called at least 7 days ahead and held on or before that day, after what it corrects.
    /// </summary>
    [Property(MaxTest = 200)]
    public Property A_decision_in_force_was_taken_at_a_meeting_called_with_the_laws_notice() =>
        Prop.ForAll((from offset in Gen.Choose(-60, 60)
                     from noticeDays in Gen.Choose(0, 14)
                     from lag in Gen.Choose(0, 40)
                     from viaNewMeeting in Gen.Elements(true, false)
                     from asOf in Gen.Choose(-30, 120)
                     select (offset, noticeDays, lag, viaNewMeeting, asOf)).ToArbitrary(), input =>
        {
            var record = Rejected();
            var date = First.PlusDays(input.offset);
            var notice = date.PlusDays(-input.noticeDays);
            // The day the correction is entered: the target is closed then, and the notice was sent.
            var today = LocalDate.Max(First, notice).PlusDays(input.lag);
            bool accepted;
            if (input.viaNewMeeting)
            {
                var created = Create(record, "alv-b", date, notice, today, Correction("corr", "alv/besluit"));
                accepted = created.IsOk;
                Assert.Equal(date > First && input.noticeDays >= LegalMinimums.NoticeDays, accepted);
                if (accepted) record = created.Value!.Value;
            }
            else
            {
                var created = Create(record, "alv-b", date, notice, notice, Besluit("overig", "Overig"));
                Assert.True(input.noticeDays >= LegalMinimums.NoticeDays == created.IsOk, Errors(created.Refusal));
                if (!created.IsOk) return;
                var added = AlvRules.AddProposal(created.Value!.Value, "alv-b", Correction("corr", "alv/besluit"), today);
                accepted = added.IsOk;
                // Added after the notice went out, it needs the notice period from the day it is added (tester5 T2).
                Assert.Equal(date > First && today <= date && (today <= notice || Period.DaysBetween(today, date) >= LegalMinimums.NoticeDays), accepted);
                if (accepted) record = added.Value!.Value;
            }
            if (accepted) record = Decide(record, "alv-b", "corr", 2, 0, LocalDate.Max(today, date));

            var day = First.PlusDays(input.asOf);
            var inForce = AlvRules.DecisionFor(record, Project, DecisionType.Realisatiebesluit, day);
            if (day < First) { Assert.Null(inForce); return; }
            Assert.NotNull(inForce);
            var meeting = AlvRules.Find(record, inForce.MeetingId)!;
            Assert.True(meeting.Date <= day);
            Assert.True(Period.DaysBetween(meeting.NoticeDate, meeting.Date) >= LegalMinimums.NoticeDays);
            if (inForce.Corrects is { } target) Assert.True(meeting.Date > AlvRules.Find(record, target.Split('/')[0])!.Date);
            // Before the correction's meeting the rejection stood; from it on, the correction.
            Assert.Equal(accepted && day >= date ? DecisionOutcome.Aangenomen : DecisionOutcome.Verworpen, inForce.Result.Outcome);
        });

    // ---- F4: the gate is judged against the decision in force on decidedOn ----

    private static ProjectRecord InOntwikkeling()
    {
        var today = new LocalDate(2026, 1, 1);
        var p = ProjectRules.Create("c", new CreateProject { Id = Project, Name = "WG", Woningequivalenten = 100, StartedOn = new LocalDate(2020, 1, 1) }, today, Now).Value!.Value;
        foreach (var (to, keys) in new[]
                 {
                     ("Haalbaarheid", new[] { "bewonersgroep", "intentieverklaring" }),
                     ("Ontwikkeling", new[] { "haalbaarheidsstudie", "schetsontwerp", "eerste-businesscase", "juridische-knelpunten", "ontwikkelfinanciering" }),
                 })
        {
            foreach (var key in keys)
                p = ProjectRules.RecordDeliverable(p, key, new RecordDeliverable { PresentOn = new LocalDate(2020, 1, 1) }, today, "t", Now).Value!.Value;
            p = ProjectRules.Transition(p, new TransitionRequest { To = to, DecidedOn = new LocalDate(2020, 1, 1), DecidedBy = "ALV", Rationale = "ok" }, GateRules.Default, today, "t", Now).Value!.Value;
        }
        return p;
    }

    /// <summary>The realisatiebesluit condition as the project grain judges a Go: the latest decision and the one in force on decidedOn, both from <see cref="AlvRules.DecisionFor"/>.</summary>
    private static ConditionResult GateOn(AlvRecord record, LocalDate decidedOn) =>
        new RealisatiebesluitCondition().Evaluate(new GateContext(InOntwikkeling(), decidedOn, new GateFacts(
            Realisatiebesluit: AlvRules.DecisionFor(record, Project, DecisionType.Realisatiebesluit),
            RealisatiebesluitOnDecisionDate: AlvRules.DecisionFor(record, Project, DecisionType.Realisatiebesluit, decidedOn),
            DecisionDate: decidedOn)));

    [Fact]
    public void A_go_is_judged_against_the_realisatiebesluit_in_force_on_its_date_not_a_later_rejection()
    {
        var adopted = Decide(Ok(Create(AlvRecord.Empty, "alv", First, First.PlusDays(-14), First, Besluit())), "alv", "besluit", 3, 0, First);
        var later = new LocalDate(2025, 3, 1);
        var record = Decide(Ok(Create(adopted, "alv-2025", later, later.PlusDays(-14), later, Besluit("nieuw"))), "alv-2025", "nieuw", 0, 3, later);

        var onTenJanuary = GateOn(record, new LocalDate(2025, 1, 10));
        Assert.True(onTenJanuary.Met, onTenJanuary.Evidence);
        Assert.Contains("ALV 'alv' van 14-12-2024", onTenJanuary.Evidence);
        var afterRejection = GateOn(record, new LocalDate(2025, 3, 2));
        Assert.False(afterRejection.Met);
        Assert.Contains("alv-2025", afterRejection.Evidence);
        // Before any meeting: not yet taken, and not "met from" a rejection.
        var before = GateOn(record, new LocalDate(2024, 12, 1));
        Assert.Equal((false, (LocalDate?)null), (before.Met, before.MetFrom));

        // Through the project's gate rule: a Go on 10-01-2025 passes the realisatiebesluit condition (other conditions
        // of the gate into Realisatie are not met here, so the gate answers with the rest, never with this one).
        var facts = new GateFacts(
            Realisatiebesluit: AlvRules.DecisionFor(record, Project, DecisionType.Realisatiebesluit),
            RealisatiebesluitOnDecisionDate: AlvRules.DecisionFor(record, Project, DecisionType.Realisatiebesluit, new LocalDate(2025, 1, 10)),
            DecisionDate: new LocalDate(2025, 1, 10));
        var go = ProjectRules.Transition(InOntwikkeling(), new TransitionRequest { To = "Realisatie", DecidedOn = new LocalDate(2025, 1, 10), DecidedBy = "ALV", Rationale = "go" },
            GateRules.Default, new LocalDate(2026, 1, 1), "t", Now, facts);
        Assert.DoesNotContain(go.Refusal!.Errors, e => e.Field == "conditions.realisatiebesluit");
    }

    [Fact]
    public void A_rejection_later_overturned_in_a_properly_called_meeting_counts_from_that_meeting()
    {
        var record = Rejected();
        var day = new LocalDate(2025, 2, 1);
        record = Decide(Ok(Create(record, "alv-2", day, day.PlusDays(-14), day, Correction("opnieuw", "alv/besluit"))), "alv-2", "opnieuw", 3, 0, day);
        var tooEarly = GateOn(record, day.PlusDays(-1));
        Assert.Equal((false, (LocalDate?)day), (tooEarly.Met, tooEarly.MetFrom));
        Assert.True(GateOn(record, day).Met);
    }
}
