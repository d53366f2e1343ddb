using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using Warmte.Alv;
using Warmte.Audit;
using Warmte.Common;

namespace Warmte.Tests.Decisions;

/// <summary>
/// Tester T6: a wrongly dated meeting could never be fixed (the founding-date refusal said "corrigeer eerst die
/// vergadering", but nothing could). A meeting on which nothing is recorded may be corrected or removed, by the date
/// rules of creating one; and a notice sent before the founding is refused at creation too (it was accepted).
/// </summary>
public sealed class MeetingCorrectionTests
{
    private static readonly LocalDate Founded = new(2024, 5, 1);
    private static readonly LocalDate Today = new(2026, 12, 7);
    private static readonly Instant Now = Instant.FromUtc(2026, 12, 7, 10, 0);

    private static Outcome<Change<AlvRecord>> Create(AlvRecord record, string id, LocalDate date, LocalDate notice, string type = "Overig") =>
        AlvRules.CreateMeeting(record, new CreateMeeting
        {
            Id = id, Title = "ALV", Date = date, NoticeDate = notice,
            Proposals = [new ProposalInput { Id = "begroting", Title = "Begroting", DecisionType = type }],
        }, Today, "bestuur", Now, Founded);

    private static AlvRecord WithMeeting(LocalDate date, LocalDate notice, string type = "Overig")
    {
        var created = Create(AlvRecord.Empty, "alv", date, notice, type);
        Assert.True(created.IsOk, Describe(created.Refusal));
        return created.Value!.Value;
    }

    private static string Describe(Refusal? refusal) =>
        refusal is null ? "" : refusal.Message + " " + string.Join("; ", refusal.Errors.Select(e => e.Field + ": " + e.Reason));

    private static Outcome<Change<AlvRecord>> Update(AlvRecord record, LocalDate? date = null, LocalDate? notice = null, string? title = null, bool online = false) =>
        AlvRules.UpdateMeeting(record, "alv", new UpdateMeeting { Date = date, NoticeDate = notice, Title = title }, Today, online, Founded);

    [Fact]
    public void A_notice_before_the_founding_is_refused_at_creation_T6()
    {
        // The tester's case: founded 01-05-2024, meeting 20-05-2024, "called" 01-01-2024.
        var created = Create(AlvRecord.Empty, "alv", new LocalDate(2024, 5, 20), new LocalDate(2024, 1, 1));
        Assert.False(created.IsOk);
        var error = Assert.Single(created.Refusal!.Errors);
        Assert.Equal("noticeDate", error.Field);
        Assert.Contains("01-01-2024 ligt vóór de oprichting van de coöperatie op 01-05-2024", error.Reason);
        // Called on the founding day itself is fine (19 days ahead).
        Assert.True(Create(AlvRecord.Empty, "alv", new LocalDate(2024, 5, 20), Founded).IsOk);
    }

    [Fact]
    public void An_empty_meeting_gets_new_dates_and_title_and_the_audit_summary_names_old_and_new()
    {
        var record = WithMeeting(new LocalDate(2024, 5, 20), new LocalDate(2024, 5, 1));
        var updated = Update(record, date: new LocalDate(2024, 6, 20), notice: new LocalDate(2024, 6, 1), title: "Voorjaars-ALV");
        Assert.True(updated.IsOk, Describe(updated.Refusal));
        var meeting = AlvRules.Find(updated.Value!.Value, "alv")!;
        Assert.Equal(new LocalDate(2024, 6, 20), meeting.Date);
        Assert.Equal(new LocalDate(2024, 6, 1), meeting.NoticeDate);
        Assert.Equal("Voorjaars-ALV", meeting.Title);
        Assert.Equal("begroting", Assert.Single(meeting.Proposals).Id);
        Assert.Equal("alv.meeting-updated", updated.Value.Action);
        Assert.Equal("ALV 'alv' gecorrigeerd: titel 'ALV' → 'Voorjaars-ALV'; datum 20-05-2024 → 20-06-2024; oproep 01-05-2024 → 01-06-2024.", updated.Value.Summary);

        // Only the notice date: the date stays.
        var onlyNotice = Update(record, notice: new LocalDate(2024, 5, 2));
        Assert.True(onlyNotice.IsOk, Describe(onlyNotice.Refusal));
        Assert.Equal(new LocalDate(2024, 5, 20), AlvRules.Find(onlyNotice.Value!.Value, "alv")!.Date);

        // The same values again change nothing (the grain then stores nothing: the record is the same object).
        Assert.Same(record, Update(record, date: new LocalDate(2024, 5, 20)).Value!.Value);
    }

    [Fact]
    public void A_correction_is_held_to_the_dates_rules_of_creation()
    {
        var record = WithMeeting(new LocalDate(2024, 5, 20), new LocalDate(2024, 5, 1));
        void Refused(Outcome<Change<AlvRecord>> outcome, string field, string text)
        {
            Assert.False(outcome.IsOk);
            Assert.Equal(RefusalKind.Invalid, outcome.Refusal!.Kind);
            var error = Assert.Single(outcome.Refusal.Errors);
            Assert.Equal(field, error.Field);
            Assert.Contains(text, error.Reason);
        }
        var both = Update(record, date: new LocalDate(2024, 4, 30), notice: new LocalDate(2024, 4, 1));
        Assert.Equal(["date", "noticeDate"], both.Refusal!.Errors.Select(e => e.Field));
        Assert.Contains("30-04-2024 ligt vóór de oprichting van de coöperatie op 01-05-2024", both.Refusal.Errors[0].Reason);
        Assert.Contains("01-04-2024 ligt vóór de oprichting van de coöperatie op 01-05-2024", both.Refusal.Errors[1].Reason);
        Refused(Update(record, notice: new LocalDate(2024, 4, 30)), "noticeDate", "30-04-2024 ligt vóór de oprichting");
        Refused(Update(record, notice: new LocalDate(2024, 5, 21)), "noticeDate", "ligt na de vergaderdatum");
        Refused(Update(record, date: new LocalDate(2027, 1, 20), notice: new LocalDate(2026, 12, 8)), "noticeDate", "ligt in de toekomst");
        // 20-05 minus 14-05 is 6 days; the law (and these statutes) ask 7.
        Refused(Update(record, notice: new LocalDate(2024, 5, 14)), "noticeDate", "zitten 6 dagen; voorstel 'begroting' (besluit van de soort Overig) vraagt er minstens 7");
        Assert.True(Update(record, notice: new LocalDate(2024, 5, 13)).IsOk);
        Refused(Update(record, title: " "), "title", "");
        Assert.Equal(RefusalKind.NotFound, AlvRules.UpdateMeeting(record, "alv-2", new UpdateMeeting { Title = "X" }, Today, false, Founded).Refusal!.Kind);
        Refused(AlvRules.UpdateMeeting(record, "alv", new UpdateMeeting(), Today, false, Founded), "body", "title, date of noticeDate");
    }

    public static TheoryData<string, Func<Meeting, Meeting>, bool, string> Recorded() => new()
    {
        { "attendance", m => m with { PresentCount = 2 }, false, "een presentielijst (2 leden)" },
        { "ballots", m => m with { Proposals = [m.Proposals[0] with { Count = m.Proposals[0].Count with { Ballots = 1 } }] }, false, "1 stem op voorstel 'begroting'" },
        { "tally", m => m with { Proposals = [m.Proposals[0] with { Count = m.Proposals[0].Count with { TallyVersion = 1, Tally = new TallySummary { For = 1, Against = 0, Abstain = 0, PresentCount = 1, ProxyCount = 0, RecordedBy = "b", RecordedAt = Now } } }] }, false, "een telling van voorstel 'begroting'" },
        { "online codes issued", m => m, true, "uitgegeven stemcodes voor online stemmen" },
        { "online voters", m => m with { OnlineVoters = 1 }, false, "online stemmen van 1 lid" },
    };

    [Theory]
    [MemberData(nameof(Recorded))]
    public void Once_anything_is_recorded_the_meeting_is_neither_moved_nor_removed_and_the_409_names_it(string what, Func<Meeting, Meeting> recorded, bool online, string named)
    {
        var empty = WithMeeting(new LocalDate(2024, 5, 20), new LocalDate(2024, 5, 1));
        var meeting = recorded(AlvRules.Find(empty, "alv")!);
        var record = empty with { Meetings = [meeting] };
        var update = Update(record, date: new LocalDate(2024, 5, 27), online: online);
        var delete = AlvRules.DeleteMeeting(record, "alv", online);
        foreach (var refusal in new[] { update.Refusal, delete.Refusal })
        {
            Assert.True(refusal is not null, what);
            Assert.Equal(RefusalKind.Conflict, refusal!.Kind);
            Assert.Equal("meeting-has-records", refusal.Code);
            Assert.Contains("Op vergadering 'alv' van 20-05-2024 is al vastgelegd: " + named, refusal.Message);
        }
        Assert.Contains("De datum of oproepdatum wijzigen kan alleen zolang er niets op is vastgelegd. De titel corrigeren kan wel", update.Refusal!.Message);
        Assert.Contains("De vergadering verwijderen kan alleen", delete.Refusal!.Message);
        Assert.Equal("meeting-has-records", Update(record, notice: new LocalDate(2024, 4, 30), online: online).Refusal?.Code);

        // Tester6 T12: a title changes no count, so it is corrected whatever is recorded; a date given unchanged is no date change.
        var retitled = Update(record, title: "ALV 20 mei 2024", date: new LocalDate(2024, 5, 20), online: online);
        Assert.True(retitled.IsOk, what + ": " + Describe(retitled.Refusal));
        var after = AlvRules.Find(retitled.Value!.Value, "alv")!;
        Assert.Equal(("ALV 20 mei 2024", new LocalDate(2024, 5, 20), new LocalDate(2024, 5, 1)), (after.Title, after.Date, after.NoticeDate));
        Assert.Equal(meeting.Proposals[0].Count, after.Proposals[0].Count);
        Assert.Equal(meeting.PresentCount, after.PresentCount);
        Assert.Equal("ALV 'alv' gecorrigeerd: titel 'ALV' → 'ALV 20 mei 2024'.", retitled.Value.Summary);
    }

    [Fact]
    public void A_title_is_corrected_after_the_close_and_a_proposal_with_the_meeting_title_follows_T12()
    {
        var created = AlvRules.CreateMeeting(AlvRecord.Empty, new CreateMeeting
        {
            Id = "alv", Title = "ALV 7 decmber", Date = new LocalDate(2024, 5, 20), NoticeDate = new LocalDate(2024, 5, 1),
            Proposals = [new ProposalInput { Id = "tarief", Title = "ALV 7 decmber", DecisionType = "Overig" }, new ProposalInput { Id = "begroting", Title = "Begroting", DecisionType = "Overig" }],
        }, Today, "bestuur", Now, Founded).Value!.Value;
        var closedDecision = new ClosedDecision { Result = default!, ClosedBy = "b", ClosedAt = Now };
        var record = created with { Meetings = [created.Meetings[0] with { PresentCount = 3, Proposals = [.. created.Meetings[0].Proposals.Select(p => p with { Closed = closedDecision })] }] };
        // The statutes asked 7 days' notice then; now they ask 30 for Overig. The stored dates are history, not judged again for a title.
        record = record with { Statutes = AlvRules.SetStatutes(record, new SetStatutes { Default = new DecisionRuleInput { MinimumNoticeDays = 30 } }).Value!.Value.Statutes };

        var retitled = Update(record, title: "ALV 7 december");
        Assert.True(retitled.IsOk, Describe(retitled.Refusal));
        var meeting = AlvRules.Find(retitled.Value!.Value, "alv")!;
        Assert.Equal(["ALV 7 december", "Begroting"], meeting.Proposals.Select(p => p.Title));
        Assert.All(meeting.Proposals, p => Assert.Same(closedDecision, p.Closed));
        Assert.Equal("ALV 'alv' gecorrigeerd: titel 'ALV 7 decmber' → 'ALV 7 december' (ook van voorstel 'tarief', dat de titel van de vergadering had).", retitled.Value.Summary);
        Assert.Empty(retitled.Value.Value.OnlineFollowUps.IsDefault ? [] : retitled.Value.Value.OnlineFollowUps);
        // The dates stay blocked.
        Assert.Equal("meeting-has-records", Update(record, title: "ALV 7 december", date: new LocalDate(2024, 5, 21)).Refusal?.Code);
    }

    [Fact]
    public void A_closed_proposal_blocks_too_and_an_empty_meeting_is_removed_with_its_proposals()
    {
        var empty = WithMeeting(new LocalDate(2024, 5, 20), new LocalDate(2024, 5, 1));
        var other = Create(empty, "alv-2", new LocalDate(2024, 9, 20), new LocalDate(2024, 9, 1)).Value!.Value;
        var closed = other with
        {
            Meetings = [other.Meetings[0] with { Proposals = [other.Meetings[0].Proposals[0] with { Closed = new ClosedDecision { Result = default!, ClosedBy = "b", ClosedAt = Now } }] }, other.Meetings[1]],
        };
        Assert.Contains("een besluit op voorstel 'begroting' (gesloten)", AlvRules.DeleteMeeting(closed, "alv", false).Refusal!.Message);

        var removed = AlvRules.DeleteMeeting(other, "alv", false);
        Assert.True(removed.IsOk);
        Assert.Equal(["alv-2"], removed.Value!.Value.Meetings.Select(m => m.Id));
        Assert.Equal("alv.meeting-deleted", removed.Value.Action);
        Assert.Equal("ALV 'alv' van 20-05-2024 (opgeroepen 01-05-2024, 1 voorstel: begroting) verwijderd.", removed.Value.Summary);
        Assert.Equal(RefusalKind.NotFound, AlvRules.DeleteMeeting(removed.Value.Value, "alv", false).Refusal!.Kind);
        // The id is free again once the removal's online follow-up has run (alvfix: until then a planned online voting
        // of the removed meeting could pass to the new one): the meeting can be entered anew with the right dates.
        Assert.Equal("online-follow-up-pending", Create(removed.Value.Value, "alv", new LocalDate(2024, 6, 20), new LocalDate(2024, 6, 1)).Refusal!.Code);
        Assert.True(Create(AlvRules.OnlineFollowedUp(removed.Value.Value, "alv"), "alv", new LocalDate(2024, 6, 20), new LocalDate(2024, 6, 1)).IsOk);
    }

    /// <summary>
    /// For any new date and notice date (around the founding and today): the correction of an empty meeting is
    /// accepted exactly when the meeting is on or after the founding, and the notice on or after the founding, on or
    /// before today and at least the statutes' notice period (Realisatiebesluit here: 14 days) before the meeting.
    /// </summary>
    [Property(MaxTest = 300)]
    public Property A_correction_is_accepted_exactly_when_the_dates_are_lawful() =>
        Prop.ForAll((from dateOffset in Gen.Choose(-40, 1000)
                     from noticeDays in Gen.Choose(-5, 40)
                     select (dateOffset, noticeDays)).ToArbitrary(), input =>
        {
            var statutes = AlvRules.SetStatutes(AlvRecord.Empty, new SetStatutes
            {
                Overrides = [new DecisionRuleInput { DecisionType = "Realisatiebesluit", MinimumNoticeDays = 14 }],
            });
            Assert.True(statutes.IsOk, Describe(statutes.Refusal));
            var created = AlvRules.CreateMeeting(statutes.Value!.Value, new CreateMeeting
            {
                Id = "alv", Title = "ALV", Date = new LocalDate(2025, 6, 20), NoticeDate = new LocalDate(2025, 6, 1),
                Proposals = [new ProposalInput { Id = "besluit", Title = "Besluit", DecisionType = "Realisatiebesluit", ProjectId = "wg-terrein" }],
            }, Today, "bestuur", Now, Founded);
            Assert.True(created.IsOk, Describe(created.Refusal));
            var date = Founded.PlusDays(input.dateOffset);
            var notice = date.PlusDays(-input.noticeDays);
            var expected = date >= Founded && notice >= Founded && notice <= Today && input.noticeDays >= 14;
            var outcome = AlvRules.UpdateMeeting(created.Value!.Value, "alv", new UpdateMeeting { Date = date, NoticeDate = notice }, Today, false, Founded);
            Assert.True(expected == outcome.IsOk, $"{date} / {notice}: {Describe(outcome.Refusal)}");
            if (outcome.IsOk)
            {
                var meeting = AlvRules.Find(outcome.Value!.Value, "alv")!;
                Assert.Equal((date, notice), (meeting.Date, meeting.NoticeDate));
            }
            else Assert.All(outcome.Refusal!.Errors, e => Assert.Contains(e.Field, new[] { "date", "noticeDate" }));
        });

    [Fact]
    public void An_invalid_proposal_id_is_explained_with_a_proposal_like_example_T10i()
    {
        var record = WithMeeting(new LocalDate(2024, 5, 20), new LocalDate(2024, 5, 1));
        var added = AlvRules.AddProposal(record, "alv", new ProposalInput { Id = "Nieuw Voorstel", Title = "X", DecisionType = "Overig" }, new LocalDate(2024, 5, 10));
        var error = Assert.Single(added.Refusal!.Errors);
        Assert.Equal("body.id", error.Field);
        Assert.Contains("(bijv. 'realisatiebesluit')", error.Reason);
        Assert.DoesNotContain("ketelhuiswg", error.Reason);
        var meeting = Create(AlvRecord.Empty, "ALV 2024", new LocalDate(2024, 5, 20), new LocalDate(2024, 5, 1));
        Assert.Contains("(bijv. 'alv-2024-12-14')", Assert.Single(meeting.Refusal!.Errors).Reason);
    }
}
