using System.Collections.Immutable;
using NodaTime;

namespace Warmte.Alv;

/// <summary>How a member counted in a closed proposal's result.</summary>
public enum CountedAs
{
    /// <summary>Their own vote counted (<see cref="CountedAtClose.Channel"/>; through a proxy holder: <see cref="CountedAtClose.Other"/>).</summary>
    Voted,
    /// <summary>They cast the vote of <see cref="CountedAtClose.Other"/> with a proxy, and it counted.</summary>
    ProxyHolder,
    /// <summary>On the meeting's attendance list (present for the quorum) without a vote of their own.</summary>
    Present,
}

/// <summary>One way a member counted in the result of a closed proposal (<see cref="IAlvGrain.CountedAtClosedMeetings"/>).</summary>
[GenerateSerializer, Immutable]
public sealed record CountedAtClose(
    [property: Id(0)] string MeetingId, [property: Id(1)] string ProposalId, [property: Id(2)] CountedAs As,
    [property: Id(3)] BallotChannel? Channel = null, [property: Id(4)] string? Other = null);

public static partial class AlvRules
{
    /// <summary>
    /// What a write-out dated on or before a meeting whose proposals are closed does to their results (tester6 T5): nothing.
    /// A closed result was counted against the register as it was at the close and stands (a closed decision never changes);
    /// only a recount, within <see cref="RecountDays"/> days of the meeting, counts it again, and would leave the member out.
    /// One Dutch sentence per meeting where the member counted, oldest first; empty when none. The recount it suggests is
    /// one the service accepts (<see cref="RecountAdvice"/>); <paramref name="statutes"/> tell which decisions were secret.
    /// </summary>
    public static ImmutableArray<string> ClosedResultsStand(string member, IEnumerable<Meeting> meetings, IEnumerable<CountedAtClose> counted,
        LocalDate today, Statutes? statutes = null)
    {
        var all = meetings.ToList();
        var byMeeting = counted.GroupBy(c => c.MeetingId).ToDictionary(g => g.Key, g => g.ToList());
        var sentences = ImmutableArray.CreateBuilder<string>();
        foreach (var meeting in all.Where(m => byMeeting.ContainsKey(m.Id)).OrderBy(m => m.Date).ThenBy(m => m.Id, StringComparer.Ordinal))
        {
            var here = byMeeting[meeting.Id];
            var votes = here.Where(c => c.As != CountedAs.Present).ToList();
            var what = votes.Count == 0
                ? $"Lid {member} stond op de presentielijst van de ALV van {DutchFormat.Date(meeting.Date)} ('{meeting.Id}') en telde mee als aanwezig"
                : $"Lid {member} stemde op de ALV van {DutchFormat.Date(meeting.Date)} ('{meeting.Id}': {string.Join(", ", votes.Select(How))})";
            var until = RecountUntil(meeting);
            var recount = today <= until
                ? RecountAdvice(meeting, all, here.Select(c => c.ProposalId), statutes, until)
                : $"een hertelling kon tot en met {DutchFormat.Date(until)}, dus de uitslag blijft zoals geteld; een nieuw besluit kan op een volgende ALV.";
            sentences.Add($"{what}; die uitslag blijft staan; {recount}");
        }
        return sentences.ToImmutable();
    }

    /// <summary>
    /// Per counted proposal, the recount that would change what stands: of the decision in force at this meeting. A recount
    /// replaces the decision it corrects, so for a proposal that is (or was replaced by) a recount the next recount corrects
    /// that recount (a recount of a recount is accepted; recounting the replaced decision would change nothing that stands).
    /// A secret ballot with online votes cannot be recounted per member (<c>recount-secret-online</c>), and a decision replaced
    /// by a correction at a later meeting is not changed by a recount here: for those no command is suggested.
    /// </summary>
    private static string RecountAdvice(Meeting meeting, IReadOnlyList<Meeting> all, IEnumerable<string> proposalIds, Statutes? statutes, LocalDate until)
    {
        var commands = new List<string>();
        var notes = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in proposalIds.Distinct(StringComparer.Ordinal))
        {
            if (meeting.Proposals.FirstOrDefault(p => p.Id == id) is not { } counted) continue;
            if (ReplacedBy(all, meeting.Id, id) is { } later && later.Meeting.Id != meeting.Id)
            {
                notes.Add($"'{id}' is al vervangen door het besluit {later.Meeting.Id}/{later.Proposal.Id} van een latere vergadering; een hertelling hier verandert dat niet");
                continue;
            }
            var target = ReplacedBy([meeting], meeting.Id, id)?.Proposal ?? counted;
            if (!seen.Add(target.Id)) continue;
            if (statutes is not null && target.Count.Online > 0 && (target.Rules?.Secret ?? statutes.Electronic.IsSecret(target.DecisionType)))
            {
                notes.Add($"'{target.Id}' is geheim gestemd, ook online, en kan niet per lid worden herteld; een nieuw besluit kan op een volgende ALV");
                continue;
            }
            var why = target.Id != id ? $" (voor '{id}' geldt nu de hertelling '{target.Id}')"
                : IsSameMeetingCorrection(target, meeting.Id) ? $" ('{target.Id}' is zelf een hertelling van {target.Corrects}; een nieuwe hertelling corrigeert '{target.Id}')"
                : "";
            commands.Add($"warmte alv proposal add <coöperatie> {meeting.Id} --corrects {meeting.Id}/{target.Id}{why}");
        }
        var noted = notes.Count == 0 ? "" : " " + string.Join("; ", notes) + ".";
        return commands.Count == 0
            ? $"een hertelling verandert dat niet.{noted}"
            : $"een hertelling is nodig om dat te veranderen (kan tot en met {DutchFormat.Date(until)}: een correctie op dezelfde vergadering, "
              + $"{string.Join("; ", commands)}).{noted}";
    }

    private static string How(CountedAtClose c) => c.As switch
    {
        CountedAs.ProxyHolder => $"'{c.ProposalId}' bij volmacht voor lid {c.Other}",
        _ when c.Other is { } holder => $"'{c.ProposalId}' bij volmacht via lid {holder}",
        _ => c.Channel switch
        {
            BallotChannel.Online => $"'{c.ProposalId}' online",
            BallotChannel.Tally => $"'{c.ProposalId}' op de papieren telling",
            _ => $"'{c.ProposalId}' op de vergadering",
        },
    };

    /// <summary>
    /// The electorate the online panel of a meeting reports (tester6 T5): while any of its online proposals is open, the register
    /// on the meeting date now (<paramref name="now"/>); once all are closed, the electorate their results were counted with,
    /// so the panel never says 11 where every result says "12 van 12 stemgerechtigden". Proposals closed on different registers
    /// (a write-out between two closes) give the one of the last close. <c>Now</c> is set only when it differs from the counted one.
    /// </summary>
    public static (int Electorate, int? Now) PanelElectorate(IEnumerable<Proposal> onlineProposals, int now)
    {
        var proposals = onlineProposals.ToList();
        if (proposals.Count == 0 || proposals.Any(p => p.Closed is null)) return (now, null);
        var counted = proposals.MaxBy(p => p.Closed!.ClosedAt)!.Closed!.Result.EligibleMembers;
        return (counted, counted == now ? null : now);
    }
}
