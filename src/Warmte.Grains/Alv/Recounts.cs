using System.Collections.Immutable;
using NodaTime;
using Warmte.Audit;
using Warmte.Common;
using Warmte.Journal;

namespace Warmte.Alv;

/// <summary>
/// How many of a proxy holder's slots (the statutes' <c>maxProxiesPerAttendee</c>) are taken: one per giver who
/// may vote on the meeting date. A proxy of a member written out on or before it (or not yet a member) is dead:
/// its ballot is left out at closing, so it takes no slot and blocks no one (tester T1). The one rule the ALV's
/// exercised proxies (<see cref="AlvRules.CastBallot"/>, the tally) and the online proxies
/// (<c>OnlineProxyRules.Give</c>) both count with.
/// </summary>
public static class ProxySlots
{
    public static int Taken(IEnumerable<string> givers, Func<string, bool> giverMayVote) =>
        givers.Distinct(StringComparer.Ordinal).Count(giverMayVote);
}

public static partial class AlvRules
{
    /// <summary>
    /// Adds a proposal (<see cref="AddProposal"/>); for a recount (a same-meeting correction) the corrected decision's
    /// online ballots are carried into it unchanged, with their receipts (tester T4). An online ballot is recorded
    /// electronically and receipted by the member: there is nothing in it to miscount, and the board may not enter
    /// another choice for that member. <paramref name="book"/> holds the corrected decision's ballot rows and the
    /// meeting's attendance list (the grain reads them once; nothing else needs them).
    /// </summary>
    public static Outcome<AlvChange> AddRecount(AlvRecord record, string meetingId, ProposalInput? input, LocalDate today, BallotBook book, string actor, Instant now)
    {
        var added = AddProposal(record, meetingId, input, today);
        if (!added.IsOk) return added.Refusal!;
        var change = added.Value!;
        var meeting = Find(change.Value, meetingId)!;
        if (meeting.Proposals.Length == 0 || meeting.Proposals[^1] is not { } recount || !IsSameMeetingCorrection(recount, meetingId)) return Outcome<AlvChange>.Ok(change);
        var targetId = recount.Corrects!.Split('/')[1];
        var online = book.BallotsOf(meetingId, targetId).Where(b => b.Channel == BallotChannel.Online).ToList();
        if (online.Count == 0) return Outcome<AlvChange>.Ok(change);
        if (online.Any(b => b.Choice is null))
            return Refusal.Conflict("recount-secret-online",
                $"Over {recount.Corrects} is geheim gestemd, ook online. Een online stem staat elektronisch vast met een ontvangstbewijs en gaat ongewijzigd mee in een hertelling, "
                + "maar bij een geheime stemming is die stem niet per lid bewaard en dus niet over te nemen. Een hertelling van deze stemming kan hier niet; "
                + "zet het voorstel op de agenda van een volgende vergadering.",
                [new FieldError("corrects", $"{recount.Corrects} is een geheime stemming met online stemmen; die kan niet per lid worden herteld.")]);

        var count = recount.Count;
        var totals = count.Totals;
        var countedPresent = new HashSet<string>(StringComparer.Ordinal);
        var extra = 0;
        var tag = AlvFacts.Tag(meetingId, recount.Id);
        var facts = ImmutableArray.CreateBuilder<JournalAppend>();
        foreach (var b in online)
        {
            totals = totals.Add(b.Choice!.Value, b.Weight);
            // Present or represented as the original counted this ballot (Counted), each member once beyond the list.
            if (b.Counted)
                foreach (var n in b.ProxyHolder is null ? [b.MemberNumber] : new[] { b.MemberNumber, b.ProxyHolder })
                    if (!book.IsPresent(meetingId, n) && countedPresent.Add(n)) extra++;
            // The same ballot: voter, choice, holder, weight, receipt, when and by whom it was recorded.
            facts.Add(AlvFacts.Entry(AlvFacts.Ballot, tag, now, actor, b));
            facts.Add(AlvFacts.Entry(AlvFacts.VoterMark, AlvFacts.Tag(meetingId, recount.Id, b.MemberNumber), now, actor, new VoterMarkFact
            {
                Channel = BallotChannel.Online, Counted = b.Counted, ProxyHolder = b.ProxyHolder, Choice = b.Choice, Receipt = b.Receipt,
            }));
            if (b.ProxyHolder is { } holder)
                facts.Add(AlvFacts.Entry(AlvFacts.ProxyMark, AlvFacts.Tag(meetingId, recount.Id, holder), now, actor, new ProxyMarkFact(b.MemberNumber, b.Counted)));
        }
        var carried = recount with
        {
            Mode = BallotMode.Ballots,
            Count = count with
            {
                For = totals.For, Against = totals.Against, Abstain = totals.Abstain,
                Ballots = count.Ballots + online.Count, Online = count.Online + online.Count,
                ByProxy = count.ByProxy + online.Count(b => b.ProxyHolder is not null),
                Receipts = count.Receipts + online.Count(b => b.Receipt is not null),
                Extra = count.Extra + extra,
            },
        };
        var updated = meeting with { Proposals = meeting.Proposals.SetItem(meeting.Proposals.Length - 1, carried) };
        return Outcome<AlvChange>.Ok(new AlvChange(new Change<AlvRecord>(Replace(change.Value, updated), change.Action,
            change.Summary + $" De {online.Count} online {DutchFormat.Noun(online.Count, "stem", "stemmen")} op {recount.Corrects} (met ontvangstbewijs) {(online.Count == 1 ? "gaat" : "gaan")} ongewijzigd mee in de hertelling."),
            facts.ToImmutable()));
    }

    /// <summary>The refusal for the board entering a ballot in a recount for a member whose online vote was carried into it.</summary>
    private static Refusal OnlineVoteStands(Proposal recount, string member, VoterMarkFact mark)
    {
        var message = $"Lid {member} stemde online over {recount.Corrects}{(mark.ProxyHolder is { } h ? $" (bij volmacht door lid {h})" : "")}, met ontvangstbewijs; "
            + "die stem staat elektronisch vast en gaat ongewijzigd mee in de hertelling. Een hertelling herstelt een telfout in de stemmen op de vergadering, niet een online stem.";
        return Refusal.Conflict("online-vote-stands", message, [new FieldError("memberNumber", message)]);
    }

    /// <summary>
    /// The decision that replaced <paramref name="meetingId"/>/<paramref name="proposalId"/>: the last closed correction
    /// in the chain (a recount of a recount, or a correction at a later meeting), or null when the decision stands.
    /// </summary>
    public static (Meeting Meeting, Proposal Proposal)? ReplacedBy(IEnumerable<Meeting> meetings, string meetingId, string proposalId)
    {
        var all = meetings.ToList();
        (Meeting, Proposal)? found = null;
        var key = $"{meetingId}/{proposalId}";
        for (var hops = 0; hops < 100; hops++)
        {
            var next = all.SelectMany(m => m.Proposals.Where(p => p.Closed is not null && p.Corrects == key).Select(p => (m, p)))
                .OrderBy(x => x.p.Closed!.ClosedAt).LastOrDefault();
            if (next.p is null) break;
            found = next;
            key = $"{next.m.Id}/{next.p.Id}";
        }
        return found;
    }

    /// <summary>
    /// The online turnout as closing counts it (tester T8.4, tester4 T5): online ballots that count, and members with at least
    /// one online ballot that counts. <paramref name="counted"/> is the meeting with its open proposals counted as closing
    /// would count them now (<see cref="CountedNow"/>; a closed proposal keeps what its close counted). <see cref="Meeting.OnlineVoters"/>
    /// counts every member who cast an online ballot; of the <paramref name="suspects"/> (members not eligible on the meeting
    /// date, givers whose proxy vote went through such a holder) those whose online votes all do not count are taken off.
    /// <paramref name="book"/> holds the suspects' voter marks on the meeting's proposals and their online marks.
    /// Recounts are left out: their online ballots are the corrected decision's, carried over.
    /// <para>
    /// Closes stored by the releases from f71f7d3 up to ae97376 (before release b677193) lowered <see cref="Meeting.OnlineVoters"/>
    /// themselves, by one for each member they left out because she herself could not vote, and wrote her a voter mark with
    /// <c>LeftOut</c> (from 9943d96 on): read as it is now, such a member would be taken off a second time. How much the old closes
    /// lowered is exact from the journal: every member who cast an online ballot has one online mark (written in the same commit as
    /// the +1), so <paramref name="onlineMarks"/> (the meeting's online marks; the grain counts them only when a suspect may need it)
    /// minus the stored figure is what they took off. That much, at most, is given back for the members taken off here whom a closed
    /// proposal left out for themselves. A close from before 9943d96 wrote no such mark: read as counting, lowered once, right as it is.
    /// </para>
    /// </summary>
    public static (int Voters, int VotesCast) OnlineTurnout(Meeting counted, BallotBook book, IReadOnlySet<string> suspects, Func<string, bool> mayVote, int? onlineMarks = null)
    {
        var proposals = counted.Proposals.Where(p => !IsSameMeetingCorrection(p, counted.Id)).ToList();
        var votes = proposals.Sum(p => p.Count.Online);
        var voters = counted.OnlineVoters;
        var leftOutByAClose = 0;
        foreach (var n in suspects.Where(n => book.VotedOnline(counted.Id, n)))
        {
            var countsSomewhere = proposals.Any(p => book.Voter(counted.Id, p.Id, n) is { Channel: BallotChannel.Online } mark && (p.Closed is not null
                ? mark.LeftOut is null
                : mayVote(n) && CountingMark(p, mark, mayVote) is not null));
            if (countsSomewhere) continue;
            voters--;
            if (OldCloseLowered(counted, proposals, book, n, mayVote)) leftOutByAClose++;
        }
        // What closes of the old rule took off already (never more than the members they could have taken off).
        if (onlineMarks is { } marks) voters += Math.Clamp(marks - counted.OnlineVoters, 0, leftOutByAClose);
        return (Math.Max(0, voters), Math.Max(0, votes));
    }

    /// <summary>
    /// Whether a close of the old rule could have taken <paramref name="member"/> off <see cref="Meeting.OnlineVoters"/>: it did for
    /// a member it left out because she herself could not vote (not for a giver left out because of her holder), and such a close
    /// wrote her online mark with <c>LeftOut</c>.
    /// </summary>
    public static bool OldCloseLowered(Meeting meeting, IEnumerable<Proposal> proposals, BallotBook book, string member, Func<string, bool> mayVote) =>
        !mayVote(member) && proposals.Any(p => p.Closed is not null && book.Voter(meeting.Id, p.Id, member) is { Channel: BallotChannel.Online, LeftOut: not null });
}
