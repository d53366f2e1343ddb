using System.Collections.Immutable;
using NodaTime;
using Warmte.Audit;
using Warmte.Common;
using Warmte.Members;

namespace Warmte.Alv;

/// <summary>Thin shell around <see cref="AlvRules"/>: load, ask the member register who may vote, apply, persist, answer.</summary>
public sealed class AlvGrain(
    Journal.IJournalStore store, IClock clock) : Grain, IAlvGrain
{
    /// <summary>The grain type in the journal tables (the state name it had in Orleans' grain storage).</summary>
    public const string JournalType = "alv";

    private Journal.JournaledState<RecordState<AlvRecord>> state = null!;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        state = new Journal.JournaledState<RecordState<AlvRecord>>(store, JournalType, this.GetPrimaryKeyString());
        await state.LoadAsync();
    }

    private string CooperativeId => this.GetPrimaryKeyString();

    private AlvRecord Record => state.State.Record ?? AlvRecord.Empty;

    private LocalDate Today => AmsterdamTime.Today(clock);

    private IMemberRegisterGrain Register => GrainFactory.GetGrain<IMemberRegisterGrain>(CooperativeId);

    public Task<Statutes> Statutes() => Task.FromResult(Record.EffectiveStatutes);

    public async Task<Outcome<Statutes>> SetStatutes(SetStatutes command, string actor)
    {
        var refusal = await Apply(AlvRules.SetStatutes(Record, command), actor);
        return refusal ?? Outcome<Statutes>.Ok(Record.EffectiveStatutes);
    }

    public Task<ImmutableArray<Meeting>> Meetings() => Task.FromResult(Record.Meetings);

    public Task<Meeting?> Meeting(string meetingId) => Task.FromResult(AlvRules.Find(Record, meetingId));

    public async Task<Outcome<Meeting>> CreateMeeting(CreateMeeting command, string actor) =>
        (await ForeignProjects(command.Proposals ?? [], "proposals") ?? await Apply(AlvRules.CreateMeeting(Record, command, Today, actor, clock.GetCurrentInstant()), actor)) is { } refusal
            ? refusal
            : Outcome<Meeting>.Ok(AlvRules.Find(Record, command.Id!)!);

    public async Task<Outcome<Meeting>> AddProposal(string meetingId, ProposalInput command, string actor) =>
        (await ForeignProjects([command], null) ?? await Apply(AlvRules.AddProposal(Record, meetingId, command, Today), actor)) is { } refusal
            ? refusal
            : Outcome<Meeting>.Ok(AlvRules.Find(Record, meetingId)!);

    public async Task<Outcome<Meeting>> RecordAttendance(string meetingId, RecordAttendance command, string actor)
    {
        if (AlvRules.Find(Record, meetingId) is not { } meeting) return Refusal.NotFound("Vergadering", meetingId);
        var numbers = (command.Present ?? []).Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => MemberRules.NormaliseNumber(n!)).Distinct();
        var eligibility = await Register.Eligibility([.. numbers], meeting.Date);
        return await Apply(AlvRules.RecordAttendance(Record, meetingId, command, eligibility, Today), actor) is { } refusal
            ? refusal
            : Outcome<Meeting>.Ok(AlvRules.Find(Record, meetingId)!);
    }

    public async Task<Outcome<Proposal>> CastBallot(string meetingId, string proposalId, CastBallot command, string actor)
    {
        if (AlvRules.Find(Record, meetingId) is not { } meeting) return Refusal.NotFound("Vergadering", meetingId);
        // No other call runs while this one awaits the register (grains are not reentrant), so the
        // "has this member voted" check and the write below see the same state.
        var eligibility = await Register.Eligibility(AlvRules.NumbersIn(command), meeting.Date);
        return await Apply(AlvRules.CastBallot(Record, meetingId, proposalId, command, eligibility, Today, actor, clock.GetCurrentInstant()), actor) is { } refusal
            ? refusal
            : Outcome<Proposal>.Ok(ProposalOf(meetingId, proposalId));
    }

    public async Task<Outcome<Proposal>> RecordTally(string meetingId, string proposalId, RecordTally command, string actor)
    {
        if (AlvRules.Find(Record, meetingId) is not { } meeting) return Refusal.NotFound("Vergadering", meetingId);
        var eligibility = await Register.Eligibility(AlvRules.NumbersIn(command), meeting.Date);
        return await Apply(AlvRules.RecordTally(Record, meetingId, proposalId, command, eligibility, Today, actor, clock.GetCurrentInstant()), actor) is { } refusal
            ? refusal
            : Outcome<Proposal>.Ok(ProposalOf(meetingId, proposalId));
    }

    public async Task<Outcome<Proposal>> Close(string meetingId, string proposalId, string actor)
    {
        if (AlvRules.Find(Record, meetingId) is not { } meeting) return Refusal.NotFound("Vergadering", meetingId);
        var electorate = await Register.Electorate(meeting.Date);
        var refusal = await Apply(AlvRules.Close(Record, meetingId, proposalId, electorate, Today, actor, clock.GetCurrentInstant()), actor);
        if (refusal is not null) return refusal;
        var proposal = ProposalOf(meetingId, proposalId);
        // A realisatiebesluit moves a gate: let the project's alerts look again.
        if (proposal.ProjectId is { } projectId) await Alerts.ProjectChanged.Raise(GrainFactory, projectId);
        return Outcome<Proposal>.Ok(proposal);
    }

    public Task<DecisionStatus?> DecisionFor(string projectId, DecisionType type) =>
        Task.FromResult(AlvRules.DecisionFor(Record, projectId, type));

    public Task<AuditPage> GetAudit(int page, int pageSize) => state.AuditPageAsync(page, pageSize);

    /// <summary>A refusal when a proposal names a project that does not exist or belongs to another cooperative.</summary>
    private async Task<Refusal?> ForeignProjects(IReadOnlyList<ProposalInput?> proposals, string? path)
    {
        var v = new Validation();
        for (var i = 0; i < proposals.Count; i++)
        {
            if (proposals[i]?.ProjectId is not { } projectId || !Slug.IsValid(projectId)) continue;
            var owner = await GrainFactory.GetGrain<Projects.IProjectGrain>(projectId).CooperativeId();
            if (owner != CooperativeId)
                v.Add(path is null ? "projectId" : $"{path}[{i}].projectId",
                    owner is null ? $"project '{projectId}' bestaat niet." : $"project '{projectId}' hoort bij coöperatie '{owner}', niet bij '{CooperativeId}'.");
        }
        return v.HasErrors ? v.ToRefusal() : null;
    }

    private Proposal ProposalOf(string meetingId, string proposalId) =>
        AlvRules.Find(Record, meetingId)!.Proposals.First(p => p.Id == proposalId);

    // The rules start from Empty when nothing is stored: Empty given back unchanged stores nothing.
    private Task<Refusal?> Apply(Outcome<Change<AlvRecord>> outcome, string actor) =>
        state.ApplyAsync(outcome, actor, clock.GetCurrentInstant(), DeactivateOnIdle, unchanged: AlvRecord.Empty);
}
