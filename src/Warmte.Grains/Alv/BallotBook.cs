using System.Collections.Immutable;
using System.Text.Json;
using NodaTime;
using Warmte.Audit;
using Warmte.Journal;
using Warmte.Serialization;

namespace Warmte.Alv;

/// <summary>
/// The journal rows of the ALV's history (docs/members-and-decisions.md, "Where the votes are kept").
/// Kinds with a tag per proposal or meeting are paged lists; the <c>alv-*</c> marks are tagged per
/// member and answer "has this member voted / is this member present" with one indexed lookup.
/// </summary>
public static class AlvFacts
{
    /// <summary>One ballot, tag "meeting/proposal". Choice and receipt are left out for a secret ballot.</summary>
    public const string Ballot = "ballot";
    /// <summary>The paper count with its attendance list and proxies, tag "meeting/proposal".</summary>
    public const string Tally = "tally";
    /// <summary>One member on a meeting's attendance list, tag "meeting".</summary>
    public const string Attendance = "attendance";
    /// <summary>The receipts per choice, written at closing, tag "meeting/proposal".</summary>
    public const string Receipts = "receipts";
    /// <summary>"This member's vote counts on this proposal, by this channel", tag "meeting/proposal/member".</summary>
    public const string VoterMark = "alv-voter";
    /// <summary>"This member exercised a proxy on this proposal", tag "meeting/proposal/holder".</summary>
    public const string ProxyMark = "alv-proxy";
    /// <summary>"This member is on the meeting's attendance list", tag "meeting/member".</summary>
    public const string PresentMark = "alv-present";
    /// <summary>"This member's vote was cast online at this meeting (on some proposal)", tag "meeting/member": the online turnout's count of voters.</summary>
    public const string OnlineMark = "alv-online";
    /// <summary>"The giver withdrew the proxy this dead proxy vote was cast through", tag "meeting/proposal": that ballot never counts again (tester5 T1).</summary>
    public const string ProxyWithdrawn = "alv-proxy-withdrawn";

    public static string Tag(string meetingId, string proposalId) => $"{meetingId}/{proposalId}";
    public static string Tag(string meetingId, string proposalId, string member) => $"{meetingId}/{proposalId}/{member}";
    public static string PresentTag(string meetingId, string member) => $"{meetingId}/{member}";

    public static JournalAppend Entry<T>(string kind, string tag, Instant at, string? actor, T payload) =>
        new(kind, tag, at, actor, JsonSerializer.Serialize(payload, WarmteJson.Default));

    public static T Read<T>(string payload) => JsonSerializer.Deserialize<T>(payload, WarmteJson.Default)!;
}

/// <summary>A ballot as a journal row. <see cref="Counted"/>: whether it put voter and holder among the present or represented.</summary>
public sealed record BallotFact
{
    public required string MemberNumber { get; init; }
    public VoteChoice? Choice { get; init; }
    public string? ProxyHolder { get; init; }
    public required decimal Weight { get; init; }
    public BallotChannel Channel { get; init; }
    public string? Receipt { get; init; }
    public bool Counted { get; init; } = true;
    public required string RecordedBy { get; init; }
    public required Instant RecordedAt { get; init; }
}

/// <summary>The paper count as a journal row (the old <see cref="Alv.Tally"/> with the version it was entered as).</summary>
public sealed record TallyFact
{
    public required Tally Tally { get; init; }
    public required int Version { get; init; }
}

/// <summary>A member's vote mark. Choice and receipt are kept for open ballots only (to recognise a retry).</summary>
public sealed record VoterMarkFact
{
    public required BallotChannel Channel { get; init; }
    public bool Counted { get; init; }
    public string? ProxyHolder { get; init; }
    public VoteChoice? Choice { get; init; }
    public string? Receipt { get; init; }
    /// <summary>Tally marks only: the tally version; marks of a replaced tally no longer count.</summary>
    public int? TallyVersion { get; init; }
    /// <summary>Written at closing for a ballot the close left out: why, in Dutch (the member's paper says the vote was not counted).</summary>
    public string? LeftOut { get; init; }
    /// <summary>
    /// The giver withdrew (or replaced) the proxy this vote was cast through while it did not count (its holder could not vote):
    /// it never counts again, whatever happens to the holder later (rejoined; tester5 T1, <see cref="ProxyVotes"/>).
    /// </summary>
    public bool Withdrawn { get; init; }
    /// <summary>When the mark (and its ballot, same commit) was recorded: the journal row's instant, not part of the payload.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public Instant? At { get; init; }
}

public sealed record ProxyMarkFact(string Member, bool Counted);

/// <summary>A dead proxy vote the giver withdrew: the ballot of <see cref="Member"/> through <see cref="Holder"/> with this receipt (an online ballot always has one).</summary>
public sealed record ProxyWithdrawnFact(string Member, string Holder, string? Receipt);

public sealed record AttendanceFact(string MemberNumber);

public sealed record ReceiptsFact(ImmutableArray<string> Voor, ImmutableArray<string> Tegen, ImmutableArray<string> Onthouding);

/// <summary>
/// What the rules need to know from the journal, as plain data: the grain fills it with indexed
/// lookups for the members a command names (never by loading every ballot), tests and properties
/// keep one in memory with <see cref="With"/>. Keys are the facts' tags.
/// </summary>
public sealed record BallotBook
{
    public ImmutableDictionary<string, VoterMarkFact> Voters { get; init; } = ImmutableDictionary<string, VoterMarkFact>.Empty;
    public ImmutableHashSet<string> Present { get; init; } = [];
    /// <summary>Members with an <see cref="AlvFacts.OnlineMark"/> (tag "meeting/member"): they have voted online at that meeting already.</summary>
    public ImmutableHashSet<string> OnlineVoters { get; init; } = [];
    public ImmutableDictionary<string, ImmutableArray<ProxyMarkFact>> Proxies { get; init; } = ImmutableDictionary<string, ImmutableArray<ProxyMarkFact>>.Empty;
    /// <summary>Every ballot of a proposal: filled only for the rare commands that recount (attendance, tally, close with receipts).</summary>
    public ImmutableDictionary<string, ImmutableArray<BallotFact>> Ballots { get; init; } = ImmutableDictionary<string, ImmutableArray<BallotFact>>.Empty;
    /// <summary>The withdrawn dead proxy votes of a proposal (tag "meeting/proposal"): read with its ballots.</summary>
    public ImmutableDictionary<string, ImmutableArray<ProxyWithdrawnFact>> Withdrawn { get; init; } = ImmutableDictionary<string, ImmutableArray<ProxyWithdrawnFact>>.Empty;

    /// <summary>The current paper count of a proposal (tag "meeting/proposal"): filled for a recount's corrected decision and at closing.</summary>
    public ImmutableDictionary<string, Tally> Tallies { get; init; } = ImmutableDictionary<string, Tally>.Empty;

    public static readonly BallotBook Empty = new();

    public Tally? TallyOf(string meetingId, string proposalId) => Tallies.GetValueOrDefault(AlvFacts.Tag(meetingId, proposalId));

    public VoterMarkFact? Voter(string meetingId, string proposalId, string member) =>
        Voters.GetValueOrDefault(AlvFacts.Tag(meetingId, proposalId, member));

    public bool IsPresent(string meetingId, string member) => Present.Contains(AlvFacts.PresentTag(meetingId, member));

    public bool VotedOnline(string meetingId, string member) => OnlineVoters.Contains(AlvFacts.PresentTag(meetingId, member));

    public ImmutableArray<ProxyMarkFact> ProxiesOf(string meetingId, string proposalId, string holder) =>
        Proxies.GetValueOrDefault(AlvFacts.Tag(meetingId, proposalId, holder), []);

    public ImmutableArray<BallotFact> BallotsOf(string meetingId, string proposalId) =>
        Ballots.GetValueOrDefault(AlvFacts.Tag(meetingId, proposalId), []);

    /// <summary>Whether <paramref name="ballot"/> is a proxy vote its giver withdrew (it never counts again).</summary>
    public bool IsWithdrawn(string meetingId, string proposalId, BallotFact ballot) =>
        ballot.ProxyHolder is { } holder && Withdrawn.GetValueOrDefault(AlvFacts.Tag(meetingId, proposalId), [])
            .Any(w => w.Member == ballot.MemberNumber && w.Holder == holder && w.Receipt == ballot.Receipt);

    /// <summary>This book after <paramref name="facts"/> were appended (newest voter mark wins, as the grain reads them).</summary>
    public BallotBook With(IEnumerable<JournalAppend> facts)
    {
        var book = this;
        foreach (var f in facts)
        {
            switch (f.Kind)
            {
                case AlvFacts.VoterMark: book = book with { Voters = book.Voters.SetItem(f.Tag!, AlvFacts.Read<VoterMarkFact>(f.Payload) with { At = f.At }) }; break;
                case AlvFacts.PresentMark: book = book with { Present = book.Present.Add(f.Tag!) }; break;
                case AlvFacts.OnlineMark: book = book with { OnlineVoters = book.OnlineVoters.Add(f.Tag!) }; break;
                case AlvFacts.ProxyMark:
                    book = book with { Proxies = book.Proxies.SetItem(f.Tag!, book.Proxies.GetValueOrDefault(f.Tag!, []).Add(AlvFacts.Read<ProxyMarkFact>(f.Payload))) };
                    break;
                case AlvFacts.ProxyWithdrawn:
                    book = book with { Withdrawn = book.Withdrawn.SetItem(f.Tag!, book.Withdrawn.GetValueOrDefault(f.Tag!, []).Add(AlvFacts.Read<ProxyWithdrawnFact>(f.Payload))) };
                    break;
                case AlvFacts.Tally: book = book with { Tallies = book.Tallies.SetItem(f.Tag!, AlvFacts.Read<TallyFact>(f.Payload).Tally) }; break;
                case AlvFacts.Ballot:
                    book = book with { Ballots = book.Ballots.SetItem(f.Tag!, book.Ballots.GetValueOrDefault(f.Tag!, []).Add(AlvFacts.Read<BallotFact>(f.Payload))) };
                    break;
            }
        }
        return book;
    }
}

/// <summary>A rule's accepted change: the new record with its audit line, and the journal facts to append with it.</summary>
public sealed record AlvChange(Change<AlvRecord> Change, ImmutableArray<JournalAppend> Facts)
{
    public AlvRecord Record => Change.Value;

    /// <summary>For a cast ballot: what the caller gets back.</summary>
    public CastResult? Cast { get; init; }

    public static implicit operator AlvChange(Change<AlvRecord> change) => new(change, []);
}
