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
    /// <summary>The mark that counts as "this member has voted": <see cref="CurrentMark"/>, unless it is a dead proxy vote (<see cref="ProxyVotes"/>).</summary>
    public static VoterMarkFact? CountingMark(Proposal proposal, VoterMarkFact? mark, Func<string, bool> mayVote) =>
        CurrentMark(proposal, mark) is { } current && !ProxyVotes.IsDead(current, mayVote) ? current : null;
}
