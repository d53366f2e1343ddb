using FsCheck.Xunit;
using NodaTime;
using Warmte.Alv;
using Warmte.Voting;

namespace Warmte.Tests.Voting;

/// <summary>
/// Tester5 T3, the rule itself (<see cref="OnlineVotingRules.Open"/>): for any stored online voting and any re-open, a
/// proposal with online records is never dropped, and a stored explanation is never lost unless the request sets one.
/// </summary>
public sealed class OnlineReopenProperties
{
    private static readonly string[] Ids = ["a", "b", "c", "d"];

    private static readonly Meeting Meeting = new()
    {
        Id = "alv", Title = "ALV", Date = new LocalDate(2027, 3, 20), NoticeDate = new LocalDate(2027, 3, 1),
        CreatedBy = "t", CreatedAt = Instant.FromUtc(2027, 1, 1, 0, 0),
        Proposals = [.. Ids.Select(id => new Proposal { Id = id, Title = id.ToUpperInvariant(), DecisionType = DecisionType.Overig, Mode = BallotMode.Open })],
    };

    /// <param name="stored">Bit i: proposal i is on the stored list; explanation "uitleg i" when bit i of <paramref name="explained"/> too.</param>
    /// <param name="named">Bit i: the re-open names proposal i; with bit i of <paramref name="given"/> it gives "nieuw i", or "" when bit i of <paramref name="cleared"/>.</param>
    /// <param name="voted">Bit i: proposal i has online ballots or proxies.</param>
    [Property(MaxTest = 500)]
    public bool A_reopen_never_drops_a_voted_proposal_and_never_loses_an_explanation_it_was_not_given(
        byte stored, byte explained, byte named, byte given, byte cleared, byte voted)
    {
        static bool Bit(byte mask, int i) => (mask & (1 << i)) != 0;
        var current = new OnlineVoting
        {
            CooperativeId = "c", MeetingId = "alv", Opens = new LocalDate(2027, 3, 1), MeetingDate = Meeting.Date, OpenedBy = "b",
            OpenedAt = Instant.FromUtc(2027, 2, 1, 0, 0),
            Proposals = [.. Ids.Select((id, i) => (id, i)).Where(x => Bit(stored, x.i)).Select(x => new OnlineProposal(x.id, Bit(explained, x.i) ? $"uitleg {x.i}" : null))],
        };
        var inputs = Ids.Select((id, i) => (id, i)).Where(x => Bit(named, x.i))
            .Select(x => (OnlineProposalInput?)new OnlineProposalInput
            {
                ProposalId = x.id, Explanation = !Bit(given, x.i) ? null : Bit(cleared, x.i) ? "" : $"nieuw {x.i}",
            }).ToArray();
        var outcome = OnlineVotingRules.Open(current, "c", Meeting, new OpenOnlineVoting { Opens = new LocalDate(2027, 3, 5), Proposals = [.. inputs] },
            new LocalDate(2027, 3, 10), "b", Instant.FromUtc(2027, 3, 10, 0, 0),
            id => Bit(voted, Array.IndexOf(Ids, id)) ? "1 online stem" : null, codesEverIssued: true);

        var droppedVoted = current.Proposals.Where(p => Bit(voted, Array.IndexOf(Ids, p.ProposalId)) && inputs.All(n => n!.ProposalId != p.ProposalId)).ToList();
        if (inputs.Length == 0) return !outcome.IsOk;
        if (droppedVoted.Count > 0)
            return !outcome.IsOk && outcome.Refusal!.Code == "online-proposal-has-votes"
                   && droppedVoted.All(d => outcome.Refusal.Errors.Any(e => e.Reason.Contains($"'{d.ProposalId}'")));
        if (!outcome.IsOk) return false;
        var result = outcome.Value!.Proposals.ToDictionary(p => p.ProposalId, p => p.Explanation);
        return Ids.Select((id, i) => (id, i)).All(x =>
            !Bit(named, x.i) ? !result.ContainsKey(x.id)
            : result[x.id] == (Bit(given, x.i) ? (Bit(cleared, x.i) ? null : $"nieuw {x.i}")
                : Bit(stored, x.i) && Bit(explained, x.i) ? $"uitleg {x.i}" : null));
    }
}
