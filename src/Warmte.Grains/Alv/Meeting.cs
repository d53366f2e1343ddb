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
    [Id(7)] public ImmutableArray<Ballot> Ballots { get; init; } = [];
    [Id(8)] public Tally? Tally { get; init; }
    [Id(9)] public ClosedDecision? Closed { get; init; }
}

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
    /// <summary>Members signed in on the attendance list (present in person).</summary>
    [Id(6)] public ImmutableArray<string> Present { get; init; } = [];
    [Id(7)] public required string CreatedBy { get; init; }
    [Id(8)] public required Instant CreatedAt { get; init; }
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
}

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
}
