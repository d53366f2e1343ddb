using System.Collections.Immutable;
using NodaTime;
using Warmte.Audit;
using Warmte.Common;
using Warmte.Journal;
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
/// A dead proxy vote the giver withdrew, or replaced by a proxy to another member, is dead for good (tester5 T1): it never
/// counts again, also when its holder is later rejoined (<see cref="VoterMarkFact.Withdrawn"/>, <see cref="AlvRules.WithdrawProxyVotes"/>).
/// </summary>
public static class ProxyVotes
{
    /// <summary>Whether <paramref name="mark"/> is a vote through a holder who may not vote: it does not count and leaves the giver free.</summary>
    public static bool IsDead(VoterMarkFact? mark, Func<string, bool> mayVote) =>
        mark is { ProxyHolder: { } holder, LeftOut: null } && (mark.Withdrawn || !mayVote(holder));

    /// <summary>Why a withdrawn proxy vote does not count, in Dutch (the member page, the closing note).</summary>
    public const string WithdrawnWhy = "u heeft die volmacht ingetrokken";

    /// <summary>The Dutch sentence for the giver (the member page, the refusal texts): why the proxy vote does not count and what she can do.</summary>
    public static string NotCounted(string holder, string why) =>
        why == WithdrawnWhy
            ? $"Uw stem bij volmacht via lid {holder} telt niet: {why}. U kunt zelf stemmen, of een ander lid volmacht geven."
            : $"Uw stem bij volmacht via lid {holder} telt niet: {why.TrimEnd('.')}. U kunt nu zelf stemmen, of de volmacht intrekken en een ander lid volmacht geven.";

    /// <summary>
    /// The same for a secret ballot, where she can do neither (<see cref="AlvRules.DeadProxySecret"/>): the dead ballot cannot be taken
    /// out of the count, so a vote of her own or through a new holder would count twice; the board decides (tester5 T5).
    /// </summary>
    public static string NotCountedSecret(string holder, string why) =>
        $"Uw stem bij volmacht via lid {holder} telt niet: {why.TrimEnd('.')}. Bij een geheime stemming is die stem niet uit de telling te halen; "
        + "zelf stemmen of een ander lid volmacht geven kan daarom niet (die stem zou dubbel tellen). Het bestuur beslist; neem contact op met het bestuur.";
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
    /// she was named (<c>memberNumber</c>, or the tally's <c>present[i]</c> / <c>proxies[i].member</c>; null where the request names no field of hers,
    /// as her own online page: tester5 T5) with her dead mark.
    /// </summary>
    public static Refusal DeadProxySecret(EligibilityCheck eligibility, IReadOnlyList<(string? Field, string Member, VoterMarkFact Dead)> fields)
    {
        var messages = fields.Select(f => (f.Field, Message: $"De stem van lid {f.Member} bij volmacht via lid {f.Dead.ProxyHolder} telt niet ("
            + $"{(eligibility.Refused.TryGetValue(f.Dead.ProxyHolder!, out var why) ? why.TrimEnd('.') : "die mag niet stemmen")}), "
            + "maar bij een geheime stemming is die stem niet uit de telling te halen; een tweede stem zou dubbel tellen. "
            + "Het bestuur beslist (zie de uitschrijfdatum, of zet het voorstel opnieuw op de agenda).")).ToList();
        return Refusal.Conflict("dead-proxy-secret", string.Join(" ", messages.Select(m => m.Message)), [.. messages.Where(m => m.Field is not null).Select(m => new FieldError(m.Field!, m.Message))]);
    }

    /// <summary>
    /// The giver withdraws or replaces her online proxies on <paramref name="changes"/> (per proposal, the holder she takes the proxy
    /// from, null for a proposal that had none): the step before the online grain stores her new proxies. A proxy vote through that
    /// holder that does not count (the holder may not vote) is marked withdrawn: dead for good, also when the holder is rejoined later
    /// (tester5 T1); its ballot is left out at closing like every dead one. A proxy vote that counts cannot be withdrawn (409 proxy-used).
    /// On a secret ballot a dead proxy vote leaves her nothing to change (<see cref="DeadProxySecret"/>, tester5 T5): no field, the
    /// request names none of hers. Nothing to mark: the record unchanged and no facts.
    /// </summary>
    public static Outcome<AlvChange> WithdrawProxyVotes(
        AlvRecord record, string meetingId, string giver, IReadOnlyList<ProxyWithdrawal> changes, EligibilityCheck eligibility, BallotBook book, string actor, Instant now)
    {
        if (Find(record, meetingId) is not { } meeting) return Refusal.NotFound("Vergadering", meetingId);
        var facts = ImmutableArray.CreateBuilder<JournalAppend>();
        var updated = meeting;
        foreach (var change in changes)
        {
            if (updated.Proposals.FirstOrDefault(p => p.Id == change.ProposalId) is not { Closed: null } proposal) continue;
            var (counting, dead) = Earlier(proposal, book.Voter(meetingId, proposal.Id, giver), h => !eligibility.Refused.ContainsKey(h));
            if (counting is { ProxyHolder: { } used } && used == change.Holder)
                return Refusal.Conflict("proxy-used", $"Over '{proposal.Id}' is al gestemd door lid {used} met uw volmacht; die stem telt en de volmacht kan niet meer worden ingetrokken.");
            if (dead is null || dead.Withdrawn) continue;
            if (proposal.Rules?.Secret ?? record.EffectiveStatutes.Electronic.IsSecret(proposal.DecisionType))
                return DeadProxySecret(eligibility, [(null, giver, dead)]);
            if (dead is not { Channel: BallotChannel.Online } || dead.ProxyHolder != change.Holder) continue;
            facts.Add(AlvFacts.Entry(AlvFacts.VoterMark, AlvFacts.Tag(meetingId, proposal.Id, giver), now, actor, dead with { Withdrawn = true, At = null }));
            facts.Add(AlvFacts.Entry(AlvFacts.ProxyWithdrawn, AlvFacts.Tag(meetingId, proposal.Id), now, actor, new ProxyWithdrawnFact(giver, dead.ProxyHolder!, dead.Receipt)));
            // Superseded: the live count recounts this proposal from its ballots (CountedNow), which leaves the withdrawn one out.
            updated = updated with { Proposals = updated.Proposals.Replace(proposal, proposal with { Count = proposal.Count with { Superseded = proposal.Count.Superseded + 1 } }) };
        }
        if (facts.Count == 0) return Outcome<AlvChange>.Ok(new AlvChange(new Change<AlvRecord>(record, "alv.proxy-vote-withdrawn", "Geen stem bij volmacht ingetrokken."), []));
        return Outcome<AlvChange>.Ok(new AlvChange(new Change<AlvRecord>(Replace(record, updated), "alv.proxy-vote-withdrawn",
            $"Lid {giver} trok de volmacht in waarmee voor haar of hem werd gestemd door een lid dat niet mocht stemmen; die stem telt niet meer, ook niet als dat lid weer wordt ingeschreven."),
            facts.ToImmutable()));
    }

    /// <summary>
    /// How many proxies <paramref name="holder"/> carries on the proposal (the statutes' maximum): a giver's proxy takes a slot only
    /// while the vote that counts for her is the one through this holder. A proxy of a giver who may not vote is dead (tester T1), and so
    /// is one whose vote she replaced — voted herself, withdrew the proxy (tester5 T1) — also when the holder is rejoined later.
    /// <paramref name="book"/> holds the givers' vote marks (the grain reads them with the holder's proxy marks).
    /// </summary>
    public static int ProxiesCarried(Proposal proposal, BallotBook book, string meetingId, string holder, EligibilityCheck eligibility) =>
        ProxySlots.Taken(book.ProxiesOf(meetingId, proposal.Id, holder).Select(p => p.Member), g => !eligibility.Refused.ContainsKey(g)
            && CountingMark(proposal, book.Voter(meetingId, proposal.Id, g), h => !eligibility.Refused.ContainsKey(h)) is { ProxyHolder: var via } && via == holder);

    /// <summary>The mark that counts as "this member has voted": <see cref="CurrentMark"/>, unless it is a dead proxy vote (<see cref="ProxyVotes"/>).</summary>
    public static VoterMarkFact? CountingMark(Proposal proposal, VoterMarkFact? mark, Func<string, bool> mayVote) =>
        CurrentMark(proposal, mark) is { } current && !ProxyVotes.IsDead(current, mayVote) ? current : null;
}

/// <summary>One proposal on which a giver's online proxy is withdrawn or replaced: the holder it is taken from (null: she had none there).</summary>
[GenerateSerializer, Immutable]
public sealed record ProxyWithdrawal([property: Id(0)] string ProposalId, [property: Id(1)] string? Holder);

/// <summary>A vote of <see cref="Giver"/> on <see cref="ProposalId"/> that counts through the holder asked about (<see cref="IAlvGrain.ProxyVotesHeldBy"/>), by <see cref="Channel"/>.</summary>
[GenerateSerializer, Immutable]
public sealed record HeldProxyVote([property: Id(0)] string ProposalId, [property: Id(1)] string Giver, [property: Id(2)] BallotChannel Channel);
