using NodaTime;
using Warmte.Audit;
using Warmte.Common;

namespace Warmte.Alv;

/// <summary>A correction of a meeting as entered (tester T6): fields left out stay as they are.</summary>
[GenerateSerializer, Immutable]
public sealed record UpdateMeeting
{
    [Id(0)] public string? Title { get; init; }
    [Id(1)] public LocalDate? Date { get; init; }
    [Id(2)] public LocalDate? NoticeDate { get; init; }
}

public static partial class AlvRules
{
    /// <summary>
    /// What has been recorded on a meeting, in Dutch, one phrase each; empty when nothing. A meeting with
    /// nothing recorded is still only an entry in the agenda: its dates may be corrected and it may be
    /// removed. Once anything is recorded, the attendance, ballots and counts were taken against that date.
    /// </summary>
    /// <param name="onlineCodesIssued">
    /// Whether voting codes were issued for the meeting (kept by the online voting grain): members hold a letter or mail
    /// for this meeting. Online voting that is only planned (opened, no codes, no ballots) records nothing (tester5 T6).
    /// </param>
    public static IReadOnlyList<string> RecordedOn(Meeting meeting, bool onlineCodesIssued)
    {
        var recorded = new List<string>();
        if (meeting.PresentCount > 0 || !meeting.Present.IsDefaultOrEmpty)
            recorded.Add($"een presentielijst ({meeting.PresentCount} {DutchFormat.Noun(meeting.PresentCount, "lid", "leden")})");
        if (onlineCodesIssued) recorded.Add("uitgegeven stemcodes voor online stemmen (leden hebben een brief of mail voor deze vergadering)");
        if (meeting.OnlineVoters > 0) recorded.Add($"online stemmen van {meeting.OnlineVoters} {DutchFormat.Noun(meeting.OnlineVoters, "lid", "leden")}");
        foreach (var p in meeting.Proposals)
        {
            var ballots = Math.Max(p.Count.Ballots, p.Ballots.IsDefaultOrEmpty ? 0 : p.Ballots.Length);
            if (ballots > 0) recorded.Add($"{ballots} {DutchFormat.Noun(ballots, "stem", "stemmen")} op voorstel '{p.Id}'");
            if (p.Count.Tally is not null || p.Tally is not null || p.Count.TallyVersion > 0) recorded.Add($"een telling van voorstel '{p.Id}'");
            if (p.Closed is not null) recorded.Add($"een besluit op voorstel '{p.Id}' (gesloten)");
        }
        return recorded;
    }

    private static Refusal HasRecords(Meeting meeting, IReadOnlyList<string> recorded, string what, string also = "") =>
        Refusal.Conflict("meeting-has-records",
            $"Op vergadering '{meeting.Id}' van {DutchFormat.Date(meeting.Date)} is al vastgelegd: {string.Join(", ", recorded)}. "
            + $"{what} kan alleen zolang er niets op is vastgelegd.{also}"
            + (meeting.Proposals.Any(p => p.Closed is not null) ? " Een besluit dat niet klopt, corrigeer je met een nieuw voorstel (corrects)." : ""));

    /// <summary>
    /// Corrects the title, date or notice date of a meeting. New dates only while nothing has been recorded on it, by the
    /// same date rules as <see cref="CreateMeeting"/>: the date not before the founding, the notice not before the founding,
    /// not in the future, not after the date, and long enough for every proposal on the agenda. The title at any time
    /// (tester6 T12): the audit row names the old and the new title.
    /// </summary>
    public static Outcome<Change<AlvRecord>> UpdateMeeting(AlvRecord record, string meetingId, UpdateMeeting? command, LocalDate today,
        bool onlineCodesIssued, LocalDate? foundedOn)
    {
        if (Find(record, meetingId) is not { } meeting) return Refusal.NotFound("Vergadering", meetingId);
        if (command is null || (command.Title is null && command.Date is null && command.NoticeDate is null))
            return Refusal.Invalid("body", "geef minstens één van title, date of noticeDate.");
        var date = command.Date ?? meeting.Date;
        var notice = command.NoticeDate ?? meeting.NoticeDate;
        // Only the dates are what attendance, eligibility and ballots were judged against, and what letters and mails named;
        // a title changes no count, so it may be corrected at any time (tester6 T12). A date given unchanged is no change.
        var datesChange = date != meeting.Date || notice != meeting.NoticeDate;
        if (datesChange && RecordedOn(meeting, onlineCodesIssued) is { Count: > 0 } recorded)
            return HasRecords(meeting, recorded, "De datum of oproepdatum wijzigen", " De titel corrigeren kan wel (alleen title).");
        var v = new Validation();
        var title = command.Title is null ? meeting.Title : v.Text("title", command.Title);
        // A title-only correction is not judged by today's date rules: the statutes may ask a longer notice since the meeting.
        if (datesChange) CheckMeetingDates(v, record, meeting.Proposals, date, notice, today, foundedOn);
        // Only the date given (tester5 T10a): a clash with the stored notice date is the new date's fault, so it is
        // reported under date, not under noticeDate, which the user did not touch.
        if (command.NoticeDate is null && command.Date is not null && v.Errors.Any(e => e.Field == "noticeDate"))
        {
            var moved = new Validation();
            foreach (var e in v.Errors)
                moved.Add(e.Field == "noticeDate" ? "date" : e.Field,
                    e.Field != "noticeDate" ? e.Reason
                    : notice > date ? $"{DutchFormat.Date(date)} ligt vóór de oproep van {DutchFormat.Date(notice)} (de opgeslagen oproepdatum); kies een latere datum, of corrigeer ook de oproepdatum (noticeDate)."
                    : $"{e.Reason} (De oproepdatum {DutchFormat.Date(notice)} is de opgeslagen; corrigeer die zo nodig ook met noticeDate.)");
            v = moved;
        }
        if (meeting.SecondMeetingOf is { } first && record.Meetings.FirstOrDefault(m => m.Id == first) is { } earlier && earlier.Date >= date)
            v.Add("date", $"een tweede vergadering volgt op de eerste ('{first}' op {DutchFormat.Date(earlier.Date)}).");
        if (v.HasErrors) return v.ToRefusal();
        // A proposal titled as the meeting got that title as a copy (warmte alv create's default when no --proposal-title
        // is given): it follows a corrected meeting title, so alv show does not go on showing the old one under the new.
        var retitled = title == meeting.Title ? [] : meeting.Proposals.Where(p => p.Title == meeting.Title).Select(p => p.Id).ToList();
        var proposals = retitled.Count == 0 ? meeting.Proposals : [.. meeting.Proposals.Select(p => p.Title == meeting.Title ? p with { Title = title } : p)];
        var updated = meeting with { Title = title, Date = date, NoticeDate = notice, Proposals = proposals };
        if (updated.Title == meeting.Title && updated.Date == meeting.Date && updated.NoticeDate == meeting.NoticeDate) return new Change<AlvRecord>(record, "alv.meeting-updated", "");
        var changes = new List<string>();
        if (title != meeting.Title) changes.Add($"titel '{meeting.Title}' → '{title}'"
            + (retitled.Count == 0 ? "" : (retitled.Count == 1
                ? $" (ook van voorstel '{retitled[0]}', dat de titel van de vergadering had)"
                : $" (ook van de voorstellen {string.Join(", ", retitled.Select(id => $"'{id}'"))}, die de titel van de vergadering hadden)")));
        if (date != meeting.Date) changes.Add($"datum {DutchFormat.Date(meeting.Date)} → {DutchFormat.Date(date)}");
        if (notice != meeting.NoticeDate) changes.Add($"oproep {DutchFormat.Date(meeting.NoticeDate)} → {DutchFormat.Date(notice)}");
        var next = Replace(record, updated);
        // A new date moves or ends a planned online voting: that follow-up is committed with the correction (outbox).
        if (date != meeting.Date) next = WithOnlineFollowUp(next, meetingId);
        return new Change<AlvRecord>(next, "alv.meeting-updated", $"ALV '{meetingId}' gecorrigeerd: {string.Join("; ", changes)}.");
    }

    /// <summary>Removes a meeting on which nothing has been recorded (entered by mistake, or twice).</summary>
    public static Outcome<Change<AlvRecord>> DeleteMeeting(AlvRecord record, string meetingId, bool onlineCodesIssued)
    {
        if (Find(record, meetingId) is not { } meeting) return Refusal.NotFound("Vergadering", meetingId);
        if (RecordedOn(meeting, onlineCodesIssued) is { Count: > 0 } recorded)
            return HasRecords(meeting, recorded, "De vergadering verwijderen");
        // A second meeting names its first one; the first has a closed proposal then, so it never gets here.
        return new Change<AlvRecord>(WithOnlineFollowUp(record with { Meetings = record.Meetings.Remove(meeting) }, meetingId), "alv.meeting-deleted",
            $"ALV '{meetingId}' van {DutchFormat.Date(meeting.Date)} (opgeroepen {DutchFormat.Date(meeting.NoticeDate)}, "
            + $"{meeting.Proposals.Length} {DutchFormat.Noun(meeting.Proposals.Length, "voorstel", "voorstellen")}: {string.Join(", ", meeting.Proposals.Select(p => p.Id))}) verwijderd.");
    }

    /// <summary>The record with <paramref name="meetingId"/> among the meetings whose online voting must still follow a change (once).</summary>
    public static AlvRecord WithOnlineFollowUp(AlvRecord record, string meetingId)
    {
        var pending = record.OnlineFollowUps.IsDefault ? [] : record.OnlineFollowUps;
        return pending.Contains(meetingId) ? record : record with { OnlineFollowUps = pending.Add(meetingId) };
    }

    /// <summary>
    /// The record once the online voting of <paramref name="meetingId"/> has followed the change (it is off the outbox);
    /// <paramref name="record"/> itself when it was not pending (a second run of the same follow-up changes nothing).
    /// </summary>
    public static AlvRecord OnlineFollowedUp(AlvRecord record, string meetingId) =>
        !record.OnlineFollowUps.IsDefaultOrEmpty && record.OnlineFollowUps.Contains(meetingId)
            ? record with { OnlineFollowUps = record.OnlineFollowUps.Remove(meetingId) }
            : record;

    /// <summary>
    /// The founding date's side of the rule <see cref="CheckMeetingDates"/> applies to a meeting (tester T5, T6): a cooperative
    /// founded on <paramref name="founded"/> held no meeting and called none before it, so neither the meeting's date nor its
    /// notice date may lie before it. The Dutch reason for <c>foundedOn</c>, or null when the meeting fits. The notice is never
    /// after the date, so the meeting called first (<see cref="FirstCalled"/>) is the one to judge a founding date against.
    /// </summary>
    public static string? FoundedAfter(LocalDate founded, Meeting meeting) =>
        founded > meeting.Date
            ? $"{DutchFormat.Date(founded)} ligt na de ALV '{meeting.Id}' van {DutchFormat.Date(meeting.Date)}; "
              + $"een coöperatie vergadert niet vóór haar oprichting. Kies {DutchFormat.Date(meeting.NoticeDate)} (de oproep) of eerder, of corrigeer eerst die vergadering."
            : founded > meeting.NoticeDate
                ? $"{DutchFormat.Date(founded)} ligt na de oproep voor de ALV '{meeting.Id}' van {DutchFormat.Date(meeting.Date)}, verstuurd op {DutchFormat.Date(meeting.NoticeDate)}; "
                  + $"een coöperatie die nog niet bestond, roept niemand op. Kies {DutchFormat.Date(meeting.NoticeDate)} of eerder, of corrigeer eerst die vergadering."
                : null;

    /// <summary>The meeting whose notice went out first (then the earliest date): the earliest day any meeting puts the cooperative in existence.</summary>
    public static Meeting? FirstCalled(IEnumerable<Meeting> meetings) =>
        meetings.OrderBy(m => m.NoticeDate).ThenBy(m => m.Date).FirstOrDefault();

    /// <summary>
    /// The date rules of a meeting, shared by creating and correcting it: the date not before the founding; the
    /// notice not before the founding (a cooperative that did not exist called no one), not in the future, not
    /// after the date, and at least the longest notice period the agenda's proposals need.
    /// </summary>
    private static void CheckMeetingDates(Validation v, AlvRecord record, IEnumerable<Proposal> proposals, LocalDate date, LocalDate notice,
        LocalDate today, LocalDate? foundedOn)
    {
        if (foundedOn is { } founded && date < founded)
            v.Add("date", $"{DutchFormat.Date(date)} ligt vóór de oprichting van de coöperatie op {DutchFormat.Date(founded)}; "
                          + "een ALV van een coöperatie die nog niet bestond, besluit niets. Kies een datum op of na de oprichting, of corrigeer eerst de oprichtingsdatum.");
        if (notice > today) v.Add("noticeDate", $"{DutchFormat.Date(notice)} ligt in de toekomst: leg de vergadering vast als de oproep verstuurd is.");
        else if (notice > date) v.Add("noticeDate", $"{DutchFormat.Date(notice)} ligt na de vergaderdatum.");
        else if (foundedOn is { } f && notice < f)
            v.Add("noticeDate", $"{DutchFormat.Date(notice)} ligt vóór de oprichting van de coöperatie op {DutchFormat.Date(f)}; "
                                + "een coöperatie die nog niet bestond, roept niemand op. Kies de datum waarop de oproep verstuurd is.");
        if (v.Errors.Any(e => e.Field is "noticeDate" or "date")) return;
        var shortNotice = proposals
            .Select(p => (p.Id, Type: p.DecisionType, Days: record.EffectiveStatutes.RuleFor(p.DecisionType).MinimumNoticeDays))
            .Where(s => Period.DaysBetween(notice, date) < s.Days)
            .ToList();
        if (shortNotice.Count == 0) return;
        // Too short a notice is a fault of the dates, not of the proposals: one error on noticeDate,
        // naming the proposals and the longest notice they need (tester finding F12).
        var need = shortNotice.Max(s => s.Days);
        var days = Period.DaysBetween(notice, date);
        v.Add("noticeDate",
            $"tussen de oproep ({DutchFormat.Date(notice)}) en de vergadering ({DutchFormat.Date(date)}) {(days == 1 ? "zit" : "zitten")} {days} {DutchFormat.Noun(days, "dag", "dagen")}; "
            + string.Join(", ", shortNotice.Select(s => $"voorstel '{s.Id}' (besluit van de soort {s.Type}) vraagt er minstens {s.Days}"))
            + $" (statuten; de wet vraagt minstens {LegalMinimums.NoticeDays}). Roep eerder op of kies een vergaderdatum op of na {DutchFormat.Date(notice.PlusDays(need))}.");
    }
}
