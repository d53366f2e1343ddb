using System.Collections.Immutable;
using NodaTime;

namespace Warmte.Alv;

/// <summary>
/// A meeting as a reader sees it: counts only. Who attended and who voted are personal data, read
/// page by page from the journal by the board and admins (…/attendance, …/ballots). Sealed until
/// closed: while a proposal is open nobody, the board included, sees its totals, only the turnout.
/// </summary>
public sealed record MeetingView
{
    public required string Id { get; init; }
    public required string Title { get; init; }
    public required LocalDate Date { get; init; }
    public required LocalDate NoticeDate { get; init; }
    public string? SecondMeetingOf { get; init; }
    public required int PresentCount { get; init; }
    public ImmutableArray<string>? Present { get; init; }
    public required ImmutableArray<ProposalView> Proposals { get; init; }
    /// <summary>Whether online voting was opened for this meeting (its board panel is at …/online); set by the meeting list.</summary>
    public bool? OnlineVoting { get; init; }
    /// <summary>
    /// After a correction or removal of the meeting only: what that did to its planned online voting (moved with the date,
    /// or lapsed), one Dutch sentence; absent when it changed nothing.
    /// </summary>
    public string? OnlineVotingChange { get; init; }
    /// <summary>In the answer to <c>POST …/attendance</c> only: how many of the given members were newly put on the list.</summary>
    public int? Added { get; init; }
    /// <summary>In the answer to <c>POST …/attendance</c> only: how many of the given members were on the list already.</summary>
    public int? AlreadyPresent { get; init; }

    public static MeetingView Of(Meeting m, Statutes statutes, bool withMembers) => new()
    {
        Id = m.Id, Title = m.Title, Date = m.Date, NoticeDate = m.NoticeDate, SecondMeetingOf = m.SecondMeetingOf,
        PresentCount = m.PresentCount, Present = null,
        Proposals = [.. m.Proposals.Select(p => ProposalView.Of(m, p, statutes, withMembers))],
    };
}

public sealed record ProposalView
{
    public required string Id { get; init; }
    public required string Title { get; init; }
    public required DecisionType DecisionType { get; init; }
    public string? ProjectId { get; init; }
    public string? Corrects { get; init; }
    public string? CorrectionReason { get; init; }
    public BallotMode Mode { get; init; }
    /// <summary>The statutes' rule that applies (or applied, when closed).</summary>
    public required DecisionRule Rule { get; init; }
    public required int BallotCount { get; init; }
    public int OnlineCount { get; init; }
    public int ByProxyCount { get; init; }
    public bool TallyRecorded { get; init; }
    /// <summary>A secret ballot (statutes): who voted is never linked to what was chosen.</summary>
    public bool Secret { get; init; }
    public required int PresentOrRepresentedCount { get; init; }
    public ImmutableArray<Ballot>? Ballots { get; init; }
    public Tally? Tally { get; init; }
    /// <summary>Tally counts (after closing only: sealed while open); the attendance list is at …/tally for the board.</summary>
    public VoteCounts? TallyCounts { get; init; }
    public required bool IsClosed { get; init; }
    public DecisionResult? Result { get; init; }
    public string? ResultText { get; init; }
    /// <summary>
    /// Set on a closed proposal decided below the law — a statute change counted under a majority below 2/3
    /// (statutes saved before the legal minimums were enforced), or a meeting called fewer than 7 days
    /// ahead (<see cref="LegalMinimums.Note"/>): the result stays as recorded (history is never rewritten); the board
    /// may correct it with a new proposal (corrects).
    /// </summary>
    public string? LawNote { get; init; }
    /// <summary>When the proposal's decision rules were fixed (its first vote); null while nobody has voted and the statutes still apply as they change.</summary>
    public Instant? RulesFixedAt { get; init; }
    public string? ClosedBy { get; init; }
    public Instant? ClosedAt { get; init; }

    public static ProposalView Of(Meeting meeting, Proposal p, Statutes statutes, bool withMembers) => new()
    {
        Id = p.Id, Title = p.Title, DecisionType = p.DecisionType, ProjectId = p.ProjectId, Corrects = p.Corrects,
        CorrectionReason = p.CorrectionReason, Mode = p.Mode,
        Rule = p.Closed?.Result.Rule ?? p.Rules?.Rule ?? statutes.RuleFor(p.DecisionType),
        BallotCount = p.Count.Ballots, OnlineCount = p.Count.Online, ByProxyCount = p.Count.ByProxy, TallyRecorded = p.Count.Tally is not null,
        Secret = p.Rules?.Secret ?? statutes.Electronic.IsSecret(p.DecisionType),
        RulesFixedAt = p.Rules?.FixedAt,
        PresentOrRepresentedCount = AlvRules.PresentOrRepresented(meeting, p),
        Ballots = null,
        Tally = null,
        TallyCounts = p.Closed is not null && p.Count.Tally is { } t ? new VoteCounts(t.For, t.Against, t.Abstain) : null,
        IsClosed = p.Closed is not null,
        // Who was left out and why names members: the own board and admins only, others get the counts (tester9b T1).
        Result = withMembers ? p.Closed?.Result : p.Closed?.Result.WithoutMembers(), ResultText = p.Closed?.Result.Describe(withMembers),
        LawNote = p.Closed is { } closed ? LegalMinimums.Note(p.DecisionType, closed.Result.Rule, Period.DaysBetween(meeting.NoticeDate, meeting.Date)) : null,
        ClosedBy = p.Closed?.ClosedBy, ClosedAt = p.Closed?.ClosedAt,
    };
}

public sealed record VoteCounts(decimal For, decimal Against, decimal Abstain);
