using System.Collections.Immutable;
using Warmte.Common;

namespace Warmte.Alv;

/// <summary>
/// The ALV of one cooperative (key: the cooperative's id): its statutes and meetings. One grain per
/// cooperative processes one command at a time, so a member cannot vote twice on a proposal even
/// when the two ballots arrive together.
/// </summary>
public interface IAlvGrain : IGrainWithStringKey
{
    Task<Statutes> Statutes();

    Task<Outcome<Statutes>> SetStatutes(SetStatutes command, string actor);

    Task<ImmutableArray<Meeting>> Meetings();

    Task<Meeting?> Meeting(string meetingId);

    Task<Outcome<Meeting>> CreateMeeting(CreateMeeting command, string actor);

    Task<Outcome<Meeting>> AddProposal(string meetingId, ProposalInput command, string actor);

    Task<Outcome<Meeting>> RecordAttendance(string meetingId, RecordAttendance command, string actor);

    Task<Outcome<Proposal>> CastBallot(string meetingId, string proposalId, CastBallot command, string actor);

    Task<Outcome<Proposal>> RecordTally(string meetingId, string proposalId, RecordTally command, string actor);

    Task<Outcome<Proposal>> Close(string meetingId, string proposalId, string actor);

    /// <summary>
    /// The decision in force on a project's question, e.g. its realisatiebesluit; null if none.
    /// Interleaves: projects ask this while the ALV grain may itself be waiting on a project.
    /// </summary>
    [Orleans.Concurrency.AlwaysInterleave]
    Task<DecisionStatus?> DecisionFor(string projectId, DecisionType type);

    Task<Audit.AuditPage> GetAudit(int page, int pageSize);
}
