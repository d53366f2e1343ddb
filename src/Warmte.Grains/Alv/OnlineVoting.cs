using NodaTime;
using Warmte.Common;

namespace Warmte.Alv;

/// <summary>The days on which members may vote online on a meeting's proposals (inclusive).</summary>
[GenerateSerializer, Immutable]
public sealed record OnlineWindow([property: Id(0)] LocalDate Opens, [property: Id(1)] LocalDate Closes);

public static partial class AlvRules
{
    /// <summary>BW 2:38a lid 3: electronic votes cast before the meeting count from the 30th day before it.</summary>
    public const int AdvanceVotingDays = 30;

    /// <summary>
    /// When members may vote online on <paramref name="meeting"/>'s proposals: from the 30th day before
    /// the meeting (not before the notice went out) until the meeting day, when the proposal is closed.
    /// Null when the statutes do not allow electronic voting.
    /// </summary>
    public static OnlineWindow? OnlineVotingWindow(Statutes statutes, Meeting meeting)
    {
        if (!statutes.Electronic.AdvanceVotingAllowed) return null;
        var earliest = meeting.Date.PlusDays(-AdvanceVotingDays);
        return new OnlineWindow(earliest > meeting.NoticeDate ? earliest : meeting.NoticeDate, meeting.Date);
    }

    /// <summary>A refusal when an online vote is not allowed on <paramref name="today"/>; null when it is.</summary>
    public static Refusal? OnlineVoteAllowed(Statutes statutes, Meeting meeting, LocalDate today)
    {
        if (OnlineVotingWindow(statutes, meeting) is not { } window)
            return Refusal.Conflict("online-voting-off", "De statuten staan elektronisch stemmen niet toe (BW 2:38a); stem op de vergadering of geef een volmacht.");
        if (today < window.Opens)
            return Refusal.Conflict("online-voting-not-open", $"Online stemmen kan vanaf {DutchFormat.Date(window.Opens)} (30 dagen voor de vergadering van {DutchFormat.Date(meeting.Date)}).");
        if (today > window.Closes)
            return Refusal.Conflict("online-voting-closed", $"Online stemmen kon tot en met {DutchFormat.Date(window.Closes)}.");
        return null;
    }
}
