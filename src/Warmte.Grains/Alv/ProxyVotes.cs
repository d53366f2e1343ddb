using Warmte.Common;
using Warmte.Members;

namespace Warmte.Alv;

/// <summary>
/// A vote cast through a proxy whose holder may not vote on the meeting date (written out, or no voting right)
/// does not count (review3 F3), and — the other half of the same rule (tester4 T1) — it does not use up the
/// giver's vote either: the giver, still eligible, is free again. She may vote herself (online or by the board at
/// the meeting) or withdraw or replace the proxy; her newer ballot is the one that counts, and closing leaves the
/// dead one out. The one rule <see cref="AlvRules.CastBallot"/> (online and the board's ballot), closing
/// (<see cref="AlvRules.Close"/>), the live turnout and the member's ballot paper all ask.
/// A secret ballot is the exception: its dead ballot cannot be taken out of the count (no choice is linked to the
/// member), so a second ballot would count twice; the giver is told so and the board decides (docs).
/// </summary>
public static class ProxyVotes
{
    /// <summary>Whether <paramref name="mark"/> is a vote through a holder who may not vote: it does not count and leaves the giver free.</summary>
    public static bool IsDead(VoterMarkFact? mark, Func<string, bool> mayVote) =>
        mark is { ProxyHolder: { } holder, LeftOut: null } && !mayVote(holder);

    /// <summary>The Dutch sentence for the giver (the member page, the refusal texts): why the proxy vote does not count and what she can do.</summary>
    public static string NotCounted(string holder, string why) =>
        $"Uw stem bij volmacht via lid {holder} telt niet: {why.TrimEnd('.')}. U kunt nu zelf stemmen, of de volmacht intrekken en een ander lid volmacht geven.";
}

public static partial class AlvRules
{
    /// <summary>
    /// What a member's earlier mark means for another vote of hers, the one rule of every path that records a vote (the
    /// ballot of <see cref="CastBallot"/>, online or by the board, and the paper tally's list, <see cref="RecordTally"/>):
    /// <c>Counting</c> — she has voted and that vote counts; <c>Dead</c> — a vote through a holder who may not vote, which
    /// leaves her free (on a secret ballot refused, <see cref="DeadProxySecret"/>); both null — she has not voted.
    /// </summary>
    public static (VoterMarkFact? Counting, VoterMarkFact? Dead) Earlier(Proposal proposal, VoterMarkFact? mark, Func<string, bool> mayVote) =>
        CurrentMark(proposal, mark) is { } current && ProxyVotes.IsDead(current, mayVote) ? (null, current) : (CurrentMark(proposal, mark), null);

    /// <summary>
    /// The refusal for a giver freed by a dead proxy vote on a secret ballot: that ballot cannot be taken out of the count
    /// (no choice is linked to her), so a second vote would count twice; the board decides. <paramref name="fields"/>: where
    /// she was named (<c>memberNumber</c>, or the tally's <c>present[i]</c> / <c>proxies[i].member</c>) with her dead mark.
    /// </summary>
    public static Refusal DeadProxySecret(EligibilityCheck eligibility, IReadOnlyList<(string Field, string Member, VoterMarkFact Dead)> fields)
    {
        var messages = fields.Select(f => (f.Field, Message: $"De stem van lid {f.Member} bij volmacht via lid {f.Dead.ProxyHolder} telt niet ("
            + $"{(eligibility.Refused.TryGetValue(f.Dead.ProxyHolder!, out var why) ? why.TrimEnd('.') : "die mag niet stemmen")}), "
            + "maar bij een geheime stemming is die stem niet uit de telling te halen; een tweede stem zou dubbel tellen. "
            + "Het bestuur beslist (zie de uitschrijfdatum, of zet het voorstel opnieuw op de agenda).")).ToList();
        return Refusal.Conflict("dead-proxy-secret", string.Join(" ", messages.Select(m => m.Message)), [.. messages.Select(m => new FieldError(m.Field, m.Message))]);
    }

    /// <summary>The mark that counts as "this member has voted": <see cref="CurrentMark"/>, unless it is a dead proxy vote (<see cref="ProxyVotes"/>).</summary>
    public static VoterMarkFact? CountingMark(Proposal proposal, VoterMarkFact? mark, Func<string, bool> mayVote) =>
        CurrentMark(proposal, mark) is { } current && !ProxyVotes.IsDead(current, mayVote) ? current : null;
}
