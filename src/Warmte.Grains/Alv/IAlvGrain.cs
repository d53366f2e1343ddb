using System.Collections.Immutable;
using NodaTime;
using Warmte.Common;

namespace Warmte.Alv;

/// <summary>
/// The ALV of one cooperative (key: the cooperative's id): its statutes and meetings. One grain per
/// cooperative processes one command at a time, so a member cannot vote twice on a proposal even
/// when the two ballots arrive together.
/// </summary>
/// <remarks>
/// The pure reads <see cref="Statutes"/>, <see cref="Meetings"/> and <see cref="Meeting"/> interleave: they
/// do not queue behind ballots (the online vote path reads the meeting before every vote). <see cref="Turnout"/>
/// and <see cref="CountedMeetings"/> count as closing will and read the journal, so they do not (tester4 T5). Safe because each is synchronous (one
/// turn, no await) and reads one reference, the aggregate <c>Record</c>, which is immutable and replaced
/// only after its commit succeeded (<c>JournaledState.CommitAsync</c> assigns <c>State</c> after the
/// database said yes): a read between a write's awaits sees the last committed aggregate, never one
/// half-changed and never one that is not stored. Reads that go to the journal (<see cref="VotedBy"/>,
/// <see cref="Ballots"/>, ...) do not interleave: they could pair rows just committed with the
/// aggregate from before the commit.
/// </remarks>
public interface IAlvGrain : IGrainWithStringKey
{
    [Orleans.Concurrency.AlwaysInterleave]
    Task<Statutes> Statutes();

    /// <summary>
    /// The journal version this activation has taken in. Its decisions are read interleaved with its writes, and between a
    /// commit and the activation's taking it the database is one version ahead: a cache keyed on the stored version
    /// (<c>GateEvidenceCache</c>) keeps an answer only when this had caught up (review R4).
    /// </summary>
    [Orleans.Concurrency.AlwaysInterleave]
    Task<long> JournalVersion();

    Task<Outcome<Statutes>> SetStatutes(SetStatutes command, string actor);

    [Orleans.Concurrency.AlwaysInterleave]
    Task<ImmutableArray<Meeting>> Meetings();

    [Orleans.Concurrency.AlwaysInterleave]
    Task<Meeting?> Meeting(string meetingId);

    Task<Outcome<Meeting>> CreateMeeting(CreateMeeting command, string actor);

    /// <summary>Corrects a meeting's title, date or notice date while nothing is recorded on it (<see cref="AlvRules.UpdateMeeting"/>, tester T6).</summary>
    Task<Outcome<Meeting>> UpdateMeeting(string meetingId, UpdateMeeting command, string actor);

    /// <summary>Removes a meeting on which nothing is recorded (<see cref="AlvRules.DeleteMeeting"/>, tester T6).</summary>
    Task<Outcome<Meeting>> DeleteMeeting(string meetingId, string actor);

    /// <summary>
    /// The online voting grain has applied the follow-up of a correction or removal of <paramref name="meetingId"/>
    /// (<see cref="Voting.IOnlineVotingGrain.MeetingChanged"/>): takes it off the outbox (<see cref="AlvRecord.OnlineFollowUps"/>),
    /// with <paramref name="summary"/> (what changed, Dutch) in the audit trail when it changed something. Nothing when it was
    /// not pending (a follow-up applied twice).
    /// </summary>
    Task OnlineFollowedUp(string meetingId, string? summary, string actor);

    /// <summary>
    /// The proxy votes <paramref name="holder"/> carries on the meeting's open proposals and that count as votes through
    /// them now: ballots entered with them as proxy holder (by the board or online) and proxies on a paper tally. What
    /// writing the holder out takes out of the count (a vote through a holder who may not vote does not count).
    /// </summary>
    Task<ImmutableArray<HeldProxyVote>> ProxyVotesHeldBy(string meetingId, string holder);

    /// <summary>
    /// How <paramref name="member"/> counted in the closed proposals of meetings dated on or after <paramref name="from"/>: own
    /// votes and proxy votes cast for others that the close counted, and presence on the attendance list. What a write-out dated
    /// before such a meeting does not change (tester6 T5, <see cref="AlvRules.ClosedResultsStand"/>). Reads the journal.
    /// </summary>
    Task<ImmutableArray<CountedAtClose>> CountedAtClosedMeetings(string member, LocalDate from);

    /// <summary>The meetings whose online voting must still follow a correction or removal (the outbox; empty as a rule).</summary>
    [Orleans.Concurrency.AlwaysInterleave]
    Task<ImmutableArray<string>> OnlineFollowUps();

    /// <summary>
    /// The meeting called first (earliest notice date, <see cref="AlvRules.FirstCalled"/>), or null: a founding date may not be
    /// moved after its notice date or its date (<see cref="AlvRules.FoundedAfter"/>; tester T5, T6). Interleaves, as
    /// <c>ICooperativeGrain.FoundedOn</c>: the cooperative's update waits on this while a meeting being created here asks the founding date.
    /// </summary>
    [Orleans.Concurrency.AlwaysInterleave]
    Task<Meeting?> FirstMeeting();

    Task<Outcome<Meeting>> AddProposal(string meetingId, ProposalInput command, string actor);

    Task<Outcome<AttendanceRecorded>> RecordAttendance(string meetingId, RecordAttendance command, string actor);

    Task<Outcome<Proposal>> CastBallot(string meetingId, string proposalId, CastBallot command, string actor);

    /// <summary>
    /// A list of ballots recorded by the board (<c>warmte import ballots</c>, tester finding A20), each judged by the
    /// same rules as <see cref="CastBallot"/> as if the ones before it in the list were cast: all of them in one
    /// commit or none (a refusal naming <c>ballots[i].field</c>), or with <paramref name="skipInvalid"/> only the
    /// good ones; <paramref name="dryRun"/> checks every ballot and stores nothing.
    /// </summary>
    Task<Outcome<BallotBatchResult>> CastBallots(string meetingId, string proposalId, ImmutableArray<CastBallot> commands, string actor, bool skipInvalid, bool dryRun);

    /// <summary>
    /// Casts a ballot by any channel (<see cref="CastBallot.Channel"/>) and answers with the receipt
    /// the caller gave; <see cref="CastBallot(string, string, CastBallot, string)"/> is the same with the proposal only.
    /// A second vote of the same member on the same proposal (any channel) is refused (409 already-voted,
    /// naming the channel that counted first).
    /// </summary>
    Task<Outcome<CastResult>> Cast(string meetingId, string proposalId, CastBallot command, string actor);

    /// <summary>After closing: the choice a receipt is counted under; null when unknown or the proposal is still open.</summary>
    Task<ReceiptCheck?> CheckReceipt(string meetingId, string proposalId, string receipt);

    /// <summary>After closing: every receipt per choice; null while open or when the proposal does not exist.</summary>
    Task<PublishedReceipts?> Receipts(string meetingId, string proposalId);

    /// <summary>
    /// How many voted so far (no totals), counted as closing will count it (<see cref="CountedMeetings"/>); null when the
    /// proposal does not exist. Not interleaved: it reads the journal (tester4 T5).
    /// </summary>
    Task<Turnout?> Turnout(string meetingId, string proposalId);

    /// <summary>
    /// The meetings (one, or all when <paramref name="meetingId"/> is null) with each open proposal's counts as closing would
    /// count them on the register of now: ballots of members and through proxy holders who may not vote on the meeting date,
    /// and superseded proxy votes, left out; attendance members who may not vote not present (tester4 T5). What the meeting
    /// view shows; the same figures as <see cref="Turnout"/> and <see cref="OnlineTurnout"/>.
    /// </summary>
    Task<ImmutableArray<Meeting>> CountedMeetings(string? meetingId);

    /// <summary>
    /// The meeting's online turnout (members who voted online, online ballots) as closing will count it: the online
    /// votes of <paramref name="notEligible"/> (members not eligible on the meeting date) on open proposals are out of it (tester T8.4).
    /// </summary>
    Task<(int Voters, int VotesCast)> OnlineTurnout(string meetingId, ImmutableArray<string> notEligible);

    /// <summary>
    /// A giver withdraws or replaces online proxies (per proposal, the holder she takes it from): a proxy vote through that holder that
    /// does not count is marked withdrawn and never counts again (tester5 T1); refused on a secret ballot with such a vote (tester5 T5).
    /// The online voting grain asks this before it stores her new proxies.
    /// </summary>
    Task<Outcome<Meeting>> WithdrawProxyVotes(string meetingId, string giver, ImmutableArray<ProxyWithdrawal> changes, string actor);

    /// <summary>Whether (and by which channel) a member's vote on a proposal is counted already; null when not.</summary>
    Task<VoteMark?> VotedBy(string meetingId, string proposalId, string memberNumber);

    /// <summary>
    /// Whether this exact online ballot (voter, holder, choice and the receipt its attempt derives) stands counted: on a closed
    /// proposal its receipt is published under that choice, on an open one it is the member's current vote and would count.
    /// For a resend after the codes expired or the proposal closed (tester9b T12); reads only, null when not.
    /// </summary>
    Task<CountedBallot?> CountedOnline(string meetingId, string proposalId, string voter, string? holder, VoteChoice choice, string receipt);

    /// <summary>A page (1-based) of a proposal's ballots, read from the journal; null when the proposal does not exist.</summary>
    Task<BallotPage?> Ballots(string meetingId, string proposalId, int page, int pageSize);

    /// <summary>A page (1-based) of a meeting's attendance list, read from the journal; null when the meeting does not exist.</summary>
    Task<AttendancePage?> Attendance(string meetingId, int page, int pageSize);

    /// <summary>The paper count with its attendance list and proxies (from the journal); null when none was entered.</summary>
    Task<Tally?> TallyOf(string meetingId, string proposalId);

    Task<Outcome<Proposal>> RecordTally(string meetingId, string proposalId, RecordTally command, string actor);

    Task<Outcome<Proposal>> Close(string meetingId, string proposalId, string actor);

    /// <summary>
    /// The decision in force on a project's question, e.g. its realisatiebesluit; null if none.
    /// Interleaves: projects ask this while the ALV grain may itself be waiting on a project.
    /// </summary>
    [Orleans.Concurrency.AlwaysInterleave]
    Task<DecisionStatus?> DecisionFor(string projectId, DecisionType type);

    /// <summary>
    /// In one call: the decision in force now (as <see cref="DecisionFor"/>) and the one in force on <paramref name="asOf"/>
    /// (a gate decision's date; see <see cref="AlvRules.DecisionFor"/>). Interleaves likewise.
    /// </summary>
    [Orleans.Concurrency.AlwaysInterleave]
    Task<DecisionNowAndOn> DecisionNowAndOn(string projectId, DecisionType type, LocalDate asOf);

    Task<Audit.AuditPage> GetAudit(int page, int pageSize);
}
