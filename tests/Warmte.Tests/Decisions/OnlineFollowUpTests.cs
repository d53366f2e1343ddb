using NodaTime;
using Warmte.Alv;
using Warmte.Voting;

namespace Warmte.Tests.Decisions;

/// <summary>
/// The outbox of a meeting correction (alvfix item 1): a new date or a removal puts the meeting's online follow-up in the same
/// record the correction commits; applying it takes it off once; and the online voting's follow-up itself changes nothing the
/// second time, so a follow-up sent again after a crash or a failure cannot move or cancel anything twice. Also item 5:
/// a proposal that carried the meeting title follows a corrected meeting title.
/// </summary>
public sealed class OnlineFollowUpTests
{
    private static readonly LocalDate Today = new(2027, 3, 20);
    private static readonly Instant Now = Instant.FromUtc(2027, 3, 20, 10, 0);

    private static AlvRecord WithMeeting()
    {
        var created = AlvRules.CreateMeeting(AlvRecord.Empty, new CreateMeeting
        {
            Id = "alv", Title = "ALV", Date = new LocalDate(2027, 4, 10), NoticeDate = new LocalDate(2027, 3, 1),
            Proposals = [new ProposalInput { Id = "jaarplan", Title = "Jaarplan", DecisionType = "Overig" }],
        }, Today, "bestuur", Now, new LocalDate(2020, 1, 1));
        Assert.True(created.IsOk);
        return created.Value!.Value;
    }

    [Fact]
    public void A_new_date_or_a_removal_puts_the_follow_up_in_the_committed_record_a_title_does_not()
    {
        var record = WithMeeting();
        Assert.Empty(record.OnlineFollowUps);

        var moved = AlvRules.UpdateMeeting(record, "alv", new UpdateMeeting { Date = new LocalDate(2027, 4, 17) }, Today, false, null);
        Assert.Equal(["alv"], moved.Value!.Value.OnlineFollowUps.ToArray());

        var retitled = AlvRules.UpdateMeeting(record, "alv", new UpdateMeeting { Title = "Voorjaars-ALV" }, Today, false, null);
        Assert.Empty(retitled.Value!.Value.OnlineFollowUps);

        var deleted = AlvRules.DeleteMeeting(record, "alv", false);
        Assert.Equal(["alv"], deleted.Value!.Value.OnlineFollowUps.ToArray());

        // Moved twice before the follow-up ran: still one follow-up (it applies the meeting as it is then).
        var twice = AlvRules.UpdateMeeting(moved.Value!.Value, "alv", new UpdateMeeting { Date = new LocalDate(2027, 4, 24) }, Today, false, null);
        Assert.Equal(["alv"], twice.Value!.Value.OnlineFollowUps.ToArray());
    }

    [Fact]
    public void A_meeting_under_the_id_of_a_removed_one_waits_until_its_online_voting_has_lapsed()
    {
        var deleted = AlvRules.DeleteMeeting(WithMeeting(), "alv", false).Value!.Value;
        var command = new CreateMeeting
        {
            Id = "alv", Title = "ALV", Date = new LocalDate(2027, 4, 10), NoticeDate = new LocalDate(2027, 3, 1),
            Proposals = [new ProposalInput { Id = "jaarplan", Title = "Jaarplan", DecisionType = "Overig" }],
        };
        var early = AlvRules.CreateMeeting(deleted, command, Today, "bestuur", Now);
        Assert.Equal("online-follow-up-pending", early.Refusal!.Code);
        Assert.True(AlvRules.CreateMeeting(AlvRules.OnlineFollowedUp(deleted, "alv"), command, Today, "bestuur", Now).IsOk);
    }

    [Fact]
    public void Applied_takes_the_follow_up_off_once_and_a_second_report_changes_nothing()
    {
        var pending = AlvRules.WithOnlineFollowUp(WithMeeting(), "alv");
        var done = AlvRules.OnlineFollowedUp(pending, "alv");
        Assert.Empty(done.OnlineFollowUps);
        Assert.Same(done, AlvRules.OnlineFollowedUp(done, "alv"));
    }

    private static OnlineVoting Planned(LocalDate opens, LocalDate meetingDate) => new()
    {
        CooperativeId = "coop", MeetingId = "alv", Proposals = [], Opens = opens, MeetingDate = meetingDate,
        OpenedBy = "bestuur", OpenedAt = Now,
    };

    private static Meeting MeetingOn(LocalDate date) => WithMeeting().Meetings[0] with { Date = date };

    [Fact]
    public void The_online_voting_follows_a_date_that_fits_lapses_otherwise_and_a_second_run_changes_nothing()
    {
        var voting = Planned(new LocalDate(2027, 3, 25), new LocalDate(2027, 4, 10));

        // To 17-04: online voting may start from 18-03, the planned 25-03 fits.
        var later = MeetingOn(new LocalDate(2027, 4, 17));
        var moved = OnlineVotingRules.AfterMeetingChange(voting, later, new OnlineWindow(new LocalDate(2027, 3, 18), later.Date), codesIssued: false);
        Assert.NotNull(moved);
        Assert.Equal(new LocalDate(2027, 4, 17), moved.Next!.MeetingDate);
        Assert.Equal("online.moved", moved.Action);
        Assert.Contains("volgt de nieuwe vergaderdatum 17-04-2027", moved.Summary);
        Assert.Null(OnlineVotingRules.AfterMeetingChange(moved.Next, later, new OnlineWindow(new LocalDate(2027, 3, 18), later.Date), false));

        // To 01-05: the window starts on 01-04, so a voting planned from 25-03 lapses.
        var far = MeetingOn(new LocalDate(2027, 5, 1));
        var lapsed = OnlineVotingRules.AfterMeetingChange(voting, far, new OnlineWindow(new LocalDate(2027, 4, 1), far.Date), codesIssued: false);
        Assert.NotNull(lapsed);
        Assert.Null(lapsed.Next);
        Assert.Equal("online.cancelled", lapsed.Action);
        Assert.Contains("is vervallen: de eerste stemdag 25-03-2027 past niet bij de nieuwe vergaderdatum 01-05-2027", lapsed.Summary);
        Assert.Null(OnlineVotingRules.AfterMeetingChange(lapsed.Next, far, null, false));

        // Removed with the meeting.
        var removed = OnlineVotingRules.AfterMeetingChange(voting, null, null, codesIssued: false);
        Assert.Null(removed!.Next);
        Assert.Contains("vervallen met de vergadering", removed.Summary);

        // Unchanged date: nothing to do.
        Assert.Null(OnlineVotingRules.AfterMeetingChange(voting, MeetingOn(new LocalDate(2027, 4, 10)), null, false));
    }

    [Fact]
    public void Item5_a_proposal_that_carried_the_meeting_title_follows_a_corrected_meeting_title_others_keep_theirs()
    {
        var created = AlvRules.CreateMeeting(AlvRecord.Empty, new CreateMeeting
        {
            Id = "alv", Title = "ALV realisatiebesluti", Date = new LocalDate(2027, 4, 10), NoticeDate = new LocalDate(2027, 3, 1),
            Proposals =
            [
                new ProposalInput { Id = "realisatie", Title = "ALV realisatiebesluti", DecisionType = "Overig" },
                new ProposalInput { Id = "begroting", Title = "Begroting 2027", DecisionType = "Overig" },
            ],
        }, Today, "bestuur", Now, new LocalDate(2020, 1, 1));
        var changed = AlvRules.UpdateMeeting(created.Value!.Value, "alv", new UpdateMeeting { Title = "ALV realisatiebesluit" }, Today, false, null);
        Assert.True(changed.IsOk);
        var meeting = changed.Value!.Value.Meetings.Single();
        Assert.Equal("ALV realisatiebesluit", meeting.Title);
        Assert.Equal(["ALV realisatiebesluit", "Begroting 2027"], meeting.Proposals.Select(p => p.Title).ToArray());
        Assert.Equal("ALV 'alv' gecorrigeerd: titel 'ALV realisatiebesluti' → 'ALV realisatiebesluit' (ook van voorstel 'realisatie', dat de titel van de vergadering had).",
            changed.Value.Summary);
    }
}
