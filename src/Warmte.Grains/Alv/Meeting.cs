using System.Collections.Immutable;
using NodaTime;

namespace Warmte.Alv;

/// <summary>How a proposal's votes were recorded: member by member, or as the paper count's tally.</summary>
public enum BallotMode
{
    Open,
    Ballots,
    Tally,
}

/// <summary>One member's vote, possibly cast by a proxy holder (volmacht).</summary>
[GenerateSerializer, Immutable]
public sealed record Ballot
{
    [Id(0)] public required string MemberNumber { get; init; }
    [Id(1)] public required VoteChoice Choice { get; init; }
    [Id(2)] public string? ProxyHolder { get; init; }
    /// <summary>The vote's weight under the rule in force: 1, or the member's woningequivalenten.</summary>
    /// <remarks>Decimal since woningequivalenten have up to two decimals; weights stored as whole numbers load unchanged.</remarks>
    [Id(3)] public required decimal Weight { get; init; }
    [Id(4)] public required string RecordedBy { get; init; }
    [Id(5)] public required Instant RecordedAt { get; init; }
}

/// <summary>A volmacht: <see cref="Holder"/> (present) votes for <see cref="Member"/>.</summary>
[GenerateSerializer, Immutable]
public sealed record Proxy([property: Id(0)] string Member, [property: Id(1)] string Holder);

/// <summary>The paper count of a proposal, with the attendance list it was counted against.</summary>
[GenerateSerializer, Immutable]
public sealed record Tally
{
    [Id(0)] public required decimal For { get; init; }
    [Id(1)] public required decimal Against { get; init; }
    [Id(2)] public required decimal Abstain { get; init; }
    [Id(3)] public required ImmutableArray<string> Present { get; init; }
    [Id(4)] public required ImmutableArray<Proxy> Proxies { get; init; }
    [Id(5)] public required string RecordedBy { get; init; }
    [Id(6)] public required Instant RecordedAt { get; init; }
}

/// <summary>A closed proposal's fixed result: who closed it, when, and the counts.</summary>
[GenerateSerializer, Immutable]
public sealed record ClosedDecision
{
    [Id(0)] public required DecisionResult Result { get; init; }
    [Id(1)] public required string ClosedBy { get; init; }
    [Id(2)] public required Instant ClosedAt { get; init; }
}

[GenerateSerializer, Immutable]
public sealed record Proposal
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required string Title { get; init; }
    [Id(2)] public required DecisionType DecisionType { get; init; }
    /// <summary>The project the decision is about (a realisatiebesluit is about one project).</summary>
    [Id(3)] public string? ProjectId { get; init; }
    /// <summary>"meeting/proposal" of the closed decision this one corrects, with the reason.</summary>
    [Id(4)] public string? Corrects { get; init; }
    [Id(5)] public string? CorrectionReason { get; init; }
    [Id(6)] public required BallotMode Mode { get; init; }
    /// <summary>
    /// Only in snapshots written before ballots moved to the journal (release ba5f89c and older):
    /// the journal upgrade moves them to <c>ballot</c> rows and empties this. Never filled by the rules.
    /// </summary>
    [Id(7)] public ImmutableArray<Ballot> Ballots { get; init; } = [];
    /// <summary>As <see cref="Ballots"/>: the old place of the paper count, moved to a <c>tally</c> row by the upgrade.</summary>
    [Id(8)] public Tally? Tally { get; init; }
    [Id(9)] public ClosedDecision? Closed { get; init; }
    /// <summary>The running figures a close needs (bounded: no per-member data except sealed receipts of an open secret ballot).</summary>
    [Id(10)] public ProposalCount Count { get; init; } = ProposalCount.Empty;
    /// <summary>
    /// The decision rules this proposal is decided by, fixed when its first vote comes in (a ballot, online or at the meeting,
    /// or the paper tally); null before. A later change of the statutes does not reach it (tester10 T3): closing, proxies,
    /// secrecy and who counts as present all use these.
    /// </summary>
    [Id(11)] public ProposalRules? Rules { get; init; }
}

/// <summary>The statutes' rules as they stood when a proposal's first vote came in (<see cref="Proposal.Rules"/>).</summary>
[GenerateSerializer, Immutable]
public sealed record ProposalRules
{
    [Id(0)] public required DecisionRule Rule { get; init; }
    [Id(1)] public required bool AdvanceVotersCountAsPresent { get; init; }
    [Id(2)] public required bool OnlineProxiesAllowed { get; init; }
    [Id(3)] public required bool Secret { get; init; }
    [Id(4)] public required Instant FixedAt { get; init; }

    /// <summary>
    /// The rules of <paramref name="proposal"/>: fixed ones, else what the statutes say now (no vote yet).
    /// A proposal that got votes before rules were fixed (Rules null, votes counted: before the release that fixes them) keeps the
    /// rule the statutes were applied with then (<see cref="Statutes.RulesBeforeReading"/>; review19 #3).
    /// </summary>
    public static ProposalRules Of(Statutes statutes, Proposal proposal, Instant now) => proposal.Rules ?? new()
    {
        Rule = HasVotes(proposal) && statutes.RulesBeforeReading.FirstOrDefault(o => o.Type == proposal.DecisionType) is { } before
            ? before.Rule : statutes.RuleFor(proposal.DecisionType), AdvanceVotersCountAsPresent = statutes.Electronic.AdvanceVotersCountAsPresent,
        OnlineProxiesAllowed = statutes.Electronic.OnlineProxiesAllowed, Secret = statutes.Electronic.IsSecret(proposal.DecisionType), FixedAt = now,
    };

    public static bool HasVotes(Proposal p) => p.Count.Ballots > 0 || p.Count.Tally is not null;

    /// <summary>Whether these rules differ from what <paramref name="statutes"/> say now for <paramref name="type"/>.</summary>
    public bool DifferFrom(Statutes statutes, DecisionType type) =>
        Rule != statutes.RuleFor(type) || AdvanceVotersCountAsPresent != statutes.Electronic.AdvanceVotersCountAsPresent
        || OnlineProxiesAllowed != statutes.Electronic.OnlineProxiesAllowed || Secret != statutes.Electronic.IsSecret(type);
}

/// <summary>
/// The running figures of one proposal, kept in the snapshot: what closing needs, and nothing that
/// grows with the number of voters (the ballots themselves are journal rows). For a secret ballot
/// the receipts wait here, sorted by code (no timing order), until closing publishes them.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ProposalCount
{
    /// <summary>Weighted ballots per choice, all ballot channels (the paper tally is in <see cref="Tally"/>).</summary>
    [Id(0)] public decimal For { get; init; }
    [Id(1)] public decimal Against { get; init; }
    [Id(2)] public decimal Abstain { get; init; }
    [Id(3)] public int Ballots { get; init; }
    [Id(4)] public int Online { get; init; }
    [Id(5)] public int AtMeeting { get; init; }
    /// <summary>Ballots cast by a proxy holder (volmacht).</summary>
    [Id(6)] public int ByProxy { get; init; }
    /// <summary>Members counted present or represented through ballots who are not on the base list (attendance or tally list).</summary>
    [Id(7)] public int Extra { get; init; }
    [Id(8)] public TallySummary? Tally { get; init; }
    /// <summary>Bumped each time a tally is (re)entered: voter marks of an older tally no longer count.</summary>
    [Id(9)] public int TallyVersion { get; init; }
    /// <summary>Open secret ballot only: receipts with their choice, sorted by receipt, published (and removed here) at closing.</summary>
    [Id(10)] public ImmutableArray<SealedReceipt> SealedReceipts { get; init; } = [];
    /// <summary>Ballots that carry a receipt (open ballots: the receipt is in the ballot row).</summary>
    [Id(11)] public int Receipts { get; init; }
    /// <summary>
    /// Ballots a member's newer ballot replaced: a vote through a proxy holder who may not vote, after which the giver
    /// voted again (tester4 T1). Still in the running figures; closing (and the live turnout) leaves them out.
    /// </summary>
    [Id(12)] public int Superseded { get; init; }

    public static readonly ProposalCount Empty = new();

    public VoteTotals Totals => new(For, Against, Abstain);
}

/// <summary>The paper count's figures; its attendance list and proxies are in the <c>tally</c> journal row.</summary>
[GenerateSerializer, Immutable]
public sealed record TallySummary
{
    [Id(0)] public required decimal For { get; init; }
    [Id(1)] public required decimal Against { get; init; }
    [Id(2)] public required decimal Abstain { get; init; }
    [Id(3)] public required int PresentCount { get; init; }
    [Id(4)] public required int ProxyCount { get; init; }
    [Id(5)] public required string RecordedBy { get; init; }
    [Id(6)] public required Instant RecordedAt { get; init; }
}

[GenerateSerializer, Immutable]
public sealed record SealedReceipt([property: Id(0)] string Receipt, [property: Id(1)] VoteChoice Choice);

/// <summary>An ALV meeting: date, notice date, the agenda's proposals and the attendance list.</summary>
[GenerateSerializer, Immutable]
public sealed record Meeting
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required string Title { get; init; }
    [Id(2)] public required LocalDate Date { get; init; }
    [Id(3)] public required LocalDate NoticeDate { get; init; }
    /// <summary>The earlier meeting without quorum this one repeats (a second meeting).</summary>
    [Id(4)] public string? SecondMeetingOf { get; init; }
    [Id(5)] public required ImmutableArray<Proposal> Proposals { get; init; }
    /// <summary>Only in snapshots of release ba5f89c and older: the attendance list, moved to <c>attendance</c> rows by the upgrade.</summary>
    [Id(6)] public ImmutableArray<string> Present { get; init; } = [];
    [Id(7)] public required string CreatedBy { get; init; }
    [Id(8)] public required Instant CreatedAt { get; init; }
    /// <summary>How many members are on the attendance list (the list itself: <c>attendance</c> journal rows).</summary>
    [Id(9)] public int PresentCount { get; init; }
    /// <summary>
    /// Members whose vote on at least one of this meeting's proposals was cast online (themselves, or by a
    /// proxy holder online): the online voting's turnout, counted in the same commit as the ballot (one
    /// <c>alv-online</c> mark per member), so it is exact after any crash. Never what anyone chose.
    /// </summary>
    [Id(10)] public int OnlineVoters { get; init; }
}

// ---- commands, as callers send them ----

[GenerateSerializer, Immutable]
public sealed record ProposalInput
{
    [Id(0)] public string? Id { get; init; }
    [Id(1)] public string? Title { get; init; }
    [Id(2)] public string? DecisionType { get; init; }
    [Id(3)] public string? ProjectId { get; init; }
    [Id(4)] public string? Corrects { get; init; }
    [Id(5)] public string? CorrectionReason { get; init; }
}

[GenerateSerializer, Immutable]
public sealed record CreateMeeting
{
    [Id(0)] public string? Id { get; init; }
    [Id(1)] public string? Title { get; init; }
    [Id(2)] public LocalDate? Date { get; init; }
    [Id(3)] public LocalDate? NoticeDate { get; init; }
    [Id(4)] public string? SecondMeetingOf { get; init; }
    [Id(5)] public ImmutableArray<ProposalInput?>? Proposals { get; init; }
}

[GenerateSerializer, Immutable]
public sealed record CastBallot
{
    [Id(0)] public string? MemberNumber { get; init; }
    [Id(1)] public string? Choice { get; init; }
    [Id(2)] public string? ProxyHolder { get; init; }
    /// <summary>How the ballot reaches the ALV; null means <see cref="BallotChannel.Meeting"/> (the board enters it at the meeting).</summary>
    [Id(3)] public BallotChannel? Channel { get; init; }
    /// <summary>
    /// A receipt code the caller generated and gives back to the member (online channel): after
    /// closing the member checks it is counted under their choice. Letters, digits and dashes, 8–64 characters.
    /// </summary>
    [Id(4)] public string? Receipt { get; init; }
}

/// <summary>
/// The channels a member's vote can arrive by. One vote per member per proposal across all of them:
/// the second attempt is refused naming the channel that counted first.
/// </summary>
public enum BallotChannel
{
    /// <summary>The board enters the member's ballot at the meeting (the default).</summary>
    Meeting,
    /// <summary>The member votes online (in advance when the statutes allow, or during the meeting).</summary>
    Online,
    /// <summary>The paper count: the member is on the tally's attendance list, or represented by a proxy on it.</summary>
    Tally,
}

/// <summary>What a cast ballot gives back: the proposal (sealed: no totals while open) and the receipt to hand the member.</summary>
[GenerateSerializer, Immutable]
public sealed record CastResult
{
    [Id(0)] public required Proposal Proposal { get; init; }
    /// <summary>The receipt stored with the ballot (the caller's), or null when none was given.</summary>
    [Id(1)] public string? Receipt { get; init; }
    [Id(2)] public required BallotChannel Channel { get; init; }
    /// <summary>True when this was a harmless repeat of a ballot already counted (nothing changed).</summary>
    [Id(3)] public bool Repeat { get; init; }
    /// <summary>When the ballot was recorded: now for a new ballot, the first time for a repeat (null: not known, an old mark).</summary>
    [Id(4)] public Instant? RecordedAt { get; init; }
}

/// <summary>An online ballot found counted as its member's resend would cast it (<see cref="IAlvGrain.CountedOnline"/>): when it was recorded (null: an old mark).</summary>
[GenerateSerializer, Immutable]
public sealed record CountedBallot([property: Id(0)] Instant? RecordedAt);

/// <summary>The answer to "is my receipt counted, and under which choice?" (only after the proposal closed).</summary>
[GenerateSerializer, Immutable]
public sealed record ReceiptCheck
{
    [Id(0)] public required string MeetingId { get; init; }
    [Id(1)] public required string ProposalId { get; init; }
    [Id(2)] public required string Receipt { get; init; }
    [Id(3)] public required VoteChoice Choice { get; init; }
}

/// <summary>After closing: every receipt code per choice (sorted), for members to check theirs.</summary>
[GenerateSerializer, Immutable]
public sealed record PublishedReceipts
{
    [Id(0)] public required string MeetingId { get; init; }
    [Id(1)] public required string ProposalId { get; init; }
    [Id(2)] public required ImmutableArray<string> Voor { get; init; }
    [Id(3)] public required ImmutableArray<string> Tegen { get; init; }
    [Id(4)] public required ImmutableArray<string> Onthouding { get; init; }
}

/// <summary>How many voted on a proposal so far, per channel: what anyone sees while it is open (no totals).</summary>
[GenerateSerializer, Immutable]
public sealed record Turnout
{
    [Id(0)] public required int Ballots { get; init; }
    [Id(1)] public required int Online { get; init; }
    [Id(2)] public required int AtMeeting { get; init; }
    [Id(3)] public required int ByProxy { get; init; }
    [Id(4)] public required bool TallyRecorded { get; init; }
    [Id(5)] public required int PresentOrRepresented { get; init; }
}

/// <summary>Which channel counted a member's vote on a proposal first (null: not voted).</summary>
[GenerateSerializer, Immutable]
public sealed record VoteMark
{
    [Id(0)] public required BallotChannel Channel { get; init; }
    [Id(1)] public string? ProxyHolder { get; init; }
    /// <summary>Set when closing left this ballot out of the count: why, in Dutch (tester T8.11).</summary>
    [Id(2)] public string? LeftOut { get; init; }
    /// <summary>
    /// Set while open when the vote was cast through a proxy holder who may not vote on the meeting date: why, in Dutch.
    /// Such a vote does not count and the member is free to vote again (tester4 T1, <see cref="ProxyVotes"/>).
    /// </summary>
    [Id(3)] public string? DeadProxy { get; init; }
    /// <summary>With <see cref="DeadProxy"/> on a secret ballot: that vote cannot be taken out, so she can neither vote nor give a new proxy; the board decides (tester5 T5).</summary>
    [Id(4)] public bool DeadProxySecret { get; init; }
}

/// <summary>One page of a proposal's ballots from the journal (choices only after closing and never for secret ballots).</summary>
[GenerateSerializer, Immutable]
public sealed record BallotPage
{
    [Id(0)] public required int Page { get; init; }
    [Id(1)] public required int PageSize { get; init; }
    [Id(2)] public required long Total { get; init; }
    [Id(3)] public required ImmutableArray<BallotLine> Items { get; init; }
}

[GenerateSerializer, Immutable]
public sealed record BallotLine
{
    [Id(0)] public required string MemberNumber { get; init; }
    /// <summary>Null while the proposal is open (sealed) and always for a secret ballot.</summary>
    [Id(1)] public VoteChoice? Choice { get; init; }
    [Id(2)] public string? ProxyHolder { get; init; }
    [Id(3)] public required decimal Weight { get; init; }
    [Id(4)] public required BallotChannel Channel { get; init; }
    [Id(5)] public required string RecordedBy { get; init; }
    [Id(6)] public required Instant RecordedAt { get; init; }
}

/// <summary>One page of a meeting's attendance list (the members signed in, in order of number).</summary>
[GenerateSerializer, Immutable]
public sealed record AttendancePage
{
    [Id(0)] public required int Page { get; init; }
    [Id(1)] public required int PageSize { get; init; }
    [Id(2)] public required long Total { get; init; }
    [Id(3)] public required ImmutableArray<string> Items { get; init; }
}

[GenerateSerializer, Immutable]
public sealed record ProxyInput
{
    [Id(0)] public string? Member { get; init; }
    [Id(1)] public string? Holder { get; init; }
}

[GenerateSerializer, Immutable]
public sealed record RecordTally
{
    /// <summary>Votes (weighted statutes: woningequivalenten, up to two decimals; otherwise whole votes).</summary>
    [Id(0)] public decimal? For { get; init; }
    [Id(1)] public decimal? Against { get; init; }
    [Id(2)] public decimal? Abstain { get; init; }
    [Id(3)] public ImmutableArray<string?>? Present { get; init; }
    [Id(4)] public ImmutableArray<ProxyInput?>? Proxies { get; init; }
}

[GenerateSerializer, Immutable]
public sealed record RecordAttendance
{
    [Id(0)] public ImmutableArray<string?>? Present { get; init; }
}

/// <summary>
/// What recording attendance did: the meeting afterwards, how many of the given members were newly put on the list
/// and how many were on it already (a list handed in twice changes nothing, and the board should see that it did not).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record AttendanceRecorded
{
    [Id(0)] public required Meeting Meeting { get; init; }
    [Id(1)] public required int Added { get; init; }
    [Id(2)] public required int AlreadyPresent { get; init; }
}

[GenerateSerializer, Immutable]
public sealed record DecisionRuleInput
{
    [Id(0)] public string? Quorum { get; init; }
    [Id(1)] public string? Majority { get; init; }
    [Id(2)] public string? MajorityRule { get; init; }
    [Id(3)] public bool? AbstentionsCount { get; init; }
    [Id(4)] public int? MaxProxiesPerAttendee { get; init; }
    [Id(5)] public string? Weighting { get; init; }
    [Id(6)] public bool? SecondMeetingWithoutQuorum { get; init; }
    [Id(7)] public int? MinimumNoticeDays { get; init; }
    /// <summary>Only in overrides: the decision type the rule is for.</summary>
    [Id(8)] public string? DecisionType { get; init; }
}

[GenerateSerializer, Immutable]
public sealed record SetStatutes
{
    [Id(0)] public DecisionRuleInput? Default { get; init; }
    [Id(1)] public ImmutableArray<DecisionRuleInput?>? Overrides { get; init; }
    /// <summary>Electronic voting settings; null keeps them off.</summary>
    [Id(2)] public ElectronicVotingInput? Electronic { get; init; }
}

[GenerateSerializer, Immutable]
public sealed record ElectronicVotingInput
{
    [Id(0)] public bool? AdvanceVotingAllowed { get; init; }
    [Id(1)] public bool? AdvanceVotersCountAsPresent { get; init; }
    [Id(2)] public ImmutableArray<string?>? SecretBallotTypes { get; init; }
    [Id(3)] public bool? OnlineProxiesAllowed { get; init; }
}

/// <summary>The decision in force now and the one in force on a gate decision's date, answered in one call (<see cref="IAlvGrain.DecisionNowAndOn"/>).</summary>
[GenerateSerializer, Immutable]
public sealed record DecisionNowAndOn([property: Id(0)] DecisionStatus? Now, [property: Id(1)] DecisionStatus? OnDate);

/// <summary>The effective ALV decision on a project's question (e.g. its realisatiebesluit), for gates and overviews.</summary>
[GenerateSerializer, Immutable]
public sealed record DecisionStatus
{
    [Id(0)] public required string MeetingId { get; init; }
    [Id(1)] public required LocalDate MeetingDate { get; init; }
    [Id(2)] public required string ProposalId { get; init; }
    [Id(3)] public required string Title { get; init; }
    [Id(4)] public required DecisionResult Result { get; init; }
    /// <summary>Set when this decision corrects an earlier one ("meeting/proposal").</summary>
    [Id(5)] public string? Corrects { get; init; }
    /// <summary>The day the proposal was closed (Amsterdam time): when the decision, or the correction, was recorded.</summary>
    [Id(6)] public LocalDate? ClosedOn { get; init; }
}
